//! The HTTP layer: one function builds the whole router; one file per area.
//!
//! Handlers parse the request, call the domain, and render. They hold no SQL.

mod api;
mod assets;
mod customer_session;
mod error;
mod health;
mod language;
mod portal;
mod requests;
mod search;
mod templates;
mod tickets;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::HttpError;

use crate::app::AppState;

/// The largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every URL the portal answers, in one place.
///
/// Customer pages are language-neutral (`/articles/{slug}`); a language home lives at
/// `/{lang}`, so `/{lang}/articles/{slug}` can be added later without breaking links.
pub fn router(state: AppState) -> Router {
    // Pages customers see carry the anonymous visitor and CSRF cookies.
    let customer_pages = Router::new()
        .route("/", get(portal::home))
        .route("/{lang}", get(portal::language_home))
        .route("/categories/{slug}", get(portal::category))
        .route("/articles/{slug}", get(portal::article))
        .route("/articles/{slug}/feedback", post(portal::article_feedback))
        .route("/search", get(search::search_page))
        .route("/request/new", get(requests::new_request))
        .route("/request", post(requests::submit_request))
        .route("/request/{draft}/solved", post(requests::request_solved))
        .route(
            "/request/{draft}/autosave",
            post(requests::autosave_request),
        )
        .route("/tickets/{token}", get(tickets::ticket_status))
        .route("/tickets/{token}/reply", post(tickets::ticket_reply))
        .route("/tickets/{token}/rating", post(tickets::ticket_rating))
        .fallback(portal::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            customer_session::ensure_customer_session,
        ));

    Router::new()
        .route("/api/search", get(search::api_search))
        .route("/api/suggest", get(search::api_suggest))
        .route("/api/tickets", post(api::create_ticket))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{file}", get(assets::asset))
        .route("/content/{*path}", get(assets::content_file))
        .merge(customer_pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::render_error_pages,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
