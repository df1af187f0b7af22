//! A staff member's change to a ticket (reply or note, status, priority, tags, assignee),
//! stored in one transaction with its history entries and email.

use super::attachments::{AttachedTo, insert_attachments};
use super::inbox::replace_ticket_tags;
use super::outbox::{OutgoingEmail, insert_outbox};
use super::tickets::{insert_history, insert_message};
use super::{Database, StorageError, now_millis, to_json_list};
use crate::attachments::NewAttachment;
use crate::tickets::inbox::priority_rank;
use crate::tickets::sla_clock::SlaClock;
use crate::tickets::ticket::AuthorKind;
use crate::tickets::{TicketPriority, TicketStatus};

/// A staff member's change to a ticket, applied in one transaction with its history entries.
#[derive(Clone, Debug)]
pub struct AgentUpdate<'a> {
    /// The staff member (stored as `author_user_id`, `resolved_by`).
    pub actor_id: i64,
    /// How the history names them.
    pub actor_email: &'a str,
    /// A reply to the customer or an internal note.
    pub message: Option<AgentMessage<'a>>,
    /// The new status; `resolved` stamps `resolved_at`/`resolved_by`, `closed` stamps
    /// `closed_at`, any other status clears them.
    pub status: Option<TicketStatus>,
    pub priority: Option<PriorityUpdate>,
    /// The complete new tag list.
    pub tags: Option<&'a [String]>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<i64>>,
    /// One `ticket_history` entry each, in order.
    pub history: Vec<String>,
    /// An email to queue (the reply to the customer).
    pub email: Option<OutgoingEmail>,
    /// The SLA clock after the change (its due times include a new priority's), and the
    /// next due time it gives, as the domain computed them.
    pub clock: SlaClock,
    pub sla_due_at: i64,
}

/// A message written by a staff member.
#[derive(Clone, Debug, Default)]
pub struct AgentMessage<'a> {
    pub author_name: &'a str,
    pub body: &'a str,
    /// Internal notes are never shown to the customer; a reply (`false`) is, and the first
    /// one stamps `first_responded_at`.
    pub internal: bool,
    /// Files kept in the file store already; a note's are staff-only like the note.
    pub files: &'a [NewAttachment],
}

/// A new priority with the SLA due times recalculated for it.
#[derive(Clone, Copy, Debug)]
pub struct PriorityUpdate {
    pub priority: TicketPriority,
    pub first_response_due: i64,
    pub resolution_due: i64,
}

impl Database {
    /// Applies a staff member's change: message, status, priority, tags, assignee, history,
    /// email and the next SLA due time, all in one transaction.
    pub async fn apply_agent_update(
        &self,
        ticket_id: i64,
        update: &AgentUpdate<'_>,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.begin_write().await?;
        if let Some(message) = &update.message {
            let message_id = insert_message(
                &mut transaction,
                ticket_id,
                AuthorKind::Agent,
                message.author_name,
                message.body,
                message.internal,
                Some(update.actor_id),
                now,
            )
            .await?;
            let to = AttachedTo::Message {
                ticket_id,
                message_id,
                internal: message.internal,
            };
            insert_attachments(&mut transaction, &to, message.files).await?;
            if !message.internal {
                sqlx::query(
                    "UPDATE tickets SET first_responded_at = $1 WHERE id = $2 AND first_responded_at IS NULL",
                )
                .bind(now)
                .bind(ticket_id)
                .execute(&mut *transaction)
                .await?;
            }
        }
        if let Some(status) = update.status {
            let resolved = status == TicketStatus::Resolved;
            let closed = status == TicketStatus::Closed;
            sqlx::query(
                "UPDATE tickets SET status = $1, \
                 resolved_at = CASE WHEN $2 = 1 THEN $3 WHEN $4 = 1 THEN resolved_at ELSE NULL END, \
                 resolved_by = CASE WHEN $2 = 1 THEN $5 WHEN $4 = 1 THEN resolved_by ELSE NULL END, \
                 closed_at = CASE WHEN $4 = 1 THEN $3 ELSE NULL END WHERE id = $6",
            )
            .bind(status.as_str())
            .bind(i64::from(resolved))
            .bind(now)
            .bind(i64::from(closed))
            .bind(update.actor_id)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        }
        if let Some(priority) = &update.priority {
            sqlx::query(
                "UPDATE tickets SET priority = $1, priority_rank = $2, first_response_due = $3, \
                 resolution_due = $4 WHERE id = $5",
            )
            .bind(priority.priority.as_str())
            .bind(priority_rank(priority.priority))
            .bind(priority.first_response_due)
            .bind(priority.resolution_due)
            .bind(ticket_id)
            .execute(&mut *transaction)
            .await?;
        }
        if let Some(tags) = update.tags {
            sqlx::query("UPDATE tickets SET tags = $1 WHERE id = $2")
                .bind(to_json_list(tags))
                .bind(ticket_id)
                .execute(&mut *transaction)
                .await?;
            replace_ticket_tags(&mut transaction, ticket_id, tags).await?;
        }
        if let Some(assignee) = update.assignee {
            sqlx::query("UPDATE tickets SET assignee_id = $1 WHERE id = $2")
                .bind(assignee)
                .bind(ticket_id)
                .execute(&mut *transaction)
                .await?;
        }
        sqlx::query(
            "UPDATE tickets SET updated_at = $1, sla_due_at = $2, first_response_due = $3, \
             resolution_due = $4, sla_paused_at = $5, sla_paused_millis = $6 WHERE id = $7",
        )
        .bind(now)
        .bind(update.sla_due_at)
        .bind(update.clock.first_response_due)
        .bind(update.clock.resolution_due)
        .bind(update.clock.paused_at)
        .bind(update.clock.paused_millis)
        .bind(ticket_id)
        .execute(&mut *transaction)
        .await?;
        for change in &update.history {
            insert_history(&mut transaction, ticket_id, update.actor_email, change, now).await?;
        }
        if let Some(email) = &update.email {
            insert_outbox(&mut transaction, email, Some(ticket_id), now).await?;
        }
        transaction.commit().await?;
        Ok(())
    }
}
