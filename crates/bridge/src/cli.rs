//! The node's command line, shared by the `shangyun-bridge` binary and `shangyun bridge`.

use crate::{BridgeConfig, NodeStats, PgSink, run};
use shangyun_device_store::{DeviceRuntime, DeviceStore, RuntimeOptions};
use shangyun_devices::DeviceDirectory;
use shangyun_ingest::{Ingest, IngestConfig, TelemetrySink};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The broker, mqtt://host[:port].
    #[arg(long, env = "SHANGYUN_BROKER", default_value = "mqtt://127.0.0.1:1883")]
    broker: String,
    /// This node's MQTT client id; keep it across restarts (the session holds unacknowledged
    /// messages).
    #[arg(long, env = "SHANGYUN_BRIDGE_CLIENT_ID")]
    client_id: String,
    /// Shared-subscription group.
    #[arg(long, default_value = "shangyun")]
    group: String,
    /// Topic prefix: devices publish on <prefix>/<device id>/v1/….
    #[arg(long, default_value = "shangyun/devices")]
    prefix: String,
    /// Broker user name (the password comes from SHANGYUN_BROKER_PASSWORD).
    #[arg(long, env = "SHANGYUN_BROKER_USER")]
    user: Option<String>,
    /// The device directory: a registry database path, sqlite: or postgres:// URL.
    #[arg(long, env = "SHANGYUN_DATABASE")]
    directory: String,
    /// Shared telemetry store (PostgreSQL layout): postgres://…?options[search_path]=<schema>.
    #[arg(long, conflicts_with = "tsdb", required_unless_present = "tsdb")]
    postgres: Option<String>,
    /// This node's own embedded store (each node keeps what it received).
    #[arg(long)]
    tsdb: Option<PathBuf>,
    /// Skip presence and alarms (the device runtime).
    #[arg(long)]
    no_runtime: bool,
}

/// Runs a node until SIGTERM / Ctrl-C (exit 0) or until the store fails (exit 1); prints the
/// node's counters as one JSON line on stdout when it stops.
pub fn main(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("shangyun-bridge: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(node(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shangyun-bridge: {e}");
            ExitCode::from(1)
        }
    }
}

async fn node(args: Args) -> Result<(), String> {
    let (host, port) = BridgeConfig::broker(&args.broker)?;
    let store = DeviceStore::open(&args.directory)
        .await
        .map_err(|e| format!("device directory: {e}"))?;
    let sink: Arc<dyn TelemetrySink> = match (&args.postgres, &args.tsdb) {
        (Some(url), _) => Arc::new(PgSink(
            shangyun_tsdb_postgres::PgTsdb::connect(url, 8)
                .await
                .map_err(|e| format!("telemetry store: {e}"))?,
        )),
        (None, Some(dir)) => {
            let (db, report) = shangyun_tsdb::Tsdb::open(dir, Default::default())
                .map_err(|e| format!("telemetry store: {e}"))?;
            if !report.wal.is_clean() {
                eprintln!(
                    "shangyun-bridge: telemetry store recovered: {:?}",
                    report.wal
                );
            }
            Arc::new(db)
        }
        (None, None) => return Err("give --postgres or --tsdb".into()),
    };
    let directory: Arc<dyn DeviceDirectory> = Arc::new(store.clone());
    let mut ingest = Ingest::new(sink, directory, IngestConfig::default());
    let runtime = if args.no_runtime {
        None
    } else {
        let rt = DeviceRuntime::start(store, RuntimeOptions::default())
            .await
            .map_err(|e| format!("device runtime: {e}"))?;
        ingest = ingest
            .with_presence(rt.presence.clone())
            .with_alarms(rt.alarms.clone(), rt.alarm_events.clone());
        Some(rt)
    };
    let config = BridgeConfig {
        host,
        port,
        client_id: args.client_id,
        group: args.group,
        prefix: args.prefix,
        credentials: args.user.map(|u| {
            (
                u,
                std::env::var("SHANGYUN_BROKER_PASSWORD").unwrap_or_default(),
            )
        }),
        identity_ttl: Duration::from_secs(60),
    };
    let stats = Arc::new(NodeStats::default());
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = stop_tx.send(true);
    });
    let result = run(config, ingest.clone(), stats.clone(), stop).await;
    let mut line = stats.to_json();
    line["ingest"] = serde_json::to_value(ingest.counters()).unwrap_or_default();
    println!("{line}");
    if let Some(rt) = runtime {
        rt.shutdown().await;
    }
    result.map_err(|e| e.to_string())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
