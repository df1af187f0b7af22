//! A ticket and its conversation as the domain works with them: typed status, priority,
//! channel and tag lists. Storage reads its rows into these and refuses a row with a value
//! the domain does not know (see `StorageError::CorruptValue`).

use serde::Serialize;

use super::inbox::NO_SLA_DUE;
use super::{TicketPriority, TicketStatus};
use crate::deflection::Channel;
use crate::i18n::Language;

/// A stored ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub draft_id: Option<String>,
    pub status_token: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
    pub lang: String,
    pub tags: Vec<String>,
    /// The names of the rules that set priority and tags when it was filed.
    pub matched_rules: Vec<String>,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub channel: Channel,
    pub suggestions_shown: i64,
    pub suggestions_opened: i64,
    pub first_response_due: i64,
    pub resolution_due: i64,
    pub first_responded_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub satisfaction: Option<String>,
    pub satisfaction_comment: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The staff member working the ticket.
    pub assignee_id: Option<i64>,
    /// The staff member who resolved it (cleared when it reopens).
    pub resolved_by: Option<i64>,
    /// The next SLA due time, [`NO_SLA_DUE`] when no clock runs (resolved or closed).
    pub sla_due_at: i64,
    /// When the SLA clock stopped (waiting on the customer, postponed, done); `None` while it
    /// runs (see [`super::sla_clock`]).
    pub sla_paused_at: Option<i64>,
    /// Time the clock spent stopped before `sla_paused_at`, in milliseconds.
    pub sla_paused_millis: i64,
}

impl Ticket {
    /// The reference the customer sees, e.g. `AD-000123`.
    pub fn reference(&self) -> String {
        super::filing::reference_of(self.id)
    }

    /// Where the private status page of this ticket is, under `base_url`.
    pub fn status_link(&self, base_url: &str) -> String {
        format!("{base_url}/tickets/{}", self.status_token)
    }

    /// The status page at its rating form (shown once the ticket is resolved).
    pub fn rating_link(&self, base_url: &str) -> String {
        format!("{}#rating-title", self.status_link(base_url))
    }

    /// The language the ticket was written in, when the portal speaks it.
    pub fn language(&self) -> Option<Language> {
        Language::parse(&self.lang)
    }
}

/// The next SLA due time of a ticket in `status` with these clocks: the first-response due
/// time until someone replied, then the resolution due time, and [`NO_SLA_DUE`] once it is
/// resolved or closed. The one definition of the rule: every change to a ticket stores what
/// this returns as `sla_due_at`, which the inbox sorts and filters on.
pub fn next_sla_due(
    status: TicketStatus,
    first_responded_at: Option<i64>,
    first_response_due: i64,
    resolution_due: i64,
) -> i64 {
    match status {
        TicketStatus::Resolved | TicketStatus::Closed => NO_SLA_DUE,
        _ if first_responded_at.is_none() => first_response_due,
        _ => resolution_due,
    }
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    Customer,
    Agent,
}

impl AuthorKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorKind::Customer => "customer",
            AuthorKind::Agent => "agent",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(text: &str) -> Option<AuthorKind> {
        [AuthorKind::Customer, AuthorKind::Agent]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// One message of a ticket's conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: i64,
    pub author_kind: AuthorKind,
    pub author_name: String,
    pub body: String,
    /// An internal note: staff only, never shown to the customer.
    pub internal: bool,
    pub created_at: i64,
    /// The staff member who wrote an agent reply or note.
    pub author_user_id: Option<i64>,
}

/// The history line of a status change, e.g. `status: resolved → closed`, with the reason
/// in parentheses when there is one (`customer replied`).
pub fn status_change_line(from: TicketStatus, to: TicketStatus, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("status: {from} → {to} ({reason})"),
        None => format!("status: {from} → {to}"),
    }
}

/// The history line of a filed ticket: channel, priority, and the tags and rules when any.
pub fn filed_line(
    channel: Channel,
    priority: TicketPriority,
    tags: &[String],
    matched_rules: &[String],
) -> String {
    let mut line = format!("filed via {channel} with priority {priority}");
    if !tags.is_empty() {
        line.push_str(&format!(", tags {}", tags.join(", ")));
    }
    if !matched_rules.is_empty() {
        line.push_str(&format!(" (rules: {})", matched_rules.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_response_is_due_until_someone_replies_then_the_resolution() {
        use TicketStatus::*;
        assert_eq!(next_sla_due(New, None, 10, 20), 10);
        assert_eq!(next_sla_due(Open, Some(5), 10, 20), 20);
        for done in [Resolved, Closed] {
            assert_eq!(next_sla_due(done, None, 10, 20), NO_SLA_DUE);
        }
    }

    #[test]
    fn a_filed_ticket_history_names_channel_priority_tags_and_rules() {
        assert_eq!(
            filed_line(Channel::Api, TicketPriority::High, &[], &[]),
            "filed via api with priority high"
        );
        assert_eq!(
            filed_line(
                Channel::WebForm,
                TicketPriority::Urgent,
                &["billing".into(), "vip".into()],
                &["money".into()]
            ),
            "filed via web_form with priority urgent, tags billing, vip (rules: money)"
        );
    }
}
