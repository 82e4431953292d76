//! Registry commands: `shangyun migrate`, `shangyun classify`, `shangyun registry …`. They
//! open the database named by the global `--database` (or `SHANGYUN_DATABASE`, else
//! `./shangyun-data/registry.db`); every failure to open is a usage error (exit 2) with the
//! store's message saying what to do next.

mod classify;
mod migrate;
mod open;
mod show;

pub use classify::Args as ClassifyArgs;
pub use migrate::Args as MigrateArgs;

use clap::Subcommand;
use std::process::ExitCode;

/// `shangyun registry …`: the enterprise file (一企一档).
#[derive(Subcommand)]
pub enum RegistryCommand {
    /// Print one enterprise's file: identity, figures per year, titles, size class and tier
    /// verdicts with their rule editions.
    Show(show::Args),
}

pub fn run(database: Option<&str>, cmd: RegistryCommand) -> ExitCode {
    match cmd {
        RegistryCommand::Show(args) => show::run(database, args),
    }
}

pub fn migrate(database: Option<&str>, args: MigrateArgs) -> ExitCode {
    migrate::run(database, args)
}

pub fn classify(database: Option<&str>, args: ClassifyArgs) -> ExitCode {
    classify::run(database, args)
}
