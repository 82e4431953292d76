//! Measures bulk upsert throughput: N synthetic enterprise-years (default 100,000) imported in
//! batches of 10,000 through `Registry::import_batch`, on SQLite (temp dir) and PostgreSQL
//! (a fresh schema in `SHANGYUN_TEST_POSTGRES`, default postgres://postgres@127.0.0.1:5432/test).
//! Prints rows/s, first with derivation (size class + 6 tier verdicts per row), then the
//! derivation alone for comparison. A figure printer, not a test.
//!
//! "pipelined" prepares batch N+1 (`Registry::prepare_batch`) while batch N is committed.
//!
//!     cargo run --release -p shangyun-store --example bulk_upsert -- [ROWS] [sqlite|postgres|both]

use futures_util::TryStreamExt;
use shangyun_registry::derive::{derive_enterprise, derive_outcomes};
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_store::{BatchProgress, EnterpriseRecord, Registry, RegistryFilter};
use std::time::Instant;

const BATCH: usize = 10_000;

// As the shangyun binary does: glibc's malloc spends a quarter of the import in
// consolidating freed batch buffers.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A tiny deterministic generator (no dependency needed for a benchmark).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn records(n: usize) -> Vec<EnterpriseRecord> {
    const REGIONS: [&str; 8] = [
        "330106", "330205", "110108", "440305", "320583", "510107", "420111", "370202",
    ];
    const INDUSTRIES: [&str; 8] = [
        "6511", "3311", "5171", "5211", "4710", "7010", "3911", "2710",
    ];
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let region = REGIONS[rng.below(8) as usize];
            let uscc = format!("91{region}{i:09}X");
            let employees = 5 + rng.below(800) as i64;
            let revenue = (50 + rng.below(60_000)) as f64;
            let enterprise = Enterprise {
                uscc: uscc.clone(),
                name: format!("示例企业{i}有限公司"),
                registered_region: region.to_owned(),
                operating_region: None,
                industry: INDUSTRIES[rng.below(8) as usize].to_owned(),
                founded: chrono::NaiveDate::from_ymd_opt(
                    2000 + (i % 24) as i32,
                    1 + (i % 12) as u32,
                    1,
                ),
                contact_name: Some("张三".to_owned()),
                contact_phone: Some(format!("1380000{:04}", i % 10_000)),
                contact_email: None,
            };
            let figures = AnnualFigures {
                uscc,
                year: 2024,
                employees: Some(employees),
                revenue: Some(revenue),
                main_business_revenue: Some(revenue * 0.85),
                assets: Some(revenue * 1.3),
                rd_spend: Some(revenue * 0.04),
                rd_staff: Some(employees / 6),
                net_profit: Some(revenue * 0.07),
                debt_ratio: Some((rng.below(90)) as f64),
                ip_class1: Some(rng.below(4) as i64),
                ip_class1_high_value: Some(0),
                ip_class2: Some(rng.below(10) as i64),
                energy_kwh: Some(revenue * 12.0),
            };
            EnterpriseRecord::new(enterprise, vec![figures])
        })
        .collect()
}

async fn run(
    label: &str,
    registry: &Registry,
    data: &[EnterpriseRecord],
) -> Result<(), Box<dyn std::error::Error>> {
    let start = registry
        .begin_import("bench.csv", &format!("bench-{}", data.len()))
        .await?;
    let id = start.journal.id;
    let t0 = Instant::now();
    let mut through = 0u64;
    for chunk in data.chunks(BATCH) {
        through += chunk.len() as u64;
        let progress = BatchProgress {
            import_id: id,
            rows_through: through,
            rows_ok: chunk.len() as u64,
            rows_bad: 0,
        };
        registry.import_batch(&progress, chunk).await?;
    }
    let first = t0.elapsed();
    let t1 = Instant::now();
    for chunk in data.chunks(BATCH) {
        let progress = BatchProgress {
            import_id: id,
            rows_through: through,
            rows_ok: 0,
            rows_bad: 0,
        };
        registry.import_batch(&progress, chunk).await?;
    }
    let again = t1.elapsed();
    registry.finish_import(id).await?;
    let t2 = Instant::now();
    let exported = registry
        .stream(RegistryFilter::default(), 2000)
        .try_fold(0usize, |n, file| async move { Ok(n + file.figures.len()) })
        .await?;
    let export = t2.elapsed();
    println!(
        "{label:<9} stream export {:>7.0} rows/s ({:.2} s, {exported} enterprise-years)",
        rate(exported, export),
        export.as_secs_f64()
    );
    let count = registry.count(&RegistryFilter::default()).await?;
    println!(
        "{label:<9} first import {:>7.0} rows/s ({:.2} s)   re-import unchanged {:>7.0} rows/s \
         ({:.2} s)   stored {count}",
        rate(data.len(), first),
        first.as_secs_f64(),
        rate(data.len(), again),
        again.as_secs_f64()
    );
    Ok(())
}

/// First import with batch N+1 prepared (read + derived) while batch N is committed.
async fn run_pipelined(
    label: &str,
    registry: &Registry,
    data: &[EnterpriseRecord],
) -> Result<(), Box<dyn std::error::Error>> {
    let start = registry
        .begin_import("bench.csv", &format!("bench-pipelined-{}", data.len()))
        .await?;
    let id = start.journal.id;
    let t0 = Instant::now();
    let mut chunks = data.chunks(BATCH);
    let Some(first) = chunks.next() else {
        return Ok(());
    };
    let mut ready = registry.prepare_batch(first.to_vec()).await?;
    let mut ready_rows = first.len() as u64;
    let mut through = 0u64;
    for next in chunks {
        through += ready_rows;
        let progress = BatchProgress {
            import_id: id,
            rows_through: through,
            rows_ok: ready_rows,
            rows_bad: 0,
        };
        let (committed, prepared) = tokio::join!(
            registry.commit_import_batch(&progress, ready),
            registry.prepare_batch(next.to_vec())
        );
        committed?;
        ready = prepared?;
        ready_rows = next.len() as u64;
    }
    through += ready_rows;
    let progress = BatchProgress {
        import_id: id,
        rows_through: through,
        rows_ok: ready_rows,
        rows_bad: 0,
    };
    registry.commit_import_batch(&progress, ready).await?;
    let took = t0.elapsed();
    registry.finish_import(id).await?;
    let count = registry.count(&RegistryFilter::default()).await?;
    println!(
        "{label:<9} pipelined    {:>7.0} rows/s ({:.2} s)   stored {count}",
        rate(data.len(), took),
        took.as_secs_f64()
    );
    Ok(())
}

fn rate(rows: usize, d: std::time::Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

/// A fresh schema on the test server, dropped afterwards.
async fn with_pg_schema<F, Fut>(
    base: &str,
    tag: &str,
    body: F,
) -> Result<(), Box<dyn std::error::Error>>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>,
{
    use sqlx::Connection;
    let schema = format!("shangyun_bench_{}_{tag}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(base).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let result = body(format!("{base}{sep}options[search_path]={schema}")).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut conn)
        .await?;
    result
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let which = args.get(2).map(String::as_str).unwrap_or("both");
    let data = records(n);
    println!("{n} enterprise-years, batches of {BATCH}");

    let t = Instant::now();
    let mut derived = 0;
    for r in &data {
        derived += derive_enterprise(&r.enterprise, &r.figures, &[]).len();
    }
    println!(
        "derivation alone  {:>7.0} rows/s",
        rate(derived, t.elapsed())
    );
    let t = Instant::now();
    let mut derived = 0;
    for r in &data {
        derived += derive_outcomes(&r.enterprise, &r.figures, &[]).len();
    }
    println!(
        "outcomes alone    {:>7.0} rows/s (as stored: explanations recomputed on read)",
        rate(derived, t.elapsed())
    );

    if which != "postgres" {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("registry.db");
        let registry = Registry::open(&db.to_string_lossy()).await?;
        run("sqlite", &registry, &data).await?;
        registry.close().await;
        // Closing the last connection checkpoints the WAL into the file.
        let size = std::fs::metadata(&db)?.len()
            + std::fs::metadata(dir.path().join("registry.db-wal"))
                .map(|m| m.len())
                .unwrap_or(0);
        println!(
            "          database + WAL size {:.0} MB ({:.0} bytes per enterprise-year)",
            size as f64 / 1e6,
            size as f64 / n as f64
        );
        if std::env::var_os("SHANGYUN_BENCH_KEEP").is_some() {
            println!("          kept {}", db.display());
            std::mem::forget(dir);
        }
        let dir = tempfile::tempdir()?;
        let registry = Registry::open(&dir.path().join("registry.db").to_string_lossy()).await?;
        run_pipelined("sqlite", &registry, &data).await?;
        registry.close().await;
    }
    if which != "sqlite" {
        let base = std::env::var("SHANGYUN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let data = &data;
        with_pg_schema(&base, "a", |url| async move {
            let registry = Registry::open(&url).await?;
            run("postgres", &registry, data).await?;
            registry.close().await;
            Ok(())
        })
        .await?;
        with_pg_schema(&base, "b", |url| async move {
            let registry = Registry::open(&url).await?;
            run_pipelined("postgres", &registry, data).await?;
            registry.close().await;
            Ok(())
        })
        .await?;
    }
    Ok(())
}
