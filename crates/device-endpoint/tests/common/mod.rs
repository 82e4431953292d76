//! A minimal MQTT client over the codec, for driving the endpoint packet by packet, and an
//! endpoint on a temporary store with an in-memory directory.
#![allow(dead_code)]

use shangyun_device_endpoint::{Endpoint, EndpointConfig};
use shangyun_devices::{DeviceIdentity, MemoryDirectory, NewDevice};
use shangyun_mqtt_codec::*;
use shangyun_tsdb::{Config, Tsdb};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Fixture {
    pub endpoint: Endpoint,
    pub directory: Arc<MemoryDirectory>,
    pub tsdb: Arc<Tsdb>,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let (tsdb, _) = Tsdb::open(dir.path(), Config::default()).expect("tsdb");
    let tsdb = Arc::new(tsdb);
    let directory = Arc::new(MemoryDirectory::new());
    let ingest = shangyun_ingest::Ingest::new(
        tsdb.clone(),
        directory.clone(),
        shangyun_ingest::IngestConfig::default(),
    );
    let endpoint = Endpoint::new(ingest, EndpointConfig::default(), None);
    let listener = Endpoint::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let serving = endpoint.clone();
    tokio::spawn(async move { serving.serve(listener).await });
    Fixture {
        endpoint,
        directory,
        tsdb,
        addr,
        dir,
    }
}

impl Fixture {
    /// A device (or gateway) with access token `token` in enterprise `E1`.
    pub fn device(&self, name: &str, token: &str, gateway: bool) -> DeviceIdentity {
        let mut new = if gateway {
            NewDevice::gateway(name)
        } else {
            NewDevice::named(name)
        };
        new.enterprise = Some("E1".into());
        self.directory
            .add_device_with_token(new, token)
            .expect("add device")
    }
}

pub struct Client {
    pub stream: TcpStream,
    pub protocol: Protocol,
    buf: Vec<u8>,
}

impl Client {
    pub async fn connect_raw(
        addr: SocketAddr,
        protocol: Protocol,
        client_id: &str,
        user: Option<&str>,
    ) -> (Self, ConnAck) {
        Self::connect_full(addr, protocol, client_id, user, true, None).await
    }

    /// CONNECT with an access token, a client id and the session flags given.
    pub async fn connect_session(
        addr: SocketAddr,
        protocol: Protocol,
        client_id: &str,
        token: &str,
        clean_start: bool,
        session_expiry: Option<u32>,
    ) -> (Self, ConnAck) {
        Self::connect_full(
            addr,
            protocol,
            client_id,
            Some(token),
            clean_start,
            session_expiry,
        )
        .await
    }

    async fn connect_full(
        addr: SocketAddr,
        protocol: Protocol,
        client_id: &str,
        user: Option<&str>,
        clean_start: bool,
        session_expiry: Option<u32>,
    ) -> (Self, ConnAck) {
        let stream = TcpStream::connect(addr).await.expect("tcp connect");
        let mut c = Self {
            stream,
            protocol,
            buf: Vec::new(),
        };
        c.send(Packet::Connect(Box::new(Connect {
            protocol,
            clean_start,
            keep_alive: 30,
            properties: Properties {
                session_expiry_interval: session_expiry,
                ..Properties::default()
            },
            client_id: client_id.into(),
            will: None,
            username: user.map(str::to_owned),
            password: None,
        })))
        .await;
        match c.recv().await {
            Some(Packet::ConnAck(a)) => (c, a),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    pub async fn connect(addr: SocketAddr, protocol: Protocol, token: &str) -> Self {
        let (c, ack) = Self::connect_raw(addr, protocol, "", Some(token)).await;
        assert_eq!(ack.code, 0, "connect refused");
        c
    }

    pub async fn send(&mut self, p: Packet) {
        let mut out = Vec::new();
        p.encode(self.protocol, &mut out).expect("encode");
        self.stream.write_all(&out).await.expect("write");
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    /// The next packet, or `None` when the server closed the connection (5 s timeout).
    pub async fn recv(&mut self) -> Option<Packet> {
        loop {
            if let Some((p, used)) =
                decode(&self.buf, self.protocol, 1 << 20).expect("server sent a bad packet")
            {
                self.buf.drain(..used);
                return Some(p);
            }
            let mut tmp = [0u8; 4096];
            let n = tokio::time::timeout(Duration::from_secs(5), self.stream.read(&mut tmp))
                .await
                .expect("server silent for 5 s")
                .ok()?;
            if n == 0 {
                return None;
            }
            self.buf.extend_from_slice(&tmp[..n]);
        }
    }

    pub async fn publish(&mut self, topic: &str, payload: &[u8], packet_id: u16) {
        self.send(Packet::Publish(Publish {
            dup: false,
            qos: if packet_id == 0 {
                QoS::AtMostOnce
            } else {
                QoS::AtLeastOnce
            },
            retain: false,
            topic: topic.into(),
            packet_id,
            properties: Properties::default(),
            payload: payload.to_vec(),
        }))
        .await;
    }

    pub async fn puback(&mut self) -> PubAck {
        match self.recv().await {
            Some(Packet::PubAck(a)) => a,
            other => panic!("expected PUBACK, got {other:?}"),
        }
    }

    pub async fn subscribe(&mut self, filter: &str) -> Vec<u8> {
        self.send(Packet::Subscribe(Subscribe {
            packet_id: 9,
            properties: Properties::default(),
            filters: vec![(filter.into(), SubOptions::qos(QoS::AtLeastOnce))],
        }))
        .await;
        match self.recv().await {
            Some(Packet::SubAck(a)) => a.codes,
            other => panic!("expected SUBACK, got {other:?}"),
        }
    }

    /// PUBACK for a downlink.
    pub async fn ack(&mut self, packet_id: u16) {
        self.send(Packet::PubAck(PubAck {
            packet_id,
            reason: 0,
            properties: Properties::default(),
        }))
        .await;
    }

    /// SUBSCRIBE `filter` at `qos`; returns the SUBACK codes.
    pub async fn subscribe_at(&mut self, filter: &str, qos: QoS) -> Vec<u8> {
        self.send(Packet::Subscribe(Subscribe {
            packet_id: 9,
            properties: Properties::default(),
            filters: vec![(filter.into(), SubOptions::qos(qos))],
        }))
        .await;
        match self.recv().await {
            Some(Packet::SubAck(a)) => a.codes,
            other => panic!("expected SUBACK, got {other:?}"),
        }
    }

    /// PINGREQ; the next packet must be its PINGRESP (nothing else was queued before it).
    pub async fn expect_nothing_queued(&mut self) {
        self.send(Packet::PingReq).await;
        match self.recv().await {
            Some(Packet::PingResp) => {}
            other => panic!("expected only PINGRESP, got {other:?}"),
        }
    }

    pub async fn next_publish(&mut self) -> Publish {
        match self.recv().await {
            Some(Packet::Publish(p)) => p,
            other => panic!("expected PUBLISH, got {other:?}"),
        }
    }
}
