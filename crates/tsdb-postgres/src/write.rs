//! The write path: validate → last write wins within the call → series ids → partitions →
//! one transaction upserting points and the latest table.

use std::collections::{BTreeMap, HashMap};

use shangyun_tsdb::partition::day_of;
use shangyun_tsdb_api::{Batch, Value};

use crate::error::PgTsdbError;
use crate::values::Columns;
use crate::{PgTsdb, SeriesName, schema, series_name};

const UPSERT_POINTS: &str = "
INSERT INTO ts_points (series_id, ts, f, i, b, s)
SELECT * FROM UNNEST($1::int4[], $2::int8[], $3::float8[], $4::int8[], $5::bool[], $6::text[])
ON CONFLICT (series_id, ts) DO UPDATE
    SET f = EXCLUDED.f, i = EXCLUDED.i, b = EXCLUDED.b, s = EXCLUDED.s
    WHERE (ts_points.f, ts_points.i, ts_points.b, ts_points.s)
          IS DISTINCT FROM (EXCLUDED.f, EXCLUDED.i, EXCLUDED.b, EXCLUDED.s)";

const UPSERT_LATEST: &str = "
INSERT INTO ts_latest (series_id, ts, f, i, b, s)
SELECT * FROM UNNEST($1::int4[], $2::int8[], $3::float8[], $4::int8[], $5::bool[], $6::text[])
ON CONFLICT (series_id) DO UPDATE
    SET ts = EXCLUDED.ts, f = EXCLUDED.f, i = EXCLUDED.i, b = EXCLUDED.b, s = EXCLUDED.s
    WHERE EXCLUDED.ts > ts_latest.ts
       OR (EXCLUDED.ts = ts_latest.ts
           AND (ts_latest.f, ts_latest.i, ts_latest.b, ts_latest.s)
               IS DISTINCT FROM (EXCLUDED.f, EXCLUDED.i, EXCLUDED.b, EXCLUDED.s))";

const ATTEMPTS: usize = 8;

pub(crate) async fn write(db: &PgTsdb, batches: &[Batch]) -> Result<(), PgTsdbError> {
    if batches.is_empty() {
        return Err(shangyun_tsdb::ValidationError::Empty.into());
    }
    for b in batches {
        shangyun_tsdb::validate(b)?;
    }
    // Last write wins inside the call: a later batch, or a later point of a batch, replaces.
    let mut owners: BTreeMap<SeriesName, String> = BTreeMap::new();
    let mut points: BTreeMap<(SeriesName, i64), &Value> = BTreeMap::new();
    for b in batches {
        for p in &b.points {
            let name = series_name(&b.device, &p.key);
            owners.insert(name.clone(), b.owner.as_str().to_owned());
            points.insert((name, p.ts), &p.value);
        }
    }
    let mut attempt = 0;
    loop {
        match try_write(db, &owners, &points).await {
            Ok(()) => return Ok(()),
            Err(e) if e.retryable() && attempt + 1 < ATTEMPTS => {
                // A missing partition (another node's retention dropped it) or a stale series
                // cache: forget what we believed and try again.
                db.caches.lock().days.clear();
                tokio::time::sleep(std::time::Duration::from_millis(5 << attempt.min(6))).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn try_write(
    db: &PgTsdb,
    owners: &BTreeMap<SeriesName, String>,
    points: &BTreeMap<(SeriesName, i64), &Value>,
) -> Result<(), PgTsdbError> {
    let ids = resolve_series(db, owners).await?;
    let days: Vec<i64> = {
        let c = db.caches.lock();
        let mut d: Vec<i64> = points
            .keys()
            .map(|(_, ts)| day_of(*ts))
            .filter(|d| !c.days.contains(d))
            .collect();
        d.sort_unstable();
        d.dedup();
        d
    };
    if !days.is_empty() {
        schema::ensure_partitions(&db.pool, &days).await?;
        db.caches.lock().days.extend(days);
    }
    // Rows sorted by (series id, ts): concurrent writers take row locks in the same order.
    let mut rows: Vec<(i32, i64, &Value)> = points
        .iter()
        .map(|((name, ts), v)| {
            ids.get(name)
                .map(|id| (*id, *ts, *v))
                .ok_or(PgTsdbError::Db(sqlx::Error::RowNotFound))
        })
        .collect::<Result<_, _>>()?;
    rows.sort_by_key(|(id, ts, _)| (*id, *ts));
    let mut cols = Columns::default();
    let mut latest = Columns::default();
    for (n, (id, ts, v)) in rows.iter().enumerate() {
        cols.push(*id, *ts, v);
        // The newest point of each series: the last row of its run.
        if rows.get(n + 1).is_none_or(|next| next.0 != *id) {
            latest.push(*id, *ts, v);
        }
    }
    let mut tx = db.pool.begin().await?;
    bind_columns(sqlx::query(UPSERT_POINTS), cols)
        .execute(&mut *tx)
        .await?;
    bind_columns(sqlx::query(UPSERT_LATEST), latest)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

fn bind_columns(
    q: sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments>,
    c: Columns,
) -> sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments> {
    debug_assert_eq!(c.series.len(), c.len());
    q.bind(c.series)
        .bind(c.ts)
        .bind(c.f)
        .bind(c.i)
        .bind(c.b)
        .bind(c.s)
}

/// Series ids for `owners`' series, creating missing series and moving a series to a new
/// owner when a batch names one.
async fn resolve_series(
    db: &PgTsdb,
    owners: &BTreeMap<SeriesName, String>,
) -> Result<HashMap<SeriesName, i32>, PgTsdbError> {
    let mut ids = HashMap::with_capacity(owners.len());
    let mut missing: Vec<(&SeriesName, &String)> = Vec::new();
    {
        let c = db.caches.lock();
        for (name, owner) in owners {
            match c.series.get(name) {
                Some((id, o)) if o == owner => {
                    ids.insert(name.clone(), *id);
                }
                _ => missing.push((name, owner)),
            }
        }
    }
    if missing.is_empty() {
        return Ok(ids);
    }
    let owner_col: Vec<&str> = missing.iter().map(|(_, o)| o.as_str()).collect();
    let is_num: Vec<bool> = missing.iter().map(|(n, _)| n.0).collect();
    let device: Vec<&str> = missing.iter().map(|(n, _)| n.1.as_str()).collect();
    let key: Vec<&str> = missing.iter().map(|(n, _)| n.2.as_str()).collect();
    sqlx::query(
        "INSERT INTO ts_series (owner, device_is_num, device, key)
         SELECT * FROM UNNEST($1::text[], $2::bool[], $3::text[], $4::text[])
         ON CONFLICT (device_is_num, device, key) DO UPDATE SET owner = EXCLUDED.owner
             WHERE ts_series.owner <> EXCLUDED.owner",
    )
    .bind(&owner_col)
    .bind(&is_num)
    .bind(&device)
    .bind(&key)
    .execute(&db.pool)
    .await?;
    let rows: Vec<(i32, bool, String, String, String)> = sqlx::query_as(
        "SELECT s.id, s.device_is_num, s.device, s.key, s.owner FROM ts_series s
         JOIN UNNEST($1::bool[], $2::text[], $3::text[]) AS w(n, d, k)
           ON s.device_is_num = w.n AND s.device = w.d AND s.key = w.k",
    )
    .bind(&is_num)
    .bind(&device)
    .bind(&key)
    .fetch_all(&db.pool)
    .await?;
    let mut c = db.caches.lock();
    for (id, n, d, k, owner) in rows {
        let name = (n, d, k);
        ids.insert(name.clone(), id);
        c.series.insert(name, (id, owner));
    }
    Ok(ids)
}
