//! Ingest benchmark: N concurrent writer tasks (tokio, as the MQTT endpoint will run them)
//! each append a 3-point batch of a simulated meter and await its durable ack, again and
//! again. Reports points/s, ack latency p50/p99, fsyncs/s, CPU, peak memory and bytes per
//! stored point; then runs the peer in the same run: the `sqlite3` shell inserting the same
//! kind of rows (bulk in one transaction, and one durable transaction per batch).
//!
//! ```sh
//! cargo run --release -p shangyun-tsdb --example ingest_bench -- [WRITERS] [SECONDS]
//! ```
//! Defaults: 1000 writers, 10 seconds. `TSDB_BENCH_DIR` sets where the store goes (default:
//! a temporary directory under the target directory's filesystem via `std::env::temp_dir`).

#[path = "../tests/common/meter.rs"]
mod meter;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use meter::Meter;
use shangyun_tsdb::{Batch, Config, DeviceId, Owner, Tsdb};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let writers: usize = args.get(1).map_or(Ok(1000), |s| s.parse())?;
    let seconds: u64 = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let dir = match std::env::var_os("TSDB_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    println!(
        "ingest_bench: {writers} writers × 3-point batches, {seconds} s, store in {}; load average {}",
        dir.path().display(),
        load_average()
    );
    let (db, _) = Tsdb::open(dir.path(), Config::default())?;
    let db = Arc::new(db);
    let owner = Owner::new("91350100M000100Y43")?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let cpu_before = cpu_seconds();
    let wal_before = db.stats().wal;
    let started = Instant::now();
    let results: Vec<(u64, Vec<u32>)> = runtime.block_on(async {
        let tasks: Vec<_> = (0..writers)
            .map(|w| {
                let db = db.clone();
                let owner = owner.clone();
                let stop = stop.clone();
                tokio::spawn(async move {
                    let mut meter = Meter::new(w as u64 + 1);
                    let mut latencies = Vec::with_capacity(4096);
                    let mut points = 0u64;
                    let mut ts = 1_764_547_200_000i64;
                    while !stop.load(Ordering::Relaxed) {
                        let batch = Batch {
                            owner: owner.clone(),
                            device: DeviceId::Num(w as u64 + 1),
                            points: meter.sample(ts, 1000),
                        };
                        ts += 1000;
                        let t0 = Instant::now();
                        match db.append(&batch) {
                            Ok(ack) => {
                                if ack.await.is_err() {
                                    break;
                                }
                            }
                            Err(_) => break,
                        }
                        latencies.push(t0.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        points += 3;
                    }
                    (points, latencies)
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            if let Ok(r) = t.await {
                out.push(r);
            }
        }
        out
    });
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let wal = db.stats().wal;
    let points: u64 = results.iter().map(|r| r.0).sum();
    let mut lat: Vec<u32> = results.into_iter().flat_map(|r| r.1).collect();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let groups = wal.groups - wal_before.groups;
    let sync_ms = (wal.sync_micros - wal_before.sync_micros) as f64 / 1000.0 / groups.max(1) as f64;
    let apply_ms =
        (wal.apply_micros - wal_before.apply_micros) as f64 / 1000.0 / groups.max(1) as f64;
    let points_per_s = points as f64 / elapsed;
    println!(
        "tsdb:   {points} points in {elapsed:.2} s = {points_per_s:.0} points/s durable ({:.0} batches/s)",
        points_per_s / 3.0
    );
    println!(
        "        ack latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        f64::from(pct(0.50)) / 1000.0,
        f64::from(pct(0.99)) / 1000.0,
        f64::from(lat.last().copied().unwrap_or(0)) / 1000.0
    );
    println!(
        "        {groups} group commits = {:.0} fsyncs/s, {:.0} batches per fsync; CPU {:.0}% of one core; peak RSS {} MiB",
        groups as f64 / elapsed,
        lat.len() as f64 / groups.max(1) as f64,
        cpu / elapsed * 100.0,
        peak_rss_kib() / 1024
    );
    println!(
        "        per group: write+fdatasync {sync_ms:.2} ms, apply to buffer {apply_ms:.2} ms; load average now {}",
        load_average()
    );
    let t = Instant::now();
    db.persist()?;
    db.compact()?;
    let stats = db.stats();
    println!(
        "        persist + compact {:.2} s: {} chunk files, {} bytes = {:.3} bytes per stored point",
        t.elapsed().as_secs_f64(),
        stats.chunk_files,
        stats.chunk_bytes,
        stats.chunk_bytes as f64 / points.max(1) as f64
    );
    drop(db);

    // The peer: the sqlite3 shell, a ThingsBoard-like ts_kv table.
    match sqlite_peer(dir.path(), (points as usize).min(600_000), 2000) {
        Ok(peer) => {
            println!(
                "sqlite3 bulk (one transaction): {} rows in {:.2} s = {:.0} points/s, {:.1} bytes per point on disk",
                peer.bulk_rows,
                peer.bulk_s,
                peer.bulk_rows as f64 / peer.bulk_s,
                peer.bulk_bytes_per_point
            );
            println!(
                "sqlite3 durable per batch (WAL mode, synchronous=FULL, one transaction per 3-point batch): {} batches in {:.2} s = {:.0} points/s",
                peer.txn_batches,
                peer.txn_s,
                peer.txn_batches as f64 * 3.0 / peer.txn_s
            );
            println!(
                "ratio tsdb / sqlite3: {:.1}× the bulk load, {:.0}× the per-batch durable inserts",
                points_per_s / (peer.bulk_rows as f64 / peer.bulk_s),
                points_per_s / (peer.txn_batches as f64 * 3.0 / peer.txn_s)
            );
        }
        Err(e) => println!("sqlite3 peer skipped: {e}"),
    }
    Ok(())
}

struct Peer {
    bulk_rows: usize,
    bulk_s: f64,
    bulk_bytes_per_point: f64,
    txn_batches: usize,
    txn_s: f64,
}

fn sqlite_peer(
    dir: &std::path::Path,
    rows: usize,
    txn_batches: usize,
) -> Result<Peer, Box<dyn std::error::Error>> {
    let schema = "CREATE TABLE ts_kv (entity_id INTEGER NOT NULL, key TEXT NOT NULL, ts INTEGER NOT NULL, \
                  dbl_v REAL, long_v INTEGER, PRIMARY KEY (entity_id, key, ts));\n";
    let owner = Owner::new("E1")?;
    let mut meters: Vec<Meter> = (0..1000).map(|d| Meter::new(d + 1)).collect();
    let mut row_sql = |n_batches: usize, per_batch_txn: bool| -> Vec<u8> {
        let mut sql = Vec::with_capacity(n_batches * 200);
        let mut ts = 1_764_547_200_000i64;
        let mut i = 0;
        'outer: loop {
            for m in &mut meters {
                if i == n_batches {
                    break 'outer;
                }
                let b = Batch {
                    owner: owner.clone(),
                    device: DeviceId::Num(m.device),
                    points: m.sample(ts, 1000),
                };
                if per_batch_txn {
                    sql.extend_from_slice(b"BEGIN;");
                }
                for p in &b.points {
                    let (d, l) = match &p.value {
                        shangyun_tsdb::Value::F64(f) => (f.to_string(), "NULL".to_string()),
                        shangyun_tsdb::Value::I64(v) => ("NULL".to_string(), v.to_string()),
                        other => (format!("{:?}", other.as_f64()), "NULL".to_string()),
                    };
                    let _ = writeln!(
                        sql,
                        "INSERT INTO ts_kv VALUES ({}, '{}', {}, {d}, {l});",
                        m.device, p.key, p.ts
                    );
                }
                if per_batch_txn {
                    sql.extend_from_slice(b"COMMIT;\n");
                }
                i += 1;
            }
            ts += 1000;
        }
        sql
    };
    // Bulk: one transaction, as fast as SQLite loads.
    let bulk_db = dir.join("peer-bulk.sqlite");
    let mut sql = format!("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n{schema}BEGIN;\n")
        .into_bytes();
    sql.extend(row_sql(rows / 3, false));
    sql.extend_from_slice(b"COMMIT;\n");
    let t = Instant::now();
    run_sqlite(&bulk_db, &sql)?;
    let bulk_s = t.elapsed().as_secs_f64();
    let bulk_bytes = std::fs::metadata(&bulk_db)?.len()
        + std::fs::metadata(bulk_db.with_extension("sqlite-wal")).map_or(0, |m| m.len());
    // Durable per batch: each 3-point batch its own committed transaction, like an ack.
    let txn_db = dir.join("peer-txn.sqlite");
    let mut sql =
        format!("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n{schema}").into_bytes();
    sql.extend(row_sql(txn_batches, true));
    let t = Instant::now();
    run_sqlite(&txn_db, &sql)?;
    let txn_s = t.elapsed().as_secs_f64();
    Ok(Peer {
        bulk_rows: rows / 3 * 3,
        bulk_s,
        bulk_bytes_per_point: bulk_bytes as f64 / (rows / 3 * 3).max(1) as f64,
        txn_batches,
        txn_s,
    })
}

fn run_sqlite(db: &std::path::Path, sql: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().ok_or("no stdin")?.write_all(sql)?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(format!("sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(())
}

/// User + system CPU seconds of this process, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line; 12 and 13 after the ')'.
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The machine's 1/5/15-minute load averages: other work on a shared machine skews the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
