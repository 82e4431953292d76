//! The authorization table test: every route of `ROUTES`, requested by every kind of
//! account (and by nobody), is allowed or refused exactly as the table and the account's
//! scope say. A route without a sample request here fails the test, so a new route cannot
//! go untested.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use shangyun_web::jobs::{JobOutcome, Phase};
use shangyun_web::routes::{self, Permission, ROUTES, Route, Verb};
use shangyun_web::scope::Scope;
use support::{TestApp, TestResult, firm_a};

/// What the sample request of a route touches, to decide whether a scoped account may.
enum Target {
    /// No data beyond the caller's own scope (a listing without a foreign filter).
    Own,
    /// The registry under this region code.
    Region(&'static str),
    /// One enterprise registered in `region`.
    Enterprise { uscc: String, region: &'static str },
}

/// The request each route is walked with, as `user` with a fresh session (cookie, csrf).
fn sample(
    route: &Route,
    session: Option<&(String, String)>,
    job: &str,
) -> Result<(Request<Body>, Target), axum::http::Error> {
    let a = firm_a();
    let csrf = session.map(|s| s.1.as_str()).unwrap_or("");
    let (uri, body, content_type, target): (String, Body, Option<&str>, Target) = match (
        route.verb, route.path,
    ) {
        (Verb::Get, "/api/v1/openapi.json")
        | (Verb::Get, "/api/v1/docs")
        | (Verb::Get, "/assets/htmx.min.js")
        | (Verb::Get, "/login")
        | (Verb::Get, "/")
        | (Verb::Get, "/api/v1/me")
        | (Verb::Get, "/api/v1/audit")
        | (Verb::Get, "/audit")
        | (Verb::Get, "/imports") => (route.path.to_owned(), Body::empty(), None, Target::Own),
        // The caller's own job (one is recorded for every account before the walk).
        (Verb::Get, "/imports/{id}") | (Verb::Get, "/imports/{id}/report") => (
            route.path.replace("{id}", job) + "?format=csv",
            Body::empty(),
            None,
            Target::Own,
        ),
        // A small upload; the form token is its first part, as the console sends it.
        (Verb::Post, "/imports") => (
            route.path.to_owned(),
            Body::from(format!(
                "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
                     --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"walk.csv\"\r\n\r\n\
                     统一社会信用代码,企业名称,注册地区划代码,行业代码\n\r\n--B--\r\n"
            )),
            Some("multipart/form-data; boundary=B"),
            Target::Own,
        ),
        (Verb::Get, "/export") => (
            "/export?region=330000&format=csv".to_owned(),
            Body::empty(),
            None,
            Target::Region("330000"),
        ),
        // Malformed on purpose: the layer's verdict is what is tested, not the password.
        (Verb::Post, "/api/v1/auth/login") => (
            route.path.to_owned(),
            Body::from("{}"),
            Some("application/json"),
            Target::Own,
        ),
        (Verb::Post, "/login") => (
            route.path.to_owned(),
            Body::from("name=&password="),
            Some("application/x-www-form-urlencoded"),
            Target::Own,
        ),
        (Verb::Post, "/api/v1/auth/logout") => {
            (route.path.to_owned(), Body::empty(), None, Target::Own)
        }
        (Verb::Post, "/logout") => (
            route.path.to_owned(),
            Body::from(format!(
                "csrf={}",
                session.map(|s| s.1.as_str()).unwrap_or("")
            )),
            Some("application/x-www-form-urlencoded"),
            Target::Own,
        ),
        (Verb::Post, "/api/v1/tokens") => (
            route.path.to_owned(),
            Body::from(r#"{"label":"walk"}"#),
            Some("application/json"),
            Target::Own,
        ),
        (Verb::Get, "/api/v1/tokens") => (route.path.to_owned(), Body::empty(), None, Target::Own),
        // No account owns token 0: allowed callers get 404 (tests/accounts.rs revokes real ones).
        (Verb::Post, "/api/v1/tokens/{id}/revoke") => (
            route.path.replace("{id}", "0"),
            Body::empty(),
            None,
            Target::Own,
        ),
        // Each account changes its own password once in the walk.
        (Verb::Post, "/api/v1/me/password") => (
            route.path.to_owned(),
            Body::from(format!(
                r#"{{"current_password":"{}","new_password":"walk password 456"}}"#,
                support::PASSWORD
            )),
            Some("application/json"),
            Target::Own,
        ),
        (Verb::Post, "/api/v1/users/{name}/password") => (
            route.path.replace("{name}", "expert"),
            Body::empty(),
            None,
            Target::Own,
        ),
        (Verb::Get, "/api/v1/enterprises") | (Verb::Get, "/enterprises") => (
            format!("{}?region=330000", route.path),
            Body::empty(),
            None,
            Target::Region("330000"),
        ),
        (Verb::Get, "/api/v1/enterprises/{uscc}")
        | (Verb::Get, "/enterprises/{uscc}")
        | (Verb::Get, "/api/v1/enterprises/{uscc}/energy")
        | (Verb::Get, "/api/v1/enterprises/{uscc}/evidence") => (
            route.path.replace("{uscc}", &a),
            Body::empty(),
            None,
            Target::Enterprise {
                uscc: a.clone(),
                region: "330106",
            },
        ),
        // A device token nobody holds: the handler's own check (the test server has no
        // device ingest, so 503; with one, 401).
        (Verb::Post, "/api/v1/{token}/telemetry") | (Verb::Post, "/api/v1/{token}/attributes") => (
            route.path.replace("{token}", "no-such-device-token"),
            Body::from("{}"),
            Some("application/json"),
            Target::Own,
        ),
        // A provisioning request with a key nobody holds (503 here: no device ingest).
        (Verb::Post, "/api/v1/provision") => (
            route.path.to_owned(),
            Body::from(r#"{"provisionDeviceKey":"pk-none","provisionDeviceSecret":"none"}"#),
            Some("application/json"),
            Target::Own,
        ),
        // A command to device 1 of firm A (409 for allowed callers: no MQTT endpoint here).
        (Verb::Post, "/api/v1/devices/{id}/rpc") => (
            route.path.replace("{id}", "1"),
            Body::from(r#"{"method":"walk"}"#),
            Some("application/json"),
            Target::Enterprise {
                uscc: a.clone(),
                region: "330106",
            },
        ),
        // Device management: device 1 and alarm 1 belong to firm A (made before the walk).
        (Verb::Get, "/api/v1/devices")
        | (Verb::Get, "/api/v1/provision-keys")
        | (Verb::Get, "/api/v1/device-types")
        | (Verb::Get, "/api/v1/alarms") => {
            (route.path.to_owned(), Body::empty(), None, Target::Own)
        }
        (Verb::Get, "/api/v1/devices/{id}")
        | (Verb::Post, "/api/v1/devices/{id}/token/rotate")
        | (Verb::Post, "/api/v1/devices/{id}/revoke")
        | (Verb::Post, "/api/v1/alarms/{id}/ack") => (
            route.path.replace("{id}", "1"),
            Body::empty(),
            None,
            Target::Enterprise {
                uscc: a.clone(),
                region: "330106",
            },
        ),
        (Verb::Post, "/api/v1/devices/{id}/attributes") => (
            route.path.replace("{id}", "1"),
            Body::from(r#"{"interval": 10}"#),
            Some("application/json"),
            Target::Enterprise {
                uscc: a.clone(),
                region: "330106",
            },
        ),
        (Verb::Post, "/api/v1/devices") | (Verb::Post, "/api/v1/provision-keys") => {
            static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let body = if route.path.ends_with("devices") {
                format!(r#"{{"name":"walk-{n}","enterprise":"{a}"}}"#)
            } else {
                format!(r#"{{"enterprise":"{a}"}}"#)
            };
            (
                route.path.to_owned(),
                Body::from(body),
                Some("application/json"),
                Target::Enterprise {
                    uscc: a.clone(),
                    region: "330106",
                },
            )
        }
        _ => panic!("{route:?} has no sample request: add one to the authorization walk"),
    };
    let mut request = Request::builder().method(route.verb.as_str()).uri(uri);
    if let Some(ct) = content_type {
        request = request.header(header::CONTENT_TYPE, ct);
    }
    if let Some((cookie, csrf)) = session {
        request = request.header(header::COOKIE, cookie.as_str());
        // Form posts and uploads carry the token in the body; everything else in the header.
        if !content_type.is_some_and(|c| {
            c == "application/x-www-form-urlencoded" || c.starts_with("multipart/form-data")
        }) {
            request = request.header("x-csrf-token", csrf.as_str());
        }
    }
    Ok((request.body(body)?, target))
}

/// A finished import job of account `owner` with a report on disk; returns its id.
fn own_job(t: &TestApp, owner: i64, dir: &std::path::Path) -> String {
    let id = format!("walk{owner}");
    if t.state.jobs.get(&id, owner).is_none() {
        let report = dir.join(format!("{id}.csv"));
        let _ = std::fs::write(&report, "行号 Row\n");
        let job = t
            .state
            .jobs
            .add(id.clone(), owner, "walk.csv".into(), dir.to_path_buf());
        job.update(|s| {
            s.phase = Phase::Finished;
            s.outcome = Some(JobOutcome {
                report_csv: Some(report),
                ..JobOutcome::default()
            });
        });
    }
    id
}

fn in_scope(scope: &Scope, target: &Target) -> bool {
    match target {
        Target::Own => true,
        Target::Enterprise { uscc, region } => scope.sees_enterprise(uscc, region),
        Target::Region(code) => scope.narrow_region(Some(code)).is_ok(),
    }
}

#[tokio::test]
async fn every_route_with_every_role_is_allowed_or_refused_as_the_table_says() -> TestResult {
    let t = TestApp::sqlite().await?;
    support::device_of_firm_a(&t).await?;
    let reports = tempfile::tempdir()?;
    let mut checked = 0;
    for route in ROUTES {
        // Nobody signed in.
        let (request, _) = sample(route, None, "none")?;
        let status = t.send(request).await?.status();
        if routes::is_public(route.action) {
            assert!(
                status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED
                    || route.action == routes::Action::Login,
                "{route:?} anonymous: {status}"
            );
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{route:?} anonymous");
        }
        for (name, principal) in &t.users {
            let session = t.session(name).await?;
            let job = own_job(&t, principal.id, reports.path());
            let (request, target) = sample(route, Some(&session), &job)?;
            let response = t.send(request).await?;
            let status = response.status();
            let permission = routes::permission(route.action, principal.role);
            let allowed = match permission {
                Permission::Deny => false,
                Permission::Public | Permission::Signed => true,
                Permission::Scoped => in_scope(&Scope::of(principal), &target),
            };
            let body = support::body_text(response).await?;
            if allowed {
                assert!(
                    status.is_success()
                        || status.is_redirection()
                        // the deliberately malformed sign-ins
                        || (route.action == routes::Action::Login
                            && status == StatusCode::BAD_REQUEST)
                        // revoking a token nobody owns
                        || (route.action == routes::Action::RevokeToken
                            && status == StatusCode::NOT_FOUND)
                        // device routes without device ingest on the test server
                        || (matches!(
                            route.action,
                            routes::Action::DeviceIngest | routes::Action::DeviceProvision
                        ) && status == StatusCode::SERVICE_UNAVAILABLE)
                        // a command with no MQTT endpoint on the test server
                        || (route.action == routes::Action::ControlDevice
                            && status == StatusCode::CONFLICT),
                    "{route:?} as {name}: expected allowed, got {status}: {body}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{route:?} as {name} ({permission:?}): {body}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * t.users.len());
    Ok(())
}

#[tokio::test]
async fn a_route_outside_the_table_is_refused() -> TestResult {
    let t = TestApp::sqlite().await?;
    // A handler wired without an entry in ROUTES: the access layer fails closed.
    let rogue = axum::Router::new()
        .route("/rogue", get(|| async { "secret" }))
        .route_layer(axum::middleware::from_fn_with_state(
            t.state.clone(),
            shangyun_web::access::layer,
        ))
        .with_state(t.state.clone());
    let (cookie, _) = t.session("admin").await?;
    let response = tower::ServiceExt::oneshot(
        rogue,
        Request::get("/rogue")
            .header(header::COOKIE, cookie)
            .body(Body::empty())?,
    )
    .await?;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = support::body_text(response).await?;
    assert!(body.contains("no-authorization-rule"), "{body}");
    assert!(!body.contains("secret"));
    Ok(())
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes() -> TestResult {
    let doc = shangyun_web::api::docs::document();
    let paths = doc["paths"].as_object().ok_or("no paths")?;
    let mut documented = 0;
    for (path, ops) in paths {
        for method in ops.as_object().ok_or("bad path item")?.keys() {
            documented += 1;
            assert!(
                ROUTES.iter().any(|r| r.is_api()
                    && r.path == path
                    && r.verb.as_str().eq_ignore_ascii_case(method)),
                "documented but not served: {method} {path}"
            );
        }
    }
    let api_routes = ROUTES.iter().filter(|r| r.is_api()).count();
    assert_eq!(
        documented, api_routes,
        "a served API route is not documented"
    );
    Ok(())
}
