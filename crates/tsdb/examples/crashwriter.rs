//! A writer to be killed: appends 3-point batches from several threads and prints
//! `acked <device> <ts> <seq>` on stdout only after each batch's durable ack. The kill -9 test
//! (tests/kill9.rs) kills it at random moments and checks that every acked point is there.
//!
//! Usage: `crashwriter DIR BASE_TS [THREADS] [SEGMENT_BYTES]`. Values are a function of
//! (device, ts) so the checker can verify them: kwh = ts / 1000 + device, temp = device,
//! on = (ts / 1000) % 2 == 0.

use std::io::Write;
use std::sync::Arc;

use shangyun_tsdb::{Batch, Config, DeviceId, Owner, Point, Tsdb, WalConfig};

fn main() {
    if let Err(e) = run() {
        eprintln!("crashwriter: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .ok_or("usage: crashwriter DIR BASE_TS [THREADS] [SEGMENT_BYTES]")?;
    let base: i64 = args.get(2).ok_or("BASE_TS missing")?.parse()?;
    let threads: u64 = args.get(3).map_or(Ok(8), |s| s.parse())?;
    let segment_bytes: u64 = args.get(4).map_or(Ok(64 * 1024), |s| s.parse())?;
    let config = Config {
        wal: WalConfig {
            segment_bytes,
            ..WalConfig::default()
        },
        compact_after_files: 3,
        ..Config::default()
    };
    let (db, report) = Tsdb::open(std::path::Path::new(dir), config)?;
    eprintln!(
        "crashwriter: opened; replayed {} records, truncated tails {}, corrupt records {}",
        report.wal.records,
        report.wal.truncated_tails.len(),
        report.wal.corrupt_records.len()
    );
    let db = Arc::new(db);
    let owner = Owner::new("E1")?;
    let handles: Vec<_> = (0..threads)
        .map(|device| {
            let db = db.clone();
            let owner = owner.clone();
            std::thread::spawn(move || -> Result<(), String> {
                let stdout = std::io::stdout();
                for i in 0.. {
                    let ts = base + i * 1000;
                    let secs = ts / 1000;
                    let batch = Batch {
                        owner: owner.clone(),
                        device: DeviceId::Num(device),
                        points: vec![
                            Point::new("kwh", ts, (secs + device as i64) as f64 / 100.0),
                            Point::new("temp", ts, device as f64),
                            Point::new("on", ts, secs % 2 == 0),
                        ],
                    };
                    let seq = db
                        .append(&batch)
                        .map_err(|e| e.to_string())?
                        .wait()
                        .map_err(|e| e.to_string())?;
                    let mut out = stdout.lock();
                    writeln!(out, "acked {device} {ts} {seq}").map_err(|e| e.to_string())?;
                    out.flush().map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().map_err(|_| "writer thread panicked")??;
    }
    Ok(())
}
