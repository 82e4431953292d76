//! `POST /api/v1/devices/{id}/rpc` — server-side RPC (ThingsBoard's
//! `POST /api/plugins/rpc/twoway|oneway/{deviceId}`): `{method, params, timeout_ms?, oneway?}`
//! goes to the device as `v1/devices/me/rpc/request/{n}` (or through its gateway) by the MQTT
//! endpoint of this node. Two-way: 200 with the device's answer (its JSON); one-way: 202 once
//! the request is handed to the device's connection. 409 when the device is not connected to
//! this node (or has not subscribed to RPC requests, or no MQTT endpoint runs here), 504 when
//! it does not answer in time, 503 when its connection is busy. Access: the authorization table
//! (`ControlDevice`) and the device's enterprise in the caller's scope. Every call is audited
//! (`device.rpc`: method, params up to 1 KiB, outcome).

use crate::access::Access;
use crate::api::devices::{actor, store, visible_device};
use crate::api::read_json;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shangyun_devices::{DeviceId, RpcCall, RpcError};
use std::time::Duration;

/// Default wait of a two-way call (ThingsBoard's default).
const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Longest wait allowed: an HTTP request should not hang for minutes.
const MAX_TIMEOUT_MS: u64 = 60_000;
/// Params larger than this are audited by size only.
const AUDITED_PARAMS: usize = 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RpcBody {
    method: String,
    #[serde(default)]
    params: serde_json::Value,
    timeout_ms: Option<u64>,
    #[serde(default)]
    oneway: bool,
}

/// `POST /api/v1/devices/{id}/rpc`.
pub async fn call(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<i64>,
    body: Body,
) -> Result<Response, ApiError> {
    let b: RpcBody = read_json(body, state.options.body_limit).await?;
    if b.method.is_empty() || b.method.len() > 256 {
        return Err(
            ApiError::bad_request("invalid-rpc", "RPC 请求无效", "invalid RPC request")
                .with_field("method", "1 to 256 bytes"),
        );
    }
    let timeout_ms = b.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(
            ApiError::bad_request("invalid-rpc", "RPC 请求无效", "invalid RPC request")
                .with_field("timeout_ms", format!("1 to {MAX_TIMEOUT_MS}")),
        );
    }
    let device = visible_device(&state, &access, id).await?;
    let Some(rpc) = state.rpc.clone() else {
        // Not a server fault: no device can be connected to this node.
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "device-endpoint-off",
            "本节点未运行 MQTT 设备接入，无法下发指令",
            "no MQTT device endpoint runs on this node to carry the command",
        ));
    };
    let params_text = b.params.to_string();
    let audited_params = if params_text.len() <= AUDITED_PARAMS {
        b.params.clone()
    } else {
        serde_json::json!({"bytes": params_text.len()})
    };
    let call = RpcCall {
        method: b.method.clone(),
        params: b.params,
        timeout: Duration::from_millis(timeout_ms),
        oneway: b.oneway,
    };
    let result = rpc.0.call(DeviceId(id), call).await;
    let outcome = match &result {
        Ok(_) if b.oneway => "sent",
        Ok(_) => "answered",
        Err(e) => rpc_error_code(e),
    };
    store(&state)?
        .record_rpc(
            DeviceId(id),
            device.identity.enterprise.as_deref(),
            &actor(&access),
            serde_json::json!({
                "method": b.method,
                "params": audited_params,
                "oneway": b.oneway,
                "timeout_ms": timeout_ms,
                "outcome": outcome,
            }),
        )
        .await?;
    match result {
        Ok(Some(answer)) => Ok(Json(answer).into_response()),
        Ok(None) => Ok(StatusCode::ACCEPTED.into_response()),
        Err(e) => Err(rpc_error(&e, timeout_ms)),
    }
}

fn rpc_error_code(e: &RpcError) -> &'static str {
    match e {
        RpcError::NotConnected => "device-not-connected",
        RpcError::NotSubscribed => "device-not-subscribed",
        RpcError::Busy => "device-busy",
        RpcError::Timeout => "rpc-timeout",
        RpcError::Disconnected => "device-disconnected",
    }
}

fn rpc_error(e: &RpcError, timeout_ms: u64) -> ApiError {
    let code = rpc_error_code(e);
    match e {
        RpcError::NotConnected => ApiError::new(
            StatusCode::CONFLICT,
            code,
            "设备未连接到本节点",
            "the device is not connected to this node",
        ),
        RpcError::NotSubscribed => ApiError::new(
            StatusCode::CONFLICT,
            code,
            "设备未订阅 RPC 请求主题",
            "the device has not subscribed to RPC requests",
        ),
        RpcError::Busy => {
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                "设备连接繁忙，请稍后重试",
                "the device's connection is busy; retry later",
            );
            e.retry_after = Some(1);
            e
        }
        RpcError::Timeout => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            code,
            format!("设备未在 {timeout_ms} 毫秒内应答"),
            format!("the device did not answer within {timeout_ms} ms"),
        ),
        RpcError::Disconnected => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            code,
            "设备在应答前断开了连接",
            "the device disconnected before answering",
        ),
    }
}
