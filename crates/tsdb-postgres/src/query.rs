//! Queries: raw range, aggregates per interval computed by the server, latest.

use shangyun_tsdb_api::{
    AggregateResult, Bucket, DeviceId, LatestValue, RangeResult, SeriesKey, Value,
};
use sqlx::Row;

use crate::error::PgTsdbError;
use crate::values::from_columns;
use crate::{PgTsdb, series_name};

/// The id of a series, `None` if it was never written.
pub(crate) async fn series_id(db: &PgTsdb, series: &SeriesKey) -> Result<Option<i32>, PgTsdbError> {
    let name = series_name(&series.device, &series.key);
    if let Some((id, _)) = db.caches.lock().series.get(&name) {
        return Ok(Some(*id));
    }
    let id: Option<i32> = sqlx::query_scalar(
        "SELECT id FROM ts_series WHERE device_is_num = $1 AND device = $2 AND key = $3",
    )
    .bind(name.0)
    .bind(&name.1)
    .bind(&name.2)
    .fetch_optional(&db.pool)
    .await?;
    Ok(id)
}

fn value(
    row: &sqlx::postgres::PgRow,
    series_id: i32,
    ts: i64,
    prefix: &str,
) -> Result<Value, PgTsdbError> {
    let col = |c: &str| format!("{prefix}{c}");
    from_columns(
        row.try_get(col("f").as_str())?,
        row.try_get(col("i").as_str())?,
        row.try_get(col("b").as_str())?,
        row.try_get(col("s").as_str())?,
    )
    .ok_or(PgTsdbError::Corrupt { series_id, ts })
}

pub(crate) async fn range(
    db: &PgTsdb,
    series: &SeriesKey,
    start: i64,
    end: i64,
) -> Result<RangeResult, PgTsdbError> {
    let Some(id) = series_id(db, series).await? else {
        return Ok(RangeResult::default());
    };
    // Narrow rows first, packed blocks second: a pack committing between the two statements
    // moves points from the first tier to the second, so they are seen twice (folded below),
    // never missed.
    let rows = sqlx::query(
        "SELECT ts, f, i, b, s FROM ts_points WHERE series_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .fetch_all(&db.pool)
    .await?;
    let (mut points, corrupt_blocks) = crate::pack::packed_range(db, id, start, end).await?;
    let packed = points.len();
    points.reserve(rows.len());
    for r in &rows {
        let ts: i64 = r.try_get("ts")?;
        points.push((ts, value(r, id, ts, "")?));
    }
    if packed > 0 {
        // Packed points first, narrow rows (later writes) after: a stable sort keeps that
        // order among equal timestamps, and the last of each run wins.
        points.sort_by_key(|(t, _)| *t);
        let mut out: Vec<(i64, Value)> = Vec::with_capacity(points.len());
        for p in points {
            match out.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => out.push(p),
            }
        }
        points = out;
    }
    Ok(RangeResult {
        points,
        corrupt_blocks,
    })
}

/// Buckets are grouped by the server; first and last come from two index lookups per bucket.
const AGGREGATE: &str = "
WITH b AS (
    SELECT (ts / $4) * $4 AS start,
           count(*) AS count,
           count(coalesce(f, i::float8)) AS numeric_count,
           min(coalesce(f, i::float8)) AS min,
           max(coalesce(f, i::float8)) AS max,
           sum(coalesce(f, i::float8)) AS sum,
           min(ts) AS first_ts,
           max(ts) AS last_ts
    FROM ts_points
    WHERE series_id = $1 AND ts >= $2 AND ts < $3
    GROUP BY 1
)
SELECT b.*,
       fp.f AS first_f, fp.i AS first_i, fp.b AS first_b, fp.s AS first_s,
       lp.f AS last_f, lp.i AS last_i, lp.b AS last_b, lp.s AS last_s
FROM b
JOIN ts_points fp ON fp.series_id = $1 AND fp.ts = b.first_ts
JOIN ts_points lp ON lp.series_id = $1 AND lp.ts = b.last_ts
ORDER BY b.start";

pub(crate) async fn aggregate(
    db: &PgTsdb,
    series: &SeriesKey,
    start: i64,
    end: i64,
    interval_ms: i64,
) -> Result<AggregateResult, PgTsdbError> {
    if interval_ms < 1 {
        return Err(PgTsdbError::Interval(interval_ms));
    }
    let Some(id) = series_id(db, series).await? else {
        return Ok(AggregateResult::default());
    };
    let packed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM ts_packed WHERE series_id = $1 AND ts_min < $3 AND ts_max >= $2)",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .fetch_one(&db.pool)
    .await?;
    if packed {
        // Packed days decode here; the buckets are computed the embedded store's way.
        let r = range(db, series, start, end).await?;
        return Ok(AggregateResult {
            buckets: buckets_of(r.points, interval_ms),
            corrupt_blocks: r.corrupt_blocks,
        });
    }
    // Timestamps are ≥ 0 (validated), so integer division floors like the embedded store's.
    let rows = sqlx::query(AGGREGATE)
        .bind(id)
        .bind(start)
        .bind(end)
        .bind(interval_ms)
        .fetch_all(&db.pool)
        .await?;
    let mut buckets = Vec::with_capacity(rows.len());
    for r in &rows {
        let count: i64 = r.try_get("count")?;
        let numeric_count: i64 = r.try_get("numeric_count")?;
        let sum: Option<f64> = r.try_get("sum")?;
        let first_ts: i64 = r.try_get("first_ts")?;
        let last_ts: i64 = r.try_get("last_ts")?;
        buckets.push(Bucket {
            start: r.try_get("start")?,
            count: u64::try_from(count).unwrap_or(0),
            numeric_count: u64::try_from(numeric_count).unwrap_or(0),
            min: r.try_get("min")?,
            max: r.try_get("max")?,
            sum,
            avg: sum.map(|s| s / numeric_count as f64),
            first: (first_ts, value(r, id, first_ts, "first_")?),
            last: (last_ts, value(r, id, last_ts, "last_")?),
        });
    }
    Ok(AggregateResult {
        buckets,
        corrupt_blocks: 0,
    })
}

/// Buckets of sorted, unique points (the embedded store's rules: every point counted,
/// numbers summed, epoch-aligned starts, empty buckets omitted).
fn buckets_of(points: Vec<(i64, Value)>, interval_ms: i64) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = Vec::new();
    for (ts, v) in points {
        let start = ts.div_euclid(interval_ms) * interval_ms;
        if buckets.last().is_none_or(|b| b.start != start) {
            buckets.push(Bucket {
                start,
                count: 0,
                numeric_count: 0,
                min: None,
                max: None,
                sum: None,
                avg: None,
                first: (ts, v.clone()),
                last: (ts, v.clone()),
            });
        }
        let Some(b) = buckets.last_mut() else {
            continue;
        };
        b.count += 1;
        if let Some(x) = v.as_f64() {
            b.numeric_count += 1;
            b.min = Some(b.min.map_or(x, |m| m.min(x)));
            b.max = Some(b.max.map_or(x, |m| m.max(x)));
            b.sum = Some(b.sum.unwrap_or(0.0) + x);
        }
        b.last = (ts, v);
    }
    for b in &mut buckets {
        b.avg = b.sum.map(|s| s / b.numeric_count as f64);
    }
    buckets
}

pub(crate) async fn latest(
    db: &PgTsdb,
    device: &DeviceId,
) -> Result<Vec<LatestValue>, PgTsdbError> {
    let (is_num, device, _) = series_name(device, "");
    let rows = sqlx::query(
        "SELECT s.key, l.series_id, l.ts, l.f, l.i, l.b, l.s
         FROM ts_latest l JOIN ts_series s ON s.id = l.series_id
         WHERE s.device_is_num = $1 AND s.device = $2",
    )
    .bind(is_num)
    .bind(&device)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let ts: i64 = r.try_get("ts")?;
        let id: i32 = r.try_get("series_id")?;
        out.push(LatestValue {
            key: r.try_get("key")?,
            ts,
            value: value(r, id, ts, "")?,
        });
    }
    // Byte order, as the embedded store's BTreeMap gives (not the database's collation).
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

pub(crate) async fn latest_value(
    db: &PgTsdb,
    series: &SeriesKey,
) -> Result<Option<(i64, Value)>, PgTsdbError> {
    let Some(id) = series_id(db, series).await? else {
        return Ok(None);
    };
    let row = sqlx::query("SELECT ts, f, i, b, s FROM ts_latest WHERE series_id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let ts: i64 = r.try_get("ts")?;
            Ok(Some((ts, value(&r, id, ts, "")?)))
        }
    }
}
