//! ThingsBoard device provisioning, the one path behind MQTT `/provision/request` (user name
//! `provision`) and HTTP `POST /api/v1/provision`: request payload → the directory (which
//! checks key and secret, creates the device and audits it in one transaction) → the response
//! JSON. The secret is never logged: [`tb::ProvisionRequest`]'s `Display` leaves it out and
//! nothing here prints the payload.

use crate::ingest::Ingest;
use shangyun_devices::provision::{CredentialsType, ProvisionResponse, ProvisionStatus};
use shangyun_devices::{ProvisionError, ProvisionRequest, secret};
use shangyun_thingsboard as tb;

/// What a provisioning request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvisionOutcome {
    /// A device was created; the response carries its credentials.
    Created,
    /// Refused (unknown key, wrong secret, a name or credentials in use): nothing created.
    Refused,
    /// The payload is not a provisioning request: nothing created.
    Malformed,
    /// The store failed: nothing created, the device may retry.
    Unavailable,
}

/// The answer to a provisioning request.
#[derive(Debug, Clone)]
pub struct Provisioned {
    pub outcome: ProvisionOutcome,
    /// ThingsBoard's response (`{"status":"SUCCESS","credentialsType",…}` or
    /// `{"status":"NOT_FOUND"|"FAILURE","errorMsg"}`); `response.device` is the device created.
    pub response: ProvisionResponse,
}

impl Provisioned {
    /// The response as sent to the device.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.response).unwrap_or_default()
    }

    fn failure(outcome: ProvisionOutcome, message: &str) -> Self {
        let mut response = ProvisionError::Invalid(message.to_owned()).response();
        response.status = ProvisionStatus::Failure;
        Provisioned { outcome, response }
    }
}

impl Ingest {
    /// Answers a provisioning request payload (ThingsBoard JSON).
    pub async fn provision(&self, payload: &[u8]) -> Provisioned {
        let request = match tb::decode_provision_request(payload, self.limits()) {
            Ok(r) => r,
            Err(e) => {
                return Provisioned::failure(
                    ProvisionOutcome::Malformed,
                    &format!("not a provisioning request: {e}"),
                );
            }
        };
        let Some(request) = directory_request(request) else {
            return Provisioned::failure(
                ProvisionOutcome::Refused,
                "X509_CERTIFICATE provisioning is not supported; ask for ACCESS_TOKEN or MQTT_BASIC",
            );
        };
        match self.directory().provision(request).await {
            Ok(response) => Provisioned {
                outcome: ProvisionOutcome::Created,
                response,
            },
            Err(e @ ProvisionError::Backend(_)) => Provisioned {
                outcome: ProvisionOutcome::Unavailable,
                response: e.response(),
            },
            Err(e) => Provisioned {
                outcome: ProvisionOutcome::Refused,
                response: e.response(),
            },
        }
    }
}

/// The decoded ThingsBoard request in the directory's terms; `None` for X.509 (not offered).
/// A request without a name gets a generated one, as ThingsBoard does.
fn directory_request(r: tb::ProvisionRequest) -> Option<ProvisionRequest> {
    let mut out = ProvisionRequest {
        device_name: r
            .device_name
            .unwrap_or_else(|| format!("device-{}", &secret::generate_token()[..12])),
        provision_device_key: r.provision_key,
        provision_device_secret: r.provision_secret,
        ..ProvisionRequest::default()
    };
    match r.credentials {
        tb::RequestedCredentials::Generated => {}
        tb::RequestedCredentials::AccessToken { token } => {
            out.credentials_type = Some(CredentialsType::AccessToken);
            out.token = Some(token);
        }
        tb::RequestedCredentials::MqttBasic {
            client_id,
            username,
            password,
        } => {
            out.credentials_type = Some(CredentialsType::MqttBasic);
            out.client_id = client_id;
            out.username = username;
            out.password = password;
        }
        tb::RequestedCredentials::X509 { .. } => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shangyun_devices::{DeviceDirectory, MemoryDirectory};
    use std::sync::Arc;

    fn ingest(directory: Arc<MemoryDirectory>) -> (tempfile::TempDir, Ingest) {
        let dir = tempfile::tempdir().expect("tempdir");
        let (tsdb, _) =
            shangyun_tsdb::Tsdb::open(dir.path(), shangyun_tsdb::Config::default()).expect("tsdb");
        let ingest = Ingest::new(
            Arc::new(tsdb),
            directory as Arc<dyn DeviceDirectory>,
            crate::IngestConfig::default(),
        );
        (dir, ingest)
    }

    #[tokio::test]
    async fn creates_with_the_right_secret_only() {
        let directory = Arc::new(MemoryDirectory::new());
        let (key, secret) = directory.add_provision_key(None, None);
        let (_dir, ingest) = ingest(directory.clone());
        let wrong = format!(
            r#"{{"deviceName":"M1","provisionDeviceKey":"{key}","provisionDeviceSecret":"nope"}}"#
        );
        let refused = ingest.provision(wrong.as_bytes()).await;
        assert_eq!(refused.outcome, ProvisionOutcome::Refused);
        assert_eq!(refused.response.status, ProvisionStatus::NotFound);
        assert!(directory.list().is_empty());
        let right = format!(
            r#"{{"deviceName":"M1","provisionDeviceKey":"{key}","provisionDeviceSecret":"{secret}"}}"#
        );
        let made = ingest.provision(right.as_bytes()).await;
        assert_eq!(made.outcome, ProvisionOutcome::Created);
        let body: serde_json::Value = serde_json::from_slice(&made.body()).expect("json");
        assert_eq!(body["status"], "SUCCESS");
        assert_eq!(body["credentialsType"], "ACCESS_TOKEN");
        let token = body["credentialsValue"].as_str().expect("token");
        let me = directory
            .authenticate(shangyun_devices::Credential::AccessToken(token))
            .await
            .expect("auth")
            .expect("device");
        assert_eq!(me.name, "M1");
        let x509 = format!(
            r#"{{"provisionDeviceKey":"{key}","provisionDeviceSecret":"{secret}","credentialsType":"X509_CERTIFICATE","hash":"h"}}"#
        );
        let refused = ingest.provision(x509.as_bytes()).await;
        assert_eq!(refused.outcome, ProvisionOutcome::Refused);
        assert_eq!(
            ingest.provision(b"[1]").await.outcome,
            ProvisionOutcome::Malformed
        );
        assert_eq!(directory.list().len(), 1);
    }
}
