//! Limits a user can notice: sign-in attempts per account and per address, tickets filed per
//! address. Each allows `count` attempts per `period` for one key, refilling evenly (a burst
//! of `count`, then one more every `period / count`).
//!
//! Where the count is kept follows the database: in memory when one process owns it
//! (SQLite), in the database when several instances share it (PostgreSQL), so N instances
//! never give anyone N times the attempts.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::storage::{Backend, Database, StorageError, now_millis};

/// A per-key attempt limit; see the module documentation.
pub struct AttemptLimit {
    /// Names the limit in the shared table, e.g. `sign_in_account`.
    bucket: &'static str,
    /// Milliseconds one attempt stays counted.
    interval_millis: i64,
    /// How far ahead of now a key's counted attempts may reach: `period - interval`.
    tolerance_millis: i64,
    counter: Counter,
}

enum Counter {
    InMemory(DefaultKeyedRateLimiter<String>),
    Shared(Database),
}

impl AttemptLimit {
    /// Counts in memory on SQLite and in `db` on PostgreSQL; `None` when `count` is 0 (no limit).
    pub fn for_database(
        bucket: &'static str,
        count: u32,
        period: Duration,
        db: &Database,
    ) -> Option<AttemptLimit> {
        match db.backend() {
            Backend::Sqlite => AttemptLimit::in_memory(bucket, count, period),
            Backend::Postgres => AttemptLimit::shared(bucket, count, period, db),
        }
    }

    /// Counts in this process only.
    pub fn in_memory(bucket: &'static str, count: u32, period: Duration) -> Option<AttemptLimit> {
        let burst = NonZeroU32::new(count)?;
        let quota = Quota::with_period(period / count)?.allow_burst(burst);
        Some(AttemptLimit::with_counter(
            bucket,
            count,
            period,
            Counter::InMemory(RateLimiter::keyed(quota)),
        ))
    }

    /// Counts in `db`, for every instance using it (works on either backend).
    pub fn shared(
        bucket: &'static str,
        count: u32,
        period: Duration,
        db: &Database,
    ) -> Option<AttemptLimit> {
        (count > 0)
            .then(|| AttemptLimit::with_counter(bucket, count, period, Counter::Shared(db.clone())))
    }

    fn with_counter(bucket: &'static str, count: u32, period: Duration, counter: Counter) -> Self {
        let period_millis = i64::try_from(period.as_millis()).unwrap_or(i64::MAX);
        let interval_millis = (period_millis / i64::from(count.max(1))).max(1);
        AttemptLimit {
            bucket,
            interval_millis,
            tolerance_millis: period_millis - interval_millis,
            counter,
        }
    }

    /// Counts an attempt by `key` if the limit allows it; a refused attempt is not counted.
    pub async fn allow(&self, key: &str) -> Result<bool, StorageError> {
        match &self.counter {
            Counter::InMemory(limiter) => Ok(limiter.check_key(&key.to_owned()).is_ok()),
            Counter::Shared(db) => {
                db.take_rate_limited_attempt(
                    self.bucket,
                    &key_hash(key),
                    now_millis(),
                    self.interval_millis,
                    self.tolerance_millis,
                )
                .await
            }
        }
    }
}

/// What the shared table stores instead of an email or an address.
fn key_hash(key: &str) -> String {
    format!("{:x}", Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn sqlite() -> Database {
        Database::connect(":memory:").await.expect("database")
    }

    async fn allowed(limit: &AttemptLimit, key: &str, attempts: usize) -> usize {
        let mut allowed = 0;
        for _ in 0..attempts {
            if limit.allow(key).await.expect("count") {
                allowed += 1;
            }
        }
        allowed
    }

    #[tokio::test]
    async fn a_shared_limit_allows_the_burst_then_refuses_like_the_in_memory_one() {
        let db = sqlite().await;
        let period = Duration::from_secs(900);
        let shared = AttemptLimit::shared("test", 3, period, &db).expect("limit");
        let memory = AttemptLimit::in_memory("test", 3, period).expect("limit");
        assert_eq!(allowed(&shared, "a@example.com", 5).await, 3);
        assert_eq!(allowed(&memory, "a@example.com", 5).await, 3);
        // Another key has its own count.
        assert_eq!(allowed(&shared, "b@example.com", 1).await, 1);
    }

    #[tokio::test]
    async fn two_handles_on_one_database_share_the_count() {
        let db = sqlite().await;
        let period = Duration::from_secs(600);
        let first = AttemptLimit::shared("tickets", 4, period, &db).expect("limit");
        let second = AttemptLimit::shared("tickets", 4, period, &db).expect("limit");
        assert_eq!(allowed(&first, "192.0.2.7", 2).await, 2);
        assert_eq!(allowed(&second, "192.0.2.7", 5).await, 2);
        // Limits with other names count apart.
        let other = AttemptLimit::shared("sign_in", 4, period, &db).expect("limit");
        assert_eq!(allowed(&other, "192.0.2.7", 1).await, 1);
    }

    #[tokio::test]
    async fn a_counted_attempt_expires_after_its_share_of_the_period() {
        let db = sqlite().await;
        let limit = AttemptLimit::shared("test", 2, Duration::from_secs(60), &db).expect("limit");
        let hash = key_hash("k");
        let (interval, tolerance) = (limit.interval_millis, limit.tolerance_millis);
        let at = |t| db.take_rate_limited_attempt("test", &hash, t, interval, tolerance);
        assert!(at(0).await.expect("count"));
        assert!(at(0).await.expect("count"));
        assert!(!at(1).await.expect("count"), "the burst is used up");
        assert!(at(30_000).await.expect("count"), "one attempt refilled");
        assert!(!at(30_001).await.expect("count"));
        assert_eq!(
            db.purge_drained_rate_limits(59_999).await.expect("purge"),
            0
        );
        assert_eq!(
            db.purge_drained_rate_limits(90_001).await.expect("purge"),
            1
        );
    }

    #[test]
    fn no_limit_when_the_count_is_zero() {
        assert!(AttemptLimit::in_memory("test", 0, Duration::from_secs(60)).is_none());
    }

    #[test]
    fn keys_are_stored_hashed() {
        let hash = key_hash("someone@example.com");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("example"));
    }
}
