//! Attempt counters shared by every instance on one database (see `crate::limits`).

use super::{Database, StorageError};

impl Database {
    /// Counts one attempt of `key_hash` in `bucket` if the limit allows it, in one statement
    /// (the generic cell rate algorithm): each attempt pushes the key's `drained_at` one
    /// `interval_millis` further, starting from now when it lies in the past, and is refused,
    /// uncounted, when `drained_at` already lies more than `tolerance_millis` ahead. Two
    /// instances counting the same key at once are ordered by the row's lock.
    pub async fn take_rate_limited_attempt(
        &self,
        bucket: &str,
        key_hash: &str,
        now: i64,
        interval_millis: i64,
        tolerance_millis: i64,
    ) -> Result<bool, StorageError> {
        let counted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rate_limits (bucket, key_hash, drained_at) VALUES ($1, $2, $3 + $4) \
             ON CONFLICT (bucket, key_hash) DO UPDATE SET drained_at = \
               (CASE WHEN rate_limits.drained_at > $3 THEN rate_limits.drained_at ELSE $3 END) + $4 \
             WHERE (CASE WHEN rate_limits.drained_at > $3 THEN rate_limits.drained_at ELSE $3 END) \
               - $3 <= $5 \
             RETURNING drained_at",
        )
        .bind(bucket)
        .bind(key_hash)
        .bind(now)
        .bind(interval_millis)
        .bind(tolerance_millis)
        .fetch_optional(self.pool())
        .await?;
        Ok(counted.is_some())
    }

    /// Forgets keys whose attempts have all expired (they count as new again anyway).
    pub async fn purge_drained_rate_limits(&self, now: i64) -> Result<u64, StorageError> {
        let result = sqlx::query("DELETE FROM rate_limits WHERE drained_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }
}
