//! `shangyun-energy` — from meter readings to kWh and carbon. Pure: no I/O, no async.
//!
//! 1. [`meter_energy`]: one meter's readings (any order) → energy intervals. Cumulative kWh
//!    counters: resets (the meter restarted from 0) and wrap-around at the register's capacity
//!    are detected, small drops are noise, duplicates keep the last reading given; power (kW)
//!    is integrated by the trapezoid rule, with a gap limit beyond which no energy is assumed.
//!    Every decision is an [`Adjustment`] with its explanation.
//! 2. [`calendar`]: intervals split across local midnights (Asia/Shanghai by default) in
//!    proportion to time → kWh per day and month.
//! 3. [`enterprise_energy`]: per device and per enterprise, each figure with its carbon:
//!    kWh / 1000 × a grid emission factor from the dated data file
//!    `data/grid-emission-factors.toml` ([`FactorTable`]); the factor (edition, id, data year,
//!    region, confidence) and why it was chosen are named beside every figure.
//! 4. [`energy_per_100_yuan`]: kWh per ¥100 revenue, revenue in 万元 as the registry keeps it.

pub mod calendar;
mod factors;
mod meter;
mod report;
mod text;

pub use calendar::{DEFAULT_TZ, Month};
pub use chrono_tz::Tz;
pub use factors::{Confidence, Factor, FactorChoice, FactorError, FactorTable, Region, Scope};
pub use meter::{
    Adjustment, AdjustmentKind, Interval, MeterEnergy, MeterKind, MeterRules, Reading, meter_energy,
};
pub use report::{
    Carbon, DeviceEnergy, EnergyIntensity, EnergyOptions, EnterpriseEnergy, MeterSeries,
    PeriodFigure, energy_per_100_yuan, enterprise_energy, window_kwh, year_kwh,
};
pub use text::text_report;
