//! The JSON API for integrations: filing tickets.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::attachments::{is_multipart, read_upload_form};
use super::customer_session::ClientIp;
use super::templates::text;
use crate::app::AppState;
use crate::attachments::{SpooledFile, UploadError};
use crate::deflection::{
    Channel, DraftFields, Requester, Review, Submission, SubmitOutcome, SubmittedFiles,
};
use crate::tickets::idempotency::{self, Claim, IdempotencyKey};

/// `POST /api/tickets` body.
#[derive(Debug, Default, Deserialize)]
pub struct NewTicketBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: Option<String>,
}

/// `201` answer of `POST /api/tickets`.
#[derive(Debug, Serialize)]
pub struct CreatedTicket {
    /// Kept with an idempotency key; not part of the answer.
    #[serde(skip)]
    id: i64,
    reference: String,
    status: String,
    priority: String,
    tags: Vec<String>,
    status_url: String,
}

/// `POST /api/tickets`: files a ticket; `422 {"error","fields"}` when fields are invalid. With
/// an `Idempotency-Key` header, a retry answers the first request's result instead of filing
/// again (see [`crate::tickets::idempotency`]).
///
/// A `multipart/form-data` body carries the same fields as form fields and up to the
/// configured number of files in parts named `files`; refused files answer `413` (too large)
/// or `422` (too many, wrong type, empty, cut off) with the reason, and file nothing.
pub async fn create_ticket(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, HttpError> {
    let (body, files) = if is_multipart(&request) {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| HttpError::BadRequest(e.body_text()))?;
        let limits = state.config.attachments.limits();
        let upload = read_upload_form(multipart, &state.files, limits, "files").await?;
        if let Some(refused) = &upload.refused {
            return Err(upload_refusal(refused));
        }
        let category = upload.value("category");
        let body = NewTicketBody {
            name: upload.value("name"),
            email: upload.value("email"),
            subject: upload.value("subject"),
            description: upload.value("description"),
            category: (!category.is_empty()).then_some(category),
        };
        (Ok(Json(body)), upload.files)
    } else {
        let body: Result<Json<NewTicketBody>, JsonRejection> =
            Json::from_request(request, &state).await;
        (body, Vec::new())
    };
    let key =
        match headers.get("idempotency-key") {
            Some(value) => Some(IdempotencyKey::parse(value.as_bytes()).map_err(|error| {
                HttpError::Invalid {
                    message: error.to_string(),
                    fields: BTreeMap::new(),
                }
            })?),
            None => None,
        };
    let Json(body) = body.map_err(|rejection| HttpError::from_json_rejection(&rejection))?;
    let Some(key) = key else {
        return file_from_api(&state, ip, body, files)
            .await
            .map(IntoResponse::into_response);
    };
    let category = body.category.as_deref().unwrap_or_default();
    let mut parts = vec![
        body.name.as_str(),
        &body.email,
        &body.subject,
        &body.description,
        category,
    ];
    // The same fields with other files are another request.
    parts.extend(files.iter().map(|file| file.hash.as_str()));
    let request = idempotency::request_hash(&parts);
    match idempotency::claim(&state.db, &key, &request).await? {
        Claim::First => {}
        Claim::Abandoned { claimed_at } => {
            // The first request died after claiming the key: if it filed the ticket, this
            // repeat gets that ticket; otherwise it files it now, holding the key.
            let filed = state
                .db
                .api_ticket_filed_since(
                    body.email.trim(),
                    body.subject.trim(),
                    body.description.trim(),
                    claimed_at,
                )
                .await?;
            if let Some(ticket) = filed {
                let ticket = state
                    .db
                    .find_ticket_by_id(ticket)
                    .await?
                    .ok_or_else(|| HttpError::Internal(format!("ticket {ticket} vanished")))?;
                let created = CreatedTicket {
                    id: ticket.id,
                    reference: ticket.reference(),
                    status: ticket.status.as_str().to_owned(),
                    priority: ticket.priority.as_str().to_owned(),
                    status_url: ticket.status_link(&state.public_base_url()),
                    tags: ticket.tags,
                };
                return answer_and_keep(&state, &key, StatusCode::CREATED, &created).await;
            }
        }
        Claim::Repeat { status, body } => {
            let status = StatusCode::from_u16(status)
                .map_err(|_| HttpError::Internal(format!("stored status {status}")))?;
            let json = [(header::CONTENT_TYPE, "application/json")];
            return Ok((status, json, body).into_response());
        }
        Claim::InProgress => {
            let busy = HttpError::Conflict(
                "A request with this Idempotency-Key is still being answered; retry in a moment."
                    .into(),
            );
            return Ok(([(header::RETRY_AFTER, "1")], busy).into_response());
        }
        Claim::OtherRequest => {
            return Err(HttpError::Invalid {
                message: "This Idempotency-Key was already used with a different request; \
                          use a new key for a new ticket."
                    .into(),
                fields: BTreeMap::new(),
            });
        }
    }
    match file_from_api(&state, ip, body, files).await {
        Ok((status, Json(created))) => answer_and_keep(&state, &key, status, &created).await,
        Err(error) => {
            // Nothing was filed: the key may be used again, e.g. with corrected fields.
            idempotency::release(&state.db, &key).await?;
            Err(error)
        }
    }
}

/// Refused files, as the API answers them: `413` for size, `422` for the rest.
fn upload_refusal(error: &UploadError) -> HttpError {
    let message = text("en", error.message_key());
    if error.is_too_large() {
        return HttpError::TooLarge(message);
    }
    HttpError::Invalid {
        message: message.clone(),
        fields: [("files", message)].into(),
    }
}

/// Stores the answer under the key, for repeats, and gives it.
async fn answer_and_keep(
    state: &AppState,
    key: &IdempotencyKey,
    status: StatusCode,
    created: &CreatedTicket,
) -> Result<Response, HttpError> {
    let json = serde_json::to_string(created)
        .map_err(|error| HttpError::Internal(format!("ticket JSON: {error}")))?;
    idempotency::complete(&state.db, key, created.id, status.as_u16(), &json).await?;
    Ok((status, [(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// Files the body through the request flow; the answer without idempotency.
async fn file_from_api(
    state: &AppState,
    ip: std::net::IpAddr,
    body: NewTicketBody,
    files: Vec<SpooledFile>,
) -> Result<(StatusCode, Json<CreatedTicket>), HttpError> {
    let submission = Submission {
        draft_id: None,
        fields: DraftFields {
            name: body.name,
            email: body.email,
            subject: body.subject,
            description: body.description,
            category: body.category.unwrap_or_default(),
        },
        seen: Vec::new(),
        review: Review::Skip,
        files: SubmittedFiles {
            new: files,
            ..SubmittedFiles::default()
        },
    };
    let requester = Requester {
        channel: Channel::Api,
        visitor_id: None,
        address: Some(ip),
        lang: None,
    };
    let filed = match state.request_flow().submit(&requester, submission).await? {
        SubmitOutcome::Filed { ticket } => ticket,
        SubmitOutcome::Invalid { fields } if fields.0.contains_key("attachments") => {
            let key = &fields.0["attachments"];
            let message = text("en", key);
            return Err(match key.as_str() {
                "error-attachments-too-large" | "error-attachment-too-large" => {
                    HttpError::TooLarge(message)
                }
                "error-attachments-rate-limited" => HttpError::TooMany(message),
                _ => HttpError::Invalid {
                    message: message.clone(),
                    fields: [("files", message)].into(),
                },
            });
        }
        SubmitOutcome::Invalid { fields } => {
            // Integrations read English; the keys are the catalogue's.
            let fields = fields
                .0
                .into_iter()
                .map(|(field, key)| (field, text("en", &key)))
                .collect();
            return Err(HttpError::Invalid {
                message: "Some fields are invalid.".to_owned(),
                fields,
            });
        }
        SubmitOutcome::RateLimited => {
            return Err(HttpError::TooMany(
                "Too many tickets from this address; try again in a few minutes.".into(),
            ));
        }
        SubmitOutcome::NeedsReview { .. } | SubmitOutcome::AlreadyFiled => {
            return Err(HttpError::Internal(
                "the API asked for no review step and named no draft".into(),
            ));
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(CreatedTicket {
            id: filed.id,
            reference: filed.reference,
            status: filed.status.as_str().to_owned(),
            priority: filed.priority.as_str().to_owned(),
            tags: filed.tags,
            status_url: format!("{}/tickets/{}", state.public_base_url(), filed.status_token),
        }),
    ))
}
