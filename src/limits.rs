//! Limits a user can notice: sign-in attempts, tickets filed per address, drafts started and
//! saved per address. Each allows `count` attempts per `period` for one key, refilling evenly
//! (a burst of `count`, then one more every `period / count`): the generic cell rate
//! algorithm, with one arithmetic ([`next_drained_at`]) whether counted in memory or in SQL.
//!
//! Where the count is kept follows the database: in memory when one process owns it
//! (SQLite), in the database when several instances share it (PostgreSQL), so N instances
//! never give anyone N times the attempts.
//!
//! Anyone on the internet chooses what a limit counts by (an email typed, an address), so
//! nothing they send is kept as text: a key is the SHA-256 of its normalised parts
//! ([`LimitKey`]), the same 32 bytes whatever was typed. In memory, a limit keeps at most
//! [`MAX_KEYS_IN_MEMORY`] keys (least recently used forgotten first) and drops keys whose
//! attempts have all expired once a minute, so a flood of new keys costs a bounded amount
//! of memory; in the database, maintenance deletes expired rows.

use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use lru::LruCache;
use sha2::{Digest, Sha256};

use crate::storage::{Backend, Database, StorageError, now_millis};

/// Keys one in-memory limit remembers at most (about 100 bytes each). Past it, the key
/// untouched longest is forgotten: it would count as new again. Reaching it needs that many
/// distinct keys within one period; every caller checks the per-address limit first, so a
/// flood of emails from a few addresses never gets near it.
pub const MAX_KEYS_IN_MEMORY: usize = 50_000;

/// How often an in-memory limit drops keys whose attempts have all expired.
const PRUNE_EVERY_MILLIS: i64 = 60_000;

/// What a limit counts by: the SHA-256 of normalised parts, never the text itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LimitKey([u8; 32]);

impl LimitKey {
    /// The key of `parts` (each length-prefixed, so `["ab", "c"]` and `["a", "bc"]` differ).
    pub fn new(parts: &[&str]) -> LimitKey {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        LimitKey(hasher.finalize().into())
    }

    /// The key of one client address. An IPv6 client is counted by its /64 network, which is
    /// what one household or server is given: otherwise every one of its 2^64 addresses would
    /// be a fresh client.
    pub fn address(address: IpAddr) -> LimitKey {
        LimitKey::new(&["address", &address_group(address)])
    }

    /// How the shared table stores it: lowercase hex.
    pub(crate) fn hex(&self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// The network one client address stands for: an IPv4 address (also when written as
/// IPv4-mapped IPv6), or an IPv6 /64.
pub fn address_group(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The answer to one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Counted.
    Allowed,
    /// Not counted; the next attempt of this key is allowed after this long.
    Refused { retry_after: Duration },
}

impl Attempt {
    pub fn is_allowed(self) -> bool {
        self == Attempt::Allowed
    }
}

/// The generic cell rate algorithm's step: an attempt at `now` by a key whose counted
/// attempts all expire at `drained_at` (none: a new key) is allowed when that lies at most
/// `tolerance` ahead, and pushes it one `interval` further; otherwise it is refused with the
/// wait until it would be allowed. The SQL of `Database::take_rate_limited_attempt` is the
/// same arithmetic.
fn next_drained_at(
    drained_at: Option<i64>,
    now: i64,
    interval: i64,
    tolerance: i64,
) -> Result<i64, i64> {
    let from = drained_at.filter(|&at| at > now).unwrap_or(now);
    if from - now <= tolerance {
        Ok(from + interval)
    } else {
        Err(from - now - tolerance)
    }
}

/// A map of at most `capacity` keys, least recently used forgotten first, whose values say
/// themselves when they may be dropped (see [`BoundedKeys::prune`]).
pub(crate) struct BoundedKeys<V> {
    entries: Mutex<LruCache<LimitKey, V>>,
    pruned_at: AtomicI64,
}

impl<V: Copy> BoundedKeys<V> {
    pub(crate) fn new(capacity: usize) -> BoundedKeys<V> {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        BoundedKeys {
            // `sparse`: memory grows with the keys present, not with the capacity.
            entries: Mutex::new(LruCache::sparse(capacity)),
            pruned_at: AtomicI64::new(0),
        }
    }

    /// Runs `change` on the value of `key` (`None`: not present) and stores what it returns
    /// (`None`: leave as is), in one step. Drops expired values first, once a minute.
    pub(crate) fn update<T>(
        &self,
        key: LimitKey,
        now: i64,
        is_expired: impl Fn(&V) -> bool,
        change: impl FnOnce(Option<V>) -> (Option<V>, T),
    ) -> T {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let last = self.pruned_at.load(Ordering::Relaxed);
        if now - last >= PRUNE_EVERY_MILLIS {
            self.pruned_at.store(now, Ordering::Relaxed);
            entries.retain(|_, value| !is_expired(value));
        }
        let current = entries
            .get(&key)
            .copied()
            .filter(|value| !is_expired(value));
        let (stored, answer) = change(current);
        if let Some(value) = stored {
            entries.put(key, value);
        }
        answer
    }

    /// The value of `key`, if present and not expired.
    pub(crate) fn get(&self, key: &LimitKey, is_expired: impl Fn(&V) -> bool) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .peek(key)
            .copied()
            .filter(|value| !is_expired(value))
    }

    pub(crate) fn remove(&self, key: &LimitKey) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.pop(key);
    }

    /// How many keys are held now.
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A per-key attempt limit; see the module documentation.
pub struct AttemptLimit {
    /// Names the limit in the shared table, e.g. `sign_in_address`.
    bucket: &'static str,
    /// Milliseconds one attempt stays counted.
    interval_millis: i64,
    /// How far ahead of now a key's counted attempts may reach: `period - interval`.
    tolerance_millis: i64,
    counter: Counter,
}

enum Counter {
    /// Each key's `drained_at`.
    InMemory(BoundedKeys<i64>),
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

    /// Counts in this process only, for at most [`MAX_KEYS_IN_MEMORY`] keys.
    pub fn in_memory(bucket: &'static str, count: u32, period: Duration) -> Option<AttemptLimit> {
        AttemptLimit::in_memory_with_capacity(bucket, count, period, MAX_KEYS_IN_MEMORY)
    }

    /// Counts in this process only, for at most `capacity` keys.
    pub fn in_memory_with_capacity(
        bucket: &'static str,
        count: u32,
        period: Duration,
        capacity: usize,
    ) -> Option<AttemptLimit> {
        (count > 0).then(|| {
            AttemptLimit::with_counter(
                bucket,
                count,
                period,
                Counter::InMemory(BoundedKeys::new(capacity)),
            )
        })
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

    /// Counts an attempt by `key` if the limit allows it; a refused attempt is not counted
    /// (and stores nothing new).
    pub async fn attempt(&self, key: &LimitKey) -> Result<Attempt, StorageError> {
        let now = now_millis();
        let (interval, tolerance) = (self.interval_millis, self.tolerance_millis);
        let refused = |wait: i64| Attempt::Refused {
            retry_after: Duration::from_millis(u64::try_from(wait.max(1)).unwrap_or(1)),
        };
        match &self.counter {
            Counter::InMemory(keys) => Ok(keys.update(
                *key,
                now,
                |&drained_at| drained_at <= now,
                |drained_at| match next_drained_at(drained_at, now, interval, tolerance) {
                    Ok(next) => (Some(next), Attempt::Allowed),
                    Err(wait) => (None, refused(wait)),
                },
            )),
            Counter::Shared(db) => {
                let hash = key.hex();
                let counted = db
                    .take_rate_limited_attempt(self.bucket, &hash, now, interval, tolerance)
                    .await?;
                if counted {
                    return Ok(Attempt::Allowed);
                }
                let drained_at = db.rate_limit_drained_at(self.bucket, &hash).await?;
                let wait = next_drained_at(drained_at, now, interval, tolerance)
                    .err()
                    .unwrap_or(1);
                Ok(refused(wait))
            }
        }
    }

    /// Like [`AttemptLimit::attempt`], when only yes or no matters.
    pub async fn allow(&self, key: &LimitKey) -> Result<bool, StorageError> {
        Ok(self.attempt(key).await?.is_allowed())
    }

    /// Keys this limit holds in memory (0 when counted in the database).
    pub fn keys_in_memory(&self) -> usize {
        match &self.counter {
            Counter::InMemory(keys) => keys.len(),
            Counter::Shared(_) => 0,
        }
    }
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
            if limit.allow(&LimitKey::new(&[key])).await.expect("count") {
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
    async fn a_refused_attempt_says_when_to_come_back() {
        let db = sqlite().await;
        let period = Duration::from_secs(600);
        let key = LimitKey::new(&["k"]);
        for limit in [
            AttemptLimit::shared("test", 2, period, &db).expect("limit"),
            AttemptLimit::in_memory("test", 2, period).expect("limit"),
        ] {
            assert!(limit.allow(&key).await.expect("count"));
            assert!(limit.allow(&key).await.expect("count"));
            let Attempt::Refused { retry_after } = limit.attempt(&key).await.expect("count") else {
                panic!("the burst is used up");
            };
            // One attempt refills after period / count = 300 s.
            assert!(retry_after > Duration::from_secs(290), "{retry_after:?}");
            assert!(retry_after <= Duration::from_secs(300), "{retry_after:?}");
        }
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
        let hash = LimitKey::new(&["k"]).hex();
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
    fn the_in_memory_arithmetic_is_the_shared_one() {
        // The same sequence as the SQL above.
        let step = |d, t| next_drained_at(d, t, 30_000, 30_000);
        let d = step(None, 0).expect("first");
        let d = step(Some(d), 0).expect("second");
        assert_eq!(step(Some(d), 1), Err(29_999));
        let d = step(Some(d), 30_000).expect("refilled");
        assert!(step(Some(d), 30_001).is_err());
    }

    #[tokio::test]
    async fn a_flood_of_new_keys_keeps_at_most_the_capacity() {
        let limit = AttemptLimit::in_memory_with_capacity("test", 5, Duration::from_secs(900), 100)
            .expect("limit");
        for i in 0..1_000 {
            let email = format!("user{i}@example.com");
            assert!(limit.allow(&LimitKey::new(&[&email])).await.expect("count"));
        }
        assert_eq!(limit.keys_in_memory(), 100);
        // The newest keys are still counted.
        assert_eq!(allowed(&limit, "user999@example.com", 5).await, 4);
    }

    #[test]
    fn no_limit_when_the_count_is_zero() {
        assert!(AttemptLimit::in_memory("test", 0, Duration::from_secs(60)).is_none());
    }

    #[test]
    fn keys_are_stored_hashed_and_fixed_in_size() {
        let long = "x".repeat(200_000);
        let hash = LimitKey::new(&["someone@example.com"]).hex();
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("example"));
        assert_eq!(LimitKey::new(&[&long]).hex().len(), 64);
        assert_ne!(LimitKey::new(&["ab", "c"]), LimitKey::new(&["a", "bc"]));
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_network() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let same_network: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let other_network: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(LimitKey::address(one), LimitKey::address(same_network));
        assert_ne!(LimitKey::address(one), LimitKey::address(other_network));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("ip");
        let v4: IpAddr = "192.0.2.7".parse().expect("ip");
        assert_eq!(LimitKey::address(mapped), LimitKey::address(v4));
    }
}
