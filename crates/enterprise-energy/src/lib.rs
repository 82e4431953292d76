//! `shangyun-enterprise-energy` — one enterprise's energy, carbon and measured evidence for
//! the digital-level assessment, assembled from what the platform already holds:
//!
//! * the registry (`shangyun-store`): the region that picks the grid emission factor
//!   (operating region if known, else registered) and the annual revenue (万元) for energy per
//!   ¥100 revenue;
//! * the device store (`shangyun-device-store`): the enterprise's devices, their thing models
//!   (which property is a meter, production equipment, business links) and presence;
//! * any telemetry store (`shangyun_tsdb_api::TelemetryStore`): the meter readings.
//!
//! The arithmetic is `shangyun-energy` / `shangyun-evidence` via `shangyun-energy-query`;
//! this crate only gathers their inputs, so the CLI (`shangyun energy|evidence`), the API
//! (`/api/v1/enterprises/{uscc}/energy|evidence`) and the console page show the same figures.

mod energy;
mod evidence;

/// The arithmetic crates, for callers that render their types.
pub use shangyun_energy as meters;
pub use shangyun_evidence as measured;
mod facts;
mod window;

pub use energy::{
    By, EnergyRequest, EnergyView, MeterInfo, MeterTotal, YearIntensity, energy_view,
    energy_view_of,
};
pub use evidence::{EvidenceView, evidence_periods, evidence_view, evidence_view_of};
pub use facts::{EnterpriseDevices, enterprise_devices};
pub use window::{WindowError, default_window, parse_date, window_ms};

/// Why a view could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// No such enterprise in the registry.
    #[error("enterprise {0} is not in the registry / 企业 {0} 不在企业名录中")]
    UnknownEnterprise(String),
    /// The request's window or options are wrong.
    #[error(transparent)]
    Window(#[from] WindowError),
    /// The registry failed.
    #[error("registry: {0}")]
    Registry(String),
    /// The device store failed.
    #[error("device store: {0}")]
    Devices(String),
    /// The telemetry store failed.
    #[error("time-series store: {0}")]
    Telemetry(String),
}
