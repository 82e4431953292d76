//! Alarm rules as data (in a thing model's `[[alarms]]`, or per device as JSON).
//!
//! ```toml
//! [[alarms]]
//! id = "over-temperature"     # a-z 0-9 -, unique per device type
//! key = "spindle_temp"        # the telemetry key ("*" = any key, for no_data only)
//! above = 85.0                # exactly one of: above, below, outside = [lo, hi], no_data_minutes
//! severity = "major"          # critical | major | minor | warning | indeterminate
//! hysteresis = 2.0            # optional: clears only once 2.0 back on the good side
//! message = "主轴温度过高"     # optional
//! ```

use serde::{Deserialize, Serialize};

/// ThingsBoard's severities, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Major,
    Minor,
    Warning,
    Indeterminate,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Major => "major",
            Self::Minor => "minor",
            Self::Warning => "warning",
            Self::Indeterminate => "indeterminate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Critical,
            Self::Major,
            Self::Minor,
            Self::Warning,
            Self::Indeterminate,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// When a rule's alarm is active.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// value > threshold
    Above(f64),
    /// value < threshold
    Below(f64),
    /// value < lo or value > hi
    Outside { lo: f64, hi: f64 },
    /// no point of the key for this many minutes
    NoData { minutes: u32 },
}

impl Condition {
    /// Whether the rule looks at values (rather than their absence).
    pub fn is_threshold(&self) -> bool {
        !matches!(self, Condition::NoData { .. })
    }

    /// Whether `v` violates the condition; with `hysteresis`, an alarm that is active stays
    /// active until `v` is that far back on the good side.
    pub fn violated(&self, v: f64, active: bool, hysteresis: f64) -> bool {
        let h = if active { hysteresis } else { 0.0 };
        match *self {
            Condition::Above(t) => v > t - h,
            Condition::Below(t) => v < t + h,
            Condition::Outside { lo, hi } => v < lo + h || v > hi - h,
            Condition::NoData { .. } => false,
        }
    }

    /// Text for messages, e.g. `> 85`.
    pub fn describe(&self) -> String {
        match self {
            Condition::Above(t) => format!("> {t}"),
            Condition::Below(t) => format!("< {t}"),
            Condition::Outside { lo, hi } => format!("outside [{lo}, {hi}]"),
            Condition::NoData { minutes } => format!("no data for {minutes} min"),
        }
    }
}

/// One rule. Serialized flat (see the module example); checked on the way in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRule", into = "RawRule")]
pub struct AlarmRule {
    pub id: String,
    pub key: String,
    pub condition: Condition,
    pub severity: Severity,
    pub hysteresis: f64,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    below: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outside: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    no_data_minutes: Option<u32>,
    severity: Severity,
    #[serde(default, skip_serializing_if = "is_zero")]
    hysteresis: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl TryFrom<RawRule> for AlarmRule {
    type Error = String;

    fn try_from(r: RawRule) -> Result<Self, String> {
        if !crate::thing_model::slug_ok(&r.id) {
            return Err(format!(
                "alarm id {:?} must be 1–64 of a-z, 0-9 and -",
                r.id
            ));
        }
        if r.key != "*" && !crate::thing_model::key_ok(&r.key) {
            return Err(format!("alarm key {:?} is not a telemetry key", r.key));
        }
        let finite = |v: f64| {
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!(
                    "alarm {:?}: thresholds must be finite numbers",
                    r.id
                ))
            }
        };
        let condition = match (r.above, r.below, r.outside, r.no_data_minutes) {
            (Some(t), None, None, None) => Condition::Above(finite(t)?),
            (None, Some(t), None, None) => Condition::Below(finite(t)?),
            (None, None, Some([lo, hi]), None) => {
                let (lo, hi) = (finite(lo)?, finite(hi)?);
                if lo >= hi {
                    return Err(format!(
                        "alarm {:?}: outside = [{lo}, {hi}] needs lo < hi",
                        r.id
                    ));
                }
                Condition::Outside { lo, hi }
            }
            (None, None, None, Some(m)) => {
                if !(1..=10_080).contains(&m) {
                    return Err(format!(
                        "alarm {:?}: no_data_minutes must be 1..=10080 (a week)",
                        r.id
                    ));
                }
                Condition::NoData { minutes: m }
            }
            _ => {
                return Err(format!(
                    "alarm {:?} needs exactly one of above, below, outside, no_data_minutes",
                    r.id
                ));
            }
        };
        if r.key == "*" && condition.is_threshold() {
            return Err(format!(
                "alarm {:?}: key \"*\" is allowed for no_data_minutes only",
                r.id
            ));
        }
        if !r.hysteresis.is_finite() || r.hysteresis < 0.0 {
            return Err(format!(
                "alarm {:?}: hysteresis must be a finite number ≥ 0",
                r.id
            ));
        }
        if let Condition::Outside { lo, hi } = condition
            && r.hysteresis * 2.0 >= hi - lo
        {
            return Err(format!(
                "alarm {:?}: hysteresis {} leaves no good range inside [{lo}, {hi}]",
                r.id, r.hysteresis
            ));
        }
        Ok(AlarmRule {
            id: r.id,
            key: r.key,
            condition,
            severity: r.severity,
            hysteresis: r.hysteresis,
            message: r.message,
        })
    }
}

impl From<AlarmRule> for RawRule {
    fn from(r: AlarmRule) -> Self {
        let (mut above, mut below, mut outside, mut no_data_minutes) = (None, None, None, None);
        match r.condition {
            Condition::Above(t) => above = Some(t),
            Condition::Below(t) => below = Some(t),
            Condition::Outside { lo, hi } => outside = Some([lo, hi]),
            Condition::NoData { minutes } => no_data_minutes = Some(minutes),
        }
        RawRule {
            id: r.id,
            key: r.key,
            above,
            below,
            outside,
            no_data_minutes,
            severity: r.severity,
            hysteresis: r.hysteresis,
            message: r.message,
        }
    }
}
