//! The topic convention of external-broker mode.
//!
//! The broker authenticates devices and its ACL confines each to its own subtree:
//! `<prefix>/<device id>/<ThingsBoard topic>`, e.g.
//! `shangyun/devices/42/v1/devices/me/telemetry` or `shangyun/devices/7/v1/gateway/telemetry`,
//! where `<device id>` is the device's shangyun id and the device's MQTT client id on the broker.
//! Mosquitto: `pattern write shangyun/devices/%c/#`; EMQX: a publish topic rewrite of
//! `v1/devices/me/#` and `v1/gateway/#` to `shangyun/devices/${clientid}/…`, so unchanged
//! ThingsBoard firmware works (see the crate README).

use shangyun_thingsboard::Topic;

/// The shared-subscription filter the nodes of `group` subscribe to.
pub fn subscription(group: &str, prefix: &str) -> String {
    format!("$share/{group}/{prefix}/+/v1/#")
}

/// Splits a topic into the publishing device's id and the ThingsBoard topic; `None` when it
/// does not follow the convention.
///
/// ```
/// use shangyun_bridge::topic::parse;
/// use shangyun_thingsboard::Topic;
/// assert_eq!(parse("shangyun/devices", "shangyun/devices/42/v1/devices/me/telemetry"),
///            Some((42, Topic::Telemetry)));
/// assert_eq!(parse("shangyun/devices", "shangyun/devices/x/v1/devices/me/telemetry"), None);
/// ```
pub fn parse(prefix: &str, topic: &str) -> Option<(i64, Topic)> {
    let rest = topic.strip_prefix(prefix)?.strip_prefix('/')?;
    let (id, tb) = rest.split_once('/')?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id.parse().ok()?, Topic::parse(tb)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convention() {
        let p = "shangyun/devices";
        assert_eq!(
            parse(p, "shangyun/devices/7/v1/gateway/telemetry"),
            Some((7, Topic::GatewayTelemetry))
        );
        assert_eq!(
            parse(p, "shangyun/devices/7/v1/devices/me/attributes"),
            Some((7, Topic::Attributes))
        );
        assert_eq!(parse(p, "shangyun/devices//v1/devices/me/telemetry"), None);
        assert_eq!(
            parse(p, "shangyun/devices/-1/v1/devices/me/telemetry"),
            None
        );
        assert_eq!(
            parse(p, "shangyun/devicesX/1/v1/devices/me/telemetry"),
            None
        );
        assert_eq!(parse(p, "shangyun/devices/1/v2/x"), None);
        assert_eq!(subscription("g", p), "$share/g/shangyun/devices/+/v1/#");
    }
}
