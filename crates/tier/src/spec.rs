//! The TOML shape of rule data (edition files and provincial 特色化 files), before compiling.
//!
//! Kept separate from the compiled form so that the file format can be read here in one
//! place; see `editions/README.md` for the format with examples.

use crate::date::Date;
use crate::rules::Confidence;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One edition × tier file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EditionSpec {
    pub id: String,
    pub edition: String,
    pub tier: String,
    pub name_zh: String,
    pub name_en: String,
    pub title: String,
    pub document: String,
    pub confidence: Confidence,
    pub verified: bool,
    pub effective: Date,
    #[serde(default)]
    pub notes: Vec<String>,
    pub scoring: Option<ScoringSpec>,
    #[serde(default)]
    pub dimensions: Vec<DimensionSpec>,
    #[serde(default)]
    pub indicators: Vec<IndicatorSpec>,
    #[serde(default)]
    pub basic: Vec<ConditionSpec>,
    #[serde(default)]
    pub direct: Vec<ConditionSpec>,
    #[serde(default)]
    pub defines: BTreeMap<String, CondSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScoringSpec {
    pub max: f64,
    pub pass_total: f64,
    /// A value exactly on a band edge takes the higher (better) band.
    pub edge_takes_higher_band: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DimensionSpec {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub max: f64,
    pub minimum: Option<f64>,
    /// Filled by a province's own indicators, passed in at evaluation.
    #[serde(default)]
    pub local: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ScorerKind {
    Bands,
    BestOf,
    Ladder,
    Count,
}

/// Which band a value exactly on an edge belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OnEdge {
    HigherBand,
    LowerBand,
}

/// Whether more of the measure earns more points (revenue share) or fewer (debt ratio).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Better {
    #[default]
    Higher,
    Lower,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndicatorSpec {
    pub id: String,
    /// Absent in provincial files (always the local dimension).
    pub dimension: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub max: f64,
    pub kind: ScorerKind,
    pub on_edge: Option<OnEdge>,
    #[serde(default)]
    pub note: Option<String>,
    // kind = "bands"
    pub measure: Option<String>,
    pub better: Option<Better>,
    pub bands: Option<Vec<BandSpec>>,
    // kind = "best_of"
    pub parts: Option<Vec<BandSetSpec>>,
    // kind = "ladder"
    pub steps: Option<Vec<StepSpec>>,
    pub otherwise: Option<f64>,
    // kind = "count"
    pub items: Option<Vec<CondSpec>>,
    pub per_item: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandSetSpec {
    pub measure: String,
    #[serde(default)]
    pub better: Better,
    pub bands: Vec<BandSpec>,
}

/// One band: `edge` is where it starts (for `better = "higher"`) or ends (`"lower"`); the
/// last band has no edge and catches the rest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandSpec {
    pub edge: Option<NumOrName>,
    pub points: f64,
    pub on_edge: Option<OnEdge>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepSpec {
    pub when: CondSpec,
    pub points: f64,
    pub label: String,
}

/// A number, or a level name for measures that have named levels (`"provincial"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum NumOrName {
    Num(f64),
    Name(String),
}

/// A condition: exactly one of the forms below.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CondSpec {
    /// `{ measure = "x", at_least = 3 }` (or at_most / above / below / equals).
    pub measure: Option<String>,
    pub at_least: Option<NumOrName>,
    pub at_most: Option<NumOrName>,
    pub above: Option<NumOrName>,
    pub below: Option<NumOrName>,
    pub equals: Option<NumOrName>,
    /// `{ flag = "own_brand" }`: a yes/no field is yes.
    pub flag: Option<String>,
    /// `{ title = ["high_tech_enterprise"] }`: holds a valid title of one of these kinds.
    pub title: Option<Vec<String>>,
    /// `{ award = ["national_st"], rank_at_most = 3 }`: received one of these awards.
    pub award: Option<Vec<String>>,
    pub rank_at_most: Option<u32>,
    /// `{ product_field = ["six_basics"] }`: the main product is in one of these fields.
    pub product_field: Option<Vec<String>>,
    pub all: Option<Vec<CondSpec>>,
    pub any: Option<Vec<CondSpec>>,
    /// `{ ref = "name" }`: a condition from `[defines]`.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionSpec {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub when: CondSpec,
    pub waiver: Option<WaiverSpec>,
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WaiverSpec {
    pub name_zh: String,
    pub name_en: String,
    pub when: CondSpec,
}

/// A province's 特色化 indicators for the 2022 专精特新 local dimension.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocalSpec {
    pub province: String,
    pub edition: String,
    pub name_zh: String,
    pub name_en: String,
    pub document: Option<String>,
    pub confidence: Confidence,
    #[serde(default)]
    pub example: bool,
    pub edge_takes_higher_band: bool,
    #[serde(default)]
    pub notes: Vec<String>,
    pub indicators: Vec<IndicatorSpec>,
    #[serde(default)]
    pub defines: BTreeMap<String, CondSpec>,
}
