//! The OpenAPI 3 document (`/api/v1/openapi.json`), written by hand, and a browsable page of
//! it rendered on the server (no external assets). A test checks that it lists exactly the
//! API routes of [`crate::routes::ROUTES`].

use axum::Json;
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use serde_json::{Value, json};
use std::sync::LazyLock;

mod devices;
mod energy;

fn error_responses() -> Value {
    let e = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let with = |d: &str| {
        let mut v = e.clone();
        v["description"] = json!(d);
        v
    };
    json!({
        "400": with("invalid parameters (per-field errors)"),
        "401": with("no valid session or token"),
        "403": with("role not allowed, or outside the caller's scope"),
        "413": with("request body too large"),
    })
}

fn op(summary: &str, params: Value, ok: Value, extra: Value) -> Value {
    let mut responses = error_responses();
    if let (Some(r), Some(ok)) = (responses.as_object_mut(), ok.as_object()) {
        for (k, v) in ok {
            r.insert(k.clone(), v.clone());
        }
    }
    let mut o = json!({"summary": summary, "parameters": params, "responses": responses});
    if let (Some(o), Some(extra)) = (o.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    o
}

fn q(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn body(schema: &str) -> Value {
    json!({"requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

fn ok(code: &str, schema: &str) -> Value {
    json!({code: {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

/// Adds `paths` and `schemas` (JSON objects) to the document under construction.
fn merge(doc: &mut Value, paths: Value, schemas: Value) {
    for (into, from) in [("paths", paths), ("schemas", schemas)] {
        let target = if into == "paths" {
            &mut doc["paths"]
        } else {
            &mut doc["components"]["schemas"]
        };
        if let (Some(t), Value::Object(f)) = (target.as_object_mut(), from) {
            t.extend(f);
        }
    }
}

/// The document.
pub fn document() -> &'static Value {
    static DOC: LazyLock<Value> = LazyLock::new(build);
    &DOC
}

fn build() -> Value {
    let string = json!({"type": "string"});
    let public = json!({"security": []});
    let device_id =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let device_token = json!({"name": "token", "in": "path", "required": true, "description": "the device's access token", "schema": {"type": "string"}});
    let device_body = json!({"security": [], "requestBody": {"required": true, "content": {"application/json": {"schema": {}}}}});
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "shangyun (上云) API",
            "version": "1",
            "description": "The enterprise registry (一企一档) of the SME digital-transformation programme. Errors share one shape: {code, message_zh, message_en, fields}. Authenticate with the session cookie (browser; writes need X-CSRF-Token) or Authorization: Bearer <API token>."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": op("This document", json!([]), json!({"200": {"description": "OpenAPI 3 document"}}), public.clone())},
            "/api/v1/docs": {"get": op("This document as a page", json!([]), json!({"200": {"description": "HTML"}}), public.clone())},
            "/api/v1/auth/login": {"post": op("Sign in; sets the session cookie", json!([]), ok("200", "Me"), {
                let mut b = body("LoginBody");
                b["security"] = json!([]);
                b
            })},
            "/api/v1/auth/logout": {"post": op("Sign out", json!([]), json!({"204": {"description": "signed out"}}), json!({}))},
            "/api/v1/me": {"get": op("The signed-in account", json!([]), ok("200", "Me"), json!({}))},
            "/api/v1/tokens": {
                "post": op("Issue an API token for oneself (shown once; audited without the secret)", json!([]), ok("201", "NewToken"), body("TokenBody")),
                "get": op("One's own API tokens: labels and dates, never the secrets", json!([]), ok("200", "TokenList"), json!({}))
            },
            "/api/v1/tokens/{id}/revoke": {"post": op("Revoke one of one's own API tokens (404 for any other); audited", json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
            ]), {
                let mut r = json!({"204": {"description": "revoked"}});
                r["404"] = json!({"description": "no such token of yours", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r
            }, json!({}))},
            "/api/v1/me/password": {"post": op("Change one's own password with the current one; every session of the account ends (API tokens stay); audited without the passwords", json!([]), json!({"204": {"description": "changed; sign in again"}}), body("PasswordBody"))},
            "/api/v1/users/{name}/password": {"post": op("Admin: reset an account's password to a one-time password (shown once, must be changed at sign-in); its sessions end; audited without the password", json!([
                {"name": "name", "in": "path", "required": true, "schema": string.clone()}
            ]), {
                let mut r = ok("200", "OneTimePassword");
                r["404"] = json!({"description": "no such account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r
            }, json!({}))},
            "/api/v1/enterprises": {"get": op("Search the registry within the caller's scope: filters, a name fragment, a sort order, keyset paging", json!([
                q("q", "USCC (exact) or part of the name (exact substring, at most 100 characters; 3 or more use the name index)", json!({"type": "string", "maxLength": 100})),
                q("region", "GB/T 2260 code; its subtree (narrowed to the caller's region)", json!({"type": "string", "pattern": "^[0-9]{2}([0-9]{2}){0,2}$"})),
                q("industry", "GB/T 4754-2017 code prefixes, comma-separated", string.clone()),
                q("size", "size classes, comma-separated: large, medium, small, micro", string.clone()),
                q("tier", "eligible for any of: innovative, specialized, little-giant", string.clone()),
                q("candidate", "not ruled out for any of these tiers", string.clone()),
                q("year", "year whose size class and verdicts are filtered (default: latest)", json!({"type": "integer", "minimum": 1949, "maximum": 2100})),
                q("after", "cursor: next_after of the previous page (same sort); a bare USCC continues a USCC-ordered listing", string.clone()),
                q("cursor", "the same as after", string.clone()),
                q("limit", "page size", json!({"type": "integer", "minimum": 1, "maximum": 200, "default": 50})),
                q("sort", "order: uscc (default), name (code-point order) or region; a leading - sorts descending; USCC breaks ties", json!({"type": "string", "enum": ["uscc", "name", "region", "-uscc", "-name", "-region"]})),
                q("order", "direction: asc (default) or desc", json!({"type": "string", "enum": ["asc", "desc"]})),
                q("total", "also count the matches", json!({"type": "boolean"}))
            ]), ok("200", "ResultPage"), json!({}))},
            "/api/v1/enterprises/{uscc}": {"get": op("One enterprise's file (一企一档) with size and tier verdicts and their explanations", json!([
                {"name": "uscc", "in": "path", "required": true, "schema": string.clone()}
            ]), {
                let mut r = ok("200", "EnterpriseFile");
                r["404"] = json!({"description": "no such enterprise", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r
            }, json!({}))},
            "/api/v1/audit": {"get": op("Audit log, newest first: who, when, what, before and after. Region officers read the entries about enterprises of their region; account and registry-wide entries are for admins and ministry officers", json!([
                q("uscc", "only entries about this enterprise", string.clone()),
                q("before", "only entries older than this id (next_before of the previous page)", json!({"type": "integer", "minimum": 1})),
                q("limit", "entries", json!({"type": "integer", "minimum": 1, "maximum": 500, "default": 50}))
            ]), ok("200", "AuditPage"), json!({}))},
            "/api/v1/devices": {
                "get": op("Devices within the caller's scope (enterprise: its own; officer: enterprises registered in its region)", json!([
                    q("enterprise", "only this enterprise (USCC)", string.clone()),
                    q("type", "device type", string.clone()),
                    q("name", "name contains", string.clone()),
                    q("gateway", "sub-devices of this gateway id", json!({"type": "integer"})),
                    q("limit", "page size", json!({"type": "integer", "minimum": 1, "maximum": 1000, "default": 100})),
                    q("offset", "skip", json!({"type": "integer", "minimum": 0}))
                ]), ok("200", "DeviceList"), json!({})),
                "post": op("Register a device: {name, enterprise, device_type, is_gateway, label, credentials: {type: access_token [token] | mqtt_basic {client_id, username, password} | none}}; 201 with the credentials issued (a token is shown once)", json!([]), ok("201", "NewDevice"), json!({"requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}}))
            },
            "/api/v1/devices/{id}": {"get": op("One device: identity, credential kind (never the secret), presence", json!([device_id.clone()]), ok("200", "Device"), json!({}))},
            "/api/v1/devices/{id}/token/rotate": {"post": op("Issue a new access token (shown once); the old one stops working", json!([device_id.clone()]), ok("200", "NewDevice"), json!({}))},
            "/api/v1/devices/{id}/revoke": {"post": op("Remove every credential of the device", json!([device_id.clone()]), ok("200", "Device"), json!({}))},
            "/api/v1/devices/{id}/attributes": {"post": op("Set shared attributes (a JSON object); pushed to the device when connected", json!([device_id.clone()]), json!({"204": {"description": "stored"}}), json!({"requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}}))},
            "/api/v1/provision-keys": {
                "get": op("Provisioning keys within the caller's scope (never their secrets)", json!([q("enterprise", "only this enterprise", string.clone())]), ok("200", "DeviceList"), json!({})),
                "post": op("Create a provisioning key {enterprise, device_type}; 201 with provisionDeviceKey and provisionDeviceSecret (shown once)", json!([]), ok("201", "NewDevice"), json!({"requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}}))
            },
            "/api/v1/device-types": {"get": op("Device types (thing models): properties with unit and range, energy role, production equipment, business links, alarm rules", json!([]), ok("200", "DeviceList"), json!({}))},
            "/api/v1/alarms": {"get": op("Alarms within the caller's scope, newest first", json!([
                q("active", "only active (not cleared) alarms", json!({"type": "boolean"})),
                q("device", "only this device id", json!({"type": "integer"})),
                q("enterprise", "only this enterprise", string.clone()),
                q("limit", "entries", json!({"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}))
            ]), ok("200", "DeviceList"), json!({}))},
            "/api/v1/alarms/{id}/ack": {"post": op("Acknowledge an alarm (the first acknowledgement is kept)", json!([device_id.clone()]), ok("200", "Device"), json!({}))},
            "/api/v1/{token}/telemetry": {"post": op("Device telemetry, ThingsBoard HTTP device API: {\"k\": v}, {\"ts\": ms, \"values\": {…}} or an array of those. The device's access token is the credential (no session). 200 with an empty body only once the points are durable; 503 (Retry-After) when nothing could be stored", json!([device_token.clone()]), json!({"200": {"description": "stored durably"}, "503": {"description": "not stored; retry"}}), device_body.clone())},
            "/api/v1/{token}/attributes": {"post": op("Device client attributes, ThingsBoard HTTP device API: {\"name\": value, …}; 200 once stored", json!([device_token]), json!({"200": {"description": "stored"}, "503": {"description": "not stored; retry"}}), device_body)}
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "sy_session"}
            },
            "schemas": {
                "Error": {"type": "object", "required": ["code", "message_zh", "message_en", "fields"], "properties": {
                    "code": {"type": "string"}, "message_zh": {"type": "string"}, "message_en": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}
                }},
                "LoginBody": {"type": "object", "required": ["name", "password"], "additionalProperties": false, "properties": {"name": {"type": "string"}, "password": {"type": "string"}}},
                "TokenBody": {"type": "object", "required": ["label"], "additionalProperties": false, "properties": {"label": {"type": "string", "minLength": 1, "maxLength": 100}}},
                "TokenList": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "label": {"type": "string"}, "created_at": {"type": "integer"}, "last_used_at": {"type": "integer", "nullable": true}
                }}}}},
                "PasswordBody": {"type": "object", "required": ["current_password", "new_password"], "additionalProperties": false, "properties": {
                    "current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 12, "maxLength": 1024}
                }},
                "OneTimePassword": {"type": "object", "properties": {"name": {"type": "string"}, "password": {"type": "string"}}},
                "DeviceList": {"type": "array", "items": {"type": "object"}},
                "Device": {"type": "object"},
                "NewDevice": {"type": "object"},
                "NewToken": {"type": "object", "properties": {"token": {"type": "string"}, "label": {"type": "string"}}},
                "Me": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"},
                    "role": {"type": "string", "enum": ["admin", "officer", "enterprise", "provider", "expert"]},
                    "region": {"type": "string", "nullable": true}, "provider": {"type": "string", "nullable": true},
                    "enterprises": {"type": "array", "items": {"type": "string"}},
                    "must_change_password": {"type": "boolean"}, "role_zh": {"type": "string"}, "role_en": {"type": "string"},
                    "csrf_token": {"type": "string"}
                }},
                "Summary": {"type": "object", "properties": {
                    "uscc": {"type": "string"}, "name": {"type": "string"},
                    "region": {"type": "object"}, "industry": {"type": "object"},
                    "year": {"type": "integer", "nullable": true}, "size_class": {"type": "string", "nullable": true},
                    "eligible_for": {"type": "array", "items": {"type": "string"}}
                }},
                "ResultPage": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Summary"}},
                    "next_after": {"type": "string", "nullable": true},
                    "total": {"type": "integer", "nullable": true}
                }},
                "EnterpriseFile": {"type": "object", "properties": {
                    "enterprise": {"type": "object"}, "figures": {"type": "array", "items": {"type": "object"}},
                    "titles": {"type": "array", "items": {"type": "object"}},
                    "derived": {"type": "array", "items": {"type": "object"}, "description": "per year: size_class, size_edition, size_explanation, tiers[{tier, edition, outcome, explanation}]"},
                    "labels": {"type": "object"}
                }},
                "AuditPage": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "actor": {"type": "string"},
                    "action": {"type": "string"}, "entity": {"type": "string"}, "entity_key": {"type": "string"},
                    "before": {"nullable": true}, "after": {"nullable": true}
                }}}, "next_before": {"type": "integer", "nullable": true}}}
            }
        }
    });
    energy::add(&mut doc);
    devices::add(&mut doc);
    doc
}

pub async fn openapi_json() -> Json<&'static Value> {
    Json(document())
}

/// The document as a page: every operation with its parameters.
pub async fn page() -> Response {
    let doc = document();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let markup = html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "shangyun API v1" }
                style { (maud::PreEscaped(crate::console::layout::CSS)) }
            }
            body {
                main {
                    h1 { "shangyun (上云) API v1" }
                    p { (doc["info"]["description"].as_str().unwrap_or_default()) }
                    p { a href="/api/v1/openapi.json" { "openapi.json" } }
                    @for (path, ops) in &paths {
                        @if let Some(ops) = ops.as_object() {
                            @for (method, o) in ops {
                                section.card {
                                    h2 { code { (method.to_uppercase()) " " (path) } }
                                    p { (o["summary"].as_str().unwrap_or_default()) }
                                    @if let Some(params) = o["parameters"].as_array().filter(|p| !p.is_empty()) {
                                        table {
                                            tr { th { "parameter" } th { "in" } th { "description" } }
                                            @for p in params {
                                                tr {
                                                    td { code { (p["name"].as_str().unwrap_or_default()) } }
                                                    td { (p["in"].as_str().unwrap_or_default()) }
                                                    td { (p["description"].as_str().unwrap_or_default()) }
                                                }
                                            }
                                        }
                                    }
                                    p.muted { "responses: "
                                        @if let Some(r) = o["responses"].as_object() {
                                            @for code in r.keys() { code { (code) } " " }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Html(markup.into_string()).into_response()
}
