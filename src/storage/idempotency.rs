//! `Idempotency-Key`s of the ticket API (see `tickets::idempotency`). Keys arrive hashed.

use super::{Database, StorageError};

/// What is stored for a key: the request's hash and, once answered, the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredIdempotencyKey {
    pub request_hash: String,
    /// When the first request claimed it (milliseconds).
    pub created_at: i64,
    /// `None` while the first request is still being answered.
    pub response: Option<(u16, String)>,
}

impl Database {
    /// Stores `key_hash` for a request being answered now; false when the key is stored
    /// already (the primary key decides between two requests at once).
    pub async fn insert_idempotency_key(
        &self,
        key_hash: &str,
        request_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO api_idempotency_keys (key_hash, request_hash, created_at) \
             VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING RETURNING key_hash",
        )
        .bind(key_hash)
        .bind(request_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(inserted.is_some())
    }

    /// The stored key, if any.
    pub async fn find_idempotency_key(
        &self,
        key_hash: &str,
    ) -> Result<Option<StoredIdempotencyKey>, StorageError> {
        let row: Option<(String, i64, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT request_hash, created_at, response_status, response_body \
             FROM api_idempotency_keys WHERE key_hash = $1",
        )
        .bind(key_hash)
        .fetch_optional(self.pool())
        .await?;
        row.map(|(request_hash, created_at, status, body)| {
            let response = match (status, body) {
                (Some(status), Some(body)) => Some((
                    u16::try_from(status).map_err(|_| StorageError::CorruptValue {
                        what: "idempotency key".into(),
                        column: "response_status",
                        value: status.to_string(),
                    })?,
                    body,
                )),
                _ => None,
            };
            Ok(StoredIdempotencyKey {
                request_hash,
                created_at,
                response,
            })
        })
        .transpose()
    }

    /// Moves an unanswered claim made at `claimed_at` to `now`; false when another request
    /// moved or answered it first.
    pub async fn take_over_idempotency_key(
        &self,
        key_hash: &str,
        claimed_at: i64,
        now: i64,
    ) -> Result<bool, StorageError> {
        let result = sqlx::query(
            "UPDATE api_idempotency_keys SET created_at = $1 \
             WHERE key_hash = $2 AND created_at = $3 AND response_status IS NULL",
        )
        .bind(now)
        .bind(key_hash)
        .bind(claimed_at)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// The id of a ticket filed through the API since `since` with exactly these (trimmed)
    /// fields: what a request that died before answering may have filed.
    pub async fn api_ticket_filed_since(
        &self,
        email: &str,
        subject: &str,
        description: &str,
        since: i64,
    ) -> Result<Option<i64>, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM tickets WHERE channel = 'api' AND created_at >= $1 \
             AND email = $2 AND subject = $3 AND description = $4 ORDER BY id LIMIT 1",
        )
        .bind(since)
        .bind(email)
        .bind(subject)
        .bind(description)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Stores the answer given to the key's first request.
    pub async fn complete_idempotency_key(
        &self,
        key_hash: &str,
        ticket_id: i64,
        status: u16,
        body: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE api_idempotency_keys SET ticket_id = $1, response_status = $2, \
             response_body = $3 WHERE key_hash = $4",
        )
        .bind(ticket_id)
        .bind(i64::from(status))
        .bind(body)
        .bind(key_hash)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets a key whose request filed nothing, so it may be used again.
    pub async fn delete_idempotency_key(&self, key_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM api_idempotency_keys WHERE key_hash = $1")
            .bind(key_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets keys stored before `created_before`.
    pub async fn purge_idempotency_keys(&self, created_before: i64) -> Result<u64, StorageError> {
        let result = sqlx::query("DELETE FROM api_idempotency_keys WHERE created_at < $1")
            .bind(created_before)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }
}
