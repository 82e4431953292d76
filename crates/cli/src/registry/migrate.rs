//! `shangyun migrate`: bring the database schema up to date (safe to run any number of times).

use super::open;
use crate::output;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
Creates the data directory and database when missing. Exit status: 0 up to date, 2 the \
database cannot be opened, is locked, or was written by a newer shangyun.")]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    database: String,
    backend: &'static str,
    schema_version_before: i64,
    schema_version: i64,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    // Open without migrating first, to report the version found.
    let session = match open::open(database, false) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let registry = &session.registry;
    let outcome = session.runtime.block_on(async {
        let before = registry.schema_version().await?;
        registry.migrate().await?;
        let after = registry.schema_version().await?;
        Ok::<_, shangyun_store::StoreError>((before, after))
    });
    let (before, after) = match outcome {
        Ok(v) => v,
        Err(e) => return open::store_error(e),
    };
    let location = registry.location();
    let report = Report {
        database: location.display_target(),
        backend: location.backend_name(),
        schema_version_before: before,
        schema_version: after,
    };
    output::emit(args.json, &report, || {
        if before == after {
            format!(
                "数据库已是最新 / schema up to date: version {after} ({}, {})",
                report.backend, report.database
            )
        } else {
            format!(
                "数据库已迁移 / migrated: version {before} → {after} ({}, {})",
                report.backend, report.database
            )
        }
    });
    ExitCode::from(output::OK)
}
