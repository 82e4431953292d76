//! `shangyun-store` — the enterprise registry's storage.
//!
//! One type, [`Registry`], over two backends chosen by the database URL:
//!
//! * **SQLite** (default, embedded): one file, `./shangyun-data/registry.db` unless
//!   `SHANGYUN_DATA` or `--database` says otherwise; WAL mode, `synchronous=NORMAL`; nothing to
//!   install.
//! * **PostgreSQL**: `postgres://USER@HOST:PORT/DATABASE`.
//!
//! Migrations are embedded, versioned per backend and applied on open (idempotent).
//!
//! Ground truth ([`EnterpriseRecord`]) is upserted; derived values (size class, tier verdicts)
//! are recomputed with `shangyun_registry::derive` for every enterprise whose ground truth
//! changed, and stored with the rule editions that produced them. Every change is audited:
//! [`Registry::upsert`] writes one entry per changed enterprise with before/after values;
//! [`Registry::import_batch`] writes one entry per committed batch naming the file, the rows
//! it covers and the counts — per-row entries would double the cost of a million-row import,
//! and the file itself is the per-row record.
//!
//! Bulk import protocol (what `shangyun import` does):
//!
//! ```text
//! let start = registry.begin_import(file_name, sha256_hex).await?;   // resumes if unfinished
//! for each batch of data rows after start.journal.rows_through:
//!     registry.import_batch(&BatchProgress { import_id, rows_through, rows_ok, rows_bad },
//!                           &records).await?;
//! registry.finish_import(start.journal.id).await?;
//! ```
//!
//! [`Registry::import_batch`] is one transaction per batch; [`ImportTransaction`] puts several
//! prepared batches into one (what `shangyun-import-run` does: fewer commits, each page of
//! the random-keyed indices written fewer times).
//!
//! Export: [`Registry::stream`] with a [`RegistryFilter`] yields [`EnterpriseFile`]s in USCC
//! order with flat memory.

mod backend;
mod error;
mod filter;
mod flows;
mod journal;
mod listing;
mod location;
mod migrate;
mod plan;
mod postgres;
mod records;
mod registry;
mod rows;
mod search;
mod sqlite;
mod statistics;
mod wire;

pub use error::{StoreError, StoreResult};
pub use filter::{RegistryFilter, SIZE_CLASSES};
pub use flows::PreparedBatch;
pub use listing::ListingIndexStats;
pub use location::{DATABASE_FILE_NAME, DEFAULT_DATA_DIR, DatabaseLocation};
pub use migrate::latest_schema_version;
pub use records::{
    AuditEntry, AuditQuery, BatchProgress, ClassifySummary, EnterpriseFile, EnterprisePage,
    EnterpriseRecord, ImportJournal, ListedEnterprise, Progress, UpsertSummary,
};
pub use registry::{ImportStart, ImportTransaction, OpenOptions, Registry};
pub use search::{SearchPage, SearchRequest, Sort, SortKey};
