//! One device connection: CONNECT and authentication, then a loop that reads packets, answers
//! them, writes PUBACKs in order as the store's durable acks arrive, and delivers downlinks.
//!
//! Memory: an idle connection holds a 512-byte read buffer and no write buffer (a larger read
//! buffer is freed once every whole packet in it is handled; the write buffer likewise).
//!
//! Faults, as documented in the README: a malformed or forbidden packet (codec error, second
//! CONNECT, server-only packet, AUTH) closes the connection (5.0: DISCONNECT with the reason
//! first); a malformed payload is counted and refused while the connection stays.

use crate::Shared;
use crate::hub::{ConnHandle, Downlink, Kept, Outgoing, Unacked, sub};
use crate::points;
use crate::stats::Stats;
use shangyun_devices::{Credential, DeviceId, DeviceIdentity};
use shangyun_ingest::{Durable, IngestError};
use shangyun_mqtt_codec::{
    ConnAck, Connect, Disconnect, ErrorKind, Packet, Properties, Protocol, PubAck, Publish, QoS,
    SubAck, Subscribe, UnsubAck, Unsubscribe, decode, reason, topic,
};
use shangyun_thingsboard as tb;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// How the connection ends.
enum Close {
    /// The peer left, or said DISCONNECT.
    Quiet,
    /// We close; a 5.0 client is told why first.
    Reason(u8),
}

/// A PUBLISH awaiting its PUBACK, in arrival order.
enum Pending {
    Durable(Durable),
    Ready(u8),
}

/// What handling a PUBLISH came to.
enum Outcome {
    Durable(Durable),
    Done,
    Malformed,
    NotAuthorized,
}

/// Read-buffer step: below glibc's large-bin size, so the per-read allocation of a busy
/// connection stays on the fast path (4 KiB requests showed up as `malloc_consolidate`).
pub(crate) const READ_CHUNK: usize = 512;

/// Largest read step: a device whose reads fill the buffer (several PUBLISHes in flight) gets
/// a larger one, so a window of messages takes one `recvfrom`, not one per 512 bytes. The
/// step falls back to [`READ_CHUNK`] on the next small read, so a connection idles with a
/// 512-byte buffer unless its last read before going quiet was a large one (then ≤ 4 KiB).
const MAX_READ_CHUNK: usize = 8 * READ_CHUNK;

/// A byte stream a device connects over: plain TCP or TLS.
pub(crate) trait Transport: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Transport for T {}

pub(crate) async fn serve<S: Transport>(shared: Arc<Shared>, mut stream: S) {
    Stats::add(&shared.stats.connections_accepted, 1);
    Stats::add(&shared.stats.connections_open, 1);
    let mut inbuf = Vec::new();
    let first = tokio::time::timeout(
        shared.config.connect_timeout,
        Box::pin(read_connect(&shared, &mut stream, &mut inbuf)),
    )
    .await;
    if let Ok(Some(connect)) = first {
        if crate::provision::is_provision(&connect) {
            Box::pin(crate::provision::serve(&shared, stream, *connect, inbuf)).await;
        } else if let Some(mut conn) = Box::pin(accept(&shared, stream, *connect)).await {
            let end = conn.run(inbuf).await;
            Box::pin(conn.finish(end)).await;
        }
    }
    shared
        .stats
        .connections_open
        .fetch_sub(1, Ordering::Relaxed);
}

/// Reads until the first packet; it must be a CONNECT.
async fn read_connect<S: Transport>(
    shared: &Shared,
    stream: &mut S,
    inbuf: &mut Vec<u8>,
) -> Option<Box<Connect>> {
    loop {
        match decode(inbuf, Protocol::V311, shared.config.max_packet_size) {
            Ok(Some((Packet::Connect(c), used))) => {
                inbuf.drain(..used);
                return Some(c);
            }
            Ok(Some(_)) => {
                Stats::add(&shared.stats.protocol_errors, 1);
                return None;
            }
            Ok(None) => {}
            Err(e) => {
                Stats::add(&shared.stats.protocol_errors, 1);
                if e.kind == ErrorKind::UnsupportedProtocolVersion {
                    // Both standards: answer an unknown level with a 3.1.1 CONNACK 0x01.
                    let _ = stream
                        .write_all(&[0x20, 2, 0, reason::v311::UNACCEPTABLE_PROTOCOL_VERSION])
                        .await;
                }
                return None;
            }
        }
        inbuf.reserve(READ_CHUNK);
        match stream.read_buf(inbuf).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

pub(crate) async fn connack<S: Transport>(
    stream: &mut S,
    protocol: Protocol,
    code: u8,
    properties: Properties,
) {
    connack_resuming(stream, protocol, code, properties, false).await;
}

/// CONNACK, saying whether a kept session was resumed.
async fn connack_resuming<S: Transport>(
    stream: &mut S,
    protocol: Protocol,
    code: u8,
    properties: Properties,
    session_present: bool,
) {
    let mut out = Vec::new();
    let packet = Packet::ConnAck(ConnAck {
        session_present,
        code,
        properties,
    });
    if packet.encode(protocol, &mut out).is_ok() {
        let _ = stream.write_all(&out).await;
    }
}

/// Authenticates the CONNECT and answers it; `None` when refused.
async fn accept<S: Transport>(shared: &Arc<Shared>, mut stream: S, c: Connect) -> Option<Conn<S>> {
    let v5 = c.protocol == Protocol::V5;
    let refuse = |v311: u8, v5code: u8| if v5 { v5code } else { v311 };
    if c.properties.authentication_method.is_some() {
        let code = reason::BAD_AUTHENTICATION_METHOD;
        connack(&mut stream, c.protocol, code, Properties::default()).await;
        return None;
    }
    if c.client_id.is_empty() && !c.clean_start && !v5 {
        let code = reason::v311::IDENTIFIER_REJECTED;
        connack(&mut stream, c.protocol, code, Properties::default()).await;
        return None;
    }
    let credential =
        Credential::from_mqtt_connect(&c.client_id, c.username.as_deref(), c.password.as_deref());
    let me = match shared.directory.authenticate(credential).await {
        Ok(Some(me)) => me,
        Ok(None) => {
            Stats::add(&shared.stats.auth_refused, 1);
            let code = refuse(
                reason::v311::BAD_USER_NAME_OR_PASSWORD,
                reason::BAD_USER_NAME_OR_PASSWORD,
            );
            connack(&mut stream, c.protocol, code, Properties::default()).await;
            return None;
        }
        Err(_) => {
            let code = refuse(reason::v311::SERVER_UNAVAILABLE, reason::SERVER_UNAVAILABLE);
            connack(&mut stream, c.protocol, code, Properties::default()).await;
            return None;
        }
    };
    let config = &shared.config;
    let conn_id = shared.hub.next_conn_id();
    let mut properties = Properties::default();
    let client_id = if c.client_id.is_empty() {
        let assigned = format!("shangyun-{conn_id}");
        properties.assigned_client_identifier = Some(assigned.clone());
        assigned
    } else {
        c.client_id.clone()
    };
    let mut keep_alive = c.keep_alive;
    if v5 && (keep_alive == 0 || keep_alive > config.max_keep_alive) {
        keep_alive = config.max_keep_alive;
        properties.server_keep_alive = Some(keep_alive);
    }
    if v5 {
        properties.receive_maximum = Some(config.receive_maximum);
        properties.maximum_qos = Some(1);
        properties.retain_available = Some(0);
        properties.maximum_packet_size = Some(config.max_packet_size);
        properties.wildcard_subscription_available = Some(1);
        properties.subscription_identifier_available = Some(0);
        properties.shared_subscription_available = Some(0);
    }
    // A persistent session is kept after the connection closes, for at most `session_keep`
    // (announced to a 5.0 client that asked for longer).
    let keep_secs = u32::try_from(config.session_keep.as_secs()).unwrap_or(u32::MAX);
    let keep_for = if v5 {
        let asked = c.properties.session_expiry_interval.unwrap_or(0);
        if asked > keep_secs {
            properties.session_expiry_interval = Some(keep_secs);
        }
        asked.min(keep_secs)
    } else if c.clean_start {
        0
    } else {
        keep_secs
    };
    let max_unacked = match c.properties.receive_maximum {
        Some(n) if v5 => n.min(config.max_unacked_downlinks),
        _ => config.max_unacked_downlinks,
    }
    .max(1);
    let (tx, rx) = mpsc::channel(64);
    let handle = ConnHandle {
        id: conn_id,
        tx,
        subs: Arc::new(AtomicU16::new(0)),
    };
    if let Some(old) = shared.hub.take_session(&client_id, handle.clone()) {
        Stats::add(&shared.stats.takeovers, 1);
        let old_tx = old.tx.clone();
        if old.tx.try_send(Downlink::Kick).is_err() {
            tokio::spawn(async move {
                let _ = old.tx.send(Downlink::Kick).await;
            });
        }
        if !c.clean_start {
            // Resuming: the displaced connection keeps its session as it closes (its queue's
            // receiver goes last); wait for that, briefly.
            let _ = tokio::time::timeout(config.connect_timeout, old_tx.closed()).await;
        }
    }
    let resumed = if c.clean_start {
        drop(shared.hub.resume(&client_id, me.id));
        None
    } else {
        shared.hub.resume(&client_id, me.id)
    };
    if let Some(kept) = &resumed {
        handle.subs.store(kept.subs, Ordering::Relaxed);
    }
    shared.hub.route(me.id, handle.clone(), None);
    if let Some(p) = &shared.presence {
        p.on_connect(&me, points::now_ms());
    }
    let session_present = resumed.is_some();
    connack_resuming(
        &mut stream,
        c.protocol,
        reason::SUCCESS,
        properties,
        session_present,
    )
    .await;
    let mut conn = Conn {
        shared: shared.clone(),
        stream,
        protocol: c.protocol,
        routed: vec![me.id],
        me,
        client_id,
        handle,
        rx,
        keep_alive: Duration::from_millis(u64::from(keep_alive) * 1500),
        out: Vec::new(),
        pending: VecDeque::new(),
        children: HashMap::new(),
        last_activity: Instant::now(),
        unacked: None,
        max_unacked,
        keep_for,
    };
    if let Some(kept) = resumed {
        conn.resend(kept.unacked);
    }
    Some(conn)
}

struct Conn<S> {
    shared: Arc<Shared>,
    stream: S,
    protocol: Protocol,
    me: DeviceIdentity,
    client_id: String,
    handle: ConnHandle,
    rx: mpsc::Receiver<Downlink>,
    /// 1.5 × the keep-alive (zero: none).
    keep_alive: Duration,
    out: Vec<u8>,
    pending: VecDeque<(u16, Pending)>,
    /// A gateway's sub-devices met on this connection.
    children: HashMap<String, DeviceIdentity>,
    /// Devices the hub routes to this connection (itself and sub-devices).
    routed: Vec<DeviceId>,
    last_activity: Instant,
    /// QoS 1 downlinks sent and not yet acknowledged, oldest first; `None` when there are
    /// none (boxed: an idle connection's cost is 8 bytes, not a `Vec`'s 24).
    #[allow(clippy::box_collection)] // the connection future is what every idle device costs
    unacked: Option<Box<Vec<Unacked>>>,
    /// Most QoS 1 downlinks in flight; further downlinks wait in the hub's queue.
    max_unacked: u16,
    /// Seconds the session is kept after the connection closes (0: not kept).
    keep_for: u32,
}

/// The oldest pending PUBLISH's answer: its reason code and the points made durable, or `Err`
/// when the store failed it (never acknowledge).
type Answer = Result<(u8, u64), ()>;

fn answer_of(result: Result<shangyun_ingest::Stored, IngestError>) -> Answer {
    result
        .map(|s| (reason::SUCCESS, s.points as u64))
        .map_err(|_| ())
}

/// Resolves when the oldest pending PUBLISH may be answered.
async fn front(pending: &mut VecDeque<(u16, Pending)>) -> Answer {
    match pending.front_mut() {
        Some((_, Pending::Durable(durable))) => answer_of(durable.await),
        Some((_, Pending::Ready(code))) => Ok((*code, 0)),
        None => std::future::pending().await,
    }
}

/// The front's answer if it is already known (a group commit completes many at once).
fn front_now(pending: &mut VecDeque<(u16, Pending)>) -> Option<Answer> {
    match pending.front_mut()? {
        (_, Pending::Ready(code)) => Some(Ok((*code, 0))),
        (_, Pending::Durable(durable)) => {
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            match std::pin::Pin::new(durable).poll(&mut cx) {
                std::task::Poll::Ready(r) => Some(answer_of(r)),
                std::task::Poll::Pending => None,
            }
        }
    }
}

impl<S: Transport> Conn<S> {
    fn v5(&self) -> bool {
        self.protocol == Protocol::V5
    }

    async fn run(&mut self, mut inbuf: Vec<u8>) -> Close {
        let max_inflight = usize::from(self.shared.config.receive_maximum);
        let mut chunk = READ_CHUNK;
        let timer = tokio::time::sleep(self.keep_alive.max(Duration::from_secs(1)));
        tokio::pin!(timer);
        // Bytes that came with the CONNECT.
        if let Err(close) = Box::pin(self.handle_buffer(&mut inbuf)).await {
            return close;
        }
        loop {
            if !self.out.is_empty()
                && let Err(close) = Box::pin(self.flush()).await
            {
                return close;
            }
            let can_read = self.pending.len() < max_inflight;
            if can_read && inbuf.capacity() - inbuf.len() < chunk / 2 {
                inbuf.reserve(chunk);
            }
            let spare = inbuf.capacity() - inbuf.len();
            tokio::select! {
                biased;
                done = front(&mut self.pending), if !self.pending.is_empty() => {
                    if let Err(close) = self.answer_front(done) {
                        return close;
                    }
                }
                downlink = self.rx.recv(), if self.in_flight() < usize::from(self.max_unacked) => match downlink {
                    Some(Downlink::Publish(m)) => self.downlink(*m),
                    Some(Downlink::Kick) => return Close::Reason(reason::SESSION_TAKEN_OVER),
                    None => return Close::Quiet,
                },
                // Cancel-safe: when another branch wins, no bytes were taken.
                read = self.stream.read_buf(&mut inbuf), if can_read => match read {
                    Ok(0) | Err(_) => return Close::Quiet,
                    Ok(n) => {
                        if n == spare {
                            chunk = (chunk * 4).min(MAX_READ_CHUNK);
                        } else if n <= READ_CHUNK / 2 {
                            // Single small packets again (one message, a PINGREQ): back to
                            // the idle-sized step.
                            chunk = READ_CHUNK;
                        }
                        self.last_activity = Instant::now();
                        if let Err(close) = Box::pin(self.handle_buffer(&mut inbuf)).await {
                            return close;
                        }
                    }
                },
                () = &mut timer, if !self.keep_alive.is_zero() => {
                    let deadline = self.last_activity + self.keep_alive;
                    if Instant::now() >= deadline {
                        Stats::add(&self.shared.stats.keep_alive_timeouts, 1);
                        return Close::Reason(reason::KEEP_ALIVE_TIMEOUT);
                    }
                    timer.as_mut().reset(deadline.into());
                }
            }
        }
    }

    /// Writes the PUBACK of the front entry and of every entry behind it that is already
    /// answered (one write for a whole group commit).
    fn answer_front(&mut self, first: Answer) -> Result<(), Close> {
        let mut answer = first;
        loop {
            let Some((id, _)) = self.pending.pop_front() else {
                return Ok(());
            };
            let Ok((code, points)) = answer else {
                Stats::add(&self.shared.stats.store_failures, 1);
                return Err(Close::Reason(reason::UNSPECIFIED_ERROR));
            };
            Stats::add(&self.shared.stats.points_durable, points);
            self.send(Packet::PubAck(PubAck {
                packet_id: id,
                reason: code,
                properties: Properties::default(),
            }));
            match front_now(&mut self.pending) {
                Some(next) => answer = next,
                None => return Ok(()),
            }
        }
    }

    fn send(&mut self, packet: Packet) {
        // Our own packets always fit the wire format.
        let _ = packet.encode(self.protocol, &mut self.out);
    }

    /// Sends a downlink at the QoS its subscription was granted: QoS 1 gets a packet id and
    /// stays in `unacked` until the device's PUBACK.
    fn downlink(&mut self, m: Outgoing) {
        if self.handle.subs.load(Ordering::Relaxed) & sub::qos1(m.sub) == 0 {
            return self.publish_out(m.topic, m.payload);
        }
        let packet_id = self.free_packet_id();
        let sent = Unacked {
            packet_id,
            topic: m.topic,
            payload: m.payload,
        };
        self.publish_unacked(&sent, false);
        self.unacked.get_or_insert_default().push(sent);
    }

    /// QoS 1 downlinks awaiting their PUBACK.
    fn in_flight(&self) -> usize {
        self.unacked.as_ref().map_or(0, |u| u.len())
    }

    /// Resends a resumed session's unacknowledged downlinks with DUP, their ids unchanged.
    fn resend(&mut self, unacked: Vec<Unacked>) {
        for sent in &unacked {
            self.publish_unacked(sent, true);
        }
        if !unacked.is_empty() {
            self.unacked = Some(Box::new(unacked));
        }
    }

    fn publish_unacked(&mut self, sent: &Unacked, dup: bool) {
        self.send(Packet::Publish(Publish {
            dup,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: sent.topic.clone(),
            packet_id: sent.packet_id,
            properties: Properties::default(),
            payload: sent.payload.clone(),
        }));
    }

    /// A packet id not in flight: after the newest one in flight (an acknowledged id may be
    /// used again; ids are per direction and at most `max_unacked` are in flight).
    fn free_packet_id(&self) -> u16 {
        let Some(unacked) = &self.unacked else {
            return 1;
        };
        let mut id = unacked.last().map_or(0, |u| u.packet_id);
        loop {
            id = id.checked_add(1).unwrap_or(1);
            if !unacked.iter().any(|u| u.packet_id == id) {
                return id;
            }
        }
    }

    /// The device acknowledged downlink `packet_id` (an unknown id is ignored).
    fn on_puback(&mut self, packet_id: u16) {
        let Some(unacked) = &mut self.unacked else {
            return;
        };
        if let Some(i) = unacked.iter().position(|u| u.packet_id == packet_id) {
            unacked.remove(i);
            if unacked.is_empty() {
                // Idle connections hold no downlink memory.
                self.unacked = None;
            }
        }
    }

    fn publish_out(&mut self, topic: String, payload: Vec<u8>) {
        self.send(Packet::Publish(Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic,
            packet_id: 0,
            properties: Properties::default(),
            payload,
        }));
    }

    async fn flush(&mut self) -> Result<(), Close> {
        if self.out.is_empty() {
            return Ok(());
        }
        if self.stream.write_all(&self.out).await.is_err() {
            return Err(Close::Quiet);
        }
        self.out.clear();
        if self.out.capacity() > 4096 {
            self.out = Vec::new();
        }
        Ok(())
    }

    /// Handles every whole packet in `inbuf`, keeps the partial rest.
    async fn handle_buffer(&mut self, inbuf: &mut Vec<u8>) -> Result<(), Close> {
        let mut used = 0;
        let result = loop {
            match decode(
                &inbuf[used..],
                self.protocol,
                self.shared.config.max_packet_size,
            ) {
                Ok(Some((packet, n))) => {
                    used += n;
                    if let Err(close) = self.handle(packet).await {
                        break Err(close);
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => {
                    Stats::add(&self.shared.stats.protocol_errors, 1);
                    break Err(Close::Reason(e.reason_code()));
                }
            }
        };
        inbuf.drain(..used);
        if inbuf.is_empty() {
            *inbuf = Vec::new();
        }
        result
    }

    async fn handle(&mut self, packet: Packet) -> Result<(), Close> {
        match packet {
            Packet::Publish(p) => self.on_publish(p).await,
            Packet::PubAck(a) => {
                self.on_puback(a.packet_id);
                Ok(())
            }
            Packet::Subscribe(s) => {
                self.on_subscribe(s);
                Ok(())
            }
            Packet::Unsubscribe(u) => {
                self.on_unsubscribe(u);
                Ok(())
            }
            Packet::PingReq => {
                self.send(Packet::PingResp);
                Ok(())
            }
            Packet::Disconnect(_) => Err(Close::Quiet),
            Packet::Connect(_)
            | Packet::ConnAck(_)
            | Packet::SubAck(_)
            | Packet::UnsubAck(_)
            | Packet::PingResp
            | Packet::Auth(_) => {
                Stats::add(&self.shared.stats.protocol_errors, 1);
                Err(Close::Reason(reason::PROTOCOL_ERROR))
            }
        }
    }

    async fn on_publish(&mut self, p: Publish) -> Result<(), Close> {
        Stats::add(&self.shared.stats.publishes, 1);
        let mark = self.out.len();
        // Boxed: the routing state is large and exists only while a PUBLISH is handled; the
        // connection's own future (what an idle connection costs) stays small.
        let outcome = Box::pin(self.route(&p.topic, &p.payload)).await?;
        let qos1 = p.qos == QoS::AtLeastOnce;
        let entry = match outcome {
            Outcome::Durable(durable) => Pending::Durable(durable),
            Outcome::Done => Pending::Ready(reason::SUCCESS),
            Outcome::Malformed => {
                Stats::add(&self.shared.stats.malformed_payloads, 1);
                // 3.1.1 has no negative PUBACK: the message is consumed (nothing of it is
                // stored), so the device does not resend a poison message forever.
                Pending::Ready(if self.v5() {
                    reason::PAYLOAD_FORMAT_INVALID
                } else {
                    reason::SUCCESS
                })
            }
            Outcome::NotAuthorized => {
                Stats::add(&self.shared.stats.not_authorized, 1);
                if !self.v5() {
                    // 3.1.1 cannot refuse one message: close, as ThingsBoard does.
                    return Err(Close::Quiet);
                }
                Pending::Ready(reason::NOT_AUTHORIZED)
            }
        };
        match entry {
            // Nothing older waits: answer now, ahead of any reply this PUBLISH produced.
            Pending::Ready(code) if qos1 && self.pending.is_empty() => {
                let replies = self.out.split_off(mark);
                self.send(Packet::PubAck(PubAck {
                    packet_id: p.packet_id,
                    reason: code,
                    properties: Properties::default(),
                }));
                self.out.extend_from_slice(&replies);
            }
            entry if qos1 => self.pending.push_back((p.packet_id, entry)),
            _ => {}
        }
        Ok(())
    }

    fn sub_bits(&self, filter: &str) -> u8 {
        const TOPICS: &[(u8, &str, bool)] = &[
            (sub::ATTRIBUTES, "v1/devices/me/attributes", false),
            (
                sub::ATTRIBUTE_RESPONSES,
                "v1/devices/me/attributes/response/1",
                false,
            ),
            (sub::RPC_REQUESTS, "v1/devices/me/rpc/request/1", false),
            (sub::RPC_RESPONSES, "v1/devices/me/rpc/response/1", false),
            (sub::GATEWAY_RPC, "v1/gateway/rpc", true),
            (sub::GATEWAY_ATTRIBUTES, "v1/gateway/attributes", true),
            (
                sub::GATEWAY_ATTRIBUTE_RESPONSES,
                "v1/gateway/attributes/response",
                true,
            ),
        ];
        TOPICS
            .iter()
            .filter(|(_, t, gw)| (!gw || self.me.is_gateway) && topic::matches(filter, t))
            .fold(0, |bits, (b, _, _)| bits | b)
    }

    fn on_subscribe(&mut self, s: Subscribe) {
        let mut codes = Vec::with_capacity(s.filters.len());
        for (filter, options) in &s.filters {
            let bits = self.sub_bits(filter);
            if bits == 0 {
                codes.push(if self.v5() {
                    reason::NOT_AUTHORIZED
                } else {
                    0x80
                });
            } else {
                // Downlinks go at the granted QoS (at most 1); subscribing again changes it.
                let granted = (options.qos as u8).min(1);
                let qos1 = sub::qos1(bits);
                let _ =
                    self.handle
                        .subs
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                            let on = old | u16::from(bits);
                            Some(if granted == 1 { on | qos1 } else { on & !qos1 })
                        });
                codes.push(granted);
            }
        }
        self.send(Packet::SubAck(SubAck {
            packet_id: s.packet_id,
            properties: Properties::default(),
            codes,
        }));
    }

    fn on_unsubscribe(&mut self, u: Unsubscribe) {
        let mut codes = Vec::with_capacity(u.filters.len());
        for filter in &u.filters {
            let bits = self.sub_bits(filter);
            let mask = u16::from(bits) | sub::qos1(bits);
            let had = self.handle.subs.fetch_and(!mask, Ordering::Relaxed) & u16::from(bits);
            codes.push(if bits != 0 && had != 0 {
                reason::SUCCESS
            } else {
                reason::NO_SUBSCRIPTION_EXISTED
            });
        }
        self.send(Packet::UnsubAck(UnsubAck {
            packet_id: u.packet_id,
            properties: Properties::default(),
            codes,
        }));
    }

    /// A gateway's sub-device `name` (found or created by the ingest core's cache and the
    /// directory); routed to this connection for downlinks the first time it is met.
    async fn child(
        &mut self,
        name: &str,
        device_type: Option<&str>,
    ) -> Result<Result<DeviceIdentity, Outcome>, Close> {
        if device_type.is_none()
            && let Some(c) = self.children.get(name)
        {
            return Ok(Ok(c.clone()));
        }
        match self
            .shared
            .ingest
            .sub_device(&self.me, name, device_type)
            .await
        {
            Ok(child) => {
                self.adopt(name, &child);
                Ok(Ok(child))
            }
            Err(e) => refused(e).map(Err),
        }
    }

    /// Routes sub-device `child` (named `name` on the gateway API) to this connection.
    fn adopt(&mut self, name: &str, child: &DeviceIdentity) {
        if self
            .children
            .insert(name.to_owned(), child.clone())
            .is_none()
        {
            self.shared
                .hub
                .route(child.id, self.handle.clone(), Some(name.to_owned()));
            self.routed.push(child.id);
        }
    }

    /// Dispatches a PUBLISH by its ThingsBoard topic. The device acts only as itself; the
    /// gateway topics only for a gateway, and only for its own sub-devices (the ingest core
    /// asks the directory).
    async fn route(&mut self, topic_name: &str, payload: &[u8]) -> Result<Outcome, Close> {
        let Some(topic) = tb::Topic::parse(topic_name) else {
            return Ok(Outcome::NotAuthorized);
        };
        use tb::Topic as T;
        if matches!(
            topic,
            T::GatewayConnect
                | T::GatewayDisconnect
                | T::GatewayTelemetry
                | T::GatewayAttributes
                | T::GatewayAttributeRequest
                | T::GatewayRpc
                | T::GatewayClaim
        ) && !self.me.is_gateway
        {
            return Ok(Outcome::NotAuthorized);
        }
        let ingest = self.shared.ingest.clone();
        let limits = ingest.limits();
        let now = points::now_ms();
        match topic {
            T::Telemetry => match ingest.telemetry(&self.me, payload, now) {
                Ok(durable) => Ok(Outcome::Durable(durable)),
                Err(e) => refused(e),
            },
            T::Attributes => match ingest.attributes(&self.me, payload, now).await {
                Ok(()) => Ok(Outcome::Done),
                Err(e) => refused(e),
            },
            T::AttributeRequest(id) => {
                let Ok(req) = tb::decode_attribute_request(payload, limits) else {
                    return Ok(Outcome::Malformed);
                };
                ingest.activity(&self.me, now);
                let (client, shared) = key_choice(&req.client_keys, &req.shared_keys);
                match ingest
                    .directory()
                    .attributes_get(self.me.id, client, shared)
                    .await
                {
                    Ok(set) => {
                        let body = serde_json::to_vec(&set).unwrap_or_default();
                        self.publish_out(format!("v1/devices/me/attributes/response/{id}"), body);
                        Ok(Outcome::Done)
                    }
                    Err(e) => refused(e.into()),
                }
            }
            T::RpcResponse(id) => {
                let Ok(json) = tb::decode_rpc_response(payload, limits) else {
                    return Ok(Outcome::Malformed);
                };
                ingest.activity(&self.me, now);
                self.shared.hub.complete_rpc(self.me.id, id, json);
                Ok(Outcome::Done)
            }
            T::RpcRequest(id) => {
                let Ok(req) = tb::decode_rpc_request(payload, limits) else {
                    return Ok(Outcome::Malformed);
                };
                ingest.activity(&self.me, now);
                let answer = client_rpc(&req.method);
                self.publish_out(
                    format!("v1/devices/me/rpc/response/{id}"),
                    answer.to_string().into_bytes(),
                );
                Ok(Outcome::Done)
            }
            T::GatewayConnect => match ingest.gateway_connect(&self.me, payload, now).await {
                Ok(child) => {
                    let name = child.name.clone();
                    self.adopt(&name, &child);
                    Ok(Outcome::Done)
                }
                Err(e) => refused(e),
            },
            T::GatewayDisconnect => match ingest.gateway_disconnect(&self.me, payload, now).await {
                Ok(child) => {
                    self.children.retain(|_, c| c.id != child.id);
                    self.shared.hub.unroute(child.id, self.handle.id);
                    self.routed.retain(|id| *id != child.id);
                    Ok(Outcome::Done)
                }
                Err(e) => refused(e),
            },
            T::GatewayTelemetry => match ingest.gateway_telemetry(&self.me, payload, now).await {
                Ok(durable) => Ok(Outcome::Durable(durable)),
                Err(e) => refused(e),
            },
            T::GatewayAttributes => match ingest.gateway_attributes(&self.me, payload, now).await {
                Ok(()) => Ok(Outcome::Done),
                Err(e) => refused(e),
            },
            T::GatewayAttributeRequest => {
                let Ok(req) = tb::decode_gateway_attribute_request(payload, limits) else {
                    return Ok(Outcome::Malformed);
                };
                let child = match self.child(&req.device, None).await? {
                    Ok(c) => c,
                    Err(outcome) => return Ok(outcome),
                };
                ingest.activity(&child, now);
                let keys = Some(req.keys.as_slice());
                let (client, shared) = if req.client {
                    (keys, None)
                } else {
                    (None, keys)
                };
                match ingest
                    .directory()
                    .attributes_get(child.id, client, shared)
                    .await
                {
                    Ok(set) => {
                        let values = if req.client { set.client } else { set.shared };
                        let mut body = serde_json::json!({"id": req.id, "device": req.device});
                        if req.keys.len() == 1
                            && let Some(v) = values.get(&req.keys[0])
                        {
                            body["value"] = v.clone();
                        }
                        body["values"] = serde_json::Value::Object(values);
                        self.publish_out(
                            "v1/gateway/attributes/response".into(),
                            body.to_string().into_bytes(),
                        );
                        Ok(Outcome::Done)
                    }
                    Err(e) => refused(e.into()),
                }
            }
            T::GatewayRpc => {
                let Ok(r) = tb::decode_gateway_rpc_response(payload, limits) else {
                    return Ok(Outcome::Malformed);
                };
                let child = match self.child(&r.device, None).await? {
                    Ok(c) => c,
                    Err(outcome) => return Ok(outcome),
                };
                ingest.activity(&child, now);
                if let Ok(id) = u64::try_from(r.id) {
                    self.shared.hub.complete_rpc(child.id, id, r.data);
                }
                Ok(Outcome::Done)
            }
            // Claiming is not offered; provisioning only in a provisioning session
            // (`crate::provision`), never on a device's own connection.
            T::Claim | T::GatewayClaim | T::Provision => Ok(Outcome::NotAuthorized),
        }
    }

    async fn finish(mut self, end: Close) {
        if let Close::Reason(code) = end
            && self.v5()
        {
            self.send(Packet::Disconnect(Disconnect {
                reason: code,
                properties: Properties::default(),
            }));
        }
        let _ = self.flush().await;
        let _ = self.stream.shutdown().await;
        if self.keep_for > 0 {
            // Before the queue's receiver drops: a resuming connection waits for that.
            let kept = Kept {
                device: self.me.id,
                subs: self.handle.subs.load(Ordering::Relaxed),
                unacked: self.unacked.take().map(|u| *u).unwrap_or_default(),
                until: Instant::now() + Duration::from_secs(u64::from(self.keep_for)),
            };
            self.shared.hub.keep(&self.client_id, kept);
        }
        self.shared
            .hub
            .drop_conn(&self.client_id, self.handle.id, &self.routed);
        if let Some(p) = &self.shared.presence {
            p.on_disconnect(&self.me, points::now_ms());
        }
    }
}

/// ThingsBoard attribute-request key lists: both empty means everything.
fn key_choice<'a>(
    client: &'a [String],
    shared: &'a [String],
) -> (Option<&'a [String]>, Option<&'a [String]>) {
    let some = |k: &'a [String]| (!k.is_empty()).then_some(k);
    (some(client), some(shared))
}

/// What a refusal of the ingest core means for the PUBLISH: the sender's fault is answered
/// (malformed: counted and refused; someone else's device: not authorised); the server's fault
/// (directory or store unavailable) closes the connection without an ack, so the device resends.
fn refused(e: IngestError) -> Result<Outcome, Close> {
    match e {
        IngestError::Malformed(_) | IngestError::Invalid(_) | IngestError::Refused(_) => {
            Ok(Outcome::Malformed)
        }
        IngestError::NotAGateway(_)
        | IngestError::NotYourDevice { .. }
        | IngestError::UnknownDevice(_) => Ok(Outcome::NotAuthorized),
        IngestError::Directory(_) | IngestError::NotDurable(_) => {
            Err(Close::Reason(reason::SERVER_UNAVAILABLE))
        }
    }
}

/// Client-side RPC (device → platform): the methods the platform answers itself.
fn client_rpc(method: &str) -> serde_json::Value {
    match method {
        "getCurrentTime" => serde_json::json!({"time": points::now_ms()}),
        other => serde_json::json!({"error": format!("unsupported method: {other}")}),
    }
}

#[cfg(test)]
mod size {
    /// The task's future is what every idle connection costs besides its socket: keep it small.
    #[test]
    fn connection_future_size() {
        fn size_of<F>(_: &F) -> usize {
            std::mem::size_of::<F>()
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async {
            let dir = std::env::temp_dir().join(format!("mqtt-size-{}", std::process::id()));
            let (tsdb, _) =
                shangyun_tsdb::Tsdb::open(&dir, shangyun_tsdb::Config::default()).expect("tsdb");
            let directory: std::sync::Arc<dyn shangyun_devices::DeviceDirectory> =
                std::sync::Arc::new(shangyun_devices::MemoryDirectory::new());
            let ingest = shangyun_ingest::Ingest::new(
                std::sync::Arc::new(tsdb),
                directory.clone(),
                shangyun_ingest::IngestConfig::default(),
            );
            let shared = std::sync::Arc::new(crate::Shared {
                config: crate::EndpointConfig::default(),
                directory,
                ingest,
                hub: crate::Hub::default(),
                stats: crate::Stats::default(),
                presence: None,
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let c = tokio::net::TcpStream::connect(listener.local_addr().expect("addr"))
                .await
                .expect("connect");
            let fut = super::serve(shared, c);
            let n = size_of(&fut);
            eprintln!("connection future: {n} bytes");
            assert!(n < 2048, "connection future is {n} bytes");
            drop(fut);
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}
