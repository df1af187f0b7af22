//! Retries that file nothing twice: `POST /api/tickets` with an `Idempotency-Key` header.
//!
//! The first request with a key stores it (hashed, with a hash of what it asked) before
//! filing, and the answer after; a repeat with the same key and the same request gets that
//! answer again, without a second ticket. The same key with another request is refused, and
//! so is a repeat while the first is still being answered (the stored key is the lock: of two
//! requests at once, the database lets one store it). A first request that files nothing
//! (invalid fields, the rate limit) forgets its key, so the corrected request may use it.
//! Keys are kept for [`KEY_RETENTION_DAYS`].
//!
//! A first request that never finished (the process was killed after filing, before the
//! answer was stored) leaves its key claimed: after [`IN_FLIGHT_LIMIT_MILLIS`] a repeat is told
//! [`Claim::Abandoned`], and the API answers it with the ticket that request filed, if it
//! filed one, or files it now.

use sha2::{Digest, Sha256};

use crate::storage::{Database, StorageError, now_millis};

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;
/// How long a key is remembered.
pub const KEY_RETENTION_DAYS: i64 = 7;
/// Longer than any request may take (the body read timeout is 30 s): a claim this old
/// without an answer belongs to a request that died.
pub const IN_FLIGHT_LIMIT_MILLIS: i64 = 2 * 60 * 1000;

/// A valid `Idempotency-Key`, as its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// 1–255 visible ASCII characters (no spaces), as a UUID or a random token is.
    pub fn parse(value: &[u8]) -> Result<IdempotencyKey, InvalidKey> {
        if value.is_empty() || value.len() > MAX_KEY_LEN || !value.iter().all(u8::is_ascii_graphic)
        {
            return Err(InvalidKey);
        }
        Ok(IdempotencyKey(sha256_hex(value)))
    }
}

/// Why a key was refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "The Idempotency-Key header must be 1 to 255 visible ASCII characters without spaces, such as a UUID."
)]
pub struct InvalidKey;

/// What the first request asked, for telling a repeat from another request.
pub fn request_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// What a request with a key may do.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new and now this request's: answer it, then [`complete`] or [`release`].
    First,
    /// A repeat: the first request's answer (status, JSON body).
    Repeat { status: u16, body: String },
    /// The first request with this key is still being answered.
    InProgress,
    /// The first request claimed the key at `claimed_at` and never answered; this request
    /// now holds the key (see [`claim`]).
    Abandoned { claimed_at: i64 },
    /// The key was used with another request.
    OtherRequest,
}

/// Claims `key` for a request hashed `request`.
pub async fn claim(
    db: &Database,
    key: &IdempotencyKey,
    request: &str,
) -> Result<Claim, StorageError> {
    if db
        .insert_idempotency_key(&key.0, request, now_millis())
        .await?
    {
        return Ok(Claim::First);
    }
    let Some(stored) = db.find_idempotency_key(&key.0).await? else {
        // Released between the two statements: the other request filed nothing.
        return Ok(Claim::InProgress);
    };
    let now = now_millis();
    Ok(match stored.response {
        _ if stored.request_hash != request => Claim::OtherRequest,
        Some((status, body)) => Claim::Repeat { status, body },
        None if stored.created_at < now - IN_FLIGHT_LIMIT_MILLIS => {
            // Of two repeats at once, the one that moves the claim's time takes it over.
            if db
                .take_over_idempotency_key(&key.0, stored.created_at, now)
                .await?
            {
                Claim::Abandoned {
                    claimed_at: stored.created_at,
                }
            } else {
                Claim::InProgress
            }
        }
        None => Claim::InProgress,
    })
}

/// Stores the answer of the key's first request.
pub async fn complete(
    db: &Database,
    key: &IdempotencyKey,
    ticket_id: i64,
    status: u16,
    body: &str,
) -> Result<(), StorageError> {
    db.complete_idempotency_key(&key.0, ticket_id, status, body)
        .await
}

/// Forgets the key of a first request that filed nothing.
pub async fn release(db: &Database, key: &IdempotencyKey) -> Result<(), StorageError> {
    db.delete_idempotency_key(&key.0).await
}

/// Forgets keys older than [`KEY_RETENTION_DAYS`] (maintenance).
pub async fn purge_old_keys(db: &Database, now: i64) -> Result<u64, StorageError> {
    db.purge_idempotency_keys(now - KEY_RETENTION_DAYS * 24 * 60 * 60 * 1000)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_one_to_255_visible_ascii_characters() {
        assert!(IdempotencyKey::parse(b"3f2b8c1e-5d7a-4e9b-a1c3-0f6d2e8b9a47").is_ok());
        assert!(IdempotencyKey::parse(&[b'k'; 255]).is_ok());
        assert!(IdempotencyKey::parse(b"").is_err());
        assert!(IdempotencyKey::parse(&[b'k'; 256]).is_err());
        assert!(IdempotencyKey::parse(b"two words").is_err());
        assert!(IdempotencyKey::parse("clé".as_bytes()).is_err());
        assert!(IdempotencyKey::parse(b"tab\there").is_err());
    }

    #[tokio::test]
    async fn a_key_answers_its_first_request_again_and_refuses_another() {
        let db = Database::connect(":memory:").await.expect("database");
        let key = IdempotencyKey::parse(b"retry-1").expect("key");
        let request = request_hash(&["ann@example.com", "Help"]);
        assert_eq!(
            claim(&db, &key, &request).await.expect("claim"),
            Claim::First
        );
        assert_eq!(
            claim(&db, &key, &request).await.expect("claim"),
            Claim::InProgress
        );
        let other = request_hash(&["ann@example.com", "Other"]);
        assert_eq!(
            claim(&db, &key, &other).await.expect("claim"),
            Claim::OtherRequest
        );
        release(&db, &key).await.expect("release");
        assert_eq!(claim(&db, &key, &other).await.expect("claim"), Claim::First);
    }
}
