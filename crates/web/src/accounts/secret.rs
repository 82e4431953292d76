//! Secrets: random 256-bit values (session ids, API tokens, one-time passwords), their
//! SHA-256 for storage, and argon2id password hashes.

use crate::error::WebError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// 32 random bytes from the operating system, hex-encoded (64 characters).
pub fn random_hex() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

/// The SHA-256 of `secret`, hex: what is stored for session ids and API tokens. They are
/// 256-bit random values, so a fast hash suffices (no dictionary to guess from).
pub fn sha256_hex(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of a session, derived from its (secret) id so nothing more is stored.
pub fn csrf_token(session_id: &str) -> String {
    sha256_hex(&format!("shangyun-csrf:{session_id}"))
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// An argon2id hash (PHC string, default parameters: 19 MiB, 2 passes) of `password`.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::Password(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Password(e.to_string()))
}

/// Whether `password` matches the PHC string `stored`. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that an unknown name costs
/// the same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: LazyLock<String> =
        LazyLock::new(|| hash_password("decoy password never used").unwrap_or_default());
    &DECOY
}

/// A one-time password people can type: 20 characters without look-alikes (≈ 100 bits).
pub fn one_time_password() -> Result<String, WebError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3479";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Random(e.to_string()))?;
    // 256 % 49 != 0 leaves a slight bias; 20 characters keep well over 100 bits regardless.
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_values_are_256_bit_and_differ() -> Result<(), WebError> {
        let (a, b) = (random_hex()?, random_hex()?);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        Ok(())
    }

    #[test]
    fn passwords_verify_only_themselves() -> Result<(), WebError> {
        let stored = hash_password("correct horse")?;
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("correct horse ", &stored));
        assert!(!verify_password("correct horse", "not a hash"));
        Ok(())
    }

    #[test]
    fn token_comparison() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
