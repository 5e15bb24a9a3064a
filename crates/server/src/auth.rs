//! The secrets of access: password hashes (argon2id, off the async threads), random session
//! and token values, and the digests they are stored and looked up by.

use crate::error::AppError;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// The cost of password hashing. The default is OWASP's argon2id minimum (19 MiB, two passes);
/// tests use less memory to stay fast.
#[derive(Debug, Clone, Copy)]
pub struct PasswordCost {
    pub memory_kib: u32,
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost { memory_kib: 19 * 1024 }
    }
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn hasher(cost: PasswordCost) -> Argon2<'static> {
    let params = Params::new(cost.memory_kib, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of a new password.
pub async fn hash_password(cost: PasswordCost, password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        hasher(cost).hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .map_err(|e| anyhow::anyhow!("hashing task: {e}"))?
    .map_err(AppError::Internal)
}

/// Whether `password` matches the stored PHC string. With no stored hash (an unknown login),
/// a hash is still computed, so that the answer takes as long either way.
pub async fn verify_password(cost: PasswordCost, password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => hasher(cost).verify_password(password.as_bytes(), stored.as_str()).is_ok(),
        None => {
            let _ = hasher(cost).hash_password(password.as_bytes());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// 32 random bytes as 64 hex digits: session ids, CSRF tokens, token secrets.
pub fn random_value() -> String {
    rand::random::<[u8; 32]>().iter().map(|b| format!("{b:02x}")).collect()
}

/// What a random value is stored and looked up by.
pub fn digest(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

/// Whether two strings are equal, in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_and_a_wrong_one_does_not() {
        let cost = PasswordCost { memory_kib: 1024 };
        let hash = hash_password(cost, "correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(cost, "correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password(cost, "correct horse batterY".into(), Some(hash)).await);
        assert!(!verify_password(cost, "anything".into(), None).await);
    }

    #[test]
    fn random_values_differ_and_compare_exactly() {
        let (a, b) = (random_value(), random_value());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(same(&a, &a.clone()) && !same(&a, &b) && !same(&a, &a[..63]));
    }
}
