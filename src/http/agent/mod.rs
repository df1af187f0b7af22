//! The agents' area: the ticket inbox ([`inbox`]), the ticket page with replies, notes and
//! changes ([`ticket`]), and canned responses ([`canned`]).

mod canned;
mod inbox;
mod ticket;

use axum::Router;
use axum::routing::{get, post};
use serde::Serialize;

use super::HttpError;
use crate::accounts::StaffUser;
use crate::app::AppState;
use crate::i18n::Language;
use crate::tickets::agent_work::{AgentWorkError, ReplyLinks};

/// Templates of this area, by the name pages use.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "agent_inbox.html",
        include_str!("../../../templates/agent_inbox.html"),
    ),
    (
        "agent_ticket.html",
        include_str!("../../../templates/agent_ticket.html"),
    ),
    (
        "agent_canned.html",
        include_str!("../../../templates/agent_canned.html"),
    ),
];

/// Every route of this area (pages and `/api/agent/…`). The router puts the staff guard in
/// front of them, so handlers may take [`super::staff_session::StaffSession`] for granted.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent", get(inbox::inbox))
        .route("/agent/bulk", post(inbox::bulk_action))
        .route("/agent/tickets/{id}", get(ticket::ticket_page))
        .route("/agent/tickets/{id}/reply", post(ticket::reply))
        .route("/agent/tickets/{id}/note", post(ticket::note))
        .route("/agent/tickets/{id}/files/{file}", get(ticket::ticket_file))
        .route("/agent/tickets/{id}/status", post(ticket::update_status))
        .route(
            "/agent/tickets/{id}/priority",
            post(ticket::update_priority),
        )
        .route("/agent/tickets/{id}/tags", post(ticket::update_tags))
        .route(
            "/agent/tickets/{id}/assignee",
            post(ticket::update_assignee),
        )
        .route(
            "/agent/canned",
            get(canned::canned_page).post(canned::create_canned),
        )
        .route("/agent/canned/{id}", post(canned::update_canned))
        .route("/agent/canned/{id}/delete", post(canned::delete_canned))
        .route("/agent/canned/{id}/variants", post(canned::save_variant))
        .route(
            "/agent/canned/{id}/variants/{lang}/delete",
            post(canned::delete_variant),
        )
        .route(
            "/api/agent/tickets/{id}/canned/{canned_id}",
            get(ticket::api_filled_canned),
        )
        .route("/api/agent/articles", get(ticket::api_articles_for_reply))
}

/// A stored time as agents read it.
fn format_time(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// How staff pages name a ticket's language: "Latviešu (lv)"; a code the portal does not
/// speak as stored, and none as "unknown".
fn language_label(code: &str) -> String {
    match Language::parse(code) {
        Some(language) => language.label(),
        None if code.trim().is_empty() => "unknown".to_owned(),
        None => code.to_owned(),
    }
}

/// A language to choose in a staff form.
#[derive(Serialize)]
struct LanguageOption {
    code: &'static str,
    label: String,
}

impl LanguageOption {
    fn of(language: Language) -> LanguageOption {
        LanguageOption {
            code: language.code(),
            label: language.label(),
        }
    }
}

/// Every language the portal speaks, for staff forms.
fn language_options() -> Vec<LanguageOption> {
    Language::ALL.into_iter().map(LanguageOption::of).collect()
}

fn reply_links(state: &AppState) -> ReplyLinks {
    ReplyLinks {
        base_url: state.public_base_url(),
        site_name: state.config.site_name.clone(),
        default_language: state.config.default_language.clone(),
    }
}

fn work_error(error: AgentWorkError) -> HttpError {
    match error {
        AgentWorkError::Storage(error) => error.into(),
        AgentWorkError::Corrupt(detail) => HttpError::Internal(detail),
        AgentWorkError::Email(error) => HttpError::Internal(error.to_string()),
        AgentWorkError::UnknownTicket(_) => HttpError::NotFound,
        other => HttpError::BadRequest(other.to_string()),
    }
}

#[derive(Serialize)]
struct AgentOption {
    id: i64,
    label: String,
}

/// The assignee choices of the inbox and the ticket page.
fn agent_options(assignees: Vec<StaffUser>) -> Vec<AgentOption> {
    assignees
        .into_iter()
        .map(|user| AgentOption {
            id: user.id,
            label: if user.name.trim().is_empty() {
                user.email
            } else {
                format!("{} ({})", user.name, user.email)
            },
        })
        .collect()
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
