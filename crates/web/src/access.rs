//! The access layer: runs before every handler. It finds the request's route in
//! [`crate::routes::ROUTES`] (fail closed: a matched route missing from the table is refused),
//! identifies the caller (session cookie or `Authorization: Bearer` API token), applies the
//! table (401 without an account, 403 for a denied role), checks CSRF and origin on writes
//! made with a cookie, and hands the handler an [`Access`] with the caller's [`Scope`].

use crate::accounts::{Principal, secret};
use crate::console::i18n::Lang;
use crate::error::ApiError;
use crate::routes::{self, Permission, Route};
use crate::scope::Scope;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sy_session";
/// The language cookie's name.
pub const LANG_COOKIE: &str = "sy_lang";
/// The header carrying the CSRF token (htmx and API clients using the cookie).
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// How the caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    None,
    /// A browser session; holds the secret cookie value (for CSRF and sign-out).
    Session(String),
    ApiToken,
}

/// What the handler of a granted request gets.
#[derive(Debug, Clone)]
pub struct Access {
    pub principal: Option<Principal>,
    pub scope: Scope,
    pub credential: Credential,
    /// The client's address (for login throttling).
    pub client: String,
    pub route: &'static Route,
    pub lang: Lang,
}

impl Access {
    /// The CSRF token forms must carry (empty without a session).
    pub fn csrf(&self) -> String {
        match &self.credential {
            Credential::Session(raw) => secret::csrf_token(raw),
            _ => String::new(),
        }
    }

    /// The signed-in account (the layer guarantees one on non-public routes).
    pub fn principal(&self) -> Result<&Principal, ApiError> {
        self.principal
            .as_ref()
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// The middleware (installed with `route_layer`, so only matched routes reach it).
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(route) = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| routes::find(p.as_str(), request.method()))
    else {
        // The path is in the table under other methods: 405, in the API's error shape.
        let path = request
            .extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str());
        if path.is_some_and(|p| routes::ROUTES.iter().any(|r| r.path == p)) {
            return ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "该路径不支持此请求方法",
                "this path does not answer this method",
            )
            .into_response();
        }
        // A handler reachable without a rule is a bug: refuse rather than guess.
        return ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "no-authorization-rule",
            "该路由未列入授权表",
            "this route has no entry in the authorization table",
        )
        .into_response();
    };
    let (lang, lang_from_query) = Lang::of_request(&request);
    // Refuse an announced oversized body before reading anything (uploads have their own
    // limit; their handler also counts what actually arrives).
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = body_limit(&state, route);
    if announced.is_some_and(|n| n > limit as u64) {
        let error = if route.action == routes::Action::ImportEnterprises {
            upload_too_large(limit)
        } else {
            too_large()
        };
        return refusal(route, lang, &request_uri(&request), error);
    }
    let mut response = decide(&state, route, lang, request, next).await;
    if lang_from_query
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn decide(
    state: &AppState,
    route: &'static Route,
    lang: Lang,
    mut request: Request,
    next: Next,
) -> Response {
    let here = request_uri(&request);
    let refuse = |e: ApiError| refusal(route, lang, &here, e);
    if request.method() == Method::POST && !same_origin(request.headers()) {
        return refuse(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross-origin",
            "拒绝跨站请求",
            "cross-site request refused",
        ));
    }
    let (principal, credential) = match identify(state, request.headers()).await {
        Ok(found) => found,
        Err(e) => return refuse(e),
    };
    let client = client_address(&request);
    let scope = if routes::is_public(route.action) {
        Scope::Nothing
    } else {
        let Some(p) = &principal else {
            return refuse(ApiError::unauthenticated());
        };
        match routes::permission(route.action, p.role) {
            Permission::Deny => return refuse(ApiError::forbidden_role()),
            Permission::Public | Permission::Signed => Scope::Nothing,
            Permission::Scoped => Scope::of(p),
        }
    };
    // Writes carried by a session cookie must prove they come from our own pages. Signing in
    // proves itself with the password (and a stale cookie must not block it).
    if request.method() == Method::POST
        && route.action != routes::Action::Login
        && let Credential::Session(raw) = &credential
    {
        match check_csrf(request, raw, state.options.body_limit).await {
            Ok(rebuilt) => request = rebuilt,
            Err(e) => return refuse(e),
        }
    }
    request.extensions_mut().insert(Access {
        principal,
        scope,
        credential,
        client,
        route,
        lang,
    });
    next.run(request).await
}

/// The caller: a Bearer token if one is sent (an invalid one is 401, never a fallback to
/// the cookie), else the session cookie (an unknown or expired one counts as none).
async fn identify(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Option<Principal>, Credential), ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthenticated)?;
        let principal = state
            .accounts
            .token_principal(token)
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(ApiError::unauthenticated)?;
        return Ok((Some(principal), Credential::ApiToken));
    }
    if let Some(raw) = cookie(headers, SESSION_COOKIE) {
        let principal = state
            .accounts
            .session_principal(&raw)
            .await
            .map_err(ApiError::internal)?;
        if principal.is_some() {
            return Ok((principal, Credential::Session(raw)));
        }
    }
    Ok((None, Credential::None))
}

/// Accepts the token from the header, or from the `csrf` field of a url-encoded form (the
/// body is read, within the body limit, and put back).
async fn check_csrf(request: Request, raw: &str, limit: usize) -> Result<Request, ApiError> {
    let expected = secret::csrf_token(raw);
    let bad = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "表单已失效，请刷新页面后重试",
            "the form expired; reload the page and try again",
        )
    };
    if let Some(sent) = request.headers().get(CSRF_HEADER) {
        return match sent.to_str() {
            Ok(sent) if secret::same_token(sent, &expected) => Ok(request),
            _ => Err(bad()),
        };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // An upload: the token is the form's first part; the file is not buffered.
    if let Some(boundary) = crate::multipart_csrf::boundary(content_type) {
        let (parts, body) = request.into_parts();
        let (sent, body) = crate::multipart_csrf::first_field(body, &boundary, CSRF_FIELD).await;
        return match sent {
            Some(sent) if secret::same_token(&sent, &expected) => {
                Ok(Request::from_parts(parts, body))
            }
            _ => Err(bad()),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(bad());
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    let sent = form_urlencoded_field(&bytes, CSRF_FIELD);
    match sent {
        Some(sent) if secret::same_token(&sent, &expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(bad()),
    }
}

/// The largest body `route` accepts.
pub fn body_limit(state: &AppState, route: &Route) -> usize {
    if route.action == routes::Action::ImportEnterprises {
        state.options.upload_limit
    } else {
        state.options.body_limit
    }
}

/// 413 for an import file over `limit` bytes, saying the limit.
pub fn upload_too_large(limit: usize) -> ApiError {
    let mib = limit as f64 / (1024.0 * 1024.0);
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        format!("文件过大：上传文件不能超过 {mib:.1} MiB，请拆分后分批导入"),
        format!("file too large: uploads are limited to {mib:.1} MiB; split the file and import the parts"),
    )
    .with_field("file", format!("上限 / limit: {limit} bytes"))
}

/// 413.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "请求体过大",
        "request body too large",
    )
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A POST without `Origin` (old clients, curl) passes; one with a foreign origin does not.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host))
}

/// A cookie's value from the `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then(|| v.to_owned()))
}

fn client_address(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".to_owned())
}

fn request_uri(request: &Request) -> String {
    request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned())
}

/// A refusal in the route's language: JSON for the API, a page for the console (401 shows
/// the sign-in form, returning to `here` afterwards).
fn refusal(route: &Route, lang: Lang, here: &str, error: ApiError) -> Response {
    if route.is_api() {
        return error.into_response();
    }
    crate::console::layout::refusal_page(lang, here, &error)
}
