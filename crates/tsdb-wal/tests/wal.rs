//! The WAL on its own: group commit under concurrent writers, sealing and removal, sequence
//! continuity across restarts, recovery of damage.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use shangyun_tsdb_wal::{Record, Wal, WalConfig, WalSink};

#[derive(Default)]
struct Seen {
    records: Vec<(u64, Vec<u8>)>,
    sealed: Vec<u64>,
}

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Seen>>);

impl WalSink for Sink {
    fn apply(&mut self, records: &[Record<'_>]) {
        let mut s = self.0.lock().expect("lock");
        s.records
            .extend(records.iter().map(|r| (r.seq, r.payload.to_vec())));
    }
    fn sealed(&mut self, through_seq: u64) {
        self.0.lock().expect("lock").sealed.push(through_seq);
    }
}

#[test]
fn concurrent_writers_share_fsyncs_and_every_ack_is_replayed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = Sink::default();
    let (wal, _) =
        Wal::open(dir.path(), WalConfig::default(), Box::new(sink.clone())).expect("open");
    let wal = Arc::new(wal);
    let threads: Vec<_> = (0..16u32)
        .map(|t| {
            let wal = wal.clone();
            std::thread::spawn(move || {
                (0..200u32)
                    .map(|i| {
                        let payload = format!("{t}:{i}").into_bytes();
                        wal.submit(payload)
                            .expect("submit")
                            .wait()
                            .expect("durable")
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for t in threads {
        for s in t.join().expect("thread") {
            assert!(seqs.insert(s), "sequence {s} given twice");
        }
    }
    assert_eq!(seqs.len(), 3200);
    assert_eq!(seqs.first(), Some(&1));
    assert_eq!(seqs.last(), Some(&3200));
    let stats = wal.stats();
    assert_eq!(stats.records, 3200);
    println!("3200 records from 16 threads in {} groups", stats.groups);
    assert!(stats.groups < 3200, "no group ever held two records");
    // Applied in sequence order, each exactly once, before its ack.
    let applied: Vec<u64> = sink
        .0
        .lock()
        .expect("lock")
        .records
        .iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(applied, (1..=3200).collect::<Vec<_>>());
    drop(wal);

    let replay = Sink::default();
    let (_wal, report) =
        Wal::open(dir.path(), WalConfig::default(), Box::new(replay.clone())).expect("reopen");
    assert_eq!(report.records, 3200);
    assert!(report.is_clean());
    let seen = replay.0.lock().expect("lock");
    assert_eq!(seen.records.len(), 3200);
    assert_eq!(seen.sealed, vec![3200]);
}

#[test]
fn rotate_seals_remove_deletes_and_sequences_continue_after_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = Sink::default();
    {
        let (wal, _) =
            Wal::open(dir.path(), WalConfig::default(), Box::new(sink.clone())).expect("open");
        for i in 0..5u8 {
            wal.submit(vec![i])
                .expect("submit")
                .wait()
                .expect("durable");
        }
        assert_eq!(wal.rotate().wait(), Ok(5));
        assert_eq!(sink.0.lock().expect("lock").sealed, vec![5]);
        // Nothing new: rotating again seals nothing.
        assert_eq!(wal.rotate().wait(), Ok(5));
        assert_eq!(sink.0.lock().expect("lock").sealed, vec![5]);
        assert_eq!(
            wal.remove_through(4).wait(),
            Ok(0),
            "segment holds seq 5 too"
        );
        assert_eq!(wal.remove_through(5).wait(), Ok(1));
        assert_eq!(wal.stats().segments_removed, 1);
    }
    // Only the empty current segment is left; its name keeps the sequence going.
    let (wal, report) =
        Wal::open(dir.path(), WalConfig::default(), Box::new(Sink::default())).expect("reopen");
    assert_eq!(report.records, 0);
    assert_eq!(report.next_seq, 6);
    assert_eq!(wal.submit(b"x".to_vec()).expect("submit").wait(), Ok(6));
    drop(wal);
    // A floor from the caller wins over what the directory shows.
    let empty = tempfile::tempdir().expect("tempdir");
    let config = WalConfig {
        min_next_seq: 100,
        ..WalConfig::default()
    };
    let (wal, _) = Wal::open(empty.path(), config, Box::new(Sink::default())).expect("open");
    assert_eq!(wal.submit(b"y".to_vec()).expect("submit").wait(), Ok(100));
}

#[test]
fn size_limit_rotates_segments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = Sink::default();
    let config = WalConfig {
        segment_bytes: 1024,
        ..WalConfig::default()
    };
    let (wal, _) = Wal::open(dir.path(), config, Box::new(sink.clone())).expect("open");
    for _ in 0..100 {
        wal.submit(vec![7u8; 100])
            .expect("submit")
            .wait()
            .expect("durable");
    }
    let sealed = sink.0.lock().expect("lock").sealed.clone();
    assert!(sealed.len() >= 9, "{sealed:?}");
    assert!(sealed.windows(2).all(|w| w[0] < w[1]));
    assert!(
        wal.submit(vec![0u8; shangyun_tsdb_wal::MAX_PAYLOAD_LEN + 1])
            .is_err()
    );
}
