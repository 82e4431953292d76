//! PostgreSQL side of [`SearchSql`](crate::search::SearchSql): the statements `search.rs`
//! composes, run on this backend.

use super::{AUDIT_COLUMNS, ENTERPRISE_COLUMNS, PgBackend, audit_parts, bind_all, enterprise_from};
use crate::error::StoreResult;
use crate::filter::{Compiled, Placeholder};
use crate::listing::{LISTING_KEY_COLUMNS, ListingRow, ListingSql, listing_row_from};
use crate::records::AuditEntry;
use crate::records::ListedEnterprise;
use crate::rows;
use crate::search::{LATEST_COLUMNS, SearchSql, eligible_tiers};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sqlx::Row;
use sqlx::postgres::PgConnection;
use sqlx::postgres::PgRow;

/// [`LISTING_FROM`](crate::search::LISTING_FROM) for PostgreSQL: a plain left join lets the
/// planner merge-join the page against the whole `derived` table in USCC order (seen: 2 s for
/// 20 rows of one city at 1m firms); LATERAL makes it one index probe per listed row.
const LISTING_FROM_LATERAL: &str = "enterprises e LEFT JOIN LATERAL \
     (SELECT * FROM derived d WHERE d.uscc = e.uscc AND d.is_latest LIMIT 1) latest ON TRUE";

impl SearchSql for PgBackend {
    async fn select_tail(
        &self,
        conn: &mut PgConnection,
        tail: Compiled,
    ) -> StoreResult<Vec<ListedEnterprise>> {
        let columns: Vec<String> = ENTERPRISE_COLUMNS
            .split(',')
            .map(|c| format!("e.{}", c.trim()))
            .collect();
        let sql = format!(
            "SELECT {}, {LATEST_COLUMNS} FROM {LISTING_FROM_LATERAL} WHERE {}",
            columns.join(", "),
            tail.sql
        );
        self.fetch_tail(conn, sql, &tail, listed_from).await
    }

    async fn audit_in_regions(
        &self,
        conn: &mut PgConnection,
        lower: &str,
        upper: &str,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let columns: Vec<String> = AUDIT_COLUMNS
            .split(", ")
            .map(|c| format!("a.{}", c.trim()))
            .collect();
        let sql = format!(
            "SELECT {} FROM audit_log a JOIN enterprises e ON e.uscc = a.entity_key \
             WHERE a.entity = 'enterprise' AND a.id < $1 \
             AND e.registered_region >= $2 AND e.registered_region < $3 \
             ORDER BY a.id DESC LIMIT $4",
            columns.join(", ")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(lower)
            .bind(upper)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|row| {
                audit_parts(row)
                    .map_err(|e| self.err(e))
                    .and_then(rows::AuditParts::into_entry)
            })
            .collect()
    }

    fn style(&self) -> Placeholder {
        Placeholder::Dollar
    }
}

impl PgBackend {
    /// Runs `sql` (ending in `tail`'s condition) with `tail`'s binds, each row through `map`.
    async fn fetch_tail<T>(
        &self,
        conn: &mut PgConnection,
        sql: String,
        tail: &Compiled,
        map: fn(&PgRow) -> Result<T, sqlx::Error>,
    ) -> StoreResult<Vec<T>> {
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &tail.binds)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|row| map(row).map_err(|e| self.err(e)))
            .collect()
    }
}

impl ListingSql for PgBackend {
    async fn listing_rows(
        &self,
        conn: &mut PgConnection,
        tail: Compiled,
    ) -> StoreResult<Vec<ListingRow>> {
        let sql = format!(
            "SELECT {LISTING_KEY_COLUMNS} FROM {LISTING_FROM_LATERAL} WHERE {}",
            tail.sql
        );
        self.fetch_tail(conn, sql, &tail, listing_row_from).await
    }

    async fn changed_since(
        &self,
        conn: &mut PgConnection,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT uscc FROM enterprises WHERE updated_at > $1 \
             UNION SELECT uscc FROM derived WHERE computed_at > $1",
        )
        .bind(since)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| self.err(e))
    }
}

fn listed_from(row: &PgRow) -> Result<ListedEnterprise, sqlx::Error> {
    Ok(ListedEnterprise {
        enterprise: enterprise_from(row)?,
        year: row.try_get("latest_year")?,
        size_class: row.try_get("latest_size_class")?,
        eligible_for: eligible_tiers([
            row.try_get("latest_innovative")?,
            row.try_get("latest_specialized")?,
            row.try_get("latest_little_giant")?,
        ]),
    })
}
