//! The `shangyun` binary: one command per job, each in its own module.

mod output;
mod registry;
mod rules;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// shangyun (上云) — 中小企业数字化转型平台 / the SME digital-transformation platform.
#[derive(Parser)]
#[command(name = "shangyun", version, about)]
struct Cli {
    /// The registry database: a path or sqlite://PATH (embedded, the default
    /// ./shangyun-data/registry.db, or registry.db in $SHANGYUN_DATA), or
    /// postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, global = true, env = "SHANGYUN_DATABASE", value_name = "URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply an official rule from the command line (规则查询与计算).
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Bring the registry database schema up to date (数据库迁移).
    Migrate(registry::MigrateArgs),
    /// Recompute size class and tier verdicts for every enterprise (重新划型与梯度判定).
    Classify(registry::ClassifyArgs),
    /// The enterprise registry (一企一档).
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Rules(cmd) => rules::run(cmd),
        Command::Migrate(args) => registry::migrate(cli.database.as_deref(), args),
        Command::Classify(args) => registry::classify(cli.database.as_deref(), args),
        Command::Registry(cmd) => registry::run(cli.database.as_deref(), cmd),
    }
}
