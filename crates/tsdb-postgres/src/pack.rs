//! Packing closed days: a day partition of narrow rows (≈ 50–80 bytes a point) becomes rows of
//! compressed blocks in `ts_packed` (the embedded store's block encoding, well under 1–2 bytes
//! a point for meter data), and the partition is dropped.
//!
//! Per day, in two steps:
//! 1. one transaction locks the day's partition against writers of that day (other days and
//!    readers go on), reads its rows, merges them over the day's existing blocks, writes the
//!    new blocks and DELETEs the rows — atomically, so a reader sees the points in one tier or
//!    the other (queries read narrow rows first, then blocks: a pack committing in between
//!    shows points twice, which the merge folds, never zero times); then VACUUM empties the
//!    partition's file;
//! 2. the empty partition is dropped (`schema::try_drop_partition`: parent lock first, the
//!    order writers take, at most 500 ms; late points that arrived meanwhile keep it for the
//!    next run).
//!
//! A late point after packing lands in the narrow partition; queries merge it over the blocks
//! (narrow rows are the later writes and win) and the next pack folds it in. Packing is
//! idempotent and safe on several nodes (an advisory lock serialises packers).

use std::collections::BTreeMap;

use shangyun_tsdb::partition::day_of;
use shangyun_tsdb::{ChunkWriter, DeviceId, Owner, SeriesKey, Value, decode_block};
use sqlx::{AssertSqlSafe, Row};

use crate::error::PgTsdbError;
use crate::values::from_columns;
use crate::{PgTsdb, schema};

/// Most points per packed block (the embedded store's block limit).
const MAX_BLOCK_POINTS: usize = 16_384;

/// What packing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackReport {
    /// Day partitions packed and dropped.
    pub days: usize,
    /// Narrow rows packed.
    pub rows: u64,
    /// Blocks written.
    pub blocks: usize,
}

/// Packs every day partition that ends at or before the UTC midnight of `now_ms`.
pub(crate) async fn pack_closed_days(db: &PgTsdb, now_ms: i64) -> Result<PackReport, PgTsdbError> {
    let today = day_of(now_ms);
    let mut report = PackReport::default();
    for (day, name) in schema::partitions(&db.pool).await? {
        if day < today {
            let (rows, blocks) = pack_day(db, day, &name).await?;
            report.days += usize::from(rows > 0);
            report.rows += rows;
            report.blocks += blocks;
        }
    }
    Ok(report)
}

type Points = BTreeMap<i64, Value>;

async fn pack_day(db: &PgTsdb, day: i64, name: &str) -> Result<(u64, usize), PgTsdbError> {
    let mut tx = db.pool.begin().await?;
    schema::lock_packing(&mut tx).await?;
    // Still there (another node may have packed it while we waited)?
    let exists: Option<i64> = sqlx::query_scalar("SELECT day FROM ts_partitions WHERE day = $1")
        .bind(day)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok((0, 0));
    }
    // `name` comes from ts_partitions, built from a day number (schema.rs).
    sqlx::raw_sql(AssertSqlSafe(format!(
        "LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE"
    )))
    .execute(&mut *tx)
    .await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT series_id, ts, f, i, b, s FROM {name} ORDER BY series_id, ts"
    )))
    .fetch_all(&mut *tx)
    .await?;
    let mut series: BTreeMap<i32, Points> = BTreeMap::new();
    for r in &rows {
        let id: i32 = r.try_get("series_id")?;
        let ts: i64 = r.try_get("ts")?;
        let v = from_columns(
            r.try_get("f")?,
            r.try_get("i")?,
            r.try_get("b")?,
            r.try_get("s")?,
        )
        .ok_or(PgTsdbError::Corrupt { series_id: id, ts })?;
        series.entry(id).or_default().insert(ts, v);
    }
    let ids: Vec<i32> = series.keys().copied().collect();
    // Blocks already packed for these series and day (late points after an earlier pack):
    // merged under the narrow rows, which are the later writes.
    let old = sqlx::query(
        "SELECT series_id, block FROM ts_packed WHERE day = $1 AND series_id = ANY($2)",
    )
    .bind(day as i32)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    for r in &old {
        let id: i32 = r.try_get("series_id")?;
        let bytes: Vec<u8> = r.try_get("block")?;
        let block = decode_block(&bytes, 0).map_err(|_| PgTsdbError::Corrupt {
            series_id: id,
            ts: day,
        })?;
        let merged = series.entry(id).or_default();
        for (ts, v) in block.ts.into_iter().zip(block.values) {
            merged.entry(ts).or_insert(v);
        }
    }
    let keys = series_keys(&mut tx, &ids).await?;
    let mut w = ChunkWriter::new();
    let mut block_series = Vec::new();
    for (id, points) in &series {
        let Some(key) = keys.get(id) else { continue };
        let all: Vec<(i64, Value)> = points.iter().map(|(t, v)| (*t, v.clone())).collect();
        for part in all.chunks(MAX_BLOCK_POINTS) {
            let (ts, vals): (Vec<i64>, Vec<Value>) = part.iter().cloned().unzip();
            w.add_block(key, &ts, &vals);
            block_series.push(*id);
        }
    }
    let owner = Owner::new("packed").map_err(PgTsdbError::Invalid)?;
    let (bytes, index) = w.finish(&owner, day, (0, 0), &[]);
    let mut col_series = Vec::new();
    let (mut col_min, mut col_max, mut col_n, mut col_block) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (meta, id) in index.blocks.iter().zip(&block_series) {
        let start = usize::try_from(meta.offset).unwrap_or(usize::MAX);
        let Some(block) = bytes.get(start..start.saturating_add(meta.len as usize)) else {
            continue;
        };
        col_series.push(*id);
        col_min.push(meta.min_ts);
        col_max.push(meta.max_ts);
        col_n.push(meta.count as i32);
        col_block.push(block.to_vec());
    }
    sqlx::query("DELETE FROM ts_packed WHERE day = $1 AND series_id = ANY($2)")
        .bind(day as i32)
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO ts_packed (series_id, day, ts_min, ts_max, n, block)
         SELECT s, $2, mn, mx, n, b FROM UNNEST($1::int4[], $3::int8[], $4::int8[], $5::int4[], $6::bytea[]) AS u(s, mn, mx, n, b)",
    )
    .bind(&col_series)
    .bind(day as i32)
    .bind(&col_min)
    .bind(&col_max)
    .bind(&col_n)
    .bind(&col_block)
    .execute(&mut *tx)
    .await?;
    sqlx::raw_sql(AssertSqlSafe(format!("DELETE FROM {name}")))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Empty the file (VACUUM truncates a table whose pages are all dead), then drop it.
    sqlx::raw_sql(AssertSqlSafe(format!("VACUUM {name}")))
        .execute(&db.pool)
        .await?;
    if schema::try_drop_partition(&db.pool, day, name, None)
        .await?
        .is_some()
    {
        db.caches.lock().days.remove(&day);
    }
    Ok((rows.len() as u64, col_block.len()))
}

async fn series_keys(
    tx: &mut sqlx::PgConnection,
    ids: &[i32],
) -> Result<BTreeMap<i32, SeriesKey>, PgTsdbError> {
    let rows: Vec<(i32, bool, String, String)> =
        sqlx::query_as("SELECT id, device_is_num, device, key FROM ts_series WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(tx)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, is_num, device, key)| {
            let device = match (is_num, device.parse::<u64>()) {
                (true, Ok(n)) => DeviceId::Num(n),
                _ => DeviceId::Name(device),
            };
            (id, SeriesKey { device, key })
        })
        .collect())
}

/// Packed points of a series in `[start, end)`, and how many blocks failed their checksum.
pub(crate) async fn packed_range(
    db: &PgTsdb,
    series_id: i32,
    start: i64,
    end: i64,
) -> Result<(Vec<(i64, Value)>, u32), PgTsdbError> {
    let rows = sqlx::query("SELECT block FROM ts_packed WHERE series_id = $1 AND ts_min < $3 AND ts_max >= $2 ORDER BY ts_min")
        .bind(series_id)
        .bind(start)
        .bind(end)
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::new();
    let mut corrupt = 0;
    for r in &rows {
        let bytes: Vec<u8> = r.try_get("block")?;
        match decode_block(&bytes, 0) {
            Ok(b) => out.extend(
                b.ts.into_iter()
                    .zip(b.values)
                    .filter(|(t, _)| (start..end).contains(t)),
            ),
            Err(_) => corrupt += 1,
        }
    }
    Ok((out, corrupt))
}
