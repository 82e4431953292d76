//! Device management over the API: enterprises manage their own devices, officers read within
//! their region, writes are audited with the account, secrets are shown once.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use shangyun_devices::{DeviceDirectory, DeviceId};
use support::{TestApp, TestResult, firm_a, firm_c};

async fn post(
    t: &TestApp,
    user: &str,
    uri: &str,
    body: Value,
) -> Result<(StatusCode, Value), Box<dyn std::error::Error + Send + Sync>> {
    let (cookie, csrf) = t.session(user).await?;
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))?;
    let response = t.send(request).await?;
    let status = response.status();
    let text = support::body_text(response).await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn enterprises_manage_their_own_devices_and_officers_read_their_region() -> TestResult {
    let t = TestApp::sqlite().await?;
    // an enterprise registers a device of its own: 201 and a token shown once
    let (status, body) = post(
        &t,
        "ent-a",
        "/api/v1/devices",
        json!({"name": "CNC 1", "enterprise": firm_a(), "device_type": "cnc-machine"}),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["device"]["id"].as_i64().ok_or("no id")?;
    let token = body["issued"]["token"]
        .as_str()
        .ok_or("no token")?
        .to_owned();
    let store = t.state.device_store.clone().ok_or("no device store")?;
    assert!(
        store
            .authenticate(shangyun_devices::Credential::AccessToken(&token))
            .await?
            .is_some()
    );
    // … but not for another enterprise, nor without one
    let (status, _) = post(
        &t,
        "ent-a",
        "/api/v1/devices",
        json!({"name": "x", "enterprise": firm_c()}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&t, "ent-a", "/api/v1/devices", json!({"name": "x"})).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // bad input is a 400 naming the problem; a duplicate name a 409
    let (status, body) = post(
        &t,
        "ent-a",
        "/api/v1/devices",
        json!({"name": "y", "enterprise": firm_a(), "device_type": "nope"}),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = post(
        &t,
        "ent-a",
        "/api/v1/devices",
        json!({"name": "CNC 1", "enterprise": firm_a()}),
    )
    .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    // firm C's device, registered by the administrator
    let (status, _) = post(
        &t,
        "admin",
        "/api/v1/devices",
        json!({"name": "Meter C", "enterprise": firm_c()}),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED);
    // reads by scope
    let (_, list) = t.get_json(Some("ent-a"), "/api/v1/devices").await?;
    assert_eq!(names(&list), ["CNC 1"]);
    let (_, list) = t.get_json(Some("zhejiang"), "/api/v1/devices").await?;
    assert_eq!(names(&list), ["CNC 1"]);
    let (_, list) = t.get_json(Some("jiangsu"), "/api/v1/devices").await?;
    assert_eq!(names(&list), ["Meter C"]);
    let (_, list) = t.get_json(Some("admin"), "/api/v1/devices").await?;
    assert_eq!(names(&list).len(), 2);
    let (status, _) = t
        .get_json(Some("ent-c"), &format!("/api/v1/devices/{id}"))
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t
        .get_json(Some("jiangsu"), &format!("/api/v1/devices/{id}"))
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, dev) = t
        .get_json(Some("xihu"), &format!("/api/v1/devices/{id}"))
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dev["credentials"], "access_token");
    assert!(!dev.to_string().contains(&token), "a read shows no secret");
    // officers read but do not write
    let (status, _) = post(
        &t,
        "zhejiang",
        &format!("/api/v1/devices/{id}/token/rotate"),
        json!({}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // rotate: the old token stops working
    let (status, body) = post(
        &t,
        "ent-a",
        &format!("/api/v1/devices/{id}/token/rotate"),
        json!({}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let new = body["token"].as_str().ok_or("no token")?;
    assert!(
        store
            .authenticate(shangyun_devices::Credential::AccessToken(&token))
            .await?
            .is_none()
    );
    assert!(
        store
            .authenticate(shangyun_devices::Credential::AccessToken(new))
            .await?
            .is_some()
    );
    // shared attributes reach the directory (and its subscribers)
    let mut updates = store.shared_updates();
    let (status, _) = post(
        &t,
        "ent-a",
        &format!("/api/v1/devices/{id}/attributes"),
        json!({"targetRpm": 1200}),
    )
    .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(updates.recv().await?.device, DeviceId(id));
    // revoke
    let (status, dev) = post(
        &t,
        "ent-a",
        &format!("/api/v1/devices/{id}/revoke"),
        json!({}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dev["credentials"], "none");
    // every write audited with the account's name, no secret in the log
    let log = store.audit_log(Some(DeviceId(id)), 50).await?;
    let actions: Vec<(&str, &str)> = log
        .iter()
        .rev()
        .map(|a| (a.action.as_str(), a.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("device.add", "user:ent-a"),
            ("device.token_rotate", "user:ent-a"),
            ("device.revoke", "user:ent-a")
        ]
    );
    let text = serde_json::to_string(&log)?;
    assert!(!text.contains(&token) && !text.contains(new));
    Ok(())
}

#[tokio::test]
async fn provisioning_keys_and_alarms_follow_the_scope() -> TestResult {
    let t = TestApp::sqlite().await?;
    support::device_of_firm_a(&t).await?;
    let (status, body) = post(
        &t,
        "ent-a",
        "/api/v1/provision-keys",
        json!({"enterprise": firm_a(), "device_type": "electricity-meter"}),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let secret = body["provisionDeviceSecret"]
        .as_str()
        .ok_or("no secret")?
        .to_owned();
    let (_, keys) = t.get_json(Some("ent-a"), "/api/v1/provision-keys").await?;
    assert_eq!(keys.as_array().map(Vec::len), Some(1));
    assert!(!keys.to_string().contains(&secret));
    let (_, keys) = t.get_json(Some("ent-c"), "/api/v1/provision-keys").await?;
    assert_eq!(keys.as_array().map(Vec::len), Some(0));
    // alarms: firm A's alarm is visible to its enterprise and its region, not to others
    let (_, alarms) = t
        .get_json(Some("ent-a"), "/api/v1/alarms?active=true")
        .await?;
    assert_eq!(alarms.as_array().map(Vec::len), Some(1), "{alarms}");
    let (_, alarms) = t.get_json(Some("jiangsu"), "/api/v1/alarms").await?;
    assert_eq!(alarms.as_array().map(Vec::len), Some(0));
    let (status, _) = post(&t, "ent-c", "/api/v1/alarms/1/ack", json!({})).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&t, "zhejiang", "/api/v1/alarms/1/ack", json!({})).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, alarm) = post(&t, "ent-a", "/api/v1/alarms/1/ack", json!({})).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(alarm["acked_by"], "user:ent-a");
    let (status, types) = t.get_json(Some("provider"), "/api/v1/device-types").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(types.as_array().map(Vec::len), Some(5));
    Ok(())
}
