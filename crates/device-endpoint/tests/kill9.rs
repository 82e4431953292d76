//! A real crash under load: the `mqtt_server` example is killed with SIGKILL while devices
//! publish QoS 1 telemetry with several messages in flight; after each kill the store is opened
//! and every point whose PUBACK a device received must be there with its value; then the
//! server restarts on the same directory for the next cycle. Cycles: `MQTT_KILL_CYCLES`
//! (default 2; run 20 or more locally), seed `MQTT_KILL_SEED`.

use shangyun_mqtt_codec::{Connect, Packet, Properties, Protocol, Publish, QoS, decode};
use shangyun_tsdb::{Config, SeriesKey, Tsdb};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DEVICES: usize = 24;
const WINDOW: usize = 8;

fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let profile_dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut cmd = Command::new(cargo);
        cmd.args([
            "build",
            "--quiet",
            "-p",
            "shangyun-device-endpoint",
            "--example",
            "mqtt_server",
        ]);
        if profile_dir.ends_with("release") {
            cmd.arg("--release");
        }
        assert!(cmd.status().expect("cargo build").success());
    }
    profile_dir.join("examples").join("mqtt_server")
}

/// kWh as a function of (device, ts), so the check knows each acked point's value.
fn kwh(device: usize, ts: i64) -> f64 {
    ((ts / 1000) % 100_000 + device as i64) as f64 / 100.0
}

/// Publishes until the connection dies; returns the timestamps of PUBACKed messages.
async fn publisher(addr: String, device: usize, base: i64, acked: Arc<Mutex<Vec<(usize, i64)>>>) {
    let Ok(mut s) = TcpStream::connect(&addr).await else {
        return;
    };
    let protocol = if device.is_multiple_of(2) {
        Protocol::V311
    } else {
        Protocol::V5
    };
    let mut out = Vec::new();
    let connect = Packet::Connect(Box::new(Connect {
        protocol,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::default(),
        client_id: format!("kill9-{device}"),
        will: None,
        username: Some(format!("bench-token-{device:08}")),
        password: None,
    }));
    connect.encode(protocol, &mut out).expect("encode");
    if s.write_all(&out).await.is_err() {
        return;
    }
    let mut buf = Vec::new();
    let mut inflight = std::collections::VecDeque::new();
    let mut k: i64 = 0;
    let mut connacked = false;
    loop {
        out.clear();
        while connacked && inflight.len() < WINDOW {
            let ts = base + k * 1000;
            let id = (k % 60_000 + 1) as u16;
            let body = format!(
                r#"{{"ts":{ts},"values":{{"kwh":{},"temp":{device},"on":true}}}}"#,
                kwh(device, ts)
            );
            Packet::Publish(Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: "v1/devices/me/telemetry".into(),
                packet_id: id,
                properties: Properties::default(),
                payload: body.into_bytes(),
            })
            .encode(protocol, &mut out)
            .expect("encode");
            inflight.push_back((id, ts));
            k += 1;
        }
        if !out.is_empty() && s.write_all(&out).await.is_err() {
            return;
        }
        let mut tmp = [0u8; 1024];
        match s.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
        while let Ok(Some((p, used))) = decode(&buf, protocol, 1 << 20) {
            buf.drain(..used);
            match p {
                Packet::ConnAck(a) if a.code == 0 => connacked = true,
                Packet::PubAck(a) => {
                    let (id, ts) = inflight.pop_front().expect("PUBACK for nothing in flight");
                    assert_eq!(id, a.packet_id, "PUBACK out of order");
                    assert_eq!(a.reason, 0);
                    acked.lock().expect("lock").push((device, ts));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}

#[test]
fn every_pubacked_point_survives_kill_9() {
    let cycles: u64 = std::env::var("MQTT_KILL_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let mut seed: u64 = std::env::var("MQTT_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("kill9: {cycles} cycles, MQTT_KILL_SEED={seed}");
    let bin = server_binary();
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut all: Vec<(usize, i64)> = Vec::new();
    for cycle in 0..cycles {
        let mut child = Command::new(&bin)
            .args([
                "127.0.0.1:0",
                &dir.path().display().to_string(),
                &DEVICES.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn mqtt_server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        let addr = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("server said {line:?}"))
            .to_owned();
        let acked = Arc::new(Mutex::new(Vec::new()));
        let base = 1_700_000_000_000 + cycle as i64 * 10_000_000;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(200 + seed % 600);
        rt.block_on(async {
            let tasks: Vec<_> = (0..DEVICES)
                .map(|d| tokio::spawn(publisher(addr.clone(), d, base, acked.clone())))
                .collect();
            tokio::time::sleep(delay).await;
            child.kill().expect("kill -9");
            let _ = child.wait();
            for t in tasks {
                t.await.expect("publisher panicked");
            }
        });
        let acked = std::mem::take(&mut *acked.lock().expect("lock"));
        let (db, report) = Tsdb::open(dir.path(), Config::default()).expect("reopen");
        eprintln!(
            "cycle {cycle}: killed after {delay:?}, {} PUBACKs; reopen replayed {} WAL records, truncated tails {:?}",
            acked.len(),
            report.wal.records,
            report
                .wal
                .truncated_tails
                .iter()
                .map(|t| t.bytes)
                .collect::<Vec<_>>()
        );
        all.extend(acked);
        // One range query per device, then every PUBACKed timestamp looked up in it.
        let mut stored: std::collections::HashMap<usize, std::collections::HashMap<i64, f64>> =
            std::collections::HashMap::new();
        for device in 0..DEVICES {
            // mqtt_server creates device i as the directory's device i + 1.
            let series = SeriesKey::new(device as u64 + 1, "kwh");
            let points = db.range(&series, 0, i64::MAX).expect("range").points;
            // JSON has one number kind: `0.0` is written `0` and stored as an integer.
            let values = points
                .into_iter()
                .filter_map(|(t, v)| v.as_f64().map(|v| (t, v)))
                .collect();
            stored.insert(device, values);
        }
        for (device, ts) in &all {
            assert_eq!(
                stored.get(device).and_then(|m| m.get(ts)).copied(),
                Some(kwh(*device, *ts)),
                "cycle {cycle}: PUBACKed point of device {device} at {ts} lost (seed {seed})"
            );
        }
        drop(db);
    }
    eprintln!(
        "kill9: {} PUBACKed messages over {cycles} cycles, all present",
        all.len()
    );
    assert!(!all.is_empty(), "no PUBACK was ever received");
}
