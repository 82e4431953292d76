//! Device requests: attribute requests, RPC both ways, provisioning.

use crate::error::DecodeError;
use crate::limits::Limits;
use crate::node::Node;
use crate::telemetry::parse;
use crate::value::{key_error, key_ok};

/// `v1/devices/me/attributes/request/$id`: which attributes the device wants back.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct AttributeRequest {
    /// Client-side attribute names (`"clientKeys": "a,b"`).
    pub client_keys: Vec<String>,
    /// Shared attribute names (`"sharedKeys": "c"`).
    pub shared_keys: Vec<String>,
}

/// Decodes `{"clientKeys": "a,b", "sharedKeys": "c"}`; each list is a comma-separated string
/// (as ThingsBoard's SDKs send) or an array of strings; either may be missing (ThingsBoard then
/// returns all attributes of that scope: both lists empty means "all").
pub fn decode_attribute_request(
    payload: &[u8],
    limits: &Limits,
) -> Result<AttributeRequest, DecodeError> {
    let Node::Obj(entries) = parse(payload, limits)? else {
        return Err(DecodeError::shape(
            "$",
            "an object with clientKeys and/or sharedKeys",
        ));
    };
    let mut request = AttributeRequest::default();
    for (key, node) in entries {
        let path = format!("$.{key}");
        match key.as_str() {
            "clientKeys" => request.client_keys = key_list(node, &path, limits)?,
            "sharedKeys" => request.shared_keys = key_list(node, &path, limits)?,
            _ => {}
        }
    }
    Ok(request)
}

/// A comma-separated string or an array of strings, as attribute names.
pub(crate) fn key_list(
    node: Node,
    path: &str,
    limits: &Limits,
) -> Result<Vec<String>, DecodeError> {
    let names: Vec<String> = match node {
        Node::Str(s) => s
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        Node::Arr(items) => {
            let mut names = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Node::Str(s) => names.push(s),
                    _ => return Err(DecodeError::shape(path, "attribute names as strings")),
                }
            }
            names
        }
        _ => {
            return Err(DecodeError::shape(
                path,
                "a comma-separated string or an array of attribute names",
            ));
        }
    };
    if names.len() > limits.max_values {
        return Err(DecodeError::TooManyValues {
            count: names.len(),
            limit: limits.max_values,
        });
    }
    if let Some(bad) = names.iter().find(|k| !key_ok(k, limits)) {
        return Err(key_error(path, bad, limits));
    }
    Ok(names)
}

/// An RPC call: from the server to a device (`v1/devices/me/rpc/request/$id`) or from a
/// device to the server (client-side RPC, same topic published by the device).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RpcRequest {
    /// The method name.
    pub method: String,
    /// The parameters as compact JSON (`null` when absent).
    pub params: String,
}

/// Decodes `{"method": "getTime", "params": {…}}`.
pub fn decode_rpc_request(payload: &[u8], limits: &Limits) -> Result<RpcRequest, DecodeError> {
    let Node::Obj(entries) = parse(payload, limits)? else {
        return Err(DecodeError::shape("$", "an object with method and params"));
    };
    let method = match Node::get(&entries, "method") {
        Some(Node::Str(m)) if key_ok(m, limits) => m.clone(),
        Some(Node::Str(m)) => return Err(key_error("$.method", m, limits)),
        _ => {
            return Err(DecodeError::shape(
                "$.method",
                "the method name as a string",
            ));
        }
    };
    let params = Node::get(&entries, "params").map_or_else(|| "null".to_owned(), Node::to_json);
    Ok(RpcRequest { method, params })
}

/// Decodes an RPC response (`v1/devices/me/rpc/response/$id`): any JSON value, returned as
/// compact JSON text for the waiting caller.
pub fn decode_rpc_response(payload: &[u8], limits: &Limits) -> Result<String, DecodeError> {
    let node = parse(payload, limits)?;
    let depth = node.depth();
    if depth > limits.max_depth {
        return Err(DecodeError::TooDeep {
            path: "$".into(),
            depth,
            limit: limits.max_depth,
        });
    }
    Ok(node.to_json())
}

/// The credentials a device asks to be provisioned with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum RequestedCredentials {
    /// None named: the server generates an access token.
    Generated,
    /// `"credentialsType": "ACCESS_TOKEN", "token": "…"`.
    AccessToken {
        /// The token the device chose.
        token: String,
    },
    /// `"credentialsType": "MQTT_BASIC"` with client id, user name and password.
    MqttBasic {
        /// MQTT client id.
        client_id: Option<String>,
        /// MQTT user name.
        username: Option<String>,
        /// MQTT password.
        password: Option<String>,
    },
    /// `"credentialsType": "X509_CERTIFICATE", "hash": "…"`.
    X509 {
        /// The certificate (PEM) or its hash.
        hash: String,
    },
}

/// `/provision` (MQTT topic or HTTP `POST /api/v1/provision`): a device presents the
/// provisioning key and secret of its device profile and asks for its own credentials.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProvisionRequest {
    /// The name the device wants (`deviceName`); `None` lets the server choose.
    pub device_name: Option<String>,
    /// `provisionDeviceKey`.
    pub provision_key: String,
    /// `provisionDeviceSecret`.
    pub provision_secret: String,
    /// What credentials it asks for.
    pub credentials: RequestedCredentials,
}

impl std::fmt::Display for ProvisionRequest {
    /// Never prints the secret or requested passwords.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "provision request for {:?} with key {}",
            self.device_name, self.provision_key
        )
    }
}

/// Decodes a provisioning request.
pub fn decode_provision_request(
    payload: &[u8],
    limits: &Limits,
) -> Result<ProvisionRequest, DecodeError> {
    let Node::Obj(entries) = parse(payload, limits)? else {
        return Err(DecodeError::shape(
            "$",
            "an object with provisionDeviceKey and provisionDeviceSecret",
        ));
    };
    let text = |name: &'static str| -> Result<Option<String>, DecodeError> {
        match Node::get(&entries, name) {
            None | Some(Node::Null) => Ok(None),
            Some(Node::Str(s)) if s.len() <= limits.max_text_bytes => Ok(Some(s.clone())),
            Some(Node::Str(s)) => Err(DecodeError::TextTooLong {
                path: format!("$.{name}"),
                key: name.to_owned(),
                len: s.len(),
                limit: limits.max_text_bytes,
            }),
            Some(_) => Err(DecodeError::shape(format!("$.{name}"), "a string")),
        }
    };
    let required = |name: &'static str| -> Result<String, DecodeError> {
        text(name)?.ok_or_else(|| DecodeError::shape(format!("$.{name}"), "a string"))
    };
    let device_name = text("deviceName")?;
    if let Some(name) = &device_name
        && !key_ok(name, limits)
    {
        return Err(key_error("$.deviceName", name, limits));
    }
    let credentials = match text("credentialsType")?.as_deref() {
        None => RequestedCredentials::Generated,
        Some("ACCESS_TOKEN") => match text("token")? {
            Some(token) => RequestedCredentials::AccessToken { token },
            None => RequestedCredentials::Generated,
        },
        Some("MQTT_BASIC") => RequestedCredentials::MqttBasic {
            client_id: text("clientId")?,
            username: text("username")?,
            password: text("password")?,
        },
        Some("X509_CERTIFICATE") => RequestedCredentials::X509 {
            hash: required("hash")?,
        },
        Some(_) => {
            return Err(DecodeError::shape(
                "$.credentialsType",
                "ACCESS_TOKEN, MQTT_BASIC or X509_CERTIFICATE",
            ));
        }
    };
    Ok(ProvisionRequest {
        device_name,
        provision_key: required("provisionDeviceKey")?,
        provision_secret: required("provisionDeviceSecret")?,
        credentials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_requests() {
        let l = Limits::default();
        let r = decode_attribute_request(br#"{"clientKeys":"a, b","sharedKeys":["c"]}"#, &l)
            .expect("ok");
        assert_eq!(r.client_keys, vec!["a", "b"]);
        assert_eq!(r.shared_keys, vec!["c"]);
        assert_eq!(
            decode_attribute_request(b"{}", &l).expect("ok"),
            AttributeRequest::default()
        );
        assert!(decode_attribute_request(br#"{"clientKeys":1}"#, &l).is_err());
        assert!(decode_attribute_request(br#"{"clientKeys":[1]}"#, &l).is_err());
    }

    #[test]
    fn rpc() {
        let l = Limits::default();
        let r = decode_rpc_request(br#"{"method":"setTemp","params":{"t":21}}"#, &l).expect("ok");
        assert_eq!(r.method, "setTemp");
        assert_eq!(r.params, r#"{"t":21}"#);
        assert_eq!(
            decode_rpc_request(br#"{"method":"getTime"}"#, &l)
                .expect("ok")
                .params,
            "null"
        );
        assert!(decode_rpc_request(br#"{"params":{}}"#, &l).is_err());
        assert_eq!(
            decode_rpc_response(br#" {"ok": true} "#, &l).expect("ok"),
            r#"{"ok":true}"#
        );
        assert!(decode_rpc_response(b"nope", &l).is_err());
    }

    #[test]
    fn provisioning() {
        let l = Limits::default();
        let r = decode_provision_request(
            br#"{"deviceName":"M1","provisionDeviceKey":"k","provisionDeviceSecret":"SECRETXYZ",
                 "credentialsType":"MQTT_BASIC","clientId":"c","username":"u","password":"p"}"#,
            &l,
        )
        .expect("ok");
        assert_eq!(r.device_name.as_deref(), Some("M1"));
        assert!(matches!(
            r.credentials,
            RequestedCredentials::MqttBasic { .. }
        ));
        assert!(!r.to_string().contains("SECRETXYZ"));
        let r = decode_provision_request(
            br#"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#,
            &l,
        )
        .expect("ok");
        assert_eq!(r.credentials, RequestedCredentials::Generated);
        assert!(decode_provision_request(br#"{"provisionDeviceKey":"k"}"#, &l).is_err());
        assert!(
            decode_provision_request(
                br#"{"provisionDeviceKey":"k","provisionDeviceSecret":"s","credentialsType":"X"}"#,
                &l
            )
            .is_err()
        );
    }
}
