//! After filing: the customer's replies, their satisfaction rating, and closing resolved tickets.

use super::{TicketStatus, filing::MAX_DESCRIPTION_CHARS};
use crate::storage::{Database, StorageError, StoredTicket, now_millis};

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
}

/// The status of a stored ticket.
pub fn status_of(ticket: &StoredTicket) -> TicketStatus {
    TicketStatus::parse(&ticket.status).unwrap_or(TicketStatus::Open)
}

/// Adds a customer's reply; an answered or resolved ticket reopens. Returns the new status.
pub async fn add_customer_reply(
    db: &Database,
    ticket: &StoredTicket,
    body: &str,
) -> Result<TicketStatus, ConversationError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(ConversationError::EmptyReply);
    }
    if body.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ConversationError::ReplyTooLong);
    }
    let status = status_of(ticket);
    if status == TicketStatus::Closed {
        return Err(ConversationError::Closed);
    }
    let next = status.reopened_by_customer_reply();
    db.add_customer_reply(ticket, body, next.as_str()).await?;
    Ok(next)
}

/// Records a one-click satisfaction rating on a resolved or closed ticket.
pub async fn rate_support(
    db: &Database,
    ticket: &StoredTicket,
    good: bool,
    comment: &str,
) -> Result<(), ConversationError> {
    if !matches!(
        status_of(ticket),
        TicketStatus::Resolved | TicketStatus::Closed
    ) {
        return Err(ConversationError::NotResolved);
    }
    let comment: String = comment.trim().chars().take(2_000).collect();
    db.rate_ticket(ticket.id, if good { "good" } else { "bad" }, &comment)
        .await?;
    Ok(())
}

/// Closes tickets that have stayed resolved for `days` days; returns how many.
pub async fn close_resolved_tickets(db: &Database, days: u32) -> Result<u64, StorageError> {
    let cutoff = now_millis() - i64::from(days) * 24 * 60 * 60 * 1000;
    db.close_resolved_tickets(cutoff).await
}
