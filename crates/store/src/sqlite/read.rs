//! SQLite side of [`SearchSql`](crate::search::SearchSql): the statements `search.rs`
//! composes, run on this backend.

use super::{SqliteBackend, bind_all, enterprise_from};
use crate::error::StoreResult;
use crate::filter::{Compiled, Placeholder};
use crate::listing::{LISTING_KEY_COLUMNS, ListingRow, ListingSql, listing_row_from};
use crate::records::AuditEntry;
use crate::records::ListedEnterprise;
use crate::rows;
use crate::search::{LATEST_COLUMNS, LISTING_FROM, SearchSql, eligible_tiers};
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{AssertSqlSafe, Row};

impl SearchSql for SqliteBackend {
    async fn select_tail(
        &self,
        conn: &mut SqliteConnection,
        tail: Compiled,
    ) -> StoreResult<Vec<ListedEnterprise>> {
        let sql = format!(
            "SELECT e.*, {LATEST_COLUMNS} FROM {LISTING_FROM} WHERE {}",
            tail.sql
        );
        self.fetch_tail(conn, sql, &tail, listed_from).await
    }

    async fn audit_in_regions(
        &self,
        conn: &mut SqliteConnection,
        lower: &str,
        upper: &str,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        // Newest entries first, each checked against its enterprise's region: the walk stops
        // after `limit` hits.
        let rows = sqlx::query(
            "SELECT a.* FROM audit_log a JOIN enterprises e ON e.uscc = a.entity_key \
             WHERE a.entity = 'enterprise' AND a.id < ?1 \
             AND e.registered_region >= ?2 AND e.registered_region < ?3 \
             ORDER BY a.id DESC LIMIT ?4",
        )
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
        Placeholder::Question
    }
}

impl SqliteBackend {
    /// Runs `sql` (ending in `tail`'s condition) with `tail`'s binds, each row through `map`.
    async fn fetch_tail<T>(
        &self,
        conn: &mut SqliteConnection,
        sql: String,
        tail: &Compiled,
        map: fn(&SqliteRow) -> Result<T, sqlx::Error>,
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

impl ListingSql for SqliteBackend {
    async fn listing_rows(
        &self,
        conn: &mut SqliteConnection,
        tail: Compiled,
    ) -> StoreResult<Vec<ListingRow>> {
        let sql = format!(
            "SELECT {LISTING_KEY_COLUMNS} FROM {LISTING_FROM} WHERE {}",
            tail.sql
        );
        self.fetch_tail(conn, sql, &tail, listing_row_from).await
    }

    async fn changed_since(
        &self,
        conn: &mut SqliteConnection,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT uscc FROM enterprises WHERE updated_at > ?1 \
             UNION SELECT uscc FROM derived WHERE computed_at > ?1",
        )
        .bind(since)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| self.err(e))
    }
}

fn listed_from(row: &SqliteRow) -> Result<ListedEnterprise, sqlx::Error> {
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

fn audit_parts(row: &SqliteRow) -> Result<rows::AuditParts, sqlx::Error> {
    Ok(rows::AuditParts {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_key: row.try_get("entity_key")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
    })
}
