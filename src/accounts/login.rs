//! Signing in: the same answer for an unknown email and a wrong password, and attempts
//! limited per account and per address.

use std::net::IpAddr;
use std::time::Duration;

use super::passwords::{decoy_hash, verify_password_off_thread};
use super::sessions::{NewSession, start_session};
use super::users::normalize_email;
use super::{AccountError, StaffUser, record_audit};
use crate::limits::AttemptLimit;
use crate::storage::{Database, StorageError};

/// Attempts one account may have per 15 minutes, from anywhere.
pub const ATTEMPTS_PER_ACCOUNT: u32 = 10;
/// Attempts one address may make per 15 minutes, for any accounts.
pub const ATTEMPTS_PER_ADDRESS: u32 = 30;

/// Why signing in failed. Unknown email and wrong password are one case on purpose.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("The email or password is not correct.")]
    InvalidCredentials,
    #[error("Too many sign-in attempts. Please wait a few minutes and try again.")]
    TooManyAttempts,
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<StorageError> for LoginError {
    fn from(error: StorageError) -> Self {
        LoginError::Account(AccountError::Storage(error))
    }
}

/// The window both sign-in limits count attempts in.
const ATTEMPT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Sign-in attempt limits: in memory on SQLite, shared by every instance on PostgreSQL.
pub struct LoginLimiter {
    per_account: Option<AttemptLimit>,
    per_address: Option<AttemptLimit>,
}

impl LoginLimiter {
    /// The shipped limits, counted where `db` says (see [`AttemptLimit::for_database`]).
    pub fn for_database(db: &Database) -> LoginLimiter {
        LoginLimiter {
            per_account: AttemptLimit::for_database(
                "sign_in_account",
                ATTEMPTS_PER_ACCOUNT,
                ATTEMPT_WINDOW,
                db,
            ),
            per_address: AttemptLimit::for_database(
                "sign_in_address",
                ATTEMPTS_PER_ADDRESS,
                ATTEMPT_WINDOW,
                db,
            ),
        }
    }

    /// Limits per 15 minutes counted in this process; both must be at least 1.
    pub fn in_memory(per_account: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter {
            per_account: AttemptLimit::in_memory(
                "sign_in_account",
                per_account.max(1),
                ATTEMPT_WINDOW,
            ),
            per_address: AttemptLimit::in_memory(
                "sign_in_address",
                per_address.max(1),
                ATTEMPT_WINDOW,
            ),
        }
    }

    async fn allow(&self, email: &str, address: IpAddr) -> Result<bool, StorageError> {
        // Both are charged, so one address cannot try many accounts, nor many addresses one.
        let address_allowed = match &self.per_address {
            Some(limit) => limit.allow(&address.to_string()).await?,
            None => true,
        };
        let account_allowed = match &self.per_account {
            Some(limit) => limit.allow(email).await?,
            None => true,
        };
        Ok(address_allowed && account_allowed)
    }
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
    let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    if !limiter.allow(&email, address).await? {
        return Err(LoginError::TooManyAttempts);
    }
    let found = db.find_user_credentials(&email).await?;
    let Some((user, hash)) = found else {
        // Spend the same time as a real check, so timing does not reveal which emails exist.
        let _ = verify_password_off_thread(password, decoy_hash()).await;
        return Err(LoginError::InvalidCredentials);
    };
    if !verify_password_off_thread(password, &hash).await || !user.active {
        return Err(LoginError::InvalidCredentials);
    }
    let session = start_session(db, &user, lifetime_hours).await?;
    record_audit(db, Some(&user), "session.sign_in", &user.email, "").await?;
    Ok(SignedIn { user, session })
}
