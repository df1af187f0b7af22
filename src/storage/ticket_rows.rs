//! How tickets and messages are stored (strings, JSON lists, 0/1) and read back into the
//! domain's typed [`Ticket`] and [`Message`]. A value the domain does not know is reported
//! as [`StorageError::CorruptValue`] naming the row and column, never replaced by a default.

use sqlx::FromRow;

use super::{StorageError, from_json_list};
use crate::deflection::Channel;
use crate::tickets::ticket::{AuthorKind, Message, Ticket};
use crate::tickets::{TicketPriority, TicketStatus};

#[derive(FromRow)]
pub(super) struct TicketRow {
    id: i64,
    draft_id: Option<String>,
    status_token: String,
    name: String,
    email: String,
    subject: String,
    description: String,
    category: String,
    lang: String,
    tags: String,
    matched_rules: String,
    priority: String,
    status: String,
    channel: String,
    suggestions_shown: i64,
    suggestions_opened: i64,
    first_response_due: i64,
    resolution_due: i64,
    first_responded_at: Option<i64>,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    satisfaction: Option<String>,
    satisfaction_comment: Option<String>,
    created_at: i64,
    updated_at: i64,
    assignee_id: Option<i64>,
    resolved_by: Option<i64>,
    sla_due_at: i64,
    sla_paused_at: Option<i64>,
    sla_paused_millis: i64,
}

/// Reads one column through `parse`, or names the row and column it could not read.
pub(super) fn parse_column<T>(
    what: impl FnOnce() -> String,
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StorageError> {
    parse(value).ok_or_else(|| StorageError::CorruptValue {
        what: what(),
        column,
        value: value.to_owned(),
    })
}

/// Reads a JSON list column, or names the row and column it could not read.
pub(super) fn list_column(
    what: impl FnOnce() -> String,
    column: &'static str,
    value: &str,
) -> Result<Vec<String>, StorageError> {
    from_json_list(value).map_err(|_| StorageError::CorruptValue {
        what: what(),
        column,
        value: value.to_owned(),
    })
}

impl TryFrom<TicketRow> for Ticket {
    type Error = StorageError;

    fn try_from(row: TicketRow) -> Result<Ticket, StorageError> {
        let what = || format!("ticket {}", row.id);
        Ok(Ticket {
            tags: list_column(what, "tags", &row.tags)?,
            matched_rules: list_column(what, "matched_rules", &row.matched_rules)?,
            priority: parse_column(what, "priority", &row.priority, TicketPriority::parse)?,
            status: parse_column(what, "status", &row.status, TicketStatus::parse)?,
            channel: parse_column(what, "channel", &row.channel, Channel::parse)?,
            id: row.id,
            draft_id: row.draft_id,
            status_token: row.status_token,
            name: row.name,
            email: row.email,
            subject: row.subject,
            description: row.description,
            category: row.category,
            lang: row.lang,
            suggestions_shown: row.suggestions_shown,
            suggestions_opened: row.suggestions_opened,
            first_response_due: row.first_response_due,
            resolution_due: row.resolution_due,
            first_responded_at: row.first_responded_at,
            resolved_at: row.resolved_at,
            closed_at: row.closed_at,
            satisfaction: row.satisfaction,
            satisfaction_comment: row.satisfaction_comment,
            created_at: row.created_at,
            updated_at: row.updated_at,
            assignee_id: row.assignee_id,
            resolved_by: row.resolved_by,
            sla_due_at: row.sla_due_at,
            sla_paused_at: row.sla_paused_at,
            sla_paused_millis: row.sla_paused_millis,
        })
    }
}

#[derive(FromRow)]
pub(super) struct MessageRow {
    id: i64,
    ticket_id: i64,
    author_kind: String,
    author_name: String,
    body: String,
    internal: i64,
    created_at: i64,
    author_user_id: Option<i64>,
}

impl TryFrom<MessageRow> for Message {
    type Error = StorageError;

    fn try_from(row: MessageRow) -> Result<Message, StorageError> {
        let what = || format!("message {} of ticket {}", row.id, row.ticket_id);
        Ok(Message {
            author_kind: parse_column(what, "author_kind", &row.author_kind, AuthorKind::parse)?,
            internal: parse_column(what, "internal", &row.internal.to_string(), |v| match v {
                "0" => Some(false),
                "1" => Some(true),
                _ => None,
            })?,
            id: row.id,
            author_name: row.author_name,
            body: row.body,
            created_at: row.created_at,
            author_user_id: row.author_user_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, tags: &str) -> TicketRow {
        TicketRow {
            id: 12,
            draft_id: None,
            status_token: "t".into(),
            name: "Ann".into(),
            email: "ann@example.com".into(),
            subject: "Help".into(),
            description: "Please".into(),
            category: String::new(),
            lang: "en".into(),
            tags: tags.into(),
            matched_rules: "[]".into(),
            priority: "high".into(),
            status: status.into(),
            channel: "api".into(),
            suggestions_shown: 0,
            suggestions_opened: 0,
            first_response_due: 1,
            resolution_due: 2,
            first_responded_at: None,
            resolved_at: None,
            closed_at: None,
            satisfaction: None,
            satisfaction_comment: None,
            created_at: 0,
            updated_at: 0,
            assignee_id: None,
            resolved_by: None,
            sla_due_at: 1,
            sla_paused_at: None,
            sla_paused_millis: 0,
        }
    }

    #[test]
    fn a_stored_ticket_reads_back_with_typed_status_priority_channel_and_tags() {
        let ticket = Ticket::try_from(row("answered", r#"["vip"]"#)).expect("valid");
        assert_eq!(ticket.status, TicketStatus::Answered);
        assert_eq!(ticket.priority, TicketPriority::High);
        assert_eq!(ticket.channel, Channel::Api);
        assert_eq!(ticket.tags, vec!["vip"]);
    }

    #[test]
    fn an_unknown_stored_status_is_reported_with_the_ticket_and_column_never_defaulted() {
        let error = Ticket::try_from(row("reopened", "[]")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "stored data is invalid: ticket 12 has status \"reopened\""
        );
        let error = Ticket::try_from(row("open", "not json")).unwrap_err();
        assert!(matches!(
            error,
            StorageError::CorruptValue { column: "tags", .. }
        ));
    }
}
