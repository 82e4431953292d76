//! The downlink hub: which connection serves which device (a device's own connection, or the
//! gateway connection behind which a sub-device sits), which connection holds which client id
//! (session takeover), RPC calls waiting for the device's answer, and the sessions kept for
//! devices that connected with a persistent session (their subscriptions and unacknowledged
//! QoS 1 downlinks, resent on reconnect).

use parking_lot::Mutex;
use shangyun_devices::DeviceId;
pub use shangyun_devices::RpcError;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Subscription bits a connection sets when the device subscribes (checked before sending).
/// A connection's `subs` holds them in its low byte, and the same bit in its high byte
/// ([`sub::qos1`]) when the subscription was granted QoS 1.
pub(crate) mod sub {
    pub const ATTRIBUTES: u8 = 1;
    pub const ATTRIBUTE_RESPONSES: u8 = 2;
    pub const RPC_REQUESTS: u8 = 4;
    pub const RPC_RESPONSES: u8 = 8;
    pub const GATEWAY_RPC: u8 = 16;
    pub const GATEWAY_ATTRIBUTES: u8 = 32;
    pub const GATEWAY_ATTRIBUTE_RESPONSES: u8 = 64;

    /// The QoS 1 flag of subscription bits `bits`.
    pub const fn qos1(bits: u8) -> u16 {
        (bits as u16) << 8
    }
}

/// A downlink PUBLISH and the subscription it is for (the connection sends it at the QoS that
/// subscription was granted).
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub topic: String,
    pub payload: Vec<u8>,
    pub sub: u8,
}

/// A QoS 1 downlink sent and not yet acknowledged.
#[derive(Debug, Clone)]
pub(crate) struct Unacked {
    pub packet_id: u16,
    pub topic: String,
    pub payload: Vec<u8>,
}

/// What the hub asks a connection to do.
#[derive(Debug)]
pub(crate) enum Downlink {
    /// Send this PUBLISH (boxed: a channel's first block holds 32 of these per connection, idle
    /// or not).
    Publish(Box<Outgoing>),
    /// Another connection took over this client id: close.
    Kick,
}

/// A connection's handle in the hub.
#[derive(Clone)]
pub(crate) struct ConnHandle {
    pub id: u64,
    pub tx: mpsc::Sender<Downlink>,
    pub subs: Arc<AtomicU16>,
}

/// A persistent session after its connection closed: what a reconnect with clean start 0
/// resumes.
#[derive(Debug)]
pub(crate) struct Kept {
    /// The device it belongs to: a reconnect of another device under the same client id
    /// resumes nothing.
    pub device: DeviceId,
    pub subs: u16,
    pub unacked: Vec<Unacked>,
    pub until: Instant,
}

/// Most sessions kept at once; past it a closing session is not kept (its unacknowledged
/// downlinks are lost, as with a clean session).
const MAX_KEPT: usize = 100_000;

#[derive(Clone)]
struct Route {
    conn: ConnHandle,
    /// Set when the device is a gateway's sub-device: its name on the gateway API.
    via_gateway: Option<String>,
}

/// Routes downlinks to connections. Shared by every connection and the API.
#[derive(Default)]
pub struct Hub {
    routes: Mutex<HashMap<DeviceId, Route>>,
    sessions: Mutex<HashMap<String, ConnHandle>>,
    kept: Mutex<HashMap<String, Kept>>,
    rpcs: Mutex<HashMap<(DeviceId, u64), oneshot::Sender<String>>>,
    next_rpc: AtomicU64,
    next_conn: AtomicU64,
}

impl Hub {
    pub(crate) fn next_conn_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Registers a session under `client_id`; returns the connection it replaces (to kick).
    pub(crate) fn take_session(&self, client_id: &str, conn: ConnHandle) -> Option<ConnHandle> {
        self.sessions.lock().insert(client_id.to_owned(), conn)
    }

    /// Keeps a persistent session of `client_id` after its connection closed.
    pub(crate) fn keep(&self, client_id: &str, kept: Kept) {
        let mut map = self.kept.lock();
        if map.len() >= MAX_KEPT {
            let now = Instant::now();
            map.retain(|_, k| k.until > now);
            if map.len() >= MAX_KEPT {
                return;
            }
        }
        map.insert(client_id.to_owned(), kept);
    }

    /// Takes the kept session of `client_id` if it is `device`'s and has not expired.
    pub(crate) fn resume(&self, client_id: &str, device: DeviceId) -> Option<Kept> {
        let kept = self.kept.lock().remove(client_id)?;
        (kept.device == device && kept.until > Instant::now()).then_some(kept)
    }

    /// Sessions kept now (expired ones included until the next sweep).
    pub fn kept_sessions(&self) -> usize {
        self.kept.lock().len()
    }

    /// Drops the session and every route of connection `conn` (when it closes).
    pub(crate) fn drop_conn(&self, client_id: &str, conn: u64, devices: &[DeviceId]) {
        {
            let mut sessions = self.sessions.lock();
            if sessions.get(client_id).is_some_and(|c| c.id == conn) {
                sessions.remove(client_id);
            }
        }
        let mut routes = self.routes.lock();
        for d in devices {
            if routes.get(d).is_some_and(|r| r.conn.id == conn) {
                routes.remove(d);
            }
        }
    }

    /// Routes `device` to `conn` (the newest connection of a device wins).
    pub(crate) fn route(&self, device: DeviceId, conn: ConnHandle, via_gateway: Option<String>) {
        self.routes
            .lock()
            .insert(device, Route { conn, via_gateway });
    }

    /// Removes `device`'s route if it is `conn`'s (a gateway's disconnect message).
    pub(crate) fn unroute(&self, device: DeviceId, conn: u64) {
        let mut routes = self.routes.lock();
        if routes.get(&device).is_some_and(|r| r.conn.id == conn) {
            routes.remove(&device);
        }
    }

    /// Whether `device` has a connection now.
    pub fn is_connected(&self, device: DeviceId) -> bool {
        self.routes.lock().contains_key(&device)
    }

    /// Number of connected devices (sub-devices included).
    pub fn connected_devices(&self) -> usize {
        self.routes.lock().len()
    }

    /// Pushes shared attributes `values` (a JSON object) to `device` if it is connected and
    /// subscribed; `false` if it was not delivered to a connection.
    pub fn push_shared_attributes(
        &self,
        device: DeviceId,
        values: &serde_json::Map<String, serde_json::Value>,
    ) -> bool {
        let Some(route) = self.routes.lock().get(&device).cloned() else {
            return false;
        };
        let subs = route.conn.subs.load(Ordering::Relaxed) as u8;
        let (topic, payload, bit) = match &route.via_gateway {
            None if subs & sub::ATTRIBUTES != 0 => (
                "v1/devices/me/attributes".to_owned(),
                serde_json::Value::Object(values.clone()).to_string(),
                sub::ATTRIBUTES,
            ),
            Some(name) if subs & sub::GATEWAY_ATTRIBUTES != 0 => (
                "v1/gateway/attributes".to_owned(),
                serde_json::json!({"device": name, "data": values}).to_string(),
                sub::GATEWAY_ATTRIBUTES,
            ),
            _ => return false,
        };
        route
            .conn
            .tx
            .try_send(Downlink::Publish(Box::new(Outgoing {
                topic,
                payload: payload.into_bytes(),
                sub: bit,
            })))
            .is_ok()
    }

    /// Server-side RPC: sends `method(params)` to the device and waits up to `timeout` for its
    /// answer (the JSON it published on its RPC response topic). `params_json` must be JSON.
    pub async fn rpc(
        &self,
        device: DeviceId,
        method: &str,
        params_json: &str,
        timeout: Duration,
    ) -> Result<String, RpcError> {
        let params: serde_json::Value =
            serde_json::from_str(params_json).unwrap_or(serde_json::Value::Null);
        let (id, rx) = self.send_rpc(device, method, &params, true)?;
        let Some(rx) = rx else {
            return Err(RpcError::Disconnected);
        };
        let answer = tokio::time::timeout(timeout, rx).await;
        self.rpcs.lock().remove(&(device, id));
        match answer {
            Ok(Ok(json)) => Ok(json),
            Ok(Err(_)) => Err(RpcError::Disconnected),
            Err(_) => Err(RpcError::Timeout),
        }
    }

    /// One-way server-side RPC: hands the request to the device's connection, expects no
    /// answer (an answer that comes anyway is dropped).
    pub fn rpc_oneway(
        &self,
        device: DeviceId,
        method: &str,
        params: &serde_json::Value,
    ) -> Result<(), RpcError> {
        self.send_rpc(device, method, params, false).map(|_| ())
    }

    /// Queues the request on the device's connection; registers a waiter when `two_way`.
    fn send_rpc(
        &self,
        device: DeviceId,
        method: &str,
        params: &serde_json::Value,
        two_way: bool,
    ) -> Result<(u64, Option<oneshot::Receiver<String>>), RpcError> {
        let route = self
            .routes
            .lock()
            .get(&device)
            .cloned()
            .ok_or(RpcError::NotConnected)?;
        let id = self.next_rpc.fetch_add(1, Ordering::Relaxed) + 1;
        let subs = route.conn.subs.load(Ordering::Relaxed) as u8;
        let (topic, payload, bit) = match &route.via_gateway {
            None if subs & sub::RPC_REQUESTS != 0 => (
                format!("v1/devices/me/rpc/request/{id}"),
                serde_json::json!({"method": method, "params": params}),
                sub::RPC_REQUESTS,
            ),
            Some(name) if subs & sub::GATEWAY_RPC != 0 => (
                "v1/gateway/rpc".to_owned(),
                serde_json::json!({"device": name, "data": {"id": id, "method": method, "params": params}}),
                sub::GATEWAY_RPC,
            ),
            _ => return Err(RpcError::NotSubscribed),
        };
        let rx = two_way.then(|| {
            let (tx, rx) = oneshot::channel();
            self.rpcs.lock().insert((device, id), tx);
            rx
        });
        let sent = route.conn.tx.try_send(Downlink::Publish(Box::new(Outgoing {
            topic,
            payload: payload.to_string().into_bytes(),
            sub: bit,
        })));
        if sent.is_err() {
            self.rpcs.lock().remove(&(device, id));
            return Err(RpcError::Busy);
        }
        Ok((id, rx))
    }

    /// A device's RPC answer arrived; `false` if nobody waits for it (late or unknown id).
    pub(crate) fn complete_rpc(&self, device: DeviceId, id: u64, json: String) -> bool {
        match self.rpcs.lock().remove(&(device, id)) {
            Some(tx) => tx.send(json).is_ok(),
            None => false,
        }
    }
}
