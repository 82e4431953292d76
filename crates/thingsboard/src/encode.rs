//! What the server sends back to devices, in ThingsBoard's shapes.

use crate::value::{KeyValue, TbValue};
use serde_json::{Map, Value, json};

/// A value as JSON (a `Json` value is written as the JSON it holds).
pub fn value_json(v: &TbValue) -> Value {
    match v {
        TbValue::Bool(b) => Value::Bool(*b),
        TbValue::Long(i) => Value::from(*i),
        TbValue::Double(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        TbValue::Str(s) => Value::String(s.clone()),
        TbValue::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
    }
}

/// `{"k": v, …}`.
pub fn object(values: &[KeyValue]) -> Value {
    let mut map = Map::with_capacity(values.len());
    for kv in values {
        map.insert(kv.key.clone(), value_json(&kv.value));
    }
    Value::Object(map)
}

/// Reply on `v1/devices/me/attributes/response/{id}`: `{"client": {…}, "shared": {…}}`
/// (a scope with nothing found is left out, as ThingsBoard does).
pub fn attribute_response(client: &[KeyValue], shared: &[KeyValue]) -> Vec<u8> {
    let mut map = Map::new();
    if !client.is_empty() {
        map.insert("client".into(), object(client));
    }
    if !shared.is_empty() {
        map.insert("shared".into(), object(shared));
    }
    Value::Object(map).to_string().into_bytes()
}

/// A shared-attribute update on `v1/devices/me/attributes`: `{"k": v, …}`.
pub fn shared_attributes_update(values: &[KeyValue]) -> Vec<u8> {
    object(values).to_string().into_bytes()
}

/// A server-side RPC call on `v1/devices/me/rpc/request/{id}`; `params_json` is JSON text
/// (anything else is sent as a string).
pub fn rpc_request(method: &str, params_json: &str) -> Vec<u8> {
    let params = serde_json::from_str::<Value>(params_json)
        .unwrap_or_else(|_| Value::String(params_json.to_owned()));
    json!({"method": method, "params": params})
        .to_string()
        .into_bytes()
}

/// A server-side RPC call to a gateway's sub-device, on `v1/gateway/rpc`.
pub fn gateway_rpc_request(device: &str, id: u64, method: &str, params_json: &str) -> Vec<u8> {
    let params = serde_json::from_str::<Value>(params_json)
        .unwrap_or_else(|_| Value::String(params_json.to_owned()));
    json!({"device": device, "data": {"id": id, "method": method, "params": params}})
        .to_string()
        .into_bytes()
}

/// A shared-attribute update for a sub-device, on `v1/gateway/attributes`.
pub fn gateway_attributes_update(device: &str, values: &[KeyValue]) -> Vec<u8> {
    json!({"device": device, "data": object(values)})
        .to_string()
        .into_bytes()
}

/// Reply on `v1/gateway/attributes/response`: `{"id", "device", "value"}` for one key,
/// `{"id", "device", "values": {…}}` for several.
pub fn gateway_attribute_response(id: i64, device: &str, values: &[KeyValue]) -> Vec<u8> {
    match values {
        [one] => json!({"id": id, "device": device, "value": value_json(&one.value)}),
        _ => json!({"id": id, "device": device, "values": object(values)}),
    }
    .to_string()
    .into_bytes()
}

/// Reply on `/provision/response`: success with an access token.
pub fn provision_success_token(token: &str) -> Vec<u8> {
    json!({"status": "SUCCESS", "credentialsType": "ACCESS_TOKEN", "credentialsValue": token})
        .to_string()
        .into_bytes()
}

/// Reply on `/provision/response`: refused.
pub fn provision_failure(message: &str) -> Vec<u8> {
    json!({"status": "FAILURE", "errorMsg": message})
        .to_string()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let kv = |k: &str, v: TbValue| KeyValue {
            key: k.into(),
            value: v,
        };
        let r = attribute_response(&[kv("fw", TbValue::Str("1".into()))], &[]);
        assert_eq!(String::from_utf8_lossy(&r), r#"{"client":{"fw":"1"}}"#);
        let r = rpc_request("set", r#"{"t":1}"#);
        assert_eq!(
            String::from_utf8_lossy(&r),
            r#"{"method":"set","params":{"t":1}}"#
        );
        let r = gateway_attribute_response(1, "A", &[kv("j", TbValue::Json("[1]".into()))]);
        assert_eq!(
            String::from_utf8_lossy(&r),
            r#"{"device":"A","id":1,"value":[1]}"#
        );
    }
}
