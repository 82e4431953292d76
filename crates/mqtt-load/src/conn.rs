//! One simulated device: CONNECT with its token, wait for the start, then keep `window` QoS 1
//! telemetry messages in flight until told to stop, timing each PUBACK.

use crate::Shared;
use shangyun_mqtt_codec::{Connect, Packet, Properties, Protocol, decode};
use std::collections::VecDeque;
use std::io::Write;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// First timestamp of every device's series (2023-11-14), one message per second after it.
pub const BASE_TS: i64 = 1_700_000_000_000;

/// Meter-like values: voltage with one decimal, current with two, a cumulative kWh counter.
#[cfg(test)]
pub fn payload(device: usize, k: u64, ts: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    payload_into(&mut out, device, k, ts);
    out
}

/// [`payload`] appended to `out`, with no formatting machinery (the generator shares the
/// cores with the server it measures: `format!` was a fifth of its instructions).
pub fn payload_into(out: &mut Vec<u8>, device: usize, k: u64, ts: i64) {
    let d = device as u64;
    let voltage = 2200 + (k * 7 + d) % 50;
    let current = 500 + (k * 3 + d) % 100;
    let kwh = 100_000 + k;
    out.extend_from_slice(br#"{"ts":"#);
    push_decimal(out, ts.unsigned_abs(), 0);
    out.extend_from_slice(br#","values":{"voltage":"#);
    push_decimal(out, voltage, 1);
    out.extend_from_slice(br#","current":"#);
    push_decimal(out, current, 2);
    out.extend_from_slice(br#","kwh":"#);
    push_decimal(out, kwh, 2);
    out.extend_from_slice(b"}}");
}

/// `n / 10^scale` with exactly `scale` decimals (`2205, 1` → `220.5`).
fn push_decimal(out: &mut Vec<u8>, n: u64, scale: usize) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    while rest > 0 || len <= scale {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    for i in (0..len).rev() {
        out.push(digits[i]);
        if i == scale && scale > 0 {
            out.push(b'.');
        }
    }
}

/// A QoS 1 PUBLISH (MQTT 3.1.1) of `payload` on `topic`, appended to `out`: the bytes
/// `Packet::Publish(..).encode` writes, without building a packet.
fn publish_into(out: &mut Vec<u8>, topic: &[u8], packet_id: u16, payload: &[u8]) {
    out.push(0x32);
    let mut remaining = 2 + topic.len() + 2 + payload.len();
    loop {
        let byte = (remaining % 128) as u8;
        remaining /= 128;
        out.push(if remaining > 0 { byte | 0x80 } else { byte });
        if remaining == 0 {
            break;
        }
    }
    out.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    out.extend_from_slice(topic);
    out.extend_from_slice(&packet_id.to_be_bytes());
    out.extend_from_slice(payload);
}

pub async fn device(shared: Arc<Shared>, i: usize) {
    if run(&shared, i).await.is_err() && shared.go.borrow().eq(&0) {
        shared.failed.fetch_add(1, Ordering::Relaxed);
    }
}

async fn run(shared: &Shared, i: usize) -> Result<(), ()> {
    let o = &shared.opts;
    let host = Ipv4Addr::new(127, 0, 0, 1 + (i % usize::from(o.hosts)) as u8);
    let stream = TcpStream::connect((host, o.port)).await.map_err(|_| ())?;
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    let mut out = Vec::new();
    Packet::Connect(Box::new(Connect {
        protocol: Protocol::V311,
        clean_start: true,
        keep_alive: 600,
        properties: Properties::default(),
        client_id: format!("load-{i}"),
        will: None,
        username: Some(format!("{}{i:08}", o.prefix)),
        password: None,
    }))
    .encode(Protocol::V311, &mut out)
    .map_err(|_| ())?;
    wr.write_all(&out).await.map_err(|_| ())?;
    let mut buf = Vec::new();
    match next(&mut rd, &mut buf).await? {
        Packet::ConnAck(a) if a.code == 0 => {}
        _ => return Err(()),
    }
    shared.connected.fetch_add(1, Ordering::Relaxed);
    let mut go = shared.go.clone();
    go.wait_for(|v| *v >= 1).await.map_err(|_| ())?;
    let mut inflight: VecDeque<(u16, Instant, i64)> = VecDeque::with_capacity(o.window);
    let mut k: u64 = 0;
    let mut next_id: u16 = 1;
    let mut lat: Vec<u32> = Vec::new();
    let topic = o.topic.as_bytes();
    let mut body = Vec::with_capacity(128);
    loop {
        let stop = shared.stop.load(Ordering::Relaxed);
        out.clear();
        while !stop && inflight.len() < o.window {
            let ts = BASE_TS + k as i64 * 1000;
            body.clear();
            payload_into(&mut body, i, k, ts);
            publish_into(&mut out, topic, next_id, &body);
            inflight.push_back((next_id, Instant::now(), ts));
            next_id = next_id.checked_add(1).unwrap_or(1);
            k += 1;
        }
        if !out.is_empty() {
            wr.write_all(&out).await.map_err(|_| ())?;
        }
        if inflight.is_empty() {
            if let Ok(mut all) = shared.latencies.lock() {
                all.append(&mut lat);
            }
            break;
        }
        let acked_id = next_puback(&mut rd, &mut buf).await?;
        let Some((id, sent, ts)) = inflight.pop_front() else {
            return Err(());
        };
        if id != acked_id {
            eprintln!("mqtt-load: PUBACK out of order on connection {i}");
            return Err(());
        }
        shared.acked.fetch_add(1, Ordering::Relaxed);
        if let Some(log) = &shared.acklog
            && let Ok(mut log) = log.lock()
        {
            let _ = writeln!(log, "acked {i} {ts}");
        }
        lat.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        if lat.len() >= 16 {
            shared.latencies.lock().map_err(|_| ())?.append(&mut lat);
        }
    }
    Ok(())
}

/// The next packet, which must be a PUBACK: its packet id. A 3.1.1 PUBACK is 4 bytes
/// (`40 02 id id`), read without the general decoder; anything else goes through it.
async fn next_puback(
    rd: &mut tokio::net::tcp::OwnedReadHalf,
    buf: &mut Vec<u8>,
) -> Result<u16, ()> {
    loop {
        if let [0x40, 0x02, hi, lo, ..] = buf[..] {
            buf.drain(..4);
            return Ok(u16::from_be_bytes([hi, lo]));
        }
        if buf.len() >= 4 {
            return match decode(buf, Protocol::V311, 1 << 20).map_err(|_| ())? {
                Some((Packet::PubAck(a), used)) => {
                    buf.drain(..used);
                    Ok(a.packet_id)
                }
                _ => Err(()),
            };
        }
        read_more(rd, buf).await?;
    }
}

async fn next(rd: &mut tokio::net::tcp::OwnedReadHalf, buf: &mut Vec<u8>) -> Result<Packet, ()> {
    loop {
        if let Some((p, used)) = decode(buf, Protocol::V311, 1 << 20).map_err(|_| ())? {
            buf.drain(..used);
            return Ok(p);
        }
        read_more(rd, buf).await?;
    }
}

async fn read_more(rd: &mut tokio::net::tcp::OwnedReadHalf, buf: &mut Vec<u8>) -> Result<(), ()> {
    buf.reserve(512);
    match rd.read_buf(buf).await {
        Ok(0) | Err(_) => Err(()),
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shangyun_mqtt_codec::{Properties, Publish, QoS};

    #[test]
    fn payload_is_the_meter_json() {
        // What `format!` wrote before, as the reference.
        let reference = |d: u64, k: u64, ts: i64| {
            let (v, c, kwh) = (
                2200 + (k * 7 + d) % 50,
                500 + (k * 3 + d) % 100,
                100_000 + k,
            );
            format!(
                r#"{{"ts":{ts},"values":{{"voltage":{}.{},"current":{}.{:02},"kwh":{}.{:02}}}}}"#,
                v / 10,
                v % 10,
                c / 100,
                c % 100,
                kwh / 100,
                kwh % 100
            )
        };
        for d in [0, 3, 9_999] {
            for k in [0, 1, 5, 99, 1_000_000] {
                let ts = BASE_TS + k as i64 * 1000;
                let ours = String::from_utf8(payload(d as usize, k, ts)).expect("utf-8");
                assert_eq!(ours, reference(d, k, ts));
            }
        }
        let mut small = Vec::new();
        push_decimal(&mut small, 7, 2);
        assert_eq!(small, b"0.07");
    }

    #[test]
    fn hand_encoded_publish_is_the_codec_s() {
        for (len, id) in [(10, 1), (121, 300), (200, 65535)] {
            let body = vec![b'x'; len];
            let mut ours = Vec::new();
            publish_into(&mut ours, b"v1/devices/me/telemetry", id, &body);
            let mut codec = Vec::new();
            Packet::Publish(Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: "v1/devices/me/telemetry".into(),
                packet_id: id,
                properties: Properties::default(),
                payload: body,
            })
            .encode(Protocol::V311, &mut codec)
            .expect("encode");
            assert_eq!(ours, codec);
        }
    }
}
