//! A provisioning session (ThingsBoard's MQTT provisioning API): a client connecting with the
//! user name `provision` (password empty or ignored) holds no device identity. It may
//! subscribe to `/provision/response` and publish one request on `/provision/request` (or the
//! older `/provision`); it gets ThingsBoard's response on `/provision/response` (sent whether
//! or not it subscribed, as ThingsBoard does) and the server then closes the connection.
//! Anything else it publishes closes the connection (5.0: DISCONNECT 0x87), so the user name
//! opens nothing but the provisioning call.
//!
//! Consequence: `provision` cannot be a device's access token (ThingsBoard has the same rule).

use crate::Shared;
use crate::connection::{READ_CHUNK, Transport, connack};
use crate::stats::Stats;
use shangyun_ingest::ProvisionOutcome;
use shangyun_mqtt_codec::{
    Connect, Disconnect, Packet, Properties, Protocol, PubAck, Publish, QoS, SubAck, UnsubAck,
    decode, reason, topic,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The MQTT user name that opens a provisioning session.
pub(crate) const USER: &str = "provision";
const RESPONSE_TOPIC: &str = "/provision/response";

/// Whether a CONNECT asks for a provisioning session.
pub(crate) fn is_provision(c: &Connect) -> bool {
    c.username.as_deref() == Some(USER)
}

/// What one packet of the session comes to.
enum Step {
    Continue,
    /// The response is queued: flush it and close (5.0: DISCONNECT 0x00).
    Answered,
    /// Close (a 5.0 client is told why first, unless `None`).
    Close(Option<u8>),
}

/// Runs the session to its end. The whole session must finish within three connect timeouts.
pub(crate) async fn serve<S: Transport>(
    shared: &Arc<Shared>,
    mut stream: S,
    c: Connect,
    mut inbuf: Vec<u8>,
) {
    let protocol = c.protocol;
    let v5 = protocol == Protocol::V5;
    if c.client_id.is_empty() && !c.clean_start && !v5 {
        let code = reason::v311::IDENTIFIER_REJECTED;
        connack(&mut stream, protocol, code, Properties::default()).await;
        return;
    }
    let config = &shared.config;
    let mut properties = Properties::default();
    if v5 {
        if c.client_id.is_empty() {
            properties.assigned_client_identifier = Some("shangyun-provision".to_owned());
        }
        properties.maximum_qos = Some(1);
        properties.retain_available = Some(0);
        properties.maximum_packet_size = Some(config.max_packet_size);
        if c.properties.session_expiry_interval.unwrap_or(0) > 0 {
            properties.session_expiry_interval = Some(0);
        }
    }
    connack(&mut stream, protocol, reason::SUCCESS, properties).await;
    let mut session = Session {
        shared,
        protocol,
        out: Vec::new(),
    };
    let limit = config.connect_timeout * 3;
    let step = tokio::time::timeout(limit, session.run(&mut stream, &mut inbuf)).await;
    let code = match step {
        Ok(Step::Answered) => Some(reason::SUCCESS),
        Ok(Step::Close(code)) => code,
        Ok(Step::Continue) | Err(_) => None,
    };
    if let Some(code) = code
        && v5
    {
        session.send(Packet::Disconnect(Disconnect {
            reason: code,
            properties: Properties::default(),
        }));
    }
    if !session.out.is_empty() {
        let _ = stream.write_all(&session.out).await;
    }
    // Half-close, then let the client read the answer and leave: closing with its bytes
    // unread would reset the connection and could destroy the answer in flight.
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 256];
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

struct Session<'a> {
    shared: &'a Arc<Shared>,
    protocol: Protocol,
    out: Vec<u8>,
}

impl Session<'_> {
    fn send(&mut self, packet: Packet) {
        // Our own packets always fit the wire format.
        let _ = packet.encode(self.protocol, &mut self.out);
    }

    async fn run<S: Transport>(&mut self, stream: &mut S, inbuf: &mut Vec<u8>) -> Step {
        let max = self.shared.config.max_packet_size;
        loop {
            loop {
                match decode(inbuf, self.protocol, max) {
                    Ok(Some((packet, used))) => {
                        inbuf.drain(..used);
                        match self.handle(packet).await {
                            Step::Continue => {}
                            end => return end,
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        Stats::add(&self.shared.stats.protocol_errors, 1);
                        return Step::Close(Some(e.reason_code()));
                    }
                }
            }
            if !self.out.is_empty() {
                if stream.write_all(&self.out).await.is_err() {
                    return Step::Close(None);
                }
                self.out.clear();
            }
            inbuf.reserve(READ_CHUNK);
            match stream.read_buf(inbuf).await {
                Ok(0) | Err(_) => return Step::Close(None),
                Ok(_) => {}
            }
        }
    }

    async fn handle(&mut self, packet: Packet) -> Step {
        match packet {
            Packet::Publish(p) => self.on_publish(p).await,
            Packet::Subscribe(s) => {
                let v5 = self.protocol == Protocol::V5;
                let codes = s
                    .filters
                    .iter()
                    .map(|(filter, options)| {
                        if topic::matches(filter, RESPONSE_TOPIC) {
                            options.qos as u8
                        } else if v5 {
                            reason::NOT_AUTHORIZED
                        } else {
                            0x80
                        }
                    })
                    .collect();
                self.send(Packet::SubAck(SubAck {
                    packet_id: s.packet_id,
                    properties: Properties::default(),
                    codes,
                }));
                Step::Continue
            }
            Packet::Unsubscribe(u) => {
                let codes = vec![reason::SUCCESS; u.filters.len()];
                self.send(Packet::UnsubAck(UnsubAck {
                    packet_id: u.packet_id,
                    properties: Properties::default(),
                    codes,
                }));
                Step::Continue
            }
            Packet::PingReq => {
                self.send(Packet::PingResp);
                Step::Continue
            }
            Packet::Disconnect(_) => Step::Close(None),
            // Nothing of ours awaits an ack.
            Packet::PubAck(_) => Step::Continue,
            // A second CONNECT, server-only packets, AUTH.
            _ => {
                Stats::add(&self.shared.stats.protocol_errors, 1);
                Step::Close(Some(reason::PROTOCOL_ERROR))
            }
        }
    }

    async fn on_publish(&mut self, p: Publish) -> Step {
        Stats::add(&self.shared.stats.publishes, 1);
        if p.topic != "/provision/request" && p.topic != "/provision" {
            Stats::add(&self.shared.stats.not_authorized, 1);
            return Step::Close(Some(reason::NOT_AUTHORIZED));
        }
        let provisioned = self.shared.ingest.provision(&p.payload).await;
        let counter = match provisioned.outcome {
            ProvisionOutcome::Created => &self.shared.stats.provisioned,
            _ => &self.shared.stats.provision_refused,
        };
        Stats::add(counter, 1);
        if p.qos == QoS::AtLeastOnce {
            self.send(Packet::PubAck(PubAck {
                packet_id: p.packet_id,
                reason: reason::SUCCESS,
                properties: Properties::default(),
            }));
        }
        self.send(Packet::Publish(Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: RESPONSE_TOPIC.to_owned(),
            packet_id: 0,
            properties: Properties::default(),
            payload: provisioned.body(),
        }));
        Step::Answered
    }
}
