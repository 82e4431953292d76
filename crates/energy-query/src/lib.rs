//! `shangyun-energy-query` — what the CLI and the web API call to show an enterprise's energy
//! and carbon by day and month (the factor named beside every figure) and its measured
//! evidence for the digital-level assessment, reading meter series from any telemetry store
//! ([`TelemetryStore`]: the embedded store or PostgreSQL).
//!
//! The caller knows, from the device registry, which devices of the enterprise are meters
//! (thing model: cumulative kWh or power kW) and which are production equipment; this crate
//! reads their points and hands them to the pure crates `shangyun-energy` and
//! `shangyun-evidence`.

use serde::Serialize;
use shangyun_energy::{
    EnergyOptions, EnterpriseEnergy, FactorTable, MeterKind, MeterSeries, enterprise_energy,
    window_kwh,
};
use shangyun_evidence::{DeviceFact, EnergyPeriod, Evidence, EvidenceInput, Mapping, gather};
use shangyun_tsdb_api::{DeviceId, SeriesKey, StoreError, TelemetryStore, Value};

/// A meter property of a device.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSpec {
    /// The device as the store knows it.
    pub device: DeviceId,
    /// The telemetry key of the meter property.
    pub key: String,
    /// Counter or power (from the thing model).
    pub kind: MeterKind,
}

/// Reads one meter's numeric points in `[start, end)` (booleans and text are skipped).
pub async fn read_meter<S: TelemetryStore>(
    store: &S,
    meter: &MeterSpec,
    start: i64,
    end: i64,
) -> Result<MeterSeries, StoreError> {
    let r = store
        .range(
            &SeriesKey::new(meter.device.clone(), meter.key.clone()),
            start,
            end,
        )
        .await?;
    Ok(MeterSeries {
        device: meter.device.to_string(),
        key: meter.key.clone(),
        kind: meter.kind,
        readings: r
            .points
            .into_iter()
            .filter_map(|(t, v)| match v {
                Value::F64(_) | Value::I64(_) => v.as_f64().map(|x| (t, x)),
                Value::Bool(_) | Value::Str(_) => None,
            })
            .collect(),
    })
}

/// How far around a window readings are read, so that the intervals crossing its bounds are
/// known: the longer of the gap limits (beyond it a power gap counts nothing anyway, and a
/// counter interval that long is an estimate either way).
fn margin(opts: &EnergyOptions) -> i64 {
    opts.rules.max_gap_ms.max(opts.rules.counter_gap_ms).max(0)
}

/// An enterprise's energy and carbon over `[start, end)`, per device, day and month; the
/// intervals crossing the bounds are split in proportion to time.
pub async fn energy_report<S: TelemetryStore>(
    store: &S,
    enterprise: &str,
    meters: &[MeterSpec],
    start: i64,
    end: i64,
    opts: &EnergyOptions,
) -> Result<EnterpriseEnergy, StoreError> {
    let m = margin(opts);
    let mut series = Vec::with_capacity(meters.len());
    for meter in meters {
        let (from, to) = (start.saturating_sub(m), end.saturating_add(m));
        series.push(read_meter(store, meter, from, to).await?);
    }
    let opts = EnergyOptions {
        window: Some((start, end)),
        ..opts.clone()
    };
    Ok(enterprise_energy(
        enterprise,
        &series,
        &opts,
        FactorTable::built_in(),
    ))
}

/// One period for the before/after energy comparison: its bounds and revenue (万元).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodSpec {
    /// Label, e.g. `2024`.
    pub label: String,
    /// Start ms UTC.
    pub start: i64,
    /// End ms UTC (exclusive).
    pub end: i64,
    /// Revenue in the period, 万元 (the registry's annual figure), if known.
    pub revenue_wan_yuan: Option<f64>,
}

/// Metered kWh of a period from the meters' readings.
pub async fn period_energy<S: TelemetryStore>(
    store: &S,
    meters: &[MeterSpec],
    period: &PeriodSpec,
    opts: &EnergyOptions,
) -> Result<EnergyPeriod, StoreError> {
    let mut kwh = 0.0;
    let mut with_data = 0u32;
    let margin = margin(opts);
    for m in meters {
        let s = read_meter(
            store,
            m,
            period.start.saturating_sub(margin),
            period.end.saturating_add(margin),
        )
        .await?;
        let k = window_kwh(s.kind, &opts.rules, &s.readings, period.start, period.end);
        if k > 0.0 {
            with_data += 1;
        }
        kwh += k;
    }
    Ok(EnergyPeriod {
        label: period.label.clone(),
        kwh,
        revenue_wan_yuan: period.revenue_wan_yuan,
        meters: with_data,
    })
}

/// The measured evidence of an enterprise: devices (with last-seen times from the device
/// registry or `latest`), and metered energy per revenue of two periods.
#[allow(clippy::too_many_arguments)] // one call site per front end; a struct would only rename them
pub async fn evidence_report<S: TelemetryStore>(
    store: &S,
    enterprise: &str,
    now_ms: i64,
    devices: &[DeviceFact],
    equipment_ledger_count: Option<u32>,
    meters: &[MeterSpec],
    periods: Option<(&PeriodSpec, &PeriodSpec)>,
    opts: &EnergyOptions,
) -> Result<Evidence, StoreError> {
    let (before, after) = match periods {
        Some((b, a)) => (
            Some(period_energy(store, meters, b, opts).await?),
            Some(period_energy(store, meters, a, opts).await?),
        ),
        None => (None, None),
    };
    let input = EvidenceInput {
        enterprise,
        now_ms,
        devices,
        equipment_ledger_count,
        energy_before: before,
        energy_after: after,
    };
    Ok(gather(&input, Mapping::built_in()?))
}

/// The newest timestamp any key of `device` reported (from the store's latest table), for
/// `DeviceFact::last_seen_ms` when the device registry has no presence record.
pub async fn last_seen<S: TelemetryStore>(
    store: &S,
    device: &DeviceId,
) -> Result<Option<i64>, StoreError> {
    Ok(store.latest(device).await?.iter().map(|l| l.ts).max())
}
