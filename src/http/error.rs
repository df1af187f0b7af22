//! The HTTP layer's one error type, turned into responses in one place.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::templates;
use crate::app::AppState;
use crate::articles::ArticleError;
use crate::search::SearchError;
use crate::storage::StorageError;
use crate::tickets::filing::TicketError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("page not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error")]
    Internal(String),
    /// A JSON API request with a bad parameter: `400 {"error": …}`.
    #[error("{0}")]
    ApiBadRequest(String),
    /// A form without a valid CSRF token.
    #[error("This form has expired. Please go back, reload the page and try again.")]
    CsrfRejected,
    /// A JSON API request whose fields are invalid: `422 {"error", "fields"}`.
    #[error("{message}")]
    ApiInvalidFields {
        message: String,
        fields: std::collections::BTreeMap<&'static str, String>,
    },
    /// Too many requests from one address: `429`.
    #[error("{0}")]
    ApiTooManyRequests(String),
    /// A staff page opened without a session: redirect to sign-in, then back to `next`.
    #[error("Please sign in.")]
    LoginRequired { next: String },
    /// A signed-in staff member whose role does not allow this page.
    #[error("Your account does not have access to this page.")]
    Forbidden,
    /// A staff API call without a session: `401 {"error": …}`.
    #[error("Sign in to use this API.")]
    ApiUnauthorized,
    /// A staff API call the role does not allow, or without the CSRF token: `403 {"error": …}`.
    #[error("Not allowed for this account, or the X-CSRF-Token header is missing.")]
    ApiForbidden,
    /// A change based on an outdated version (two editors, one article): `409`.
    #[error("{0}")]
    Conflict(String),
    /// A JSON API body that could not be read (too large, wrong content type): its own status.
    #[error("{1}")]
    ApiRejected(StatusCode, String),
}

impl From<StorageError> for HttpError {
    fn from(error: StorageError) -> Self {
        HttpError::Internal(error.to_string())
    }
}

impl From<ArticleError> for HttpError {
    fn from(error: ArticleError) -> Self {
        HttpError::Internal(error.to_string())
    }
}

impl From<SearchError> for HttpError {
    fn from(error: SearchError) -> Self {
        HttpError::Internal(format!("search: {error}"))
    }
}

impl From<TicketError> for HttpError {
    fn from(error: TicketError) -> Self {
        HttpError::Internal(format!("ticket: {error}"))
    }
}

impl From<crate::accounts::AccountError> for HttpError {
    fn from(error: crate::accounts::AccountError) -> Self {
        use crate::accounts::AccountError;
        match error {
            AccountError::Invalid(_) | AccountError::EmailTaken(_) => {
                HttpError::BadRequest(error.to_string())
            }
            AccountError::UnknownUser => HttpError::NotFound,
            AccountError::Hashing(_) | AccountError::Storage(_) => {
                HttpError::Internal(error.to_string())
            }
        }
    }
}

impl From<minijinja::Error> for HttpError {
    fn from(error: minijinja::Error) -> Self {
        HttpError::Internal(format!("template: {error:#}"))
    }
}

/// Marks a response whose body is to be replaced by the friendly error page.
#[derive(Clone, Debug)]
struct ErrorPage {
    message: String,
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        match &self {
            HttpError::ApiBadRequest(message) => {
                let body = serde_json::json!({ "error": message });
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            }
            HttpError::ApiInvalidFields { message, fields } => {
                let body = serde_json::json!({ "error": message, "fields": fields });
                return (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response();
            }
            HttpError::ApiTooManyRequests(message) => {
                let body = serde_json::json!({ "error": message });
                return (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
            }
            HttpError::ApiUnauthorized => {
                let body = serde_json::json!({ "error": self.to_string() });
                return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
            }
            HttpError::ApiForbidden => {
                let body = serde_json::json!({ "error": self.to_string() });
                return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
            }
            HttpError::LoginRequired { next } => {
                let target = format!(
                    "/login?next={}",
                    percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
                );
                return axum::response::Redirect::to(&target).into_response();
            }
            HttpError::ApiRejected(status, message) => {
                let body = serde_json::json!({ "error": message });
                return (*status, axum::Json(body)).into_response();
            }
            _ => {}
        }
        let (status, message) = match &self {
            HttpError::NotFound => (StatusCode::NOT_FOUND, self.to_string()),
            HttpError::BadRequest(message) => (StatusCode::BAD_REQUEST, message.clone()),
            HttpError::CsrfRejected | HttpError::Forbidden => {
                (StatusCode::FORBIDDEN, self.to_string())
            }
            HttpError::Conflict(message) => (StatusCode::CONFLICT, message.clone()),
            HttpError::ApiBadRequest(_)
            | HttpError::ApiInvalidFields { .. }
            | HttpError::ApiTooManyRequests(_)
            | HttpError::ApiRejected(..)
            | HttpError::ApiUnauthorized
            | HttpError::ApiForbidden
            | HttpError::LoginRequired { .. } => (StatusCode::BAD_REQUEST, self.to_string()),
            HttpError::Internal(detail) => {
                // The detail goes to the log only: internal error text never reaches a customer.
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side.".to_owned(),
                )
            }
        };
        let mut response = (status, message.clone()).into_response();
        response.extensions_mut().insert(ErrorPage { message });
        response
    }
}

/// Renders the error page (with the site's layout) for responses marked by [`HttpError`].
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let status = response.status();
    match templates::render_error(&state, status, &page.message) {
        Ok(html) => {
            let mut rendered = (status, Html(html)).into_response();
            rendered.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            rendered
        }
        Err(error) => {
            tracing::error!(%error, "error page could not be rendered");
            response
        }
    }
}
