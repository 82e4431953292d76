//! The server backend: PostgreSQL. Bulk writes send each column as one array and insert with
//! `INSERT … SELECT FROM UNNEST(…)` (plus `ON CONFLICT DO UPDATE` for rows that may be stored):
//! one round trip per table per batch, whatever the batch size. Write transactions hold an
//! advisory lock, so registry writers queue as on SQLite.

use crate::backend::{Backend, NewAudit, Write};
use crate::error::{StoreError, StoreResult};
use crate::filter::{Bind, Placeholder, RegistryFilter, tier_key};
use crate::migrate::{Flavour, migrator};
use crate::plan::{DerivedRow, Existing};
use crate::records::{AuditEntry, AuditQuery};
use crate::rows;
use chrono::{DateTime, NaiveDate, Utc};
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Tier, Title};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Connection, Postgres, Row};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

mod read;

pub(crate) struct PgBackend {
    pool: PgPool,
    target: String,
}

impl PgBackend {
    /// Connects to `url`; `target` is the same URL without password, for messages.
    pub async fn open(url: &str, target: String, connect_timeout: Duration) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl {
            given: target.clone(),
            reason: e.to_string(),
        })?;
        // One direct connection first: the pool retries until its timeout and then reports
        // only "timed out", while this gives the server's own reason (refused, no such
        // database, bad password) at once.
        let probe = tokio::time::timeout(connect_timeout, PgConnection::connect_with(&options))
            .await
            .map_err(|_| StoreError::Unreachable {
                target: target.clone(),
                reason: format!("no answer within {} s", connect_timeout.as_secs_f32()),
            })?
            .map_err(|e| StoreError::from_sqlx(&target, e))?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .acquire_timeout(connect_timeout)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::from_sqlx(&target, e))?;
        Ok(PgBackend { pool, target })
    }

    fn err(&self, e: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.target, e)
    }
}

type PgQuery<'q> = Query<'q, Postgres, PgArguments>;

fn bind_all<'q>(mut query: PgQuery<'q>, binds: &[Bind]) -> PgQuery<'q> {
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

/// The advisory lock every registry write transaction holds, with the schema's hash as the
/// second key (any fixed value: "sy" in ASCII), so nodes sharing one registry write it one
/// transaction at a time, and registries in other schemas of the database do not wait.
const REGISTRY_WRITE_LOCK: i32 = 0x7379;

/// An insert statement, with `conflict` appended unless the rows are known new.
fn insert_sql(write: Write, insert: &str, conflict: &str) -> AssertSqlSafe<String> {
    AssertSqlSafe(match write {
        Write::New => insert.to_owned(),
        Write::Upsert => format!("{insert} {conflict}"),
    })
}

const ENTERPRISE_COLUMNS: &str = "uscc, name, registered_region, operating_region, industry, \
     founded, contact_name, contact_phone, contact_email";

const DERIVED_COLUMNS: &str = "uscc, year, size_class, size_edition, \
     size_explanation::text AS size_explanation, tiers::text AS tiers";

const AUDIT_COLUMNS: &str = "id, at, actor, action, entity, entity_key, \
     before_json::text AS before_json, after_json::text AS after_json";

fn enterprise_from(row: &PgRow) -> Result<Enterprise, sqlx::Error> {
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

fn figures_from(row: &PgRow) -> Result<AnnualFigures, sqlx::Error> {
    Ok(AnnualFigures {
        uscc: row.try_get("uscc")?,
        year: row.try_get("year")?,
        employees: row.try_get("employees")?,
        revenue: row.try_get("revenue")?,
        main_business_revenue: row.try_get("main_business_revenue")?,
        assets: row.try_get("assets")?,
        rd_spend: row.try_get("rd_spend")?,
        rd_staff: row.try_get("rd_staff")?,
        net_profit: row.try_get("net_profit")?,
        debt_ratio: row.try_get("debt_ratio")?,
        ip_class1: row.try_get("ip_class1")?,
        ip_class1_high_value: row.try_get("ip_class1_high_value")?,
        ip_class2: row.try_get("ip_class2")?,
        energy_kwh: row.try_get("energy_kwh")?,
    })
}

fn title_parts(row: &PgRow) -> Result<rows::TitleParts, sqlx::Error> {
    Ok(rows::TitleParts {
        uscc: row.try_get("uscc")?,
        tier: row.try_get("tier")?,
        issued: row.try_get("issued")?,
        expires: row.try_get("expires")?,
        edition: row.try_get("edition")?,
    })
}

fn derived_parts(row: &PgRow) -> Result<rows::DerivedParts, sqlx::Error> {
    Ok(rows::DerivedParts {
        uscc: row.try_get("uscc")?,
        year: row.try_get("year")?,
        size_class: row.try_get("size_class")?,
        size_edition: row.try_get("size_edition")?,
        size_explanation: row.try_get("size_explanation")?,
        tiers: row.try_get("tiers")?,
    })
}

fn audit_parts(row: &PgRow) -> Result<rows::AuditParts, sqlx::Error> {
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

impl Backend for PgBackend {
    type Db = Postgres;

    fn target(&self) -> &str {
        &self.target
    }

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind(REGISTRY_WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        Ok(tx)
    }

    async fn begin_read(&self) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(|e| self.err(e))
    }

    async fn migrate(&self) -> StoreResult<()> {
        migrator(Flavour::Postgres)
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
        conn: &mut PgConnection,
        usccs: &[&str],
    ) -> StoreResult<HashMap<String, Enterprise>> {
        let sql = format!("SELECT {ENTERPRISE_COLUMNS} FROM enterprises WHERE uscc = ANY($1)");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(usccs)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        let mut out = HashMap::with_capacity(rows.len());
        for row in &rows {
            let e = enterprise_from(row).map_err(|e| self.err(e))?;
            out.insert(e.uscc.clone(), e);
        }
        Ok(out)
    }

    async fn load_children(
        &self,
        conn: &mut PgConnection,
        usccs: &[&str],
        existing: &mut Existing,
    ) -> StoreResult<()> {
        let rows =
            sqlx::query("SELECT * FROM annual_figures WHERE uscc = ANY($1) ORDER BY uscc, year")
                .bind(usccs)
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| self.err(e))?;
        for row in &rows {
            let f = figures_from(row).map_err(|e| self.err(e))?;
            existing.figures.entry(f.uscc.clone()).or_default().push(f);
        }
        let rows =
            sqlx::query("SELECT * FROM titles WHERE uscc = ANY($1) ORDER BY uscc, tier, issued")
                .bind(usccs)
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| self.err(e))?;
        for row in &rows {
            let t = title_parts(row).map_err(|e| self.err(e))?.into_title()?;
            existing.titles.entry(t.uscc.clone()).or_default().push(t);
        }
        Ok(())
    }

    async fn load_derived(
        &self,
        conn: &mut PgConnection,
        usccs: &[&str],
    ) -> StoreResult<HashMap<String, Vec<Derived>>> {
        let sql = format!(
            "SELECT {DERIVED_COLUMNS} FROM derived WHERE uscc = ANY($1) ORDER BY uscc, year"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(usccs)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        let mut out: HashMap<String, Vec<Derived>> = HashMap::new();
        for row in &rows {
            let d = derived_parts(row)
                .map_err(|e| self.err(e))?
                .into_derived()?;
            out.entry(d.uscc.clone()).or_default().push(d);
        }
        Ok(out)
    }

    async fn write_enterprises(
        &self,
        conn: &mut PgConnection,
        rows: &[&Enterprise],
        write: Write,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&Enterprise) -> &str| rows.iter().map(|e| f(e)).collect::<Vec<_>>();
        let opt = |f: fn(&Enterprise) -> Option<&str>| {
            rows.iter().map(|e| f(e)).collect::<Vec<Option<&str>>>()
        };
        let founded: Vec<Option<NaiveDate>> = rows.iter().map(|e| e.founded).collect();
        sqlx::query(insert_sql(
            write,
            "INSERT INTO enterprises (uscc, name, registered_region, operating_region, industry, \
             founded, contact_name, contact_phone, contact_email, updated_at) \
             SELECT u.*, $10 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], \
             $5::text[], $6::date[], $7::text[], $8::text[], $9::text[]) AS u",
            "ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, \
             registered_region = excluded.registered_region, \
             operating_region = excluded.operating_region, industry = excluded.industry, \
             founded = excluded.founded, contact_name = excluded.contact_name, \
             contact_phone = excluded.contact_phone, contact_email = excluded.contact_email, \
             updated_at = excluded.updated_at",
        ))
        .bind(col(|e| &e.uscc))
        .bind(col(|e| &e.name))
        .bind(col(|e| &e.registered_region))
        .bind(opt(|e| e.operating_region.as_deref()))
        .bind(col(|e| &e.industry))
        .bind(founded)
        .bind(opt(|e| e.contact_name.as_deref()))
        .bind(opt(|e| e.contact_phone.as_deref()))
        .bind(opt(|e| e.contact_email.as_deref()))
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn write_figures(
        &self,
        conn: &mut PgConnection,
        rows: &[&AnnualFigures],
        write: Write,
    ) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let ints = |f: fn(&AnnualFigures) -> Option<i64>| {
            rows.iter().map(|r| f(r)).collect::<Vec<Option<i64>>>()
        };
        let reals = |f: fn(&AnnualFigures) -> Option<f64>| {
            rows.iter().map(|r| f(r)).collect::<Vec<Option<f64>>>()
        };
        sqlx::query(insert_sql(
            write,
            "INSERT INTO annual_figures (uscc, year, employees, revenue, main_business_revenue, \
             assets, rd_spend, rd_staff, net_profit, debt_ratio, ip_class1, \
             ip_class1_high_value, ip_class2, energy_kwh) \
             SELECT * FROM UNNEST($1::text[], $2::int4[], $3::int8[], $4::float8[], \
             $5::float8[], $6::float8[], $7::float8[], $8::int8[], $9::float8[], $10::float8[], \
             $11::int8[], $12::int8[], $13::int8[], $14::float8[])",
            "ON CONFLICT (uscc, year) DO UPDATE SET employees = excluded.employees, \
             revenue = excluded.revenue, main_business_revenue = excluded.main_business_revenue, \
             assets = excluded.assets, rd_spend = excluded.rd_spend, \
             rd_staff = excluded.rd_staff, net_profit = excluded.net_profit, \
             debt_ratio = excluded.debt_ratio, ip_class1 = excluded.ip_class1, \
             ip_class1_high_value = excluded.ip_class1_high_value, \
             ip_class2 = excluded.ip_class2, energy_kwh = excluded.energy_kwh",
        ))
        .bind(rows.iter().map(|r| r.uscc.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.year).collect::<Vec<i32>>())
        .bind(ints(|r| r.employees))
        .bind(reals(|r| r.revenue))
        .bind(reals(|r| r.main_business_revenue))
        .bind(reals(|r| r.assets))
        .bind(reals(|r| r.rd_spend))
        .bind(ints(|r| r.rd_staff))
        .bind(reals(|r| r.net_profit))
        .bind(reals(|r| r.debt_ratio))
        .bind(ints(|r| r.ip_class1))
        .bind(ints(|r| r.ip_class1_high_value))
        .bind(ints(|r| r.ip_class2))
        .bind(reals(|r| r.energy_kwh))
        .execute(&mut *conn)
        .await
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn write_titles(&self, conn: &mut PgConnection, rows: &[&Title]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO titles (uscc, tier, issued, expires, edition) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::date[], $4::date[], $5::text[]) \
             ON CONFLICT (uscc, tier, issued) DO UPDATE SET expires = excluded.expires, \
             edition = excluded.edition",
        )
        .bind(rows.iter().map(|t| t.uscc.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|t| tier_key(t.tier)).collect::<Vec<_>>())
        .bind(rows.iter().map(|t| t.issued).collect::<Vec<_>>())
        .bind(rows.iter().map(|t| t.expires).collect::<Vec<_>>())
        .bind(rows.iter().map(|t| t.edition.as_str()).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn write_derived(
        &self,
        conn: &mut PgConnection,
        rows: &[DerivedRow],
        write: Write,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let encoded = rows
            .iter()
            .map(rows::EncodedDerived::new)
            .collect::<StoreResult<Vec<_>>>()?;
        let summary = |tier: Tier| {
            rows.iter()
                .map(|r| r.tier_summary(tier))
                .collect::<Vec<_>>()
        };
        sqlx::query(insert_sql(
            write,
            "INSERT INTO derived (uscc, year, is_latest, size_class, size_edition, \
             size_explanation, tier_innovative, tier_specialized, tier_little_giant, tiers, \
             computed_at) \
             SELECT u.uscc, u.year, u.is_latest, u.size_class, u.size_edition, \
             u.size_explanation::json, u.ti, u.ts, u.tl, u.tiers::json, $11 \
             FROM UNNEST($1::text[], $2::int4[], $3::bool[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) \
             AS u (uscc, year, is_latest, size_class, size_edition, size_explanation, ti, ts, tl, \
             tiers)",
            "ON CONFLICT (uscc, year) DO UPDATE SET is_latest = excluded.is_latest, \
             size_class = excluded.size_class, size_edition = excluded.size_edition, \
             size_explanation = excluded.size_explanation, \
             tier_innovative = excluded.tier_innovative, \
             tier_specialized = excluded.tier_specialized, \
             tier_little_giant = excluded.tier_little_giant, tiers = excluded.tiers, \
             computed_at = excluded.computed_at",
        ))
        .bind(
            rows.iter()
                .map(|r| r.derived.uscc.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(rows.iter().map(|r| r.derived.year).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.is_latest).collect::<Vec<_>>())
        .bind(
            rows.iter()
                .map(|r| r.derived.size_class.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.derived.size_edition.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|_| rows::EXPLAINED_ON_READ)
                .collect::<Vec<_>>(),
        )
        .bind(summary(Tier::Innovative))
        .bind(summary(Tier::Specialized))
        .bind(summary(Tier::LittleGiant))
        .bind(encoded.iter().map(|e| e.tiers.as_str()).collect::<Vec<_>>())
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn append_audit(
        &self,
        conn: &mut PgConnection,
        actor: &str,
        now: DateTime<Utc>,
        entries: &[NewAudit],
    ) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let encoded = entries
            .iter()
            .map(rows::EncodedAudit::new)
            .collect::<StoreResult<Vec<_>>>()?;
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, \
             after_json) \
             SELECT $1, $2, u.action, u.entity, u.entity_key, u.before_json::jsonb, \
             u.after_json::jsonb \
             FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
             WITH ORDINALITY AS u (action, entity, entity_key, before_json, after_json, n) \
             ORDER BY u.n",
        )
        .bind(now)
        .bind(actor)
        .bind(entries.iter().map(|e| e.action).collect::<Vec<_>>())
        .bind(entries.iter().map(|e| e.entity).collect::<Vec<_>>())
        .bind(
            entries
                .iter()
                .map(|e| e.entity_key.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            encoded
                .iter()
                .map(|e| e.before.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            encoded
                .iter()
                .map(|e| e.after.as_deref())
                .collect::<Vec<_>>(),
        )
        .execute(&mut *conn)
        .await
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn read_audit(
        &self,
        conn: &mut PgConnection,
        query: &AuditQuery,
    ) -> StoreResult<Vec<AuditEntry>> {
        let limit = i64::from(query.limit.unwrap_or(100));
        let rows = match &query.entity_key {
            Some(key) => {
                let sql = format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE entity_key = $1 \
                     ORDER BY id DESC LIMIT $2"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(key.as_str())
                    .bind(limit)
                    .fetch_all(&mut *conn)
                    .await
            }
            None => {
                let sql =
                    format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1");
                sqlx::query(AssertSqlSafe(sql))
                    .bind(limit)
                    .fetch_all(&mut *conn)
                    .await
            }
        }
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|row| {
                audit_parts(row)
                    .map_err(|e| self.err(e))
                    .and_then(rows::AuditParts::into_entry)
            })
            .collect()
    }

    async fn select_enterprises(
        &self,
        conn: &mut PgConnection,
        filter: &RegistryFilter,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<Enterprise>> {
        let mut compiled = filter.compile(Placeholder::Dollar)?;
        let mut sql = format!(
            "SELECT e.uscc, e.name, e.registered_region, e.operating_region, e.industry, \
             e.founded, e.contact_name, e.contact_phone, e.contact_email \
             FROM enterprises e WHERE {}",
            compiled.sql
        );
        if let Some(after) = after {
            let mark = compiled.bind(Bind::Text(after.to_owned()));
            sql += &format!(" AND e.uscc > {mark}");
        }
        let mark = compiled.bind(Bind::Int(i64::from(limit)));
        sql += &format!(" ORDER BY e.uscc LIMIT {mark}");
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &compiled.binds)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|row| enterprise_from(row).map_err(|e| self.err(e)))
            .collect()
    }

    async fn count_enterprises(
        &self,
        conn: &mut PgConnection,
        filter: &RegistryFilter,
    ) -> StoreResult<u64> {
        let compiled = filter.compile(Placeholder::Dollar)?;
        let sql = format!("SELECT count(*) FROM enterprises e WHERE {}", compiled.sql);
        let row = bind_all(sqlx::query(AssertSqlSafe(sql)), &compiled.binds)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        let n: i64 = row.try_get(0).map_err(|e| self.err(e))?;
        Ok(rows::count(n))
    }

    async fn count_orphans(&self, conn: &mut PgConnection) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(crate::backend::ORPHAN_ROWS)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
        Ok(rows::count(n))
    }

    crate::journal::journal_statements!();
}
