//! Password hashing with Argon2id (the `argon2` crate's recommended parameters).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::AccountError;

/// The shortest password accepted.
pub const MINIMUM_PASSWORD_LENGTH: usize = 10;

/// Rejects passwords too short or too long to be sensible.
pub fn check_password_strength(password: &str) -> Result<(), AccountError> {
    let length = password.chars().count();
    if length < MINIMUM_PASSWORD_LENGTH {
        return Err(AccountError::Invalid(format!(
            "the password must have at least {MINIMUM_PASSWORD_LENGTH} characters"
        )));
    }
    if length > 1_000 {
        return Err(AccountError::Invalid(
            "the password must have at most 1000 characters".to_owned(),
        ));
    }
    Ok(())
}

/// Hashes a password with a fresh random salt, in PHC string format.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AccountError::Hashing(error.to_string()))
}

/// Whether `password` matches a stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] off the async threads: Argon2 is deliberately slow.
pub async fn hash_password_off_thread(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| AccountError::Hashing(error.to_string()))?
}

/// [`verify_password`] off the async threads.
pub async fn verify_password_off_thread(password: &str, stored_hash: &str) -> bool {
    let (password, stored_hash) = (password.to_owned(), stored_hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &stored_hash))
        .await
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so an unknown email takes as
/// long as a wrong password and cannot be told apart by timing.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password("decoy password that nobody has").unwrap_or_default()
    });
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        assert_ne!(
            hash_password("same password").expect("hash"),
            hash_password("same password").expect("hash")
        );
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_password_strength("short").is_err());
        assert!(check_password_strength("long enough!").is_ok());
    }
}
