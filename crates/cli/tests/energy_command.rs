//! `shangyun energy` and `shangyun evidence` end to end: an enterprise imported with revenue,
//! devices added with `shangyun devices add`, telemetry posted through the HTTP device API of
//! a running `shangyun serve` (the real ingest path, 200 only once durable); while the server
//! runs the commands refuse and point to the API; after it stops they read the same data
//! directory, and the figures match hand arithmetic.

mod common;

use common::{TestResult, describe, shangyun, text};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Region 330100 (Hangzhou, Zhejiang) → the East China grid factor, 2022 data.
const FIRM: &str = "91330100799655058B";
const EAST: f64 = 0.5617;
const HOUR: i64 = 3_600_000;
/// 2024-12-01 00:00 Asia/Shanghai.
const DEC1_2024: i64 = 1_732_982_400_000;

fn in_dir(dir: &Path) -> Command {
    let mut c = shangyun();
    c.env("SHANGYUN_DATA", dir);
    c
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Kills the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(dir: &Path, addr: SocketAddr) -> Result<Server, Box<dyn std::error::Error>> {
    let child = in_dir(dir)
        .args(["serve", "--listen", &addr.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(addr).is_err() {
        if Instant::now() > deadline {
            return Err("serve did not start listening within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(server)
}

/// POSTs JSON and returns the status code.
fn post(addr: SocketAddr, path: &str, body: &str) -> Result<u16, Box<dyn std::error::Error>> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reply = String::new();
    s.read_to_string(&mut reply)?;
    let code = reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status in {reply:?}"))?;
    Ok(code)
}

fn add_device(
    dir: &Path,
    name: &str,
    device_type: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let out = in_dir(dir)
        .args([
            "devices",
            "add",
            name,
            "--enterprise",
            FIRM,
            "--type",
            device_type,
            "--json",
        ])
        .output()?;
    assert!(out.status.success(), "{}", describe(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    Ok(v["issued"]["token"].as_str().ok_or("no token")?.to_owned())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn energy_and_evidence_from_telemetry_posted_to_a_running_server() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path();
    let csv = dir.join("firms.csv");
    std::fs::write(
        &csv,
        format!(
            "统一社会信用代码,企业名称,注册地区划代码,行业代码,年度,从业人员,营业收入(万元)\n\
             {FIRM},杭州能耗测试有限公司,330100,3311,2023,50,2000\n\
             {FIRM},杭州能耗测试有限公司,330100,3311,2024,50,3000\n"
        ),
    )?;
    let out = in_dir(dir).arg("import").arg(&csv).output()?;
    assert!(out.status.success(), "{}", describe(&out));
    let meter = add_device(dir, "meter-1", "electricity-meter")?;
    let cnc = add_device(dir, "cnc-1", "cnc-machine")?;

    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
    let server = start_server(dir, addr)?;
    // The counter: +1 kWh an hour on 2024-12-01 (24 kWh); replaced at 01:00 on 12-02 (its
    // first reading, 2, counts), then +2 an hour to 24:00 (2 + 23 × 2 = 48 kWh).
    let readings: Vec<String> = (0..=48)
        .map(|h: i64| {
            let v = if h <= 24 { 1000 + h } else { 2 * (h - 24) };
            format!(
                r#"{{"ts":{},"values":{{"energy_kwh":{v}}}}}"#,
                DEC1_2024 + h * HOUR
            )
        })
        .collect();
    let body = format!("[{}]", readings.join(","));
    assert_eq!(
        post(addr, &format!("/api/v1/{meter}/telemetry"), &body)?,
        200
    );
    // The CNC machine reports now (no ts: the server's time).
    assert_eq!(
        post(
            addr,
            &format!("/api/v1/{cnc}/telemetry"),
            r#"{"run_state":2}"#
        )?,
        200
    );

    // While the server holds the store: a clear refusal naming the API.
    let out = in_dir(dir).args(["energy", FIRM]).output()?;
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = text(&out.stderr);
    assert!(
        err.contains("shangyun serve")
            && err.contains(&format!("/api/v1/enterprises/{FIRM}/energy"))
            && err.contains("请改用接口"),
        "{err}"
    );
    drop(server); // SIGKILL: what was acknowledged is durable

    const TWO_DAYS: [&str; 8] = [
        "energy",
        FIRM,
        "--from",
        "2024-12-01",
        "--to",
        "2024-12-02",
        "--by",
        "day",
    ];
    let out = in_dir(dir).args(TWO_DAYS).arg("--json").output()?;
    assert!(out.status.success(), "{}", describe(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let days: Vec<(String, f64, f64)> = v["periods"]
        .as_array()
        .ok_or("periods")?
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap_or_default().to_owned(),
                p["kwh"].as_f64().unwrap_or(f64::NAN),
                p["carbon"]["tco2"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    assert_eq!(days.len(), 2, "{v}");
    assert_eq!(days[0].0, "2024-12-01");
    assert!(
        close(days[0].1, 24.0) && close(days[0].2, 24.0 / 1000.0 * EAST),
        "{days:?}"
    );
    assert_eq!(days[1].0, "2024-12-02");
    assert!(
        close(days[1].1, 48.0) && close(days[1].2, 48.0 / 1000.0 * EAST),
        "{days:?}"
    );
    assert!(close(v["total"]["kwh"].as_f64().ok_or("total")?, 72.0));
    assert_eq!(v["factors"][0]["factor"]["id"], "mee-2022-east");
    assert_eq!(v["meters"][0]["adjustments"][0]["kind"], "reset", "{v}");
    // 72 kWh over 3,000 万元 = 300,000 × ¥100.
    assert!(close(
        v["intensity"][0]["kwh_per_100_yuan"]
            .as_f64()
            .ok_or("intensity")?,
        72.0 / 300_000.0
    ));

    // The table: kWh, tCO2 and the factor on every line; the factor's source and edition.
    let out = in_dir(dir).args(TWO_DAYS).output()?;
    assert!(out.status.success(), "{}", describe(&out));
    let table = text(&out.stdout);
    for line in ["2024-12-01", "2024-12-02", "合计 total"] {
        let row = table
            .lines()
            .find(|l| l.starts_with(line))
            .ok_or_else(|| format!("no row {line} in\n{table}"))?;
        assert!(
            row.contains("mee-2022-east (0.5617 tCO2/MWh, 2022 data, region east; edition"),
            "{row}"
        );
    }
    assert!(
        table.contains("24.000") && table.contains("48.000") && table.contains("72.000"),
        "{table}"
    );
    assert!(
        table.contains(&format!("{:.4}", 72.0 / 1000.0 * EAST)),
        "{table}"
    );
    assert!(
        table.contains("来源 / source:") && table.contains("0.000240 kWh"),
        "{table}"
    );

    // Evidence: the CNC (production equipment) reported within 30 days; energy per revenue
    // 2023 has no readings, so it is not measured, and says why.
    let out = in_dir(dir).args(["evidence", FIRM, "--json"]).output()?;
    assert!(out.status.success(), "{}", describe(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let answers = v["evidence"]["answers"].as_array().ok_or("answers")?;
    let share = answers
        .iter()
        .find(|a| a["question"] == "equipment_networked_share")
        .ok_or("share")?;
    assert_eq!(share["answer"]["source"], "measured");
    assert_eq!(share["measurement"]["reporting"], 1);
    assert_eq!(share["measurement"]["denominator"], 1);
    let missing = v["evidence"]["not_measured"]
        .as_array()
        .ok_or("not measured")?;
    assert!(
        missing.iter().any(|n| n["question"] == "energy_per_revenue"
            && n["reason"].as_str().is_some_and(|r| r.contains("2023"))),
        "{v}"
    );
    let out = in_dir(dir).args(["evidence", FIRM]).output()?;
    let human = text(&out.stdout);
    assert!(
        human.contains("[实测 measured] 生产设备联网率") && human.contains("1/1 (100%)"),
        "{human}"
    );
    assert!(
        human.contains("[未测得 not measured] 每百元营业收入能耗"),
        "{human}"
    );

    // An enterprise that is not on file, and a bad date.
    let out = in_dir(dir)
        .args(["energy", "91330100MA27XK7R19"])
        .output()?;
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let out = in_dir(dir)
        .args(["energy", FIRM, "--from", "2024-02-30"])
        .output()?;
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(text(&out.stderr).contains("YYYY-MM-DD"));
    Ok(())
}

#[test]
fn without_a_time_series_store_the_command_says_so() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let out = in_dir(tmp.path()).args(["energy", FIRM]).output()?;
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("shangyun serve"),
        "{}",
        describe(&out)
    );
    assert!(
        !tmp.path().join("tsdb").exists(),
        "a read command must not create the store"
    );
    Ok(())
}
