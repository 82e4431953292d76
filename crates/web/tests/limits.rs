//! Every route that takes a body refuses one over the limit with 413, announced or not, before
//! any handler work: walked over the whole route table, so a new POST route is covered.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shangyun_web::WebOptions;
use shangyun_web::routes::{ROUTES, Verb};
use support::{TestApp, TestResult, body_text};

#[tokio::test]
async fn every_post_route_refuses_an_oversized_body() -> TestResult {
    let t = TestApp::sqlite_with(WebOptions {
        body_limit: 1024,
        upload_limit: 2048,
        ..WebOptions::default()
    })
    .await?;
    let big = "x".repeat(8192);
    let mut walked = 0;
    for route in ROUTES.iter().filter(|r| r.verb == Verb::Post) {
        let uri = route
            .path
            .replace("{id}", "1")
            .replace("{name}", "expert")
            .replace("{token}", "no-such-device")
            .replace("{uscc}", &support::firm_a());
        for user in [None, Some("admin")] {
            let mut request = Request::post(&uri)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, big.len());
            if let Some(user) = user {
                let (cookie, csrf) = t.session(user).await?;
                request = request
                    .header(header::COOKIE, cookie)
                    .header("x-csrf-token", csrf);
            }
            let response = t.send(request.body(Body::from(big.clone()))?).await?;
            let status = response.status();
            let body = body_text(response).await?;
            assert_eq!(
                status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{route:?} as {user:?}: {body}"
            );
            if route.is_api() {
                let error: serde_json::Value = serde_json::from_str(&body)?;
                assert!(
                    error["code"].is_string() && error["message_en"].is_string(),
                    "{body}"
                );
            }
        }
        walked += 1;
    }
    assert!(walked >= 8, "only {walked} POST routes");
    // Not announced (chunked): the JSON routes that read a body count what arrives.
    for uri in [
        "/api/v1/tokens",
        "/api/v1/me/password",
        "/api/v1/auth/login",
    ] {
        let (cookie, csrf) = t.session("admin").await?;
        let response = t
            .send(
                Request::post(uri)
                    .header(header::COOKIE, cookie)
                    .header("x-csrf-token", csrf)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(big.clone()))?,
            )
            .await?;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
    }
    Ok(())
}

#[tokio::test]
async fn an_unsupported_method_on_a_known_path_is_405_not_500() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (cookie, _) = t.session("admin").await?;
    for (method, path) in [
        ("TRACE", "/api/v1/enterprises"),
        ("DELETE", "/api/v1/me"),
        ("PUT", "/api/v1/tokens"),
        ("TRACE", "/api/v1/openapi.json"),
    ] {
        let response = t
            .send(
                Request::builder()
                    .method(method)
                    .uri(path)
                    .header(header::COOKIE, cookie.as_str())
                    .body(Body::empty())?,
            )
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
    }
    Ok(())
}
