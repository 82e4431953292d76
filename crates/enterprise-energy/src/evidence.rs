//! The measured evidence of an enterprise for the 2024 digital-level questionnaire.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use shangyun_device_store::DeviceStore;
use shangyun_energy::{EnergyOptions, calendar::day_start_ms, calendar::local_date};
use shangyun_energy_query::{PeriodSpec, evidence_report};
use shangyun_evidence::{Evidence, NotMeasured, NotMeasuredCause};
use shangyun_store::{EnterpriseFile, Registry};
use shangyun_tsdb_api::TelemetryStore;

use crate::ViewError;
use crate::energy::{factor_region, load_file};
use crate::facts::{EnterpriseDevices, enterprise_devices};

/// The evidence and what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceView {
    /// USCC.
    pub enterprise: String,
    /// Name in the registry.
    pub name: String,
    /// Registered devices.
    pub devices: usize,
    /// Of which production equipment.
    pub production_equipment: usize,
    /// The years compared for energy per revenue (earlier, later), when two complete years
    /// have revenue on file.
    pub periods: Option<(PeriodSpec, PeriodSpec)>,
    /// Measured answers (each `source = measured`) and what could not be measured.
    pub evidence: Evidence,
}

/// The before/after periods: the two latest complete calendar years (local time, before the
/// year of `now_ms`) with revenue in the registry.
pub fn evidence_periods(file: &EnterpriseFile, now_ms: i64) -> Option<(PeriodSpec, PeriodSpec)> {
    let tz = shangyun_energy::DEFAULT_TZ;
    let this_year = local_date(tz, now_ms).year();
    let mut years: Vec<(i32, f64)> = file
        .figures
        .iter()
        .filter(|f| f.year < this_year && f.year >= 1970)
        .filter_map(|f| Some((f.year, f.revenue.filter(|r| *r > 0.0)?)))
        .collect();
    years.sort_by_key(|(y, _)| *y);
    let [.., before, after] = years.as_slice() else {
        return None;
    };
    let spec = |(year, revenue): (i32, f64)| {
        let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
        Some(PeriodSpec {
            label: year.to_string(),
            start: day_start_ms(tz, start),
            end: day_start_ms(tz, end),
            revenue_wan_yuan: Some(revenue),
        })
    };
    Some((spec(*before)?, spec(*after)?))
}

/// The evidence of `uscc` (already checked visible by the caller) at `now_ms`.
pub async fn evidence_view<S: TelemetryStore>(
    registry: &Registry,
    devices: &DeviceStore,
    telemetry: &S,
    uscc: &str,
    now_ms: i64,
) -> Result<EvidenceView, ViewError> {
    let file = load_file(registry, uscc).await?;
    let found = enterprise_devices(devices, telemetry, &file.enterprise.uscc).await?;
    evidence_view_of(&file, &found, telemetry, now_ms).await
}

/// [`evidence_view`] for a file and devices the caller has already read.
pub async fn evidence_view_of<S: TelemetryStore>(
    file: &EnterpriseFile,
    found: &EnterpriseDevices,
    telemetry: &S,
    now_ms: i64,
) -> Result<EvidenceView, ViewError> {
    let opts = EnergyOptions {
        region_code: Some(factor_region(file)),
        ..EnergyOptions::default()
    };
    let periods = evidence_periods(file, now_ms);
    let evidence = evidence_report(
        telemetry,
        &file.enterprise.uscc,
        now_ms,
        &found.facts,
        None,
        &found.meters,
        periods.as_ref().map(|(b, a)| (b, a)),
        &opts,
    )
    .await
    .map_err(|e| ViewError::Telemetry(e.to_string()))?;
    let mut evidence = evidence;
    if periods.is_none() {
        // Say what is missing in terms of the registry, not of the computation.
        for n in evidence
            .not_measured
            .iter_mut()
            .filter(|n| n.question == "energy_per_revenue")
        {
            *n = NotMeasured::new(n.question.clone(), NotMeasuredCause::RevenueYearsMissing);
        }
    }
    Ok(EvidenceView {
        enterprise: file.enterprise.uscc.clone(),
        name: file.enterprise.name.clone(),
        devices: found.facts.len(),
        production_equipment: found
            .facts
            .iter()
            .filter(|f| f.production_equipment)
            .count(),
        periods,
        evidence,
    })
}
