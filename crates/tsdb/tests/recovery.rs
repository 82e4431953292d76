//! Crash safety in-process: acknowledged data survives a drop without persisting, a torn WAL
//! tail is truncated and reported at every cut offset, flipped bytes in WAL records and chunk
//! blocks are caught by checksums and skipped.

use std::path::{Path, PathBuf};

use shangyun_tsdb::{Batch, Config, DeviceId, Owner, Point, SeriesKey, Tsdb, Value, WalConfig};
use shangyun_tsdb_wal::{SEGMENT_HEADER_LEN, scan_segment};

fn owner() -> Owner {
    Owner::new("91350100M000100Y43").expect("owner")
}

fn batch(device: u64, ts: i64, v: f64) -> Batch {
    Batch {
        owner: owner(),
        device: DeviceId::Num(device),
        points: vec![
            Point::new("kwh", ts, v),
            Point::new("temp", ts, 20.0 + v / 10.0),
            Point::new("on", ts, v as i64 % 2 == 0),
        ],
    }
}

fn open(dir: &Path) -> (Tsdb, shangyun_tsdb::OpenReport) {
    Tsdb::open(dir, Config::default()).expect("open")
}

fn kwh(db: &Tsdb, device: u64) -> Vec<(i64, Value)> {
    db.range(&SeriesKey::new(device, "kwh"), 0, i64::MAX)
        .expect("range")
        .points
}

fn wal_segments(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("wal"))
        .expect("wal dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wal"))
        .collect();
    v.sort();
    v
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

#[test]
fn acked_points_survive_a_drop_without_persist() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (db, report) = open(dir.path());
        assert_eq!(report.wal.records, 0);
        for i in 0..100 {
            db.append(&batch(1, i * 1000, i as f64))
                .expect("append")
                .wait()
                .expect("ack");
        }
        // dropped here: nothing persisted, only the WAL holds the points
    }
    let (db, report) = open(dir.path());
    assert_eq!(report.wal.records, 100);
    assert_eq!(report.replayed_points, 300);
    assert!(report.wal.is_clean(), "{report:?}");
    let pts = kwh(&db, 1);
    assert_eq!(pts.len(), 100);
    assert_eq!(pts[99], (99_000, Value::F64(99.0)));
    assert_eq!(
        db.latest_value(&SeriesKey::new(1, "on")),
        Some((99_000, Value::Bool(false)))
    );
}

#[test]
fn torn_tail_at_every_offset_of_the_last_record_is_truncated_and_reported() {
    let original = tempfile::tempdir().expect("tempdir");
    {
        let (db, _) = open(original.path());
        for i in 0..5 {
            db.append(&batch(1, i * 1000, i as f64))
                .expect("append")
                .wait()
                .expect("ack");
        }
    }
    let segments = wal_segments(original.path());
    let seg = segments
        .iter()
        .find(|p| std::fs::metadata(p).expect("meta").len() > SEGMENT_HEADER_LEN as u64)
        .expect("a segment with records");
    let bytes = std::fs::read(seg).expect("read");
    let scan = scan_segment(&bytes, 1);
    assert_eq!(scan.records.len(), 5);
    let last_start = scan.records[4].payload.start - shangyun_tsdb_wal::FRAME_HEADER_LEN;
    let seg_name = seg.file_name().expect("name").to_owned();
    for cut in last_start + 1..bytes.len() {
        let work = tempfile::tempdir().expect("tempdir");
        copy_dir(original.path(), work.path());
        let path = work.path().join("wal").join(&seg_name);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_len(cut as u64))
            .expect("truncate");
        {
            let (db, report) = open(work.path());
            assert_eq!(report.wal.records, 4, "cut at {cut}");
            assert_eq!(report.wal.truncated_tails.len(), 1, "cut at {cut}");
            let tail = &report.wal.truncated_tails[0];
            assert_eq!(tail.offset, last_start as u64);
            assert_eq!(tail.bytes, (cut - last_start) as u64);
            let pts = kwh(&db, 1);
            assert_eq!(pts.len(), 4, "cut at {cut}");
            assert_eq!(pts[3].0, 3000);
        }
        // The truncation was made durable: the next open finds nothing to repair.
        let (db, report) = open(work.path());
        assert!(
            report.wal.truncated_tails.is_empty(),
            "cut at {cut}: {report:?}"
        );
        assert_eq!(kwh(&db, 1).len(), 4);
    }
}

#[test]
fn flipped_byte_in_a_wal_record_is_caught_and_only_that_record_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (db, _) = open(dir.path());
        for i in 0..3 {
            db.append(&batch(1, i * 1000, i as f64))
                .expect("append")
                .wait()
                .expect("ack");
        }
    }
    let seg = wal_segments(dir.path())
        .into_iter()
        .find(|p| std::fs::metadata(p).expect("meta").len() > SEGMENT_HEADER_LEN as u64)
        .expect("segment");
    let mut bytes = std::fs::read(&seg).expect("read");
    let scan = scan_segment(&bytes, 1);
    let middle = scan.records[1].payload.start + 3;
    bytes[middle] ^= 0x40;
    std::fs::write(&seg, &bytes).expect("write");
    let (db, report) = open(dir.path());
    assert_eq!(report.wal.records, 2);
    assert_eq!(report.wal.corrupt_records.len(), 1);
    assert!(report.wal.truncated_tails.is_empty());
    let ts: Vec<i64> = kwh(&db, 1).into_iter().map(|p| p.0).collect();
    assert_eq!(ts, vec![0, 2000]);
}

#[test]
fn flipped_byte_in_a_chunk_block_is_caught_and_only_that_block_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (db, _) = open(dir.path());
        for i in 0..50 {
            let _ack = db.append(&batch(1, i * 1000, i as f64)).expect("append");
            db.append(&batch(2, i * 1000, i as f64))
                .expect("append")
                .wait()
                .expect("ack");
        }
        db.persist().expect("persist");
    }
    let chunk = find_files(&dir.path().join("chunks"), "chunk");
    assert_eq!(chunk.len(), 1);
    let mut bytes = std::fs::read(&chunk[0]).expect("read");
    let (index, _) = shangyun_tsdb::decode_chunk_file(&bytes).expect("decodes");
    let victim = index
        .blocks
        .iter()
        .find(|b| b.series == SeriesKey::new(1, "kwh"))
        .expect("block");
    bytes[victim.offset as usize + victim.len as usize / 2] ^= 0x01;
    std::fs::write(&chunk[0], &bytes).expect("write");
    let (db, report) = open(dir.path());
    assert!(report.damaged_chunk_files.is_empty());
    let r = db
        .range(&SeriesKey::new(1, "kwh"), 0, i64::MAX)
        .expect("range");
    assert_eq!(r.corrupt_blocks, 1);
    assert!(r.points.is_empty());
    assert_eq!(kwh(&db, 2).len(), 50, "the other device's block is intact");
    assert_eq!(db.stats().corrupt_blocks, 1);

    // A flipped byte in the index footer: the file is reported and left out, no panic.
    drop(db);
    let mut bytes = std::fs::read(&chunk[0]).expect("read");
    let n = bytes.len();
    bytes[n - 20] ^= 0x01;
    std::fs::write(&chunk[0], &bytes).expect("write");
    let (db, report) = open(dir.path());
    assert_eq!(report.damaged_chunk_files.len(), 1, "{report:?}");
    assert!(kwh(&db, 2).is_empty());
}

fn find_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd {
            let p = e.expect("entry").path();
            if p.is_dir() {
                out.extend(find_files(&p, ext));
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn persist_moves_points_to_chunks_and_deletes_wal_segments() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (db, _) = open(dir.path());
        for i in 0..20 {
            db.append(&batch(7, i * 1000, i as f64))
                .expect("append")
                .wait()
                .expect("ack");
        }
        db.persist().expect("persist");
        let stats = db.stats();
        assert_eq!(stats.buffered_points, 0);
        assert_eq!(stats.chunk_files, 1);
        assert_eq!(stats.wal.segments_removed, 1);
        assert_eq!(kwh(&db, 7).len(), 20);
    }
    // Only the (empty) current segment is left; data and latest come back from chunks and
    // the snapshot.
    assert_eq!(wal_segments(dir.path()).len(), 1);
    let (db, report) = open(dir.path());
    assert_eq!(report.wal.records, 0);
    assert_eq!(report.chunk_files, 1);
    assert_eq!(report.latest, shangyun_tsdb::LatestLoad::Snapshot);
    assert_eq!(kwh(&db, 7).len(), 20);
    assert_eq!(
        db.latest_value(&SeriesKey::new(7, "kwh")),
        Some((19_000, Value::F64(19.0)))
    );
    // New writes continue the sequence past what the snapshot covers.
    let seq = db
        .append(&batch(7, 20_000, 20.0))
        .expect("append")
        .wait()
        .expect("ack");
    assert!(seq > 20, "seq {seq}");
}

#[test]
fn latest_is_rebuilt_from_chunks_when_the_snapshot_is_damaged() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (db, _) = open(dir.path());
        db.append(&batch(3, 5000, 1.0))
            .expect("append")
            .wait()
            .expect("ack");
        db.append(&batch(3, 1000, 2.0))
            .expect("append")
            .wait()
            .expect("ack");
        db.persist().expect("persist");
    }
    let snap = dir.path().join("latest.snap");
    let mut bytes = std::fs::read(&snap).expect("snapshot");
    bytes[10] ^= 0xff;
    std::fs::write(&snap, bytes).expect("write");
    let (db, report) = open(dir.path());
    assert_eq!(report.latest, shangyun_tsdb::LatestLoad::Rebuilt);
    assert_eq!(
        db.latest_value(&SeriesKey::new(3, "kwh")),
        Some((5000, Value::F64(1.0)))
    );
}

#[test]
fn out_of_order_and_duplicates_last_write_wins_across_buffer_chunks_compaction_and_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let series = SeriesKey::new(9, "p");
    let write = |db: &Tsdb, ts: i64, v: f64| {
        db.append(&Batch {
            owner: owner(),
            device: 9.into(),
            points: vec![Point::new("p", ts, v)],
        })
        .expect("append")
        .wait()
        .expect("ack");
    };
    let expected = vec![
        (10, Value::F64(1.0)),
        (15, Value::F64(15.0)),
        (20, Value::F64(2.5)),
        (30, Value::F64(3.0)),
        (40, Value::F64(4.2)),
    ];
    {
        let (db, _) = open(dir.path());
        write(&db, 10, 1.0);
        write(&db, 20, 2.0);
        write(&db, 30, 3.0);
        db.persist().expect("persist");
        write(&db, 20, 2.5); // duplicate of a persisted point: the later write wins
        write(&db, 15, 15.0); // out of order
        write(&db, 40, 4.0);
        db.persist().expect("persist");
        write(&db, 40, 4.1);
        write(&db, 40, 4.2); // duplicate within the buffer
        assert_eq!(db.range(&series, 0, 100).expect("range").points, expected);
        db.persist().expect("persist");
        assert_eq!(db.stats().chunk_files, 3);
        assert_eq!(db.range(&series, 0, 100).expect("range").points, expected);
        assert_eq!(db.compact().expect("compact"), 1);
        assert_eq!(db.stats().chunk_files, 1);
        assert_eq!(db.range(&series, 0, 100).expect("range").points, expected);
        assert_eq!(db.latest_value(&series), Some((40, Value::F64(4.2))));
        write(&db, 15, 16.0); // newer than the compacted file
    }
    let (db, _) = open(dir.path());
    let mut want = expected.clone();
    want[1] = (15, Value::F64(16.0));
    assert_eq!(db.range(&series, 0, 100).expect("range").points, want);
    assert_eq!(
        db.range(&series, 15, 30).expect("range").points,
        want[1..3].to_vec()
    );
    assert_eq!(db.latest_value(&series), Some((40, Value::F64(4.2))));
}

#[test]
fn every_value_kind_round_trips_through_wal_chunks_and_latest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let device = DeviceId::Name("gateway-1/sub 2".into());
    let points = vec![
        Point::new("f", 1, 21.5),
        Point::new("f", 2, 0.1 + 0.2),
        Point::new("i", 1, 21i64),
        Point::new("i", 2, i64::MIN),
        Point::new("b", 1, true),
        Point::new("s", 1, "运行"),
        Point::new("mixed", 1, 21i64),
        Point::new("mixed", 2, 21.5),
        Point::new("mixed", 3, "off"),
    ];
    let b = Batch {
        owner: owner(),
        device: device.clone(),
        points: points.clone(),
    };
    let check = |db: &Tsdb| {
        for key in ["f", "i", "b", "s", "mixed"] {
            let got = db
                .range(&SeriesKey::new(device.clone(), key), 0, 10)
                .expect("range")
                .points;
            let want: Vec<(i64, Value)> = points
                .iter()
                .filter(|p| p.key == key)
                .map(|p| (p.ts, p.value.clone()))
                .collect();
            assert_eq!(got, want, "{key}");
        }
        let latest = db.latest(&device);
        assert_eq!(latest.len(), 5);
        assert_eq!(latest[3].key, "mixed");
        assert_eq!(latest[3].value, Value::Str("off".into()));
    };
    {
        let (db, _) = open(dir.path());
        db.append(&b).expect("append").wait().expect("ack");
        check(&db);
    }
    {
        let (db, _) = open(dir.path()); // from the WAL
        check(&db);
        db.persist().expect("persist");
        check(&db);
    }
    let (db, _) = open(dir.path()); // from chunks
    check(&db);
}

#[test]
fn aggregates_span_buffer_and_chunks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, _) = open(dir.path());
    let series = SeriesKey::new(1, "kwh");
    for i in 0..60 {
        let _ack = db.append(&batch(1, i * 1000, i as f64)).expect("append");
    }
    db.persist().expect("persist");
    for i in 60..120 {
        db.append(&batch(1, i * 1000, i as f64))
            .expect("append")
            .wait()
            .expect("ack");
    }
    let agg = db
        .aggregate(&series, 30_000, 120_000, 60_000)
        .expect("aggregate");
    assert_eq!(agg.buckets.len(), 2);
    let (a, b) = (&agg.buckets[0], &agg.buckets[1]);
    assert_eq!(
        (a.start, a.count, a.min, a.max, a.sum),
        (0, 30, Some(30.0), Some(59.0), Some(1335.0))
    );
    assert_eq!(a.first, (30_000, Value::F64(30.0)));
    assert_eq!(a.last, (59_000, Value::F64(59.0)));
    assert_eq!((b.start, b.count, b.avg), (60_000, 60, Some(89.5)));
    // Text and booleans are counted but not summed.
    let on = db
        .aggregate(&SeriesKey::new(1, "on"), 0, 120_000, 120_000)
        .expect("aggregate");
    assert_eq!(
        (
            on.buckets[0].count,
            on.buckets[0].numeric_count,
            on.buckets[0].sum
        ),
        (120, 0, None)
    );
    assert!(db.aggregate(&series, 0, 1, 0).is_err());
}

#[test]
fn a_small_segment_size_seals_and_persists_in_the_background() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config {
        wal: WalConfig {
            segment_bytes: 4096,
            ..WalConfig::default()
        },
        compact_after_files: 3,
        ..Config::default()
    };
    let (db, _) = Tsdb::open(dir.path(), config).expect("open");
    for i in 0..2000 {
        db.append(&batch(1, i * 1000, i as f64))
            .expect("append")
            .wait()
            .expect("ack");
    }
    db.persist().expect("persist");
    let stats = db.stats();
    assert!(stats.persists >= 10, "{stats:?}");
    assert!(stats.compactions >= 1, "{stats:?}");
    assert_eq!(stats.buffered_points, 0);
    assert_eq!(kwh(&db, 1).len(), 2000);
    assert!(wal_segments(dir.path()).len() <= 2);
}

#[test]
fn a_gateway_record_of_several_devices_updates_every_latest_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let batches = [
        batch(1, 1000, 1.0),
        batch(2, 2000, 2.0),
        batch(1, 3000, 3.0),
    ];
    {
        let (db, _) = open(dir.path());
        assert!(
            db.append_all(&[]).is_err(),
            "an empty gateway message is refused"
        );
        db.append_all(&batches)
            .expect("append")
            .wait()
            .expect("ack");
        assert_eq!(db.latest(&DeviceId::Num(1)).len(), 3);
        assert_eq!(
            db.latest_value(&SeriesKey::new(1, "kwh")),
            Some((3000, Value::F64(3.0)))
        );
        assert_eq!(
            db.latest_value(&SeriesKey::new(2, "kwh")),
            Some((2000, Value::F64(2.0)))
        );
        db.persist().expect("persist");
        db.append_all(&[batch(2, 4000, 4.0), batch(1, 4000, 5.0)])
            .expect("append")
            .wait()
            .expect("ack");
    }
    // From the snapshot plus the WAL record written after it.
    let (db, report) = open(dir.path());
    assert_eq!(report.latest, shangyun_tsdb::LatestLoad::Snapshot);
    assert_eq!(report.wal.records, 1);
    assert_eq!(
        db.latest_value(&SeriesKey::new(1, "kwh")),
        Some((4000, Value::F64(5.0)))
    );
    assert_eq!(
        db.latest_value(&SeriesKey::new(2, "kwh")),
        Some((4000, Value::F64(4.0)))
    );
    assert_eq!(kwh(&db, 1).len(), 3);
}

#[test]
fn acked_points_stay_visible_while_persists_and_compactions_run() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config {
        wal: WalConfig {
            segment_bytes: 2048,
            ..WalConfig::default()
        },
        compact_after_files: 2,
        ..Config::default()
    };
    let (db, _) = Tsdb::open(dir.path(), config).expect("open");
    let db = Arc::new(db);
    let acked = Arc::new(AtomicI64::new(0)); // number of batches acknowledged, in ts order
    let writer = {
        let (db, acked) = (db.clone(), acked.clone());
        std::thread::spawn(move || {
            for i in 1..=1500i64 {
                db.append(&batch(5, i * 1000, i as f64))
                    .expect("append")
                    .wait()
                    .expect("ack");
                acked.store(i, Ordering::SeqCst);
            }
        })
    };
    let mut checks = 0;
    while !writer.is_finished() {
        let before = acked.load(Ordering::SeqCst);
        let r = db
            .range(&SeriesKey::new(5, "kwh"), 0, i64::MAX)
            .expect("range");
        assert_eq!(r.corrupt_blocks, 0);
        assert!(
            r.points.len() as i64 >= before,
            "{before} acked but only {} visible",
            r.points.len()
        );
        assert!(r.points.windows(2).all(|w| w[0].0 < w[1].0));
        checks += 1;
    }
    writer.join().expect("writer");
    let stats = db.stats();
    assert!(stats.persists >= 5 && stats.compactions >= 1, "{stats:?}");
    assert_eq!(kwh(&db, 5).len(), 1500);
    assert!(checks > 10);
}

#[test]
fn intact_but_invalid_wal_records_are_skipped_and_counted_at_replay() {
    struct Ignore;
    impl shangyun_tsdb_wal::WalSink for Ignore {
        fn apply(&mut self, _: &[shangyun_tsdb_wal::Record<'_>]) {}
        fn sealed(&mut self, _: u64) {}
    }
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (db, _) = open(dir.path());
        db.append(&batch(1, 1000, 1.0))
            .expect("append")
            .wait()
            .expect("ack");
    }
    {
        // A foreign or buggy writer: checksums are right, contents are not.
        let (wal, _) = shangyun_tsdb_wal::Wal::open(
            &dir.path().join("wal"),
            WalConfig::default(),
            Box::new(Ignore),
        )
        .expect("wal");
        let mut nan = batch(1, 2000, 2.0);
        nan.points[0].value = Value::F64(f64::NAN);
        let mut payload = Vec::new();
        shangyun_tsdb::encode_batches(&[&nan], &mut payload);
        wal.submit(payload)
            .expect("submit")
            .wait()
            .expect("durable");
        wal.submit(b"not a batch".to_vec())
            .expect("submit")
            .wait()
            .expect("durable");
    }
    let (db, report) = open(dir.path());
    assert_eq!(report.wal.records, 3);
    assert_eq!(report.bad_records, 2);
    assert!(report.wal.is_clean());
    assert_eq!(kwh(&db, 1), vec![(1000, Value::F64(1.0))]);
}
