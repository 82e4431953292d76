//! What the management side of the store takes and returns.

use serde::{Deserialize, Serialize};
use shangyun_devices::DeviceIdentity;
use shangyun_devices::alarms::Severity;

/// A device to register.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDeviceSpec {
    pub name: String,
    /// USCC of the owning enterprise.
    pub enterprise: Option<String>,
    pub device_type: Option<String>,
    #[serde(default)]
    pub is_gateway: bool,
    pub label: Option<String>,
}

/// The credentials a new device gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSpec {
    /// A fresh random access token (returned once).
    GenerateToken,
    /// A token chosen by the caller (16–128 printable characters).
    Token(String),
    /// MQTT client id / user name / password.
    Basic {
        client_id: Option<String>,
        username: Option<String>,
        password: Option<String>,
    },
    /// None yet.
    None,
}

/// What was issued, to show once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "credentials_type", rename_all = "snake_case")]
pub enum Issued {
    AccessToken {
        token: String,
    },
    MqttBasic {
        client_id: Option<String>,
        username: Option<String>,
    },
    None,
}

/// How a device authenticates (never the secret itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    AccessToken,
    MqttBasic,
    None,
}

/// A device as management sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceRecord {
    #[serde(flatten)]
    pub identity: DeviceIdentity,
    pub label: Option<String>,
    pub created_ms: i64,
    pub credentials: CredentialKind,
    /// MQTT client id and user name when the credentials are MQTT Basic.
    pub client_id: Option<String>,
    pub username: Option<String>,
    /// Presence as last flushed.
    pub online: bool,
    pub last_activity_ms: Option<i64>,
}

/// Which devices to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFilter {
    /// Only these enterprises (an enterprise account's scope).
    pub enterprises: Option<Vec<String>>,
    /// Only enterprises registered under this region prefix (an officer's scope; needs the
    /// registry in the same database).
    pub region_prefix: Option<String>,
    pub device_type: Option<String>,
    /// Only sub-devices of this gateway.
    pub gateway: Option<i64>,
    /// Name contains.
    pub name_like: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// A provisioning key without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvisionKeyRecord {
    pub key: String,
    pub enterprise: Option<String>,
    pub device_type: Option<String>,
    pub revoked: bool,
    pub created_ms: i64,
}

/// A stored alarm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmRecord {
    pub id: i64,
    pub device_id: i64,
    pub device_name: String,
    pub enterprise: Option<String>,
    pub rule: String,
    pub key: String,
    pub severity: Severity,
    pub message: String,
    pub value: Option<f64>,
    pub raised_ms: i64,
    pub cleared_ms: Option<i64>,
    pub acked_ms: Option<i64>,
    pub acked_by: Option<String>,
}

/// Which alarms to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmFilter {
    pub device: Option<i64>,
    pub enterprises: Option<Vec<String>>,
    pub region_prefix: Option<String>,
    pub active_only: bool,
    pub limit: u32,
}

/// An audit entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub device_id: Option<i64>,
    pub enterprise: Option<String>,
    pub detail: serde_json::Value,
}
