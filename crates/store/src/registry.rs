//! [`Registry`]: the one public handle on the store, whichever backend holds the data.

use crate::backend::Backend;
use crate::error::StoreResult;
use crate::filter::RegistryFilter;
use crate::flows::{self, AuditMode, PreparedBatch};
use crate::listing::{ListingIndexStats, Listings, POLL_EVERY};
use crate::location::DatabaseLocation;
use crate::postgres::PgBackend;
use crate::records::{
    AuditEntry, AuditQuery, BatchProgress, ClassifySummary, EnterpriseFile, EnterprisePage,
    EnterpriseRecord, ImportJournal, Progress, UpsertSummary,
};
use crate::sqlite::SqliteBackend;
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use shangyun_registry::Title;
use std::sync::Arc;
use std::time::Duration;

mod import_transaction;
pub use import_transaction::ImportTransaction;

/// How to open a [`Registry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long a write waits for another program's write lock (SQLite) or a connection
    /// (PostgreSQL) before giving up with [`StoreError::Locked`](crate::StoreError::Locked) /
    /// [`StoreError::Unreachable`](crate::StoreError::Unreachable).
    pub wait: Duration,
    /// Apply pending migrations on open (the default). Off, the schema must already be current.
    pub migrate: bool,
    /// Who is acting, written into every audit entry.
    pub actor: String,
    /// Keep the in-memory listing index search reads (built in the background at open, then
    /// kept current; see [`Registry::search`]). On by default; a one-shot command that does not
    /// search turns it off to spare the scan.
    pub listing_index: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            wait: Duration::from_secs(5),
            migrate: true,
            actor: "system".to_owned(),
            listing_index: true,
        }
    }
}

/// The outcome of [`Registry::begin_import`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStart {
    /// The journal entry to pass (as `import_id`) to [`Registry::import_batch`].
    pub journal: ImportJournal,
    /// An unfinished earlier run of the same file is continued: skip data rows up to and
    /// including `journal.rows_through`, they are committed.
    pub resumed: bool,
    /// Finished earlier runs of the same file (newest first). Re-importing is harmless: rows
    /// that did not change are not written.
    pub earlier: Vec<ImportJournal>,
}

enum Backends {
    Sqlite(SqliteBackend),
    Postgres(PgBackend),
}

/// Runs `$body` with `$b` bound to the concrete backend.
macro_rules! with_backend {
    ($self:expr, $b:ident => $body:expr) => {
        with_backends!(&*$self.backend, $b => $body)
    };
}

/// [`with_backend!`] on a `&Backends`.
macro_rules! with_backends {
    ($backends:expr, $b:ident => $body:expr) => {
        match $backends {
            Backends::Sqlite($b) => $body,
            Backends::Postgres($b) => $body,
        }
    };
}

/// The enterprise registry (一企一档) in SQLite or PostgreSQL. Cheap to clone (the connection
/// pool is shared); every method is one transaction and is safe to call from several tasks.
///
/// ```
/// use shangyun_registry::{AnnualFigures, Enterprise};
/// use shangyun_store::{EnterpriseRecord, Registry, RegistryFilter};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let registry = Registry::open(&dir.path().join("registry.db").to_string_lossy()).await?;
/// let enterprise = Enterprise {
///     uscc: "91330106MA27XK7R3B".into(),
///     name: "杭州示例科技有限公司".into(),
///     registered_region: "330106".into(),
///     operating_region: None,
///     industry: "6511".into(),
///     founded: None,
///     contact_name: None,
///     contact_phone: None,
///     contact_email: None,
/// };
/// let figures = AnnualFigures {
///     uscc: enterprise.uscc.clone(),
///     year: 2024,
///     employees: Some(80),
///     revenue: Some(3_000.0),
///     ..AnnualFigures::default()
/// };
/// let summary = registry.upsert(&EnterpriseRecord::new(enterprise, vec![figures])).await?;
/// assert_eq!(summary.enterprises_inserted, 1);
///
/// let file = registry.get("91330106MA27XK7R3B").await?.ok_or("not stored")?;
/// assert_eq!(file.figures[0].employees, Some(80));
/// assert_eq!(registry.count(&RegistryFilter::default()).await?, 1);
/// # Ok(())
/// # }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(demo())
/// #     .map_err(|e| std::io::Error::other(e.to_string()))?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Registry {
    backend: Arc<Backends>,
    location: Arc<DatabaseLocation>,
    actor: Arc<str>,
    /// The in-memory listing index search reads (see `listing.rs`).
    listings: Arc<Listings>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("database", &self.location.display_target())
            .field("actor", &self.actor)
            .finish()
    }
}

impl Registry {
    /// Opens the registry at `database` (see [`DatabaseLocation::parse`]) with default
    /// options: migrations applied, 5 s lock wait, actor `system`.
    pub async fn open(database: &str) -> StoreResult<Registry> {
        let location = DatabaseLocation::parse(database)?;
        Self::open_location(&location, &OpenOptions::default()).await
    }

    /// Opens the registry at `location`.
    pub async fn open_location(
        location: &DatabaseLocation,
        options: &OpenOptions,
    ) -> StoreResult<Registry> {
        let backend = match location {
            DatabaseLocation::Sqlite { path } => {
                Backends::Sqlite(SqliteBackend::open(path, options.wait).await?)
            }
            DatabaseLocation::Postgres { url } => Backends::Postgres(
                PgBackend::open(url, location.display_target(), options.wait).await?,
            ),
        };
        let registry = Registry {
            backend: Arc::new(backend),
            location: Arc::new(location.clone()),
            actor: Arc::from(options.actor.as_str()),
            listings: Arc::new(Listings::default()),
        };
        if options.migrate {
            registry.migrate().await?;
        }
        if options.listing_index {
            registry.spawn_listing_build();
            registry.spawn_listing_poll();
        }
        Ok(registry)
    }

    /// Builds the listing index in the background; search uses SQL until it is installed.
    /// The task holds no strong handle between steps, so dropping every `Registry` ends it.
    fn spawn_listing_build(&self) {
        self.listings.keep();
        let backend = Arc::downgrade(&self.backend);
        let listings = Arc::clone(&self.listings);
        tokio::spawn(async move {
            loop {
                let Some(b) = backend.upgrade() else { return };
                if with_backends!(&*b, x => x.pool().is_closed()) {
                    return;
                }
                let built = with_backends!(&*b, x => listings.build(x).await);
                drop(b);
                if built.is_ok() {
                    return;
                }
                // Not migrated yet, or the database is away: try again later.
                tokio::time::sleep(POLL_EVERY).await;
            }
        });
    }

    /// Every [`POLL_EVERY`], puts other writers' changes in the listing index.
    fn spawn_listing_poll(&self) {
        let backend = Arc::downgrade(&self.backend);
        let listings = Arc::clone(&self.listings);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(POLL_EVERY).await;
                let Some(b) = backend.upgrade() else { return };
                if with_backends!(&*b, x => x.pool().is_closed()) {
                    return;
                }
                // A failed poll is retried from the same point next time.
                let _ = with_backends!(&*b, x => listings.poll(x).await);
            }
        });
    }

    /// Puts the keys of `usccs`, as now stored, in the listing index (after a write, whether
    /// or not it succeeded: what counts is what is stored). If that fails, the index is
    /// dropped and built again, so it is never left stale.
    async fn relist(&self, usccs: Vec<String>) {
        let refreshed = with_backend!(self, b => self.listings.refresh(b, usccs).await);
        if refreshed.is_err() && self.listings.kept() {
            self.listings.drop_index().await;
            self.spawn_listing_build();
        }
    }

    /// The listing index's figures, once it is built (`None` before, and while `classify`
    /// runs).
    pub async fn listing_index(&self) -> Option<ListingIndexStats> {
        self.listings.stats().await
    }

    /// Waits until the listing index is built (for tests and benchmarks; search does not
    /// need it) or `timeout` passes; true if it is.
    pub async fn wait_for_listing_index(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.listings.ready() {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// The same registry, acting as `actor` in the audit log.
    pub fn with_actor(&self, actor: &str) -> Registry {
        Registry {
            actor: Arc::from(actor),
            ..self.clone()
        }
    }

    /// Who is acting.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Where the data lives.
    pub fn location(&self) -> &DatabaseLocation {
        &self.location
    }

    /// Applies pending migrations; a no-op when the schema is current.
    pub async fn migrate(&self) -> StoreResult<()> {
        with_backend!(self, b => b.migrate().await)
    }

    /// The newest schema version applied (compare [`latest_schema_version`](crate::latest_schema_version)).
    pub async fn schema_version(&self) -> StoreResult<i64> {
        with_backend!(self, b => b.schema_version().await)
    }

    /// Upserts one enterprise (see [`EnterpriseRecord`] for the contract), recomputing its
    /// derived values when anything changed, with one audit entry holding before and after.
    pub async fn upsert(&self, record: &EnterpriseRecord) -> StoreResult<UpsertSummary> {
        self.upsert_batch(std::slice::from_ref(record)).await
    }

    /// Upserts many enterprises in one transaction, one audit entry per changed enterprise.
    /// For files, use [`Registry::import_batch`] instead (one audit entry per batch, journal).
    pub async fn upsert_batch(&self, records: &[EnterpriseRecord]) -> StoreResult<UpsertSummary> {
        let written = with_backend!(self, b => flows::upsert(b, &self.actor, records, AuditMode::PerRecord).await);
        self.relist(usccs_of(records)).await;
        written
    }

    /// Adds (or replaces, by tier and issue date) a title of a stored enterprise and
    /// re-derives its tier verdicts.
    pub async fn add_title(&self, title: &Title) -> StoreResult<UpsertSummary> {
        let written = with_backend!(self, b => flows::add_title(b, &self.actor, title).await);
        self.relist(vec![title.uscc.clone()]).await;
        written
    }

    /// Starts (or resumes) the journal of an import of `file_name` whose content hashes to
    /// `file_hash`.
    pub async fn begin_import(&self, file_name: &str, file_hash: &str) -> StoreResult<ImportStart> {
        let (journal, resumed, earlier) = with_backend!(self, b =>
            flows::begin_import(b, &self.actor, file_name, file_hash).await)?;
        Ok(ImportStart {
            journal,
            resumed,
            earlier,
        })
    }

    /// Upserts one batch of an import in one transaction: the records, their derived values,
    /// the journal's progress and ONE audit entry naming the file and the counts. Either all of
    /// it is committed or none, so a killed import resumes exactly after the last batch.
    ///
    /// ```
    /// use shangyun_registry::Enterprise;
    /// use shangyun_store::{BatchProgress, EnterpriseRecord, Registry};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let registry = Registry::open(&dir.path().join("r.db").to_string_lossy()).await?;
    /// let rows: Vec<EnterpriseRecord> = (0..3)
    ///     .map(|i| EnterpriseRecord::new(Enterprise {
    ///         uscc: format!("91330106MA27XK7R{i:02}"),
    ///         name: format!("企业{i}"),
    ///         registered_region: "330106".into(),
    ///         operating_region: None,
    ///         industry: "6511".into(),
    ///         founded: None,
    ///         contact_name: None,
    ///         contact_phone: None,
    ///         contact_email: None,
    ///     }, vec![]))
    ///     .collect();
    /// let start = registry.begin_import("名录.csv", "sha256-of-the-file").await?;
    /// // Skip data rows 1..=start.journal.rows_through when start.resumed.
    /// let progress = BatchProgress {
    ///     import_id: start.journal.id,
    ///     rows_through: 4, // the file's data rows 1..=4 ...
    ///     rows_ok: 3,      // ... of which 3 were good (the records) ...
    ///     rows_bad: 1,     // ... and 1 went to the error report
    /// };
    /// let summary = registry.import_batch(&progress, &rows).await?;
    /// assert_eq!(summary.enterprises_inserted, 3);
    /// let journal = registry.finish_import(start.journal.id).await?;
    /// assert_eq!((journal.rows_through, journal.rows_ok, journal.rows_bad), (4, 3, 1));
    /// # Ok(())
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(demo())
    /// #     .map_err(|e| std::io::Error::other(e.to_string()))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn import_batch(
        &self,
        progress: &BatchProgress,
        records: &[EnterpriseRecord],
    ) -> StoreResult<UpsertSummary> {
        let written = with_backend!(self, b =>
            flows::upsert(b, &self.actor, records, AuditMode::ImportBatch(progress)).await);
        self.relist(usccs_of(records)).await;
        written
    }

    /// The CPU-heavy half of a batch, without the write lock: reads what is stored for the
    /// records and derives their values (on a blocking thread). Run it for batch N+1 while
    /// batch N is being committed, e.g. `tokio::join!(registry.commit_import_batch(&p, ready),
    /// registry.prepare_batch(next))`; commit batches in file order.
    pub async fn prepare_batch(
        &self,
        records: Vec<EnterpriseRecord>,
    ) -> StoreResult<PreparedBatch> {
        with_backend!(self, b => flows::prepare(b, records).await)
    }

    /// [`Registry::import_batch`] for a prepared batch. What is stored is read again under the
    /// write lock; if another writer changed it since `prepare_batch`, the batch is re-planned,
    /// so the result never depends on the preparation being current.
    pub async fn commit_import_batch(
        &self,
        progress: &BatchProgress,
        batch: PreparedBatch,
    ) -> StoreResult<UpsertSummary> {
        let mut transaction = self.begin_import_transaction().await?;
        let written = transaction.write(progress, batch).await?;
        transaction.commit().await?;
        Ok(written)
    }

    /// [`Registry::upsert_batch`] for a prepared batch (one audit entry per changed enterprise).
    pub async fn commit_batch(&self, batch: PreparedBatch) -> StoreResult<UpsertSummary> {
        let usccs = batch.usccs();
        let written = with_backend!(self, b =>
            flows::commit_prepared(b, &self.actor, batch, AuditMode::PerRecord).await);
        self.relist(usccs).await;
        written
    }

    /// Marks an import finished and audits its totals.
    pub async fn finish_import(&self, import_id: i64) -> StoreResult<ImportJournal> {
        let journal =
            with_backend!(self, b => flows::finish_import(b, &self.actor, import_id).await)?;
        self.refresh_statistics().await?;
        Ok(journal)
    }

    /// Refreshes the query planner's statistics (done after every import; see
    /// `statistics.rs`).
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        use crate::statistics::Statistics;
        with_backend!(self, b => b.refresh_statistics().await)
    }

    /// The import journal, newest first; only runs of one file when `file_hash` is given.
    pub async fn imports(&self, file_hash: Option<&str>) -> StoreResult<Vec<ImportJournal>> {
        with_backend!(self, b => flows::imports(b, file_hash).await)
    }

    /// Everything stored about one enterprise, or `None`.
    pub async fn get(&self, uscc: &str) -> StoreResult<Option<EnterpriseFile>> {
        with_backend!(self, b => flows::get(b, uscc).await)
    }

    /// One page of enterprises matching `filter`, in USCC order, after the USCC `after`.
    pub async fn page(
        &self,
        filter: &RegistryFilter,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<EnterprisePage> {
        with_backend!(self, b => flows::page(b, filter, after, limit).await)
    }

    /// Figures, titles and derived rows whose enterprise is not stored: always 0, since the
    /// store writes them only with their enterprise (the databases do not check it per row;
    /// migration 0006). For tests and integrity checks; reads every child row.
    pub async fn orphan_rows(&self) -> StoreResult<u64> {
        with_backend!(self, b => flows::orphans(b).await)
    }

    /// How many enterprises match `filter`.
    pub async fn count(&self, filter: &RegistryFilter) -> StoreResult<u64> {
        with_backend!(self, b => flows::count(b, filter).await)
    }

    /// Every enterprise matching `filter`, in USCC order, read `page_size` at a time: memory
    /// stays flat whatever the registry's size. Each page is a consistent snapshot; writes
    /// committed between pages show up in later pages.
    ///
    /// ```
    /// use futures_util::TryStreamExt;
    /// use shangyun_store::{Registry, RegistryFilter};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let registry = Registry::open(&dir.path().join("r.db").to_string_lossy()).await?;
    /// let zhejiang_software = RegistryFilter {
    ///     region: Some("330000".into()),
    ///     industries: vec!["65".into()],
    ///     ..RegistryFilter::default()
    /// };
    /// let mut files = registry.stream(zhejiang_software, 1000);
    /// while let Some(file) = files.try_next().await? {
    ///     // one export row per year: file.figures, with file.derived matched on `year`
    ///     println!("{} {}", file.enterprise.uscc, file.figures.len());
    /// }
    /// # Ok(())
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(demo())
    /// #     .map_err(|e| std::io::Error::other(e.to_string()))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stream(
        &self,
        filter: RegistryFilter,
        page_size: u32,
    ) -> impl Stream<Item = StoreResult<EnterpriseFile>> + Send + 'static {
        let registry = self.clone();
        // State: the USCC to continue after, or `None` once the last page was read.
        let start: Option<Option<String>> = Some(None);
        stream::try_unfold(
            (registry, filter, start),
            move |(registry, filter, cursor)| async move {
                let Some(after) = cursor else {
                    return Ok(None);
                };
                let page = registry.page(&filter, after.as_deref(), page_size).await?;
                let next = page.next_after.clone().map(Some);
                Ok(Some((page.files, (registry, filter, next))))
            },
        )
        .map_ok(|files| stream::iter(files.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    /// Recomputes every derived value (after a rule update), `batch_size` enterprises per
    /// transaction, calling `on_progress` after each batch. One audit entry for the run.
    pub async fn classify_all(
        &self,
        batch_size: u32,
        on_progress: impl FnMut(Progress) + Send,
    ) -> StoreResult<ClassifySummary> {
        // Every derived row is rewritten batch by batch: search reads SQL meanwhile, and the
        // index is built again from what classify left.
        let kept = self.listings.kept();
        self.listings.drop_index().await;
        let summary = with_backend!(self, b =>
            flows::classify_all(b, &self.actor, batch_size, on_progress).await);
        // Again: a build begun during the run must not install what it scanned.
        self.listings.drop_index().await;
        if kept {
            self.spawn_listing_build();
        }
        summary
    }

    /// One page of a search: filter (name fragments included), sort and keyset cursor.
    ///
    /// ```
    /// use shangyun_store::{Registry, RegistryFilter, SearchRequest, Sort, SortKey};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let registry = Registry::open(&dir.path().join("r.db").to_string_lossy()).await?;
    /// let mut request = SearchRequest {
    ///     filter: RegistryFilter { name_contains: Some("华创科技".into()), ..Default::default() },
    ///     sort: Sort { key: SortKey::Name, descending: false },
    ///     cursor: None,
    ///     limit: 50,
    /// };
    /// loop {
    ///     let page = registry.search(&request).await?;
    ///     // … page.files …
    ///     let Some(next) = page.next_cursor else { break };
    ///     request.cursor = Some(next);
    /// }
    /// # Ok(())
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(demo())
    /// #     .map_err(|e| std::io::Error::other(e.to_string()))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn search(
        &self,
        request: &crate::search::SearchRequest,
    ) -> StoreResult<crate::search::SearchPage> {
        if let Some(page) = with_backend!(self, b => self.listings.search(b, request).await)? {
            return Ok(page);
        }
        with_backend!(self, b => crate::search::search(b, request).await)
    }

    /// [`search`](Self::search) through the listing index only: `None` when the index is not
    /// built or does not cover the request (the differential tests' probe).
    #[doc(hidden)]
    pub async fn search_via_index(
        &self,
        request: &crate::search::SearchRequest,
    ) -> StoreResult<Option<crate::search::SearchPage>> {
        with_backend!(self, b => self.listings.search(b, request).await)
    }

    /// [`search`](Self::search) through SQL only, never the listing index (the reference
    /// the index is tested against).
    #[doc(hidden)]
    pub async fn search_sql(
        &self,
        request: &crate::search::SearchRequest,
    ) -> StoreResult<crate::search::SearchPage> {
        with_backend!(self, b => crate::search::search(b, request).await)
    }

    /// Audit entries about enterprises registered in the subtree of `region` (a GB/T 2260
    /// code), newest first, older than entry `before_id` when given. Registry-wide entries
    /// (imports, classify runs) are not about one region and are left out.
    pub async fn audit_in_region(
        &self,
        region: &str,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        with_backend!(self, b => crate::search::audit_in_region(b, region, before_id, limit).await)
    }

    /// Audit entries, newest first.
    pub async fn audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        with_backend!(self, b => flows::audit(b, query).await)
    }

    /// Closes every connection (waits for running statements). Later calls fail.
    pub async fn close(&self) {
        with_backend!(self, b => b.pool().close().await)
    }
}

fn usccs_of(records: &[EnterpriseRecord]) -> Vec<String> {
    records.iter().map(|r| r.enterprise.uscc.clone()).collect()
}
