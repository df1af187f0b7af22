//! The audit log: every staff action that changes data, with who did it and when.

use serde::Serialize;

use super::StaffUser;
use crate::storage::{Database, StorageError, now_millis};

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_email: String,
    /// What was done, as `area.verb`: `article.publish`, `ticket.status`, `user.create`, …
    pub action: String,
    /// What it was done to: a slug, a ticket reference, an email.
    pub target: String,
    pub details: String,
    pub created_at: i64,
}

/// Records an action. `actor` is `None` for the command line.
pub async fn record_audit(
    db: &Database,
    actor: Option<&StaffUser>,
    action: &str,
    target: &str,
    details: &str,
) -> Result<(), StorageError> {
    let (actor_id, actor_email) = match actor {
        Some(user) => (Some(user.id), user.email.as_str()),
        None => (None, "command line"),
    };
    db.insert_audit_entry(actor_id, actor_email, action, target, details, now_millis())
        .await
}

/// The newest entries first; `before` (an entry id) pages back.
pub async fn recent_audit_entries(
    db: &Database,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>, StorageError> {
    db.list_audit_entries(before, limit).await
}
