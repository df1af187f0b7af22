//! A customer's private ticket page: status, conversation, replies, and a rating when resolved.

use axum::Form;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::attachments::{FileView, is_multipart, read_upload_form, serve_file};
use super::customer_session::{ClientIp, CustomerSession};
use super::linked_text::linked_text_html;
use super::templates::{Layout, render, text_with};
use crate::app::AppState;
use crate::attachments::{UploadError, readable_size};
use crate::i18n::{Language, long_date_time};
use crate::limits::LimitKey;
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
    files: Vec<FileView>,
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
    let files = state.db.ticket_attachments(ticket.id, false).await?;
    let files_base = format!("/tickets/{}/files", ticket.status_token);
    let messages: Vec<MessageView> = state
        .db
        .ticket_messages(ticket.id, false)
        .await?
        .into_iter()
        .map(|m| MessageView {
            from_customer: m.author_kind == AuthorKind::Customer,
            files: files
                .iter()
                .filter(|file| file.message_id == Some(m.id))
                .map(|file| FileView::of(file, &files_base))
                .collect(),
            author: m.author_name,
            body_html: linked_text_html(&m.body),
            at: long_date_time(language, m.created_at),
        })
        .collect();
    let limits = state.config.attachments.limits();
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
            max_files => limits.max_files,
            max_file_size => readable_size(limits.max_file_bytes),
            max_message_size => readable_size(limits.max_message_bytes),
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

/// `POST /tickets/{token}/reply`: the customer adds information, and files (the page's form
/// is `multipart/form-data`; a plain form is read too); answered or resolved reopens.
pub async fn ticket_reply(
    State(state): State<AppState>,
    session: CustomerSession,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, &token).await?;
    let (form, files, refused) = if is_multipart(&request) {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| HttpError::BadRequest(e.body_text()))?;
        let limits = state.config.attachments.limits();
        let upload = read_upload_form(multipart, &state.files, limits, "files").await?;
        let form = ReplyForm {
            csrf_token: upload.value("csrf_token"),
            body: upload.value("body"),
        };
        (form, upload.files, upload.refused)
    } else {
        let Form(form) = Form::<ReplyForm>::from_request(request, &state)
            .await
            .map_err(|e| HttpError::BadRequest(e.body_text()))?;
        (form, Vec::new(), None)
    };
    let (error, status) = if session.verify_csrf(&form.csrf_token).is_err() {
        ("error-expired-form", StatusCode::FORBIDDEN)
    } else if let Some(refused) = refused {
        (refused.message_key(), upload_status(&refused))
    } else if !uploads_allowed(&state, ip, files.len()).await? {
        let refused = UploadError::RateLimited;
        (refused.message_key(), StatusCode::TOO_MANY_REQUESTS)
    } else {
        let files = (&state.files, files);
        match add_customer_reply(&state.db, &state.config.sla, &ticket, &form.body, files).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/tickets/{token}?replied=1")).into_response());
            }
            Err(ConversationError::Storage(error)) => return Err(error.into()),
            Err(ConversationError::Upload(UploadError::Io(error))) => {
                return Err(HttpError::Internal(format!(
                    "keeping a reply's file: {error}"
                )));
            }
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

/// The status of a form refused for its files: `413` for size, `422` for the rest.
fn upload_status(error: &UploadError) -> StatusCode {
    match error.is_too_large() {
        true => StatusCode::PAYLOAD_TOO_LARGE,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Counts `files` uploads against the client address's hourly limit.
pub(super) async fn uploads_allowed(
    state: &AppState,
    ip: std::net::IpAddr,
    files: usize,
) -> Result<bool, HttpError> {
    let Some(limit) = &state.upload_rate_limiter else {
        return Ok(true);
    };
    for _ in 0..files {
        if !limit.allow(&LimitKey::address(ip)).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `GET /tickets/{token}/files/{file}`: a file of the ticket's conversation, to the holder of
/// its private link; never a file of an internal note, nor another ticket's.
pub async fn ticket_file(
    State(state): State<AppState>,
    Path((token, file)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, &token).await?;
    let id: i64 = file.parse().map_err(|_| HttpError::NotFound)?;
    match state.db.find_ticket_attachment(ticket.id, id).await? {
        Some(file) if !file.internal => serve_file(&state.files, &file).await,
        _ => Err(HttpError::NotFound),
    }
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
