//! The HTTP layer: one function builds the whole router; one file per area.
//!
//! Handlers parse the request, call the domain, and render. They hold no SQL.

mod assets;
mod error;
mod health;
mod portal;
mod templates;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
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
    Router::new()
        .route("/", get(portal::home))
        .route("/{lang}", get(portal::language_home))
        .route("/categories/{slug}", get(portal::category))
        .route("/articles/{slug}", get(portal::article))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{file}", get(assets::asset))
        .route("/content/{*path}", get(assets::content_file))
        .fallback(portal::not_found)
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
