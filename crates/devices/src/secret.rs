//! Secrets: access tokens and provisioning secrets are 128-bit random values, so a SHA-256 of
//! them is a safe index (no dictionary to try) and a lookup costs one hash, not one argon2 per
//! connect. MQTT passwords are chosen by people, so they get argon2id.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// SHA-256 of a token or provisioning secret: the only form stored.
pub type TokenHash = [u8; 32];

/// A fresh random token: 128 bits as 32 lowercase hex digits (safe in a URL path and an MQTT
/// user name).
pub fn generate_token() -> String {
    let mut bytes = [0u8; 16];
    // The OS RNG failing is not recoverable: no secret may be issued without it.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    to_hex(&bytes)
}

/// The stored form of a token or provisioning secret.
pub fn hash_token(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// An argon2id PHC string of an MQTT password.
pub fn hash_password(password: &[u8]) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("random source: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(password, &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string (a malformed one matches nothing).
pub fn verify_password(password: &[u8], phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => argon2::Argon2::default()
            .verify_password(password, &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// Key of the verified-password cache: SHA-256 over client id, user name and password, so
/// the cache never holds a password.
pub fn basic_cache_key(client_id: &str, username: Option<&str>, password: &[u8]) -> TokenHash {
    let mut h = Sha256::new();
    for part in [
        client_id.as_bytes(),
        username.unwrap_or("").as_bytes(),
        password,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_hash_stably() {
        let (a, b) = (generate_token(), generate_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn passwords_verify_only_themselves() -> Result<(), String> {
        let phc = hash_password(b"secret")?;
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password(b"secret", &phc));
        assert!(!verify_password(b"Secret", &phc));
        assert!(!verify_password(b"secret", "not a hash"));
        Ok(())
    }

    #[test]
    fn cache_key_separates_fields() {
        assert_ne!(
            basic_cache_key("ab", Some("c"), b""),
            basic_cache_key("a", Some("bc"), b"")
        );
    }
}
