//! Everything the agent's ticket page shows about one ticket, loaded in one call: the
//! conversation with internal notes, the articles suggested before filing, the history, the
//! SLA clocks, the customer's other tickets, the canned responses and who it can be assigned to.

use super::canned::{CannedEntry, canned_library};
use super::inbox::{SlaClock, sla_clocks};
use super::ticket::{Message, Ticket};
use crate::accounts::{StaffArea, StaffUser};
use crate::storage::{Database, RelatedTicket, StorageError, TicketArticleView};

/// The customer's other tickets shown on the page, newest first.
pub const PREVIOUS_TICKETS_SHOWN: i64 = 20;

/// One recorded change to a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub actor: String,
    pub change: String,
    pub at: i64,
}

/// What the agent's ticket page needs besides the ticket itself.
#[derive(Clone, Debug)]
pub struct TicketView {
    /// Oldest first, internal notes included.
    pub messages: Vec<Message>,
    pub articles: Vec<TicketArticleView>,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    /// First response and resolution, at the time of the view.
    pub clocks: [SlaClock; 2],
    /// Other tickets from the same email, at most [`PREVIOUS_TICKETS_SHOWN`].
    pub previous: Vec<RelatedTicket>,
    /// The canned responses with their variants per language.
    pub canned: Vec<CannedEntry>,
    /// Active staff who may work tickets: the possible assignees.
    pub assignees: Vec<StaffUser>,
}

/// Loads the page's view of `ticket` at `now` (milliseconds); the independent queries run
/// concurrently.
pub async fn ticket_view(
    db: &Database,
    ticket: &Ticket,
    now: i64,
) -> Result<TicketView, StorageError> {
    let (messages, articles, history, previous, canned, users) = tokio::try_join!(
        db.ticket_messages(ticket.id, true),
        db.ticket_articles_with_titles(ticket.id),
        db.ticket_history(ticket.id),
        db.tickets_from_email(&ticket.email, ticket.id, PREVIOUS_TICKETS_SHOWN),
        canned_library(db),
        db.list_users(),
    )?;
    Ok(TicketView {
        messages,
        articles,
        history: history
            .into_iter()
            .map(|(actor, change, at)| HistoryEntry { actor, change, at })
            .collect(),
        clocks: sla_clocks(ticket, now),
        previous,
        canned,
        assignees: assignees(users),
    })
}

/// Of `users`, those a ticket can be assigned to.
pub fn assignees(users: Vec<StaffUser>) -> Vec<StaffUser> {
    users
        .into_iter()
        .filter(|user| user.may_enter(StaffArea::Agent))
        .collect()
}

/// Everyone a ticket can be assigned to (the inbox's bulk assign).
pub async fn possible_assignees(db: &Database) -> Result<Vec<StaffUser>, StorageError> {
    Ok(assignees(db.list_users().await?))
}
