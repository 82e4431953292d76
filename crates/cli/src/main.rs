//! The `shangyun` binary: one command per job, each in its own module.

mod output;
mod rules;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// shangyun (上云) — 中小企业数字化转型平台 / the SME digital-transformation platform.
#[derive(Parser)]
#[command(name = "shangyun", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply an official rule from the command line (规则查询与计算).
    #[command(subcommand)]
    Rules(rules::RulesCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Rules(cmd) => rules::run(cmd),
    }
}
