//! What goes into the store and what comes out, beyond the domain types of
//! `shangyun-registry`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Title};

/// One enterprise as submitted for an upsert: its identity, any years of figures, any titles.
///
/// Upsert semantics (documented contract for importers):
/// * the enterprise row is replaced as a whole (every field, `None` included);
/// * each `figures` entry replaces the stored row of the same `(uscc, year)` as a whole; years
///   not mentioned are kept;
/// * each `titles` entry replaces the stored title of the same `(uscc, tier, issued)`; titles
///   not mentioned are kept;
/// * every `figures[i].uscc` and `titles[i].uscc` must equal `enterprise.uscc`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseRecord {
    pub enterprise: Enterprise,
    pub figures: Vec<AnnualFigures>,
    pub titles: Vec<Title>,
}

impl EnterpriseRecord {
    /// A record with figures and no titles — the usual import row.
    pub fn new(enterprise: Enterprise, figures: Vec<AnnualFigures>) -> Self {
        EnterpriseRecord {
            enterprise,
            figures,
            titles: Vec::new(),
        }
    }
}

/// One enterprise in a search result: its identity and the stored verdicts of its latest
/// year — what a result list shows, read in the listing's own query (no figures, titles or
/// explanations, which only the enterprise page needs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedEnterprise {
    pub enterprise: Enterprise,
    /// The latest year with derived values, if any.
    pub year: Option<i32>,
    pub size_class: Option<String>,
    /// Tiers that year is eligible for under any evaluated edition.
    pub eligible_for: Vec<shangyun_registry::Tier>,
}

/// Everything stored about one enterprise (一企一档): ground truth plus derived values.
/// `figures` and `derived` are ordered by year, `titles` by tier then issue date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseFile {
    pub enterprise: Enterprise,
    pub figures: Vec<AnnualFigures>,
    pub titles: Vec<Title>,
    pub derived: Vec<Derived>,
}

/// One page of a filtered listing, in USCC order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterprisePage {
    pub files: Vec<EnterpriseFile>,
    /// Pass as `after` to get the next page; `None` when this page is the last.
    pub next_after: Option<String>,
}

/// What an upsert changed. Unchanged rows are not written (and not audited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpsertSummary {
    pub enterprises_inserted: u64,
    pub enterprises_updated: u64,
    pub enterprises_unchanged: u64,
    pub figures_inserted: u64,
    pub figures_updated: u64,
    pub figures_unchanged: u64,
    pub titles_inserted: u64,
    pub titles_updated: u64,
    /// Derived rows (enterprise × year) recomputed and written.
    pub derived_written: u64,
}

impl UpsertSummary {
    /// Adds another batch's counts to this one.
    pub fn add(&mut self, other: &UpsertSummary) {
        self.enterprises_inserted += other.enterprises_inserted;
        self.enterprises_updated += other.enterprises_updated;
        self.enterprises_unchanged += other.enterprises_unchanged;
        self.figures_inserted += other.figures_inserted;
        self.figures_updated += other.figures_updated;
        self.figures_unchanged += other.figures_unchanged;
        self.titles_inserted += other.titles_inserted;
        self.titles_updated += other.titles_updated;
        self.derived_written += other.derived_written;
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who: the actor the [`Registry`](crate::Registry) was opened as.
    pub actor: String,
    /// `insert`, `update`, `add-title`, `import-batch`, `import-finish`, `classify`.
    pub action: String,
    /// `enterprise`, `import` or `registry`.
    pub entity: String,
    /// The USCC, the import id, or `*` for the whole registry.
    pub entity_key: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// One run of an import over a file, as journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportJournal {
    pub id: i64,
    pub file_name: String,
    /// The importer's hash of the file's bytes (any stable hex digest).
    pub file_hash: String,
    pub actor: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The last data row (1-based) whose batch is committed; resume after it.
    pub rows_through: u64,
    pub rows_ok: u64,
    pub rows_bad: u64,
}

/// Where a committed batch ends in its import's file, and what it held. Committed in the same
/// transaction as the batch's rows, so the journal never runs ahead of or behind the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchProgress {
    /// From [`ImportJournal::id`].
    pub import_id: i64,
    /// The last data row (1-based) covered by this batch, good or bad.
    pub rows_through: u64,
    /// Good rows in this batch.
    pub rows_ok: u64,
    /// Bad rows in this batch (not in the records, reported elsewhere).
    pub rows_bad: u64,
}

/// The outcome of [`Registry::classify_all`](crate::Registry::classify_all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassifySummary {
    pub enterprises: u64,
    pub derived_written: u64,
}

/// Progress of a long operation, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Audit-log query: newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only entries about this entity key (a USCC or import id).
    pub entity_key: Option<String>,
    pub limit: Option<u32>,
}
