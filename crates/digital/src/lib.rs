//! `shangyun-digital` — 中小企业数字化水平评测指标, the SME digital-level index, as data.
//!
//! * **2024 edition** (工信厅企业〔2024〕56号, `digital-2024`): a 100-point questionnaire in
//!   three scored 一级 dimensions (数字化基础 50, 数字化管理 30, 数字化成效 20), 16
//!   数字化经营 scenes graded L1–L4 (10 of them constraining ★), and a level table combining
//!   the score with scene counts. Data: `editions/digital-2024.toml`.
//! * **2022 edition** (工信厅企业〔2022〕32号, `digital-2022`): level from a total score only
//!   (20–40 一级, 40–60 二级, 60–80 三级, ≥ 80 四级). Data: `editions/digital-2022.toml`.
//!
//! Every rule is in the data files; the code here is generic. Results name their edition and
//! its confidence, the points of every question and the options that gave them, each level's
//! conditions, why the enterprise is not one level higher, and the unsure parts they rest on.
//! No I/O: the editions are embedded and parsed once; callers may load newer ones with
//! [`Edition::from_toml`].
//!
//! ```
//! use shangyun_digital::{Answers, BeforeAfter};
//!
//! let mut answers = Answers::new("digital-2024")
//!     .with("network", ["workshop_control_network", "industrial_5g"])
//!     .with("equipment_digital_share", 55.0)
//!     .with("equipment_networked_share", shangyun_digital::Answer::from(42.5).measured())
//!     .with("auto_data_collection", ["production_control", "quality", "equipment", "energy"])
//!     .with("systems_in_use", "several")
//!     .with("network_security", ["policy", "products_services"])
//!     .with("data_security", ["none"])
//!     .with("transformation_awareness", "first_changes")
//!     .with("management_rules", ["it_operations"])
//!     .with("digital_talent", ["dedicated_staff", "regular_training"])
//!     .with("digital_spend_share", 3.0)
//!     .with("energy_per_revenue", BeforeAfter { before: 1.2, after: 1.1 })
//!     .with("monthly_pass_rate", "up")
//!     .with("revenue_per_head", "same")
//!     .with("cost_per_revenue", "down");
//! for scene in shangyun_digital::catalog()?.latest().scenes() {
//!     answers = answers.with_scene(scene.id.clone(), 2);
//! }
//! let result = shangyun_digital::score(&answers)?;
//! assert_eq!(result.score.to_string(), "51.175");
//! assert_eq!(result.level.zh, "二级");
//! let gap = result.level.why_not_higher.as_ref().map(|g| g.explanation_en.as_str());
//! assert_eq!(
//!     gap,
//!     Some("三级 (Level 3) needs score ≥ 60 (have 51.175) and ≥ 8 scenes at ≥ L3 (have 0) with ≥ 5 constraining (have 0)")
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answers;
mod assessment;
mod catalog;
mod confidence;
mod edition;
mod levels;
mod points;
mod score_bands;
mod scoring;
mod template;
mod validation;

pub use answers::{Answer, AnswerValue, Answers, BeforeAfter, Source};
pub use assessment::{
    Assessment, Caveat, CountedOption, DimensionScore, QuestionScore, SceneGrade, SubdimensionScore,
};
pub use catalog::{Catalog, DataError, catalog};
pub use confidence::Confidence;
pub use edition::{
    Dimension, Direction, Edition, EditionError, EditionInfo, OptionRole, Question, QuestionKind,
    QuestionOption, Scene, SceneGroup, SceneLevel, Subdimension,
};
pub use levels::{
    Condition, GradedScene, LevelCheck, LevelGap, LevelOutcome, LevelRule, LevelTable,
};
pub use points::Points;
pub use score_bands::{BandAssessment, BandGap, ScoreBand, ScoreBands, ScoreBandsError};
pub use template::Template;
pub use validation::{ValidationError, ValidationErrors};

use thiserror::Error;

/// Why [`score`] or [`level_2022`] gave no result.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScoreError {
    /// The answers (or the total score) are invalid: every problem is listed.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// An embedded edition failed its checks (a bug in this crate).
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Scores a questionnaire with the built-in edition it names (`answers.edition`).
///
/// See the crate example; on invalid answers every problem is returned at once.
pub fn score(answers: &Answers) -> Result<Assessment, ScoreError> {
    Ok(catalog()?.score(answers)?)
}

/// The 2022-edition level of a total score (0–100).
///
/// ```
/// let result = shangyun_digital::level_2022(57.0)?;
/// assert_eq!(result.zh, "二级");
/// assert_eq!(
///     result.why_not_higher.map(|g| g.explanation_en),
///     Some("三级 (Level 3) needs score ≥ 60 (have 57)".to_owned())
/// );
/// # Ok::<(), shangyun_digital::ScoreError>(())
/// ```
pub fn level_2022(total: f64) -> Result<BandAssessment, ScoreError> {
    let bands = catalog()?
        .score_bands("digital-2022")
        .ok_or(DataError::NoEdition)?;
    Ok(bands.assess(total)?)
}
