//! The data file as written: flat tables that refer to each other by id. `build` turns them
//! into the nested, checked model.

use crate::confidence::Confidence;
use crate::edition::{Direction, Scene, SceneGroup, SceneLevel};
use crate::levels::LevelTable;
use crate::points::Points;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEdition {
    pub id: String,
    pub title: String,
    pub title_en: String,
    pub document_number: String,
    pub effective: String,
    pub confidence: Confidence,
    #[serde(default)]
    pub notes: Vec<String>,
    pub max_score: Points,
    #[serde(rename = "dimension")]
    pub dimensions: Vec<RawDimension>,
    #[serde(rename = "subdimension")]
    pub subdimensions: Vec<RawSubdimension>,
    #[serde(rename = "question")]
    pub questions: Vec<RawQuestion>,
    #[serde(rename = "scene_level")]
    pub scene_levels: Vec<SceneLevel>,
    #[serde(rename = "scene_group")]
    pub scene_groups: Vec<SceneGroup>,
    #[serde(rename = "scene")]
    pub scenes: Vec<Scene>,
    pub levels: LevelTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDimension {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub max: Points,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubdimension {
    pub id: String,
    pub dimension: String,
    pub zh: String,
    pub en: String,
    pub max: Points,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawKind {
    Single,
    Multi,
    BandedNumber,
    Comparison,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub id: String,
    pub subdimension: String,
    pub kind: RawKind,
    pub zh: String,
    pub en: String,
    pub max: Points,
    #[serde(default)]
    pub measurable: bool,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub min_value: Option<f64>,
    #[serde(default)]
    pub max_value: Option<f64>,
    #[serde(default)]
    pub better: Option<Direction>,
    #[serde(rename = "option")]
    pub options: Vec<RawOption>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub points: Points,
    #[serde(default)]
    pub none: bool,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub up_to: Option<f64>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub note: Option<String>,
}
