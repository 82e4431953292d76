//! Hostile input: injection probes in every search and filter parameter are inert (no 5xx,
//! nothing unescaped, the registry intact); oversized bodies get 413.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shangyun_web::WebOptions;
use support::{HOSTILE_NAME, TestApp, TestResult, body_text, firm_b};

const PROBES: &[&str] = &[
    "' OR '1'='1",
    "1; DROP TABLE enterprises; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "%",
    "_",
    "\\",
    "33%' --",
    "330000' UNION SELECT password_hash FROM web_users --",
];

const PARAMS: &[&str] = &[
    "q",
    "region",
    "industry",
    "size",
    "tier",
    "candidate",
    "year",
    "after",
    "limit",
    "sort",
    "total",
];

fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn injection_probes_in_every_parameter_are_inert() -> TestResult {
    let t = TestApp::sqlite().await?;
    for path in [
        "/api/v1/enterprises",
        "/enterprises",
        "/api/v1/audit",
        "/audit",
    ] {
        for param in PARAMS.iter().chain(["uscc"].iter()) {
            for probe in PROBES {
                let uri = format!("{path}?{param}={}", encode(probe));
                let (cookie, _) = t.session("zhejiang").await?;
                let response = t
                    .send(
                        Request::get(&uri)
                            .header(header::COOKIE, cookie)
                            .body(Body::empty())?,
                    )
                    .await?;
                let status = response.status();
                let content_type = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let body = body_text(response).await?;
                assert!(
                    matches!(status.as_u16(), 200 | 400 | 403 | 404),
                    "{uri}: {status} {body}"
                );
                if path.starts_with("/api/") {
                    // Errors may quote the value back, as JSON data a browser never renders.
                    assert_eq!(content_type, "application/json", "{uri}");
                } else {
                    assert!(!body.contains("<script>alert"), "{uri} echoed a script");
                    assert!(!body.contains("<img src=x"), "{uri} echoed markup");
                }
                assert!(!body.contains("$argon2"), "{uri} leaked a hash");
                assert!(!body.contains("南京丙制造"), "{uri} leaked a foreign firm");
            }
        }
    }
    let (_, page) = t
        .get_json(Some("admin"), "/api/v1/enterprises?total=true")
        .await?;
    assert_eq!(page["total"], 3, "the registry is intact");
    Ok(())
}

#[tokio::test]
async fn stored_markup_is_escaped_in_the_console() -> TestResult {
    let t = TestApp::sqlite().await?;
    for uri in [
        "/enterprises".to_owned(),
        format!("/enterprises/{}", firm_b()),
    ] {
        let (status, body) = t.get(Some("admin"), &uri).await?;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            !body.contains(HOSTILE_NAME),
            "{uri} shows the name unescaped"
        );
        assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{uri}");
    }
    Ok(())
}

#[tokio::test]
async fn oversized_bodies_get_413() -> TestResult {
    let t = TestApp::sqlite_with(WebOptions {
        body_limit: 1024,
        ..WebOptions::default()
    })
    .await?;
    let big = "x".repeat(4096);
    // Announced by Content-Length: refused before reading.
    let announced = t
        .send(
            Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, big.len())
                .body(Body::from(big.clone()))?,
        )
        .await?;
    assert_eq!(announced.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = serde_json::from_str(&body_text(announced).await?)?;
    assert_eq!(body["code"], "too-large");
    // Not announced: refused while reading.
    for path in ["/api/v1/auth/login", "/login"] {
        let unannounced = t
            .send(Request::post(path).body(Body::from(big.clone()))?)
            .await?;
        assert_eq!(
            unannounced.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{path}"
        );
    }
    // A form post with a session: the CSRF check reads the body within the limit too.
    let (cookie, _) = t.session("admin").await?;
    let form = t
        .send(
            Request::post("/logout")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={big}")))?,
        )
        .await?;
    assert_eq!(form.status(), StatusCode::PAYLOAD_TOO_LARGE);
    Ok(())
}

#[tokio::test]
async fn unknown_api_paths_answer_in_the_error_shape() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, body) = t.get_json(None, "/api/v1/nothing-here").await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not-found");
    assert!(body["fields"].is_array());
    Ok(())
}
