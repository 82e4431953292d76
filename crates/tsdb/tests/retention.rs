//! Retention frees disk: whole owner/day files and directories are deleted, a key-prefix rule
//! rewrites files without the expired series. Measured like `du` (allocated blocks).

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::meter::meter_batches;
use shangyun_tsdb::{Config, Owner, RetentionRule, SeriesKey, Tsdb};

const DAY: i64 = 86_400_000;
const START: i64 = 1_764_547_200_000; // 2025-12-01T00:00:00Z

/// Allocated bytes under `dir`, as `du` counts them.
fn du(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd {
            let e = e.expect("entry");
            let m = e.metadata().expect("metadata");
            total += m.blocks() * 512;
            if m.is_dir() {
                total += du(&e.path());
            }
        }
    }
    total
}

fn count(db: &Tsdb, device: u64, key: &str) -> usize {
    db.range(&SeriesKey::new(device, key), 0, i64::MAX)
        .expect("range")
        .points
        .len()
}

#[test]
fn owner_and_key_prefix_rules_delete_files_and_free_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, _) = Tsdb::open(dir.path(), Config::default()).expect("open");
    let a = Owner::new("ENTERPRISE-A").expect("owner");
    let b = Owner::new("ENTERPRISE-B").expect("owner");
    // 10 days of 10 s data for two devices of each owner (b's devices are numbered apart).
    let mut batches = meter_batches(&a, 2, START, 10 * DAY, 10_000, 0);
    let mut of_b = meter_batches(&b, 2, START, 10 * DAY, 10_000, 0);
    for batch in &mut of_b {
        if let shangyun_tsdb::DeviceId::Num(n) = &mut batch.device {
            *n += 100;
        }
    }
    batches.extend(of_b);
    for group in batches.chunks(5000) {
        db.append_all(group).expect("append").wait().expect("ack");
    }
    db.persist().expect("persist");
    db.compact().expect("compact");
    let chunks = dir.path().join("chunks");
    let before = du(&chunks);
    assert_eq!(db.stats().chunk_files, 20); // 2 owners × 10 days
    assert_eq!(count(&db, 1, "energy_kwh"), 10 * 8640);

    // Owner A keeps 3 days: at the end of day 10, days 1–7 of A go, whole.
    let now = START + 10 * DAY;
    let rules = [RetentionRule {
        owner: Some(a.clone()),
        key_prefix: None,
        keep_ms: 3 * DAY,
    }];
    let report = db.enforce_retention(&rules, now).expect("retention");
    let after = du(&chunks);
    println!("retention (owner A keeps 3 days): du {before} → {after} bytes; {report:?}");
    assert_eq!(report.files_deleted, 7);
    assert_eq!(report.files_rewritten, 0);
    assert_eq!(report.directories_removed, 7);
    assert!(after < before, "du did not shrink: {before} → {after}");
    assert_eq!(count(&db, 1, "energy_kwh"), 3 * 8640);
    assert_eq!(
        count(&db, 101, "energy_kwh"),
        10 * 8640,
        "owner B untouched"
    );
    assert!(!chunks.join("ENTERPRISE-A").join("2025-12-01").exists());
    assert!(chunks.join("ENTERPRISE-A").join("2025-12-08").exists());
    // Idempotent.
    assert_eq!(
        db.enforce_retention(&rules, now)
            .expect("retention")
            .files_deleted,
        0
    );

    // Everybody's temperature keeps 1 day (a prefix rule): B's files are rewritten without it.
    // For A the rule naming the owner is more specific, so A keeps 3 days of every key.
    let rules = [
        rules[0].clone(),
        RetentionRule {
            owner: None,
            key_prefix: Some("temp".into()),
            keep_ms: DAY,
        },
    ];
    let before = du(&chunks);
    let report = db.enforce_retention(&rules, now).expect("retention");
    let after = du(&chunks);
    println!("retention (temp* keeps 1 day): du {before} → {after} bytes; {report:?}");
    assert_eq!(report.files_rewritten, 9); // B's days 1–9
    assert_eq!(report.files_deleted, 0);
    assert!(after < before);
    assert_eq!(count(&db, 101, "temperature"), 8640);
    assert_eq!(count(&db, 101, "energy_kwh"), 10 * 8640);
    assert_eq!(count(&db, 1, "temperature"), 3 * 8640);
    assert_eq!(count(&db, 1, "energy_kwh"), 3 * 8640);
    drop(db);

    // What retention left is what a reopen finds.
    let (db, report) = Tsdb::open(dir.path(), Config::default()).expect("reopen");
    assert!(report.replaced_files_removed.is_empty());
    assert_eq!(count(&db, 101, "temperature"), 8640);
    assert_eq!(count(&db, 1, "energy_kwh"), 3 * 8640);
}
