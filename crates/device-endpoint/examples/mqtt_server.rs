//! The endpoint as a process, for the load benchmark (scripts/bench-mqtt.sh) and the kill -9
//! test: an in-memory directory with N devices whose access tokens are `<prefix><i:08>`
//! (device i = 0..N), a tsdb in DIR.
//!
//! `mqtt_server ADDR DIR [N] [PREFIX]` — prints `ready <addr>` on stdout once listening.
//! SIGINT/SIGTERM: persists the store and prints `stored points=<n> chunk_bytes=<b>`.

use shangyun_device_endpoint::{Endpoint, EndpointConfig};
use shangyun_devices::{MemoryDirectory, NewDevice};
use shangyun_tsdb::{Config, Tsdb};
use std::io::Write;
use std::sync::Arc;

// As the `shangyun` binary (crates/cli): measure the allocator production runs with. glibc's
// malloc cost a third of the instructions per message here.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: mqtt_server ADDR DIR [DEVICES] [TOKEN_PREFIX]";
    let addr: std::net::SocketAddr = args.get(1).ok_or(usage)?.parse()?;
    let dir = std::path::PathBuf::from(args.get(2).ok_or(usage)?);
    let devices: u64 = args.get(3).map_or(Ok(100), |s| s.parse())?;
    let prefix = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| "bench-token-".into());
    let threads: usize = std::env::var("MQTT_SERVER_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let directory = Arc::new(MemoryDirectory::new());
    for i in 0..devices {
        let mut d = NewDevice::named(format!("bench-{i:08}"));
        d.enterprise = Some(format!("E{}", i % 10));
        directory.add_device_with_token(d, &format!("{prefix}{i:08}"))?;
    }
    let mut gw = NewDevice::gateway("bench-gateway");
    gw.enterprise = Some("E0".into());
    directory.add_device_with_token(gw, &format!("{prefix}gateway"))?;
    let (tsdb, report) = Tsdb::open(&dir, Config::default())?;
    eprintln!(
        "mqtt_server: store opened, replayed {} WAL records, truncated tails {}",
        report.wal.records,
        report.wal.truncated_tails.len()
    );
    let tsdb = Arc::new(tsdb);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let ingest = shangyun_ingest::Ingest::new(
            tsdb.clone(),
            directory,
            shangyun_ingest::IngestConfig::default(),
        );
        let endpoint = Endpoint::new(ingest, EndpointConfig::default(), None);
        let listener = Endpoint::bind(addr)?;
        println!("ready {}", listener.local_addr()?);
        std::io::stdout().flush()?;
        let serving = endpoint.clone();
        tokio::spawn(async move { serving.serve(listener).await });
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        let stats = endpoint.stats();
        eprintln!("mqtt_server: {stats:?}");
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    runtime.shutdown_background();
    tsdb.persist()?;
    let chunk_bytes = dir_size(&dir.join("chunks"));
    let s = tsdb.stats();
    println!(
        "stored points={} chunk_bytes={chunk_bytes} wal_groups={}",
        s.points_applied, s.wal.groups
    );
    std::io::stdout().flush()?;
    Ok(())
}

fn dir_size(p: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(p) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
