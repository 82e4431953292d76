//! Opening the registry for a command: the location from `--database` / the environment, a
//! runtime for the async store, and store errors turned into exit code 2.

use crate::output;
use shangyun_store::{DatabaseLocation, OpenOptions, Registry, StoreError};
use std::process::ExitCode;

/// What a registry command runs in: a single-threaded runtime (SQLite has its own worker
/// thread; PostgreSQL needs no more) and the opened registry.
pub struct Session {
    pub runtime: tokio::runtime::Runtime,
    pub registry: Registry,
}

/// Where the registry lives: `--database` if given (clap already read `SHANGYUN_DATABASE`
/// into it), else `SHANGYUN_DATA`, else `./shangyun-data/registry.db`.
pub fn location(database: Option<&str>) -> Result<DatabaseLocation, StoreError> {
    match database {
        Some(given) => DatabaseLocation::parse(given),
        None => DatabaseLocation::from_env(),
    }
}

/// Opens the registry (applying migrations unless `migrate` is false), or returns the exit
/// code after printing why not.
pub fn open(database: Option<&str>, migrate: bool) -> Result<Session, ExitCode> {
    open_in(runtime()?, database, migrate)
}

/// A single-threaded runtime for a command.
pub fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| output::usage_error(format!("cannot start the async runtime: {e}")))
}

/// [`open`] on a runtime the command already runs.
pub fn open_in(
    runtime: tokio::runtime::Runtime,
    database: Option<&str>,
    migrate: bool,
) -> Result<Session, ExitCode> {
    let location = location(database).map_err(store_error)?;
    let options = OpenOptions {
        migrate,
        actor: actor(),
        // One-shot commands do not search: no listing index to build.
        listing_index: false,
        ..OpenOptions::default()
    };
    let registry = runtime
        .block_on(Registry::open_location(&location, &options))
        .map_err(store_error)?;
    Ok(Session { runtime, registry })
}

/// The person acting, for the audit log: `$SHANGYUN_ACTOR`, else the login name.
fn actor() -> String {
    ["SHANGYUN_ACTOR", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "cli".to_owned())
}

/// Prints a store error and gives exit code 2 (a problem with the database or its location,
/// not with the data).
pub fn store_error(err: StoreError) -> ExitCode {
    output::usage_error(err)
}
