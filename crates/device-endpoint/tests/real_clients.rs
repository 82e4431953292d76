//! Clients nobody here wrote, against the endpoint: paho-mqtt (3.1.1 and 5.0) and ThingsBoard's
//! own SDK tb-mqtt-client (PyPI) publish telemetry and attributes and answer a server-side RPC;
//! a paho gateway publishes for two sub-devices; mosquitto_pub / mosquitto_sub (Debian
//! mosquitto-clients) publish in both versions and answer an RPC. Points are checked in the
//! store afterwards. Needs `pip install -r scripts/requirements.txt` and mosquitto-clients.

mod common;

use common::start;
use shangyun_devices::{DeviceDirectory, DeviceIdentity};
use shangyun_tsdb::{SeriesKey, Tsdb, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const TS: i64 = 1_700_000_000_000;

fn points(tsdb: &Tsdb, device: &DeviceIdentity, key: &str) -> Vec<(i64, Value)> {
    tsdb.range(&SeriesKey::new(device.id.0 as u64, key), 0, i64::MAX)
        .expect("range")
        .points
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_and_thingsboard_sdk_and_gateway() {
    let f = start().await;
    let paho = f.device("paho", "paho-token-000001", false);
    let tbdev = f.device("tb", "tb-sdk-token-000001", false);
    f.device("gw", "gateway-token-000001", true);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/tb_clients.py");
    let mut child = Command::new("python3")
        .args([
            script,
            "127.0.0.1",
            &f.addr.port().to_string(),
            "paho-token-000001",
            "tb-sdk-token-000001",
            "gateway-token-000001",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (with paho-mqtt and tb-mqtt-client installed)");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut answers = Vec::new();
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
        eprintln!("client: {line}");
        let target = match line.as_str() {
            "ready paho311" | "ready paho5" => &paho,
            "ready tb" => &tbdev,
            "all done" => break,
            _ => continue,
        };
        let answer = f
            .endpoint
            .hub()
            .rpc(
                target.id,
                "setValve",
                r#"{"open":true}"#,
                Duration::from_secs(10),
            )
            .await
            .expect("RPC answered");
        answers.push(serde_json::from_str::<serde_json::Value>(&answer).expect("json"));
    }
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "client script failed: {status}");
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["echo"]["open"], true);
    assert_eq!(answers[0]["by"], "paho311");
    assert_eq!(answers[1]["by"], "paho5");
    assert_eq!(answers[2]["ok"], true);

    assert_eq!(
        points(&f.tsdb, &paho, "temperature"),
        vec![(TS, Value::F64(21.5)), (TS + 1000, Value::F64(21.5))]
    );
    assert_eq!(points(&f.tsdb, &paho, "running").len(), 2);
    assert_eq!(
        points(&f.tsdb, &tbdev, "kwh"),
        vec![(TS, Value::F64(1234.56))]
    );
    let attrs = f
        .directory
        .attributes_get(paho.id, None, None)
        .await
        .expect("attributes");
    assert_eq!(attrs.client["firmware"], "2.1.0");
    let attrs = f
        .directory
        .attributes_get(tbdev.id, None, None)
        .await
        .expect("attributes");
    assert_eq!(attrs.client["model"], "TB-SDK");
    let listed = f.directory.list();
    let sub = |name: &str| {
        listed
            .iter()
            .find(|d| d.name == name)
            .expect("sub-device")
            .clone()
    };
    assert_eq!(
        points(&f.tsdb, &sub("Sub A"), "temperature"),
        vec![(TS, Value::F64(30.5))]
    );
    assert_eq!(
        points(&f.tsdb, &sub("Sub B"), "temperature"),
        vec![(TS, Value::F64(31.5)), (TS + 1000, Value::F64(32.5))]
    );
    let attrs = f
        .directory
        .attributes_get(sub("Sub A").id, None, None)
        .await
        .expect("attributes");
    assert_eq!(attrs.client["location"], "line 1");
    assert_eq!(f.endpoint.stats().malformed_payloads, 0);
}

fn mosquitto(bin: &str, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{bin} (Debian mosquitto-clients): {e}"))
}

/// `mosquitto_pub` at QoS 1 with `token` as the user name; `version` is `-V`'s value.
fn mosquitto_pub(port: &str, version: &str, token: &str, topic: &str, message: &str) -> bool {
    let args = [
        "-h",
        "127.0.0.1",
        "-p",
        port,
        "-V",
        version,
        "-q",
        "1",
        "-u",
        token,
        "-t",
        topic,
        "-m",
        message,
    ];
    mosquitto("mosquitto_pub", &args).status.success()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_clients() {
    let f = start().await;
    let dev = f.device("mosq", "mosquitto-token-0001", false);
    let port = f.addr.port().to_string();
    const TOKEN: &str = "mosquitto-token-0001";
    for (version, ts) in [("mqttv311", TS), ("mqttv5", TS + 1000)] {
        let body = format!(r#"{{"ts":{ts},"values":{{"pressure":101.5}}}}"#);
        assert!(mosquitto_pub(
            &port,
            version,
            TOKEN,
            "v1/devices/me/telemetry",
            &body
        ));
    }
    // A wrong token is refused (mosquitto_pub exits non-zero).
    let refused = "not-a-token-000000";
    assert!(!mosquitto_pub(
        &port,
        "mqttv311",
        refused,
        "v1/devices/me/telemetry",
        "{}"
    ));
    assert_eq!(
        points(&f.tsdb, &dev, "pressure"),
        vec![(TS, Value::F64(101.5)), (TS + 1000, Value::F64(101.5))]
    );
    // RPC: mosquitto_sub receives the request, mosquitto_pub answers it.
    let port2 = port.clone();
    let sub = std::thread::spawn(move || {
        mosquitto(
            "mosquitto_sub",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port2,
                "-u",
                TOKEN,
                "-i",
                "mosq-rpc",
                "-q",
                "1",
                "-C",
                "1",
                "-v",
                "-W",
                "20",
                "-t",
                "v1/devices/me/rpc/request/+",
            ],
        )
    });
    let hub = f.endpoint.clone();
    let call = tokio::spawn(async move {
        for _ in 0..100 {
            match hub
                .hub()
                .rpc(dev.id, "reboot", "{}", Duration::from_secs(10))
                .await
            {
                Err(shangyun_device_endpoint::RpcError::NotSubscribed)
                | Err(shangyun_device_endpoint::RpcError::NotConnected) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => return other,
            }
        }
        Err(shangyun_device_endpoint::RpcError::NotConnected)
    });
    let got = tokio::task::spawn_blocking(move || sub.join().expect("join"))
        .await
        .expect("join");
    let line = String::from_utf8_lossy(&got.stdout).to_string();
    let (topic, payload) = line.trim().split_once(' ').expect("topic and payload");
    assert!(payload.contains("\"reboot\""), "{payload}");
    let id = topic.rsplit('/').next().expect("id");
    let response = format!("v1/devices/me/rpc/response/{id}");
    assert!(mosquitto_pub(
        &port,
        "mqttv5",
        TOKEN,
        &response,
        r#"{"rebooted":true}"#
    ));
    let answer = call.await.expect("join").expect("rpc");
    assert_eq!(answer, r#"{"rebooted":true}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_over_tls() {
    let f = start().await;
    let dev = f.device("tls", "tls-device-token-01", false);
    // A self-signed certificate for localhost, made by openssl.
    let (cert, key) = (f.dir.path().join("cert.pem"), f.dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .args([
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(made.status.success(), "{made:?}");
    let acceptor = shangyun_device_endpoint::tls_acceptor(&cert, &key).expect("acceptor");
    let listener = shangyun_device_endpoint::Endpoint::bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let endpoint = f.endpoint.clone();
    tokio::spawn(async move { endpoint.serve_tls(listener, acceptor).await });
    let cafile = cert.display().to_string();
    let publish = move |version: &str| {
        mosquitto(
            "mosquitto_pub",
            &[
                "-h",
                "localhost",
                "-p",
                &port,
                "--cafile",
                &cafile,
                "-V",
                version,
                "-q",
                "1",
                "-u",
                "tls-device-token-01",
                "-t",
                "v1/devices/me/telemetry",
                "-m",
                r#"{"ts":1700000000000,"values":{"secure":1}}"#,
            ],
        )
    };
    let out = tokio::task::spawn_blocking(move || (publish("mqttv311"), publish("mqttv5")))
        .await
        .expect("join");
    assert!(out.0.status.success(), "{:?}", out.0);
    assert!(out.1.status.success(), "{:?}", out.1);
    assert_eq!(points(&f.tsdb, &dev, "secure"), vec![(TS, Value::I64(1))]);
}
