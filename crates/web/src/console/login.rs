//! `GET /login`, `POST /login`, `POST /logout`.

use super::i18n::Lang;
use super::layout::{respond, shell};
use crate::access::{Access, too_large};
use crate::api::auth::{clear_session_cookie, end_session, session_cookie, sign_in};
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

/// The sign-in page (also shown with 401 on any console page without a session).
pub fn form(lang: Lang, next: &str, error: Option<&ApiError>) -> Markup {
    let body = html! {
        section.card.login {
            h1 { (lang.t("登录", "Sign in")) }
            @if let Some(e) = error {
                p.error #login-error { (lang.t(&e.message_zh, &e.message_en)) }
            }
            form method="post" action="/login" {
                input type="hidden" name="next" value=(safe_next(next));
                label { (lang.t("用户名", "Name")) input name="name" autocomplete="username" required autofocus; }
                label { (lang.t("密码", "Password")) input name="password" type="password" autocomplete="current-password" required; }
                button.primary type="submit" { (lang.t("登录", "Sign in")) }
            }
        }
    };
    shell(lang, None, lang.t("登录", "Sign in"), body)
}

/// Only same-site paths are followed after sign-in (no `//host` or `https://…`).
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login");
    if ok { next } else { "/" }
}

fn next_param(raw: Option<&str>) -> String {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    pairs
        .into_iter()
        .find_map(|(k, v)| (k == "next").then_some(v))
        .unwrap_or_else(|| "/".to_owned())
}

async fn page_get(access: &Access, raw: Option<&str>) -> Response {
    if access.principal.is_some() {
        return Redirect::to("/").into_response();
    }
    let next = next_param(raw);
    respond(StatusCode::OK, form(access.lang, &next, None))
}

pub async fn page(Extension(access): Extension<Access>, RawQuery(raw): RawQuery) -> Response {
    page_get(&access, raw.as_deref()).await
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Response {
    let lang = access.lang;
    let bytes = match axum::body::to_bytes(body, state.options.body_limit).await {
        Ok(b) => b,
        Err(_) => return super::layout::error_page(lang, None, &too_large()),
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let get = |name: &str| {
        fields
            .iter()
            .find_map(|(k, v)| (k == name).then(|| v.clone()))
            .unwrap_or_default()
    };
    let next = get("next");
    let (name, password) = (get("name"), get("password"));
    if name.trim().is_empty() || password.is_empty() {
        let e = ApiError::bad_request(
            "invalid-body",
            "请填写用户名和密码",
            "enter your name and password",
        );
        return respond(e.status, form(lang, &next, Some(&e)));
    }
    match sign_in(&state, &name, &password, &access.client).await {
        Ok((_, raw)) => {
            let mut response = Redirect::to(safe_next(&next)).into_response();
            if let Some(cookie) = session_cookie(&raw, state.options.secure_cookies) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(e) => {
            let status = e.status;
            let mut response = respond(status, form(lang, &next, Some(&e)));
            if let Some(wait) = e.retry_after
                && let Ok(v) = axum::http::HeaderValue::from_str(&wait.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
) -> Response {
    if let Err(e) = end_session(&state, &access).await {
        return super::layout::error_page(access.lang, None, &e);
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_session_cookie());
    response
}
