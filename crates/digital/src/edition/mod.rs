//! An edition of the 2024-style index: scored questions in a 一级/二级 hierarchy, the business
//! scenes graded L1–L4, and the overall level table. Built only from a data file, so every
//! `Edition` has passed the consistency checks in [`build`].

mod build;
mod raw;

pub use build::EditionError;

use crate::confidence::Confidence;
use crate::levels::LevelTable;
use crate::points::Points;
use serde::{Deserialize, Serialize};

/// Who published an edition, when, and how sure the project is of its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditionInfo {
    /// Stable id used in answers files, e.g. `digital-2024`.
    pub id: String,
    /// Official title (zh-CN).
    pub title: String,
    /// Title in English.
    pub title_en: String,
    /// Document number, e.g. `工信厅企业〔2024〕56号`.
    pub document_number: String,
    /// Effective date (ISO 8601; may be year-month only when the day is not recorded).
    pub effective: String,
    /// Confidence in the edition as a whole (weights); parts may carry their own.
    pub confidence: Confidence,
    /// Reading notes: how the generic code interprets the text.
    pub notes: Vec<String>,
}

/// A scored questionnaire edition (2024 index and its successors).
///
/// ```
/// let edition = shangyun_digital::catalog()?.latest();
/// assert_eq!(edition.id(), "digital-2024");
/// assert_eq!(edition.max_score().to_string(), "100");
/// assert_eq!(edition.scenes().len(), 16);
/// # Ok::<(), shangyun_digital::DataError>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Edition {
    info: EditionInfo,
    max_score: Points,
    dimensions: Vec<Dimension>,
    scene_levels: Vec<SceneLevel>,
    scene_groups: Vec<SceneGroup>,
    scenes: Vec<Scene>,
    levels: LevelTable,
}

impl Edition {
    /// Parses and checks an edition data file (see `editions/digital-2024.toml`).
    ///
    /// ```
    /// let text = include_str!("../../editions/digital-2024.toml");
    /// let edition = shangyun_digital::Edition::from_toml(text)?;
    /// assert_eq!(edition.info().document_number, "工信厅企业〔2024〕56号");
    /// # Ok::<(), shangyun_digital::EditionError>(())
    /// ```
    pub fn from_toml(text: &str) -> Result<Edition, EditionError> {
        build::edition_from_toml(text)
    }

    /// Title, document number, confidence, notes.
    pub fn info(&self) -> &EditionInfo {
        &self.info
    }

    /// The edition id, e.g. `digital-2024`.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The total of all scored questions (100).
    pub fn max_score(&self) -> Points {
        self.max_score
    }

    /// 一级 dimensions in questionnaire order, each with its 二级 dimensions and questions.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// Every scored question in questionnaire order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.dimensions
            .iter()
            .flat_map(|d| d.subdimensions.iter())
            .flat_map(|s| s.questions.iter())
    }

    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// What each scene level L1–L4 means.
    pub fn scene_levels(&self) -> &[SceneLevel] {
        &self.scene_levels
    }

    /// The scene groups (product lifecycle, production, supply chain, management).
    pub fn scene_groups(&self) -> &[SceneGroup] {
        &self.scene_groups
    }

    /// The 数字化经营 scenes in questionnaire order.
    pub fn scenes(&self) -> &[Scene] {
        &self.scenes
    }

    /// A scene by id.
    pub fn scene(&self, id: &str) -> Option<&Scene> {
        self.scenes.iter().find(|s| s.id == id)
    }

    /// The overall level table.
    pub fn levels(&self) -> &LevelTable {
        &self.levels
    }
}

/// A 一级 dimension (数字化基础 / 数字化管理 / 数字化成效).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    /// Stable id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Maximum points (the sum of its 二级 maxima).
    pub max: Points,
    /// Its 二级 dimensions.
    pub subdimensions: Vec<Subdimension>,
}

/// A 二级 dimension (设备系统, 数据采集, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subdimension {
    /// Stable id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Maximum points (the sum of its question maxima).
    pub max: Points,
    /// Its questions.
    pub questions: Vec<Question>,
}

/// One scored question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// Stable id used as the key in answers files.
    pub id: String,
    /// Question (zh-CN).
    pub zh: String,
    /// Question (English).
    pub en: String,
    /// Maximum points.
    pub max: Points,
    /// How it is answered and scored.
    pub kind: QuestionKind,
    /// The options (for banded and comparison questions: the bands and directions).
    pub options: Vec<QuestionOption>,
    /// Equipment telemetry can evidence the answer, so `source: "measured"` is allowed.
    pub measurable: bool,
    /// Confidence in this question's points.
    pub confidence: Confidence,
    /// Why it is unsure, or how it is read.
    pub note: Option<String>,
}

impl Question {
    /// An option by id.
    pub fn option(&self, id: &str) -> Option<&QuestionOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

/// How a question is answered and scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly one option; its points.
    Single,
    /// Any options; the sum of the ticked ones, 0 if "none" is ticked (then alone).
    Multi,
    /// A number (or a band's option id) that falls into one band of `(above, up_to]`.
    BandedNumber {
        /// Unit of the number, e.g. `%`.
        unit: String,
        /// Smallest acceptable number.
        min_value: f64,
        /// Largest acceptable number.
        max_value: f64,
    },
    /// Two numbers, before and after (or a direction's option id); the direction scores.
    Comparison {
        /// The direction that is an improvement.
        better: Direction,
        /// Unit of the numbers, if any.
        unit: Option<String>,
        /// Smallest acceptable number.
        min_value: f64,
        /// Largest acceptable number, if bounded.
        max_value: Option<f64>,
    },
}

impl QuestionKind {
    /// A short name: `single`, `multi`, `banded_number`, `comparison`.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multi => "multi",
            QuestionKind::BandedNumber { .. } => "banded_number",
            QuestionKind::Comparison { .. } => "comparison",
        }
    }
}

/// One option of a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionOption {
    /// Stable id, unique within its question.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Points when chosen.
    pub points: Points,
    /// What the option stands for.
    pub role: OptionRole,
    /// Confidence in this option's wording or points.
    pub confidence: Confidence,
    /// Why it is unsure.
    pub note: Option<String>,
}

/// What an option stands for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum OptionRole {
    /// An ordinary choice.
    Plain,
    /// "None of the above" of a multi-select: scores 0 and excludes the others.
    NoneOfThese,
    /// A band of numbers, `(above, up_to]`; `None` is open-ended.
    Band {
        /// Exclusive lower bound.
        above: Option<f64>,
        /// Inclusive upper bound.
        up_to: Option<f64>,
    },
    /// A direction of change, after vs before.
    Change {
        /// Up, same or down.
        direction: Direction,
    },
}

impl OptionRole {
    /// Whether `value` falls in this band (false for non-band options).
    pub fn band_contains(&self, value: f64) -> bool {
        match self {
            OptionRole::Band { above, up_to } => {
                above.is_none_or(|a| value > a) && up_to.is_none_or(|u| value <= u)
            }
            _ => false,
        }
    }
}

/// Direction of a change, after vs before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// After > before.
    Up,
    /// After = before.
    Same,
    /// After < before.
    Down,
}

impl Direction {
    /// The direction from `before` to `after` (exact comparison: the text gives no tolerance).
    pub fn between(before: f64, after: f64) -> Direction {
        if after > before {
            Direction::Up
        } else if after < before {
            Direction::Down
        } else {
            Direction::Same
        }
    }
}

/// What a scene level means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneLevel {
    /// 1–4.
    pub level: u8,
    /// Description (zh-CN).
    pub zh: String,
    /// Description (English).
    pub en: String,
}

/// A group of scenes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneGroup {
    /// Stable id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
}

/// A 数字化经营 scene, graded L1–L4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Stable id used as the key in answers files.
    pub id: String,
    /// Its group's id.
    pub group: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// 约束性场景 (★): counts towards the level's constraining-scene condition.
    pub constraining: bool,
    /// Disagreement between sources, if any.
    #[serde(default)]
    pub note: Option<String>,
}
