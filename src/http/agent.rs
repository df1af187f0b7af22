//! The agents' area: the ticket inbox, the ticket page, replies, notes and bulk actions.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::staff::render_staff_page;
use super::staff_session::StaffSession;
use crate::accounts::{StaffArea, StaffUser};
use crate::app::AppState;
use crate::search::SuggestRequest;
use crate::storage::{StoredTicket, now_millis};
use crate::tickets::agent_work::{
    AgentWorkError, BulkAction, ReplyLinks, add_internal_note, apply_bulk_action, assign,
    change_priority, change_status, display_name, parse_tags, reply_to_customer, set_tags,
};
use crate::tickets::canned::{
    CannedError, PLACEHOLDERS, create_canned_response, delete_canned_response, fill_placeholders,
    update_canned_response,
};
use crate::tickets::filing::reference_of;
use crate::tickets::inbox::{
    AssigneeFilter, InboxFilter, InboxSort, NO_SLA_DUE, SlaFilter, StatusView, inbox_counts,
    inbox_page, sla_clocks, span,
};
use crate::tickets::{TicketPriority, TicketStatus};

/// Templates of this area, by the name pages use.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "agent_inbox.html",
        include_str!("../../templates/agent_inbox.html"),
    ),
    (
        "agent_ticket.html",
        include_str!("../../templates/agent_ticket.html"),
    ),
    (
        "agent_canned.html",
        include_str!("../../templates/agent_canned.html"),
    ),
];

/// Earlier tickets of the same customer shown on the ticket page.
const PREVIOUS_TICKETS_SHOWN: i64 = 20;
/// Articles shown by the ticket page's article search.
const ARTICLE_RESULTS_SHOWN: usize = 8;

/// Every route of this area (pages and `/api/agent/…`). The router puts the staff guard in
/// front of them, so handlers may take [`super::staff_session::StaffSession`] for granted.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent", get(inbox))
        .route("/agent/bulk", post(bulk_action))
        .route("/agent/tickets/{id}", get(ticket_page))
        .route("/agent/tickets/{id}/reply", post(reply))
        .route("/agent/tickets/{id}/note", post(note))
        .route("/agent/tickets/{id}/status", post(update_status))
        .route("/agent/tickets/{id}/priority", post(update_priority))
        .route("/agent/tickets/{id}/tags", post(update_tags))
        .route("/agent/tickets/{id}/assignee", post(update_assignee))
        .route("/agent/canned", get(canned_page).post(create_canned))
        .route("/agent/canned/{id}", post(update_canned))
        .route("/agent/canned/{id}/delete", post(delete_canned))
        .route(
            "/api/agent/tickets/{id}/canned/{canned_id}",
            get(api_filled_canned),
        )
        .route("/api/agent/articles", get(api_articles_for_reply))
}

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
            url: format!("{base_url}/articles/{}", hit.id),
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
async fn api_articles_for_reply(
    State(state): State<AppState>,
    Query(query): Query<ArticleSearchQuery>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let articles = find_articles_for_reply(&state, &query.q)?;
    Ok(Json(serde_json::json!({ "articles": articles })))
}

/// A stored time as agents read it.
fn format_time(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn reply_links(state: &AppState) -> ReplyLinks {
    ReplyLinks {
        base_url: state.public_base_url(),
        site_name: state.config.site_name.clone(),
    }
}

fn work_error(error: AgentWorkError) -> HttpError {
    match error {
        AgentWorkError::Storage(error) => error.into(),
        AgentWorkError::Corrupt(detail) => HttpError::Internal(detail),
        AgentWorkError::UnknownTicket(_) => HttpError::NotFound,
        other => HttpError::BadRequest(other.to_string()),
    }
}

// ----- Inbox -----

/// `GET /agent` parameters; every one optional.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    sla: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    changed: Option<usize>,
    #[serde(default)]
    skipped: Option<usize>,
}

impl InboxQuery {
    fn filter(&self) -> Result<InboxFilter, HttpError> {
        let bad =
            |what: &str, value: &str| HttpError::BadRequest(format!("Unknown {what} {value:?}."));
        let priority = match self.priority.trim() {
            "" | "any" => None,
            text => Some(TicketPriority::parse(text).ok_or_else(|| bad("priority", text))?),
        };
        let non_empty = |text: &str| Some(text.trim().to_lowercase()).filter(|t| !t.is_empty());
        Ok(InboxFilter {
            status: StatusView::parse(&self.status).ok_or_else(|| bad("status", &self.status))?,
            priority,
            tag: non_empty(&self.tag),
            category: Some(self.category.trim().to_owned()).filter(|t| !t.is_empty()),
            assignee: AssigneeFilter::parse(&self.assignee)
                .ok_or_else(|| bad("assignee", &self.assignee))?,
            sla: SlaFilter::parse(&self.sla).ok_or_else(|| bad("SLA state", &self.sla))?,
            sort: InboxSort::parse(&self.sort).ok_or_else(|| bad("sort", &self.sort))?,
            page: match self.page.trim() {
                "" => 1,
                text => text
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| bad("page", text))?,
            },
        })
    }
}

/// The query string of an inbox view, leaving out defaults.
fn inbox_url(filter: &InboxFilter) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if filter.status != StatusView::Active {
        pairs.push(("status", filter.status.as_str().to_owned()));
    }
    if let Some(priority) = filter.priority {
        pairs.push(("priority", priority.as_str().to_owned()));
    }
    if let Some(tag) = &filter.tag {
        pairs.push(("tag", tag.clone()));
    }
    if let Some(category) = &filter.category {
        pairs.push(("category", category.clone()));
    }
    if filter.assignee != AssigneeFilter::Anyone {
        pairs.push(("assignee", filter.assignee.as_param()));
    }
    if filter.sla != SlaFilter::Any {
        pairs.push(("sla", filter.sla.as_str().to_owned()));
    }
    if filter.sort != InboxSort::SlaDue {
        pairs.push(("sort", filter.sort.as_str().to_owned()));
    }
    if filter.page > 1 {
        pairs.push(("page", filter.page.to_string()));
    }
    if pairs.is_empty() {
        return "/agent".to_owned();
    }
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("/agent?{query}")
}

#[derive(Serialize)]
struct TabView {
    label: String,
    url: String,
    count: i64,
    current: bool,
}

#[derive(Serialize)]
struct InboxRowView {
    id: i64,
    reference: String,
    subject: String,
    customer: String,
    email: String,
    status: String,
    priority: String,
    tags: Vec<String>,
    category: String,
    assignee: String,
    due: String,
    due_state: &'static str,
    due_summary: String,
    created: String,
}

#[derive(Serialize)]
struct AgentOption {
    id: i64,
    label: String,
}

async fn agent_options(state: &AppState) -> Result<Vec<AgentOption>, HttpError> {
    Ok(state
        .db
        .list_users()
        .await?
        .into_iter()
        .filter(|user| user.may_enter(StaffArea::Agent))
        .map(|user| AgentOption {
            id: user.id,
            label: if user.name.trim().is_empty() {
                user.email
            } else {
                format!("{} ({})", user.name, user.email)
            },
        })
        .collect())
}

async fn inbox(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<InboxQuery>,
) -> Result<Html<String>, HttpError> {
    let filter = query.filter()?;
    let now = now_millis();
    let page = inbox_page(&state.db, &filter, &session.user, now).await?;
    let counts = inbox_counts(&state.db, &session.user, now).await?;

    let status_tab = |view: StatusView, label: String, count: i64| TabView {
        current: filter.status == view,
        url: inbox_url(&InboxFilter {
            status: view,
            page: 1,
            ..filter.clone()
        }),
        label,
        count,
    };
    let mut status_tabs = vec![status_tab(
        StatusView::Active,
        "Active".to_owned(),
        counts.active,
    )];
    for status in TicketStatus::ALL {
        status_tabs.push(status_tab(
            StatusView::Only(status),
            status.as_str().to_owned(),
            counts.of_status(status),
        ));
    }
    status_tabs.push(status_tab(StatusView::All, "All".to_owned(), counts.all));

    // Assignee and SLA tabs count active tickets, whatever other filter is on.
    let assignee_tab = |assignee: AssigneeFilter, label: &str, count: i64| TabView {
        current: filter.assignee == assignee,
        url: inbox_url(&InboxFilter {
            assignee,
            page: 1,
            ..filter.clone()
        }),
        label: label.to_owned(),
        count,
    };
    let assignee_tabs = vec![
        assignee_tab(AssigneeFilter::Mine, "Mine", counts.mine),
        assignee_tab(AssigneeFilter::Unassigned, "Unassigned", counts.unassigned),
        assignee_tab(AssigneeFilter::Anyone, "Everyone's", counts.active),
    ];
    let sla_tab = |sla: SlaFilter, label: &str, count: i64| TabView {
        current: filter.sla == sla,
        url: inbox_url(&InboxFilter {
            sla,
            page: 1,
            ..filter.clone()
        }),
        label: label.to_owned(),
        count,
    };
    let sla_tabs = vec![
        sla_tab(SlaFilter::Breached, "SLA breached", counts.breached),
        sla_tab(SlaFilter::DueSoon, "Due within an hour", counts.due_soon),
    ];

    let rows: Vec<InboxRowView> = page
        .rows
        .into_iter()
        .map(|row| {
            let (due, due_state, due_summary) = if row.sla_due_at == NO_SLA_DUE {
                ("—".to_owned(), "none", String::new())
            } else if row.sla_due_at <= now {
                (
                    format_time(row.sla_due_at),
                    "breached",
                    format!("overdue by {}", span(now - row.sla_due_at)),
                )
            } else {
                let left = row.sla_due_at - now;
                let state = if left <= 3_600_000 {
                    "due-soon"
                } else {
                    "on-track"
                };
                (
                    format_time(row.sla_due_at),
                    state,
                    format!("{} left", span(left)),
                )
            };
            InboxRowView {
                reference: reference_of(row.id),
                id: row.id,
                subject: row.subject,
                customer: row.name,
                email: row.email,
                status: row.status,
                priority: row.priority,
                tags: serde_json::from_str(&row.tags).unwrap_or_default(),
                category: row.category,
                assignee: row.assignee_name.map_or_else(String::new, |name| {
                    if name.trim().is_empty() {
                        "(no name)".to_owned()
                    } else {
                        name
                    }
                }),
                due,
                due_state,
                due_summary,
                created: format_time(row.created_at),
            }
        })
        .collect();
    let page_url = |number: u32| {
        inbox_url(&InboxFilter {
            page: number,
            ..filter.clone()
        })
    };
    let previous_url = (page.page > 1).then(|| page_url(page.page - 1));
    let next_url = (page.page < page.page_count).then(|| page_url(page.page + 1));
    let notice = query.changed.map(|changed| {
        let skipped = query.skipped.unwrap_or(0);
        if skipped > 0 {
            format!(
                "{changed} tickets changed; {skipped} skipped (the change does not apply to them)."
            )
        } else {
            format!("{changed} tickets changed.")
        }
    });
    render_staff_page(
        &state,
        &session,
        Some(StaffArea::Agent),
        "agent_inbox.html",
        "Tickets",
        context! {
            rows, status_tabs, assignee_tabs, sla_tabs, previous_url, next_url, notice,
            total => page.total, page => page.page, page_count => page.page_count,
            return_to => inbox_url(&filter),
            filter_status => filter.status.as_str(),
            filter_priority => filter.priority.map(TicketPriority::as_str).unwrap_or(""),
            filter_tag => filter.tag.as_deref().unwrap_or(""),
            filter_category => filter.category.as_deref().unwrap_or(""),
            filter_assignee => filter.assignee.as_param(),
            filter_sla => filter.sla.as_str(),
            filter_sort => filter.sort.as_str(),
            statuses => TicketStatus::ALL.map(TicketStatus::as_str),
            priorities => TicketPriority::ALL.map(TicketPriority::as_str),
            agents => agent_options(&state).await?,
        },
    )
}

/// `POST /agent/bulk`: the selected tickets (`ticket`, repeated) get the chosen assignee,
/// status and/or extra tag; each ticket gets its own history entry.
async fn bulk_action(
    State(state): State<AppState>,
    session: StaffSession,
    body: Bytes,
) -> Result<Redirect, HttpError> {
    let mut ticket_ids = Vec::new();
    let (mut assignee, mut status, mut add_tag, mut return_to) =
        (String::new(), String::new(), String::new(), String::new());
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "ticket" => ticket_ids.push(
                value
                    .parse::<i64>()
                    .map_err(|_| HttpError::BadRequest(format!("Unknown ticket {value:?}.")))?,
            ),
            "assignee" => assignee = value.into_owned(),
            "status" => status = value.into_owned(),
            "add_tag" => add_tag = value.into_owned(),
            "return_to" => return_to = value.into_owned(),
            _ => {}
        }
    }
    if ticket_ids.is_empty() {
        return Err(HttpError::BadRequest(
            "Select at least one ticket first.".into(),
        ));
    }
    let action = BulkAction {
        assignee: match assignee.trim() {
            "" => None,
            "none" => Some(None),
            "me" => Some(Some(session.user.clone())),
            id => Some(Some(find_assignee(&state, id).await?)),
        },
        status: match status.trim() {
            "" => None,
            text => Some(
                TicketStatus::parse(text)
                    .ok_or_else(|| HttpError::BadRequest(format!("Unknown status {text:?}.")))?,
            ),
        },
        add_tag: Some(add_tag.trim().to_owned()).filter(|t| !t.is_empty()),
    };
    if action.assignee.is_none() && action.status.is_none() && action.add_tag.is_none() {
        return Err(HttpError::BadRequest(
            "Choose an assignee, a status or a tag to apply.".into(),
        ));
    }
    let outcome = apply_bulk_action(&state.db, &session.user, &ticket_ids, &action)
        .await
        .map_err(work_error)?;
    // Only a path inside the inbox: never an open redirect.
    let back = if return_to.starts_with("/agent") && !return_to.starts_with("/agent/") {
        return_to
    } else {
        "/agent".to_owned()
    };
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!(
        "{back}{separator}changed={}&skipped={}",
        outcome.changed,
        outcome.skipped.len()
    )))
}

async fn find_assignee(state: &AppState, id: &str) -> Result<StaffUser, HttpError> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| HttpError::BadRequest(format!("Unknown assignee {id:?}.")))?;
    state
        .db
        .find_user(id)
        .await?
        .ok_or_else(|| HttpError::BadRequest("Unknown assignee.".into()))
}

// ----- Ticket page -----

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
    kind: String,
    internal: bool,
    body: String,
    at: String,
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

async fn find_ticket(state: &AppState, id: i64) -> Result<StoredTicket, HttpError> {
    state
        .db
        .find_ticket_by_id(id)
        .await?
        .ok_or(HttpError::NotFound)
}

async fn render_ticket(
    state: &AppState,
    session: &StaffSession,
    ticket: &StoredTicket,
    extras: TicketPageExtras,
) -> Result<Html<String>, HttpError> {
    let now = now_millis();
    let base_url = state.public_base_url();
    let messages: Vec<MessageView> = state
        .db
        .ticket_messages(ticket.id, true)
        .await?
        .into_iter()
        .map(|m| MessageView {
            author: m.author_name,
            kind: m.author_kind,
            internal: m.internal != 0,
            body: m.body,
            at: format_time(m.created_at),
        })
        .collect();
    let articles: Vec<ArticleView> = state
        .db
        .ticket_articles_with_titles(ticket.id)
        .await?
        .into_iter()
        .map(|a| ArticleView {
            title: a.title.unwrap_or_else(|| a.article_slug.clone()),
            url: format!("/articles/{}", a.article_slug),
            opened: a.opened != 0,
        })
        .collect();
    let history: Vec<_> = state
        .db
        .ticket_history(ticket.id)
        .await?
        .into_iter()
        .map(|(actor, change, at)| context! { actor, change, at => format_time(at) })
        .collect();
    let clocks: Vec<_> = sla_clocks(ticket, now)
        .into_iter()
        .map(|clock| {
            context! {
                name => clock.name, state => clock.state, summary => clock.summary,
                due => format_time(clock.due_at), met => clock.met_at.map(format_time),
            }
        })
        .collect();
    let previous: Vec<_> = state
        .db
        .tickets_from_email(&ticket.email, ticket.id, PREVIOUS_TICKETS_SHOWN)
        .await?
        .into_iter()
        .map(|t| {
            context! {
                id => t.id, reference => reference_of(t.id), subject => t.subject,
                status => t.status, created => format_time(t.created_at),
            }
        })
        .collect();
    let canned: Vec<_> = state
        .db
        .canned_responses()
        .await?
        .into_iter()
        .map(|c| context! { id => c.id, title => c.title })
        .collect();
    let article_results = find_articles_for_reply(state, &extras.search)?;
    let status = TicketStatus::parse(&ticket.status).unwrap_or(TicketStatus::Open);
    let tags = ticket.tag_list()?;
    let reference = reference_of(ticket.id);
    let editor = session.user.may_enter(StaffArea::Editor);
    render_staff_page(
        state,
        session,
        Some(StaffArea::Agent),
        "agent_ticket.html",
        &format!("{reference} {}", ticket.subject),
        context! {
            ticket => context! {
                id => ticket.id, reference, subject => &ticket.subject, name => &ticket.name,
                email => &ticket.email, status => &ticket.status, priority => &ticket.priority,
                tags => tags.join(", "), tag_list => tags, category => &ticket.category,
                lang => &ticket.lang, channel => &ticket.channel,
                created => format_time(ticket.created_at),
                assignee_id => ticket.assignee_id,
                satisfaction => &ticket.satisfaction,
                satisfaction_comment => &ticket.satisfaction_comment,
            },
            status_link => format!("{base_url}/tickets/{}", ticket.status_token),
            base_url, messages, articles, history, clocks, previous, canned, article_results,
            search => extras.search, reply_text => extras.reply_text, note_text => extras.note_text,
            notice => extras.notice, error => extras.error,
            statuses => TicketStatus::ALL.map(TicketStatus::as_str),
            priorities => TicketPriority::ALL.map(TicketPriority::as_str),
            agents => agent_options(state).await?,
            can_turn_into_article => editor && matches!(status, TicketStatus::Resolved | TicketStatus::Closed),
        },
    )
}

async fn ticket_page(
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
            let response = state
                .db
                .find_canned_response(canned_id)
                .await?
                .ok_or(HttpError::NotFound)?;
            fill_placeholders(&response, &ticket, &session.user, &reply_links(&state))
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
    ticket: &StoredTicket,
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
    ticket: &StoredTicket,
    error: AgentWorkError,
    extras: TicketPageExtras,
) -> Result<Response, HttpError> {
    let error = match error {
        AgentWorkError::Storage(_) | AgentWorkError::Corrupt(_) => return Err(work_error(error)),
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

async fn reply(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let next = match form.status.trim() {
        "" => None,
        "keep" => TicketStatus::parse(&ticket.status),
        text => Some(
            TicketStatus::parse(text)
                .ok_or_else(|| HttpError::BadRequest(format!("Unknown status {text:?}.")))?,
        ),
    };
    let links = reply_links(&state);
    match reply_to_customer(&state.db, &ticket, &session.user, &form.body, next, &links).await {
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

async fn note(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    match add_internal_note(&state.db, &ticket, &session.user, &form.body).await {
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

async fn update_status(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ValueForm>,
) -> Result<Response, HttpError> {
    let ticket = find_ticket(&state, id).await?;
    let status = TicketStatus::parse(form.value.trim())
        .ok_or_else(|| HttpError::BadRequest(format!("Unknown status {:?}.", form.value)))?;
    let result = change_status(&state.db, &ticket, &session.user, status).await;
    answer_change(&state, &session, &ticket, result, "status").await
}

async fn update_priority(
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

async fn update_tags(
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

async fn update_assignee(
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
/// ticket, `{"title", "body"}`, for the reply box's script.
async fn api_filled_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Path((id, canned_id)): Path<(i64, i64)>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let ticket = state
        .db
        .find_ticket_by_id(id)
        .await?
        .ok_or_else(|| HttpError::BadRequest("unknown ticket".into()))?;
    let response = state
        .db
        .find_canned_response(canned_id)
        .await?
        .ok_or_else(|| HttpError::BadRequest("unknown canned response".into()))?;
    let body = fill_placeholders(&response, &ticket, &session.user, &reply_links(&state));
    Ok(Json(
        serde_json::json!({ "title": response.title, "body": body }),
    ))
}

// ----- Canned responses -----

/// `GET /agent/canned` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct CannedQuery {
    #[serde(default)]
    done: String,
}

/// The create/edit form of a canned response.
#[derive(Debug, Default, Deserialize)]
pub struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn render_canned(
    state: &AppState,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<String>,
    form: &CannedForm,
) -> Result<Html<String>, HttpError> {
    let responses = state.db.canned_responses().await?;
    render_staff_page(
        state,
        session,
        Some(StaffArea::Agent),
        "agent_canned.html",
        "Canned responses",
        context! {
            responses, notice, error,
            placeholders => PLACEHOLDERS.map(|(name, meaning)| context! { name, meaning }),
            form_title => &form.title, form_body => &form.body,
            agent_name => display_name(&session.user),
        },
    )
}

async fn canned_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<CannedQuery>,
) -> Result<Html<String>, HttpError> {
    let notice = match query.done.as_str() {
        "created" => Some("Canned response saved."),
        "updated" => Some("Canned response updated."),
        "deleted" => Some("Canned response deleted."),
        _ => None,
    };
    render_canned(&state, &session, notice, None, &CannedForm::default()).await
}

fn canned_error(error: CannedError) -> Result<String, HttpError> {
    match error {
        CannedError::Storage(error) => Err(error.into()),
        CannedError::NotFound => Err(HttpError::NotFound),
        other => Ok(other.to_string()),
    }
}

async fn create_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<CannedForm>,
) -> Result<Response, HttpError> {
    match create_canned_response(&state.db, &session.user, &form.title, &form.body).await {
        Ok(_) => Ok(Redirect::to("/agent/canned?done=created").into_response()),
        Err(error) => {
            let message = canned_error(error)?;
            let page = render_canned(&state, &session, None, Some(message), &form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn update_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<CannedForm>,
) -> Result<Response, HttpError> {
    match update_canned_response(&state.db, &session.user, id, &form.title, &form.body).await {
        Ok(()) => Ok(Redirect::to("/agent/canned?done=updated").into_response()),
        Err(error) => {
            let message = canned_error(error)?;
            let page = render_canned(
                &state,
                &session,
                None,
                Some(message),
                &CannedForm::default(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn delete_canned(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
) -> Result<Redirect, HttpError> {
    if let Err(error) = delete_canned_response(&state.db, &session.user, id).await {
        canned_error(error)?;
    }
    Ok(Redirect::to("/agent/canned?done=deleted"))
}
