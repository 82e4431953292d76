//! Registry commands: `shangyun migrate`, `shangyun classify`, `shangyun registry …`. They
//! open the database named by the global `--database` (or `SHANGYUN_DATABASE`, else
//! `./shangyun-data/registry.db`); every failure to open is a usage error (exit 2) with the
//! store's message saying what to do next.

mod classify;
mod demo;
mod export;
mod import;
mod migrate;
mod open;
mod show;
mod start;

pub use classify::Args as ClassifyArgs;
pub use demo::Args as DemoArgs;
pub use export::Args as ExportArgs;
pub use import::Args as ImportArgs;
pub use migrate::Args as MigrateArgs;
pub use start::Args as StartArgs;

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

pub fn import(database: Option<&str>, args: ImportArgs) -> ExitCode {
    import::run(database, args)
}

pub fn export(database: Option<&str>, args: ExportArgs) -> ExitCode {
    export::run(database, args)
}

pub fn demo(database: Option<&str>, args: DemoArgs) -> ExitCode {
    demo::run(database, args)
}

pub fn start(database: Option<&str>, args: StartArgs) -> ExitCode {
    start::run(database, args)
}
