//! Who a device is, and what it presents to prove it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The platform's id of a device (a row id; stable for the device's life).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceId(pub i64);

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What the endpoint knows about an authenticated device: enough to authorise its topics and
/// to file its points, without another lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    pub id: DeviceId,
    /// Unique within its enterprise (ThingsBoard: within its tenant).
    pub name: String,
    /// The owning enterprise's USCC; `None` for a platform-level device.
    pub enterprise: Option<String>,
    /// The device type (thing model) name, e.g. `electricity-meter`.
    pub device_type: Option<String>,
    /// May publish for sub-devices through the gateway API.
    pub is_gateway: bool,
    /// Set for a gateway's sub-device: the gateway it was created through.
    pub gateway: Option<DeviceId>,
}

/// What a device presents when it connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// The device's access token (MQTT user name without password, or the HTTP path segment).
    AccessToken(&'a str),
    /// MQTT client id, user name and password (ThingsBoard "MQTT Basic").
    Basic {
        client_id: &'a str,
        username: Option<&'a str>,
        password: Option<&'a [u8]>,
    },
}

impl<'a> Credential<'a> {
    /// ThingsBoard's reading of an MQTT CONNECT: a user name without a password is an access
    /// token; anything else is MQTT Basic (client id, optional user name and password).
    pub fn from_mqtt_connect(
        client_id: &'a str,
        username: Option<&'a str>,
        password: Option<&'a [u8]>,
    ) -> Self {
        match (username, password) {
            (Some(token), None) => Credential::AccessToken(token),
            _ => Credential::Basic {
                client_id,
                username,
                password,
            },
        }
    }
}

/// Checks a device name: 1–255 bytes, no control characters, not only spaces.
pub fn check_device_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a device name must not be empty".into());
    }
    if name.len() > 255 {
        return Err(format!(
            "a device name is at most 255 bytes; this one has {}",
            name.len()
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("a device name must not contain control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mqtt_connect_reads_like_thingsboard() {
        assert_eq!(
            Credential::from_mqtt_connect("c", Some("tok"), None),
            Credential::AccessToken("tok")
        );
        assert_eq!(
            Credential::from_mqtt_connect("c", Some("u"), Some(b"p")),
            Credential::Basic {
                client_id: "c",
                username: Some("u"),
                password: Some(b"p")
            }
        );
        assert!(matches!(
            Credential::from_mqtt_connect("c", None, None),
            Credential::Basic { username: None, .. }
        ));
    }

    #[test]
    fn names_are_checked() {
        assert!(check_device_name("Meter 1").is_ok());
        assert!(check_device_name("  ").is_err());
        assert!(check_device_name("a\nb").is_err());
        assert!(check_device_name(&"x".repeat(256)).is_err());
    }
}
