//! One bridge node: a persistent MQTT session on the broker, a shared subscription at QoS 1,
//! every PUBLISH filed through the ingest core and acknowledged, in order, only once its
//! points are durable.
//!
//! Three tasks: the event loop (network; never waits on anything else), the processor (in
//! order: topic → device → ingest → a `Durable`), the acker (awaits each `Durable` in order,
//! then sends the PUBACK). The broker's in-flight window bounds what is outstanding.

use crate::topic;
use parking_lot::Mutex;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use shangyun_devices::{DeviceId, DeviceIdentity};
use shangyun_ingest::{Durable, Ingest, IngestError};
use shangyun_thingsboard::Topic;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// How a node connects and subscribes.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    /// Broker host.
    pub host: String,
    /// Broker port.
    pub port: u16,
    /// This node's MQTT client id: stable per node, so that after a crash the restarted node
    /// gets its session (and the messages it had not acknowledged) back.
    pub client_id: String,
    /// Shared-subscription group: nodes of one group split the messages.
    pub group: String,
    /// Topic prefix of the convention (see [`crate::topic`]).
    pub prefix: String,
    /// Broker user name and password, if the broker wants them.
    pub credentials: Option<(String, String)>,
    /// How long a device's identity is trusted before asking the directory again.
    pub identity_ttl: Duration,
}

impl BridgeConfig {
    /// Reads `mqtt://host:port` (port 1883 when absent).
    pub fn broker(url: &str) -> Result<(String, u16), String> {
        let rest = url
            .strip_prefix("mqtt://")
            .or_else(|| url.strip_prefix("tcp://"))
            .ok_or_else(|| format!("broker {url:?}: expected mqtt://host[:port]"))?;
        let rest = rest.trim_end_matches('/');
        match rest.rsplit_once(':') {
            Some((h, p)) => Ok((
                h.to_owned(),
                p.parse()
                    .map_err(|_| format!("broker {url:?}: bad port {p:?}"))?,
            )),
            None => Ok((rest.to_owned(), 1883)),
        }
    }
}

/// What a node did since start.
#[derive(Debug, Default, serde::Serialize)]
pub struct NodeStats {
    /// PUBLISH packets received.
    pub received: AtomicU64,
    /// Of them, flagged as redeliveries (DUP) by the broker.
    pub redelivered: AtomicU64,
    /// Acknowledged after their points were durable (or, for attributes, stored).
    pub acked_stored: AtomicU64,
    /// Acknowledged without storing: refused (malformed, unknown device, wrong topic). The
    /// broker must not redeliver what will never be accepted.
    pub acked_refused: AtomicU64,
}

impl NodeStats {
    /// As JSON.
    pub fn to_json(&self) -> serde_json::Value {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        serde_json::json!({
            "received": g(&self.received),
            "redelivered": g(&self.redelivered),
            "acked_stored": g(&self.acked_stored),
            "acked_refused": g(&self.acked_refused),
        })
    }
}

/// Why a node stopped.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// The store or the directory failed: the message is not acknowledged (the broker will
    /// redeliver it to this node's session when it comes back) and the node stops.
    #[error("stopping without acknowledging: {0}")]
    Unavailable(String),
}

enum Outcome {
    Durable(Durable),
    Stored,
    Refused(String),
    Fatal(String),
}

struct Identities {
    ttl: Duration,
    map: Mutex<HashMap<i64, (DeviceIdentity, Instant)>>,
}

impl Identities {
    async fn get(&self, ingest: &Ingest, id: i64) -> Result<Option<DeviceIdentity>, IngestError> {
        if let Some((d, at)) = self.map.lock().get(&id)
            && at.elapsed() < self.ttl
        {
            return Ok(Some(d.clone()));
        }
        match ingest.directory().device(DeviceId(id)).await {
            Ok(Some(d)) => {
                self.map.lock().insert(id, (d.clone(), Instant::now()));
                Ok(Some(d))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// Runs a node until `stop` turns true (Ok) or the store fails (Err).
pub async fn run(
    config: BridgeConfig,
    ingest: Ingest,
    stats: Arc<NodeStats>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), BridgeError> {
    let mut options = MqttOptions::new(&config.client_id, &config.host, config.port);
    options.set_clean_session(false);
    options.set_manual_acks(true);
    options.set_keep_alive(Duration::from_secs(30));
    options.set_max_packet_size(ingest.limits().max_payload_bytes + 4096, 64 * 1024);
    if let Some((user, password)) = &config.credentials {
        options.set_credentials(user, password);
    }
    let (client, mut events) = AsyncClient::new(options, 1024);
    let filter = topic::subscription(&config.group, &config.prefix);
    let (to_process, processing) = mpsc::unbounded_channel::<Publish>();
    let (to_ack, acking) = mpsc::unbounded_channel::<(Publish, Outcome)>();
    let (fatal_tx, mut fatal) = mpsc::unbounded_channel::<String>();
    let identities = Arc::new(Identities {
        ttl: config.identity_ttl,
        map: Mutex::new(HashMap::new()),
    });
    tokio::spawn(process(
        processing,
        to_ack,
        ingest,
        identities,
        config.prefix.clone(),
    ));
    tokio::spawn(ack(acking, client.clone(), stats.clone(), fatal_tx));
    loop {
        tokio::select! {
            event = events.poll() => on_event(event, &client, &filter, &to_process, &stats).await,
            reason = fatal.recv() => {
                return Err(BridgeError::Unavailable(reason.unwrap_or_default()));
            }
            _ = stop.changed() => {
                if *stop.borrow() {
                    let _ = client.try_disconnect();
                    return Ok(());
                }
            }
        }
    }
}

async fn on_event(
    event: Result<Event, rumqttc::ConnectionError>,
    client: &AsyncClient,
    filter: &str,
    to_process: &mpsc::UnboundedSender<Publish>,
    stats: &NodeStats,
) {
    match event {
        Ok(Event::Incoming(Packet::ConnAck(ack))) => {
            // rumqttc does not re-subscribe after a reconnect: do it on every CONNACK (the
            // request queue is drained by this same loop, so never await it here).
            if !ack.session_present
                && let Err(e) = client.try_subscribe(filter, QoS::AtLeastOnce)
            {
                eprintln!("shangyun-bridge: subscribe failed: {e}");
            }
        }
        Ok(Event::Incoming(Packet::Publish(p))) => {
            stats.received.fetch_add(1, Ordering::Relaxed);
            if p.dup {
                stats.redelivered.fetch_add(1, Ordering::Relaxed);
            }
            let _ = to_process.send(p);
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("shangyun-bridge: broker connection: {e}; reconnecting in 1 s");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

async fn process(
    mut incoming: mpsc::UnboundedReceiver<Publish>,
    to_ack: mpsc::UnboundedSender<(Publish, Outcome)>,
    ingest: Ingest,
    identities: Arc<Identities>,
    prefix: String,
) {
    while let Some(p) = incoming.recv().await {
        let outcome = handle(&p, &ingest, &identities, &prefix).await;
        if to_ack.send((p, outcome)).is_err() {
            return;
        }
    }
}

fn refused_or_fatal(e: IngestError) -> Outcome {
    if e.is_client_fault() {
        Outcome::Refused(e.to_string())
    } else {
        Outcome::Fatal(e.to_string())
    }
}

async fn handle(p: &Publish, ingest: &Ingest, identities: &Identities, prefix: &str) -> Outcome {
    let topic = p.topic.as_str();
    let Some((id, kind)) = topic::parse(prefix, topic) else {
        return Outcome::Refused(format!("topic {topic:?} does not follow the convention"));
    };
    let device = match identities.get(ingest, id).await {
        Ok(Some(d)) => d,
        Ok(None) => return Outcome::Refused(format!("no device {id}")),
        Err(e) => return refused_or_fatal(e),
    };
    let now = now_ms();
    let payload = &p.payload[..];
    let result = match kind {
        Topic::Telemetry => ingest
            .telemetry(&device, payload, now)
            .map(Outcome::Durable),
        Topic::GatewayTelemetry => ingest
            .gateway_telemetry(&device, payload, now)
            .await
            .map(Outcome::Durable),
        Topic::Attributes => ingest
            .attributes(&device, payload, now)
            .await
            .map(|()| Outcome::Stored),
        Topic::GatewayAttributes => ingest
            .gateway_attributes(&device, payload, now)
            .await
            .map(|()| Outcome::Stored),
        Topic::GatewayConnect => ingest
            .gateway_connect(&device, payload, now)
            .await
            .map(|_| Outcome::Stored),
        Topic::GatewayDisconnect => ingest
            .gateway_disconnect(&device, payload, now)
            .await
            .map(|_| Outcome::Stored),
        // Requests that need a reply go to the device endpoint; through a broker they would
        // need a response path this mode does not offer yet.
        other => Ok(Outcome::Refused(format!(
            "{other:?} is not handled in external-broker mode"
        ))),
    };
    result.unwrap_or_else(refused_or_fatal)
}

async fn ack(
    mut queue: mpsc::UnboundedReceiver<(Publish, Outcome)>,
    client: AsyncClient,
    stats: Arc<NodeStats>,
    fatal: mpsc::UnboundedSender<String>,
) {
    while let Some((p, outcome)) = queue.recv().await {
        let stored = match outcome {
            Outcome::Durable(d) => match d.await {
                Ok(_) => true,
                Err(e) if e.is_client_fault() => false,
                Err(e) => {
                    let _ = fatal.send(e.to_string());
                    return;
                }
            },
            Outcome::Stored => true,
            Outcome::Refused(reason) => {
                eprintln!("shangyun-bridge: refused: {reason}");
                false
            }
            Outcome::Fatal(reason) => {
                let _ = fatal.send(reason);
                return;
            }
        };
        if p.qos != QoS::AtMostOnce && client.ack(&p).await.is_err() {
            return;
        }
        let counter = if stored {
            &stats.acked_stored
        } else {
            &stats.acked_refused
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
