//! The email outbox: every email to a customer is stored here in the same transaction as
//! the change it reports, then delivered by `notifications`.

use sqlx::FromRow;

use super::{Backend, Database, StorageError, now_millis};

/// An email to send (or keep in the outbox).
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// A queued email.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

impl Database {
    /// Emails not sent yet, oldest first.
    pub async fn unsent_emails(&self, limit: i64) -> Result<Vec<OutboxEmail>, StorageError> {
        let rows = sqlx::query_as(
            "SELECT id, recipient, subject, body, created_at, sent_at, attempts, last_error FROM outbox \
             WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Claims up to `limit` unsent emails for delivery by this instance until `claimed_until`,
    /// oldest first. An email claimed by another instance whose claim has not expired is
    /// left alone, so with several instances each email goes to one of them. On PostgreSQL
    /// two instances claiming at once skip each other's rows (`FOR UPDATE SKIP LOCKED`);
    /// SQLite runs one write at a time anyway.
    pub async fn claim_unsent_emails(
        &self,
        limit: i64,
        now: i64,
        claimed_until: i64,
    ) -> Result<Vec<OutboxEmail>, StorageError> {
        let skip_locked = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1 WHERE id IN (SELECT id FROM outbox \
             WHERE sent_at IS NULL AND attempts < 10 AND (claimed_until IS NULL OR claimed_until < $2) \
             ORDER BY id LIMIT $3 {skip_locked}) \
             RETURNING id, recipient, subject, body, created_at, sent_at, attempts, last_error"
        );
        let mut rows: Vec<OutboxEmail> = sqlx::query_as(&sql)
            .bind(claimed_until)
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.sort_by_key(|email| email.id);
        Ok(rows)
    }

    /// Records a delivery attempt and ends this instance's claim on the email.
    pub async fn mark_email_attempt(
        &self,
        id: i64,
        error: Option<&str>,
    ) -> Result<(), StorageError> {
        let sent_at = error.is_none().then(now_millis);
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, sent_at = $1, last_error = $2, \
             claimed_until = NULL WHERE id = $3",
        )
        .bind(sent_at)
        .bind(error)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

pub(super) async fn insert_outbox(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &OutgoingEmail,
    ticket_id: Option<i64>,
    at: i64,
) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO outbox (recipient, subject, body, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&email.recipient)
        .bind(&email.subject)
        .bind(&email.body)
        .bind(ticket_id)
        .bind(at)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}
