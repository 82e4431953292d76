//! The result of scoring a questionnaire: every point explained, the level, and why not higher.

use crate::answers::Answer;
use crate::confidence::Confidence;
use crate::edition::EditionInfo;
use crate::levels::LevelOutcome;
use crate::points::Points;
use serde::Serialize;

/// A scored questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The edition that scored it.
    pub edition: EditionInfo,
    /// Total of the scored questions.
    pub score: Points,
    /// The most the questionnaire can give (100).
    pub max_score: Points,
    /// Points per 一级 / 二级 dimension and per question.
    pub dimensions: Vec<DimensionScore>,
    /// Every scene with its level.
    pub scenes: Vec<SceneGrade>,
    /// The overall level, each level's conditions, and why not one level higher.
    pub level: LevelOutcome,
    /// Questions whose answers were measured from equipment data.
    pub measured: Vec<String>,
    /// Parts of the rules behind this result that the project is not sure of.
    pub caveats: Vec<Caveat>,
}

/// Points of a 一级 dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionScore {
    /// Dimension id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Points earned.
    pub points: Points,
    /// Maximum.
    pub max: Points,
    /// Its 二级 dimensions.
    pub subdimensions: Vec<SubdimensionScore>,
}

/// Points of a 二级 dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubdimensionScore {
    /// Subdimension id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Points earned.
    pub points: Points,
    /// Maximum.
    pub max: Points,
    /// Its questions.
    pub questions: Vec<QuestionScore>,
}

/// Points of one question and the options that gave them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionScore {
    /// Question id.
    pub id: String,
    /// Question (zh-CN).
    pub zh: String,
    /// Question (English).
    pub en: String,
    /// `single`, `multi`, `banded_number` or `comparison`.
    pub kind: &'static str,
    /// Points earned.
    pub points: Points,
    /// Maximum.
    pub max: Points,
    /// The answer as given, with its source.
    pub answer: Answer,
    /// The options that counted (for numbers: the band or direction they fell into).
    pub counted: Vec<CountedOption>,
    /// Confidence in this question's points.
    pub confidence: Confidence,
}

/// An option that counted towards a question's points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountedOption {
    /// Option id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Its points.
    pub points: Points,
}

/// A scene and its level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SceneGrade {
    /// Scene id.
    pub id: String,
    /// Label (zh-CN).
    pub zh: String,
    /// Label (English).
    pub en: String,
    /// Group id.
    pub group: String,
    /// 约束性场景 (★).
    pub constraining: bool,
    /// Level 1–4.
    pub level: u8,
}

/// A part of the rules behind a result that is not firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Caveat {
    /// What: `question:<id>`, `option:<question>.<option>`, `scene:<id>` or `levels`.
    pub subject: String,
    /// How sure.
    pub confidence: Confidence,
    /// Why.
    pub note: Option<String>,
}
