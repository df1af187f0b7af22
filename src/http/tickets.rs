//! A customer's private ticket page: status, conversation, replies, and a rating when resolved.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::customer_session::CustomerSession;
use super::error::Refusal;
use super::templates::{Layout, render, text_with};
use crate::app::AppState;
use crate::display::timestamp;
use crate::tickets::conversation::{ConversationError, add_customer_reply, rate_support};
use crate::tickets::filing::reference_of;
use crate::tickets::{AuthorKind, Ticket, TicketStatus};

/// `GET /tickets/{token}` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct StatusQuery {
    filed: Option<String>,
    rated: Option<String>,
    replied: Option<String>,
}

#[derive(Serialize)]
struct MessageView {
    from_customer: bool,
    author: String,
    body: String,
    at: String,
}

async fn find_ticket(state: &AppState, token: &str) -> Result<Ticket, HttpError> {
    if token.len() != 48 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(HttpError::NotFound);
    }
    state
        .db
        .find_ticket_by_status_token(token)
        .await?
        .ok_or(HttpError::NotFound)
}

async fn render_status(
    state: &AppState,
    session: &CustomerSession,
    ticket: &Ticket,
    notice: Option<&str>,
    error: Option<String>,
    reply_text: &str,
) -> Result<String, HttpError> {
    let messages: Vec<MessageView> = state
        .db
        .ticket_messages(ticket.id, false)
        .await?
        .into_iter()
        .map(|m| MessageView {
            from_customer: m.author_kind == AuthorKind::Customer,
            author: m.author_name,
            body: m.body,
            at: timestamp(m.created_at),
        })
        .collect();
    let status = ticket.status;
    let reference = reference_of(ticket.id);
    // The page speaks the language the request was written in.
    let lang = crate::i18n::Language::parse(&ticket.lang)
        .map_or(state.config.default_language.as_str(), |l| l.code());
    let title = text_with(
        lang,
        "ticket-page-title",
        &[("reference", reference.as_str().into())],
    );
    let layout = Layout::new(state, lang, title);
    render(
        "ticket_status.html",
        &layout,
        context! {
            reference, token => &ticket.status_token, subject => &ticket.subject,
            status => status.as_str(), priority => ticket.priority.as_str(),
            created => timestamp(ticket.created_at), messages,
            can_reply => status != TicketStatus::Closed,
            can_rate => matches!(status, TicketStatus::Resolved | TicketStatus::Closed) && ticket.satisfaction.is_none(),
            satisfaction => &ticket.satisfaction,
            status_url => format!("{}/tickets/{}", state.public_base_url(), ticket.status_token),
            notice, error, reply_text, csrf_token => &session.csrf_token,
        },
    )
}

/// `GET /tickets/{token}`: the private status page.
pub async fn ticket_status(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(token): Path<String>,
    Query(query): Query<StatusQuery>,
) -> Result<Html<String>, HttpError> {
    let ticket = find_ticket(&state, &token).await?;
    let notice = if query.filed.is_some() {
        Some("notice-filed")
    } else if query.replied.is_some() {
        Some("notice-replied")
    } else if query.rated.is_some() {
        Some("notice-rated")
    } else {
        None
    };
    Ok(Html(
        render_status(&state, &session, &ticket, notice, None, "").await?,
    ))
}

/// The reply form.
#[derive(Debug, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    body: String,
}

/// `POST /tickets/{token}/reply`: the customer adds information; answered or resolved reopens.
pub async fn ticket_reply(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(token): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, &token).await?;
    let (error, status) = if session.verify_csrf(&form.csrf_token).is_err() {
        (
            HttpError::Forbidden(Refusal::ExpiredForm).to_string(),
            StatusCode::FORBIDDEN,
        )
    } else {
        match add_customer_reply(&state.db, &ticket, &form.body).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/tickets/{token}?replied=1")).into_response());
            }
            Err(ConversationError::Storage(error)) => return Err(error.into()),
            Err(error) => (error.to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        }
    };
    // The reply comes back in the form, so nothing typed is lost.
    let page = render_status(&state, &session, &ticket, None, Some(error), &form.body).await?;
    Ok((status, Html(page)).into_response())
}

/// The rating form.
#[derive(Debug, Default, Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// `POST /tickets/{token}/rating`: good or bad, with an optional comment.
pub async fn ticket_rating(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(token): Path<String>,
    Form(form): Form<RatingForm>,
) -> Result<Response, HttpError> {
    session.verify_csrf(&form.csrf_token)?;
    let ticket = find_ticket(&state, &token).await?;
    let good = match form.rating.as_str() {
        "good" => true,
        "bad" => false,
        _ => return Err(HttpError::BadRequest("Choose good or bad.".into())),
    };
    match rate_support(&state.db, &ticket, good, &form.comment).await {
        Ok(()) => Ok(Redirect::to(&format!("/tickets/{token}?rated=1")).into_response()),
        Err(ConversationError::Storage(error)) => Err(error.into()),
        Err(error) => Err(HttpError::BadRequest(error.to_string())),
    }
}
