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
