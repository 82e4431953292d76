//! One simulated device: CONNECT with its token, wait for the start, then keep `window` QoS 1
//! telemetry messages in flight until told to stop, timing each PUBACK.

use crate::Shared;
use shangyun_mqtt_codec::{Connect, Packet, Properties, Protocol, Publish, QoS, decode};
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
pub fn payload(device: usize, k: u64, ts: i64) -> Vec<u8> {
    let d = device as u64;
    let voltage = 2200 + (k * 7 + d) % 50;
    let current = 500 + (k * 3 + d) % 100;
    let kwh = 100_000 + k;
    format!(
        r#"{{"ts":{ts},"values":{{"voltage":{}.{},"current":{}.{:02},"kwh":{}.{:02}}}}}"#,
        voltage / 10,
        voltage % 10,
        current / 100,
        current % 100,
        kwh / 100,
        kwh % 100
    )
    .into_bytes()
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
    loop {
        let stop = shared.stop.load(Ordering::Relaxed);
        out.clear();
        while !stop && inflight.len() < o.window {
            let ts = BASE_TS + k as i64 * 1000;
            Packet::Publish(Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: o.topic.clone(),
                packet_id: next_id,
                properties: Properties::default(),
                payload: payload(i, k, ts),
            })
            .encode(Protocol::V311, &mut out)
            .map_err(|_| ())?;
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
        match next(&mut rd, &mut buf).await? {
            Packet::PubAck(a) => {
                let Some((id, sent, ts)) = inflight.pop_front() else {
                    return Err(());
                };
                if id != a.packet_id {
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
            _ => return Err(()),
        }
    }
    Ok(())
}

async fn next(rd: &mut tokio::net::tcp::OwnedReadHalf, buf: &mut Vec<u8>) -> Result<Packet, ()> {
    loop {
        if let Some((p, used)) = decode(buf, Protocol::V311, 1 << 20).map_err(|_| ())? {
            buf.drain(..used);
            return Ok(p);
        }
        let mut tmp = [0u8; 512];
        let n = rd.read(&mut tmp).await.map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        buf.extend_from_slice(&tmp[..n]);
    }
}
