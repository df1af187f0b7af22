//! The HTTP layer: one function builds the whole router; one file per area.
//!
//! Handlers parse the request, call the domain, and render. They hold no SQL.

mod admin;
mod agent;
mod api;
mod article_images;
mod assets;
mod attachments;
mod charts;
mod customer_session;
mod editor;
mod error;
mod health;
mod language;
mod language_urls;
mod linked_text;
mod local_path;
mod login;
mod lost_links;
mod nul_bytes;
mod portal;
mod requests;
mod search;
mod staff;
mod staff_session;
mod templates;
mod tickets;
mod users;
mod widget;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{HttpError, Refusal};

use crate::accounts::StaffArea;
use crate::app::AppState;

/// The largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every URL the portal answers, in one place.
///
/// Customer pages carry their language first (`/lv/articles/{slug}`); the URLs from before
/// languages were in URLs redirect to the customer's language (`language_urls`). Private
/// ticket pages (`/tickets/{token}`) stay where they are and speak the ticket's language.
pub fn router(state: AppState) -> Router {
    // Behind an `https://` address, browsers are told to come back over HTTPS only.
    let hsts = state
        .config
        .base_url
        .starts_with("https://")
        .then(|| HeaderValue::from_static("max-age=31536000"));
    // A customer's own words, a private ticket link, a sign-in form: never cached anywhere.
    let private_pages = Router::new()
        .route("/{lang}/request/new", get(requests::new_request))
        .route("/{lang}/request", post(requests::submit_request))
        .route(
            "/{lang}/request/{draft}/solved",
            post(requests::request_solved),
        )
        .route(
            "/{lang}/request/{draft}/autosave",
            post(requests::autosave_request),
        )
        .route(
            "/{lang}/requests/find",
            get(lost_links::find_requests_page).post(lost_links::send_request_links),
        )
        .route("/tickets/{token}", get(tickets::ticket_status))
        .route("/tickets/{token}/reply", post(tickets::ticket_reply))
        .route("/tickets/{token}/files/{file}", get(tickets::ticket_file))
        .route("/tickets/{token}/rating", post(tickets::ticket_rating))
        .route("/login", get(login::login_page).post(login::login))
        .layer(no_store());

    // Pages customers see carry the anonymous visitor and CSRF cookies.
    let customer_pages = Router::new()
        .route("/", get(language_urls::root))
        .route("/language/{lang}", get(language_urls::choose_language))
        .route("/{lang}", get(portal::home))
        .route("/{lang}/categories/{slug}", get(portal::category))
        .route("/{lang}/articles/{slug}", get(portal::article))
        .route(
            "/{lang}/articles/{slug}/feedback",
            post(portal::article_feedback),
        )
        .route(
            "/{lang}/articles/{slug}/missing",
            post(portal::article_reader_note),
        )
        .route("/{lang}/search", get(search::search_page))
        .route("/categories/{slug}", get(language_urls::unprefixed))
        .route("/articles/{slug}", get(language_urls::unprefixed))
        .route("/articles/{slug}/feedback", post(language_urls::unprefixed))
        .route("/search", get(language_urls::unprefixed))
        .route("/request/new", get(language_urls::unprefixed))
        .route("/request", post(language_urls::unprefixed))
        .route("/request/{draft}/solved", post(language_urls::unprefixed))
        .route("/request/{draft}/autosave", post(language_urls::unprefixed))
        .merge(private_pages)
        .fallback(portal::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            customer_session::ensure_customer_session,
        ));

    // Staff areas: each behind the guard that checks the session, the role and CSRF.
    let guard = |area: Option<StaffArea>| {
        axum::middleware::from_fn_with_state((state.clone(), area), staff_session::require_staff)
    };
    let staff_common = Router::new()
        .route("/staff", get(staff::staff_home))
        .route("/staff/account", get(staff::account_page))
        .route("/staff/account/password", post(staff::change_own_password))
        .route(
            "/staff/account/sign-out-everywhere",
            post(staff::sign_out_everywhere),
        )
        .route("/logout", post(login::logout))
        .route_layer(guard(None));
    let staff_pages = Router::new()
        .merge(staff_common)
        .merge(editor::routes().route_layer(guard(Some(StaffArea::Editor))))
        .merge(agent::routes().route_layer(guard(Some(StaffArea::Agent))))
        .merge(
            admin::routes()
                .merge(users::routes())
                .merge(widget::admin_routes())
                .route_layer(guard(Some(StaffArea::Admin))),
        )
        // Staff pages show customers' words and internal notes: never cached anywhere.
        .layer(no_store());

    let upload_limit = state.config.attachments.limits().max_body_bytes();
    Router::new()
        .merge(staff_pages)
        .route("/api/search", get(search::api_search))
        .route("/api/suggest", get(search::api_suggest))
        // The answer carries the ticket's private status link.
        .route("/api/tickets", post(api::create_ticket).layer(no_store()))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{file}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .route("/content/{*path}", get(assets::content_file))
        .merge(widget::routes())
        .route("/article-images/{file}", get(article_images::serve))
        .merge(customer_pages)
        .layer(axum::middleware::from_fn(nul_bytes::refuse_nul_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::render_errors,
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
            // The widget's panel names the sites that may frame it in its own CSP instead.
            |response: &axum::response::Response| {
                let framed = response.extensions().get::<widget::FramedByWidgetOrigins>();
                framed.is_none().then(|| HeaderValue::from_static("DENY"))
            },
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            hsts,
        ))
        // Every body is bounded here (upload forms by their files' limits); the extractors'
        // own default bound would cut an upload form short.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            upload_limit,
            attachments::limit_body,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// `Cache-Control: no-store` on every response of the routes it wraps.
fn no_store() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}
