//! Thing models (物模型) as data: a device type's properties with unit and range, which
//! property is an energy meter, whether the type counts as production equipment, the
//! business links it serves, its inactivity timeout and its alarm rules. Written in TOML
//! (`thing-models/*.toml` are the built-in templates), checked with errors that name the file
//! and the field.

mod parse;

pub use parse::{ThingModelError, parse};
pub(crate) use parse::{key_ok, slug_ok};

use crate::alarms::AlarmRule;
use serde::{Deserialize, Serialize};

/// A device type. The TOML file has exactly these fields (unknown ones are refused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThingModel {
    /// `a-z`, `0-9` and `-`, 1–64 characters, e.g. `electricity-meter`.
    pub name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// Counts in the share of networked production equipment (digital-index evidence).
    #[serde(default)]
    pub production_equipment: bool,
    #[serde(default)]
    pub business_links: Vec<BusinessLink>,
    /// Offline after this long without activity (default 600 s, ThingsBoard's).
    #[serde(default = "default_timeout_s")]
    pub inactivity_timeout_s: u32,
    #[serde(default)]
    pub properties: Vec<Property>,
    #[serde(default)]
    pub alarms: Vec<AlarmRule>,
}

fn default_timeout_s() -> u32 {
    600
}

/// One property (telemetry key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Property {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    #[serde(rename = "type", default = "default_kind")]
    pub kind: ValueKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<EnergyRole>,
}

fn default_kind() -> ValueKind {
    ValueKind::Float
}

/// The type of a property's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Float,
    Integer,
    Boolean,
    Text,
}

/// How a property measures energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergyRole {
    /// A cumulative counter in kWh (may reset or wrap).
    CumulativeKwh,
    /// Instantaneous active power in kW (integrated over time).
    PowerKw,
}

/// The business link (业务环节) a device type collects data for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessLink {
    /// 设备管理
    Equipment,
    /// 能源管理
    Energy,
    /// 生产管控
    Production,
    /// 质量管控
    Quality,
    /// 安全生产
    Safety,
    /// 环保监测
    Environment,
    /// 仓储物流
    Logistics,
}

impl BusinessLink {
    pub const ALL: [BusinessLink; 7] = [
        Self::Equipment,
        Self::Energy,
        Self::Production,
        Self::Quality,
        Self::Safety,
        Self::Environment,
        Self::Logistics,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equipment => "equipment",
            Self::Energy => "energy",
            Self::Production => "production",
            Self::Quality => "quality",
            Self::Safety => "safety",
            Self::Environment => "environment",
            Self::Logistics => "logistics",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Equipment => "设备管理",
            Self::Energy => "能源管理",
            Self::Production => "生产管控",
            Self::Quality => "质量管控",
            Self::Safety => "安全生产",
            Self::Environment => "环保监测",
            Self::Logistics => "仓储物流",
        }
    }
}

impl ThingModel {
    /// The energy-meter property and how it measures, if the type has one (a cumulative
    /// counter is preferred over power when both exist).
    pub fn energy_property(&self) -> Option<(&Property, EnergyRole)> {
        let find = |role| {
            self.properties
                .iter()
                .find(|p| p.energy == Some(role))
                .map(|p| (p, role))
        };
        find(EnergyRole::CumulativeKwh).or_else(|| find(EnergyRole::PowerKw))
    }

    /// The property named `key`.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.key == key)
    }

    /// The inactivity timeout in milliseconds.
    pub fn inactivity_timeout_ms(&self) -> u64 {
        u64::from(self.inactivity_timeout_s) * 1000
    }
}

/// The built-in templates, as (file name, TOML text).
pub const BUILTIN_FILES: [(&str, &str); 5] = [
    (
        "electricity-meter.toml",
        include_str!("../../thing-models/electricity-meter.toml"),
    ),
    (
        "cnc-machine.toml",
        include_str!("../../thing-models/cnc-machine.toml"),
    ),
    (
        "air-compressor.toml",
        include_str!("../../thing-models/air-compressor.toml"),
    ),
    (
        "injection-moulding-machine.toml",
        include_str!("../../thing-models/injection-moulding-machine.toml"),
    ),
    (
        "environment-sensor.toml",
        include_str!("../../thing-models/environment-sensor.toml"),
    ),
];

/// The built-in templates, parsed. They are checked by a test, so this cannot fail at run
/// time unless the embedded files were edited without running it.
pub fn builtin() -> Result<Vec<ThingModel>, ThingModelError> {
    BUILTIN_FILES
        .iter()
        .map(|(file, text)| parse(file, text))
        .collect()
}
