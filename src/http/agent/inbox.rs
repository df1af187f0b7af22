//! The inbox: one page of a filtered, sorted view with its tab counts, and bulk actions.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{
    HttpError, agent_options, find_assignee, format_time, language_label, language_options,
    reply_links, work_error,
};
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::http::staff::render_staff_page;
use crate::http::staff_session::StaffSession;
use crate::i18n::Language;
use crate::storage::now_millis;
use crate::tickets::agent_work::{BulkAction, apply_bulk_action};
use crate::tickets::filing::reference_of;
use crate::tickets::inbox::{
    AssigneeFilter, InboxCursor, InboxFilter, InboxSearch, InboxSort, MAX_SEARCH_CHARS, SlaFilter,
    StatusView, due_state, inbox_counts, inbox_page,
};
use crate::tickets::ticket_view::possible_assignees;
use crate::tickets::{TicketPriority, TicketStatus};

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
    lang: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    sla: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    cursor: String,
    /// The search box: words, "phrases" or a ticket reference.
    #[serde(default)]
    q: String,
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
        let lang = match self.lang.trim() {
            "" | "any" => None,
            text => Some(Language::parse(text).ok_or_else(|| bad("language", text))?),
        };
        let non_empty = |text: &str| Some(text.trim().to_lowercase()).filter(|t| !t.is_empty());
        let search = InboxSearch::parse(&self.q).map_err(|error| HttpError::Invalid {
            message: error.to_string(),
            fields: BTreeMap::from([("q", error.to_string())]),
        })?;
        let status = match self.status.trim() {
            // A search without a status looks through every ticket.
            "" if search.is_some() => StatusView::All,
            text => StatusView::parse(text).ok_or_else(|| bad("status", text))?,
        };
        Ok(InboxFilter {
            search,
            status,
            priority,
            tag: non_empty(&self.tag),
            category: Some(self.category.trim().to_owned()).filter(|t| !t.is_empty()),
            lang,
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
            cursor: match self.cursor.trim() {
                "" => None,
                text => Some(InboxCursor::parse(text).ok_or_else(|| bad("page position", text))?),
            },
        })
    }
}

/// The query string of an inbox view, leaving out defaults.
fn inbox_url(filter: &InboxFilter) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(search) = &filter.search {
        pairs.push(("q", search.text.clone()));
    }
    if filter.status != filter.default_status() {
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
    if let Some(lang) = filter.lang {
        pairs.push(("lang", lang.code().to_owned()));
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
    if let Some(cursor) = filter.cursor {
        pairs.push(("cursor", cursor.to_param()));
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
    status: &'static str,
    priority: &'static str,
    tags: Vec<String>,
    category: String,
    /// The ticket's language code and how staff read it ("Latviešu (lv)").
    lang: String,
    language: String,
    assignee: String,
    due: String,
    due_state: &'static str,
    due_summary: String,
    created: String,
}

pub(super) async fn inbox(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<InboxQuery>,
) -> Result<Response, HttpError> {
    let filter = query.filter()?;
    // A reference typed whole opens that ticket, whatever the view (as in the customer's
    // emails: "AD-000123"); a reference of no ticket is searched for as text, so a mention
    // of it in a conversation is still found.
    if let Some(id) = filter.search.as_ref().and_then(InboxSearch::reference)
        && state.db.find_ticket_by_id(id).await?.is_some()
    {
        return Ok(Redirect::to(&format!("/agent/tickets/{id}")).into_response());
    }
    let now = now_millis();
    let (page, counts, assignees) = tokio::try_join!(
        inbox_page(&state.db, &filter, &session.user, now),
        inbox_counts(&state.db, &session.user, now),
        possible_assignees(&state.db),
    )?;

    let status_tab = |view: StatusView, label: String, count: i64| TabView {
        current: filter.status == view,
        url: inbox_url(&InboxFilter {
            status: view,
            page: 1,
            cursor: None,
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
            cursor: None,
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
            cursor: None,
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
            let (due_state, due_summary) = due_state(row.sla_due_at, now);
            let due = if due_state == "none" {
                "—".to_owned()
            } else {
                format_time(row.sla_due_at)
            };
            InboxRowView {
                reference: reference_of(row.id),
                id: row.id,
                subject: row.subject,
                customer: row.name,
                email: row.email,
                status: row.status.as_str(),
                priority: row.priority.as_str(),
                tags: row.tags,
                category: row.category,
                language: language_label(&row.lang),
                lang: row.lang,
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
    // Next and previous carry the cursor of the page's last (first) ticket, and the page
    // number only as a label.
    let page_url = |number: u32, cursor: InboxCursor| {
        inbox_url(&InboxFilter {
            page: number,
            cursor: Some(cursor),
            ..filter.clone()
        })
    };
    let previous_url = page
        .previous
        .map(|cursor| page_url(page.page.saturating_sub(1).max(1), cursor));
    let next_url = page
        .next
        .map(|cursor| page_url(page.page.saturating_add(1), cursor));
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
            search => filter.search.as_ref().map(|s| s.text.as_str()).unwrap_or(""),
            search_max => MAX_SEARCH_CHARS,
            // The status the search box keeps: one chosen, not the default of the view.
            carried_status => (filter.status != filter.default_status()).then(|| filter.status.as_str()),
            clear_search_url => inbox_url(&InboxFilter {
                search: None,
                status: if filter.status == StatusView::All && query.status.trim().is_empty() {
                    StatusView::Active
                } else {
                    filter.status
                },
                page: 1,
                cursor: None,
                ..filter.clone()
            }),
            filter_status => filter.status.as_str(),
            filter_priority => filter.priority.map(TicketPriority::as_str).unwrap_or(""),
            filter_tag => filter.tag.as_deref().unwrap_or(""),
            filter_category => filter.category.as_deref().unwrap_or(""),
            filter_lang => filter.lang.map(Language::code).unwrap_or(""),
            languages => language_options(),
            filter_assignee => filter.assignee.as_param(),
            filter_sla => filter.sla.as_str(),
            filter_sort => filter.sort.as_str(),
            statuses => TicketStatus::ALL.map(TicketStatus::as_str),
            priorities => TicketPriority::ALL.map(TicketPriority::as_str),
            agents => agent_options(assignees),
        },
    )
    .map(IntoResponse::into_response)
}

/// `POST /agent/bulk`: the selected tickets (`ticket`, repeated) get the chosen assignee,
/// status and/or extra tag; each ticket gets its own history entry.
pub(super) async fn bulk_action(
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
    let links = reply_links(&state);
    let outcome = apply_bulk_action(
        &state.db,
        &state.config.sla,
        &session.user,
        &ticket_ids,
        &action,
        &links,
    )
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
