//! Credential rules shared by every directory: what a new device or a provisioning request
//! gets, how MQTT Basic credentials match a CONNECT, and the verified-password cache.

use crate::identity::DeviceId;
use crate::secret::{self, TokenHash};
use parking_lot::Mutex;
use std::collections::HashMap;

/// MQTT Basic credentials as stored (the password only as argon2id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBasic {
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password_phc: Option<String>,
}

impl StoredBasic {
    /// Checks and hashes new MQTT Basic credentials. ThingsBoard's rule: a client id, or a
    /// user name (optionally with a password), or both; a password needs a user name.
    pub fn new(
        client_id: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Result<Self, String> {
        let (client_id, username) = (nonempty(client_id), nonempty(username));
        if client_id.is_none() && username.is_none() {
            return Err("MQTT Basic credentials need a client id or a user name".into());
        }
        if password.is_some() && username.is_none() {
            return Err("an MQTT password needs a user name".into());
        }
        for (what, v) in [("client id", client_id), ("user name", username)] {
            if v.is_some_and(|v| v.len() > 255 || v.chars().any(char::is_control)) {
                return Err(format!(
                    "the {what} must be at most 255 bytes without control characters"
                ));
            }
        }
        let password_phc = match password {
            Some(p) => Some(secret::hash_password(p.as_bytes())?),
            None => None,
        };
        Ok(Self {
            client_id: client_id.map(str::to_owned),
            username: username.map(str::to_owned),
            password_phc,
        })
    }

    /// Whether a CONNECT's fields match (argon2 runs only when a password is stored).
    pub fn matches(
        &self,
        client_id: &str,
        username: Option<&str>,
        password: Option<&[u8]>,
    ) -> bool {
        if self.client_id.as_deref().is_some_and(|c| c != client_id) {
            return false;
        }
        if self.username.is_some() && self.username.as_deref() != username {
            return false;
        }
        match (&self.password_phc, password) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(phc), Some(p)) => secret::verify_password(p, phc),
        }
    }
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// How a CONNECT's Basic fields are looked up: by user name when one is given, then by
/// client id among credentials without a user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasicLookup<'a> {
    Username(&'a str),
    ClientId(&'a str),
}

/// The lookups to try, in order.
pub fn basic_lookups<'a>(client_id: &'a str, username: Option<&'a str>) -> Vec<BasicLookup<'a>> {
    let mut out = Vec::with_capacity(2);
    if let Some(u) = username.filter(|u| !u.is_empty()) {
        out.push(BasicLookup::Username(u));
    }
    if !client_id.is_empty() {
        out.push(BasicLookup::ClientId(client_id));
    }
    out
}

/// Verified MQTT Basic logins, so that 50k reconnects do not cost 50k argon2 runs. Keyed by a
/// SHA-256 of (client id, user name, password); dropped per device when its credentials
/// change. Bounded: when full it is cleared (a re-verification is slow, not wrong).
#[derive(Debug, Default)]
pub struct PasswordCache {
    entries: Mutex<HashMap<TokenHash, DeviceId>>,
}

/// Entries kept before the cache starts over.
const PASSWORD_CACHE_MAX: usize = 200_000;

impl PasswordCache {
    pub fn get(&self, key: &TokenHash) -> Option<DeviceId> {
        self.entries.lock().get(key).copied()
    }

    pub fn put(&self, key: TokenHash, device: DeviceId) {
        let mut entries = self.entries.lock();
        if entries.len() >= PASSWORD_CACHE_MAX {
            entries.clear();
        }
        entries.insert(key, device);
    }

    /// Forgets every verified login of `device` (its credentials changed or were revoked).
    pub fn forget(&self, device: DeviceId) {
        self.entries.lock().retain(|_, d| *d != device);
    }
}

/// A provisioning key as stored: the secret only as SHA-256 (it is random, issued by us).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionKey {
    pub key: String,
    pub secret_hash: TokenHash,
    /// Devices provisioned with this key belong to this enterprise ...
    pub enterprise: Option<String>,
    /// ... and get this device type.
    pub device_type: Option<String>,
    pub revoked: bool,
}

impl ProvisionKey {
    /// A new key with a fresh random secret; the plain secret is returned once.
    pub fn generate(enterprise: Option<String>, device_type: Option<String>) -> (Self, String) {
        let key = format!("pk-{}", secret::generate_token());
        let secret = secret::generate_token();
        (
            Self {
                key,
                secret_hash: secret::hash_token(&secret),
                enterprise,
                device_type,
                revoked: false,
            },
            secret,
        )
    }

    /// Whether `secret` opens this key.
    pub fn opens(&self, secret: &str) -> bool {
        !self.revoked && secret::hash_token(secret) == self.secret_hash
    }
}

/// The credentials a provisioning request will be issued, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuedCredential {
    /// The plain token (returned once to the device; only its hash is stored).
    AccessToken(String),
    Basic {
        client_id: String,
        username: Option<String>,
        password: Option<String>,
        stored: StoredBasic,
    },
}

/// Validates a request's device name and credential choice and generates what is needed.
pub fn issue_for(
    request: &crate::ProvisionRequest,
) -> Result<IssuedCredential, crate::ProvisionError> {
    use crate::provision::CredentialsType;
    crate::identity::check_device_name(&request.device_name)
        .map_err(crate::ProvisionError::Invalid)?;
    match request
        .credentials_type
        .unwrap_or(CredentialsType::AccessToken)
    {
        CredentialsType::AccessToken => {
            let token = match request.token.as_deref() {
                Some(t) => {
                    check_chosen_token(t).map_err(crate::ProvisionError::Invalid)?;
                    t.to_owned()
                }
                None => secret::generate_token(),
            };
            Ok(IssuedCredential::AccessToken(token))
        }
        CredentialsType::MqttBasic => {
            let client_id = request
                .client_id
                .clone()
                .unwrap_or_else(|| format!("dev-{}", secret::generate_token()));
            let stored = StoredBasic::new(
                Some(&client_id),
                request.username.as_deref(),
                request.password.as_deref(),
            )
            .map_err(crate::ProvisionError::Invalid)?;
            Ok(IssuedCredential::Basic {
                client_id,
                username: request.username.clone(),
                password: request.password.clone(),
                stored,
            })
        }
    }
}

/// A token chosen by a device or an administrator: 16–128 printable ASCII characters without
/// spaces or `/` (it appears in URL paths), so it cannot be guessed like a word.
pub fn check_chosen_token(token: &str) -> Result<(), String> {
    if !(16..=128).contains(&token.len()) {
        return Err("an access token must have 16–128 characters".into());
    }
    if !token.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
        return Err("an access token may contain printable ASCII except '/' and spaces".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_matching_follows_thingsboard() -> Result<(), String> {
        let only_client = StoredBasic::new(Some("c1"), None, None)?;
        assert!(only_client.matches("c1", None, None));
        assert!(only_client.matches("c1", Some("anything"), None));
        assert!(!only_client.matches("c2", None, None));
        let user_pw = StoredBasic::new(None, Some("u"), Some("pw"))?;
        assert!(user_pw.matches("any", Some("u"), Some(b"pw")));
        assert!(!user_pw.matches("any", Some("u"), Some(b"PW")));
        assert!(!user_pw.matches("any", Some("u"), None));
        assert!(!user_pw.matches("any", Some("v"), Some(b"pw")));
        assert!(StoredBasic::new(None, None, None).is_err());
        assert!(StoredBasic::new(Some("c"), None, Some("pw")).is_err());
        Ok(())
    }

    #[test]
    fn provision_keys_open_with_their_secret_only() {
        let (mut key, secret) = ProvisionKey::generate(None, None);
        assert!(key.opens(&secret));
        assert!(!key.opens("guess"));
        key.revoked = true;
        assert!(!key.opens(&secret));
    }

    #[test]
    fn cache_forgets_per_device() {
        let cache = PasswordCache::default();
        cache.put([1; 32], DeviceId(1));
        cache.put([2; 32], DeviceId(2));
        cache.forget(DeviceId(1));
        assert_eq!(cache.get(&[1; 32]), None);
        assert_eq!(cache.get(&[2; 32]), Some(DeviceId(2)));
    }
}
