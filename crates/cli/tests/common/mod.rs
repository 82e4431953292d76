//! Shared by the integration tests: running the built `shangyun` binary on temp databases,
//! fixtures, reading a database back, throw-away PostgreSQL schemas.

#![allow(dead_code)]

use shangyun_store::{Registry, RegistryFilter};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The binary under test, with the environment that would pick another database removed.
pub fn shangyun() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shangyun"));
    command
        .env_remove("SHANGYUN_DATABASE")
        .env_remove("SHANGYUN_DATA")
        .env("SHANGYUN_ACTOR", "cli-test");
    command
}

/// Runs `shangyun --database DB ARGS…` and waits.
pub fn run(database: &str, args: &[&str]) -> std::io::Result<Output> {
    shangyun()
        .arg("--database")
        .arg(database)
        .args(args)
        .output()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Stdout, stderr and exit code, for assertion messages.
pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// A file of tests/fixtures/import.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

/// Copies a fixture into `dir` (the error report is written beside the input; the fixtures
/// stay clean).
pub fn fixture_copy(name: &str, dir: &Path) -> std::io::Result<PathBuf> {
    let to = dir.join(name);
    std::fs::copy(fixture(name), &to)?;
    Ok(to)
}

pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Enterprises and enterprise-years stored.
pub fn counts(database: &str) -> Result<(u64, u64), Box<dyn std::error::Error>> {
    runtime()?.block_on(async {
        let registry = Registry::open(database).await?;
        let enterprises = registry.count(&RegistryFilter::default()).await?;
        let mut years = 0u64;
        let mut after: Option<String> = None;
        loop {
            let page = registry
                .page(&RegistryFilter::default(), after.as_deref(), 1000)
                .await?;
            years += page
                .files
                .iter()
                .map(|f| f.figures.len() as u64)
                .sum::<u64>();
            match page.next_after {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        registry.close().await;
        Ok((enterprises, years))
    })
}

/// Exports the whole registry as CSV into `dir` and returns the file's bytes.
pub fn export_csv(
    database: &str,
    dir: &Path,
    name: &str,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let out_path = dir.join(name);
    let out = run(
        database,
        &["export", "--format", "csv", &out_path.to_string_lossy()],
    )?;
    if out.status.code() != Some(0) {
        return Err(format!("export failed: {}", describe(&out)).into());
    }
    Ok(std::fs::read(out_path)?)
}

/// A content checksum (FNV-1a, 64 bits) — enough to tell two exports apart in a message.
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh schema on the PostgreSQL server of `SHANGYUN_TEST_POSTGRES` (default
/// postgres://postgres@127.0.0.1:5432/test), dropped on drop; its URL selects the schema
/// through `search_path`. An unreachable server fails the test unless
/// `SHANGYUN_SKIP_POSTGRES=1` (then `None`).
pub struct PgSchema {
    pub url: String,
    admin_url: String,
    schema: String,
}

impl PgSchema {
    pub fn create() -> Result<Option<PgSchema>, Box<dyn std::error::Error>> {
        use sqlx::Connection;
        if std::env::var("SHANGYUN_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("SHANGYUN_SKIP_POSTGRES=1: PostgreSQL test skipped");
            return Ok(None);
        }
        let admin_url = std::env::var("SHANGYUN_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_POSTGRES.to_owned());
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!("shangyun_cli_test_{}_{nanos}", std::process::id());
        runtime()?.block_on(async {
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.map_err(|e| {
                format!(
                    "PostgreSQL at {admin_url} is unreachable ({e}); start it, point \
                     SHANGYUN_TEST_POSTGRES elsewhere, or set SHANGYUN_SKIP_POSTGRES=1"
                )
            })?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            Ok::<(), Box<dyn std::error::Error>>(())
        })?;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        Ok(Some(PgSchema {
            url: format!("{admin_url}{sep}options[search_path]={schema}"),
            admin_url,
            schema,
        }))
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        use sqlx::Connection;
        if let Ok(runtime) = runtime() {
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
                    let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await;
                }
            });
        }
    }
}
