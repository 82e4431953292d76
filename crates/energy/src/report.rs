//! Energy per device and enterprise, by local day and month, with carbon and the factor named
//! beside every figure; energy per ¥100 revenue.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;

use crate::calendar::{DEFAULT_TZ, Month, by_day, by_month};
use crate::factors::{FactorChoice, FactorTable};
use crate::meter::{Adjustment, Interval, MeterKind, MeterRules, Reading, meter_energy};

/// One meter property of one device and its readings.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSeries {
    /// The device (id or name as the caller knows it).
    pub device: String,
    /// The telemetry key (e.g. `energy_kwh`).
    pub key: String,
    /// Counter or power.
    pub kind: MeterKind,
    /// Readings, any order.
    pub readings: Vec<Reading>,
}

/// How to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyOptions {
    /// Time zone of days and months (default Asia/Shanghai).
    pub tz: Tz,
    /// Gap and noise limits.
    pub rules: MeterRules,
    /// The enterprise's GB/T 2260 region code (operating region if known), for the factor.
    pub region_code: Option<String>,
    /// Factor basis (`None`: the file's default, `average`).
    pub basis: Option<String>,
    /// Count only energy inside `[start, end)` ms (intervals straddling a bound are split in
    /// proportion to time). Read the readings with a margin around the window so the
    /// intervals that cross its bounds are known.
    pub window: Option<(i64, i64)>,
}

impl Default for EnergyOptions {
    fn default() -> Self {
        Self {
            tz: DEFAULT_TZ,
            rules: MeterRules::default(),
            region_code: None,
            basis: None,
            window: None,
        }
    }
}

/// Carbon of a figure and the factor it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Carbon {
    /// Tonnes of CO2 = kWh / 1000 × factor.
    pub tco2: f64,
    /// The factor, its edition and why it was chosen.
    pub factor: FactorChoice,
    /// One-line label of the factor (id, value, year, region, edition, confidence).
    pub factor_label: String,
}

/// kWh of one period (a day `2025-12-01`, a month `2025-12`, or `total`) and its carbon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodFigure {
    /// The period.
    pub period: String,
    /// kWh.
    pub kwh: f64,
    /// Carbon, when a factor exists for the region/basis.
    pub carbon: Option<Carbon>,
}

/// One meter's energy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceEnergy {
    /// The device.
    pub device: String,
    /// The meter key.
    pub key: String,
    /// Per local day.
    pub days: Vec<PeriodFigure>,
    /// Per local month.
    pub months: Vec<PeriodFigure>,
    /// All of it.
    pub total_kwh: f64,
    /// Decisions made on its readings.
    pub adjustments: Vec<Adjustment>,
}

/// An enterprise's energy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseEnergy {
    /// The enterprise (USCC).
    pub enterprise: String,
    /// Time zone of the days and months.
    pub tz: String,
    /// Per device meter.
    pub devices: Vec<DeviceEnergy>,
    /// Per local day, all meters.
    pub days: Vec<PeriodFigure>,
    /// Per local month, all meters.
    pub months: Vec<PeriodFigure>,
    /// Total.
    pub total: PeriodFigure,
}

fn carbon(kwh: f64, year: i32, opts: &EnergyOptions, factors: &FactorTable) -> Option<Carbon> {
    let factor = factors.choose(opts.region_code.as_deref(), year, opts.basis.as_deref())?;
    Some(Carbon {
        tco2: kwh / 1000.0 * factor.factor.value,
        factor_label: factor.label(),
        factor,
    })
}

fn figures(
    days: &BTreeMap<NaiveDate, f64>,
    opts: &EnergyOptions,
    factors: &FactorTable,
) -> (Vec<PeriodFigure>, Vec<PeriodFigure>) {
    let day_figures = days
        .iter()
        .map(|(d, kwh)| PeriodFigure {
            period: d.to_string(),
            kwh: *kwh,
            carbon: carbon(*kwh, d.year(), opts, factors),
        })
        .collect();
    let months: BTreeMap<Month, f64> = by_month(days);
    let month_figures = months
        .iter()
        .map(|(m, kwh)| PeriodFigure {
            period: m.to_string(),
            kwh: *kwh,
            carbon: carbon(*kwh, m.year, opts, factors),
        })
        .collect();
    (day_figures, month_figures)
}

fn device_days(
    series: &MeterSeries,
    opts: &EnergyOptions,
) -> (BTreeMap<NaiveDate, f64>, Vec<Adjustment>, f64) {
    let mut e = meter_energy(series.kind, &opts.rules, &series.readings);
    if let Some((start, end)) = opts.window {
        e.intervals = e
            .intervals
            .iter()
            .filter_map(|iv| clip(iv, start, end))
            .collect();
        e.adjustments.retain(|a| (start..=end).contains(&a.at));
    }
    let total = e.total_kwh();
    (by_day(opts.tz, &e.intervals), e.adjustments, total)
}

/// Energy of every meter of an enterprise, per device and in total, per local day and month,
/// with carbon per figure (a period's carbon uses the factor for its year: the total's carbon
/// is the sum of the months', named by the latest month's factor when they differ).
///
/// ```
/// use shangyun_energy::{EnergyOptions, FactorTable, MeterKind, MeterSeries, enterprise_energy};
/// let hour = 3_600_000;
/// let t0 = 1_764_518_400_000; // 2025-12-01 00:00 Asia/Shanghai
/// let meter = MeterSeries {
///     device: "press-1".into(),
///     key: "power_kw".into(),
///     kind: MeterKind::PowerKw,
///     readings: (0..=48).map(|h| (t0 + h * hour / 4, 10.0)).collect(), // 10 kW for 12 h
/// };
/// let opts = EnergyOptions { region_code: Some("330100".into()), ..EnergyOptions::default() };
/// let e = enterprise_energy("91330100799655058B", &[meter], &opts, FactorTable::built_in());
/// assert!((e.total.kwh - 120.0).abs() < 1e-9);
/// let carbon = e.days[0].carbon.as_ref().expect("factor");
/// assert_eq!(carbon.factor.factor.id, "mee-2022-east"); // Zhejiang → 华东 grid, latest year
/// assert!((carbon.tco2 - 0.120 * 0.5617).abs() < 1e-12);
/// ```
pub fn enterprise_energy(
    enterprise: &str,
    meters: &[MeterSeries],
    opts: &EnergyOptions,
    factors: &FactorTable,
) -> EnterpriseEnergy {
    let mut all_days: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut devices = Vec::with_capacity(meters.len());
    for m in meters {
        let (days, adjustments, total_kwh) = device_days(m, opts);
        for (d, kwh) in &days {
            *all_days.entry(*d).or_default() += kwh;
        }
        let (day_figures, month_figures) = figures(&days, opts, factors);
        devices.push(DeviceEnergy {
            device: m.device.clone(),
            key: m.key.clone(),
            days: day_figures,
            months: month_figures,
            total_kwh,
            adjustments,
        });
    }
    let (days, months) = figures(&all_days, opts, factors);
    let total_kwh: f64 = months.iter().map(|m| m.kwh).sum();
    let total_carbon = months
        .iter()
        .filter_map(|m| m.carbon.as_ref())
        .map(|c| c.tco2)
        .sum::<f64>();
    let total = PeriodFigure {
        period: "total".to_owned(),
        kwh: total_kwh,
        carbon: months
            .iter()
            .rev()
            .find_map(|m| m.carbon.clone())
            .map(|mut c| {
                c.tco2 = total_carbon;
                c
            }),
    };
    EnterpriseEnergy {
        enterprise: enterprise.to_owned(),
        tz: opts.tz.name().to_owned(),
        devices,
        days,
        months,
        total,
    }
}

/// Energy per ¥100 of revenue (每百元营业收入能耗, electricity only, kWh).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyIntensity {
    /// kWh per ¥100 of revenue.
    pub kwh_per_100_yuan: f64,
    /// The kWh it is based on.
    pub kwh: f64,
    /// The revenue it is based on, 万元 (as the registry keeps it).
    pub revenue_wan_yuan: f64,
    /// How it was computed.
    pub explanation: String,
}

/// kWh per ¥100 revenue; `None` when the revenue is unknown or not positive. Revenue is in
/// 万元 (the registry's `AnnualFigures::revenue`): ¥100 units = 万元 × 100.
///
/// ```
/// let i = shangyun_energy::energy_per_100_yuan(50_000.0, Some(1_000.0)).expect("revenue known");
/// assert!((i.kwh_per_100_yuan - 0.5).abs() < 1e-12); // 50,000 kWh over ¥10,000,000
/// assert!(shangyun_energy::energy_per_100_yuan(1.0, None).is_none());
/// ```
pub fn energy_per_100_yuan(kwh: f64, revenue_wan_yuan: Option<f64>) -> Option<EnergyIntensity> {
    let revenue = revenue_wan_yuan.filter(|r| r.is_finite() && *r > 0.0)?;
    if !kwh.is_finite() || kwh < 0.0 {
        return None;
    }
    let hundreds = revenue * 100.0;
    Some(EnergyIntensity {
        kwh_per_100_yuan: kwh / hundreds,
        kwh,
        revenue_wan_yuan: revenue,
        explanation: format!(
            "{kwh:.3} kWh ÷ (revenue {revenue} 万元 = {hundreds} × ¥100) = {:.6} kWh per ¥100 (electricity only)",
            kwh / hundreds
        ),
    })
}

/// kWh of an enterprise's months that fall in `year`, and how many of its months had data.
pub fn year_kwh(energy: &EnterpriseEnergy, year: i32) -> (f64, usize) {
    let prefix = format!("{year:04}-");
    let months: Vec<&PeriodFigure> = energy
        .months
        .iter()
        .filter(|m| m.period.starts_with(&prefix))
        .collect();
    (months.iter().map(|m| m.kwh).sum(), months.len())
}

/// The part of an interval inside `[start, end)`, its energy in proportion to time.
fn clip(iv: &Interval, start: i64, end: i64) -> Option<Interval> {
    let from = iv.start.max(start);
    let to = iv.end.min(end);
    (to > from).then(|| Interval {
        start: from,
        end: to,
        kwh: iv.kwh * ((to - from) as f64 / (iv.end - iv.start) as f64),
    })
}

/// The total of a device's (or any) readings in `[start, end)` ms, split in proportion to
/// time where an interval straddles a bound. Used for windows that are not calendar periods.
pub fn window_kwh(
    kind: MeterKind,
    rules: &MeterRules,
    readings: &[Reading],
    start: i64,
    end: i64,
) -> f64 {
    meter_energy(kind, rules, readings)
        .intervals
        .iter()
        .filter_map(|iv| clip(iv, start, end))
        .map(|iv| iv.kwh)
        .sum()
}
