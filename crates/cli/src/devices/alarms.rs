//! alarms list | ack.

use crate::output;
use clap::{Args, Subcommand};
use shangyun_device_store::{AlarmFilter, DeviceStore, DeviceStoreError};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AlarmsCommand {
    /// Alarms, newest first.
    List(ListArgs),
    /// Acknowledge an alarm.
    Ack(AckArgs),
    /// Give one device its own alarm rules (a TOML file of `[[alarms]]`, as in a thing model;
    /// a rule with a type rule's id replaces it). Without a file: show them. A running server
    /// applies them at its next start.
    Rules(RulesArgs),
}

#[derive(Args)]
pub struct RulesArgs {
    /// Device id.
    id: i64,
    /// TOML file with `[[alarms]]` entries; an empty file removes the device's own rules.
    file: Option<std::path::PathBuf>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    alarms: Vec<shangyun_devices::AlarmRule>,
}

async fn rules(
    store: &DeviceStore,
    actor: &str,
    a: RulesArgs,
) -> Result<ExitCode, DeviceStoreError> {
    let device = shangyun_devices::DeviceId(a.id);
    let record = store
        .device_record(device)
        .await?
        .ok_or_else(|| DeviceStoreError::NotFound(format!("device {}", a.id)))?;
    let Some(path) = a.file else {
        let all = store.device_alarm_rules().await?;
        let mine = all
            .into_iter()
            .find(|(d, _)| *d == device)
            .map(|(_, r)| r)
            .unwrap_or_default();
        let text = toml::to_string(&serde_json::json!({"alarms": mine}))
            .map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
        output::print_line(text.trim_end());
        return Ok(ExitCode::SUCCESS);
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| DeviceStoreError::Invalid(format!("{}: {e}", path.display())))?;
    let file: RulesFile = toml::from_str(&text)
        .map_err(|e| DeviceStoreError::Invalid(format!("{}: {e}", path.display())))?;
    if let Some(model) = record
        .identity
        .device_type
        .as_deref()
        .and_then(|t| store.device_type(t))
    {
        for r in &file.alarms {
            if r.key != "*" && model.property(&r.key).is_none() {
                return Err(DeviceStoreError::Invalid(format!(
                    "{}: alarm {:?}: {:?} is not a property of device type {:?}",
                    path.display(),
                    r.id,
                    r.key,
                    model.name
                )));
            }
        }
    }
    store
        .set_device_alarm_rules(device, &file.alarms, actor)
        .await?;
    output::print_line(&format!(
        "device {}: {} own alarm rule(s) stored",
        a.id,
        file.alarms.len()
    ));
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ListArgs {
    /// Only active (not cleared) alarms.
    #[arg(long)]
    active: bool,
    #[arg(long)]
    device: Option<i64>,
    #[arg(long)]
    enterprise: Option<String>,
    #[arg(long, default_value_t = 100)]
    limit: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct AckArgs {
    id: i64,
}

pub async fn run(
    store: &DeviceStore,
    actor: &str,
    c: AlarmsCommand,
) -> Result<ExitCode, DeviceStoreError> {
    match c {
        AlarmsCommand::List(a) => {
            let alarms = store
                .list_alarms(&AlarmFilter {
                    device: a.device,
                    enterprises: a.enterprise.map(|e| vec![e]),
                    active_only: a.active,
                    limit: a.limit,
                    ..AlarmFilter::default()
                })
                .await?;
            output::emit(a.json, &alarms, || {
                alarms
                    .iter()
                    .map(|x| {
                        format!(
                            "{:>6}  {:<13} {:<20} {:<24} {}{}{}",
                            x.id,
                            x.severity.as_str(),
                            x.device_name,
                            x.rule,
                            x.message,
                            if x.cleared_ms.is_some() {
                                "  cleared"
                            } else {
                                "  ACTIVE"
                            },
                            if x.acked_ms.is_some() { "  acked" } else { "" }
                        )
                    })
                    .chain(std::iter::once(format!("{} alarm(s)", alarms.len())))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        AlarmsCommand::Rules(a) => return rules(store, actor, a).await,
        AlarmsCommand::Ack(a) => {
            let now = shangyun_device_store::now_ms();
            let x = store.acknowledge_alarm(a.id, actor, now).await?;
            output::print_line(&format!(
                "alarm {} acknowledged by {}",
                x.id,
                x.acked_by.as_deref().unwrap_or(actor)
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
