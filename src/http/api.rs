//! The JSON API for integrations: filing tickets.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::customer_session::ClientIp;
use super::requests::filing_context;
use crate::app::AppState;
use crate::deflection::{Channel, Event};
use crate::tickets::filing::{TicketRequest, file_ticket};

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
    let Json(body) = body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE || status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            HttpError::ApiRejected(status, rejection.body_text())
        } else {
            HttpError::ApiBadRequest(format!("invalid JSON body: {}", rejection.body_text()))
        }
    })?;
    let request = TicketRequest {
        name: body.name,
        email: body.email,
        subject: body.subject,
        description: body.description,
        category: body.category.unwrap_or_default(),
    };
    let valid = request
        .validate()
        .map_err(|errors| HttpError::ApiInvalidFields {
            message: "Some fields are invalid.".to_owned(),
            fields: errors.0,
        })?;
    if let Some(limiter) = &state.ticket_rate_limiter
        && limiter.check_key(&ip).is_err()
    {
        return Err(HttpError::ApiTooManyRequests(
            "Too many tickets from this address; try again in a few minutes.".into(),
        ));
    }
    let context = filing_context(&state, None, None, Channel::Api);
    let filed = file_ticket(&state.db, &state.rules, &state.config.sla, &valid, &context).await?;
    state.events.record(
        Event::TicketFiled {
            ticket_id: filed.id,
            draft_id: None,
            suggestions_shown: false,
            suggestions_opened: false,
        },
        None,
    );
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
