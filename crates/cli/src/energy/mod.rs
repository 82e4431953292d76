//! `shangyun energy USCC` (能耗与碳排放) and `shangyun evidence USCC` (数字化评测证据): the
//! same figures as `GET /api/v1/enterprises/{uscc}/energy|evidence`, read from the data
//! directory and database `shangyun serve` uses (same `--config`, environment and flags).
//!
//! The embedded time-series store admits one process at a time (`<data_dir>/tsdb/LOCK`):
//! while a server runs on the data directory these commands stop and point to the API.

mod print;

use crate::output;
use shangyun_device_store::DeviceStore;
use shangyun_enterprise_energy::meters::{DEFAULT_TZ, calendar::local_date};
use shangyun_enterprise_energy::{
    By, EnergyRequest, ViewError, default_window, energy_view, evidence_view, parse_date,
};
use shangyun_store::{OpenOptions, Registry};
use shangyun_tsdb::{Tsdb, TsdbError};
use shangyun_web::config::{self, Overrides, ServeConfig};
use std::path::PathBuf;
use std::process::ExitCode;

/// Where the data is: as for `shangyun serve`.
#[derive(clap::Args)]
pub struct Place {
    /// The server's TOML configuration file (its `data_dir` and `database` are used).
    #[arg(long, env = "SHANGYUN_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The data directory (time-series store in `<DIR>/tsdb`) [env: SHANGYUN_DATA]
    /// [default: ./shangyun-data].
    #[arg(long = "data-dir", value_name = "DIR")]
    data_dir: Option<String>,
}

#[derive(clap::Args)]
pub struct EnergyArgs {
    /// The enterprise's 统一社会信用代码.
    uscc: String,
    /// First local day (Asia/Shanghai), YYYY-MM-DD [default: the first day of the month
    /// eleven months before --to].
    #[arg(long)]
    from: Option<String>,
    /// Last local day, inclusive, YYYY-MM-DD [default: today].
    #[arg(long)]
    to: Option<String>,
    /// Figures per day or per month.
    #[arg(long, default_value = "month", value_parser = ["day", "month"])]
    by: String,
    /// JSON instead of the table (the API's shape).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    place: Place,
}

#[derive(clap::Args)]
pub struct EvidenceArgs {
    /// The enterprise's 统一社会信用代码.
    uscc: String,
    /// JSON instead of text (the API's shape).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    place: Place,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// What the commands read from.
struct Opened {
    registry: Registry,
    devices: DeviceStore,
    tsdb: Tsdb,
}

fn resolve(database: Option<&str>, place: &Place) -> Result<ServeConfig, ExitCode> {
    let mut flags = Overrides::new();
    if let Some(d) = database {
        flags.insert("database", d.to_owned());
    }
    if let Some(d) = &place.data_dir {
        flags.insert("data_dir", d.clone());
    }
    config::resolve(
        place.config.as_deref(),
        |name| std::env::var(name).ok(),
        &flags,
    )
    .map_err(output::usage_error)
}

/// Opens the time-series store, refusing to create one and saying what to do when a server
/// holds it.
fn open_tsdb(data_dir: &std::path::Path, api_path: &str) -> Result<Tsdb, String> {
    let dir = data_dir.join("tsdb");
    if !dir.is_dir() {
        return Err(format!(
            "没有时序库 {}：尚无设备数据（`shangyun serve` 会创建它）/ no time-series store at {}: no device data yet (`shangyun serve` creates it); check --data-dir",
            dir.display(),
            dir.display()
        ));
    }
    match Tsdb::open(&dir, Default::default()) {
        Ok((tsdb, _)) => Ok(tsdb),
        Err(TsdbError::InUse(_)) => Err(format!(
            "时序库 {} 正被运行中的 shangyun serve 使用，请改用接口 GET {api_path}（需登录或 API 令牌）/ the time-series store {} is in use by a running `shangyun serve`: use the API instead, GET {api_path} (with a session or an API token)",
            dir.display(),
            dir.display()
        )),
        Err(e) => Err(format!("time-series store {}: {e}", dir.display())),
    }
}

async fn open(config: &ServeConfig, api_path: &str) -> Result<Opened, String> {
    let tsdb = open_tsdb(&config.web.data_dir, api_path)?;
    let registry = Registry::open_location(
        &config.database,
        &OpenOptions {
            actor: "cli:energy".to_owned(),
            ..OpenOptions::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let devices = DeviceStore::open_location(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Opened {
        registry,
        devices,
        tsdb,
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| output::usage_error(format!("cannot start the async runtime: {e}")))
}

/// Exit 1 for an unknown enterprise or a bad window, 2 for stores that fail.
fn failure(e: &ViewError) -> ExitCode {
    eprintln!("error: {e}");
    match e {
        ViewError::UnknownEnterprise(_) | ViewError::Window(_) => ExitCode::from(output::INVALID),
        _ => ExitCode::from(output::USAGE),
    }
}

fn request(args: &EnergyArgs) -> Result<EnergyRequest, ViewError> {
    let to = match &args.to {
        Some(t) => parse_date("to", t)?,
        None => local_date(DEFAULT_TZ, now_ms()),
    };
    let from = match &args.from {
        Some(f) => parse_date("from", f)?,
        None => default_window(to).0,
    };
    Ok(EnergyRequest {
        from,
        to,
        by: By::parse(&args.by)?,
    })
}

pub fn energy(database: Option<&str>, args: EnergyArgs) -> ExitCode {
    let config = match resolve(database, &args.place) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let request = match request(&args) {
        Ok(r) => r,
        Err(e) => return failure(&e),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let api_path = format!("/api/v1/enterprises/{}/energy", args.uscc.trim());
    rt.block_on(async {
        let o = match open(&config, &api_path).await {
            Ok(o) => o,
            Err(e) => return output::usage_error(e),
        };
        let view = energy_view(&o.registry, &o.devices, &o.tsdb, &args.uscc, &request).await;
        o.devices.close().await;
        match view {
            Ok(v) => {
                output::emit(args.json, &v, || print::energy(&v));
                ExitCode::from(output::OK)
            }
            Err(e) => failure(&e),
        }
    })
}

pub fn evidence(database: Option<&str>, args: EvidenceArgs) -> ExitCode {
    let config = match resolve(database, &args.place) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let api_path = format!("/api/v1/enterprises/{}/evidence", args.uscc.trim());
    rt.block_on(async {
        let o = match open(&config, &api_path).await {
            Ok(o) => o,
            Err(e) => return output::usage_error(e),
        };
        let view = evidence_view(&o.registry, &o.devices, &o.tsdb, &args.uscc, now_ms()).await;
        o.devices.close().await;
        match view {
            Ok(v) => {
                output::emit(args.json, &v, || print::evidence(&v));
                ExitCode::from(output::OK)
            }
            Err(e) => failure(&e),
        }
    })
}
