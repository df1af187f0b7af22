//! Signing in: the same answer for an unknown email and a wrong password, and attempts
//! limited so that guessing is slow but nobody elsewhere can lock a staff member out.
//!
//! The rules, checked before the password is (a refused attempt never reaches it):
//!
//! 1. **Per address**: one address (an IPv6 /64) may try [`ATTEMPTS_PER_ADDRESS`] sign-ins
//!    per 15 minutes, for any accounts, right or wrong, so one place cannot sweep many
//!    accounts.
//! 2. **Per account and address together**: after [`FAILURES_PER_PAIR`] wrong passwords for
//!    one account from one address, that pair (and only it) is refused until 15 minutes after
//!    its last failure. The owner signing in from another address is not affected.
//! 3. **Per account, from addresses that failed on it**: once an account has
//!    [`FAILURES_BEFORE_DELAY`] failures from all addresses together, an address that has
//!    itself failed on that account must wait after the account's last failure: 1 second,
//!    doubling with every further failure, at most [`MAX_DELAY`]. An address with no failures
//!    on the account is not delayed, so the owner at their usual address signs in at once
//!    even while the account is attacked; an attacker gets one guess per fresh address, then
//!    waits like the others, so many addresses buy few guesses.
//!
//! Failures are forgotten 15 minutes after an account's (or a pair's) last one; a successful
//! sign-in forgets its pair's. Counts are kept in memory on SQLite and in the shared tables on
//! PostgreSQL; keys are hashes of the normalised email and address, never the text. An email
//! or password too long to be real is refused before anything is counted.

use std::net::IpAddr;
use std::time::Duration;

use super::passwords::{decoy_hash, verify_password_off_thread};
use super::sessions::{NewSession, start_session};
use super::users::normalize_email;
use super::{AccountError, StaffUser, record_audit};
use crate::limits::{
    Attempt, AttemptLimit, BoundedKeys, LimitKey, MAX_KEYS_IN_MEMORY, address_group,
};
use crate::storage::{Backend, Database, StorageError, now_millis};

/// Attempts one address may make per 15 minutes, for any accounts.
pub const ATTEMPTS_PER_ADDRESS: u32 = 30;
/// Wrong passwords for one account from one address that lock that pair for 15 minutes.
pub const FAILURES_PER_PAIR: i64 = 10;
/// Failures of one account, from all addresses, after which addresses that failed on it wait.
pub const FAILURES_BEFORE_DELAY: i64 = 10;
/// The longest wait rule 3 imposes.
pub const MAX_DELAY: Duration = Duration::from_secs(5 * 60);
/// The longest email accepted (RFC 5321 allows no longer path).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest password accepted; no password manager makes longer ones, and hashing a
/// megabyte per attempt would be work for the server.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// How long a failure counts, and how long a locked pair stays locked after its last one.
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
const FAILURE_WINDOW_MILLIS: i64 = 15 * 60 * 1000;

/// Why signing in failed. Unknown email and wrong password are one case on purpose.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("The email or password is not correct.")]
    InvalidCredentials,
    #[error("Too many sign-in attempts. Please try again in {}.", wait_text(*retry_after))]
    TooManyAttempts { retry_after: Duration },
    #[error("{0}")]
    TooLong(&'static str),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<StorageError> for LoginError {
    fn from(error: StorageError) -> Self {
        LoginError::Account(AccountError::Storage(error))
    }
}

/// "12 seconds", "1 minute", "5 minutes": a wait, rounded up.
fn wait_text(wait: Duration) -> String {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    match seconds {
        0..=1 => "1 second".to_owned(),
        2..=59 => format!("{seconds} seconds"),
        _ => match seconds.div_ceil(60) {
            1 => "1 minute".to_owned(),
            minutes => format!("{minutes} minutes"),
        },
    }
}

/// Failed sign-ins of one key: how many, and when the last was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Failures {
    count: i64,
    last_at: i64,
}

impl Failures {
    fn expired(&self, now: i64) -> bool {
        self.last_at + FAILURE_WINDOW_MILLIS <= now
    }
}

/// Where failures are counted: in memory on SQLite, in `sign_in_failures` on PostgreSQL.
enum FailureLog {
    InMemory(BoundedKeys<Failures>),
    Shared(Database),
}

impl FailureLog {
    async fn get(&self, key: &LimitKey, now: i64) -> Result<Option<Failures>, StorageError> {
        match self {
            FailureLog::InMemory(keys) => Ok(keys.get(key, |f| f.expired(now))),
            FailureLog::Shared(db) => Ok(db
                .sign_in_failures(&key.hex(), now - FAILURE_WINDOW_MILLIS)
                .await?
                .map(|(count, last_at)| Failures { count, last_at })),
        }
    }

    async fn record(&self, key: &LimitKey, now: i64) -> Result<(), StorageError> {
        match self {
            FailureLog::InMemory(keys) => keys.update(
                *key,
                now,
                |f| f.expired(now),
                |current| {
                    let count = current.map_or(0, |f| f.count) + 1;
                    (
                        Some(Failures {
                            count,
                            last_at: now,
                        }),
                        (),
                    )
                },
            ),
            FailureLog::Shared(db) => {
                db.record_sign_in_failure(&key.hex(), now, now - FAILURE_WINDOW_MILLIS)
                    .await?;
            }
        }
        Ok(())
    }

    async fn clear(&self, key: &LimitKey) -> Result<(), StorageError> {
        match self {
            FailureLog::InMemory(keys) => keys.remove(key),
            FailureLog::Shared(db) => db.clear_sign_in_failures(&key.hex()).await?,
        }
        Ok(())
    }

    fn keys_in_memory(&self) -> usize {
        match self {
            FailureLog::InMemory(keys) => keys.len(),
            FailureLog::Shared(_) => 0,
        }
    }
}

/// How long an attempt on an account from an address must wait (rules 2 and 3 of the module
/// documentation), given the pair's and the account's failures; `None`: it may go ahead.
fn wait_before_attempt(
    pair: Option<Failures>,
    account: Option<Failures>,
    now: i64,
) -> Option<Duration> {
    let pair = pair?;
    let mut until = 0;
    if pair.count >= FAILURES_PER_PAIR {
        until = pair.last_at + FAILURE_WINDOW_MILLIS;
    }
    if let Some(account) = account
        && account.count >= FAILURES_BEFORE_DELAY
    {
        let doublings = u32::try_from(account.count - FAILURES_BEFORE_DELAY).unwrap_or(u32::MAX);
        let max = i64::try_from(MAX_DELAY.as_millis()).unwrap_or(i64::MAX);
        let delay = 1000_i64
            .checked_shl(doublings.min(40))
            .unwrap_or(max)
            .min(max);
        until = until.max(account.last_at + delay);
    }
    (until > now).then(|| Duration::from_millis(u64::try_from(until - now).unwrap_or(0)))
}

/// Sign-in limits (see the module documentation): in memory on SQLite, shared by every
/// instance on PostgreSQL.
pub struct LoginLimiter {
    per_address: AttemptLimit,
    failures: FailureLog,
}

impl LoginLimiter {
    /// The shipped limits, counted where `db` says (see [`AttemptLimit::for_database`]).
    pub fn for_database(db: &Database) -> LoginLimiter {
        match db.backend() {
            Backend::Sqlite => LoginLimiter::in_memory(),
            Backend::Postgres => LoginLimiter {
                per_address: AttemptLimit::shared(
                    "sign_in_address",
                    ATTEMPTS_PER_ADDRESS,
                    FAILURE_WINDOW,
                    db,
                )
                .expect("the address limit is not 0"),
                failures: FailureLog::Shared(db.clone()),
            },
        }
    }

    /// The shipped limits, counted in this process.
    pub fn in_memory() -> LoginLimiter {
        LoginLimiter {
            per_address: AttemptLimit::in_memory(
                "sign_in_address",
                ATTEMPTS_PER_ADDRESS,
                FAILURE_WINDOW,
            )
            .expect("the address limit is not 0"),
            failures: FailureLog::InMemory(BoundedKeys::new(MAX_KEYS_IN_MEMORY)),
        }
    }

    /// Keys held in memory by all sign-in limits together (0 on PostgreSQL): bounded by
    /// [`MAX_KEYS_IN_MEMORY`] per limit however many emails are tried.
    pub fn keys_in_memory(&self) -> usize {
        self.per_address.keys_in_memory() + self.failures.keys_in_memory()
    }
}

/// The keys one attempt is counted by.
struct AttemptKeys {
    address: LimitKey,
    pair: LimitKey,
    account: LimitKey,
}

impl AttemptKeys {
    fn new(email: &str, address: IpAddr) -> AttemptKeys {
        let group = address_group(address);
        AttemptKeys {
            address: LimitKey::address(address),
            pair: LimitKey::new(&["sign_in_pair", email, &group]),
            account: LimitKey::new(&["sign_in_account", email]),
        }
    }
}

/// Deletes shared failure counts that no longer count (maintenance, PostgreSQL's table).
pub async fn purge_expired_failures(db: &Database, now: i64) -> Result<u64, StorageError> {
    db.purge_sign_in_failures(now - FAILURE_WINDOW_MILLIS).await
}

/// A successful sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: StaffUser,
    pub session: NewSession,
}

/// Checks the credentials and opens a session lasting `lifetime_hours`.
pub async fn sign_in(
    db: &Database,
    limiter: &LoginLimiter,
    email: &str,
    password: &str,
    address: IpAddr,
    lifetime_hours: u32,
) -> Result<SignedIn, LoginError> {
    if email.trim().chars().count() > MAX_EMAIL_CHARS {
        return Err(LoginError::TooLong(
            "The email is too long: an email address has at most 254 characters.",
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(LoginError::TooLong(
            "The password is too long: at most 1024 bytes are accepted.",
        ));
    }
    let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let keys = AttemptKeys::new(&email, address);
    if let Attempt::Refused { retry_after } = limiter.per_address.attempt(&keys.address).await? {
        return Err(LoginError::TooManyAttempts { retry_after });
    }
    let now = now_millis();
    let pair = limiter.failures.get(&keys.pair, now).await?;
    let account = match pair {
        // Rule 3 only ever delays an address that failed on the account.
        Some(_) => limiter.failures.get(&keys.account, now).await?,
        None => None,
    };
    if let Some(retry_after) = wait_before_attempt(pair, account, now) {
        return Err(LoginError::TooManyAttempts { retry_after });
    }
    let found = db.find_user_credentials(&email).await?;
    let verified = match &found {
        Some((user, hash)) => verify_password_off_thread(password, hash).await && user.active,
        None => {
            // Spend the same time as a real check, so timing does not reveal which emails exist.
            let _ = verify_password_off_thread(password, decoy_hash()).await;
            false
        }
    };
    let Some((user, _)) = found.filter(|_| verified) else {
        let now = now_millis();
        limiter.failures.record(&keys.pair, now).await?;
        limiter.failures.record(&keys.account, now).await?;
        return Err(LoginError::InvalidCredentials);
    };
    limiter.failures.clear(&keys.pair).await?;
    let session = start_session(db, &user, lifetime_hours).await?;
    record_audit(db, Some(&user), "session.sign_in", &user.email, "").await?;
    Ok(SignedIn { user, session })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    fn failures(count: i64, last_at: i64) -> Option<Failures> {
        Some(Failures { count, last_at })
    }

    #[test]
    fn an_address_without_failures_on_the_account_never_waits() {
        assert_eq!(wait_before_attempt(None, failures(500, 0), 1), None);
    }

    #[test]
    fn ten_failures_lock_the_pair_for_fifteen_minutes_after_the_last() {
        let now = 100 * MINUTE;
        let locked = wait_before_attempt(failures(10, now - MINUTE), None, now);
        assert_eq!(locked, Some(Duration::from_secs(14 * 60)));
        assert_eq!(
            wait_before_attempt(failures(9, now - MINUTE), None, now),
            None
        );
    }

    #[test]
    fn an_attacked_account_delays_failed_addresses_doubling_up_to_five_minutes() {
        let now = 100 * MINUTE;
        let wait = |account_failures| {
            wait_before_attempt(failures(1, now), failures(account_failures, now), now)
        };
        assert_eq!(wait(9), None);
        assert_eq!(wait(10), Some(Duration::from_secs(1)));
        assert_eq!(wait(11), Some(Duration::from_secs(2)));
        assert_eq!(wait(14), Some(Duration::from_secs(16)));
        assert_eq!(wait(30), Some(MAX_DELAY));
        assert_eq!(wait(i64::MAX), Some(MAX_DELAY));
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(wait_text(Duration::from_millis(300)), "1 second");
        assert_eq!(wait_text(Duration::from_secs(16)), "16 seconds");
        assert_eq!(wait_text(Duration::from_secs(61)), "2 minutes");
        assert_eq!(wait_text(Duration::from_secs(14 * 60)), "14 minutes");
    }

    #[tokio::test]
    async fn the_shared_failure_log_counts_forgets_and_clears() {
        let db = Database::connect(":memory:").await.expect("database");
        let log = FailureLog::Shared(db);
        let key = LimitKey::new(&["k"]);
        log.record(&key, 0).await.expect("record");
        log.record(&key, MINUTE).await.expect("record");
        assert_eq!(
            log.get(&key, 2 * MINUTE).await.expect("get"),
            failures(2, MINUTE)
        );
        assert_eq!(log.get(&key, 16 * MINUTE).await.expect("get"), None);
        // A failure after the window starts again from one.
        log.record(&key, 20 * MINUTE).await.expect("record");
        assert_eq!(
            log.get(&key, 20 * MINUTE).await.expect("get"),
            failures(1, 20 * MINUTE)
        );
        log.clear(&key).await.expect("clear");
        assert_eq!(log.get(&key, 20 * MINUTE).await.expect("get"), None);
    }
}
