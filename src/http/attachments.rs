//! Upload forms in, attached files out.
//!
//! Reading: a `multipart/form-data` body part by part; each file streams into a temporary
//! file that stops at the size limit ([`Spool`]), typed fields are read up to a bound. A
//! refused file does not stop the reading, so every typed field still arrives and comes back
//! in the form; the refused upload keeps nothing.
//!
//! Serving: from routes that have checked the viewer may see the ticket, with
//! `Content-Disposition: attachment` (images inline only when they really are images),
//! `nosniff` and a CSP that lets nothing run, so no uploaded file is ever a page of ours.

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::HttpError;
use crate::attachments::{
    Attachment, AttachmentLimits, DiskFiles, FileStore, Spool, SpooledFile, UploadError,
    readable_size,
};

/// The longest typed field an upload form may carry, in bytes (a description of the most
/// characters allowed, each of four bytes, with room to spare).
const MAX_TEXT_FIELD_BYTES: usize = 128 * 1024;
/// Typed fields an upload form may carry at most.
const MAX_TEXT_FIELDS: usize = 40;

/// Whether the request carries a multipart body.
pub fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Bounds every request body: an upload form's by what its files may weigh together, any
/// other by [`super::MAX_BODY_BYTES`]. A declared length over the bound is refused before
/// reading; a body that grows past it stops there.
pub async fn limit_body(
    axum::extract::State(upload_limit): axum::extract::State<u64>,
    request: Request,
    next: Next,
) -> Response {
    let limit = match is_multipart(&request) {
        true => usize::try_from(upload_limit).unwrap_or(usize::MAX),
        false => super::MAX_BODY_BYTES,
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return HttpError::TooLarge("The request is too large.".to_owned()).into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

/// An upload form as read: typed fields in order, the files that passed every check (none
/// when any was refused), and why files were refused.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<SpooledFile>,
    pub refused: Option<UploadError>,
}

impl UploadForm {
    /// The first value of a typed field, or empty.
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeated field.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A request form that may come with files: `multipart/form-data` (its typed fields read by
/// `from_upload`, files in parts named `files`, each checked while it streams, and the ids of
/// kept files to drop in `remove_file`), or URL-encoded without files.
pub async fn read_form_with_files<T>(
    state: &crate::app::AppState,
    request: Request,
    from_upload: impl FnOnce(&UploadForm) -> T,
) -> Result<(T, crate::deflection::SubmittedFiles), HttpError>
where
    T: serde::de::DeserializeOwned,
{
    use axum::extract::FromRequest;
    if !is_multipart(&request) {
        let axum::Form(form) = axum::Form::<T>::from_request(request, state)
            .await
            .map_err(|e| HttpError::BadRequest(e.body_text()))?;
        return Ok((form, crate::deflection::SubmittedFiles::default()));
    }
    let multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let limits = state.config.attachments.limits();
    let mut upload = read_upload_form(multipart, &state.files, limits, "files").await?;
    let form = from_upload(&upload);
    let remove = upload
        .values("remove_file")
        .filter_map(|id| id.parse().ok())
        .collect();
    let files = crate::deflection::SubmittedFiles {
        new: std::mem::take(&mut upload.files),
        remove,
        refused: upload.refused.take(),
    };
    Ok((form, files))
}

/// Reads a multipart form whose files come in fields named `file_field`.
pub async fn read_upload_form(
    mut multipart: Multipart,
    files: &DiskFiles,
    limits: AttachmentLimits,
    file_field: &str,
) -> Result<UploadForm, HttpError> {
    let mut form = UploadForm::default();
    let mut total: u64 = 0;
    let temp_dir = files.temp_dir();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // Cut off or over the body's bound: what arrived of the typed fields is kept.
            Err(error) => {
                form.refused.get_or_insert(cut_off(&error));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name != file_field {
            if form.fields.len() >= MAX_TEXT_FIELDS {
                return Err(HttpError::BadRequest("Too many form fields.".to_owned()));
            }
            match read_text(&mut field).await {
                Ok(text) => form.fields.push((name, text)),
                Err(TextError::TooLong) => {
                    return Err(HttpError::TooLarge("A form field is too long.".to_owned()));
                }
                Err(TextError::Nul) => return Err(super::nul_bytes::refusal()),
                Err(TextError::Cut(error)) => {
                    form.refused.get_or_insert(cut_off(&error));
                    break;
                }
            }
            continue;
        }
        let client_name = field.file_name().unwrap_or("").to_owned();
        if form.refused.is_some() || form.files.len() >= limits.max_files {
            if form.refused.is_none() && !client_name.is_empty() {
                form.refused = Some(UploadError::TooMany);
            }
            if let Err(error) = drain(&mut field).await {
                form.refused.get_or_insert(cut_off(&error));
                break;
            }
            continue;
        }
        let room = limits
            .max_file_bytes
            .min(limits.max_message_bytes.saturating_sub(total));
        match spool_field(&mut field, &temp_dir, &client_name, room).await {
            Ok(Spooled::File(file)) => {
                total += file.size;
                form.files.push(file);
            }
            // A file input left empty still sends a part, without a name or bytes.
            Ok(Spooled::Nothing) => {}
            Err((error, cut)) => {
                let error = match error {
                    UploadError::FileTooLarge if room < limits.max_file_bytes => {
                        UploadError::MessageTooLarge
                    }
                    error => error,
                };
                form.refused = Some(error);
                if cut {
                    break;
                }
            }
        }
    }
    if form.refused.is_some() {
        // Nothing half-stored: the temporary files go with them.
        form.files.clear();
    }
    Ok(form)
}

enum Spooled {
    File(SpooledFile),
    Nothing,
}

/// Streams one file part into a temporary file; on a refusal, reads the rest of the part
/// (discarding it) so the fields after it still arrive. The flag says the body was cut off.
async fn spool_field(
    field: &mut Field<'_>,
    temp_dir: &Path,
    client_name: &str,
    limit: u64,
) -> Result<Spooled, (UploadError, bool)> {
    let mut spool = Spool::start(temp_dir, client_name, limit)
        .await
        .map_err(|e| (e, false))?;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if let Err(error) = spool.write(&chunk).await {
                    return match drain(field).await {
                        Ok(()) => Err((error, false)),
                        Err(_) => Err((error, true)),
                    };
                }
            }
            Ok(None) => break,
            Err(error) => return Err((cut_off(&error), true)),
        }
    }
    match spool.finish().await {
        Err(UploadError::Empty) if client_name.is_empty() => Ok(Spooled::Nothing),
        Ok(file) => Ok(Spooled::File(file)),
        Err(error) => Err((error, false)),
    }
}

/// Why a multipart body stopped: over its bound, or cut off before its end.
fn cut_off(error: &MultipartError) -> UploadError {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => UploadError::MessageTooLarge,
        _ => UploadError::Truncated,
    }
}

async fn drain(field: &mut Field<'_>) -> Result<(), MultipartError> {
    while field.chunk().await?.is_some() {}
    Ok(())
}

enum TextError {
    TooLong,
    Nul,
    Cut(MultipartError),
}

async fn read_text(field: &mut Field<'_>) -> Result<String, TextError> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
                    return Err(TextError::TooLong);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => return Err(TextError::Cut(error)),
        }
    }
    if bytes.contains(&0) {
        return Err(TextError::Nul);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A file as listed on a page: name (escaped by the template), type, size, and where it is.
#[derive(Debug, Serialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub size: String,
    pub is_image: bool,
    pub internal: bool,
    /// Where it is served; empty while it waits in a draft (not served from there).
    pub url: String,
}

impl FileView {
    pub fn of(file: &Attachment, base: &str) -> FileView {
        FileView {
            id: file.id,
            name: file.name.clone(),
            kind: file.media_type.label(),
            size: readable_size(file.size),
            is_image: file.media_type.is_image(),
            internal: file.internal,
            url: match base {
                "" => String::new(),
                base => format!("{base}/{}", file.id),
            },
        }
    }
}

/// Sends a kept file safely: its real type, inline only for an image, a name that cannot
/// break the header, and nothing that lets a browser treat it as a page of ours.
pub async fn serve_file(files: &DiskFiles, file: &Attachment) -> Result<Response, HttpError> {
    let Some(handle) = files
        .open(&file.hash)
        .await
        .map_err(|e| HttpError::Internal(format!("attachment {}: {e}", file.id)))?
    else {
        return Err(HttpError::NotFound);
    };
    let disposition = if file.media_type.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = file
        .name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(&file.name, NON_ALPHANUMERIC);
    let disposition = format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    // Read in chunks, so serving a file never holds it in memory whole.
    let stream = tokio_util::io::ReaderStream::new(handle);
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.media_type.as_str()),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)
            .map_err(|e| HttpError::Internal(format!("attachment {}: {e}", file.id)))?,
    );
    sandbox_stored_file(headers);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// Headers every stored file is served with, whoever uploaded it: the browser must not guess
/// another type, and nothing in the file may run or load anything in our origin.
pub(super) fn sandbox_stored_file(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
}
