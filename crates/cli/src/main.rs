//! The `shangyun` binary: one command per job, each in its own module.

mod devices;
mod energy;
mod output;
mod registry;
mod rules;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

// The import allocates and frees a batch of records every few milliseconds; glibc's malloc
// spends a large share of the import consolidating those frees, mimalloc does not. With the
// "override" feature mimalloc also serves C's malloc, i.e. SQLite's page and statement memory.
// Batch commands also keep freed memory (shangyun-allocator).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// shangyun (上云) — 中小企业数字化转型平台 / the SME digital-transformation platform.
#[derive(Parser)]
#[command(name = "shangyun", version, about)]
struct Cli {
    /// The registry database: a path or sqlite://PATH (embedded, the default
    /// ./shangyun-data/registry.db, or registry.db in $SHANGYUN_DATA), or
    /// postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, global = true, env = "SHANGYUN_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// What to do; without one, `start`.
    #[command(subcommand)]
    command: Option<Command>,
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
    /// Import enterprises from a CSV or XLSX file (导入企业名录).
    Import(registry::ImportArgs),
    /// Export the registry, or a filtered part, to XLSX or CSV (导出).
    Export(registry::ExportArgs),
    /// Load a synthetic demo registry, or write one as an import file (示例数据).
    Demo(registry::DemoArgs),
    /// Create the database, load demo data when empty, and show what is there (启动；默认命令).
    Start(registry::StartArgs),
    /// Run the HTTP API and the browser console (Web 控制台与接口).
    Serve(serve::Args),
    /// Devices, credentials, provisioning keys, device types and alarms (设备管理).
    #[command(subcommand)]
    Devices(devices::DevicesCommand),
    /// Energy and carbon of an enterprise from its meters, the emission factor beside every
    /// figure (能耗与碳排放).
    Energy(energy::EnergyArgs),
    /// Measured evidence for the digital-level assessment (数字化评测证据).
    Evidence(energy::EvidenceArgs),
    /// External-broker mode: one ingest node on an existing MQTT broker's shared subscription
    /// (外部 MQTT 代理接入; see crates/bridge/README.md).
    Bridge(shangyun_bridge::cli::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let database = cli.database.as_deref();
    if matches!(
        cli.command,
        Some(Command::Import(_) | Command::Demo(_) | Command::Classify(_))
    ) {
        shangyun_allocator::keep_freed_memory();
    }
    match cli.command {
        Some(Command::Rules(cmd)) => rules::run(cmd),
        Some(Command::Migrate(args)) => registry::migrate(database, args),
        Some(Command::Classify(args)) => registry::classify(database, args),
        Some(Command::Registry(cmd)) => registry::run(database, cmd),
        Some(Command::Import(args)) => registry::import(database, args),
        Some(Command::Export(args)) => registry::export(database, args),
        Some(Command::Demo(args)) => registry::demo(database, args),
        Some(Command::Start(args)) => registry::start(database, args),
        Some(Command::Serve(args)) => serve::run(database, args),
        Some(Command::Devices(cmd)) => devices::run(database, cmd),
        Some(Command::Energy(args)) => energy::energy(database, args),
        Some(Command::Evidence(args)) => energy::evidence(database, args),
        Some(Command::Bridge(args)) => shangyun_bridge::cli::main(args),
        None => registry::start(database, registry::StartArgs::default()),
    }
}
