//! The conformance suite: every case takes a fresh, empty store and panics on a difference
//! from the shared semantics. Run it with [`conformance_suite!`](crate::conformance_suite),
//! which makes one `#[tokio::test]` per case:
//!
//! ```ignore
//! mod embedded {
//!     shangyun_tsdb_api::conformance_suite!(fresh_store().await); // anything that derefs to the store
//! }
//! ```

use crate::{Batch, DeviceId, Owner, Point, RetentionRule, SeriesKey, TelemetryStore, Value};

/// Every case, in the order the macro runs them.
pub const CASES: &[&str] = &[
    "range_is_sorted_half_open_and_last_write_wins",
    "redelivery_is_stored_once",
    "concurrent_writers_of_the_same_points_store_them_once",
    "value_kinds_round_trip",
    "series_are_isolated",
    "aggregates_per_interval",
    "latest_keeps_the_newest_timestamp",
    "refused_batches_store_nothing",
    "retention_by_owner_and_key_prefix",
    "late_and_corrected_points_after_a_flush",
];

/// Makes one `#[tokio::test]` per conformance case; `$make` is evaluated in each test and
/// must give something that dereferences to a fresh, empty store (and cleans up on drop).
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            range_is_sorted_half_open_and_last_write_wins,
            redelivery_is_stored_once,
            concurrent_writers_of_the_same_points_store_them_once,
            value_kinds_round_trip,
            series_are_isolated,
            aggregates_per_interval,
            latest_keeps_the_newest_timestamp,
            refused_batches_store_nothing,
            retention_by_owner_and_key_prefix,
            late_and_corrected_points_after_a_flush
        );
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let guard = $make;
                $crate::conformance::$case(&*guard).await;
            }
        )*
    };
}

/// A fresh embedded store in a temporary directory (removed on drop), for running the suite.
pub struct EmbeddedFixture {
    db: shangyun_tsdb::Tsdb,
    _dir: tempfile::TempDir,
}

impl EmbeddedFixture {
    /// Opens an empty store in a new temporary directory.
    pub fn new() -> EmbeddedFixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let (db, _) = shangyun_tsdb::Tsdb::open(dir.path(), shangyun_tsdb::Config::default())
            .expect("open embedded store");
        EmbeddedFixture { db, _dir: dir }
    }
}

impl Default for EmbeddedFixture {
    fn default() -> Self {
        Self::new()
    }
}

impl std::ops::Deref for EmbeddedFixture {
    type Target = shangyun_tsdb::Tsdb;
    fn deref(&self) -> &shangyun_tsdb::Tsdb {
        &self.db
    }
}

/// 2025-12-01T00:00:00Z.
pub const START: i64 = 1_764_547_200_000;
const DAY: i64 = 86_400_000;

fn owner(id: &str) -> Owner {
    Owner::new(id).expect("owner id")
}

fn batch(owner_id: &str, device: impl Into<DeviceId>, points: Vec<Point>) -> Batch {
    Batch {
        owner: owner(owner_id),
        device: device.into(),
        points,
    }
}

async fn write<S: TelemetryStore>(s: &S, batches: &[Batch]) {
    s.write(batches).await.expect("write");
}

async fn all<S: TelemetryStore>(
    s: &S,
    device: impl Into<DeviceId>,
    key: &str,
) -> Vec<(i64, Value)> {
    s.range(&SeriesKey::new(device, key), 0, i64::MAX)
        .await
        .expect("range")
        .points
}

/// Out-of-order points come back sorted; `end` is excluded; a later write of a timestamp
/// replaces the earlier one, and within one batch the later point wins.
pub async fn range_is_sorted_half_open_and_last_write_wins<S: TelemetryStore>(s: &S) {
    let t = START;
    write(
        s,
        &[batch(
            "E1",
            1,
            vec![
                Point::new("kwh", t + 3000, 3.0),
                Point::new("kwh", t + 1000, 1.0),
                Point::new("kwh", t + 2000, 2.0),
                Point::new("kwh", t + 2000, 2.5),
            ],
        )],
    )
    .await;
    write(
        s,
        &[batch(
            "E1",
            1,
            vec![Point::new("kwh", t + 1000, 1.5), Point::new("kwh", t, 0.5)],
        )],
    )
    .await;
    let got = s
        .range(&SeriesKey::new(1, "kwh"), t, t + 3000)
        .await
        .expect("range")
        .points;
    assert_eq!(
        got,
        vec![
            (t, Value::F64(0.5)),
            (t + 1000, Value::F64(1.5)),
            (t + 2000, Value::F64(2.5))
        ]
    );
    assert_eq!(all(s, 1, "kwh").await.len(), 4);
    assert!(
        s.range(&SeriesKey::new(1, "kwh"), t + 5000, t + 6000)
            .await
            .expect("range")
            .points
            .is_empty()
    );
}

/// The same batch delivered twice (a broker redelivery) is stored once.
pub async fn redelivery_is_stored_once<S: TelemetryStore>(s: &S) {
    let b = batch(
        "E1",
        7,
        (0..100)
            .map(|i| Point::new("p", START + i * 1000, i as f64))
            .collect(),
    );
    write(s, std::slice::from_ref(&b)).await;
    write(s, std::slice::from_ref(&b)).await;
    write(s, &[b.clone(), b]).await;
    assert_eq!(all(s, 7, "p").await.len(), 100);
    let agg = s
        .aggregate(&SeriesKey::new(7, "p"), 0, i64::MAX, 1_000_000_000)
        .await
        .expect("aggregate");
    assert_eq!(agg.buckets.iter().map(|b| b.count).sum::<u64>(), 100);
}

/// Two writers (two ingest nodes) writing the same points at once: each stored once.
pub async fn concurrent_writers_of_the_same_points_store_them_once<S: TelemetryStore>(s: &S) {
    let batches: Vec<Batch> = (0..50)
        .map(|i| {
            batch(
                "E1",
                3,
                vec![
                    Point::new("a", START + i * 10, i as f64),
                    Point::new("b", START + i * 10, true),
                ],
            )
        })
        .collect();
    let one = async {
        for b in &batches {
            s.write(std::slice::from_ref(b)).await.expect("writer 1");
        }
    };
    let two = async {
        for b in batches.iter().rev() {
            s.write(std::slice::from_ref(b)).await.expect("writer 2");
        }
    };
    futures_join(one, two).await;
    assert_eq!(all(s, 3, "a").await.len(), 50);
    assert_eq!(all(s, 3, "b").await.len(), 50);
}

async fn futures_join<A: std::future::Future<Output = ()>, B: std::future::Future<Output = ()>>(
    a: A,
    b: B,
) {
    // A tiny join without a futures dependency: poll both until both are done.
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    let (mut a_done, mut b_done) = (false, false);
    std::future::poll_fn(|cx| {
        if !a_done {
            a_done = a.as_mut().poll(cx).is_ready();
        }
        if !b_done {
            b_done = b.as_mut().poll(cx).is_ready();
        }
        if a_done && b_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}

/// Floats, integers (kept as integers), booleans and text come back as written.
pub async fn value_kinds_round_trip<S: TelemetryStore>(s: &S) {
    let t = START;
    let values = vec![
        Value::F64(21.5),
        Value::I64(-9_007_199_254_740_993),
        Value::Bool(false),
        Value::Str("正常 running".to_owned()),
        Value::F64(1e-300),
        Value::I64(0),
    ];
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| Point {
            key: "v".into(),
            ts: t + i as i64,
            value: v.clone(),
        })
        .collect();
    write(s, &[batch("E1", "网关-子设备-1", points)]).await;
    let got = all(s, "网关-子设备-1", "v").await;
    assert_eq!(got.len(), values.len());
    for ((_, g), w) in got.iter().zip(&values) {
        assert!(g.same_bits(w), "{g:?} != {w:?}");
    }
}

/// Device ids by number and by name are different devices; keys are separate series.
pub async fn series_are_isolated<S: TelemetryStore>(s: &S) {
    write(
        s,
        &[
            batch("E1", 1, vec![Point::new("k", START, 1.0)]),
            batch("E1", "1", vec![Point::new("k", START, 2.0)]),
            batch(
                "E2",
                2,
                vec![Point::new("k", START, 3.0), Point::new("k2", START, 4.0)],
            ),
        ],
    )
    .await;
    assert_eq!(all(s, 1, "k").await, vec![(START, Value::F64(1.0))]);
    assert_eq!(all(s, "1", "k").await, vec![(START, Value::F64(2.0))]);
    assert_eq!(all(s, 2, "k2").await, vec![(START, Value::F64(4.0))]);
    assert!(all(s, 3, "k").await.is_empty());
    assert!(all(s, 1, "k2").await.is_empty());
}

/// count / numeric_count / min / max / sum / avg / first / last per epoch-aligned interval;
/// empty intervals omitted; booleans and text counted but not summed; interval 0 refused.
pub async fn aggregates_per_interval<S: TelemetryStore>(s: &S) {
    let t = START; // a multiple of 60 s
    let mut points: Vec<Point> = (0..120)
        .map(|i| Point::new("x", t + i * 1000, i as f64))
        .collect();
    points.push(Point::new("x", t + 300_000, 7_i64));
    points.push(Point::new("x", t + 301_000, true));
    points.push(Point::new("x", t + 302_000, "on"));
    write(s, &[batch("E1", 5, points)]).await;
    let series = SeriesKey::new(5, "x");
    let agg = s
        .aggregate(&series, t, t + 600_000, 60_000)
        .await
        .expect("aggregate");
    assert_eq!(agg.buckets.len(), 3);
    let b1 = &agg.buckets[1];
    assert_eq!((b1.start, b1.count, b1.numeric_count), (t + 60_000, 60, 60));
    assert_eq!(
        (b1.min, b1.max, b1.sum, b1.avg),
        (Some(60.0), Some(119.0), Some(5370.0), Some(89.5))
    );
    assert_eq!(b1.first, (t + 60_000, Value::F64(60.0)));
    assert_eq!(b1.last, (t + 119_000, Value::F64(119.0)));
    let b2 = &agg.buckets[2];
    assert_eq!((b2.start, b2.count, b2.numeric_count), (t + 300_000, 3, 1));
    assert_eq!((b2.min, b2.sum, b2.avg), (Some(7.0), Some(7.0), Some(7.0)));
    assert_eq!(b2.first, (t + 300_000, Value::I64(7)));
    assert_eq!(b2.last, (t + 302_000, Value::Str("on".into())));
    // A bucket of only text has no numeric aggregates.
    let only_text = s
        .aggregate(&series, t + 302_000, t + 303_000, 1000)
        .await
        .expect("aggregate");
    assert_eq!(only_text.buckets.len(), 1);
    assert_eq!(
        (
            only_text.buckets[0].min,
            only_text.buckets[0].sum,
            only_text.buckets[0].avg
        ),
        (None, None, None)
    );
    // Range bounds cut buckets: [t + 30 s, t + 90 s) per 60 s.
    let cut = s
        .aggregate(&series, t + 30_000, t + 90_000, 60_000)
        .await
        .expect("aggregate");
    assert_eq!(
        cut.buckets
            .iter()
            .map(|b| (b.start, b.count))
            .collect::<Vec<_>>(),
        vec![(t, 30), (t + 60_000, 30)]
    );
    assert!(s.aggregate(&series, t, t + 1, 0).await.is_err());
    assert!(
        s.aggregate(&SeriesKey::new(99, "x"), t, t + 1000, 10)
            .await
            .expect("aggregate")
            .buckets
            .is_empty()
    );
}

/// The latest table keeps the newest timestamp; a late older point does not replace it; a
/// later write of the same timestamp does.
pub async fn latest_keeps_the_newest_timestamp<S: TelemetryStore>(s: &S) {
    write(
        s,
        &[batch(
            "E1",
            9,
            vec![
                Point::new("t", START + 5000, 5.0),
                Point::new("a", START, 1.0),
                Point::new("B", START, 2.0),
            ],
        )],
    )
    .await;
    write(
        s,
        &[batch("E1", 9, vec![Point::new("t", START + 1000, 1.0)])],
    )
    .await;
    assert_eq!(
        s.latest_value(&SeriesKey::new(9, "t"))
            .await
            .expect("latest"),
        Some((START + 5000, Value::F64(5.0)))
    );
    write(
        s,
        &[batch("E1", 9, vec![Point::new("t", START + 5000, 6.0)])],
    )
    .await;
    assert_eq!(
        s.latest_value(&SeriesKey::new(9, "t"))
            .await
            .expect("latest"),
        Some((START + 5000, Value::F64(6.0)))
    );
    let latest = s.latest(&DeviceId::Num(9)).await.expect("latest");
    let keys: Vec<&str> = latest.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, vec!["B", "a", "t"]); // byte order
    assert!(
        s.latest(&DeviceId::Num(10))
            .await
            .expect("latest")
            .is_empty()
    );
    assert_eq!(
        s.latest_value(&SeriesKey::new(10, "t"))
            .await
            .expect("latest"),
        None
    );
}

/// A batch failing validation (NaN, empty key) is refused and nothing of the write is stored.
pub async fn refused_batches_store_nothing<S: TelemetryStore>(s: &S) {
    let good = batch("E1", 4, vec![Point::new("ok", START, 1.0)]);
    let bad = batch("E1", 4, vec![Point::new("ok", START + 1, f64::NAN)]);
    assert!(s.write(&[good.clone(), bad]).await.is_err());
    assert!(
        s.write(&[batch("E1", 4, vec![Point::new("", START, 1.0)])])
            .await
            .is_err()
    );
    assert!(all(s, 4, "ok").await.is_empty());
    write(s, &[good]).await;
    assert_eq!(all(s, 4, "ok").await.len(), 1);
}

/// Owner-wide and key-prefix rules delete whole expired UTC days, the most specific rule
/// wins, other owners and keys stay, the latest table stays, and a second run drops nothing.
pub async fn retention_by_owner_and_key_prefix<S: TelemetryStore>(s: &S) {
    let mut batches = Vec::new();
    for (owner_id, device) in [("ENT-A", 1u64), ("ENT-B", 101)] {
        for day in 0..10 {
            let points = (0..24)
                .flat_map(|h| {
                    let ts = START + day * DAY + h * 3_600_000;
                    [
                        Point::new("energy_kwh", ts, (day * 24 + h) as f64),
                        Point::new("temperature", ts, 20.0),
                    ]
                })
                .collect();
            batches.push(batch(owner_id, device, points));
        }
    }
    write(s, &batches).await;
    s.flush().await.expect("flush");
    let now = START + 10 * DAY;
    let rules = vec![
        RetentionRule {
            owner: Some(owner("ENT-A")),
            key_prefix: None,
            keep_ms: 3 * DAY,
        },
        RetentionRule {
            owner: None,
            key_prefix: Some("temp".into()),
            keep_ms: DAY,
        },
    ];
    let r = s.enforce_retention(&rules, now).await.expect("retention");
    // A: 7 days × 24 h × 2 keys; B: temperature of 9 days × 24 h.
    assert_eq!(r.points_dropped, 7 * 24 * 2 + 9 * 24, "{r:?}");
    assert_eq!(all(s, 1, "energy_kwh").await.len(), 3 * 24);
    assert_eq!(all(s, 1, "temperature").await.len(), 3 * 24);
    assert_eq!(all(s, 101, "energy_kwh").await.len(), 10 * 24);
    assert_eq!(all(s, 101, "temperature").await.len(), 24);
    assert_eq!(all(s, 1, "energy_kwh").await[0].0, START + 7 * DAY);
    assert!(
        s.latest_value(&SeriesKey::new(1, "energy_kwh"))
            .await
            .expect("latest")
            .is_some()
    );
    let again = s.enforce_retention(&rules, now).await.expect("retention");
    assert_eq!(again.points_dropped, 0);
}

/// Points flushed (persisted / packed), then a correction of one of them, a late point in the
/// same day and a redelivery: queries merge both tiers with the later write winning, before
/// and after a second flush.
pub async fn late_and_corrected_points_after_a_flush<S: TelemetryStore>(s: &S) {
    let series = SeriesKey::new(8, "kwh");
    let points: Vec<Point> = (0..1000)
        .map(|i| Point::new("kwh", START + i * 60_000, i as f64 * 0.25))
        .collect();
    write(s, &[batch("E1", 8, points.clone())]).await;
    s.flush().await.expect("flush");
    write(
        s,
        &[batch(
            "E1",
            8,
            vec![
                Point::new("kwh", START + 60_000, 99.5), // correction
                Point::new("kwh", START + 30_000, 7.0),  // late, between two flushed points
                points[500].clone(),                     // redelivery
            ],
        )],
    )
    .await;
    for round in 0..2 {
        let got = s.range(&series, 0, i64::MAX).await.expect("range").points;
        assert_eq!(got.len(), 1001, "round {round}");
        assert_eq!(got[1], (START + 30_000, Value::F64(7.0)), "round {round}");
        assert_eq!(got[2], (START + 60_000, Value::F64(99.5)), "round {round}");
        assert_eq!(
            got[501],
            (START + 500 * 60_000, Value::F64(125.0)),
            "round {round}"
        );
        let agg = s
            .aggregate(&series, START, START + 120_000, 60_000)
            .await
            .expect("aggregate");
        assert_eq!(agg.buckets.len(), 2, "round {round}");
        assert_eq!(
            (
                agg.buckets[0].count,
                agg.buckets[0].sum,
                agg.buckets[0].last.1.clone()
            ),
            (2, Some(7.0), Value::F64(7.0))
        );
        assert_eq!((agg.buckets[1].count, agg.buckets[1].max), (1, Some(99.5)));
        let total = s
            .aggregate(&series, 0, i64::MAX, 1_000_000_000)
            .await
            .expect("aggregate");
        assert_eq!(total.buckets.iter().map(|b| b.count).sum::<u64>(), 1001);
        assert_eq!(
            s.latest_value(&series).await.expect("latest"),
            Some((START + 999 * 60_000, Value::F64(249.75)))
        );
        s.flush().await.expect("flush");
    }
}
