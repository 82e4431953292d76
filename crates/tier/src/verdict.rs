//! The output: an outcome that explains itself.

use crate::condition::{Op, Tri, Truth};
use crate::field::FieldSet;
use crate::indicator::IndicatorInfo;
use crate::local::LocalInfo;
use crate::rules::{ConditionInfo, Dimension, EditionInfo};
use serde::Serialize;

/// The result of evaluating one profile against one edition × tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierVerdict<'e> {
    /// Eligible, not eligible, or not enough data (with the data that could change it).
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The edition applied, with its confidence and `verified` flag.
    pub edition: &'e EditionInfo,
    /// Every basic and direct condition, in data order, with its status.
    pub conditions: Vec<ConditionResult<'e>>,
    /// Every check that failed: the value met and the threshold it missed.
    pub failed: Vec<FailedCheck<'e>>,
    /// The first direct condition (直通条件) that held, if any.
    pub direct_route: Option<&'e str>,
    /// Points per indicator and dimension, when the edition scores.
    pub score: Option<ScoreResult<'e>>,
    /// Whether the province-set 特色化 part was evaluated.
    pub local: LocalPart<'e>,
}

/// The decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Meets the tier's conditions (符合条件).
    Eligible,
    /// Does not (不符合条件).
    NotEligible,
    /// Missing data could still change the outcome (数据不足).
    NotEnoughData {
        /// The profile fields (JSON names) that could change it; `local_rules` stands for the
        /// province's 特色化 file.
        missing: Vec<&'static str>,
    },
}

impl Outcome {
    /// `true` only for [`Outcome::Eligible`].
    pub fn is_eligible(&self) -> bool {
        matches!(self, Outcome::Eligible)
    }

    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Outcome::Eligible => "符合条件",
            Outcome::NotEligible => "不符合条件",
            Outcome::NotEnoughData { .. } => "数据不足，无法判定",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::NotEligible => "not eligible",
            Outcome::NotEnoughData { .. } => "not enough data",
        }
    }
}

/// An [`Outcome`] without the names of the missing fields: what [`TierRules::outcome`]
/// gives, small and `Copy`, for callers that decide many profiles.
///
/// [`TierRules::outcome`]: crate::TierRules::outcome
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Meets the tier's conditions.
    Eligible,
    /// Does not.
    NotEligible,
    /// Missing data, these fields, could still change the outcome.
    NotEnoughData {
        /// The profile fields that could change it.
        missing: FieldSet,
    },
}

impl OutcomeKind {
    pub(crate) fn of(overall: Tri) -> OutcomeKind {
        match overall.truth {
            Truth::True => OutcomeKind::Eligible,
            Truth::False => OutcomeKind::NotEligible,
            Truth::Unknown => OutcomeKind::NotEnoughData {
                missing: overall.missing,
            },
        }
    }
}

impl From<OutcomeKind> for Outcome {
    fn from(kind: OutcomeKind) -> Outcome {
        match kind {
            OutcomeKind::Eligible => Outcome::Eligible,
            OutcomeKind::NotEligible => Outcome::NotEligible,
            OutcomeKind::NotEnoughData { missing } => Outcome::NotEnoughData {
                missing: missing.names(),
            },
        }
    }
}

/// Whether a condition must hold (basic) or is one route that suffices (direct).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 基本条件: all must hold.
    Basic,
    /// 直通条件: any one replaces the score.
    Direct,
}

/// How a condition came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Holds.
    Passed,
    /// Does not hold, and no waiver applies.
    Failed,
    /// Does not hold (or is unknown), but its waiver holds.
    Waived,
    /// Depends on missing data.
    Unknown,
}

impl Status {
    /// Chinese label.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Status::Passed => "满足",
            Status::Failed => "不满足",
            Status::Waived => "豁免",
            Status::Unknown => "待定",
        }
    }
}

/// One condition's status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConditionResult<'e> {
    /// The condition (id, names, confidence, note).
    #[serde(flatten)]
    pub info: &'e ConditionInfo,
    /// Basic or direct.
    pub role: Role,
    /// How it came out.
    pub status: Status,
    /// The waiver that applied (Chinese name), when `status` is `waived`.
    pub waived_by: Option<&'e str>,
}

/// One check that did not hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailedCheck<'e> {
    /// Id of the condition it belongs to (`score` for the pass mark and dimension minima).
    pub condition: &'e str,
    /// Chinese name of that condition.
    pub condition_zh: &'e str,
    /// What was checked, e.g. `rd_ratio_pct≥3` or `total`.
    pub check: &'e str,
    /// Chinese label of the check.
    pub check_zh: &'e str,
    /// The value met (1/0 for held/not held; `null` when not a single number).
    pub value: Option<f64>,
    /// The comparison required.
    pub op: Op,
    /// The threshold it missed.
    pub threshold: f64,
}

/// Points: exact, or the range still possible when data is missing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Points {
    /// Known.
    Exact(f64),
    /// Between `min` and `max` depending on missing data.
    Range {
        /// Lowest still possible.
        min: f64,
        /// Highest still possible.
        max: f64,
    },
}

impl Points {
    pub(crate) fn new(lo: f64, hi: f64) -> Points {
        if lo == hi {
            Points::Exact(lo)
        } else {
            Points::Range { min: lo, max: hi }
        }
    }

    /// The exact points, when known.
    pub fn exact(self) -> Option<f64> {
        match self {
            Points::Exact(p) => Some(p),
            Points::Range { .. } => None,
        }
    }
}

/// The scored part of a verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreResult<'e> {
    /// Total points.
    pub total: Points,
    /// Points available.
    pub max: f64,
    /// Points needed to pass.
    pub pass_total: f64,
    /// Whether the total and every dimension minimum are met.
    pub passed: Truth,
    /// The band-edge rule in force for the edition's indicators.
    pub edge_takes_higher_band: bool,
    /// Points per dimension.
    pub dimensions: Vec<DimensionScore<'e>>,
    /// Points per indicator.
    pub indicators: Vec<IndicatorScore<'e>>,
}

/// One dimension's points.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DimensionScore<'e> {
    /// The dimension (id, names, max, minimum).
    #[serde(flatten)]
    pub info: &'e Dimension,
    /// Points earned.
    pub points: Points,
}

/// One indicator's points, with the value read and the band it fell in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorScore<'e> {
    /// The indicator (id, names, max, note).
    #[serde(flatten)]
    pub info: &'e IndicatorInfo,
    /// Id of its dimension.
    pub dimension: &'e str,
    /// The measure read (e.g. `rd_ratio_pct`), when one number decided.
    pub measure: Option<&'e str>,
    /// Its value.
    pub value: Option<f64>,
    /// The band or ladder step matched, e.g. `[3, 5)`.
    pub band: Option<&'e str>,
    /// Points earned.
    pub points: Points,
    /// From the provincial file.
    pub local: bool,
}

/// The province-set 特色化 part.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LocalPart<'e> {
    /// The edition has no such part.
    NotApplicable,
    /// Scored with the province's file.
    Evaluated {
        /// The file used.
        rules: &'e LocalInfo,
    },
    /// No provincial file was given; the dimension counts as 0 to `max_points`.
    NotEvaluated {
        /// Points the part could give.
        max_points: f64,
        /// Whether the outcome hangs on it (if not, the firm passes or fails regardless).
        outcome_depends_on_it: bool,
    },
}
