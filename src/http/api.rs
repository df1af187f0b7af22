//! The JSON API for integrations: filing tickets.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::customer_session::ClientIp;
use super::templates::text;
use crate::app::AppState;
use crate::deflection::{Channel, DraftFields, Requester, Review, Submission, SubmitOutcome};

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
    reference: String,
    status: String,
    priority: String,
    tags: Vec<String>,
    status_url: String,
}

/// `POST /api/tickets`: files a ticket; `422 {"error","fields"}` when fields are invalid.
pub async fn create_ticket(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Result<Json<NewTicketBody>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedTicket>), HttpError> {
    let Json(body) = body.map_err(|rejection| HttpError::from_json_rejection(&rejection))?;
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
    };
    let requester = Requester {
        channel: Channel::Api,
        visitor_id: None,
        address: Some(ip),
        lang: None,
    };
    let filed = match state.request_flow().submit(&requester, submission).await? {
        SubmitOutcome::Filed { ticket } => ticket,
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
            reference: filed.reference,
            status: filed.status.as_str().to_owned(),
            priority: filed.priority.as_str().to_owned(),
            tags: filed.tags,
            status_url: format!("{}/tickets/{}", state.public_base_url(), filed.status_token),
        }),
    ))
}
