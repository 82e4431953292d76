//! `shangyun devices …` — devices, credentials, provisioning keys, device types and alarms
//! (设备管理). Secrets (tokens, provisioning secrets) are printed once, when issued.

mod alarms;
mod keys;
mod manage;
mod types;

use crate::output;
use clap::Subcommand;
use shangyun_device_store::{DeviceStore, DeviceStoreError};
use shangyun_store::DatabaseLocation;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum DevicesCommand {
    /// Register a device and issue its credentials (注册设备).
    Add(manage::AddArgs),
    /// List devices (设备列表).
    List(manage::ListArgs),
    /// One device: identity, credentials kind, presence (设备详情).
    Show(manage::ShowArgs),
    /// Access tokens (访问令牌).
    #[command(subcommand)]
    Token(manage::TokenCommand),
    /// Remove every credential of a device: it can no longer connect (吊销凭证).
    Revoke(manage::ShowArgs),
    /// Set MQTT client id / user name / password credentials (MQTT 凭证).
    SetMqtt(manage::SetMqttArgs),
    /// Provisioning keys that let devices register themselves (设备预配密钥).
    #[command(subcommand, name = "provision-key")]
    ProvisionKey(keys::KeyCommand),
    /// Device types (thing models, 物模型).
    #[command(subcommand)]
    Types(types::TypesCommand),
    /// Alarms (告警).
    #[command(subcommand)]
    Alarms(alarms::AlarmsCommand),
}

pub fn run(database: Option<&str>, cmd: DevicesCommand) -> ExitCode {
    if let DevicesCommand::Types(types::TypesCommand::Check(args)) = &cmd {
        return types::check(args);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return output::usage_error(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async move {
        let store = match open(database).await {
            Ok(s) => s,
            Err(e) => return failure(&e),
        };
        let actor = actor();
        let result = match cmd {
            DevicesCommand::Add(a) => manage::add(&store, &actor, a).await,
            DevicesCommand::List(a) => manage::list(&store, a).await,
            DevicesCommand::Show(a) => manage::show(&store, a).await,
            DevicesCommand::Token(c) => manage::token(&store, &actor, c).await,
            DevicesCommand::Revoke(a) => manage::revoke(&store, &actor, a).await,
            DevicesCommand::SetMqtt(a) => manage::set_mqtt(&store, &actor, a).await,
            DevicesCommand::ProvisionKey(c) => keys::run(&store, &actor, c).await,
            DevicesCommand::Types(c) => types::run(&store, &actor, c).await,
            DevicesCommand::Alarms(c) => alarms::run(&store, &actor, c).await,
        };
        store.close().await;
        match result {
            Ok(code) => code,
            Err(e) => failure(&e),
        }
    })
}

async fn open(database: Option<&str>) -> Result<DeviceStore, DeviceStoreError> {
    let location = match database {
        Some(given) => DatabaseLocation::parse(given),
        None => DatabaseLocation::from_env(),
    }
    .map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
    DeviceStore::open_location(&location).await
}

/// The person acting, for the audit log: `$SHANGYUN_ACTOR`, else the login name.
fn actor() -> String {
    let who = ["SHANGYUN_ACTOR", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("cli:{who}")
}

/// Exit 1 for refused input (bad name, unknown device), 2 for a database failure.
fn failure(e: &DeviceStoreError) -> ExitCode {
    eprintln!("error: {e}");
    match e {
        DeviceStoreError::Database { .. } => ExitCode::from(output::USAGE),
        _ => ExitCode::from(output::INVALID),
    }
}
