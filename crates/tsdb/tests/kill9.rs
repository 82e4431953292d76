//! A real crash: the `crashwriter` example appends from 8 threads and prints a line per durable
//! ack; this test kills it with SIGKILL at random moments, reopens the store and checks that
//! every acknowledged point is there with its value. Cycles: `TSDB_KILL_CYCLES` (default 5;
//! run 20 or more locally). Seed: `TSDB_KILL_SEED` (printed) to replay a run.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shangyun_tsdb::{Config, SeriesKey, Tsdb, Value};

fn crashwriter() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    // Build it (a no-op when fresh) so that a stale binary is never tested: `cargo test
    // --all-targets` builds examples only in test mode.
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut cmd = Command::new(cargo);
        cmd.args([
            "build",
            "--quiet",
            "-p",
            "shangyun-tsdb",
            "--example",
            "crashwriter",
        ]);
        if profile_dir.ends_with("release") {
            cmd.arg("--release");
        }
        assert!(cmd.status().expect("cargo build").success());
    }
    profile_dir.join("examples").join("crashwriter")
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn every_acked_point_survives_kill_9() {
    let cycles: u64 = std::env::var("TSDB_KILL_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let seed: u64 = std::env::var("TSDB_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("kill9: {cycles} cycles, TSDB_KILL_SEED={seed}");
    let mut rng = XorShift(seed);
    let bin = crashwriter();
    let dir = tempfile::tempdir().expect("tempdir");
    // device -> ts -> acked in cycle
    let mut acked: BTreeMap<u64, Vec<i64>> = BTreeMap::new();
    let mut total_acked = 0usize;
    for cycle in 0..cycles {
        let base = 1_700_000_000_000 + cycle as i64 * 100_000_000;
        let mut child = Command::new(&bin)
            .arg(dir.path())
            .arg(base.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn crashwriter");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => lines.push(l),
                    Err(_) => break,
                }
            }
            lines
        });
        // Let it run between 50 and 650 ms, then SIGKILL (Child::kill on Unix).
        let delay = Duration::from_millis(50 + rng.next() % 600);
        let start = Instant::now();
        std::thread::sleep(delay);
        child.kill().expect("kill -9");
        let status = child.wait().expect("wait");
        assert!(!status.success());
        let lines = reader.join().expect("reader");
        let mut this_cycle = 0;
        for line in &lines {
            let mut parts = line.split(' ');
            if parts.next() != Some("acked") {
                continue;
            }
            let device: u64 = parts.next().and_then(|s| s.parse().ok()).expect("device");
            let ts: i64 = parts.next().and_then(|s| s.parse().ok()).expect("ts");
            acked.entry(device).or_default().push(ts);
            this_cycle += 1;
        }
        total_acked += this_cycle;

        let (db, report) = Tsdb::open(dir.path(), Config::default()).expect("reopen");
        eprintln!(
            "cycle {cycle}: killed after {:?}, {this_cycle} acks; reopen replayed {} records, truncated {:?}, corrupt {}",
            start.elapsed(),
            report.wal.records,
            report
                .wal
                .truncated_tails
                .iter()
                .map(|t| t.bytes)
                .collect::<Vec<_>>(),
            report.wal.corrupt_records.len(),
        );
        assert!(report.damaged_chunk_files.is_empty(), "{report:?}");
        for (device, stamps) in &acked {
            let kwh = db
                .range(&SeriesKey::new(*device, "kwh"), 0, i64::MAX)
                .expect("range");
            assert_eq!(kwh.corrupt_blocks, 0);
            let present: std::collections::HashMap<i64, Value> = kwh.points.into_iter().collect();
            for ts in stamps {
                let want = Value::F64((ts / 1000 + *device as i64) as f64 / 100.0);
                assert_eq!(
                    present.get(ts),
                    Some(&want),
                    "cycle {cycle}: acked point device {device} ts {ts} lost (seed {seed})"
                );
            }
            let on = db
                .range(&SeriesKey::new(*device, "on"), 0, i64::MAX)
                .expect("range")
                .points;
            assert!(on.len() >= stamps.len());
            let last = stamps.iter().max().copied().unwrap_or(0);
            let latest = db
                .latest_value(&SeriesKey::new(*device, "temp"))
                .expect("latest");
            assert!(latest.0 >= last, "latest of device {device} went back");
        }
        drop(db);
    }
    eprintln!("kill9: {total_acked} acked batches over {cycles} cycles, all present");
    assert!(total_acked > 0, "the writer never acknowledged anything");
}
