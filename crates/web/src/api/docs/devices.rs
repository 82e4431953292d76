//! The device-facing provisioning and the server-side RPC operations of the document.

use super::op;
use serde_json::{Value, json};

/// Adds the operations and their schemas to `doc`.
pub(super) fn add(doc: &mut Value) {
    let error = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let with = |d: &str| {
        let mut v = error.clone();
        v["description"] = json!(d);
        v
    };
    let provision_response = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProvisionResponse"}}}});
    let described = |d: &str| {
        let mut v = provision_response.clone();
        v["description"] = json!(d);
        v
    };
    let paths = json!({
        "/api/v1/provision": {"post": op("Device provisioning, ThingsBoard HTTP API: the device presents a provisioning key and secret (POST /api/v1/provision-keys) and gets credentials of its own; the device is created in the key's enterprise with the key's type and audited (device.provision). No session: the key and secret are the credential; refused pairs are throttled per client address (429)", json!([]), json!({
            "200": described("SUCCESS with credentialsType and credentialsValue (an access token, or {clientId, userName, password} for MQTT_BASIC); or NOT_FOUND / FAILURE with errorMsg, nothing created (ThingsBoard answers refusals with 200 too)"),
            "400": described("not a provisioning request (FAILURE with errorMsg); nothing created"),
            "429": with("too many refused requests from this address"),
            "503": described("the store failed or device ingest is off; nothing created, retry")
        }), json!({"security": [], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProvisionRequest"}}}}}))},
        "/api/v1/devices/{id}/rpc": {"post": op("Server-side RPC (ThingsBoard rpc/twoway|oneway): sends {method, params} to the device as v1/devices/me/rpc/request/{n} (or through its gateway) via this node's MQTT endpoint. Two-way: 200 with the device's answer; one-way: 202 once handed to its connection. Audited (device.rpc)", json!([
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
        ]), json!({
            "200": {"description": "the device's answer (its JSON)", "content": {"application/json": {"schema": {}}}},
            "202": {"description": "one-way request handed to the device's connection"},
            "404": with("no such device"),
            "409": with("the device is not connected to this node, has not subscribed to RPC requests, or no MQTT endpoint runs on this node"),
            "503": with("the device's connection is busy; retry"),
            "504": with("the device did not answer within timeout_ms, or disconnected first")
        }), json!({"requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RpcBody"}}}}}))}
    });
    let schemas = json!({
        "ProvisionRequest": {"type": "object", "required": ["provisionDeviceKey", "provisionDeviceSecret"], "properties": {
            "deviceName": {"type": "string", "description": "generated when absent"},
            "provisionDeviceKey": {"type": "string"}, "provisionDeviceSecret": {"type": "string"},
            "credentialsType": {"type": "string", "enum": ["ACCESS_TOKEN", "MQTT_BASIC"]},
            "token": {"type": "string", "description": "ACCESS_TOKEN chosen by the device (16-128 printable characters)"},
            "clientId": {"type": "string"}, "username": {"type": "string"}, "password": {"type": "string"}
        }},
        "ProvisionResponse": {"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": ["SUCCESS", "NOT_FOUND", "FAILURE"]},
            "credentialsType": {"type": "string", "enum": ["ACCESS_TOKEN", "MQTT_BASIC"]},
            "credentialsValue": {"description": "the access token, or {clientId, userName, password}"},
            "errorMsg": {"type": "string"}
        }},
        "RpcBody": {"type": "object", "required": ["method"], "additionalProperties": false, "properties": {
            "method": {"type": "string", "minLength": 1, "maxLength": 256},
            "params": {"description": "any JSON (default null)"},
            "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 60000, "default": 10000},
            "oneway": {"type": "boolean", "default": false}
        }}
    });
    super::merge(doc, paths, schemas);
}
