//! Unguessable tokens for draft ids, private status links and CSRF protection.

use rand::RngCore;

/// `bytes` random bytes from a cryptographically secure generator, as lowercase hex.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_equals(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_different_each_time() {
        let first = random_token(16);
        assert_eq!(first.len(), 32);
        assert_ne!(first, random_token(16));
    }

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(constant_time_equals("abc", "abc"));
        assert!(!constant_time_equals("abc", "abd"));
        assert!(!constant_time_equals("abc", "abcd"));
    }
}
