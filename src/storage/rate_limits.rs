//! Attempt counters and sign-in failures shared by every instance on one database (see
//! `crate::limits` and `crate::accounts::login`). Keys arrive hashed.

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

impl Database {
    /// When the counted attempts of `key_hash` in `bucket` all expire; `None` for a key with none.
    pub async fn rate_limit_drained_at(
        &self,
        bucket: &str,
        key_hash: &str,
    ) -> Result<Option<i64>, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT drained_at FROM rate_limits WHERE bucket = $1 AND key_hash = $2",
        )
        .bind(bucket)
        .bind(key_hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Counts one failed sign-in of `key_hash` at `now`, starting again from 1 when its last
    /// failure was at `forget_before` or before; returns the failures counted now.
    pub async fn record_sign_in_failure(
        &self,
        key_hash: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO sign_in_failures (key_hash, failures, last_failure_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key_hash) DO UPDATE SET failures = \
               (CASE WHEN sign_in_failures.last_failure_at <= $3 THEN 1 \
                ELSE sign_in_failures.failures + 1 END), \
             last_failure_at = $2 \
             RETURNING failures",
        )
        .bind(key_hash)
        .bind(now)
        .bind(forget_before)
        .fetch_one(self.pool())
        .await?)
    }

    /// The failures of `key_hash` and when the last one was, if it was after `forget_before`.
    pub async fn sign_in_failures(
        &self,
        key_hash: &str,
        forget_before: i64,
    ) -> Result<Option<(i64, i64)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT failures, last_failure_at FROM sign_in_failures \
             WHERE key_hash = $1 AND last_failure_at > $2",
        )
        .bind(key_hash)
        .bind(forget_before)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Forgets the failures of `key_hash` (after a successful sign-in).
    pub async fn clear_sign_in_failures(&self, key_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key_hash = $1")
            .bind(key_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets failures whose last one was before `forget_before` (they count as none anyway).
    pub async fn purge_sign_in_failures(&self, forget_before: i64) -> Result<u64, StorageError> {
        let result = sqlx::query("DELETE FROM sign_in_failures WHERE last_failure_at < $1")
            .bind(forget_before)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }
}
