//! The topics of the ThingsBoard MQTT device API, as published by a device or gateway.

/// What a device publishes on a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Topic {
    /// `v1/devices/me/telemetry`
    Telemetry,
    /// `v1/devices/me/attributes` (client attributes)
    Attributes,
    /// `v1/devices/me/attributes/request/{id}`
    AttributeRequest(u64),
    /// `v1/devices/me/rpc/request/{id}`: a client-side RPC call from the device.
    RpcRequest(u64),
    /// `v1/devices/me/rpc/response/{id}`: the device's reply to a server-side RPC.
    RpcResponse(u64),
    /// `v1/devices/me/claim`
    Claim,
    /// `/provision`
    Provision,
    /// `v1/gateway/connect`
    GatewayConnect,
    /// `v1/gateway/disconnect`
    GatewayDisconnect,
    /// `v1/gateway/telemetry`
    GatewayTelemetry,
    /// `v1/gateway/attributes`
    GatewayAttributes,
    /// `v1/gateway/attributes/request`
    GatewayAttributeRequest,
    /// `v1/gateway/rpc`: a sub-device's RPC reply.
    GatewayRpc,
    /// `v1/gateway/claim`
    GatewayClaim,
}

impl Topic {
    /// Classifies a topic a device published on; `None` for anything else.
    ///
    /// ```
    /// use shangyun_thingsboard::Topic;
    /// assert_eq!(Topic::parse("v1/devices/me/telemetry"), Some(Topic::Telemetry));
    /// assert_eq!(Topic::parse("v1/devices/me/rpc/response/42"), Some(Topic::RpcResponse(42)));
    /// assert_eq!(Topic::parse("v1/devices/me/rpc/response/x"), None);
    /// ```
    pub fn parse(topic: &str) -> Option<Topic> {
        if let Some(rest) = topic.strip_prefix("v1/devices/me/") {
            return match rest {
                "telemetry" => Some(Topic::Telemetry),
                "attributes" => Some(Topic::Attributes),
                "claim" => Some(Topic::Claim),
                _ => {
                    let (kind, id) = rest.rsplit_once('/')?;
                    // Plain decimal only: "+1" or "01x" are not ids.
                    if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    let id: u64 = id.parse().ok()?;
                    match kind {
                        "attributes/request" => Some(Topic::AttributeRequest(id)),
                        "rpc/request" => Some(Topic::RpcRequest(id)),
                        "rpc/response" => Some(Topic::RpcResponse(id)),
                        _ => None,
                    }
                }
            };
        }
        match topic.strip_prefix("v1/gateway/")? {
            "connect" => Some(Topic::GatewayConnect),
            "disconnect" => Some(Topic::GatewayDisconnect),
            "telemetry" => Some(Topic::GatewayTelemetry),
            "attributes" => Some(Topic::GatewayAttributes),
            "attributes/request" => Some(Topic::GatewayAttributeRequest),
            "rpc" => Some(Topic::GatewayRpc),
            "claim" => Some(Topic::GatewayClaim),
            _ => None,
        }
    }

    /// Classifies a topic, also accepting `/provision`.
    pub fn parse_any(topic: &str) -> Option<Topic> {
        if topic == "/provision" {
            return Some(Topic::Provision);
        }
        Topic::parse(topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic() {
        for (t, want) in [
            ("v1/devices/me/telemetry", Some(Topic::Telemetry)),
            ("v1/devices/me/attributes", Some(Topic::Attributes)),
            (
                "v1/devices/me/attributes/request/1",
                Some(Topic::AttributeRequest(1)),
            ),
            ("v1/devices/me/rpc/request/9", Some(Topic::RpcRequest(9))),
            ("v1/devices/me/rpc/response/18446744073709551615", None),
            (
                "v1/devices/me/rpc/response/1844674407370955161",
                Some(Topic::RpcResponse(1844674407370955161)),
            ),
            ("v1/devices/me/rpc/response/", None),
            ("v1/devices/me/rpc/response/+1", None),
            ("v1/devices/me/claim", Some(Topic::Claim)),
            ("v1/devices/other/telemetry", None),
            ("v1/gateway/connect", Some(Topic::GatewayConnect)),
            ("v1/gateway/disconnect", Some(Topic::GatewayDisconnect)),
            ("v1/gateway/telemetry", Some(Topic::GatewayTelemetry)),
            ("v1/gateway/attributes", Some(Topic::GatewayAttributes)),
            (
                "v1/gateway/attributes/request",
                Some(Topic::GatewayAttributeRequest),
            ),
            ("v1/gateway/rpc", Some(Topic::GatewayRpc)),
            ("v1/gateway/claim", Some(Topic::GatewayClaim)),
            ("v1/gateway/x", None),
            ("", None),
        ] {
            assert_eq!(Topic::parse(t), want, "{t}");
        }
        assert_eq!(Topic::parse_any("/provision"), Some(Topic::Provision));
        assert_eq!(Topic::parse("/provision"), None);
    }
}
