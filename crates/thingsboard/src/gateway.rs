//! The gateway API: one connection publishes for many devices (`v1/gateway/…`).

use crate::error::DecodeError;
use crate::limits::Limits;
use crate::loc::Loc;
use crate::node::Node;
use crate::requests::key_list;
use crate::telemetry::{TsRecord, parse, records};
use crate::value::{Budget, KeyValue, key_error, key_ok, key_values};

/// `v1/gateway/connect` / `v1/gateway/disconnect`: `{"device": "Device A", "type": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GatewayDevice {
    /// The sub-device's name.
    pub device: String,
    /// Its device type / profile name, when given (`type`, connect only).
    pub device_type: Option<String>,
}

/// One sub-device's telemetry in a gateway message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeviceTelemetry {
    /// The sub-device's name.
    pub device: String,
    /// Its records.
    pub records: Vec<TsRecord>,
}

/// One sub-device's attributes in a gateway message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeviceAttributes {
    /// The sub-device's name.
    pub device: String,
    /// Its attributes.
    pub values: Vec<KeyValue>,
}

/// `v1/gateway/attributes/request`: `{"id": 1, "device": "A", "client": true, "key": "k"}`
/// (or `"keys": [...]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GatewayAttributeRequest {
    /// Request id, echoed in the response.
    pub id: i64,
    /// The sub-device.
    pub device: String,
    /// Client-side (`true`) or shared (`false`) attributes.
    pub client: bool,
    /// The names asked for.
    pub keys: Vec<String>,
}

/// `v1/gateway/rpc` from the gateway: a sub-device's reply
/// `{"device": "A", "id": 1, "data": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GatewayRpcResponse {
    /// The sub-device.
    pub device: String,
    /// The request id being answered.
    pub id: i64,
    /// The reply as compact JSON.
    pub data: String,
}

fn device_name(entries: &[(String, Node)], limits: &Limits) -> Result<String, DecodeError> {
    match Node::get(entries, "device") {
        Some(Node::Str(d)) if key_ok(d, limits) => Ok(d.clone()),
        Some(Node::Str(d)) => Err(key_error("$.device", d, limits)),
        _ => Err(DecodeError::shape(
            "$.device",
            "the device name as a string",
        )),
    }
}

fn object(
    payload: &[u8],
    limits: &Limits,
    expected: &'static str,
) -> Result<Vec<(String, Node)>, DecodeError> {
    match parse(payload, limits)? {
        Node::Obj(entries) => Ok(entries),
        _ => Err(DecodeError::shape("$", expected)),
    }
}

/// Decodes `v1/gateway/connect` or `v1/gateway/disconnect`.
pub fn decode_gateway_device(
    payload: &[u8],
    limits: &Limits,
) -> Result<GatewayDevice, DecodeError> {
    let entries = object(payload, limits, "an object with the device name")?;
    let device = device_name(&entries, limits)?;
    let device_type = match Node::get(&entries, "type") {
        None | Some(Node::Null) => None,
        Some(Node::Str(t)) if key_ok(t, limits) => Some(t.clone()),
        Some(Node::Str(t)) => return Err(key_error("$.type", t, limits)),
        Some(_) => return Err(DecodeError::shape("$.type", "the device type as a string")),
    };
    Ok(GatewayDevice {
        device,
        device_type,
    })
}

/// Checks a sub-device name and the device count.
fn sub_device(name: &str, count: usize, limits: &Limits) -> Result<(), DecodeError> {
    if count > limits.max_devices {
        return Err(DecodeError::TooManyDevices {
            count,
            limit: limits.max_devices,
        });
    }
    if !key_ok(name, limits) {
        return Err(key_error("$", name, limits));
    }
    Ok(())
}

/// Decodes `v1/gateway/telemetry`: `{"Device A": [{"ts": …, "values": {…}}, …], …}`; each
/// device's value is any telemetry form (an array of records, one record, plain `{"k": v}`).
///
/// ```
/// use shangyun_thingsboard::{decode_gateway_telemetry, Limits};
/// let devices = decode_gateway_telemetry(
///     br#"{"Device A":[{"ts":1700000000000,"values":{"t":42}}],"Device B":{"t":7}}"#,
///     &Limits::default())?;
/// assert_eq!(devices[0].device, "Device A");
/// assert_eq!(devices[1].records[0].ts, None);
/// # Ok::<(), shangyun_thingsboard::DecodeError>(())
/// ```
pub fn decode_gateway_telemetry(
    payload: &[u8],
    limits: &Limits,
) -> Result<Vec<DeviceTelemetry>, DecodeError> {
    let entries = object(payload, limits, "an object of device names to telemetry")?;
    let mut budget = Budget::new(limits);
    let mut out = Vec::with_capacity(entries.len());
    for (i, (device, node)) in entries.into_iter().enumerate() {
        sub_device(&device, i + 1, limits)?;
        let records = records(node, &Loc::Member(&Loc::Root, &device), limits, &mut budget)?;
        out.push(DeviceTelemetry { device, records });
    }
    Ok(out)
}

/// Decodes `v1/gateway/attributes`: `{"Device A": {"attr": value, …}, …}`.
pub fn decode_gateway_attributes(
    payload: &[u8],
    limits: &Limits,
) -> Result<Vec<DeviceAttributes>, DecodeError> {
    let entries = object(payload, limits, "an object of device names to attributes")?;
    let mut budget = Budget::new(limits);
    let mut out = Vec::with_capacity(entries.len());
    for (i, (device, node)) in entries.into_iter().enumerate() {
        sub_device(&device, i + 1, limits)?;
        let loc = Loc::Member(&Loc::Root, &device);
        let Node::Obj(attrs) = node else {
            return Err(DecodeError::shape(
                loc.render(),
                "an object of attribute names to values",
            ));
        };
        let values = key_values(attrs, &loc, limits, &mut budget)?;
        out.push(DeviceAttributes { device, values });
    }
    Ok(out)
}

fn request_id(entries: &[(String, Node)]) -> Result<i64, DecodeError> {
    match Node::get(entries, "id") {
        Some(Node::Int(id)) => Ok(*id),
        _ => Err(DecodeError::shape("$.id", "the request id as an integer")),
    }
}

/// Decodes `v1/gateway/attributes/request`.
pub fn decode_gateway_attribute_request(
    payload: &[u8],
    limits: &Limits,
) -> Result<GatewayAttributeRequest, DecodeError> {
    let entries = object(payload, limits, "an object with id, device and key or keys")?;
    let id = request_id(&entries)?;
    let device = device_name(&entries, limits)?;
    let client = match Node::get(&entries, "client") {
        None => false,
        Some(Node::Bool(b)) => *b,
        Some(_) => return Err(DecodeError::shape("$.client", "true or false")),
    };
    let keys = match (Node::get(&entries, "key"), Node::get(&entries, "keys")) {
        (Some(Node::Str(k)), None) if key_ok(k, limits) => vec![k.clone()],
        (Some(Node::Str(k)), None) => return Err(key_error("$.key", k, limits)),
        (None, Some(list)) => key_list(list.clone(), "$.keys", limits)?,
        _ => {
            return Err(DecodeError::shape(
                "$",
                "either \"key\" (a string) or \"keys\"",
            ));
        }
    };
    Ok(GatewayAttributeRequest {
        id,
        device,
        client,
        keys,
    })
}

/// Decodes `v1/gateway/rpc` published by the gateway (a sub-device's RPC reply).
pub fn decode_gateway_rpc_response(
    payload: &[u8],
    limits: &Limits,
) -> Result<GatewayRpcResponse, DecodeError> {
    let entries = object(payload, limits, "an object with device, id and data")?;
    let device = device_name(&entries, limits)?;
    let id = request_id(&entries)?;
    let data = Node::get(&entries, "data").map_or_else(|| "null".to_owned(), Node::to_json);
    Ok(GatewayRpcResponse { device, id, data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::TbValue;

    #[test]
    fn gateway_forms() {
        let l = Limits::default();
        let c = decode_gateway_device(br#"{"device":"Device A","type":"meter"}"#, &l).expect("ok");
        assert_eq!(c.device, "Device A");
        assert_eq!(c.device_type.as_deref(), Some("meter"));
        assert!(decode_gateway_device(br#"{"device":""}"#, &l).is_err());
        assert!(decode_gateway_device(br#"{"name":"x"}"#, &l).is_err());

        let t = decode_gateway_telemetry(
            br#"{"Device A":[{"ts":1,"values":{"t":1}},{"ts":2,"values":{"t":2}}],"Device B":[{"ts":3,"values":{"h":5.5}}]}"#,
            &l,
        )
        .expect("ok");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].records.len(), 2);
        assert_eq!(t[1].records[0].values[0].value, TbValue::Double(5.5));
        assert!(matches!(
            decode_gateway_telemetry(br#"{"A":5}"#, &l),
            Err(DecodeError::Shape { path, .. }) if path == "$[\"A\"]"
        ));

        let a = decode_gateway_attributes(br#"{"A":{"fw":"1"},"B":{"x":true}}"#, &l).expect("ok");
        assert_eq!(a[1].values[0].value, TbValue::Bool(true));
        assert!(decode_gateway_attributes(br#"{"A":[1]}"#, &l).is_err());

        let r = decode_gateway_attribute_request(
            br#"{"id":7,"device":"A","client":true,"keys":["a","b"]}"#,
            &l,
        )
        .expect("ok");
        assert_eq!((r.id, r.client, r.keys.len()), (7, true, 2));
        assert!(decode_gateway_attribute_request(br#"{"id":7,"device":"A"}"#, &l).is_err());

        let r = decode_gateway_rpc_response(br#"{"device":"A","id":3,"data":{"ok":1}}"#, &l)
            .expect("ok");
        assert_eq!(r.data, r#"{"ok":1}"#);
    }

    #[test]
    fn device_count_is_limited() {
        let l = Limits {
            max_devices: 2,
            ..Limits::default()
        };
        assert!(decode_gateway_telemetry(br#"{"A":{"t":1},"B":{"t":1}}"#, &l).is_ok());
        assert!(matches!(
            decode_gateway_telemetry(br#"{"A":{"t":1},"B":{"t":1},"C":{"t":1}}"#, &l),
            Err(DecodeError::TooManyDevices { count: 3, .. })
        ));
    }
}
