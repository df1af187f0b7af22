//! The stylesheet, scripts and favicon compiled into the binary, and images from the content directory.

use std::path::PathBuf;
use std::sync::LazyLock;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::HttpError;
use crate::app::AppState;

const STYLESHEET: &str = include_str!("../../templates/assets/style.css");
const SUGGEST_SCRIPT: &str = include_str!("../../templates/assets/suggest.js");
const STAFF_STYLESHEET: &str = include_str!("../../templates/assets/staff.css");
const EDITOR_SCRIPT: &str = include_str!("../../templates/assets/editor.js");
const AGENT_SCRIPT: &str = include_str!("../../templates/assets/agent.js");
const WIDGET_PANEL_SCRIPT: &str = include_str!("../../templates/assets/widget-panel.js");
const WIDGET_STYLESHEET: &str = include_str!("../../templates/assets/widget.css");
const ATTACHMENTS_SCRIPT: &str = include_str!("../../templates/assets/attachments.js");
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
        WIDGET_PANEL_SCRIPT,
        WIDGET_STYLESHEET,
        ATTACHMENTS_SCRIPT,
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
        "widget-panel.js" => (WIDGET_PANEL_SCRIPT, "text/javascript; charset=utf-8"),
        "widget.css" => (WIDGET_STYLESHEET, "text/css; charset=utf-8"),
        "attachments.js" => (ATTACHMENTS_SCRIPT, "text/javascript; charset=utf-8"),
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

/// `/favicon.ico`: what a browser asks for where no page names an icon (a JSON answer, an
/// image opened alone): the site's icon, not a `404` in every log.
pub async fn favicon() -> Result<Response, HttpError> {
    let mut response = FAVICON.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}

/// File types served from the content directory. Markdown is not among them: drafts must
/// never be readable by customers.
const SERVED_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg", "avif"];

fn is_image_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, e)| SERVED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The real path of `relative` below `content_dir`, when it is a regular image file that
/// stays inside the (real) content directory.
async fn served_file(content_dir: &std::path::Path, relative: &str) -> Option<PathBuf> {
    let root = tokio::fs::canonicalize(content_dir).await.ok()?;
    let file = tokio::fs::canonicalize(root.join(relative)).await.ok()?;
    let inside = file.starts_with(&root);
    let image = file.to_str().is_some_and(is_image_name);
    let regular = tokio::fs::metadata(&file).await.ok()?.is_file();
    (inside && image && regular).then_some(file)
}

/// `/content/{path}`: images referenced by articles. Only regular files whose real path (all
/// symbolic links resolved) stays inside the content directory, with an image's extension,
/// are served: `..` and links pointing elsewhere (or at Markdown) lead nowhere.
pub async fn content_file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    request: Request,
) -> Result<Response, HttpError> {
    if !is_image_name(&path)
        || path
            .split('/')
            .any(|part| part == ".." || part.starts_with('.'))
    {
        return Err(HttpError::NotFound);
    }
    let file = served_file(&state.config.content_dir, &path)
        .await
        .ok_or(HttpError::NotFound)?;
    let response = ServeFile::new(file)
        .oneshot(request)
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
