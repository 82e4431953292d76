//! Retention that frees disk. Points are partitioned by UTC day; rules expire whole days (the
//! embedded store's rule: a day goes when all of it is older than `now - keep`).
//!
//! * A day partition in which every point is expired is DROPped: its heap and index files are
//!   unlinked at commit, the disk is free at once, and nothing is left for VACUUM (the check and
//!   the drop hold the parent table's lock: point writes pause for that moment; a drop that
//!   cannot get the lock within 500 ms falls back to DELETE).
//! * Otherwise (a rule for one owner or key prefix, other series kept) the expired series'
//!   rows are DELETEd from that day and the partition is VACUUMed: the space becomes reusable
//!   by later writes at once, but PostgreSQL returns it to the operating system only for
//!   empty pages at the end of the file; the rest goes when the day itself expires for
//!   everyone and its partition is dropped. (`VACUUM FULL` would shrink it now but locks the
//!   partition while it copies; the day-partitioning keeps the amount small: one day.)
//! * Packed days (`ts_packed`, one row per block of a series and day): the expired series'
//!   rows are DELETEd (their TOAST chunks with them) and the table VACUUMed; the space is
//!   reused by the next packs.

use std::collections::HashMap;

use shangyun_tsdb::partition::DAY_MS;
use shangyun_tsdb_api::{RetentionRule, RetentionSummary};
use sqlx::AssertSqlSafe;

use crate::error::PgTsdbError;
use crate::{PgTsdb, schema};

/// The most specific matching rule: one naming the owner beats one that does not, then the
/// longer key prefix (the embedded store's order).
fn rule_for<'r>(rules: &'r [RetentionRule], owner: &str, key: &str) -> Option<&'r RetentionRule> {
    rules
        .iter()
        .filter(|r| r.owner.as_ref().is_none_or(|o| o.as_str() == owner))
        .filter(|r| r.key_prefix.as_deref().is_none_or(|p| key.starts_with(p)))
        .max_by_key(|r| {
            (
                r.owner.is_some(),
                r.key_prefix.as_deref().map_or(0, str::len),
            )
        })
}

/// Series whose points of UTC `day` are all expired (their cutoff is at or after its end).
fn expired_on(cutoffs: &HashMap<i32, i64>, day: i64) -> Vec<i32> {
    let day_end = (day + 1) * DAY_MS;
    cutoffs
        .iter()
        .filter(|(_, c)| **c >= day_end)
        .map(|(id, _)| *id)
        .collect()
}

pub(crate) async fn enforce(
    db: &PgTsdb,
    rules: &[RetentionRule],
    now_ms: i64,
) -> Result<RetentionSummary, PgTsdbError> {
    let bytes_before = schema::stored_bytes(&db.pool).await?;
    let series: Vec<(i32, String, String)> = sqlx::query_as("SELECT id, owner, key FROM ts_series")
        .fetch_all(&db.pool)
        .await?;
    // Per series: points with ts < cutoff are expired (cutoff is a UTC midnight).
    let cutoffs: HashMap<i32, i64> = series
        .iter()
        .filter_map(|(id, owner, key)| {
            rule_for(rules, owner, key).map(|r| {
                (
                    *id,
                    now_ms.saturating_sub(r.keep_ms).div_euclid(DAY_MS) * DAY_MS,
                )
            })
        })
        .collect();
    let mut points_dropped = 0u64;
    let (mut dropped, mut cleaned) = (0usize, Vec::new());
    for (day, name) in schema::partitions(&db.pool).await? {
        let expired = expired_on(&cutoffs, day);
        if expired.is_empty() {
            continue;
        }
        if let Some(n) = schema::try_drop_partition(&db.pool, day, &name, Some(&expired)).await? {
            db.caches.lock().days.remove(&day);
            points_dropped += n;
            dropped += 1;
            continue;
        }
        // Some points of the day stay: delete the expired series' rows. The partition lock
        // only (writers of other days go on); no parent lock is taken after it.
        let mut tx = db.pool.begin().await?;
        // The partition name comes from our own table of day numbers (see schema.rs).
        sqlx::raw_sql(AssertSqlSafe(format!(
            "LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE"
        )))
        .execute(&mut *tx)
        .await?;
        let n = sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {name} WHERE series_id = ANY($1)"
        )))
        .bind(&expired)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        if n > 0 {
            points_dropped += n;
            cleaned.push(name);
        }
    }
    // Packed days: rows of compressed blocks per series and day.
    let packed_days: Vec<i32> = sqlx::query_scalar("SELECT DISTINCT day FROM ts_packed ORDER BY 1")
        .fetch_all(&db.pool)
        .await?;
    let mut packed_deleted = 0u64;
    for day in packed_days {
        let expired = expired_on(&cutoffs, i64::from(day));
        if expired.is_empty() {
            continue;
        }
        let n: Option<i64> = sqlx::query_scalar(
            "WITH d AS (DELETE FROM ts_packed WHERE day = $1 AND series_id = ANY($2) RETURNING n)
             SELECT sum(n)::int8 FROM d",
        )
        .bind(day)
        .bind(&expired)
        .fetch_one(&db.pool)
        .await?;
        packed_deleted += u64::try_from(n.unwrap_or(0)).unwrap_or(0);
    }
    if packed_deleted > 0 {
        points_dropped += packed_deleted;
        cleaned.push("ts_packed".to_owned());
    }
    for name in &cleaned {
        // VACUUM cannot run in a transaction block; raw_sql on the pool runs it alone.
        sqlx::raw_sql(AssertSqlSafe(format!("VACUUM {name}")))
            .execute(&db.pool)
            .await?;
    }
    let bytes_after = schema::stored_bytes(&db.pool).await?;
    Ok(RetentionSummary {
        points_dropped,
        bytes_before,
        bytes_after,
        detail: format!(
            "{dropped} day partitions dropped (disk freed), expired rows deleted from {} tables and vacuumed (space reusable), {packed_deleted} of the points from packed blocks",
            cleaned.len()
        ),
    })
}
