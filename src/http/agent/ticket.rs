//! The agent's ticket page: the conversation, side panels and the change forms (reply,
//! note, status, priority, tags, assignee), plus the reply box's two JSON helpers.

use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{
    HttpError, agent_options, find_assignee, format_time, language_label, reply_links, work_error,
};
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::attachments::{NewAttachment, SpooledFile, UploadError, keep_all, readable_size};
use crate::http::attachments::{FileView, is_multipart, read_upload_form, serve_file};
use crate::http::linked_text::linked_text_html;
use crate::http::staff::render_staff_page;
use crate::http::staff_session::StaffSession;
use crate::search::SuggestRequest;
use crate::storage::now_millis;
use crate::tickets::agent_work::{
    AgentWorkError, Written, add_internal_note, assign, change_priority, change_status, parse_tags,
    reply_to_customer, set_tags,
};
use crate::tickets::canned::{CannedError, FilledCanned, canned_reply};
use crate::tickets::filing::reference_of;
use crate::tickets::sla_clock::SlaClock;
use crate::tickets::ticket_view::ticket_view;
use crate::tickets::{Ticket, TicketPriority, TicketStatus};

/// Articles shown by the ticket page's article search.
const ARTICLE_RESULTS_SHOWN: usize = 8;

/// An article an agent can link to in a reply.
#[derive(Debug, Serialize)]
struct ArticleLink {
    title: String,
    /// The public address customers open.
    url: String,
    lang: String,
}

/// Searches published articles for a reply. Searched here rather than through the public
/// search API, so an agent's lookups are never counted as customer searches.
fn find_articles_for_reply(state: &AppState, text: &str) -> Result<Vec<ArticleLink>, HttpError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let base_url = state.public_base_url();
    let results = state.search.search_articles(&SuggestRequest {
        text,
        lang: None,
        category: None,
        limit: ARTICLE_RESULTS_SHOWN,
        offset: 0,
    })?;
    Ok(results
        .hits
        .into_iter()
        .map(|hit| ArticleLink {
            // The customer reads it in the article's language (and is sent on to their
            // own translation from there).
            url: format!(
                "{base_url}/{}/articles/{}",
                crate::i18n::Language::parse(&hit.lang).unwrap_or(crate::i18n::Language::En),
                hit.id
            ),
            title: hit.title,
            lang: hit.lang,
        })
        .collect())
}

/// `GET /api/agent/articles?q=` parameters.
#[derive(Debug, Deserialize)]
pub struct ArticleSearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /api/agent/articles?q=`: `{"articles": [{"title", "url", "lang"}]}` for the reply box.
pub(super) async fn api_articles_for_reply(
    State(state): State<AppState>,
    Query(query): Query<ArticleSearchQuery>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let articles = find_articles_for_reply(&state, &query.q)?;
    Ok(Json(serde_json::json!({ "articles": articles })))
}

/// `GET /agent/tickets/{id}` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct TicketQuery {
    /// A canned response to put into the reply box (the page without JavaScript).
    #[serde(default)]
    canned: String,
    /// Article search words.
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: String,
}

#[derive(Serialize)]
struct MessageView {
    author: String,
    kind: &'static str,
    internal: bool,
    /// The text as typed, escaped, with its web addresses as links.
    body_html: String,
    at: String,
    files: Vec<FileView>,
}

#[derive(Serialize)]
struct ArticleView {
    title: String,
    url: String,
    opened: bool,
}

/// What the ticket page shows besides the stored ticket.
#[derive(Default)]
struct TicketPageExtras {
    notice: Option<String>,
    error: Option<String>,
    reply_text: String,
    note_text: String,
    search: String,
}

async fn find_ticket(state: &AppState, id: i64) -> Result<Ticket, HttpError> {
    state
        .db
        .find_ticket_by_id(id)
        .await?
        .ok_or(HttpError::NotFound)
}

async fn render_ticket(
    state: &AppState,
    session: &StaffSession,
    ticket: &Ticket,
    extras: TicketPageExtras,
) -> Result<Html<String>, HttpError> {
    let base_url = state.public_base_url();
    let view = ticket_view(&state.db, ticket, now_millis()).await?;
    let files = state.db.ticket_attachments(ticket.id, true).await?;
    let files_base = format!("/agent/tickets/{}/files", ticket.id);
    let messages: Vec<MessageView> = view
        .messages
        .into_iter()
        .map(|m| MessageView {
            files: files
                .iter()
                .filter(|file| file.message_id == Some(m.id))
                .map(|file| FileView::of(file, &files_base))
                .collect(),
            author: m.author_name,
            kind: m.author_kind.as_str(),
            internal: m.internal,
            body_html: linked_text_html(&m.body),
            at: format_time(m.created_at),
        })
        .collect();
    let articles: Vec<ArticleView> = view
        .articles
        .into_iter()
        .map(|a| ArticleView {
            title: a.title.unwrap_or_else(|| a.article_slug.clone()),
            url: format!("/articles/{}", a.article_slug),
            opened: a.opened != 0,
        })
        .collect();
    let history: Vec<_> = view
        .history
        .into_iter()
        .map(|h| context! { actor => h.actor, change => h.change, at => format_time(h.at) })
        .collect();
    let clocks: Vec<_> = view
        .clocks
        .into_iter()
        .map(|clock| {
            context! {
                name => clock.name, state => clock.state, summary => clock.summary,
                due => format_time(clock.due_at), met => clock.met_at.map(format_time),
            }
        })
        .collect();
    let previous: Vec<_> = view
        .previous
        .into_iter()
        .map(|t| {
            context! {
                id => t.id, reference => reference_of(t.id), subject => t.subject,
                status => t.status.as_str(), created => format_time(t.created_at),
            }
        })
        .collect();
    let canned: Vec<_> = view
        .canned
        .into_iter()
        .map(|c| {
            let langs: Vec<&str> = c.variants.iter().map(|v| v.lang.code()).collect();
            context! { id => c.response.id, title => c.response.title, langs }
        })
        .collect();
    let article_results = find_articles_for_reply(state, &extras.search)?;
    let status = ticket.status;
    let tags = &ticket.tags;
    let reference = reference_of(ticket.id);
    let editor = session.user.may_enter(StaffArea::Editor);
    let now = now_millis();
    let clock = SlaClock::of(ticket);
    let sla_pause = context! {
        since => clock.paused_at.filter(|_| matches!(status, TicketStatus::Answered | TicketStatus::Postponed)).map(format_time),
        total => crate::display::duration(i64::try_from(clock.paused_until(now).as_millis()).unwrap_or(i64::MAX)),
        ever => clock.paused_at.is_some() || clock.paused_millis > 0,
    };
    render_staff_page(
        state,
        session,
        Some(StaffArea::Agent),
        "agent_ticket.html",
        &format!("{reference} {}", ticket.subject),
        context! {
            ticket => context! {
                id => ticket.id, reference, subject => &ticket.subject, name => &ticket.name,
                email => &ticket.email, status => status.as_str(), priority => ticket.priority.as_str(),
                tags => tags.join(", "), tag_list => tags, category => &ticket.category,
                lang => &ticket.lang, language => language_label(&ticket.lang),
                channel => ticket.channel.as_str(),
                created => format_time(ticket.created_at),
                assignee_id => ticket.assignee_id,
                satisfaction => &ticket.satisfaction,
                satisfaction_comment => &ticket.satisfaction_comment,
            },
            status_link => ticket.status_link(&base_url),
            base_url, messages, articles, history, clocks, sla_pause, previous, canned, article_results,
            search => extras.search, reply_text => extras.reply_text, note_text => extras.note_text,
            notice => extras.notice, error => extras.error,
            statuses => TicketStatus::ALL.map(TicketStatus::as_str),
            priorities => TicketPriority::ALL.map(TicketPriority::as_str),
            agents => agent_options(view.assignees),
            can_turn_into_article => editor && matches!(status, TicketStatus::Resolved | TicketStatus::Closed),
            can_delete => session.user.may_enter(StaffArea::Admin),
            max_files => state.config.attachments.max_files,
            max_file_size => readable_size(state.config.attachments.max_file_bytes),
        },
    )
}

pub(super) async fn ticket_page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Query(query): Query<TicketQuery>,
) -> Result<Html<String>, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let reply_text = match query.canned.trim() {
        "" => String::new(),
        canned_id => {
            let canned_id: i64 = canned_id
                .parse()
                .map_err(|_| HttpError::BadRequest("Unknown canned response.".into()))?;
            canned_reply(
                &state.db,
                canned_id,
                &ticket,
                &session.user,
                &reply_links(&state),
            )
            .await
            .map_err(canned_error)?
            .body
        }
    };
    let notice = match query.done.as_str() {
        "reply" => {
            Some("Reply sent: the customer sees it on their status page and gets it by email.")
        }
        "note" => Some("Internal note added. The customer does not see it."),
        "status" => Some("Status changed."),
        "priority" => Some("Priority changed; the SLA due times follow the new priority."),
        "tags" => Some("Tags saved."),
        "assignee" => Some("Assignee changed."),
        "unchanged" => Some("Nothing to change."),
        _ => None,
    };
    render_ticket(
        &state,
        &session,
        &ticket,
        TicketPageExtras {
            notice: notice.map(str::to_owned),
            reply_text,
            search: query.q,
            ..TicketPageExtras::default()
        },
    )
    .await
}

fn back_to_ticket(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/agent/tickets/{id}?done={done}")).into_response()
}

/// Answers one of the ticket page's change forms: back to the ticket, saying what changed
/// (or that nothing did), or the page again with the reason the change was refused.
async fn answer_change(
    state: &AppState,
    session: &StaffSession,
    ticket: &Ticket,
    result: Result<bool, AgentWorkError>,
    done: &str,
) -> Result<Response, HttpError> {
    match result {
        Ok(changed) => Ok(back_to_ticket(
            ticket.id,
            if changed { done } else { "unchanged" },
        )),
        Err(error) => refused(state, session, ticket, error, TicketPageExtras::default()).await,
    }
}

/// On a refused change: the ticket page again, with the message and what was typed.
async fn refused(
    state: &AppState,
    session: &StaffSession,
    ticket: &Ticket,
    error: AgentWorkError,
    extras: TicketPageExtras,
) -> Result<Response, HttpError> {
    let error = match error {
        AgentWorkError::Storage(_) | AgentWorkError::Corrupt(_) | AgentWorkError::Email(_) => {
            return Err(work_error(error));
        }
        other => other.to_string(),
    };
    let page = render_ticket(
        state,
        session,
        ticket,
        TicketPageExtras {
            error: Some(error),
            ..extras
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The reply form.
#[derive(Debug, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    /// Empty: `answered`; `keep`: the current status; or a status name.
    #[serde(default)]
    status: String,
}

/// A reply or note form as sent: its typed fields, with files (`multipart/form-data`, the
/// page's forms) or without.
struct StaffMessageForm {
    fields: Vec<(String, String)>,
    files: Vec<SpooledFile>,
    refused: Option<UploadError>,
}

impl StaffMessageForm {
    async fn read(state: &AppState, request: Request) -> Result<StaffMessageForm, HttpError> {
        if is_multipart(&request) {
            let multipart = Multipart::from_request(request, state)
                .await
                .map_err(|e| HttpError::BadRequest(e.body_text()))?;
            let limits = state.config.attachments.limits();
            let upload = read_upload_form(multipart, &state.files, limits, "files").await?;
            return Ok(StaffMessageForm {
                fields: upload.fields,
                files: upload.files,
                refused: upload.refused,
            });
        }
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(|e| HttpError::BadRequest(e.body_text()))?;
        Ok(StaffMessageForm {
            fields,
            files: Vec::new(),
            refused: None,
        })
    }

    fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The files, kept in the store; refused files are the form's error.
    async fn keep_files(
        &mut self,
        state: &AppState,
    ) -> Result<Result<Vec<NewAttachment>, String>, HttpError> {
        if let Some(refused) = self.refused.take() {
            return Ok(Err(staff_upload_message(&refused, state)));
        }
        let files = std::mem::take(&mut self.files);
        keep_all(&state.files, files)
            .await
            .map(Ok)
            .map_err(|e| HttpError::Internal(format!("keeping a staff file: {e}")))
    }
}

/// What staff are told about refused files (staff pages are in English).
fn staff_upload_message(error: &UploadError, state: &AppState) -> String {
    let limits = state.config.attachments.limits();
    match error {
        UploadError::FileTooLarge => format!(
            "A file is larger than {}; nothing was sent.",
            readable_size(limits.max_file_bytes)
        ),
        UploadError::MessageTooLarge => format!(
            "The files together are larger than {}; nothing was sent.",
            readable_size(limits.max_message_bytes)
        ),
        UploadError::TooMany => format!("Attach at most {} files; nothing was sent.", limits.max_files),
        UploadError::WrongType => "A file is of a type that cannot be attached (images, PDF, text, CSV and office documents can); nothing was sent.".to_owned(),
        UploadError::Empty => "A file is empty; nothing was sent.".to_owned(),
        other => format!("The files could not be received ({other}); nothing was sent."),
    }
}

/// The page again with the typed text and the message about the files.
async fn files_refused(
    state: &AppState,
    session: &StaffSession,
    ticket: &Ticket,
    message: String,
    extras: TicketPageExtras,
) -> Result<Response, HttpError> {
    let page = render_ticket(
        state,
        session,
        ticket,
        TicketPageExtras {
            error: Some(message),
            ..extras
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `GET /agent/tickets/{id}/files/{file}`: any file of the ticket, internal notes' too.
pub(super) async fn ticket_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    match state.db.find_ticket_attachment(ticket.id, file).await? {
        Some(file) => serve_file(&state.files, &file).await,
        None => Err(HttpError::NotFound),
    }
}

pub(super) async fn reply(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, HttpError> {
    let mut sent = StaffMessageForm::read(&state, request).await?;
    let form = ReplyForm {
        body: sent.value("body"),
        status: sent.value("status"),
    };
    let ticket = find_ticket(&state, id).await?;
    let files = match sent.keep_files(&state).await? {
        Ok(files) => files,
        Err(message) => {
            let extras = TicketPageExtras {
                reply_text: form.body,
                ..TicketPageExtras::default()
            };
            return files_refused(&state, &session, &ticket, message, extras).await;
        }
    };
    let next = match form.status.trim() {
        "" => None,
        "keep" => Some(ticket.status),
        text => Some(
            TicketStatus::parse(text)
                .ok_or_else(|| HttpError::BadRequest(format!("Unknown status {text:?}.")))?,
        ),
    };
    let links = reply_links(&state);
    match reply_to_customer(
        &state.db,
        &state.config.sla,
        &ticket,
        &session.user,
        Written {
            body: &form.body,
            files: &files,
        },
        next,
        &links,
    )
    .await
    {
        Ok(_) => Ok(back_to_ticket(id, "reply")),
        Err(error) => {
            let extras = TicketPageExtras {
                reply_text: form.body,
                ..TicketPageExtras::default()
            };
            refused(&state, &session, &ticket, error, extras).await
        }
    }
}

/// The internal-note form.
#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

pub(super) async fn note(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, HttpError> {
    let mut sent = StaffMessageForm::read(&state, request).await?;
    let form = NoteForm {
        body: sent.value("body"),
    };
    let ticket = find_ticket(&state, id).await?;
    let files = match sent.keep_files(&state).await? {
        Ok(files) => files,
        Err(message) => {
            let extras = TicketPageExtras {
                note_text: form.body,
                ..TicketPageExtras::default()
            };
            return files_refused(&state, &session, &ticket, message, extras).await;
        }
    };
    match add_internal_note(&state.db, &ticket, &session.user, &form.body, &files).await {
        Ok(()) => Ok(back_to_ticket(id, "note")),
        Err(error) => {
            let extras = TicketPageExtras {
                note_text: form.body,
                ..TicketPageExtras::default()
            };
            refused(&state, &session, &ticket, error, extras).await
        }
    }
}

/// A form with one value (`status`, `priority`, `tags`, `assignee`).
#[derive(Debug, Default, Deserialize)]
pub struct ValueForm {
    #[serde(default)]
    value: String,
}

pub(super) async fn update_status(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ValueForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let status = TicketStatus::parse(form.value.trim())
        .ok_or_else(|| HttpError::BadRequest(format!("Unknown status {:?}.", form.value)))?;
    let links = reply_links(&state);
    let result = change_status(
        &state.db,
        &state.config.sla,
        &ticket,
        &session.user,
        status,
        &links,
    )
    .await;
    answer_change(&state, &session, &ticket, result, "status").await
}

pub(super) async fn update_priority(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ValueForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let priority = TicketPriority::parse(form.value.trim())
        .ok_or_else(|| HttpError::BadRequest(format!("Unknown priority {:?}.", form.value)))?;
    let result = change_priority(
        &state.db,
        &state.config.sla,
        &ticket,
        &session.user,
        priority,
    )
    .await;
    answer_change(&state, &session, &ticket, result, "priority").await
}

pub(super) async fn update_tags(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ValueForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let result = match parse_tags(&form.value) {
        Ok(tags) => set_tags(&state.db, &ticket, &session.user, &tags).await,
        Err(error) => Err(error),
    };
    answer_change(&state, &session, &ticket, result, "tags").await
}

pub(super) async fn update_assignee(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ValueForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let assignee = match form.value.trim() {
        "" | "none" => None,
        "me" => Some(session.user.clone()),
        id => Some(find_assignee(&state, id).await?),
    };
    let result = assign(&state.db, &ticket, &session.user, assignee.as_ref()).await;
    answer_change(&state, &session, &ticket, result, "assignee").await
}

/// `GET /api/agent/tickets/{id}/canned/{canned_id}`: the canned response filled in for this
/// ticket, `{"title", "body", "lang"}` (`lang`: the variant used, `null` for the default
/// text), for the reply box's script.
pub(super) async fn api_filled_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Path((id, canned_id)): Path<(i64, i64)>,
) -> Result<Json<FilledCanned>, HttpError> {
    let ticket = state
        .db
        .find_ticket_by_id(id)
        .await?
        .ok_or_else(|| HttpError::BadRequest("unknown ticket".into()))?;
    let filled = canned_reply(
        &state.db,
        canned_id,
        &ticket,
        &session.user,
        &reply_links(&state),
    )
    .await
    .map_err(|error| match error {
        CannedError::NotFound => HttpError::BadRequest("unknown canned response".into()),
        other => canned_error(other),
    })?;
    Ok(Json(filled))
}

fn canned_error(error: CannedError) -> HttpError {
    match error {
        CannedError::Storage(error) => error.into(),
        CannedError::NotFound => HttpError::NotFound,
        other => HttpError::BadRequest(other.to_string()),
    }
}
