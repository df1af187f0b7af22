//! Images in articles: editors upload them from the article editor, everyone sees them at
//! `/article-images/{sha256}.{ext}`.
//!
//! Only real raster images are kept (the type is read from the bytes, so an SVG or a page
//! named `.png` is refused); each is stored once by its SHA-256 and recorded for the article,
//! which keeps it as long as the article exists (so every revision can still show it).

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::HttpError;
use super::attachments::read_upload_form;
use crate::app::AppState;
use crate::articles::editing::{self, ArticleLookup};
use crate::attachments::{
    AttachmentLimits, ContentHash, FileStore, NewAttachment, UploadError, keep_all, readable_size,
};

/// The form field the image comes in.
pub const IMAGE_FIELD: &str = "image";

/// Where an article image is served.
pub fn image_url(hash: &ContentHash, extension: &str) -> String {
    format!("/article-images/{}.{extension}", hash.as_str())
}

/// The Markdown that shows an image: its name (without the extension) as the alternative text.
pub fn image_markdown(image: &NewAttachment) -> String {
    let extension = image.media_type.image_extension().unwrap_or("png");
    let alt: String = image
        .name
        .rsplit_once('.')
        .map_or(image.name.as_str(), |(stem, _)| stem)
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '\\'))
        .collect();
    format!("![{alt}]({})", image_url(&image.hash, extension))
}

/// What the editor's script gets back from an upload.
#[derive(Debug, Serialize)]
struct Uploaded {
    markdown: String,
    url: String,
}

/// `POST /editor/articles/{slug}/images`: one image, sent by the small form beside the body
/// (then back to the editor with the Markdown to paste), or by the editor's script at
/// `POST /api/editor/articles/{slug}/images` (JSON).
pub async fn upload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Result<Response, HttpError> {
    // The script's upload (under `/api/`) gets JSON, errors included.
    let wants_json = request.uri().path().starts_with("/api/");
    let article = match editing::find_for_editing(&state.db, &slug).await? {
        ArticleLookup::Found(article) => article,
        ArticleLookup::Moved(_) | ArticleLookup::Missing => return Err(HttpError::NotFound),
    };
    let multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|_| HttpError::BadRequest("Choose an image to upload.".to_owned()))?;
    let limits = AttachmentLimits {
        max_files: 1,
        ..state.config.attachments.limits()
    };
    let mut form = read_upload_form(multipart, &state.files, limits, IMAGE_FIELD).await?;
    if let Some(refused) = form.refused.take() {
        return Err(refusal(&refused, limits));
    }
    let Some(file) = form.files.pop() else {
        return Err(HttpError::BadRequest(
            "Choose an image to upload.".to_owned(),
        ));
    };
    if !file.media_type.is_image() {
        return Err(refusal(&UploadError::WrongType, limits));
    }
    let kept = keep_all(&state.files, vec![file])
        .await
        .map_err(|e| HttpError::Internal(format!("keeping an article image: {e}")))?;
    let image = &kept[0];
    state.db.add_article_image(article.id, image).await?;
    let markdown = image_markdown(image);
    if wants_json {
        let extension = image.media_type.image_extension().unwrap_or("png");
        return Ok(Json(Uploaded {
            url: image_url(&image.hash, extension),
            markdown,
        })
        .into_response());
    }
    let target = format!(
        "/editor/articles/{}/edit?image={}",
        article.slug,
        percent_encoding::utf8_percent_encode(&markdown, percent_encoding::NON_ALPHANUMERIC)
    );
    Ok(Redirect::to(&target).into_response())
}

/// What an editor is told about a refused image (staff pages are in English).
fn refusal(error: &UploadError, limits: AttachmentLimits) -> HttpError {
    match error {
        UploadError::FileTooLarge | UploadError::MessageTooLarge => HttpError::TooLarge(format!(
            "The image is larger than {}; nothing was kept.",
            readable_size(limits.max_file_bytes)
        )),
        UploadError::WrongType => HttpError::UnsupportedMediaType(
            "Only PNG, JPEG, GIF and WebP images can be added to an article (not SVG, and not \
             other files renamed as images); nothing was kept."
                .to_owned(),
        ),
        UploadError::TooMany => {
            HttpError::BadRequest("Upload one image at a time; nothing was kept.".to_owned())
        }
        UploadError::Empty => {
            HttpError::BadRequest("The image is empty; nothing was kept.".to_owned())
        }
        other => HttpError::BadRequest(format!(
            "The image could not be received ({other}); nothing was kept."
        )),
    }
}

/// `GET /article-images/{sha256}.{ext}`: an image an article keeps, with its real type and
/// long caching (the name is the content's hash, so it never changes).
pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, HttpError> {
    let (hash, extension) = file.split_once('.').ok_or(HttpError::NotFound)?;
    let hash = ContentHash::parse(hash).ok_or(HttpError::NotFound)?;
    let image = state
        .db
        .find_article_image(&hash)
        .await?
        .ok_or(HttpError::NotFound)?;
    if image.media_type.image_extension() != Some(extension) {
        return Err(HttpError::NotFound);
    }
    let etag = format!("\"{}\"", hash.as_str());
    let cached = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let mut response = if cached {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = axum::http::StatusCode::NOT_MODIFIED;
        response
    } else {
        let handle = state
            .files
            .open(&hash)
            .await
            .map_err(|e| HttpError::Internal(format!("article image {}: {e}", hash.as_str())))?
            .ok_or(HttpError::NotFound)?;
        let mut response =
            Response::new(Body::from_stream(tokio_util::io::ReaderStream::new(handle)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(image.media_type.as_str()),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(image.size));
        response
    };
    let headers = response.headers_mut();
    super::attachments::sandbox_stored_file(headers);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    Ok(response)
}
