//! shangyun's MQTT device endpoint: ThingsBoard's device API over MQTT 3.1.1 and 5.0, in front
//! of the embedded time-series store.
//!
//! `decode (shangyun-mqtt-codec) → authenticate (DeviceDirectory) → authorise the topic →
//! ingest core (shangyun-ingest: ThingsBoard payload → tsdb append, presence, alarms) → PUBACK
//! when the durable future resolves`.
//!
//! Why not an embedded broker: a QoS 1 PUBACK must mean "durable"; brokers ack on receipt. Each
//! connection is one tokio task that keeps reading while acks are pending (up to the receive
//! maximum) and writes PUBACKs in PUBLISH order as the store's group commits complete.
//!
//! The [`Hub`] routes downlinks (shared-attribute updates, server-side RPC) to the connection
//! serving a device, directly or through its gateway.

mod config;
mod connection;
mod hub;
mod points;
mod provision;
mod stats;
mod tls;

pub use config::EndpointConfig;
pub use hub::{Hub, RpcError};
pub use stats::{Stats, StatsSnapshot};
pub use tls::{TlsAcceptor, tls_acceptor};

use shangyun_devices::{DeviceDirectory, presence::Presence};
use shangyun_ingest::Ingest;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpSocket};

pub(crate) struct Shared {
    pub config: EndpointConfig,
    pub directory: Arc<dyn DeviceDirectory>,
    pub ingest: Ingest,
    pub hub: Hub,
    pub stats: Stats,
    pub presence: Option<Arc<Presence>>,
}

/// The endpoint: cheap to clone, shared by the listener task and the API.
#[derive(Clone)]
pub struct Endpoint {
    shared: Arc<Shared>,
}

impl Endpoint {
    /// An endpoint filing messages through `ingest` (its directory authenticates devices).
    /// `presence`, when given, is told of connects and disconnects (give the same one to
    /// `ingest`, which records activity).
    pub fn new(ingest: Ingest, config: EndpointConfig, presence: Option<Arc<Presence>>) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                directory: ingest.directory().clone(),
                ingest,
                hub: Hub::default(),
                stats: Stats::default(),
                presence,
            }),
        }
    }

    /// Binds a listener with a backlog large enough for connection storms (4096).
    pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(4096)
    }

    /// Accepts connections until the task is dropped; also forwards the directory's
    /// shared-attribute updates to connected devices.
    pub async fn serve(&self, listener: TcpListener) {
        let _forwarder = self.forward_shared_updates();
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection::serve(self.shared.clone(), stream));
                }
                // Out of file descriptors, most likely: wait for connections to close.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
    }

    /// Like [`Endpoint::serve`], over TLS (MQTTS): each accepted TCP connection completes a TLS
    /// handshake (within the connect timeout) before its CONNECT is read.
    pub async fn serve_tls(&self, listener: TcpListener, acceptor: TlsAcceptor) {
        let _forwarder = self.forward_shared_updates();
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = self.shared.clone();
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let limit = shared.config.connect_timeout;
                        if let Ok(Ok(tls)) =
                            tokio::time::timeout(limit, acceptor.accept(stream)).await
                        {
                            connection::serve(shared, tls).await;
                        }
                    });
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
    }

    /// Forwards the directory's shared-attribute updates to connected devices while the
    /// returned guard lives.
    fn forward_shared_updates(&self) -> AbortOnDrop {
        let shared = self.shared.clone();
        let mut updates = shared.directory.shared_updates();
        AbortOnDrop(tokio::spawn(async move {
            loop {
                match updates.recv().await {
                    Ok(u) => {
                        shared.hub.push_shared_attributes(u.device, &u.values);
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        }))
    }

    /// The downlink hub (server-side RPC, shared attributes, who is connected).
    pub fn hub(&self) -> &Hub {
        &self.shared.hub
    }

    /// The endpoint's counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.shared.stats.snapshot()
    }
}

/// Server-side RPC for the API (`POST /api/v1/devices/{id}/rpc`): through this node's hub.
impl shangyun_devices::DeviceRpc for Endpoint {
    fn call<'a>(
        &'a self,
        device: shangyun_devices::DeviceId,
        call: shangyun_devices::RpcCall,
    ) -> shangyun_devices::BoxFuture<'a, Result<Option<serde_json::Value>, RpcError>> {
        Box::pin(async move {
            let hub = &self.shared.hub;
            if call.oneway {
                return hub
                    .rpc_oneway(device, &call.method, &call.params)
                    .map(|()| None);
            }
            let answer = hub
                .rpc(device, &call.method, &call.params.to_string(), call.timeout)
                .await?;
            // The device's answer passed the ThingsBoard decoder: it is JSON.
            Ok(Some(
                serde_json::from_str(&answer).unwrap_or(serde_json::Value::String(answer)),
            ))
        })
    }
}

/// Stops the shared-attribute forwarder with the accept loop.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
