//! External-broker mode against the Mosquitto on this machine: two nodes share a
//! subscription, one is killed with SIGKILL mid-stream and restarted with its client id, and
//! every message is stored exactly once per (device, key, timestamp) in the shared PostgreSQL
//! layout. `SHANGYUN_SKIP_MQTT=1` skips (the broker is otherwise required: the test fails).
//!
//! The broker is a Mosquitto of this machine started by the test with the configuration
//! external-broker mode needs (`broker.conf` below): Mosquitto's default
//! `max_queued_messages 1000` drops QoS 1 messages for a subscriber whose queue is full, which a
//! burst of 3000 messages at two nodes does (seen: the last ~960 messages never delivered).

use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS};
use shangyun_device_store::{CredentialSpec, DeviceStore, NewDeviceSpec};
use shangyun_tsdb::{DeviceId, SeriesKey, Value};
use shangyun_tsdb_api::TelemetryStore;
use shangyun_tsdb_postgres::test_support::TestSchema;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const MESSAGES: i64 = 3000;
const T0: i64 = 1_764_000_000_000;

/// A Mosquitto on a free port with the settings external-broker mode needs.
struct Broker {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Broker {
    fn start() -> Result<Broker, Box<dyn std::error::Error + Send + Sync>> {
        let dir = tempfile::tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let conf = dir.path().join("broker.conf");
        std::fs::write(
            &conf,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n\
                 max_queued_messages 0\nmax_inflight_messages 100\n{}",
                if std::env::var_os("BRIDGE_TEST_LOG").is_some() {
                    "log_type all\nlog_dest stdout\n"
                } else {
                    ""
                }
            ),
        )?;
        let log = match std::env::var_os("BRIDGE_TEST_LOG") {
            Some(path) => Stdio::from(std::fs::File::create(path)?),
            None => Stdio::null(),
        };
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&conf)
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("mosquitto did not start".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Broker {
            child,
            port,
            _dir: dir,
        })
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Node {
    args: Vec<String>,
    child: Child,
}

impl Node {
    fn start(args: Vec<String>) -> std::io::Result<Node> {
        let child = Command::new(env!("CARGO_BIN_EXE_shangyun-bridge"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("BRIDGE_TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()?;
        Ok(Node { args, child })
    }

    fn kill9_and_restart(&mut self) -> std::io::Result<()> {
        self.child.kill()?; // SIGKILL
        self.child.wait()?;
        *self = Node::start(self.args.clone())?;
        Ok(())
    }

    /// SIGTERM, then the counters line it prints.
    fn stop(self) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        let out = self.child.wait_with_output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(serde_json::from_str(text.lines().last().unwrap_or("{}"))?)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_store_every_message_once_across_a_kill_9() -> TestResult {
    if std::env::var("SHANGYUN_SKIP_MQTT").is_ok_and(|v| v == "1") {
        eprintln!("skipped: SHANGYUN_SKIP_MQTT=1");
        return Ok(());
    }
    let broker = Broker::start()?;
    let telemetry = TestSchema::create(4).await?;
    let dir = tempfile::tempdir()?;
    let directory = dir.path().join("devices.db").to_string_lossy().into_owned();
    let store = DeviceStore::open(&directory).await?;
    let mut devices = Vec::new();
    for i in 0..3 {
        let spec = NewDeviceSpec {
            name: format!("meter-{i}"),
            ..NewDeviceSpec::default()
        };
        let (d, _) = store.add_device(spec, CredentialSpec::None, "test").await?;
        devices.push(d.id.0);
    }
    store.close().await;

    let unique = format!(
        "t{}x{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos()
    );
    let prefix = format!("shangyun-test/{unique}/devices");
    let node_args = |name: &str| -> Vec<String> {
        [
            "--client-id",
            &format!("{unique}-{name}"),
            "--group",
            &unique,
            "--prefix",
            &prefix,
            "--directory",
            &directory,
            "--postgres",
            &telemetry.url,
            "--no-runtime",
            "--broker",
            &format!("mqtt://127.0.0.1:{}", broker.port),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut a = Node::start(node_args("a"))?;
    let b = Node::start(node_args("b"))?;
    // Both subscribed (shared subscriptions keep nothing for groups not yet there).
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut options = MqttOptions::new(format!("{unique}-pub"), "127.0.0.1", broker.port);
    options.set_keep_alive(Duration::from_secs(30));
    options.set_inflight(200);
    let (publisher, mut events) = AsyncClient::new(options, 256);
    let acked = Arc::new(AtomicUsize::new(0));
    let acked_in_loop = acked.clone();
    tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => {
                    acked_in_loop.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Event::Outgoing(Outgoing::Disconnect)) => return,
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    });
    for i in 0..MESSAGES {
        let device = devices[(i % 3) as usize];
        let payload = format!(
            r#"{{"ts":{},"values":{{"a":{i},"b":{i}.5,"c":true}}}}"#,
            T0 + i
        );
        publisher
            .publish(
                format!("{prefix}/{device}/v1/devices/me/telemetry"),
                QoS::AtLeastOnce,
                false,
                payload,
            )
            .await?;
        if i == MESSAGES / 2 {
            // Let the nodes store the first half, so that A dies with a history behind it.
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        if i == MESSAGES / 2 + 300 {
            // Mid-burst: node A dies with its in-flight window full (some of those messages
            // already stored, none acknowledged), then comes back with its client id; the
            // broker redelivers the window (DUP) and the upsert makes the stored ones no-ops.
            a.kill9_and_restart()?;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.load(Ordering::Relaxed) < MESSAGES as usize && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        acked.load(Ordering::Relaxed),
        MESSAGES as usize,
        "broker took every message"
    );

    let want = MESSAGES * 3;
    let mut rows = 0;
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        rows = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM ts_points")
            .fetch_one(telemetry.pool())
            .await?;
        if rows >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Give late redeliveries a moment to (not) add anything.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stats_a = a.stop()?;
    let stats_b = b.stop()?;
    eprintln!("node a (after restart): {stats_a}\nnode b: {stats_b}");
    let rows_after = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM ts_points")
        .fetch_one(telemetry.pool())
        .await?;
    if rows_after != want {
        let present: Vec<i64> = sqlx::query_scalar("SELECT ts FROM ts_points WHERE series_id IN (SELECT id FROM ts_series WHERE key = 'a') ORDER BY ts")
            .fetch_all(telemetry.pool())
            .await?;
        let present: std::collections::HashSet<i64> = present.into_iter().map(|t| t - T0).collect();
        let missing: Vec<i64> = (0..MESSAGES).filter(|i| !present.contains(i)).collect();
        eprintln!(
            "{} missing, first {:?}, last {:?}",
            missing.len(),
            missing.first(),
            missing.last()
        );
        eprintln!("missing sample: {:?}", &missing[..missing.len().min(40)]);
    }
    assert_eq!(
        (rows, rows_after),
        (want, want),
        "one row per (device, key, ts)"
    );
    // And every one holds its message's value.
    for (d, device) in devices.iter().enumerate() {
        let series = SeriesKey::new(DeviceId::Num(*device as u64), "a");
        let got = telemetry.range(&series, 0, i64::MAX).await?;
        let expected: Vec<(i64, Value)> = (0..MESSAGES)
            .filter(|i| i % 3 == d as i64)
            .map(|i| (T0 + i, Value::I64(i)))
            .collect();
        assert_eq!(got.points, expected, "device {device}");
    }
    let received = |s: &serde_json::Value| s["received"].as_u64().unwrap_or(0);
    let redelivered = |s: &serde_json::Value| s["redelivered"].as_u64().unwrap_or(0);
    assert!(received(&stats_b) > 0, "node b took part of the load");
    assert!(
        redelivered(&stats_a) > 0,
        "the broker redelivered A's window"
    );
    eprintln!(
        "redelivered to the restarted node: {}; received after restart a={} b={}",
        redelivered(&stats_a) + redelivered(&stats_b),
        received(&stats_a),
        received(&stats_b)
    );
    publisher.disconnect().await?;
    Ok(())
}
