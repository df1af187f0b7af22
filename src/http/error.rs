//! The HTTP layer's one error type, turned into responses in one place.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::templates;
use crate::app::AppState;
use crate::articles::ArticleError;
use crate::storage::StorageError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("page not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error")]
    Internal(String),
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
        let (status, message) = match &self {
            HttpError::NotFound => (StatusCode::NOT_FOUND, self.to_string()),
            HttpError::BadRequest(message) => (StatusCode::BAD_REQUEST, message.clone()),
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
