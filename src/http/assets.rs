//! The stylesheet, scripts and favicon compiled into the binary, and images from the content directory.

use std::sync::LazyLock;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::HttpError;
use crate::app::AppState;

const STYLESHEET: &str = include_str!("../../templates/assets/style.css");
const SUGGEST_SCRIPT: &str = include_str!("../../templates/assets/suggest.js");
const STAFF_STYLESHEET: &str = include_str!("../../templates/assets/staff.css");
const EDITOR_SCRIPT: &str = include_str!("../../templates/assets/editor.js");
const AGENT_SCRIPT: &str = include_str!("../../templates/assets/agent.js");
const FAVICON: &str = include_str!("../../templates/assets/favicon.svg");

/// Changes whenever an asset changes, so asset URLs can be cached for a long time.
pub static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(STYLESHEET.as_bytes());
    for asset in [
        SUGGEST_SCRIPT,
        STAFF_STYLESHEET,
        EDITOR_SCRIPT,
        AGENT_SCRIPT,
        FAVICON,
    ] {
        hasher.update(asset.as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
});

/// `/assets/{file}`: the embedded stylesheet, scripts and favicon.
pub async fn asset(Path(file): Path<String>) -> Result<Response, HttpError> {
    let (body, content_type) = match file.as_str() {
        "style.css" => (STYLESHEET, "text/css; charset=utf-8"),
        "suggest.js" => (SUGGEST_SCRIPT, "text/javascript; charset=utf-8"),
        "staff.css" => (STAFF_STYLESHEET, "text/css; charset=utf-8"),
        "editor.js" => (EDITOR_SCRIPT, "text/javascript; charset=utf-8"),
        "agent.js" => (AGENT_SCRIPT, "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        _ => return Err(HttpError::NotFound),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// File types served from the content directory. Markdown is not among them: drafts must
/// never be readable by customers.
const SERVED_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg", "avif"];

/// `/content/{path}`: images referenced by articles. `..` never escapes the content directory.
pub async fn content_file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    request: Request,
) -> Result<Response, HttpError> {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let allowed = extension
        .as_deref()
        .is_some_and(|e| SERVED_EXTENSIONS.contains(&e));
    if !allowed
        || path
            .split('/')
            .any(|part| part == ".." || part.starts_with('.'))
    {
        return Err(HttpError::NotFound);
    }
    // ServeDir resolves the request path below the content directory.
    let uri = format!("/{path}");
    let (mut parts, body) = request.into_parts();
    parts.uri = uri.parse().map_err(|_| HttpError::NotFound)?;
    let response = ServeDir::new(&state.config.content_dir)
        .oneshot(Request::from_parts(parts, body))
        .await
        .map_err(|error| HttpError::Internal(error.to_string()))?;
    if response.status().is_client_error() {
        return Err(HttpError::NotFound);
    }
    let mut response = response.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    // An SVG opened directly must not run scripts.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    Ok(response)
}
