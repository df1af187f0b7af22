//! After filing: the customer's replies, their satisfaction rating, and closing resolved tickets.

use super::sla::SlaPolicy;
use super::sla_clock::SlaClock;
use super::ticket::{Ticket, next_sla_due, status_change_line};
use super::{TicketStatus, filing::MAX_DESCRIPTION_CHARS};
use crate::attachments::{FileStore, SpooledFile, UploadError, keep_all};
use crate::storage::{CustomerStatusChange, Database, StorageError, now_millis};

/// Why a customer's action on their ticket was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    #[error("Please write a reply first.")]
    EmptyReply,
    #[error("Please keep your reply under {MAX_DESCRIPTION_CHARS} characters.")]
    ReplyTooLong,
    #[error("This request is closed. Please start a new request; you can mention its reference.")]
    Closed,
    #[error("You can rate the support once your request is resolved.")]
    NotResolved,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Upload(#[from] UploadError),
}

impl ConversationError {
    /// The customer catalogues' message for this refusal (`locales/*/portal.ftl`).
    pub fn message_key(&self) -> &'static str {
        match self {
            ConversationError::EmptyReply => "error-reply-empty",
            ConversationError::ReplyTooLong => "error-reply-too-long",
            ConversationError::Closed => "error-request-closed",
            ConversationError::NotResolved => "error-not-resolved-yet",
            ConversationError::Storage(_) => "error-internal",
            ConversationError::Upload(error) => error.message_key(),
        }
    }
}

/// Adds a customer's reply with the files they attached (checked already, kept only once
/// the reply is accepted); an answered or resolved ticket reopens. Returns the new status.
pub async fn add_customer_reply(
    db: &Database,
    sla: &SlaPolicy,
    ticket: &Ticket,
    body: &str,
    files: (&impl FileStore, Vec<SpooledFile>),
) -> Result<TicketStatus, ConversationError> {
    let body = body.trim();
    let (store, files) = files;
    if body.is_empty() && files.is_empty() {
        return Err(ConversationError::EmptyReply);
    }
    if body.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ConversationError::ReplyTooLong);
    }
    let status = ticket.status;
    if status == TicketStatus::Closed {
        return Err(ConversationError::Closed);
    }
    let next = status.reopened_by_customer_reply();
    let history = status_change_line(status, next, Some("customer replied"));
    let change = (next != status).then(|| {
        // Reopened: the SLA clock runs again with the time it had left.
        let clock = SlaClock::of(ticket).in_status(next, now_millis(), sla);
        CustomerStatusChange {
            status: next,
            history: &history,
            clock,
            sla_due_at: clock.next_due(next, ticket.first_responded_at),
        }
    });
    let kept = keep_all(store, files).await?;
    db.add_customer_reply(ticket, body, &kept, change).await?;
    Ok(next)
}

/// Records a one-click satisfaction rating on a resolved or closed ticket.
pub async fn rate_support(
    db: &Database,
    ticket: &Ticket,
    good: bool,
    comment: &str,
) -> Result<(), ConversationError> {
    if !matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed) {
        return Err(ConversationError::NotResolved);
    }
    let comment: String = comment.trim().chars().take(2_000).collect();
    let rating = if good { "good" } else { "bad" };
    let history = format!("rated the support {rating}");
    db.rate_ticket(ticket.id, rating, &comment, &history)
        .await?;
    Ok(())
}

/// Closes tickets that have stayed resolved for `days` days; returns how many.
pub async fn close_resolved_tickets(db: &Database, days: u32) -> Result<u64, StorageError> {
    let cutoff = now_millis() - i64::from(days) * 24 * 60 * 60 * 1000;
    let (from, to) = (TicketStatus::Resolved, TicketStatus::Closed);
    // A closed ticket runs no clock, whatever its other fields: one value for all of them.
    let sla_due_at = next_sla_due(to, None, 0, 0);
    let history = status_change_line(from, to, Some("no reply after resolution"));
    db.close_resolved_tickets(cutoff, sla_due_at, &history)
        .await
}
