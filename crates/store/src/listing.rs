//! The registry's in-memory listing index (crate `shangyun-listing-index`): how the store
//! keeps it exact and when search reads it.
//!
//! **Search reads the index, the store is the truth.** The index holds each enterprise's
//! listing keys; a page is the index's USCCs in order, then those rows read from the database
//! in one statement. Whatever the index cannot answer — before it is built, while `classify`
//! rewrites every derived row, a filter on a given `year` or on titles held — goes to the SQL
//! of `search.rs` unchanged.
//!
//! Upkeep, all under one async lock (`upkeep`) so that the last update applied read the
//! database after every commit before it:
//! * at open, a background task scans the registry in USCC order (in chunks), builds the
//!   index, then re-reads what changed since the scan began and installs it;
//! * after every write of this process (upsert, import batch, title), the written USCCs are
//!   read again and their keys replace the old ones before the write returns;
//! * every [`POLL_EVERY`], enterprises and derived rows stamped since the last poll (minus
//!   [`POLL_OVERLAP`]) are read again: other processes' and other nodes' writes appear within
//!   about [`POLL_EVERY`] — provided a writing transaction commits within [`POLL_OVERLAP`] of
//!   its timestamp and the nodes' clocks agree within it (migration 0004 indexes the stamps);
//! * `classify` drops the index (search falls back to SQL) and builds it again afterwards.

use crate::backend::Conn;
use crate::error::{StoreError, StoreResult};
use crate::filter::{Bind, Compiled, RegistryFilter, SIZE_CLASSES, industry_prefix, region_prefix};
use crate::records::ListedEnterprise;
use crate::search::{Cursor, SearchPage, SearchRequest, SearchSql, SortKey};
use chrono::{DateTime, Utc};
use shangyun_listing_index::{
    After, Latest, Listing, ListingIndex, ListingIndexBuilder, Query, SizeClass, SortBy, Tiers,
};
use shangyun_registry::Tier;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// How often other writers' changes are looked for.
pub(crate) const POLL_EVERY: Duration = Duration::from_secs(2);
/// How far back each poll reaches before the previous one began.
pub(crate) const POLL_OVERLAP: Duration = Duration::from_secs(10);
/// Rows read per statement while building.
const SCAN_CHUNK: u32 = 20_000;
/// USCCs per statement when reading changed rows.
const REREAD_CHUNK: usize = 500;

/// One enterprise's listing keys as stored: the enterprise row and its latest derived row.
#[derive(Debug, Clone)]
pub(crate) struct ListingRow {
    pub uscc: String,
    pub name: String,
    pub region: String,
    pub industry: String,
    /// `None` without a latest derived row.
    pub latest: Option<LatestRow>,
}

#[derive(Debug, Clone)]
pub(crate) struct LatestRow {
    pub size_class: Option<String>,
    /// Summary outcomes of innovative, specialized, little giant.
    pub tiers: [String; 3],
}

impl ListingRow {
    fn listing(&self) -> Listing<'_> {
        Listing {
            uscc: &self.uscc,
            name: &self.name,
            region: &self.region,
            industry: &self.industry,
            latest: self.latest.as_ref().map(|l| {
                let mut eligible = Tiers::NONE;
                let mut candidate = Tiers::NONE;
                for (tier, outcome) in TIERS.iter().zip(&l.tiers) {
                    if outcome == "eligible" {
                        eligible = eligible.with(*tier);
                    }
                    if outcome == "eligible" || outcome == "not-enough-data" {
                        candidate = candidate.with(*tier);
                    }
                }
                Latest {
                    size_class: SizeClass::from_stored(l.size_class.as_deref()),
                    eligible,
                    candidate,
                }
            }),
        }
    }
}

const TIERS: [Tiers; 3] = [Tiers::INNOVATIVE, Tiers::SPECIALIZED, Tiers::LITTLE_GIANT];

/// The enterprise and latest-derived columns the index reads, over `LISTING_FROM`.
pub(crate) const LISTING_KEY_COLUMNS: &str = "e.uscc, e.name, e.registered_region, e.industry, \
     latest.year AS latest_year, latest.size_class AS latest_size_class, \
     latest.tier_innovative AS latest_innovative, latest.tier_specialized AS latest_specialized, \
     latest.tier_little_giant AS latest_little_giant";

/// A row of [`LISTING_KEY_COLUMNS`], on either backend.
pub(crate) fn listing_row_from<R>(row: &R) -> Result<ListingRow, sqlx::Error>
where
    R: sqlx::Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let year: Option<i32> = row.try_get("latest_year")?;
    let latest = match year {
        None => None,
        Some(_) => Some(LatestRow {
            size_class: row.try_get("latest_size_class")?,
            tiers: [
                row.try_get("latest_innovative")?,
                row.try_get("latest_specialized")?,
                row.try_get("latest_little_giant")?,
            ],
        }),
    };
    Ok(ListingRow {
        uscc: row.try_get("uscc")?,
        name: row.try_get("name")?,
        region: row.try_get("registered_region")?,
        industry: row.try_get("industry")?,
        latest,
    })
}

/// What a backend adds to search for the index.
pub(crate) trait ListingSql: SearchSql {
    /// [`LISTING_KEY_COLUMNS`] of enterprises `WHERE` + `tail`.
    async fn listing_rows(
        &self,
        conn: &mut Conn<Self>,
        tail: Compiled,
    ) -> StoreResult<Vec<ListingRow>>;

    /// USCCs of enterprises or derived rows stamped after `since`.
    async fn changed_since(
        &self,
        conn: &mut Conn<Self>,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<String>>;
}

/// The index and its upkeep state; one per opened registry, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Listings {
    /// Set when the first build is started; stays set.
    kept: std::sync::atomic::AtomicBool,
    index: RwLock<Option<ListingIndex>>,
    upkeep: tokio::sync::Mutex<Upkeep>,
}

#[derive(Debug, Default)]
struct Upkeep {
    /// Poll from here (set when an index is installed).
    since: Option<DateTime<Utc>>,
    /// Bumped when the index is dropped; a build begun before does not install its result.
    generation: u64,
    /// Of the installed index's build.
    stats: Option<ListingIndexStats>,
}

/// Figures of the last build, for logs and the benchmark.
#[derive(Debug, Clone, Copy)]
pub struct ListingIndexStats {
    pub enterprises: usize,
    pub heap_bytes: usize,
    pub build: Duration,
}

impl Listings {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<ListingIndex>> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Option<ListingIndex>> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the index as kept (a build is under way).
    pub(crate) fn keep(&self) {
        self.kept.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether an index is installed or being built (false with `listing_index` off).
    pub(crate) fn kept(&self) -> bool {
        self.kept.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether an index is installed.
    pub(crate) fn ready(&self) -> bool {
        self.read().is_some()
    }

    /// The installed index's build figures and its size now.
    pub(crate) async fn stats(&self) -> Option<ListingIndexStats> {
        let upkeep = self.upkeep.lock().await;
        let mut stats = upkeep.stats?;
        let guard = self.read();
        let index = guard.as_ref()?;
        stats.enterprises = index.len();
        stats.heap_bytes = index.heap_bytes();
        Some(stats)
    }

    /// Drops the index (search falls back to SQL) until the next [`build`](Self::build).
    pub(crate) async fn drop_index(&self) {
        let mut upkeep = self.upkeep.lock().await;
        upkeep.generation += 1;
        upkeep.since = None;
        upkeep.stats = None;
        *self.write() = None;
    }

    /// Scans the registry and installs a fresh index (see the module documentation).
    /// `None` when the index was dropped meanwhile (a newer build follows).
    pub(crate) async fn build<B: ListingSql>(
        &self,
        backend: &B,
    ) -> StoreResult<Option<ListingIndexStats>> {
        let started = Instant::now();
        let generation = self.upkeep.lock().await.generation;
        let scan_began = Utc::now();
        let mut builder = ListingIndexBuilder::default();
        let mut after = String::new();
        loop {
            let mut tail = Compiled::new(backend.style());
            let a = tail.bind(Bind::Text(after.clone()));
            let n = tail.bind(Bind::Int(i64::from(SCAN_CHUNK)));
            tail.sql = format!("e.uscc > {a} ORDER BY e.uscc LIMIT {n}");
            let mut conn = backend.begin_read().await?;
            let rows = backend.listing_rows(&mut conn, tail).await?;
            conn.commit()
                .await
                .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
            let Some(last) = rows.last() else { break };
            after = last.uscc.clone();
            builder.add_all(rows.iter().map(ListingRow::listing));
            if rows.len() < SCAN_CHUNK as usize {
                break;
            }
        }
        // Seconds of sorting at a million firms: off the async workers' queue.
        let mut index = tokio::task::spawn_blocking(move || builder.finish())
            .await
            .map_err(|e| StoreError::corrupt("listing index", "build", e))?;
        let mut upkeep = self.upkeep.lock().await;
        if upkeep.generation != generation {
            return Ok(None);
        }
        let since = scan_began - overlap();
        let poll_began = Utc::now();
        reread(backend, &mut index, backend.changed_since_all(since).await?).await?;
        let stats = ListingIndexStats {
            enterprises: index.len(),
            heap_bytes: index.heap_bytes(),
            build: started.elapsed(),
        };
        *self.write() = Some(index);
        upkeep.since = Some(poll_began - overlap());
        upkeep.stats = Some(stats);
        Ok(Some(stats))
    }

    /// Reads `usccs` again and puts their keys in the index (after a write of this process).
    pub(crate) async fn refresh<B: ListingSql>(
        &self,
        backend: &B,
        usccs: Vec<String>,
    ) -> StoreResult<()> {
        let _upkeep = self.upkeep.lock().await;
        if !self.ready() {
            return Ok(());
        }
        self.apply(backend, usccs).await
    }

    /// Puts the keys of everything stamped since the last poll in the index.
    pub(crate) async fn poll<B: ListingSql>(&self, backend: &B) -> StoreResult<()> {
        let mut upkeep = self.upkeep.lock().await;
        let Some(since) = upkeep.since else {
            return Ok(());
        };
        let began = Utc::now();
        let changed = backend.changed_since_all(since).await?;
        self.apply(backend, changed).await?;
        upkeep.since = Some(began - overlap());
        Ok(())
    }

    /// Caller holds `upkeep`.
    async fn apply<B: ListingSql>(&self, backend: &B, usccs: Vec<String>) -> StoreResult<()> {
        for chunk in usccs.chunks(REREAD_CHUNK) {
            let rows = rows_of(backend, chunk).await?;
            let found: std::collections::HashSet<&str> =
                rows.iter().map(|r| r.uscc.as_str()).collect();
            let gone: Vec<&str> = chunk
                .iter()
                .map(String::as_str)
                .filter(|u| !found.contains(u))
                .collect();
            let mut guard = self.write();
            let Some(index) = guard.as_mut() else {
                return Ok(());
            };
            index.upsert_all(rows.iter().map(ListingRow::listing));
            if !gone.is_empty() {
                index.remove_all(gone);
            }
        }
        Ok(())
    }

    /// The index's answer to `request`: `None` when it has none (not built, or the request
    /// needs what it does not hold). The request is checked first exactly as the SQL path
    /// checks it, so errors are the same.
    pub(crate) async fn search<B: ListingSql>(
        &self,
        backend: &B,
        request: &SearchRequest,
    ) -> StoreResult<Option<SearchPage>> {
        crate::search::page_tail(request, backend.style())?;
        let usccs = {
            let guard = self.read();
            let Some(index) = guard.as_ref() else {
                return Ok(None);
            };
            let Some(query) = index_query(request)? else {
                return Ok(None);
            };
            match index.query(&query) {
                Some(usccs) => usccs,
                None => return Ok(None),
            }
        };
        let mut items = listed_of(backend, &usccs).await?;
        let position: HashMap<&str, usize> = usccs
            .iter()
            .enumerate()
            .map(|(i, u)| (u.as_str(), i))
            .collect();
        items.sort_by_key(|item| position.get(item.enterprise.uscc.as_str()).copied());
        let full = items.len() == request.limit.max(1) as usize;
        let next_cursor = items
            .last()
            .filter(|_| full)
            .map(|item| Cursor::after(request.sort, &item.enterprise).encode());
        Ok(Some(SearchPage { items, next_cursor }))
    }
}

fn overlap() -> chrono::Duration {
    chrono::Duration::from_std(POLL_OVERLAP).unwrap_or_else(|_| chrono::Duration::seconds(10))
}

/// `changed_since` in its own read transaction.
trait ChangedSince: ListingSql {
    async fn changed_since_all(&self, since: DateTime<Utc>) -> StoreResult<Vec<String>> {
        let mut conn = self.begin_read().await?;
        let usccs = self.changed_since(&mut conn, since).await?;
        conn.commit()
            .await
            .map_err(|e| StoreError::from_sqlx(self.target(), e))?;
        Ok(usccs)
    }
}

impl<B: ListingSql> ChangedSince for B {}

async fn reread<B: ListingSql>(
    backend: &B,
    index: &mut ListingIndex,
    usccs: Vec<String>,
) -> StoreResult<()> {
    for chunk in usccs.chunks(REREAD_CHUNK) {
        let rows = rows_of(backend, chunk).await?;
        index.upsert_all(rows.iter().map(ListingRow::listing));
    }
    Ok(())
}

fn in_list(style: crate::filter::Placeholder, usccs: &[String]) -> Compiled {
    let mut tail = Compiled::new(style);
    let marks: Vec<String> = usccs
        .iter()
        .map(|u| tail.bind(Bind::Text(u.clone())))
        .collect();
    tail.sql = format!("e.uscc IN ({})", marks.join(", "));
    tail
}

async fn rows_of<B: ListingSql>(backend: &B, usccs: &[String]) -> StoreResult<Vec<ListingRow>> {
    if usccs.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = backend.begin_read().await?;
    let rows = backend
        .listing_rows(&mut conn, in_list(backend.style(), usccs))
        .await?;
    conn.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(rows)
}

async fn listed_of<B: ListingSql>(
    backend: &B,
    usccs: &[String],
) -> StoreResult<Vec<ListedEnterprise>> {
    if usccs.is_empty() {
        return Ok(Vec::new());
    }
    // One statement: consistent on its own, no transaction needed around it.
    let mut conn = backend
        .pool()
        .acquire()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    backend
        .select_tail(&mut conn, in_list(backend.style(), usccs))
        .await
}

/// `request` as an index query; `None` when the index does not hold what it filters on (a
/// given year's derived values, titles held).
fn index_query(request: &SearchRequest) -> StoreResult<Option<Query>> {
    let filter: &RegistryFilter = &request.filter;
    if filter.year.is_some() || !filter.holds_title.is_empty() {
        return Ok(None);
    }
    let region = filter.region.as_deref().map(region_prefix).transpose()?;
    let industries = filter
        .industries
        .iter()
        .map(|c| industry_prefix(c))
        .collect::<StoreResult<Vec<_>>>()?;
    let size_classes = filter
        .size_classes
        .iter()
        .map(|c| {
            let c = c.trim().to_ascii_lowercase();
            debug_assert!(SIZE_CLASSES.contains(&c.as_str()));
            SizeClass::from_stored(Some(&c))
        })
        .collect();
    let tiers = |list: &[Tier]| {
        list.iter().fold(Tiers::NONE, |set, t| {
            set.with(match t {
                Tier::Innovative => Tiers::INNOVATIVE,
                Tier::Specialized => Tiers::SPECIALIZED,
                Tier::LittleGiant => Tiers::LITTLE_GIANT,
            })
        })
    };
    let after = match &request.cursor {
        None => None,
        Some(text) => {
            let cursor = Cursor::decode(text, request.sort)?;
            Some(After {
                value: cursor.value,
                uscc: cursor.uscc,
            })
        }
    };
    Ok(Some(Query {
        region,
        industries,
        size_classes,
        eligible_for: tiers(&filter.eligible_for),
        candidate_for: tiers(&filter.candidate_for),
        name_contains: filter.name_contains.clone(),
        sort: match request.sort.key {
            SortKey::Uscc => SortBy::Uscc,
            SortKey::Name => SortBy::Name,
            SortKey::Region => SortBy::Region,
        },
        descending: request.sort.descending,
        after,
        limit: request.limit.max(1) as usize,
    }))
}
