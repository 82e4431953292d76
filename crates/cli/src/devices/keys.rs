//! provision-key add | list | revoke.

use crate::output;
use clap::{Args, Subcommand};
use shangyun_device_store::{DeviceStore, DeviceStoreError};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Create a key; devices presenting it (and its secret) register themselves.
    Add(AddArgs),
    /// List keys (never their secrets).
    List(ListArgs),
    /// Revoke a key (devices it issued keep their own credentials).
    Revoke(RevokeArgs),
}

#[derive(Args)]
pub struct AddArgs {
    /// Devices provisioned with this key belong to this enterprise (USCC).
    #[arg(long)]
    enterprise: Option<String>,
    /// … and get this device type.
    #[arg(long = "type", value_name = "TYPE")]
    device_type: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    enterprise: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RevokeArgs {
    key: String,
}

pub async fn run(
    store: &DeviceStore,
    actor: &str,
    c: KeyCommand,
) -> Result<ExitCode, DeviceStoreError> {
    match c {
        KeyCommand::Add(a) => {
            let (key, secret) = store
                .add_provision_key(a.enterprise.as_deref(), a.device_type.as_deref(), actor)
                .await?;
            output::emit(
                a.json,
                &serde_json::json!({"provisionDeviceKey": key, "provisionDeviceSecret": secret}),
                || {
                    format!(
                        "provisionDeviceKey:    {key}\nprovisionDeviceSecret: {secret}  (shown once)"
                    )
                },
            );
        }
        KeyCommand::List(a) => {
            let keys = store.list_provision_keys(a.enterprise.as_deref()).await?;
            output::emit(a.json, &keys, || {
                keys.iter()
                    .map(|k| {
                        format!(
                            "{}  enterprise {}  type {}{}",
                            k.key,
                            k.enterprise.as_deref().unwrap_or("-"),
                            k.device_type.as_deref().unwrap_or("-"),
                            if k.revoked { "  REVOKED" } else { "" }
                        )
                    })
                    .chain(std::iter::once(format!("{} key(s)", keys.len())))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        KeyCommand::Revoke(a) => {
            if !store.revoke_provision_key(&a.key, actor).await? {
                return Err(DeviceStoreError::NotFound(format!(
                    "provisioning key {}",
                    a.key
                )));
            }
            output::print_line(&format!("provisioning key {} revoked", a.key));
        }
    }
    Ok(ExitCode::SUCCESS)
}
