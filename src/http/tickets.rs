//! A customer's private ticket page: status, conversation, replies, and a rating when resolved.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::customer_session::CustomerSession;
use super::linked_text::linked_text_html;
use super::templates::{Layout, render, text_with};
use crate::app::AppState;
use crate::i18n::{Language, long_date_time};
use crate::tickets::conversation::{ConversationError, add_customer_reply, rate_support};
use crate::tickets::filing::reference_of;
use crate::tickets::{AuthorKind, Ticket, TicketStatus};

/// `GET /tickets/{token}` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct StatusQuery {
    /// The language switcher's choice; the ticket's own language otherwise.
    lang: Option<String>,
    filed: Option<String>,
    rated: Option<String>,
    replied: Option<String>,
}

#[derive(Serialize)]
struct MessageView {
    from_customer: bool,
    author: String,
    /// The text as typed, escaped, with its web addresses as links.
    body_html: String,
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

/// What a status page shows besides the ticket; `notice` and `error` are message keys.
#[derive(Default)]
struct StatusExtras<'a> {
    lang: Option<Language>,
    notice: Option<&'a str>,
    error: Option<&'a str>,
    reply_text: &'a str,
}

async fn render_status(
    state: &AppState,
    session: &CustomerSession,
    ticket: &Ticket,
    extras: StatusExtras<'_>,
) -> Result<String, HttpError> {
    let StatusExtras {
        lang: chosen,
        notice,
        error,
        reply_text,
    } = extras;
    // The page speaks the language the request was written in, unless the customer picked
    // another with the switcher.
    let language = chosen
        .or_else(|| Language::parse(&ticket.lang))
        .or_else(|| Language::parse(&state.config.default_language))
        .unwrap_or(Language::En);
    let lang = language.code();
    let messages: Vec<MessageView> = state
        .db
        .ticket_messages(ticket.id, false)
        .await?
        .into_iter()
        .map(|m| MessageView {
            from_customer: m.author_kind == AuthorKind::Customer,
            author: m.author_name,
            body_html: linked_text_html(&m.body),
            at: long_date_time(language, m.created_at),
        })
        .collect();
    let status = ticket.status;
    let reference = reference_of(ticket.id);

    let title = text_with(
        lang,
        "ticket-page-title",
        &[("reference", reference.as_str().into())],
    );
    let layout = Layout::new(state, lang, title)
        .with_language_parameter(&format!("/tickets/{}", ticket.status_token));
    render(
        "ticket_status.html",
        &layout,
        context! {
            reference, token => &ticket.status_token, subject => &ticket.subject,
            status => status.as_str(), priority => ticket.priority.as_str(),
            created => long_date_time(language, ticket.created_at), messages,
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
    let extras = StatusExtras {
        lang: query.lang.as_deref().and_then(Language::parse),
        notice,
        ..StatusExtras::default()
    };
    Ok(Html(
        render_status(&state, &session, &ticket, extras).await?,
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
        ("error-expired-form", StatusCode::FORBIDDEN)
    } else {
        match add_customer_reply(&state.db, &state.config.sla, &ticket, &form.body).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/tickets/{token}?replied=1")).into_response());
            }
            Err(ConversationError::Storage(error)) => return Err(error.into()),
            Err(error) => (error.message_key(), StatusCode::UNPROCESSABLE_ENTITY),
        }
    };
    // The reply comes back in the form, so nothing typed is lost.
    let extras = StatusExtras {
        error: Some(error),
        reply_text: &form.body,
        ..StatusExtras::default()
    };
    let page = render_status(&state, &session, &ticket, extras).await?;
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
