//! An enterprise's energy and carbon over a window, by day or month, with the factor named
//! beside every figure and energy per ¥100 revenue for the years the registry has revenue.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use shangyun_device_store::DeviceStore;
use shangyun_energy::{
    DeviceEnergy, EnergyIntensity, EnergyOptions, FactorChoice, FactorTable, PeriodFigure,
    energy_per_100_yuan, year_kwh,
};
use shangyun_energy_query::energy_report;
use shangyun_store::{EnterpriseFile, Registry};
use shangyun_tsdb_api::TelemetryStore;

use crate::ViewError;
pub use crate::facts::MeterInfo;
use crate::facts::{EnterpriseDevices, enterprise_devices};
use crate::window::{WindowError, window_ms};

/// The granularity of the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Day,
    #[default]
    Month,
}

impl By {
    /// `day` or `month`.
    pub fn parse(s: &str) -> Result<By, WindowError> {
        match s.trim() {
            "day" => Ok(By::Day),
            "month" => Ok(By::Month),
            other => Err(WindowError::BadBy(other.chars().take(20).collect())),
        }
    }
}

/// What to report.
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyRequest {
    /// First local day (inclusive).
    pub from: NaiveDate,
    /// Last local day (inclusive).
    pub to: NaiveDate,
    /// Per day or per month.
    pub by: By,
}

/// Energy per ¥100 revenue of one year: the metered kWh of the window's months in that year
/// over the registry's annual revenue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearIntensity {
    /// The year.
    pub year: i32,
    /// Months of the year with metered energy inside the window (12 = a whole year).
    pub months_metered: usize,
    /// kWh, revenue and kWh per ¥100.
    #[serde(flatten)]
    pub intensity: EnergyIntensity,
}

/// One device meter's total in the window and the decisions made on its readings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeterTotal {
    /// Which meter.
    #[serde(flatten)]
    pub meter: MeterInfo,
    /// kWh in the window.
    pub kwh: f64,
    /// Resets, wraps, gaps … (see `shangyun-energy`).
    pub adjustments: Vec<shangyun_energy::Adjustment>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyView {
    /// USCC.
    pub enterprise: String,
    /// Name in the registry.
    pub name: String,
    /// The GB/T 2260 code that chose the factor (operating region, else registered).
    pub region_code: String,
    /// Time zone of days and months.
    pub tz: String,
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Granularity of `periods`.
    pub by: By,
    /// Per day or month: kWh, tCO2 and the factor.
    pub periods: Vec<PeriodFigure>,
    /// The window's total.
    pub total: PeriodFigure,
    /// Every factor used, once (the data file's edition, value, scope, year, source).
    pub factors: Vec<FactorChoice>,
    /// The factor for the region and the window's last year, named even when no energy was
    /// metered; `None` when the data file has none for the region.
    pub factor: Option<FactorChoice>,
    /// Per meter.
    pub meters: Vec<MeterTotal>,
    /// kWh per ¥100 revenue, per year with revenue on file.
    pub intensity: Vec<YearIntensity>,
}

/// The region that chooses the factor: where the firm operates, else where it is registered.
pub(crate) fn factor_region(file: &EnterpriseFile) -> String {
    file.enterprise
        .operating_region
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| file.enterprise.registered_region.clone())
}

pub(crate) async fn load_file(
    registry: &Registry,
    uscc: &str,
) -> Result<EnterpriseFile, ViewError> {
    let uscc = shangyun_rules::ids::normalize(uscc);
    registry
        .get(&uscc)
        .await
        .map_err(|e| ViewError::Registry(e.to_string()))?
        .ok_or(ViewError::UnknownEnterprise(uscc))
}

/// The energy report of `uscc` (already checked visible by the caller).
pub async fn energy_view<S: TelemetryStore>(
    registry: &Registry,
    devices: &DeviceStore,
    telemetry: &S,
    uscc: &str,
    request: &EnergyRequest,
) -> Result<EnergyView, ViewError> {
    let file = load_file(registry, uscc).await?;
    let found = enterprise_devices(devices, telemetry, &file.enterprise.uscc).await?;
    energy_view_of(&file, &found, telemetry, request).await
}

/// [`energy_view`] for a file and devices the caller has already read (the console page
/// reads them once for both sections).
pub async fn energy_view_of<S: TelemetryStore>(
    file: &EnterpriseFile,
    found: &EnterpriseDevices,
    telemetry: &S,
    request: &EnergyRequest,
) -> Result<EnergyView, ViewError> {
    let opts = EnergyOptions {
        region_code: Some(factor_region(file)),
        ..EnergyOptions::default()
    };
    let (start, end) = window_ms(opts.tz, request.from, request.to)?;
    let report = energy_report(
        telemetry,
        &file.enterprise.uscc,
        &found.meters,
        start,
        end,
        &opts,
    )
    .await
    .map_err(|e| ViewError::Telemetry(e.to_string()))?;
    let periods = match request.by {
        By::Day => report.days.clone(),
        By::Month => report.months.clone(),
    };
    let mut factors: Vec<FactorChoice> = Vec::new();
    for c in report.months.iter().filter_map(|m| m.carbon.as_ref()) {
        if !factors.iter().any(|f| f.factor.id == c.factor.factor.id) {
            factors.push(c.factor.clone());
        }
    }
    let mut intensity = Vec::new();
    let mut years: Vec<i32> = report
        .months
        .iter()
        .filter_map(|m| m.period.get(..4)?.parse().ok())
        .collect();
    years.dedup();
    for year in years {
        let revenue = file
            .figures
            .iter()
            .find(|f| f.year == year)
            .and_then(|f| f.revenue);
        let (kwh, months_metered) = year_kwh(&report, year);
        if let Some(i) = energy_per_100_yuan(kwh, revenue) {
            intensity.push(YearIntensity {
                year,
                months_metered,
                intensity: i,
            });
        }
    }
    let meters = found
        .meter_info
        .iter()
        .cloned()
        .zip(report.devices)
        .map(|(meter, d): (MeterInfo, DeviceEnergy)| MeterTotal {
            meter,
            kwh: d.total_kwh,
            adjustments: d.adjustments,
        })
        .collect();
    Ok(EnergyView {
        enterprise: file.enterprise.uscc.clone(),
        name: file.enterprise.name.clone(),
        region_code: opts.region_code.clone().unwrap_or_default(),
        tz: report.tz,
        from: request.from,
        to: request.to,
        by: request.by,
        periods,
        total: report.total,
        factors,
        factor: FactorTable::built_in().choose(
            opts.region_code.as_deref(),
            request.to.year(),
            opts.basis.as_deref(),
        ),
        meters,
        intensity,
    })
}
