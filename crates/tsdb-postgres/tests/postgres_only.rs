//! What only the PostgreSQL layout has: two nodes (two pools) on one schema, retention that
//! drops whole day partitions and frees disk, a partition dropped under another node's cache.

use shangyun_tsdb_api::{Batch, Owner, Point, RetentionRule, SeriesKey, TelemetryStore};
use shangyun_tsdb_postgres::test_support::TestSchema;
use shangyun_tsdb_postgres::{PgTsdb, packed_table_bytes, points_table_bytes};

const DAY: i64 = 86_400_000;
const START: i64 = 1_764_547_200_000; // 2025-12-01T00:00:00Z

fn batch(device: u64, ts: i64, v: f64) -> Batch {
    Batch {
        owner: Owner::new("ENT-A").expect("owner"),
        device: device.into(),
        points: vec![
            Point::new("kwh", ts, v),
            Point::new("kw", ts, v / 10.0),
            Point::new("on", ts, true),
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_redelivering_store_every_point_once() {
    let node1 = TestSchema::create(4).await.expect("schema");
    let node2 = PgTsdb::connect(&node1.url, 4).await.expect("second node");
    // Each node gets every message (as a broker redelivering after a lost ack would), in a
    // different order and grouping, from 4 tasks each.
    let messages: Vec<Batch> = (0..400u64)
        .map(|i| batch(i % 20, START + (i / 20) as i64 * 1000, i as f64))
        .collect();
    let mut tasks = Vec::new();
    let node2 = std::sync::Arc::new(node2);
    for part in 0..4 {
        let mine: Vec<Batch> = messages.iter().skip(part).step_by(4).cloned().collect();
        let n2 = node2.clone();
        tasks.push(tokio::spawn(async move {
            for group in mine.chunks(7).rev() {
                n2.write(group).await.expect("node 2 write");
            }
        }));
    }
    for part in 0..4 {
        let mine: Vec<Batch> = messages.iter().skip(part).step_by(4).cloned().collect();
        for m in &mine {
            node1
                .write(std::slice::from_ref(m))
                .await
                .expect("node 1 write");
        }
    }
    for t in tasks {
        t.await.expect("task");
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM ts_points")
        .fetch_one(node1.pool())
        .await
        .expect("count");
    assert_eq!(total, 400 * 3, "every (device, key, ts) stored once");
    let dupes: i64 = sqlx::query_scalar("SELECT count(*) FROM (SELECT series_id, ts FROM ts_points GROUP BY 1, 2 HAVING count(*) > 1) d")
        .fetch_one(node1.pool())
        .await
        .expect("dupes");
    assert_eq!(dupes, 0);
    let r = node2
        .range(&SeriesKey::new(3, "kwh"), 0, i64::MAX)
        .await
        .expect("range");
    assert_eq!(r.points.len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_for_everyone_drops_day_partitions_and_frees_disk() {
    let db = TestSchema::create(4).await.expect("schema");
    let batches: Vec<Batch> = (0..10 * 24 * 6 * 3u64)
        .map(|i| batch(i % 3, START + (i / 3) as i64 * 600_000, i as f64))
        .collect();
    for g in batches.chunks(200) {
        db.write(g).await.expect("write");
    }
    let partitions = |db: &TestSchema| {
        let pool = db.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM ts_partitions")
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };
    assert_eq!(partitions(&db).await, 10);
    let before = points_table_bytes(db.pool()).await.expect("bytes");
    let rule = RetentionRule {
        owner: None,
        key_prefix: None,
        keep_ms: 3 * DAY,
    };
    let r = db
        .enforce_retention(&[rule], START + 10 * DAY)
        .await
        .expect("retention");
    let after = points_table_bytes(db.pool()).await.expect("bytes");
    println!("{r:?}; points partitions {before} → {after} bytes");
    assert!(
        r.detail.starts_with("7 day partitions dropped"),
        "{}",
        r.detail
    );
    assert_eq!(partitions(&db).await, 3);
    assert!(after * 10 <= before * 4, "{before} → {after}");
    assert_eq!(r.points_dropped, 7 * 24 * 6 * 3 * 3);
    // A second node still caching a dropped day writes into it again (partition re-created).
    let other = PgTsdb::connect(&db.url, 2).await.expect("node");
    other
        .write(&[batch(1, START + 8 * DAY, 1.0)])
        .await
        .expect("warm cache");
    db.enforce_retention(
        &[RetentionRule {
            owner: None,
            key_prefix: None,
            keep_ms: 1,
        }],
        START + 20 * DAY,
    )
    .await
    .expect("drop all");
    assert_eq!(partitions(&db).await, 0);
    other
        .write(&[batch(1, START + 8 * DAY, 2.0)])
        .await
        .expect("write after drop");
    assert_eq!(
        other
            .range(&SeriesKey::new(1, "kwh"), 0, i64::MAX)
            .await
            .expect("range")
            .points
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packing_closed_days_keeps_every_point_and_shrinks_storage() {
    let db = TestSchema::create(4).await.expect("schema");
    // 3 devices × 2 days at 10 s, meter-like values; plus today's points, which stay narrow.
    let batches: Vec<Batch> = (0..2 * 8640 * 3u64)
        .map(|i| {
            batch(
                i % 3,
                START + (i / 3) as i64 * 10_000,
                1000.0 + (i / 3) as f64 * 0.01,
            )
        })
        .collect();
    for g in batches.chunks(1000) {
        db.write(g).await.expect("write");
    }
    let now = START + 2 * DAY + 3_600_000;
    db.write(&[batch(0, now - 1000, 5.0)]).await.expect("today");
    let series = SeriesKey::new(0, "kwh");
    let before_points = db.range(&series, 0, i64::MAX).await.expect("range").points;
    let narrow = points_table_bytes(db.pool()).await.expect("bytes");
    let report = db.pack_closed_days(now).await.expect("pack");
    assert_eq!((report.days, report.rows), (2, 2 * 8640 * 3 * 3));
    let after_points = db.range(&series, 0, i64::MAX).await.expect("range").points;
    assert_eq!(before_points, after_points);
    let packed = packed_table_bytes(db.pool()).await.expect("bytes");
    let still_narrow = points_table_bytes(db.pool()).await.expect("bytes");
    println!(
        "{} points: narrow {narrow} bytes → packed {packed} bytes ({:.2} bytes/point) + today's partition {still_narrow}",
        report.rows,
        packed as f64 / report.rows as f64
    );
    assert!(packed * 10 < narrow, "{narrow} → {packed}");
    let partitions: i64 = sqlx::query_scalar("SELECT count(*) FROM ts_partitions")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(partitions, 1, "today's partition stays");
    // Packing again is a no-op; aggregates over packed days match.
    assert_eq!(db.pack_closed_days(now).await.expect("pack").days, 0);
    let agg = db
        .aggregate(&series, START, START + DAY, 3_600_000)
        .await
        .expect("aggregate");
    assert_eq!(agg.buckets.len(), 24);
    assert!(agg.buckets.iter().all(|b| b.count == 360));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packing_while_another_node_writes_into_the_same_day_loses_nothing() {
    let db = TestSchema::create(4).await.expect("schema");
    let other = std::sync::Arc::new(PgTsdb::connect(&db.url, 4).await.expect("node 2"));
    let first: Vec<Batch> = (0..600u64)
        .map(|i| batch(1, START + i as i64 * 1000, i as f64))
        .collect();
    db.write(&first).await.expect("write");
    let writer = {
        let other = other.clone();
        tokio::spawn(async move {
            // Late points of the same day (odd half-seconds) while node 1 packs it.
            for i in 0..300u64 {
                other
                    .write(&[batch(1, START + i as i64 * 1000 + 500, -(i as f64))])
                    .await
                    .expect("late write");
            }
        })
    };
    let mut packs = 0;
    while !writer.is_finished() {
        packs += db
            .pack_closed_days(START + 5 * DAY)
            .await
            .expect("pack")
            .days;
    }
    writer.await.expect("writer");
    db.pack_closed_days(START + 5 * DAY)
        .await
        .expect("final pack");
    println!("{packs} packs ran while the other node wrote");
    assert!(packs >= 1);
    let got = other
        .range(&SeriesKey::new(1, "kwh"), 0, i64::MAX)
        .await
        .expect("range")
        .points;
    assert_eq!(got.len(), 900);
    assert!(got.windows(2).all(|w| w[0].0 < w[1].0));
    let narrow: i64 = sqlx::query_scalar("SELECT count(*) FROM ts_partitions")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(narrow, 0, "everything packed at the end");
}
