//! Decoder of the ThingsBoard device API (see `shared/reference/devices.md`): every payload a
//! device, gateway or HTTP client sends becomes typed values or a typed [`DecodeError`].
//!
//! Pure: no I/O, no async. Every function takes any `&[u8]` and never panics (property tests
//! in `tests/proptest.rs`, a cargo-fuzz target in `fuzz/`). Bounds ([`Limits`]) are checked
//! while decoding, with defaults equal to what the time-series store accepts.
//!
//! | topic / route | function | result |
//! |---|---|---|
//! | `v1/devices/me/telemetry`, `POST /api/v1/{token}/telemetry` | [`decode_telemetry`] | [`TsRecord`]s |
//! | `v1/devices/me/attributes`, `POST /api/v1/{token}/attributes` | [`decode_attributes`] | [`KeyValue`]s |
//! | `v1/devices/me/attributes/request/{id}` | [`decode_attribute_request`] | [`AttributeRequest`] |
//! | `v1/devices/me/rpc/request/{id}` (device → server) | [`decode_rpc_request`] | [`RpcRequest`] |
//! | `v1/devices/me/rpc/response/{id}` | [`decode_rpc_response`] | compact JSON |
//! | `/provision` | [`decode_provision_request`] | [`ProvisionRequest`] |
//! | `v1/gateway/connect`, `disconnect` | [`decode_gateway_device`] | [`GatewayDevice`] |
//! | `v1/gateway/telemetry` | [`decode_gateway_telemetry`] | [`DeviceTelemetry`]s |
//! | `v1/gateway/attributes` | [`decode_gateway_attributes`] | [`DeviceAttributes`]s |
//! | `v1/gateway/attributes/request` | [`decode_gateway_attribute_request`] | [`GatewayAttributeRequest`] |
//! | `v1/gateway/rpc` | [`decode_gateway_rpc_response`] | [`GatewayRpcResponse`] |
//!
//! [`Topic::parse`] classifies the topic; [`encode`] writes what the server sends back.

pub mod encode;
mod error;
mod fast;
mod gateway;
mod limits;
mod loc;
mod node;
mod requests;
mod telemetry;
mod topic;
mod value;

pub use error::DecodeError;
pub use gateway::{
    DeviceAttributes, DeviceTelemetry, GatewayAttributeRequest, GatewayDevice, GatewayRpcResponse,
    decode_gateway_attribute_request, decode_gateway_attributes, decode_gateway_device,
    decode_gateway_rpc_response, decode_gateway_telemetry,
};
pub use limits::Limits;
pub use requests::{
    AttributeRequest, ProvisionRequest, RequestedCredentials, RpcRequest, decode_attribute_request,
    decode_provision_request, decode_rpc_request, decode_rpc_response,
};
pub use telemetry::{MAX_TS, TsRecord, decode_attributes, decode_telemetry};
pub use topic::Topic;
pub use value::{KeyValue, TbValue};
