//! `shangyun-evidence` — measured evidence for the 2024 digital-level questionnaire. Pure: the
//! caller brings the facts (devices, when each last reported, metered energy and revenue of two
//! periods); this crate turns them into pre-filled answers marked **measured**, each with its
//! evidence (counts, window, devices) and an explanation, so an assessment can show "measured"
//! next to self-reported answers.
//!
//! What maps to which question is data (`data/evidence-digital-2024.toml`, edition
//! `evidence-digital-2024-v1`), checked against the questionnaire on load:
//!
//! | measurement | question (digital-2024) |
//! |---|---|
//! | production equipment that reported in the last 30 days / registered production equipment | `equipment_networked_share` (生产设备联网率) |
//! | business links served by a device that reported in the window | `auto_data_collection` (数据自动采集) |
//! | metered kWh per ¥100 revenue, before vs after | `energy_per_revenue` (每百元营业收入综合能耗) |

mod gather;
mod mapping;

pub use gather::{
    DeviceFact, EnergyPeriod, Evidence, EvidenceInput, LinkEvidence, MeasuredAnswer, Measurement,
    NotMeasured, NotMeasuredCause, PeriodGap, PeriodIntensity, gather,
};
pub use mapping::{LinksRef, Mapping, MappingError, QuestionRef};
