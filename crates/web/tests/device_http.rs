//! The ThingsBoard HTTP device API (`POST /api/v1/{token}/telemetry|attributes`) on a real
//! server, driven by curl: 200 only once the points are durable (and then queryable), 400 with
//! the error shape, 401 on a bad token, 413 above the body limit.

use shangyun_devices::{DeviceDirectory, DeviceIdentity, MemoryDirectory, NewDevice};
use shangyun_ingest::{Ingest, IngestConfig};
use shangyun_tsdb::{DeviceId, SeriesKey, Tsdb, Value};
use shangyun_web::{AppState, WebOptions, router};
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const TOKEN: &str = "meter-token-0123456789";
const LIMIT: usize = 4096;

struct Server {
    _dir: tempfile::TempDir,
    base: String,
    db: Arc<Tsdb>,
    directory: Arc<MemoryDirectory>,
    meter: DeviceIdentity,
}

async fn server() -> Result<Server, Box<dyn std::error::Error + Send + Sync>> {
    let dir = tempfile::tempdir()?;
    let location =
        shangyun_store::DatabaseLocation::parse(&dir.path().join("registry.db").to_string_lossy())?;
    let (db, _) = Tsdb::open(&dir.path().join("telemetry"), Default::default())?;
    let db = Arc::new(db);
    let directory = Arc::new(MemoryDirectory::new());
    let meter = directory.add_device_with_token(
        NewDevice {
            enterprise: Some("91350100M000100Y43".into()),
            ..NewDevice::named("meter-1")
        },
        TOKEN,
    )?;
    let ingest = Ingest::new(
        db.clone(),
        directory.clone() as Arc<dyn DeviceDirectory>,
        IngestConfig::default(),
    );
    let options = WebOptions {
        body_limit: LIMIT,
        ..WebOptions::default()
    };
    let state = AppState::open(&location, options)
        .await?
        .with_devices(ingest);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Server {
        _dir: dir,
        base,
        db,
        directory,
        meter,
    })
}

/// `curl -X POST` with `body` on stdin (extra args before the URL); returns (status, body).
async fn curl(url: String, body: Vec<u8>, extra: &[&str]) -> Result<(u16, String), std::io::Error> {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = Command::new("curl")
            .args(["-sS", "-X", "POST", "-H", "Content-Type: application/json"])
            .args(&extra)
            .args(["--data-binary", "@-", "-w", "\n%{http_code}", &url])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        child.stdin.take().expect("piped").write_all(&body)?;
        let out = child.wait_with_output()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
        Ok((code.trim().parse().unwrap_or(0), body.to_owned()))
    })
    .await?
}

#[tokio::test]
async fn telemetry_is_durable_when_curl_gets_200() -> TestResult {
    let s = server().await?;
    let url = format!("{}/api/v1/{TOKEN}/telemetry", s.base);
    let (status, body) = curl(
        url.clone(),
        br#"{"ts":1700000000000,"values":{"kwh":1234.5,"on":true}}"#.to_vec(),
        &[],
    )
    .await?;
    assert_eq!((status, body.as_str()), (200, ""));
    // Already durable and queryable when the 200 arrived.
    let kwh = s.db.range(
        &SeriesKey::new(DeviceId::Num(s.meter.id.0 as u64), "kwh"),
        0,
        i64::MAX,
    )?;
    assert_eq!(kwh.points, vec![(1_700_000_000_000, Value::F64(1234.5))]);
    // Server-time form and arrays too.
    let (status, _) = curl(
        url,
        br#"[{"temperature":21},{"ts":1,"values":{"x":"y"}}]"#.to_vec(),
        &[],
    )
    .await?;
    assert_eq!(status, 200);
    assert_eq!(s.db.stats().points_applied, 4);
    Ok(())
}

#[tokio::test]
async fn attributes_reach_the_directory() -> TestResult {
    let s = server().await?;
    let url = format!("{}/api/v1/{TOKEN}/attributes", s.base);
    let (status, _) = curl(url, br#"{"firmwareVersion":"2.1.0"}"#.to_vec(), &[]).await?;
    assert_eq!(status, 200);
    let got = s.directory.attributes_get(s.meter.id, None, None).await?;
    assert_eq!(
        got.client.get("firmwareVersion"),
        Some(&serde_json::json!("2.1.0"))
    );
    Ok(())
}

#[tokio::test]
async fn refusals_have_the_error_shape() -> TestResult {
    let s = server().await?;
    let telemetry = format!("{}/api/v1/{TOKEN}/telemetry", s.base);
    let (status, body) = curl(telemetry.clone(), br#"{"a":null}"#.to_vec(), &[]).await?;
    assert_eq!(status, 400, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(json["code"], "invalid-payload");
    assert_eq!(json["fields"][0]["field"], "body");
    assert!(
        json["fields"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("null"),
        "{body}"
    );
    let (status, _) = curl(telemetry.clone(), b"not json".to_vec(), &[]).await?;
    assert_eq!(status, 400);

    let (status, body) = curl(
        format!("{}/api/v1/wrong-token-0000000000/telemetry", s.base),
        br#"{"t":1}"#.to_vec(),
        &[],
    )
    .await?;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)?["code"],
        "bad-device-token"
    );

    let big = format!(r#"{{"t":"{}"}}"#, "x".repeat(LIMIT));
    let (status, body) = curl(telemetry.clone(), big.clone().into_bytes(), &[]).await?;
    assert_eq!(status, 413, "{body}");
    // Without a Content-Length (chunked) the body is cut at the limit all the same.
    let (status, _) = curl(
        telemetry,
        big.into_bytes(),
        &["-H", "Transfer-Encoding: chunked"],
    )
    .await?;
    assert_eq!(status, 413);
    assert_eq!(s.db.stats().points_applied, 0);
    Ok(())
}
