//! ThingsBoard's HTTP device API: `POST /api/v1/{token}/telemetry` and
//! `POST /api/v1/{token}/attributes`. A device authenticates with its access token in the path
//! (not a session: the routes are public in the authorization table and checked here); the
//! payload goes through the same ingest core as MQTT (`shangyun-ingest`).
//!
//! 200 (empty body, as ThingsBoard) only after the points are durable; 400 with the error shape
//! on a payload the decoder refuses (the field names where it failed); 401 on an unknown or
//! revoked token; 403 when a sub-device is not the gateway's; 413 above the body limit; 503
//! (Retry-After: 1) when the store or the device directory cannot take it — nothing was stored,
//! the device may retry.
//!
//! `POST /api/v1/provision` (ThingsBoard's HTTP provisioning): the body is TB's request, the
//! answer TB's response — 200 with `"status":"SUCCESS"` and the credentials, or 200 with
//! `"NOT_FOUND"`/`"FAILURE"` and `errorMsg` (as ThingsBoard answers a refusal); 400 with the
//! same shape for a body that is not a request; 503 (Retry-After: 1) when the store failed.
//! The device directory creates and audits the device; the secret is never logged. Refused
//! key/secret pairs count against the client address (the login throttle): past the limit,
//! 429 until the window clears.

use crate::access::{Access, too_large};
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shangyun_devices::ProvisionStatus;
use shangyun_devices::{Credential, DeviceIdentity};
use shangyun_ingest::{Ingest, IngestError, ProvisionOutcome};

/// `POST /api/v1/{token}/telemetry`.
pub async fn telemetry(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let (ingest, device, bytes) = admit(&state, &token, body).await?;
    let durable = ingest
        .telemetry(&device, &bytes, now_ms())
        .map_err(refusal)?;
    durable.await.map_err(refusal)?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /api/v1/{token}/attributes`.
pub async fn attributes(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let (ingest, device, bytes) = admit(&state, &token, body).await?;
    ingest
        .attributes(&device, &bytes, now_ms())
        .await
        .map_err(refusal)?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /api/v1/provision`.
pub async fn provision(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Result<Response, ApiError> {
    let ingest = enabled(&state)?;
    // Throttled per client address only: a key's name is not secret, and counting per key
    // would let anyone lock a key's devices out.
    let throttle_key = format!("provision@{}", access.client);
    if let Some(wait) = state.throttle.check(&throttle_key, &access.client) {
        return Err(ApiError::too_many_attempts(
            "设备注册",
            "refused provisioning requests",
            wait,
        ));
    }
    let bytes = axum::body::to_bytes(body, state.options.body_limit)
        .await
        .map_err(|_| too_large())?;
    let provisioned = ingest.provision(&bytes).await;
    let status = match provisioned.outcome {
        ProvisionOutcome::Created => StatusCode::OK,
        ProvisionOutcome::Refused => {
            if provisioned.response.status == ProvisionStatus::NotFound {
                state.throttle.fail(&throttle_key, &access.client);
            }
            StatusCode::OK
        }
        ProvisionOutcome::Malformed => StatusCode::BAD_REQUEST,
        ProvisionOutcome::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    let mut response = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        provisioned.body(),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
    }
    Ok(response)
}

/// The ingest core, or 503 when the server runs without device ingest.
fn enabled(state: &AppState) -> Result<Ingest, ApiError> {
    state.devices.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "device-ingest-off",
            "本服务器未开启设备数据接入",
            "device ingest is not enabled on this server",
        )
    })
}

/// Ingest enabled, body within the limit, token valid.
async fn admit(
    state: &AppState,
    token: &str,
    body: Body,
) -> Result<(Ingest, DeviceIdentity, axum::body::Bytes), ApiError> {
    let ingest = enabled(state)?;
    let bytes = axum::body::to_bytes(body, state.options.body_limit)
        .await
        .map_err(|_| too_large())?;
    let device = match ingest
        .directory()
        .authenticate(Credential::AccessToken(token))
        .await
    {
        Ok(Some(device)) => device,
        Ok(None) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad-device-token",
                "设备访问令牌无效",
                "unknown or revoked device access token",
            ));
        }
        Err(e) => return Err(unavailable(e.to_string())),
    };
    Ok((ingest, device, bytes))
}

fn unavailable(detail: String) -> ApiError {
    eprintln!("shangyun-web: device ingest unavailable: {detail}");
    let mut e = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "ingest-unavailable",
        "暂时无法保存，数据未存储，请稍后重试",
        "cannot store now; nothing was stored, retry later",
    );
    e.retry_after = Some(1);
    e
}

fn refusal(e: IngestError) -> ApiError {
    match e {
        IngestError::Malformed(d) => ApiError::bad_request(
            "invalid-payload",
            "数据格式不符合 ThingsBoard 设备接口",
            "the payload is not valid ThingsBoard device-API JSON",
        )
        .with_field("body", format!("{} ({})", d, d.code())),
        IngestError::Invalid(v) => {
            ApiError::bad_request("invalid-telemetry", "遥测数据无效", "invalid telemetry")
                .with_field("body", v.to_string())
        }
        IngestError::Refused(reason) => {
            ApiError::bad_request("refused", "数据被拒绝", "refused").with_field("body", reason)
        }
        IngestError::NotAGateway(_) | IngestError::NotYourDevice { .. } => ApiError::new(
            StatusCode::FORBIDDEN,
            "not-your-device",
            "无权为该设备上报数据",
            "this device may not publish for that device",
        ),
        IngestError::UnknownDevice(_) => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad-device-token",
            "设备已不存在",
            "the device no longer exists",
        ),
        IngestError::Directory(d) | IngestError::NotDurable(d) => unavailable(d),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
