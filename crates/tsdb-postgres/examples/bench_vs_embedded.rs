//! Write throughput and bytes per point: PostgreSQL layout vs the embedded store, same data,
//! same run. Meter-like data: `devices` devices × `seconds` messages of 3 points (cumulative
//! kWh, voltage, power) at 1 s.
//!
//! ```sh
//! cargo run --release -p shangyun-tsdb-postgres --example bench_vs_embedded -- 1000 120 20000
//! #                                                   devices seconds small-messages
//! ```
//!
//! Scenarios, each on a fresh schema / directory:
//! * bulk: writes of 1,000 messages (3,000 points) from one writer; then PostgreSQL packs the
//!   closed days into compressed blocks (bytes per point before and after);
//! * per message: one write per 3-point message, 32 concurrent writers (each write durable:
//!   a PostgreSQL commit, an embedded-store WAL ack).
//!
//! PostgreSQL is `SHANGYUN_TEST_POSTGRES` (default postgres://postgres@127.0.0.1:5432/test).

use std::sync::Arc;
use std::time::Instant;

use shangyun_tsdb::{Config, Tsdb};
use shangyun_tsdb_api::{Batch, Owner, Point, TelemetryStore};
use shangyun_tsdb_postgres::test_support::TestSchema;
use shangyun_tsdb_postgres::{PgTsdb, packed_table_bytes, points_table_bytes};

const START: i64 = 1_764_547_200_000;

fn messages(devices: u64, seconds: i64) -> Vec<Batch> {
    let owner = Owner::new("BENCH").expect("owner");
    let mut out = Vec::with_capacity((devices as usize) * seconds as usize);
    for s in 0..seconds {
        for d in 0..devices {
            let ts = START + s * 1000 + (d as i64 % 1000);
            let kwh = 1000.0 + d as f64 + (s as f64) * 0.01;
            let volts = 220.0 + ((s + d as i64) % 7) as f64 / 10.0;
            let kw = 3.0 + ((s * 7 + d as i64) % 13) as f64 / 100.0;
            out.push(Batch {
                owner: owner.clone(),
                device: d.into(),
                points: vec![
                    Point::new("energy_kwh", ts, (kwh * 100.0).round() / 100.0),
                    Point::new("voltage", ts, volts),
                    Point::new("power_kw", ts, kw),
                ],
            });
        }
    }
    out
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

async fn bulk<S: TelemetryStore>(s: &S, msgs: &[Batch]) -> f64 {
    let t = Instant::now();
    for g in msgs.chunks(1000) {
        s.write(g).await.expect("write");
    }
    t.elapsed().as_secs_f64()
}

async fn per_message<S: TelemetryStore + 'static>(s: Arc<S>, msgs: Vec<Batch>) -> f64 {
    let t = Instant::now();
    let msgs = Arc::new(msgs);
    let mut tasks = Vec::new();
    for w in 0..32 {
        let (s, msgs) = (s.clone(), msgs.clone());
        tasks.push(tokio::spawn(async move {
            for m in msgs.iter().skip(w).step_by(32) {
                s.write(std::slice::from_ref(m)).await.expect("write");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    t.elapsed().as_secs_f64()
}

fn row(store: &str, scenario: &str, points: usize, secs: f64, bytes: Option<(u64, &str)>) {
    let b = bytes.map_or(String::new(), |(b, what)| {
        format!("  {:.2} bytes/point ({what})", b as f64 / points as f64)
    });
    println!(
        "{store:<10} {scenario:<28} {points:>9} points  {secs:>7.2} s  {:>10.0} points/s{b}",
        points as f64 / secs
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<i64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let devices = *args.first().unwrap_or(&1000) as u64;
    let seconds = *args.get(1).unwrap_or(&120);
    let small = *args.get(2).unwrap_or(&20_000) as usize;
    let msgs = messages(devices, seconds);
    let points = msgs.len() * 3;
    println!(
        "{devices} devices × {seconds} s × 3 keys = {points} points; load average before: {}",
        load()
    );

    // Embedded store, bulk.
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, _) = Tsdb::open(dir.path(), Config::default()).expect("open");
    let secs = bulk(&db, &msgs).await;
    db.flush().await.expect("persist");
    let db = tokio::task::spawn_blocking(move || {
        db.compact().expect("compact");
        db
    })
    .await
    .expect("compact task");
    row(
        "embedded",
        "bulk (1000 msg/write)",
        points,
        secs,
        Some((db.stats().chunk_bytes, "chunk files after persist+compact")),
    );
    drop(db);

    // PostgreSQL, bulk.
    let pg = TestSchema::create(8).await.expect("schema");
    let secs = bulk(&*pg, &msgs).await;
    sqlx::raw_sql("VACUUM ANALYZE")
        .execute(pg.pool())
        .await
        .expect("vacuum");
    let pts_bytes = points_table_bytes(pg.pool()).await.expect("bytes");
    let all_bytes = pg.stored_bytes().await.expect("bytes");
    row(
        "postgres",
        "bulk (1000 msg/write)",
        points,
        secs,
        Some((pts_bytes, "points partitions: heap + index")),
    );
    println!(
        "{:<39} {:.2} bytes/point with series, latest and partition tables",
        "",
        all_bytes as f64 / points as f64
    );
    let (heap, index): (i64, i64) = sqlx::query_as(
        "SELECT sum(pg_relation_size(c.oid))::int8, sum(pg_indexes_size(c.oid))::int8
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ts_points'::regclass",
    )
    .fetch_one(pg.pool())
    .await
    .expect("sizes");
    println!(
        "{:<39} heap {:.2} + primary-key index {:.2} bytes/point",
        "",
        heap as f64 / points as f64,
        index as f64 / points as f64
    );
    // Pack the closed days into compressed blocks (what a maintenance task does hourly).
    let t = Instant::now();
    let report = pg
        .pack_closed_days(START + 400 * 86_400_000)
        .await
        .expect("pack");
    let pack_secs = t.elapsed().as_secs_f64();
    sqlx::raw_sql("VACUUM ANALYZE")
        .execute(pg.pool())
        .await
        .expect("vacuum");
    let packed = packed_table_bytes(pg.pool()).await.expect("bytes");
    row(
        "postgres",
        "pack closed days",
        report.rows as usize,
        pack_secs,
        Some((packed, "ts_packed: heap + TOAST + indexes")),
    );
    println!(
        "{:<39} {:.2} bytes/point with series, latest and partition tables",
        "",
        pg.stored_bytes().await.expect("bytes") as f64 / points as f64
    );
    // Redelivering everything after packing: the points land in narrow partitions once more
    // (queries return each once; the next pack merges them).
    let t = Instant::now();
    for g in msgs.chunks(1000) {
        pg.write(g).await.expect("write");
    }
    let again = pg
        .range(
            &shangyun_tsdb_api::SeriesKey::new(0, "voltage"),
            0,
            i64::MAX,
        )
        .await
        .expect("range");
    assert_eq!(again.points.len(), seconds as usize);
    row(
        "postgres",
        "redelivery over packed days",
        points,
        t.elapsed().as_secs_f64(),
        None,
    );
    drop(pg);

    // Per message, 32 concurrent writers.
    let few: Vec<Batch> = messages(devices, seconds).into_iter().take(small).collect();
    let dir2 = tempfile::tempdir().expect("tempdir");
    let (db, _) = Tsdb::open(dir2.path(), Config::default()).expect("open");
    let db = Arc::new(db);
    let secs = per_message(db.clone(), few.clone()).await;
    row(
        "embedded",
        "per message, 32 writers",
        few.len() * 3,
        secs,
        None,
    );
    drop(db);
    let pg = TestSchema::create(1).await.expect("schema");
    let store = Arc::new(PgTsdb::connect(&pg.url, 32).await.expect("connect"));
    let secs = per_message(store, few.clone()).await;
    row(
        "postgres",
        "per message, 32 writers",
        few.len() * 3,
        secs,
        None,
    );
    println!("load average after: {}", load());
}
