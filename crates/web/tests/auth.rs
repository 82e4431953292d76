//! Sign-in, sessions, CSRF, throttling, API tokens and the first-admin bootstrap.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{PASSWORD, TestApp, TestResult, body_text};

fn login(name: &str, password: &str) -> Result<Request<Body>, axum::http::Error> {
    Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"name": name, "password": password}).to_string(),
        ))
}

#[tokio::test]
async fn login_sets_a_hardened_cookie_that_opens_the_api_until_logout() -> TestResult {
    let t = TestApp::sqlite().await?;
    let response = t.send(login("zhejiang", PASSWORD)?).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .ok_or("no cookie")?
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = cookie.split(';').next().ok_or("empty cookie")?.to_owned();
    let value = session.trim_start_matches("sy_session=");
    assert_eq!(value.len(), 64, "256-bit id in hex");
    let me: Value = serde_json::from_str(&body_text(response).await?)?;
    assert_eq!(me["role"], "officer");
    assert_eq!(me["region"], "330000");
    let csrf = me["csrf_token"].as_str().ok_or("no csrf")?.to_owned();

    let me_again = t
        .send(
            Request::get("/api/v1/me")
                .header(header::COOKIE, &session)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(me_again.status(), StatusCode::OK);

    // Logout needs the CSRF token, then the session is gone.
    let no_csrf = t
        .send(
            Request::post("/api/v1/auth/logout")
                .header(header::COOKIE, &session)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    let out = t
        .send(
            Request::post("/api/v1/auth/logout")
                .header(header::COOKIE, &session)
                .header("x-csrf-token", &csrf)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = t
        .send(
            Request::get("/api/v1/me")
                .header(header::COOKIE, &session)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_throttled() -> TestResult {
    let t = TestApp::sqlite().await?;
    for attempt in 0..5 {
        let response = t.send(login("jiangsu", "wrong password!")?).await?;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
        let body: Value = serde_json::from_str(&body_text(response).await?)?;
        assert_eq!(body["code"], "bad-credentials");
    }
    // Locked now, even with the right password.
    let response = t.send(login("jiangsu", PASSWORD)?).await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    // Another account is not locked by it.
    let response = t.send(login("zhejiang", PASSWORD)?).await?;
    assert_eq!(response.status(), StatusCode::OK);
    // An unknown name reads like a wrong password.
    let response = t.send(login("nobody", PASSWORD)?).await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn api_tokens_work_without_cookies_and_are_stored_hashed() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (cookie, csrf) = t.session("xihu").await?;
    let created = t
        .send(
            Request::post("/api/v1/tokens")
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"label":"etl"}"#))?,
        )
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = serde_json::from_str(&body_text(created).await?)?;
    let token = created["token"].as_str().ok_or("no token")?.to_owned();
    assert!(token.starts_with("sy_") && token.len() == 67, "{token}");

    let me = t
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = serde_json::from_str(&body_text(me).await?)?;
    assert_eq!(me["name"], "xihu");
    assert!(me.get("csrf_token").is_none());

    // The token is scoped like its account.
    let foreign = t
        .send(
            Request::get(format!("/api/v1/enterprises/{}", support::firm_c()))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);

    // A wrong token is 401, even next to a valid cookie.
    let bad = t
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, "Bearer sy_0000")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn cross_origin_posts_are_refused() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (cookie, csrf) = t.session("admin").await?;
    let response = t
        .send(
            Request::post("/api/v1/tokens")
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"label":"x"}"#))?,
        )
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = serde_json::from_str(&body_text(response).await?)?;
    assert_eq!(body["code"], "cross-origin");
    Ok(())
}

#[tokio::test]
async fn console_login_form_signs_in_and_returns_to_the_page() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, page) = t.get(None, "/enterprises?region=330000").await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        page.contains("name=\"password\""),
        "the 401 page is the sign-in form"
    );
    let response = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "name=admin&password={}&next=%2Fenterprises",
                    PASSWORD.replace(' ', "+")
                )))?,
        )
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/enterprises")
    );
    // An open redirect is not followed.
    let response = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "name=admin&password={}&next=%2F%2Fevil.example",
                    PASSWORD.replace(' ', "+")
                )))?,
        )
        .await?;
    assert_eq!(
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/")
    );
    Ok(())
}

#[tokio::test]
async fn the_first_admin_is_bootstrapped_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    let location =
        shangyun_store::DatabaseLocation::parse(&dir.path().join("r.db").to_string_lossy())?;
    let state =
        shangyun_web::AppState::open(&location, shangyun_web::WebOptions::default()).await?;
    let password = shangyun_web::bootstrap_admin(&state.accounts)
        .await?
        .ok_or("no admin created")?;
    assert!(password.len() >= 20);
    assert_eq!(shangyun_web::bootstrap_admin(&state.accounts).await?, None);
    let admin = state
        .accounts
        .authenticate("admin", &password)
        .await?
        .ok_or("cannot sign in")?;
    assert_eq!(admin.role, shangyun_web::Role::Admin);
    assert!(admin.must_change_password);
    Ok(())
}
