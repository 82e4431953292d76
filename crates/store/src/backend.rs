//! The SQL each backend must provide. The flows in `flows.rs` are written once against this
//! trait; `sqlite.rs` and `postgres.rs` hold the only SQL of the crate.

use crate::error::StoreResult;
use crate::filter::RegistryFilter;
use crate::plan::{DerivedRow, Existing};
use crate::records::{AuditEntry, AuditQuery, BatchProgress, ImportJournal};
use chrono::{DateTime, Utc};
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Title};
use std::collections::HashMap;

/// A connection of backend `B` (a pooled connection or an open transaction derefs to it).
pub(crate) type Conn<B> = <<B as Backend>::Db as sqlx::Database>::Connection;

/// An audit entry about to be written.
#[derive(Debug, Clone)]
pub(crate) struct NewAudit {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_key: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Counts figures, titles and derived rows without their enterprise (same text on both
/// backends): what the foreign keys dropped by migration 0006 would have refused.
pub(crate) const ORPHAN_ROWS: &str = "SELECT \
     (SELECT count(*) FROM annual_figures c WHERE NOT EXISTS \
        (SELECT 1 FROM enterprises e WHERE e.uscc = c.uscc)) + \
     (SELECT count(*) FROM titles c WHERE NOT EXISTS \
        (SELECT 1 FROM enterprises e WHERE e.uscc = c.uscc)) + \
     (SELECT count(*) FROM derived c WHERE NOT EXISTS \
        (SELECT 1 FROM enterprises e WHERE e.uscc = c.uscc))";

/// How a write statement treats a key that is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Rows of enterprises the batch found unstored under the write lock: a plain `INSERT`,
    /// one index descent per key instead of a conflict probe and the insert (a 1m-row
    /// import's figures into PostgreSQL: 9.3 → 6.0 s as one statement).
    New,
    /// Rows that may replace stored ones: `INSERT … ON CONFLICT DO UPDATE`.
    Upsert,
}

/// The statements a backend runs. Writes take the rows to write and never decide anything.
pub(crate) trait Backend: Sync {
    type Db: sqlx::Database;

    /// The database named in messages (path, or URL without password).
    fn target(&self) -> &str;

    fn pool(&self) -> &sqlx::Pool<Self::Db>;

    /// Starts a transaction that writes and holds the registry's write lock until it ends
    /// (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-level advisory lock), so two
    /// writers queue instead of failing half-way, and what a batch reads as unstored stays
    /// unstored until it commits.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Self::Db>>;

    /// Starts a read-only transaction: one consistent snapshot for a page and its children.
    async fn begin_read(&self) -> StoreResult<sqlx::Transaction<'static, Self::Db>>;

    async fn migrate(&self) -> StoreResult<()>;

    /// The newest migration applied, 0 for an empty database.
    async fn schema_version(&self) -> StoreResult<i64>;

    /// The stored enterprises among `usccs`.
    async fn load_enterprises(
        &self,
        conn: &mut Conn<Self>,
        usccs: &[&str],
    ) -> StoreResult<HashMap<String, Enterprise>>;

    /// Figures and titles stored for `usccs`, into `existing`.
    async fn load_children(
        &self,
        conn: &mut Conn<Self>,
        usccs: &[&str],
        existing: &mut Existing,
    ) -> StoreResult<()>;

    async fn load_derived(
        &self,
        conn: &mut Conn<Self>,
        usccs: &[&str],
    ) -> StoreResult<HashMap<String, Vec<Derived>>>;

    async fn write_enterprises(
        &self,
        conn: &mut Conn<Self>,
        rows: &[&Enterprise],
        write: Write,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn write_figures(
        &self,
        conn: &mut Conn<Self>,
        rows: &[&AnnualFigures],
        write: Write,
    ) -> StoreResult<()>;

    async fn write_titles(&self, conn: &mut Conn<Self>, rows: &[&Title]) -> StoreResult<()>;

    async fn write_derived(
        &self,
        conn: &mut Conn<Self>,
        rows: &[DerivedRow],
        write: Write,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn append_audit(
        &self,
        conn: &mut Conn<Self>,
        actor: &str,
        now: DateTime<Utc>,
        entries: &[NewAudit],
    ) -> StoreResult<()>;

    async fn read_audit(
        &self,
        conn: &mut Conn<Self>,
        query: &AuditQuery,
    ) -> StoreResult<Vec<AuditEntry>>;

    /// Enterprises matching `filter` with USCC > `after`, in USCC order, at most `limit`.
    async fn select_enterprises(
        &self,
        conn: &mut Conn<Self>,
        filter: &RegistryFilter,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<Enterprise>>;

    async fn count_enterprises(
        &self,
        conn: &mut Conn<Self>,
        filter: &RegistryFilter,
    ) -> StoreResult<u64>;

    /// Child rows whose enterprise is not stored ([`ORPHAN_ROWS`]).
    async fn count_orphans(&self, conn: &mut Conn<Self>) -> StoreResult<u64>;

    async fn insert_import(
        &self,
        conn: &mut Conn<Self>,
        file_name: &str,
        file_hash: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ImportJournal>;

    /// The journal entries of a file hash, newest first.
    async fn imports_by_hash(
        &self,
        conn: &mut Conn<Self>,
        file_hash: Option<&str>,
    ) -> StoreResult<Vec<ImportJournal>>;

    async fn get_import(
        &self,
        conn: &mut Conn<Self>,
        id: i64,
    ) -> StoreResult<Option<ImportJournal>>;

    async fn advance_import(
        &self,
        conn: &mut Conn<Self>,
        progress: &BatchProgress,
    ) -> StoreResult<bool>;

    async fn finish_import(
        &self,
        conn: &mut Conn<Self>,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
