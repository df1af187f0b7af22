//! Signing in: the same answer for an unknown email and a wrong password, and attempts
//! limited per account and per address.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::passwords::{decoy_hash, verify_password_off_thread};
use super::sessions::{NewSession, start_session};
use super::users::normalize_email;
use super::{AccountError, StaffUser, record_audit};
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

/// Sign-in attempt limits, kept in memory per instance.
pub struct LoginLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(ATTEMPTS_PER_ACCOUNT, ATTEMPTS_PER_ADDRESS)
    }
}

impl LoginLimiter {
    /// Limits per 15 minutes; both must be at least 1.
    pub fn new(per_account: u32, per_address: u32) -> LoginLimiter {
        let quota = |count: u32| {
            let burst = NonZeroU32::new(count.max(1)).unwrap_or(NonZeroU32::MIN);
            Quota::with_period(Duration::from_secs(900) / burst.get())
                .unwrap_or_else(|| Quota::per_minute(burst))
                .allow_burst(burst)
        };
        LoginLimiter {
            per_account: RateLimiter::keyed(quota(per_account)),
            per_address: RateLimiter::keyed(quota(per_address)),
        }
    }

    fn allow(&self, email: &str, address: IpAddr) -> bool {
        // Both are charged, so one address cannot try many accounts, nor many addresses one.
        let address_allowed = self.per_address.check_key(&address).is_ok();
        let account_allowed = self.per_account.check_key(&email.to_owned()).is_ok();
        address_allowed && account_allowed
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
    if !limiter.allow(&email, address) {
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
