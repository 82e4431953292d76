//! Account writes: password change (own, with the current password) and admin reset, API
//! token list and revoke; every account write is in the audit log with who, what, before and
//! after, and no secret ever is. Officers read the audit log of their region only.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{TestApp, TestResult, body_text, firm_a, firm_b, firm_c};

/// POST JSON as `user` with a fresh session (cookie + CSRF header).
async fn post(
    t: &TestApp,
    user: &str,
    uri: &str,
    body: Value,
) -> Result<(StatusCode, String), support::Error> {
    let (cookie, csrf) = t.session(user).await?;
    let request = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))?;
    let response = t.send(request).await?;
    let status = response.status();
    Ok((status, body_text(response).await?))
}

async fn get_bearer(
    t: &TestApp,
    token: &str,
    uri: &str,
) -> Result<(StatusCode, String), support::Error> {
    let request = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())?;
    let response = t.send(request).await?;
    let status = response.status();
    Ok((status, body_text(response).await?))
}

/// Every audit entry, as text, for secret-leak checks.
async fn whole_log(t: &TestApp) -> Result<String, support::Error> {
    let (_, log) = t.get(Some("admin"), "/api/v1/audit?limit=500").await?;
    Ok(log)
}

async fn entries_of(t: &TestApp, action: &str) -> Result<Vec<Value>, support::Error> {
    let (_, log) = t.get_json(Some("admin"), "/api/v1/audit?limit=500").await?;
    Ok(log["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["action"] == action)
                .cloned()
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test]
async fn own_password_change_needs_the_current_one_and_is_audited() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, body) = post(
        &t,
        "zhejiang",
        "/api/v1/me/password",
        json!({"current_password": "wrong-password-123", "new_password": "a-new-password-456"}),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("current_password"), "{body}");
    let (status, body) = post(
        &t,
        "zhejiang",
        "/api/v1/me/password",
        json!({"current_password": support::PASSWORD, "new_password": "short"}),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("new_password"), "{body}");
    let (cookie, _) = t.session("zhejiang").await?;
    let (status, body) = post(
        &t,
        "zhejiang",
        "/api/v1/me/password",
        json!({"current_password": support::PASSWORD, "new_password": "a-new-password-456"}),
    )
    .await?;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // Sessions opened before the change are over; the new password signs in, the old not.
    let request = Request::get("/api/v1/me")
        .header(header::COOKIE, cookie)
        .body(Body::empty())?;
    assert_eq!(t.send(request).await?.status(), StatusCode::UNAUTHORIZED);
    assert!(
        t.state
            .accounts
            .authenticate("zhejiang", "a-new-password-456")
            .await?
            .is_some()
    );
    assert!(
        t.state
            .accounts
            .authenticate("zhejiang", support::PASSWORD)
            .await?
            .is_none()
    );
    let changes = entries_of(&t, "change-password").await?;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["actor"], "zhejiang");
    assert_eq!(changes[0]["entity"], "account");
    assert_eq!(changes[0]["entity_key"], "zhejiang");
    assert_eq!(changes[0]["after"]["password"], "changed");
    let log = whole_log(&t).await?;
    for secret in ["a-new-password-456", support::PASSWORD, "$argon2"] {
        assert!(!log.contains(secret), "{secret} in the audit log");
    }
    Ok(())
}

#[tokio::test]
async fn admin_resets_a_password_to_a_one_time_password() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, body) = post(&t, "admin", "/api/v1/users/jiangsu/password", json!({})).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reply: Value = serde_json::from_str(&body)?;
    let password = reply["password"].as_str().ok_or("no password")?.to_owned();
    let principal = t
        .state
        .accounts
        .authenticate("jiangsu", &password)
        .await?
        .ok_or("one-time password refused")?;
    assert!(principal.must_change_password);
    let (status, _) = post(&t, "admin", "/api/v1/users/nobody/password", json!({})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for user in ["zhejiang", "ministry", "ent-a"] {
        let (status, _) = post(&t, user, "/api/v1/users/jiangsu/password", json!({})).await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
    let resets = entries_of(&t, "reset-password").await?;
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0]["actor"], "admin");
    assert_eq!(resets[0]["entity_key"], "jiangsu");
    assert_eq!(resets[0]["after"]["must_change_password"], true);
    assert!(!whole_log(&t).await?.contains(&password));
    Ok(())
}

#[tokio::test]
async fn tokens_are_listed_without_secrets_and_revoked() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, body) = post(&t, "xihu", "/api/v1/tokens", json!({"label": "etl"})).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = serde_json::from_str::<Value>(&body)?["token"]
        .as_str()
        .ok_or("no token")?
        .to_owned();
    let (status, list) = get_bearer(&t, &token, "/api/v1/tokens").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(!list.contains(&token[3..]), "the secret is listed: {list}");
    let list: Value = serde_json::from_str(&list)?;
    let items = list["items"].as_array().ok_or("no items")?;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["label"], "etl");
    assert!(items[0]["last_used_at"].is_i64(), "{list}");
    let id = items[0]["id"].as_i64().ok_or("no id")?;
    // Another account's token is not found, whatever its id.
    let (status, _) = post(
        &t,
        "zhejiang",
        &format!("/api/v1/tokens/{id}/revoke"),
        json!({}),
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = t.get_json(Some("zhejiang"), "/api/v1/tokens").await?;
    assert_eq!(listed["items"], json!([]));
    let (status, _) = post(&t, "xihu", "/api/v1/tokens/x/revoke", json!({})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(
        &t,
        "xihu",
        &format!("/api/v1/tokens/{id}/revoke"),
        json!({}),
    )
    .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = get_bearer(&t, &token, "/api/v1/me").await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for action in ["create-token", "revoke-token"] {
        let e = entries_of(&t, action).await?;
        assert_eq!(e.len(), 1, "{action}");
        assert_eq!(e[0]["actor"], "xihu");
        assert_eq!(e[0]["entity"], "api-token");
        assert_eq!(e[0]["entity_key"], id.to_string());
    }
    assert!(!whole_log(&t).await?.contains(&token[3..]));
    Ok(())
}

#[tokio::test]
async fn created_accounts_are_audited_without_their_password() -> TestResult {
    let t = TestApp::sqlite().await?;
    let created = entries_of(&t, "create-user").await?;
    // The fixture's nine accounts.
    assert_eq!(created.len(), t.users.len());
    let zhejiang = created
        .iter()
        .find(|e| e["entity_key"] == "zhejiang")
        .ok_or("no entry")?;
    assert_eq!(zhejiang["after"]["role"], "officer");
    assert_eq!(zhejiang["after"]["region"], "330000");
    assert!(zhejiang["before"].is_null());
    assert!(!whole_log(&t).await?.contains(support::PASSWORD));
    Ok(())
}

#[tokio::test]
async fn officers_read_the_audit_log_of_their_region_only() -> TestResult {
    for t in [Some(TestApp::sqlite().await?), TestApp::postgres().await?]
        .into_iter()
        .flatten()
    {
        // The fixture wrote one entry per firm: A and B in 浙江, C in 江苏.
        let keys = |page: &Value| -> Vec<String> {
            page["items"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|e| e["entity_key"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (_, zhejiang) = t.get_json(Some("zhejiang"), "/api/v1/audit").await?;
        let mut got = keys(&zhejiang);
        got.sort();
        let mut want = vec![firm_a(), firm_b()];
        want.sort();
        assert_eq!(got, want, "{zhejiang}");
        let (_, jiangsu) = t.get_json(Some("jiangsu"), "/api/v1/audit").await?;
        assert_eq!(keys(&jiangsu), vec![firm_c()]);
        // Paging: one at a time, newest first, never leaving the region.
        let (_, first) = t
            .get_json(Some("zhejiang"), "/api/v1/audit?limit=1")
            .await?;
        let before = first["next_before"].as_i64().ok_or("no next_before")?;
        let (_, second) = t
            .get_json(
                Some("zhejiang"),
                &format!("/api/v1/audit?limit=1&before={before}"),
            )
            .await?;
        let mut both = [keys(&first), keys(&second)].concat();
        both.sort();
        assert_eq!(both, want);
        // Asking for a 江苏 firm's entries by USCC is refused.
        let (status, _) = t
            .get_json(
                Some("zhejiang"),
                &format!("/api/v1/audit?uscc={}", firm_c()),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Account entries are not about a region: admins see them, region officers do not.
        assert!(!keys(&zhejiang).iter().any(|k| k == "jiangsu"));
        let (status, _) = t
            .get_json(Some("zhejiang"), "/api/v1/audit?before=0")
            .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    Ok(())
}
