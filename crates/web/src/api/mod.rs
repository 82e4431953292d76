//! The JSON API under `/api/v1`. Handlers translate HTTP to calls into the store and the
//! account tables; access was decided before they run (see [`crate::access`]).

pub mod audit;
pub mod auth;
pub mod device_http;
pub mod device_rpc;
pub mod devices;
pub mod docs;
pub mod energy;
pub mod enterprises;

use crate::access::too_large;
use crate::error::ApiError;
use axum::body::Body;
use serde::de::DeserializeOwned;

/// Reads a JSON body within `limit` bytes: 413 beyond it, 400 (with the parser's reason) for
/// anything that is not the expected JSON.
pub async fn read_json<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(
            "invalid-body",
            "请求体不是有效的 JSON",
            "the body is not the expected JSON",
        )
        .with_field("body", e.to_string())
    })
}
