//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`, password change
//! and reset, API tokens (issue, list, revoke).

use super::read_json;
use crate::access::{Access, Credential, SESSION_COOKIE};
use crate::accounts::{Principal, SESSION_LIFETIME, TokenInfo};
use crate::error::{ApiError, WebError};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub name: String,
    pub password: String,
}

/// The signed-in account as the API shows it.
#[derive(Debug, Serialize)]
pub struct Me<'a> {
    #[serde(flatten)]
    pub principal: &'a Principal,
    pub role_zh: &'static str,
    pub role_en: &'static str,
    /// Send as `X-CSRF-Token` on writes that use the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

impl<'a> Me<'a> {
    pub fn new(principal: &'a Principal, csrf_token: Option<String>) -> Me<'a> {
        Me {
            principal,
            role_zh: principal.role.name_zh(),
            role_en: principal.role.name_en(),
            csrf_token,
        }
    }
}

/// Checks the password under the throttle; on success returns the account and a new session.
pub async fn sign_in(
    state: &AppState,
    name: &str,
    password: &str,
    client: &str,
) -> Result<(Principal, String), ApiError> {
    let name = name.trim();
    if let Some(wait) = state.throttle.check(name, client) {
        return Err(ApiError::too_many_attempts("登录", "failed sign-ins", wait));
    }
    let principal = state
        .accounts
        .authenticate(name, password)
        .await
        .map_err(ApiError::internal)?;
    let Some(principal) = principal else {
        state.throttle.fail(name, client);
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad-credentials",
            "用户名或密码错误",
            "wrong name or password",
        ));
    };
    state.throttle.succeed(name);
    let raw = state
        .accounts
        .create_session(principal.id)
        .await
        .map_err(ApiError::internal)?;
    Ok((principal, raw))
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, `Secure` when configured.
pub fn session_cookie(raw: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={raw}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_LIFETIME.as_secs()
    ))
    .ok()
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("sy_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

pub async fn login(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Result<Response, ApiError> {
    let creds: LoginBody = read_json(body, state.options.body_limit).await?;
    let (principal, raw) = sign_in(&state, &creds.name, &creds.password, &access.client).await?;
    let csrf = crate::accounts::secret::csrf_token(&raw);
    let mut response = Json(Me::new(&principal, Some(csrf))).into_response();
    if let Some(cookie) = session_cookie(&raw, state.options.secure_cookies) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Ends the cookie session. With an API token there is no session: nothing to end.
pub async fn end_session(state: &AppState, access: &Access) -> Result<(), ApiError> {
    if let Credential::Session(raw) = &access.credential {
        state
            .accounts
            .delete_session(raw)
            .await
            .map_err(ApiError::internal)?;
    }
    Ok(())
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
) -> Result<Response, ApiError> {
    end_session(&state, &access).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_session_cookie());
    Ok(response)
}

pub async fn me(Extension(access): Extension<Access>) -> Result<Response, ApiError> {
    let principal = access.principal()?;
    let csrf = matches!(access.credential, Credential::Session(_)).then(|| access.csrf());
    Ok(Json(Me::new(principal, csrf)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct NewToken {
    /// The secret: shown once, stored only as a hash. Send as `Authorization: Bearer …`.
    pub token: String,
    pub label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Result<Response, ApiError> {
    let principal = access.principal()?;
    let request: TokenBody = read_json(body, state.options.body_limit).await?;
    let label = request.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(
            ApiError::bad_request("invalid-body", "令牌名称无效", "invalid token label")
                .with_field("label", "1 至 100 个字符 / 1 to 100 characters"),
        );
    }
    let token = state
        .accounts
        .create_token(principal, label)
        .await
        .map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(NewToken {
            token,
            label: label.to_owned(),
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/v1/me/password`: one's own password, with the current one. Every session of
/// the account ends (sign in again); API tokens stay.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Result<Response, ApiError> {
    let principal = access.principal()?;
    let request: PasswordBody = read_json(body, state.options.body_limit).await?;
    match state
        .accounts
        .change_password(principal, &request.current_password, &request.new_password)
        .await
    {
        Ok(true) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, clear_session_cookie());
            Ok(response)
        }
        Ok(false) => Err(ApiError::bad_request(
            "wrong-password",
            "当前密码不正确",
            "the current password is wrong",
        )
        .with_field("current_password", "不正确 / wrong")),
        Err(WebError::InvalidAccount(why)) => Err(ApiError::bad_request(
            "invalid-password",
            "新密码不符合要求",
            "the new password does not meet the rules",
        )
        .with_field("new_password", why)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

#[derive(Debug, Serialize)]
pub struct OneTimePassword {
    pub name: String,
    /// Shown once; must be changed at the next sign-in.
    pub password: String,
}

/// `POST /api/v1/users/{name}/password`: an admin resets an account's password to a new
/// one-time password and ends its sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(name): Path<String>,
) -> Result<Json<OneTimePassword>, ApiError> {
    let principal = access.principal()?;
    let password = state
        .accounts
        .reset_password(principal, &name)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("该账户", "account"))?;
    Ok(Json(OneTimePassword { name, password }))
}

#[derive(Debug, Serialize)]
pub struct TokenList {
    pub items: Vec<TokenInfo>,
}

/// `GET /api/v1/tokens`: one's own API tokens (labels and dates, never the secrets).
pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
) -> Result<Json<TokenList>, ApiError> {
    let principal = access.principal()?;
    let items = state
        .accounts
        .tokens(principal.id)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(TokenList { items }))
}

/// `POST /api/v1/tokens/{id}/revoke`: revoke one of one's own tokens (404 for any other).
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let principal = access.principal()?;
    let not_found = || ApiError::not_found("该令牌", "token");
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    if state
        .accounts
        .revoke_token(principal, id)
        .await
        .map_err(ApiError::internal)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
