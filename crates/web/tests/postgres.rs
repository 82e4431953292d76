//! The same server on PostgreSQL: account tables migrate beside the registry's, sign-in,
//! scoped search, the enterprise file and the audit log work alike.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{PASSWORD, TestApp, TestResult, body_text, firm_a, firm_c};

#[tokio::test]
async fn postgres_backend_serves_the_same_api() -> TestResult {
    let Some(t) = TestApp::postgres().await? else {
        return Ok(());
    };
    let response = t
        .send(
            Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"name": "zhejiang", "password": PASSWORD}).to_string(),
                ))?,
        )
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no cookie")?
        .to_owned();
    let get = |uri: String| {
        Request::get(uri)
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
    };
    let page: Value = serde_json::from_str(
        &body_text(
            t.send(get("/api/v1/enterprises?total=true".into())?)
                .await?,
        )
        .await?,
    )?;
    assert_eq!(page["total"], 2, "{page}");
    let own = t
        .send(get(format!("/api/v1/enterprises/{}", firm_a()))?)
        .await?;
    assert_eq!(own.status(), StatusCode::OK);
    let foreign = t
        .send(get(format!("/api/v1/enterprises/{}", firm_c()))?)
        .await?;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let audit: Value =
        serde_json::from_str(&body_text(t.send(get("/api/v1/audit".into())?).await?).await?)?;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2), "{audit}");
    let (cookie_e, csrf_e) = t.session("ent-a").await?;
    let token = t
        .send(
            Request::post("/api/v1/tokens")
                .header(header::COOKIE, cookie_e)
                .header("x-csrf-token", csrf_e)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"label":"pg"}"#))?,
        )
        .await?;
    assert_eq!(token.status(), StatusCode::CREATED);
    Ok(())
}
