//! Server-side staff sessions: the cookie holds a random token, the database a hash of it.

use sha2::{Digest, Sha256};

use super::{AccountError, StaffUser};
use crate::storage::{Database, now_millis};
use crate::tokens::random_token;

/// A session found by its cookie.
#[derive(Clone, Debug)]
pub struct StaffSessionRecord {
    pub user: StaffUser,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A new session: the cookie value (never stored) and the session's CSRF token.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// What is stored in place of a session token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Opens a session for `user` lasting `lifetime_hours`.
pub async fn start_session(
    db: &Database,
    user: &StaffUser,
    lifetime_hours: u32,
) -> Result<NewSession, AccountError> {
    let token = random_token(32);
    let csrf_token = random_token(16);
    let now = now_millis();
    let expires_at = now + i64::from(lifetime_hours) * 3_600_000;
    db.insert_session(&token_hash(&token), user.id, &csrf_token, now, expires_at)
        .await?;
    // Expired sessions are swept here rather than by a timer: sign-ins are rare and cheap.
    db.delete_expired_sessions(now).await?;
    Ok(NewSession {
        token,
        csrf_token,
        expires_at,
    })
}

/// The live session behind a cookie value: `None` when unknown, expired, or its user is
/// deactivated.
pub async fn find_session(
    db: &Database,
    token: &str,
) -> Result<Option<StaffSessionRecord>, AccountError> {
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let found = db.find_session(&token_hash(token)).await?;
    Ok(found.filter(|session| session.expires_at > now_millis() && session.user.active))
}

/// Ends one session (sign out).
pub async fn end_session(db: &Database, token: &str) -> Result<(), AccountError> {
    db.delete_session(&token_hash(token)).await?;
    Ok(())
}

/// Ends every session of a user (sign out everywhere).
pub async fn end_all_sessions(db: &Database, user: &StaffUser) -> Result<u64, AccountError> {
    let ended = db.delete_sessions_of_user(user.id).await?;
    super::record_audit(db, Some(user), "session.end_all", &user.email, "").await?;
    Ok(ended)
}
