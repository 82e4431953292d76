//! types list | show | check | add (thing models as TOML).

use crate::output;
use clap::{Args, Subcommand};
use shangyun_device_store::{DeviceStore, DeviceStoreError};
use shangyun_devices::thing_model;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum TypesCommand {
    /// Every device type.
    List(JsonArg),
    /// One device type, as TOML (a starting point for your own).
    Show(ShowArgs),
    /// Check a thing-model file without storing it.
    Check(FileArgs),
    /// Add or replace a device type from a thing-model file.
    Add(FileArgs),
}

#[derive(Args)]
pub struct JsonArg {
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    name: String,
}

#[derive(Args)]
pub struct FileArgs {
    file: PathBuf,
}

fn read(args: &FileArgs) -> Result<thing_model::ThingModel, DeviceStoreError> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| DeviceStoreError::Invalid(format!("{}: {e}", args.file.display())))?;
    thing_model::parse(&args.file.display().to_string(), &text)
        .map_err(|e| DeviceStoreError::Invalid(e.to_string()))
}

/// `types check` needs no database.
pub fn check(args: &FileArgs) -> ExitCode {
    match read(args) {
        Ok(m) => {
            output::print_line(&format!(
                "{}: ok — device type {:?}, {} properties, {} alarm rules",
                args.file.display(),
                m.name,
                m.properties.len(),
                m.alarms.len()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(output::INVALID)
        }
    }
}

pub async fn run(
    store: &DeviceStore,
    actor: &str,
    c: TypesCommand,
) -> Result<ExitCode, DeviceStoreError> {
    match c {
        TypesCommand::List(a) => {
            let types = store.device_types();
            output::emit(a.json, &types, || {
                types
                    .iter()
                    .map(|t| {
                        format!(
                            "{:<28} {:<22} {}{}",
                            t.name,
                            t.title_zh.as_deref().unwrap_or(&t.title),
                            t.business_links
                                .iter()
                                .map(|l| l.as_str())
                                .collect::<Vec<_>>()
                                .join(","),
                            if t.production_equipment {
                                "  production equipment"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TypesCommand::Show(a) => {
            let t = store
                .device_type(&a.name)
                .ok_or_else(|| DeviceStoreError::NotFound(format!("device type {:?}", a.name)))?;
            let text = toml::to_string(&t).map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
            output::print_line(text.trim_end());
        }
        TypesCommand::Check(a) => return Ok(check(&a)),
        TypesCommand::Add(a) => {
            let m = read(&a)?;
            store.put_device_type(&m, actor).await?;
            output::print_line(&format!("device type {:?} stored", m.name));
        }
    }
    Ok(ExitCode::SUCCESS)
}
