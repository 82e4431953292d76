//! The enterprise's devices as the energy and evidence code needs them: which are meters
//! (from the thing model), which are production equipment, which links they serve, and when
//! each last reported (presence as flushed, or the newest point in the telemetry store).

use serde::Serialize;
use shangyun_device_store::{DeviceFilter, DeviceStore};
use shangyun_devices::thing_model::EnergyRole;
use shangyun_energy::MeterKind;
use shangyun_energy_query::{MeterSpec, last_seen};
use shangyun_evidence::DeviceFact;
use shangyun_tsdb_api::{DeviceId, TelemetryStore};

use crate::ViewError;

/// More devices than any SME registers; the listing stops there.
const MAX_DEVICES: u32 = 10_000;

/// One meter, for people: which device and property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeterInfo {
    /// The device's id in the device store.
    pub device_id: i64,
    /// Its name.
    pub device: String,
    /// The meter property's key.
    pub key: String,
    /// `cumulative_kwh` or `power_kw`.
    pub kind: &'static str,
}

/// The devices of one enterprise.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseDevices {
    /// Meters to read.
    pub meters: Vec<MeterSpec>,
    /// The same, for people.
    pub meter_info: Vec<MeterInfo>,
    /// Every registered device, for the evidence.
    pub facts: Vec<DeviceFact>,
}

/// The telemetry store's id of a device (as the ingest core files it: the row id).
fn series_id(id: i64) -> DeviceId {
    match u64::try_from(id) {
        Ok(n) => DeviceId::Num(n),
        Err(_) => DeviceId::Name(format!("id{id}")),
    }
}

/// Reads the enterprise's devices and their types; last-seen times from presence or, when
/// newer or absent, the telemetry store's latest table.
pub async fn enterprise_devices<S: TelemetryStore>(
    devices: &DeviceStore,
    telemetry: &S,
    uscc: &str,
) -> Result<EnterpriseDevices, ViewError> {
    let records = devices
        .list_devices(&DeviceFilter {
            enterprises: Some(vec![uscc.to_owned()]),
            limit: MAX_DEVICES,
            ..DeviceFilter::default()
        })
        .await
        .map_err(|e| ViewError::Devices(e.to_string()))?;
    let mut out = EnterpriseDevices::default();
    for r in records {
        let id = r.identity.id.0;
        let model = r
            .identity
            .device_type
            .as_deref()
            .and_then(|t| devices.device_type(t));
        let series = series_id(id);
        if let Some((property, role)) = model.as_ref().and_then(|m| m.energy_property()) {
            let kind = match role {
                EnergyRole::CumulativeKwh => MeterKind::CumulativeKwh {
                    wrap_at: property.max,
                },
                EnergyRole::PowerKw => MeterKind::PowerKw,
            };
            out.meters.push(MeterSpec {
                device: series.clone(),
                key: property.key.clone(),
                kind,
            });
            out.meter_info.push(MeterInfo {
                device_id: id,
                device: r.identity.name.clone(),
                key: property.key.clone(),
                kind: match role {
                    EnergyRole::CumulativeKwh => "cumulative_kwh",
                    EnergyRole::PowerKw => "power_kw",
                },
            });
        }
        let seen = last_seen(telemetry, &series)
            .await
            .map_err(|e| ViewError::Telemetry(e.to_string()))?;
        out.facts.push(DeviceFact {
            id: id.to_string(),
            name: r.identity.name.clone(),
            production_equipment: model.as_ref().is_some_and(|m| m.production_equipment),
            business_links: model
                .as_ref()
                .map(|m| {
                    m.business_links
                        .iter()
                        .map(|l| l.as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            last_seen_ms: seen.max(r.last_activity_ms),
        });
    }
    Ok(out)
}
