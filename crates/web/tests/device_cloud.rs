//! Device-facing provisioning and server-side RPC with real clients, on SQLite and on the real
//! PostgreSQL server: the web server and the MQTT device endpoint of one process share the
//! device store, as `shangyun serve --mqtt-listen` runs them.
//!
//! * HTTP provisioning with curl: a wrong secret is NOT_FOUND and creates nothing; the right
//!   one creates the device in the key's enterprise, audited without the secret, and the token
//!   it returns posts telemetry.
//! * MQTT provisioning (`tests/clients/provision_rpc.py`): paho-mqtt by hand (3.1.1 refused,
//!   5.0 with MQTT_BASIC) and tb-mqtt-client's own provisioning helper; the issued credentials
//!   publish telemetry at QoS 1.
//! * `POST /api/v1/devices/{id}/rpc` with curl as the enterprise's user: the paho device
//!   answers (200 with its JSON); a method it ignores is 504 in the error shape; a device not
//!   connected is 409; a region officer is refused by the table (403). Calls are audited.
//!
//! Needs curl, python3 with `pip install -r scripts/requirements.txt`.

mod support;

use shangyun_device_endpoint::{Endpoint, EndpointConfig};
use shangyun_device_store::DeviceStore;
use shangyun_devices::{Credential, DeviceDirectory};
use shangyun_ingest::{Ingest, IngestConfig};
use shangyun_tsdb::{SeriesKey, Value};
use shangyun_web::router;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use support::{TestApp, TestResult, firm_a};

const TS: i64 = 1_700_000_000_000;

struct Servers {
    http: String,
    mqtt: SocketAddr,
    store: DeviceStore,
    tsdb: Arc<shangyun_tsdb::Tsdb>,
}

/// The test app's state with device ingest over its device store, the MQTT endpoint on a
/// port of its own and RPC through that endpoint; both served on loopback.
async fn serve(t: &TestApp) -> Result<Servers, support::Error> {
    let store = t.state.device_store.clone().ok_or("no device store")?;
    let tsdb = t.state.telemetry.clone().ok_or("no tsdb")?;
    let directory: Arc<dyn DeviceDirectory> = Arc::new(store.clone());
    let ingest = Ingest::new(tsdb.clone(), directory, IngestConfig::default());
    let endpoint = Endpoint::new(ingest.clone(), EndpointConfig::default(), None);
    let listener = Endpoint::bind("127.0.0.1:0".parse()?)?;
    let mqtt = listener.local_addr()?;
    let serving = endpoint.clone();
    tokio::spawn(async move { serving.serve(listener).await });
    let state = t
        .state
        .clone()
        .with_devices(ingest)
        .with_rpc(Arc::new(endpoint));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let http = format!("http://{}", listener.local_addr()?);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Servers {
        http,
        mqtt,
        store,
        tsdb,
    })
}

/// `curl -X POST` with a JSON body and extra headers; returns (status, body).
async fn curl(
    url: String,
    body: String,
    headers: Vec<String>,
) -> Result<(u16, String), support::Error> {
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "-X", "POST", "-H", "Content-Type: application/json"]);
        for h in &headers {
            cmd.args(["-H", h]);
        }
        cmd.args(["--data-binary", &body, "-w", "\n%{http_code}", &url])
            .output()
    })
    .await??;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').ok_or("no status from curl")?;
    Ok((code.trim().parse()?, body.to_owned()))
}

async fn device_count(store: &DeviceStore) -> Result<usize, support::Error> {
    Ok(store
        .list_devices(&shangyun_device_store::DeviceFilter::default())
        .await?
        .len())
}

async fn provisioning_and_rpc(t: TestApp) -> TestResult {
    let s = serve(&t).await?;
    let (key, secret) = s
        .store
        .add_provision_key(Some(&firm_a()), Some("electricity-meter"), "tester")
        .await?;
    let before = device_count(&s.store).await?;
    let url = format!("{}/api/v1/provision", s.http);

    // HTTP: a wrong secret, then the right one.
    let request = |secret: &str, name: &str| {
        format!(
            r#"{{"deviceName":"{name}","provisionDeviceKey":"{key}","provisionDeviceSecret":"{secret}"}}"#
        )
    };
    let (code, body) = curl(url.clone(), request("not-the-secret", "http-meter"), vec![]).await?;
    assert_eq!(code, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(answer["status"], "NOT_FOUND", "{body}");
    assert_eq!(
        device_count(&s.store).await?,
        before,
        "a refused request created a device"
    );
    let (code, body) = curl(url.clone(), "{\"provisionDeviceKey\":1}".into(), vec![]).await?;
    assert_eq!(code, 400, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)?["status"],
        "FAILURE"
    );
    let (code, body) = curl(url.clone(), request(&secret, "http-meter"), vec![]).await?;
    assert_eq!(code, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(answer["status"], "SUCCESS", "{body}");
    assert_eq!(answer["credentialsType"], "ACCESS_TOKEN");
    let token = answer["credentialsValue"]
        .as_str()
        .ok_or("no token")?
        .to_owned();
    let device = s
        .store
        .authenticate(Credential::AccessToken(&token))
        .await?
        .ok_or("the issued token does not authenticate")?;
    assert_eq!(device.name, "http-meter");
    assert_eq!(device.enterprise.as_deref(), Some(firm_a().as_str()));
    assert_eq!(device.device_type.as_deref(), Some("electricity-meter"));
    // The same name again: refused, nothing created.
    let (code, body) = curl(url.clone(), request(&secret, "http-meter"), vec![]).await?;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)?["status"],
        "FAILURE"
    );
    let telemetry = format!(r#"{{"ts":{TS},"values":{{"kwh":1.5}}}}"#);
    let (code, body) = curl(
        format!("{}/api/v1/{token}/telemetry", s.http),
        telemetry,
        vec![],
    )
    .await?;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        s.tsdb
            .range(&SeriesKey::new(device.id.0 as u64, "kwh"), 0, i64::MAX)?
            .points,
        vec![(TS, Value::F64(1.5))]
    );
    let audit = s.store.audit_log(Some(device.id), 10).await?;
    assert!(
        audit.iter().any(|a| a.action == "device.provision"),
        "{audit:?}"
    );
    let audit_text = format!("{:?}", s.store.audit_log(None, 1000).await?);
    assert!(
        !audit_text.contains(&secret),
        "the secret is in the audit log"
    );

    // MQTT: the real clients.
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/clients/provision_rpc.py"
    );
    let mut child = Command::new("python3")
        .args([
            script,
            "127.0.0.1",
            &s.mqtt.port().to_string(),
            &key,
            &secret,
        ])
        .stdout(Stdio::piped())
        .spawn()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let stdout = child.stdout.take().ok_or("stdout")?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let (cookie, csrf) = t.session("ent-a").await?;
    let as_ent_a = vec![format!("Cookie: {cookie}"), format!("X-CSRF-Token: {csrf}")];
    let mut answered = None;
    let mut tb_device = None;
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
        eprintln!("client: {line}");
        if line == "all done" {
            break;
        }
        let Some(token) = line.strip_prefix("ready ") else {
            continue;
        };
        let me = s
            .store
            .authenticate(Credential::AccessToken(token))
            .await?
            .ok_or("the MQTT-provisioned token does not authenticate")?;
        let rpc = format!("{}/api/v1/devices/{}/rpc", s.http, me.id.0);
        let (code, body) = curl(
            rpc.clone(),
            r#"{"method":"setValve","params":{"open":true}}"#.into(),
            as_ent_a.clone(),
        )
        .await?;
        assert_eq!(code, 200, "{body}");
        answered = Some(serde_json::from_str::<serde_json::Value>(&body)?);
        // A region officer may read devices but not command them.
        let (cookie, csrf) = t.session("xihu").await?;
        let officer = vec![format!("Cookie: {cookie}"), format!("X-CSRF-Token: {csrf}")];
        let (code, body) = curl(rpc.clone(), r#"{"method":"setValve"}"#.into(), officer).await?;
        assert_eq!(code, 403, "{body}");
        // The device leaves once "ignore" arrives, unanswered: 504 in the error shape.
        let (code, body) = curl(
            rpc,
            r#"{"method":"ignore","timeout_ms":500}"#.into(),
            as_ent_a.clone(),
        )
        .await?;
        assert_eq!(code, 504, "{body}");
        let error: serde_json::Value = serde_json::from_str(&body)?;
        assert_eq!(error["code"], "rpc-timeout");
        assert!(error["message_zh"].as_str().is_some_and(|m| !m.is_empty()));
        tb_device = Some(me);
    }
    let status = tokio::task::spawn_blocking(move || child.wait()).await??;
    assert!(status.success(), "client script failed: {status}");
    let answer = answered.ok_or("no RPC was answered")?;
    assert_eq!(answer["echo"]["open"], true);
    assert_eq!(answer["by"], "tb-meter");
    let tb_device = tb_device.ok_or("the tb device never got ready")?;
    assert_eq!(tb_device.name, "tb-meter");
    assert_eq!(tb_device.enterprise.as_deref(), Some(firm_a().as_str()));
    assert_eq!(
        s.tsdb
            .range(&SeriesKey::new(tb_device.id.0 as u64, "kwh"), 0, i64::MAX)?
            .points,
        vec![(TS, Value::F64(20.25))]
    );
    let listed = s
        .store
        .list_devices(&shangyun_device_store::DeviceFilter::default())
        .await?;
    let basic = listed
        .iter()
        .find(|d| d.identity.name == "basic-meter")
        .ok_or("no basic-meter")?;
    assert_eq!(
        s.tsdb
            .range(
                &SeriesKey::new(basic.identity.id.0 as u64, "kwh"),
                0,
                i64::MAX
            )?
            .points,
        vec![(TS, Value::F64(10.5))]
    );
    assert!(!listed.iter().any(|d| d.identity.name == "never-made"));
    // http-meter, basic-meter, tb-meter.
    assert_eq!(listed.len(), before + 3);
    let rpc_audit = s.store.audit_log(Some(tb_device.id), 20).await?;
    let outcomes: Vec<&str> = rpc_audit
        .iter()
        .filter(|a| a.action == "device.rpc")
        .filter_map(|a| a.detail["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, vec!["rpc-timeout", "answered"], "{rpc_audit:?}");
    assert!(
        rpc_audit
            .iter()
            .all(|a| a.action != "device.rpc" || a.actor == "user:ent-a")
    );

    // A device of firm A that is not connected: 409.
    let idle = device.id;
    let (code, body) = curl(
        format!("{}/api/v1/devices/{}/rpc", s.http, idle.0),
        r#"{"method":"setValve"}"#.into(),
        as_ent_a.clone(),
    )
    .await?;
    assert_eq!(code, 409, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)?["code"],
        "device-not-connected"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioning_and_rpc_on_sqlite() -> TestResult {
    provisioning_and_rpc(TestApp::sqlite().await?).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioning_and_rpc_on_postgres() -> TestResult {
    match TestApp::postgres().await? {
        Some(t) => provisioning_and_rpc(t).await,
        None => Ok(()),
    }
}
