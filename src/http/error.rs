//! The HTTP layer's one error type, turned into responses in one place.

use std::collections::BTreeMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::language::{language_in_path, preferred_language};
use super::templates;
use crate::app::AppState;
use crate::articles::ArticleError;
use crate::search::SearchError;
use crate::storage::StorageError;
use crate::tickets::filing::TicketError;

/// Everything a handler can fail with, by meaning. Whether the answer is a page or JSON is
/// decided by the route (every JSON API lives under `/api/`), in [`render_errors`].
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("page not found")]
    NotFound,
    /// A parameter or body that cannot be understood: `400`.
    #[error("{0}")]
    BadRequest(String),
    /// Fields that fail validation, a message per field: `422`.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: BTreeMap<&'static str, String>,
    },
    /// Not allowed: `403`.
    #[error("{0}")]
    Forbidden(Refusal),
    /// A staff page or API used without a session: sign in first (a redirect for pages,
    /// `401` for the API), then back to `next`.
    #[error("Please sign in.")]
    LoginRequired { next: String },
    /// A change based on an outdated version (two editors, one article): `409`.
    #[error("{0}")]
    Conflict(String),
    /// A body over the size limit: `413`.
    #[error("{0}")]
    TooLarge(String),
    /// A body of a type this endpoint does not read: `415`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many requests from one client: `429`.
    #[error("{0}")]
    TooMany(String),
    /// A service the request needs is away for now: `503`.
    #[error("{0}")]
    Unavailable(String),
    /// A fault on our side: `500`; the detail is logged, never shown.
    #[error("internal error")]
    Internal(String),
}

/// Why a request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A form or API call without the session's CSRF token.
    #[error("This form has expired. Please go back, reload the page and try again.")]
    ExpiredForm,
    /// A signed-in staff member whose role does not allow this area.
    #[error("Your account does not have access to this page.")]
    Role,
}

impl HttpError {
    /// The status code of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::NotFound => StatusCode::NOT_FOUND,
            HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            HttpError::Forbidden(_) => StatusCode::FORBIDDEN,
            HttpError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            HttpError::Conflict(_) => StatusCode::CONFLICT,
            HttpError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HttpError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            HttpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A JSON body axum could not read, as the error it means.
    pub fn from_json_rejection(rejection: &JsonRejection) -> HttpError {
        let message = rejection.body_text();
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => HttpError::TooLarge(message),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => HttpError::UnsupportedMediaType(message),
            _ => HttpError::BadRequest(format!("invalid JSON body: {message}")),
        }
    }
}

/// What customers and staff are told while the database is away.
const DATABASE_AWAY: &str = "The service is briefly unavailable. Please try again in a moment.";
/// Seconds a client is asked to wait before retrying a `503`.
const RETRY_AFTER_SECONDS: &str = "5";

impl HttpError {
    /// A fault below the handler: `503` when somewhere in its causes the database is away
    /// (the request may well work in a moment), otherwise `500`.
    pub fn internal_or_unavailable(error: &(dyn std::error::Error + 'static)) -> HttpError {
        let mut cause = Some(error);
        while let Some(current) = cause {
            let away = current
                .downcast_ref::<StorageError>()
                .is_some_and(StorageError::is_unavailable)
                || current
                    .downcast_ref::<sqlx::Error>()
                    .is_some_and(crate::storage::is_outage);
            if away {
                tracing::warn!(%error, "database unavailable");
                return HttpError::Unavailable(DATABASE_AWAY.to_owned());
            }
            cause = current.source();
        }
        HttpError::Internal(error.to_string())
    }
}

impl From<StorageError> for HttpError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Conflict(message) => HttpError::Conflict(message),
            error => HttpError::internal_or_unavailable(&error),
        }
    }
}

impl From<ArticleError> for HttpError {
    fn from(error: ArticleError) -> Self {
        HttpError::internal_or_unavailable(&error)
    }
}

impl From<SearchError> for HttpError {
    fn from(error: SearchError) -> Self {
        HttpError::Internal(format!("search: {error}"))
    }
}

impl From<TicketError> for HttpError {
    fn from(error: TicketError) -> Self {
        match HttpError::internal_or_unavailable(&error) {
            HttpError::Internal(detail) => HttpError::Internal(format!("ticket: {detail}")),
            unavailable => unavailable,
        }
    }
}

impl From<crate::accounts::AccountError> for HttpError {
    fn from(error: crate::accounts::AccountError) -> Self {
        use crate::accounts::AccountError;
        match error {
            AccountError::Invalid(_) => HttpError::BadRequest(error.to_string()),
            AccountError::EmailTaken(_) => HttpError::Conflict(error.to_string()),
            AccountError::UnknownUser => HttpError::NotFound,
            AccountError::Hashing(_) | AccountError::Storage(_) => {
                HttpError::internal_or_unavailable(&error)
            }
        }
    }
}

impl From<crate::deflection::RequestFlowError> for HttpError {
    fn from(error: crate::deflection::RequestFlowError) -> Self {
        match HttpError::internal_or_unavailable(&error) {
            HttpError::Internal(detail) => HttpError::Internal(format!("request flow: {detail}")),
            unavailable => unavailable,
        }
    }
}

impl From<crate::tickets::lost_links::LostLinksError> for HttpError {
    fn from(error: crate::tickets::lost_links::LostLinksError) -> Self {
        use crate::tickets::lost_links::LostLinksError;
        match error {
            LostLinksError::InvalidAddress(_) => HttpError::Invalid {
                message: "Please enter a valid email address.".into(),
                fields: [("email", "Please enter a valid email address.".to_owned())].into(),
            },
            LostLinksError::Storage(error) => error.into(),
            LostLinksError::Email(error) => HttpError::Internal(error.to_string()),
        }
    }
}

impl From<minijinja::Error> for HttpError {
    fn from(error: minijinja::Error) -> Self {
        HttpError::Internal(format!("template: {error:#}"))
    }
}

/// What an error response carries until [`render_errors`] gives it its final form.
#[derive(Clone, Debug)]
struct ErrorDetails {
    message: String,
    fields: Option<BTreeMap<&'static str, String>>,
    /// Where to return after signing in.
    sign_in_next: Option<String>,
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            HttpError::Internal(detail) => {
                // The detail goes to the log only: internal error text never reaches a customer.
                tracing::error!(error = %detail, "request failed");
                "Something went wrong on our side.".to_owned()
            }
            HttpError::LoginRequired { .. } => "Sign in to use this API.".to_owned(),
            other => other.to_string(),
        };
        let details = match self {
            HttpError::Invalid { fields, .. } => ErrorDetails {
                message,
                fields: Some(fields),
                sign_in_next: None,
            },
            HttpError::LoginRequired { next } => ErrorDetails {
                message,
                fields: None,
                sign_in_next: Some(next),
            },
            _ => ErrorDetails {
                message,
                fields: None,
                sign_in_next: None,
            },
        };
        let mut response = (status, details.message.clone()).into_response();
        response.extensions_mut().insert(details);
        response
    }
}

/// The first path segments of staff pages, which may stay English.
const STAFF_AREAS: [&str; 6] = ["staff", "login", "logout", "admin", "editor", "agent"];

/// Gives every error response its final form, chosen by the route: JSON `{"error", "fields"?}`
/// under `/api/`, otherwise the site's error page (and the sign-in page for staff pages).
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    // Staff pages may stay English; a customer's error page speaks their language.
    let first_segment = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let staff = STAFF_AREAS.contains(&first_segment);
    let customer_language = (!staff).then(|| {
        language_in_path(path).unwrap_or_else(|| {
            preferred_language(request.headers(), &state.config.default_language)
        })
    });
    let response = next.run(request).await;
    let Some(mut details) = response.extensions().get::<ErrorDetails>().cloned() else {
        return response;
    };
    let mut status = response.status();
    // A fault whose cause was not kept (wrapped as text on the way up) is still the outage
    // when the database does not answer now: `503`, not `500`.
    if status == StatusCode::INTERNAL_SERVER_ERROR
        && state
            .db
            .ping_within(OUTAGE_CHECK_LIMIT)
            .await
            .is_err_and(|error| error.is_unavailable())
    {
        status = StatusCode::SERVICE_UNAVAILABLE;
        details.message = DATABASE_AWAY.to_owned();
    }
    // Every page says it in the reader's words; staff pages use the default language's.
    let page_language = match status {
        StatusCode::SERVICE_UNAVAILABLE => customer_language
            .or_else(|| crate::i18n::Language::parse(&state.config.default_language)),
        _ => customer_language,
    };
    let mut rendered = if api {
        let body = match &details.fields {
            Some(fields) => serde_json::json!({ "error": details.message, "fields": fields }),
            None => serde_json::json!({ "error": details.message }),
        };
        (status, axum::Json(body)).into_response()
    } else if let Some(next) = &details.sign_in_next {
        let target = format!(
            "/login?next={}",
            percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
        );
        return Redirect::to(&target).into_response();
    } else {
        match templates::render_error(&state, status, &details.message, page_language) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, "error page could not be rendered");
                return response;
            }
        }
    };
    // A handler's `Retry-After` (a 429's wait) stays on the rendered answer.
    if let Some(wait) = response.headers().get(header::RETRY_AFTER) {
        rendered
            .headers_mut()
            .insert(header::RETRY_AFTER, wait.clone());
    }
    rendered.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        rendered.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    rendered
}

/// How long an error response waits to learn whether the database is away.
const OUTAGE_CHECK_LIMIT: std::time::Duration = std::time::Duration::from_millis(500);
