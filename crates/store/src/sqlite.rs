//! The embedded backend: one SQLite file in WAL mode, one `BEGIN IMMEDIATE` transaction per
//! batch. Writes are multi-row `INSERT … VALUES …` statements (plus `ON CONFLICT DO UPDATE`
//! for rows that may be stored) with anonymous `?` parameters (prepared once per shape and
//! cached). Reads of many rows come back as one `json_group_array(…)` value: the driver's
//! cost is per row fetched, SQLite renders JSON faster than that.

use crate::backend::{Backend, NewAudit, Write};
use crate::error::{StoreError, StoreResult};
use crate::filter::{Bind, Compiled, Placeholder, RegistryFilter};
use crate::migrate::{Flavour, migrator};
use crate::plan::{DerivedRow, Existing};
use crate::records::{AuditEntry, AuditQuery};
use crate::rows;
use crate::wire;
use chrono::{DateTime, Utc};
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Tier, Title};
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, QueryBuilder, Row, Sqlite};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::task::Poll;
use std::time::{Duration, Instant};

mod read;

/// Rows per multi-row `INSERT … VALUES (?, …), …` (at most 14 values each: 7,000 variables,
/// below SQLite's 32766; a full chunk is one cached prepared statement).
const ROWS_PER_STATEMENT: usize = 500;

/// Page size of a new database (SQLite fixes it when the file is created; existing files keep
/// theirs). Larger pages make an import's random inserts cheaper but every random read copy
/// more: 1m-row import 9.97–10.59 s with 8 KiB pages, 9.17–9.20 s with 16 KiB (alternating
/// runs on 2 cores), but `bench-search.sh` on SQLite, 1m firms, 64 clients: search 3,397 req/s,
/// p99 36.3 ms with 8 KiB, 2,260 req/s, p99 50.3 ms with 16 KiB. Reads are what people wait
/// for.
const PAGE_SIZE: u32 = 8 * 1024;

/// WAL bytes between automatic checkpoints (see `wal_autocheckpoint`, counted in pages).
const CHECKPOINT_WAL_BYTES: u32 = 512 * 1024 * 1024;

/// Page cache per connection, in KiB.
const CACHE_KIB: u32 = 64 * 1024;

/// Page cache of a connection while it holds an import transaction, in KiB.
const IMPORT_CACHE_KIB: u32 = 256 * 1024;

/// How long an import leaves the write lock free between two of its transactions. SQLite does
/// not queue writers: one waiting for the lock sleeps in its busy handler and tries again,
/// every 100 ms once it has waited a quarter of a second. An import that began its next
/// transaction at once would win every time, and an edit made in the console meanwhile waited
/// through the whole import and then failed after its busy timeout (measured, 1m rows: one
/// waited 11.9 s). A gap longer than the handler's longest sleep lets every waiter in.
const IMPORT_YIELD: Duration = Duration::from_millis(110);

pub(crate) struct SqliteBackend {
    pool: SqlitePool,
    target: String,
    /// When an import transaction last committed (see [`IMPORT_YIELD`]).
    import_committed: std::sync::Mutex<Option<Instant>>,
}

impl SqliteBackend {
    /// Opens (creating directory and file when missing) the database at `path`.
    pub async fn open(path: &Path, busy_timeout: Duration) -> StoreResult<Self> {
        let target = path.display().to_string();
        prepare_directory(path)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            // Child rows are written only with their enterprise, under the write lock; the
            // declared foreign keys are not re-checked per row (migration 0006).
            .foreign_keys(false)
            .busy_timeout(busy_timeout)
            .statement_cache_capacity(256)
            .page_size(PAGE_SIZE)
            // A 64 MiB page cache per connection (import transactions: IMPORT_CACHE_KIB);
            // temp b-trees in memory.
            .pragma("cache_size", format!("-{CACHE_KIB}"))
            .pragma("temp_store", "memory")
            // Checkpoint every ~512 MiB of WAL instead of every 4 MiB: an import batch
            // rewrites pages all over the trees, and one checkpoint copies each page once
            // however many batches wrote it (1m rows: 29.4–31.1 s with 128 MiB, 27.4–28.6 s
            // with 512 MiB). After a checkpoint the WAL file is cut back to 64 MiB.
            .pragma(
                "wal_autocheckpoint",
                (CHECKPOINT_WAL_BYTES / PAGE_SIZE).to_string(),
            )
            .pragma("journal_size_limit", "67108864");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .acquire_timeout(busy_timeout + Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::from_sqlx(&target, e))?;
        // The first connection is opened lazily by some drivers; make sure the file is usable
        // now, so that a bad path fails at open and not in the middle of an import.
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&pool)
            .await
            .map_err(|e| StoreError::from_sqlx(&target, e))?;
        Ok(SqliteBackend {
            pool,
            target,
            import_committed: std::sync::Mutex::new(None),
        })
    }

    fn err(&self, e: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.target, e)
    }

    /// A write transaction for an import: [`Backend::begin_write`] with a 256 MiB page cache
    /// on its connection until [`SqliteBackend::end_import_write`], so that the pages an
    /// import transaction dirties over several batches stay in memory instead of being
    /// spilled to the WAL and read back (1m rows: 23.9–30.1 s with the usual 64 MiB, 21.0–26.2 s
    /// with 256 MiB; 2m rows: 73.4 → 64.0 s; peak memory +300 to +460 MB).
    pub(crate) async fn begin_import_write(
        &self,
    ) -> StoreResult<sqlx::Transaction<'static, Sqlite>> {
        let committed = *self
            .import_committed
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(gap) = committed.and_then(|at| IMPORT_YIELD.checked_sub(at.elapsed())) {
            tokio::time::sleep(gap).await;
        }
        let mut tx = self.begin_write().await?;
        self.set_cache(&mut tx, IMPORT_CACHE_KIB).await?;
        Ok(tx)
    }

    /// Notes that an import transaction committed: the next waits [`IMPORT_YIELD`].
    pub(crate) fn import_committed(&self) {
        *self
            .import_committed
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    /// Gives the connection its usual page cache back, before the commit (a transaction
    /// rolled back after an error leaves its pooled connection with the larger cache).
    pub(crate) async fn end_import_write(
        &self,
        tx: &mut sqlx::Transaction<'static, Sqlite>,
    ) -> StoreResult<()> {
        self.set_cache(tx, CACHE_KIB).await
    }

    async fn set_cache(&self, conn: &mut SqliteConnection, kib: u32) -> StoreResult<()> {
        sqlx::query(AssertSqlSafe(format!("PRAGMA cache_size = -{kib}")))
            .execute(conn)
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Runs one statement per chunk of `rows`, each built by `build`, and builds the next
    /// while the connection's worker thread executes the current one: the arguments of a
    /// 1m-row import take seconds to build, which otherwise run in series with SQLite.
    async fn execute_chunks<'a, T>(
        &self,
        conn: &mut SqliteConnection,
        rows: &'a [T],
        build: impl Fn(&'a [T]) -> QueryBuilder<Sqlite>,
    ) -> StoreResult<()> {
        let mut chunks = rows.chunks(ROWS_PER_STATEMENT);
        let mut next = chunks.next().map(&build);
        while let Some(mut current) = next.take() {
            let mut running = std::pin::pin!(current.build().execute(&mut *conn));
            // The first poll hands the statement to the worker thread (or finishes it).
            let early = std::future::poll_fn(|cx| Poll::Ready(running.as_mut().poll(cx))).await;
            next = chunks.next().map(&build);
            match early {
                Poll::Ready(done) => done,
                Poll::Pending => running.await,
            }
            .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Runs a query whose single value is a `json_group_array(…)` and decodes it: one value
    /// crosses the driver instead of one message per row.
    async fn fetch_json<T: serde::de::DeserializeOwned>(
        &self,
        conn: &mut SqliteConnection,
        sql: &'static str,
        keys: &str,
    ) -> StoreResult<Vec<T>> {
        let row = sqlx::query(sql)
            .bind(keys)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        let text: Option<String> = row.try_get(0).map_err(|e| self.err(e))?;
        wire::decode(text.as_deref().unwrap_or("[]"))
    }
}

/// Creates the parent directory, and reports a path that cannot hold a database before SQLite
/// gives its terser "unable to open database file".
fn prepare_directory(path: &Path) -> StoreResult<()> {
    let unwritable = |reason: String| StoreError::Unwritable {
        path: path.to_path_buf(),
        reason,
    };
    if path.is_dir() {
        return Err(unwritable("it is a directory".to_owned()));
    }
    let parent: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Name the component that is a file where a directory is needed.
    if let Some(file) = parent.ancestors().find(|a| a.is_file()) {
        return Err(unwritable(format!(
            "{} is a file, not a directory",
            file.display()
        )));
    }
    std::fs::create_dir_all(&parent).map_err(|e| unwritable(e.to_string()))?;
    if !path.exists() {
        let metadata = std::fs::metadata(&parent).map_err(|e| unwritable(e.to_string()))?;
        if metadata.permissions().readonly() {
            return Err(unwritable("its directory is read-only".to_owned()));
        }
    }
    Ok(())
}

/// A REAL column as a JSON number that round-trips: `json_array()` renders doubles with 15
/// significant digits, which loses the last bits; 17 always suffice.
macro_rules! exact {
    ($column:literal) => {
        concat!(
            "CASE WHEN ",
            $column,
            " IS NULL THEN NULL ELSE json(printf('%!.17g', ",
            $column,
            ")) END"
        )
    };
}

/// The conflict clause of an upsert, or none for rows known new.
fn on_conflict(write: Write, clause: &'static str) -> &'static str {
    match write {
        Write::New => "",
        Write::Upsert => clause,
    }
}

type SqliteQuery<'q> = Query<'q, Sqlite, SqliteArguments>;

fn bind_all<'q>(mut query: SqliteQuery<'q>, binds: &[Bind]) -> SqliteQuery<'q> {
    for bind in binds {
        query = match bind {
            Bind::Text(s) => query.bind(s.clone()),
            Bind::Int(i) => query.bind(*i),
            Bind::Bool(b) => query.bind(*b),
            Bind::Date(d) => query.bind(*d),
        };
    }
    query
}

fn enterprise_from(row: &SqliteRow) -> Result<Enterprise, sqlx::Error> {
    Ok(Enterprise {
        uscc: row.try_get("uscc")?,
        name: row.try_get("name")?,
        registered_region: row.try_get("registered_region")?,
        operating_region: row.try_get("operating_region")?,
        industry: row.try_get("industry")?,
        founded: row.try_get("founded")?,
        contact_name: row.try_get("contact_name")?,
        contact_phone: row.try_get("contact_phone")?,
        contact_email: row.try_get("contact_email")?,
    })
}

impl Backend for SqliteBackend {
    type Db = Sqlite;

    fn target(&self) -> &str {
        &self.target
    }

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| self.err(e))
    }

    async fn begin_read(&self) -> StoreResult<sqlx::Transaction<'static, Sqlite>> {
        self.pool.begin().await.map_err(|e| self.err(e))
    }

    async fn migrate(&self) -> StoreResult<()> {
        migrator(Flavour::Sqlite)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::from_migrate(&self.target, e))
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_optional(&self.pool)
            .await;
        match row {
            Ok(Some(row)) => Ok(row
                .try_get::<Option<i64>, _>(0)
                .map_err(|e| self.err(e))?
                .unwrap_or(0)),
            Ok(None) => Ok(0),
            // No bookkeeping table yet: nothing applied.
            Err(sqlx::Error::Database(db)) if db.message().contains("_sqlx_migrations") => Ok(0),
            Err(e) => Err(self.err(e)),
        }
    }

    async fn load_enterprises(
        &self,
        conn: &mut SqliteConnection,
        usccs: &[&str],
    ) -> StoreResult<HashMap<String, Enterprise>> {
        let keys = wire::encode(&usccs, "keys")?;
        let rows: Vec<wire::EnterpriseRow> = self
            .fetch_json(
                conn,
                "SELECT json_group_array(json_array(uscc, name, registered_region, \
                 operating_region, industry, founded, contact_name, contact_phone, \
                 contact_email)) FROM enterprises \
                 WHERE uscc IN (SELECT value FROM json_each(?1))",
                &keys,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let e = wire::enterprise(r);
                (e.uscc.clone(), e)
            })
            .collect())
    }

    async fn load_children(
        &self,
        conn: &mut SqliteConnection,
        usccs: &[&str],
        existing: &mut Existing,
    ) -> StoreResult<()> {
        let keys = wire::encode(&usccs, "keys")?;
        let figures: Vec<wire::FiguresRow> = self
            .fetch_json(
                conn,
                concat!(
                    "SELECT json_group_array(json_array(uscc, year, employees, ",
                    exact!("revenue"),
                    ", ",
                    exact!("main_business_revenue"),
                    ", ",
                    exact!("assets"),
                    ", ",
                    exact!("rd_spend"),
                    ", rd_staff, ",
                    exact!("net_profit"),
                    ", ",
                    exact!("debt_ratio"),
                    ", ip_class1, ip_class1_high_value, ip_class2, ",
                    exact!("energy_kwh"),
                    ")) FROM annual_figures WHERE uscc IN (SELECT value FROM json_each(?1))"
                ),
                &keys,
            )
            .await?;
        for row in figures {
            let f = wire::figures(row);
            existing.figures.entry(f.uscc.clone()).or_default().push(f);
        }
        let titles: Vec<wire::TitleRow> = self
            .fetch_json(
                conn,
                "SELECT json_group_array(json_array(uscc, tier, issued, expires, edition)) \
                 FROM titles WHERE uscc IN (SELECT value FROM json_each(?1))",
                &keys,
            )
            .await?;
        for row in titles {
            let t = wire::title(row)?;
            existing.titles.entry(t.uscc.clone()).or_default().push(t);
        }
        Ok(())
    }

    async fn load_derived(
        &self,
        conn: &mut SqliteConnection,
        usccs: &[&str],
    ) -> StoreResult<HashMap<String, Vec<Derived>>> {
        let keys = wire::encode(&usccs, "keys")?;
        let rows: Vec<wire::DerivedReadRow> = self
            .fetch_json(
                conn,
                "SELECT json_group_array(json_array(uscc, year, size_class, size_edition, \
                 json(size_explanation), json(tiers))) FROM derived \
                 WHERE uscc IN (SELECT value FROM json_each(?1))",
                &keys,
            )
            .await?;
        let mut out: HashMap<String, Vec<Derived>> = HashMap::new();
        for row in rows {
            let d = wire::derived(row)?;
            out.entry(d.uscc.clone()).or_default().push(d);
        }
        Ok(out)
    }

    async fn write_enterprises(
        &self,
        conn: &mut SqliteConnection,
        rows: &[&Enterprise],
        write: Write,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.execute_chunks(conn, rows, |chunk| {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO enterprises (uscc, name, registered_region, operating_region, \
                 industry, founded, contact_name, contact_phone, contact_email, updated_at) ",
            );
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(e.uscc.as_str())
                    .push_bind(e.name.as_str())
                    .push_bind(e.registered_region.as_str())
                    .push_bind(e.operating_region.as_deref())
                    .push_bind(e.industry.as_str())
                    .push_bind(e.founded)
                    .push_bind(e.contact_name.as_deref())
                    .push_bind(e.contact_phone.as_deref())
                    .push_bind(e.contact_email.as_deref())
                    .push_bind(now);
            });
            qb.push(on_conflict(
                write,
                " ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, \
                 registered_region = excluded.registered_region, \
                 operating_region = excluded.operating_region, industry = excluded.industry, \
                 founded = excluded.founded, contact_name = excluded.contact_name, \
                 contact_phone = excluded.contact_phone, contact_email = excluded.contact_email, \
                 updated_at = excluded.updated_at",
            ));
            qb
        })
        .await
    }

    async fn write_figures(
        &self,
        conn: &mut SqliteConnection,
        rows: &[&AnnualFigures],
        write: Write,
    ) -> StoreResult<()> {
        self.execute_chunks(conn, rows, |chunk| {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO annual_figures (uscc, year, employees, revenue, \
                 main_business_revenue, assets, rd_spend, rd_staff, net_profit, debt_ratio, \
                 ip_class1, ip_class1_high_value, ip_class2, energy_kwh) ",
            );
            qb.push_values(chunk, |mut b, f| {
                b.push_bind(f.uscc.as_str())
                    .push_bind(f.year)
                    .push_bind(f.employees)
                    .push_bind(f.revenue)
                    .push_bind(f.main_business_revenue)
                    .push_bind(f.assets)
                    .push_bind(f.rd_spend)
                    .push_bind(f.rd_staff)
                    .push_bind(f.net_profit)
                    .push_bind(f.debt_ratio)
                    .push_bind(f.ip_class1)
                    .push_bind(f.ip_class1_high_value)
                    .push_bind(f.ip_class2)
                    .push_bind(f.energy_kwh);
            });
            qb.push(on_conflict(
                write,
                " ON CONFLICT (uscc, year) DO UPDATE SET employees = excluded.employees, \
                 revenue = excluded.revenue, \
                 main_business_revenue = excluded.main_business_revenue, \
                 assets = excluded.assets, rd_spend = excluded.rd_spend, \
                 rd_staff = excluded.rd_staff, net_profit = excluded.net_profit, \
                 debt_ratio = excluded.debt_ratio, ip_class1 = excluded.ip_class1, \
                 ip_class1_high_value = excluded.ip_class1_high_value, \
                 ip_class2 = excluded.ip_class2, energy_kwh = excluded.energy_kwh",
            ));
            qb
        })
        .await
    }

    async fn write_titles(&self, conn: &mut SqliteConnection, rows: &[&Title]) -> StoreResult<()> {
        self.execute_chunks(conn, rows, |chunk| {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO titles (uscc, tier, issued, expires, edition) ");
            qb.push_values(chunk, |mut b, t| {
                b.push_bind(t.uscc.as_str())
                    .push_bind(crate::filter::tier_key(t.tier))
                    .push_bind(t.issued)
                    .push_bind(t.expires)
                    .push_bind(t.edition.as_str());
            });
            qb.push(
                " ON CONFLICT (uscc, tier, issued) DO UPDATE SET expires = excluded.expires, \
                 edition = excluded.edition",
            );
            qb
        })
        .await
    }

    async fn write_derived(
        &self,
        conn: &mut SqliteConnection,
        rows: &[DerivedRow],
        write: Write,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let encoded = rows
            .iter()
            .map(|row| Ok((row, rows::EncodedDerived::new(row)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        self.execute_chunks(conn, &encoded, |chunk| {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO derived (uscc, year, is_latest, size_class, size_edition, \
                 size_explanation, tier_innovative, tier_specialized, tier_little_giant, tiers, \
                 computed_at) ",
            );
            qb.push_values(chunk, |mut b, (row, json)| {
                let d = &row.derived;
                b.push_bind(d.uscc.as_str())
                    .push_bind(d.year)
                    .push_bind(row.is_latest)
                    .push_bind(d.size_class.as_deref())
                    .push_bind(d.size_edition.as_str())
                    .push_bind(rows::EXPLAINED_ON_READ)
                    .push_bind(row.tier_summary(Tier::Innovative))
                    .push_bind(row.tier_summary(Tier::Specialized))
                    .push_bind(row.tier_summary(Tier::LittleGiant))
                    .push_bind(json.tiers.as_str())
                    .push_bind(now);
            });
            qb.push(on_conflict(
                write,
                " ON CONFLICT (uscc, year) DO UPDATE SET is_latest = excluded.is_latest, \
                 size_class = excluded.size_class, size_edition = excluded.size_edition, \
                 size_explanation = excluded.size_explanation, \
                 tier_innovative = excluded.tier_innovative, \
                 tier_specialized = excluded.tier_specialized, \
                 tier_little_giant = excluded.tier_little_giant, tiers = excluded.tiers, \
                 computed_at = excluded.computed_at",
            ));
            qb
        })
        .await
    }

    async fn append_audit(
        &self,
        conn: &mut SqliteConnection,
        actor: &str,
        now: DateTime<Utc>,
        entries: &[NewAudit],
    ) -> StoreResult<()> {
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            let encoded = chunk
                .iter()
                .map(rows::EncodedAudit::new)
                .collect::<StoreResult<Vec<_>>>()?;
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, \
                 after_json) ",
            );
            qb.push_values(chunk.iter().zip(&encoded), |mut b, (entry, json)| {
                b.push_bind(now)
                    .push_bind(actor)
                    .push_bind(entry.action)
                    .push_bind(entry.entity)
                    .push_bind(entry.entity_key.as_str())
                    .push_bind(json.before.as_deref())
                    .push_bind(json.after.as_deref());
            });
            qb.build()
                .execute(&mut *conn)
                .await
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    async fn read_audit(
        &self,
        conn: &mut SqliteConnection,
        query: &AuditQuery,
    ) -> StoreResult<Vec<AuditEntry>> {
        let limit = i64::from(query.limit.unwrap_or(100));
        let rows = match &query.entity_key {
            Some(key) => {
                sqlx::query(
                    "SELECT * FROM audit_log WHERE entity_key = ?1 ORDER BY id DESC LIMIT ?2",
                )
                .bind(key.as_str())
                .bind(limit)
                .fetch_all(&mut *conn)
                .await
            }
            None => {
                sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?1")
                    .bind(limit)
                    .fetch_all(&mut *conn)
                    .await
            }
        }
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|row| {
                let parts = rows::AuditParts {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    entity: row.try_get("entity")?,
                    entity_key: row.try_get("entity_key")?,
                    before: row.try_get("before_json")?,
                    after: row.try_get("after_json")?,
                };
                Ok(parts)
            })
            .map(|r: Result<rows::AuditParts, sqlx::Error>| {
                r.map_err(|e| self.err(e))
                    .and_then(rows::AuditParts::into_entry)
            })
            .collect()
    }

    async fn select_enterprises(
        &self,
        conn: &mut SqliteConnection,
        filter: &RegistryFilter,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<Enterprise>> {
        let mut compiled: Compiled = filter.compile(Placeholder::Question)?;
        let mut sql = format!("SELECT e.* FROM enterprises e WHERE {}", compiled.sql);
        if let Some(after) = after {
            let mark = compiled.bind(Bind::Text(after.to_owned()));
            sql += &format!(" AND e.uscc > {mark}");
        }
        let mark = compiled.bind(Bind::Int(i64::from(limit)));
        sql += &format!(" ORDER BY e.uscc LIMIT {mark}");
        let query = bind_all(sqlx::query(AssertSqlSafe(sql)), &compiled.binds);
        let rows = query.fetch_all(&mut *conn).await.map_err(|e| self.err(e))?;
        rows.iter()
            .map(|row| enterprise_from(row).map_err(|e| self.err(e)))
            .collect()
    }

    async fn count_enterprises(
        &self,
        conn: &mut SqliteConnection,
        filter: &RegistryFilter,
    ) -> StoreResult<u64> {
        let compiled = filter.compile(Placeholder::Question)?;
        let sql = format!("SELECT count(*) FROM enterprises e WHERE {}", compiled.sql);
        let row = bind_all(sqlx::query(AssertSqlSafe(sql)), &compiled.binds)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        let n: i64 = row.try_get(0).map_err(|e| self.err(e))?;
        Ok(rows::count(n))
    }

    async fn count_orphans(&self, conn: &mut SqliteConnection) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(crate::backend::ORPHAN_ROWS)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        Ok(rows::count(n))
    }

    crate::journal::journal_statements!();
}
