//! ThingsBoard's device provisioning messages: a device presents a provisioning key and
//! secret and receives credentials of its own.
//!
//! Request (MQTT topic `/provision/request`, user name `provision`; or HTTP
//! `POST /api/v1/provision`):
//! `{"deviceName":"M1","provisionDeviceKey":"…","provisionDeviceSecret":"…"}`, optionally with
//! `"credentialsType":"ACCESS_TOKEN","token":"…"` or
//! `"credentialsType":"MQTT_BASIC","clientId":"…","username":"…","password":"…"`.
//!
//! Response: `{"status":"SUCCESS","credentialsType":"ACCESS_TOKEN","credentialsValue":"…"}`,
//! or `{"status":"NOT_FOUND","errorMsg":"…"}` / `{"status":"FAILURE","errorMsg":"…"}`.

use crate::identity::DeviceIdentity;
use serde::{Deserialize, Serialize};

/// A provisioning request as a device sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionRequest {
    pub device_name: String,
    pub provision_device_key: String,
    pub provision_device_secret: String,
    /// `ACCESS_TOKEN` (default) or `MQTT_BASIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_type: Option<CredentialsType>,
    /// A token the device chose (ACCESS_TOKEN); the platform generates one otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// The kinds of credentials a device can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CredentialsType {
    AccessToken,
    MqttBasic,
}

/// `SUCCESS`, `NOT_FOUND` or `FAILURE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProvisionStatus {
    Success,
    NotFound,
    Failure,
}

/// The answer sent back to the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionResponse {
    pub status: ProvisionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_type: Option<CredentialsType>,
    /// The token (a string) or `{"clientId","userName","password"}` for MQTT_BASIC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// The device created (not sent to the device).
    #[serde(skip)]
    pub device: Option<DeviceIdentity>,
}

impl ProvisionResponse {
    /// A success carrying an access token.
    pub fn access_token(device: DeviceIdentity, token: String) -> Self {
        Self {
            status: ProvisionStatus::Success,
            credentials_type: Some(CredentialsType::AccessToken),
            credentials_value: Some(serde_json::Value::String(token)),
            error_msg: None,
            device: Some(device),
        }
    }

    /// A success carrying MQTT Basic credentials.
    pub fn mqtt_basic(
        device: DeviceIdentity,
        client_id: &str,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Self {
        Self {
            status: ProvisionStatus::Success,
            credentials_type: Some(CredentialsType::MqttBasic),
            credentials_value: Some(serde_json::json!({
                "clientId": client_id,
                "userName": username,
                "password": password,
            })),
            error_msg: None,
            device: Some(device),
        }
    }
}

/// Why a provisioning request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisionError {
    /// Unknown key, wrong secret or a revoked key: the device learns no more than that.
    #[error("Provision data was not found!")]
    NotFound,
    /// A device of that name exists already in the key's enterprise.
    #[error("a device named {0:?} exists already")]
    DeviceExists(String),
    /// The request itself is wrong (bad name, missing MQTT fields, a token in use).
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error("the device store failed: {0}")]
    Backend(String),
}

impl ProvisionError {
    /// The message for the device (a store failure is not described to it).
    pub fn response(&self) -> ProvisionResponse {
        let (status, msg) = match self {
            ProvisionError::NotFound => (ProvisionStatus::NotFound, self.to_string()),
            ProvisionError::Backend(_) => {
                (ProvisionStatus::Failure, "provisioning failed".to_owned())
            }
            _ => (ProvisionStatus::Failure, self.to_string()),
        };
        ProvisionResponse {
            status,
            credentials_type: None,
            credentials_value: None,
            error_msg: Some(msg),
            device: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thingsboard_shapes() -> Result<(), serde_json::Error> {
        let req: ProvisionRequest = serde_json::from_str(
            r#"{"deviceName":"M1","provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#,
        )?;
        assert_eq!(req.device_name, "M1");
        assert_eq!(req.credentials_type, None);
        let req: ProvisionRequest = serde_json::from_str(
            r#"{"deviceName":"M1","provisionDeviceKey":"k","provisionDeviceSecret":"s","credentialsType":"MQTT_BASIC","clientId":"c"}"#,
        )?;
        assert_eq!(req.credentials_type, Some(CredentialsType::MqttBasic));
        let id = DeviceIdentity {
            id: crate::DeviceId(1),
            name: "M1".into(),
            enterprise: None,
            device_type: None,
            is_gateway: false,
            gateway: None,
        };
        let ok = serde_json::to_value(ProvisionResponse::access_token(id, "t".into()))?;
        assert_eq!(
            ok,
            serde_json::json!({"status":"SUCCESS","credentialsType":"ACCESS_TOKEN","credentialsValue":"t"})
        );
        let nf = serde_json::to_value(ProvisionError::NotFound.response())?;
        assert_eq!(
            nf,
            serde_json::json!({"status":"NOT_FOUND","errorMsg":"Provision data was not found!"})
        );
        Ok(())
    }
}
