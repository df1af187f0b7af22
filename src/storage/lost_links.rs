//! The requests a customer filed from one email address, for the email that resends their
//! private links.

use sqlx::FromRow;

use super::outbox::{OutgoingEmail, insert_outbox};
use super::ticket_rows::parse_column;
use super::{Database, StorageError, now_millis};
use crate::tickets::TicketStatus;

/// A request as the "your requests" email lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRequest {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub status: TicketStatus,
    pub status_token: String,
    pub lang: String,
    pub created_at: i64,
}

#[derive(FromRow)]
struct CustomerRequestRow {
    id: i64,
    name: String,
    subject: String,
    status: String,
    status_token: String,
    lang: String,
    created_at: i64,
}

impl TryFrom<CustomerRequestRow> for CustomerRequest {
    type Error = StorageError;

    fn try_from(row: CustomerRequestRow) -> Result<CustomerRequest, StorageError> {
        Ok(CustomerRequest {
            status: parse_column(
                || format!("ticket {}", row.id),
                "status",
                &row.status,
                TicketStatus::parse,
            )?,
            id: row.id,
            name: row.name,
            subject: row.subject,
            status_token: row.status_token,
            lang: row.lang,
            created_at: row.created_at,
        })
    }
}

impl Database {
    /// The newest `limit` requests filed from `email` (compared in lower case) that are not
    /// closed, newest first.
    pub async fn requests_not_closed_from(
        &self,
        email: &str,
        limit: i64,
    ) -> Result<Vec<CustomerRequest>, StorageError> {
        let rows: Vec<CustomerRequestRow> = sqlx::query_as(
            "SELECT id, name, subject, status, status_token, lang, created_at FROM tickets \
             WHERE lower(email) = $1 AND status <> 'closed' ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(email.to_lowercase())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(CustomerRequest::try_from).collect()
    }

    /// Queues an email that belongs to no single ticket.
    pub async fn queue_email(&self, email: &OutgoingEmail) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        insert_outbox(&mut transaction, email, None, now_millis()).await?;
        transaction.commit().await?;
        Ok(())
    }
}
