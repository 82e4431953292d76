//! Server-side RPC (platform → device, ThingsBoard's `v1/devices/me/rpc/request/{n}`) as the
//! API sees it: a dyn-compatible trait the device endpoint implements, so the web layer can
//! call a connected device without knowing MQTT.

use crate::directory::BoxFuture;
use crate::identity::DeviceId;
use std::time::Duration;

/// Why an RPC to a device failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    /// No connection of the device on this node.
    #[error("the device is not connected")]
    NotConnected,
    /// Connected, but not subscribed to RPC requests.
    #[error("the device has not subscribed to RPC requests")]
    NotSubscribed,
    /// Its connection's downlink queue is full.
    #[error("the device's connection is busy")]
    Busy,
    #[error("the device did not answer in time")]
    Timeout,
    #[error("the device disconnected before answering")]
    Disconnected,
}

/// One RPC call: `{"method": method, "params": params}` to the device.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcCall {
    pub method: String,
    pub params: serde_json::Value,
    /// How long a two-way call waits for the answer.
    pub timeout: Duration,
    /// Send and do not wait for an answer.
    pub oneway: bool,
}

/// Sends server-side RPC to connected devices.
pub trait DeviceRpc: Send + Sync + 'static {
    /// Sends `call` to `device`; a two-way call resolves with the device's answer (JSON),
    /// a one-way call with `None` once the request is handed to the device's connection.
    fn call<'a>(
        &'a self,
        device: DeviceId,
        call: RpcCall,
    ) -> BoxFuture<'a, Result<Option<serde_json::Value>, RpcError>>;
}
