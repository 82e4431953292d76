//! Bytes per stored point on realistic meter data after persistence and compaction. Prints
//! the figures; asserts only a generous sanity bound (the target is at most 4 bytes).

mod common;

use std::collections::BTreeMap;

use common::meter::meter_batches;
use shangyun_tsdb::{Config, Owner, SeriesKey, Tsdb};

fn measure(label: &str, interval_ms: i64, jitter_ms: i64, devices: u64, duration_ms: i64) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, _) = Tsdb::open(dir.path(), Config::default()).expect("open");
    let owner = Owner::new("91350100M000100Y43").expect("owner");
    let start = 1_764_547_200_000; // 2025-12-01T00:00:00Z
    let batches = meter_batches(&owner, devices, start, duration_ms, interval_ms, jitter_ms);
    let points: usize = batches.iter().map(|b| b.points.len()).sum();
    for group in batches.chunks(2000) {
        db.append_all(group).expect("append").wait().expect("ack");
    }
    db.persist().expect("persist");
    db.compact().expect("compact");
    let stats = db.stats();
    let bytes = stats.chunk_bytes;
    let per_point = bytes as f64 / points as f64;
    // Per key, from the block lengths in the chunk index.
    let mut by_key: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for f in chunk_files(dir.path()) {
        let data = std::fs::read(&f).expect("read");
        let (index, _) = shangyun_tsdb::decode_chunk_file(&data).expect("decode");
        for b in index.blocks {
            let e = by_key.entry(b.series.key.clone()).or_default();
            e.0 += u64::from(b.len);
            e.1 += u64::from(b.count);
        }
    }
    let keys: Vec<String> = by_key
        .iter()
        .map(|(k, (b, n))| format!("{k} {:.3}", *b as f64 / *n as f64))
        .collect();
    println!(
        "bytes/point [{label}]: {per_point:.3} ({bytes} bytes, {points} points, {} files; per key: {})",
        stats.chunk_files,
        keys.join(", ")
    );
    // Every point is still there.
    let one = db
        .range(&SeriesKey::new(1, "energy_kwh"), 0, i64::MAX)
        .expect("range");
    assert_eq!(one.points.len() as i64, duration_ms / interval_ms);
    per_point
}

fn chunk_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("chunks")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "chunk") {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn meter_data_bytes_per_stored_point() {
    let hour = 3_600_000;
    let a = measure("1 s, exact timestamps", 1000, 0, 4, 6 * hour);
    let b = measure("10 s, exact timestamps", 10_000, 0, 4, 24 * hour);
    let c = measure("1 s, 0–50 ms arrival jitter", 1000, 50, 4, 6 * hour);
    // Sanity bound only: an encoding regression to raw 16-byte points would trip it.
    for v in [a, b, c] {
        assert!(v < 8.0, "{v} bytes per point");
    }
}
