//! Everything that can be wrong with a filled-in questionnaire. Validation collects all problems
//! (never stops at the first), each naming the question or scene.

use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// One problem with an answers file.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ValidationError {
    /// The answers name an edition that is not built in.
    #[error("unknown edition `{edition}` (known: {})", known.join(", "))]
    UnknownEdition {
        /// The edition named.
        edition: String,
        /// Editions that can score a questionnaire.
        known: Vec<String>,
    },
    /// The edition only maps a total score to a level (2022); it has no questionnaire.
    #[error(
        "edition `{edition}` has no recorded questionnaire: it only turns a total score into a level"
    )]
    ScoreOnlyEdition {
        /// The edition named.
        edition: String,
    },
    /// The answers were filled in for another edition than the one scoring them.
    #[error("answers are for edition `{found}`, not `{expected}`")]
    EditionMismatch {
        /// The scoring edition.
        expected: String,
        /// The edition named in the answers.
        found: String,
    },
    /// No such question in the edition.
    #[error("unknown question `{question}`")]
    UnknownQuestion {
        /// The id given.
        question: String,
    },
    /// A question has no answer (absent or null).
    #[error("question `{question}` is unanswered")]
    Unanswered {
        /// The question id.
        question: String,
    },
    /// No such option in the question.
    #[error("question `{question}`: unknown option `{option}`")]
    UnknownOption {
        /// The question id.
        question: String,
        /// The option id given.
        option: String,
    },
    /// The same option ticked twice.
    #[error("question `{question}`: option `{option}` ticked twice")]
    DuplicateOption {
        /// The question id.
        question: String,
        /// The repeated option id.
        option: String,
    },
    /// An empty list of options: tick "none" explicitly.
    #[error("question `{question}`: no option ticked (tick `none` if none applies)")]
    EmptySelection {
        /// The question id.
        question: String,
    },
    /// "None of the above" ticked together with other options.
    #[error("question `{question}`: `{none}` ticked together with {}", others.join(", "))]
    NoneWithOthers {
        /// The question id.
        question: String,
        /// The "none" option id.
        none: String,
        /// The other options ticked.
        others: Vec<String>,
    },
    /// Several options for a question that takes one.
    #[error("question `{question}` takes one option, got {}", options.join(", "))]
    SeveralOptions {
        /// The question id.
        question: String,
        /// The options given.
        options: Vec<String>,
    },
    /// The answer's shape does not fit the question (e.g. a number for a single choice).
    #[error("question `{question}` expects {expected}, got {found}")]
    WrongAnswerKind {
        /// The question id.
        question: String,
        /// What the question takes.
        expected: &'static str,
        /// What was given.
        found: &'static str,
    },
    /// A number outside the question's range.
    #[error("question `{question}`: {field} {value} is outside {min}–{}", max.map_or("∞".to_owned(), |m| m.to_string()))]
    NumberOutOfRange {
        /// The question id.
        question: String,
        /// `value`, `before` or `after`.
        field: &'static str,
        /// The number given.
        value: f64,
        /// Smallest acceptable.
        min: f64,
        /// Largest acceptable, if bounded.
        max: Option<f64>,
    },
    /// `source: "measured"` on a question equipment data cannot evidence.
    #[error("question `{question}` cannot be measured from equipment data (source must be `self`)")]
    MeasuredNotAllowed {
        /// The question id.
        question: String,
    },
    /// No such scene in the edition.
    #[error("unknown scene `{scene}`")]
    UnknownScene {
        /// The id given.
        scene: String,
    },
    /// A scene without a level (absent or null).
    #[error("scene `{scene}` has no level")]
    MissingScene {
        /// The scene id.
        scene: String,
    },
    /// A scene level outside 1..=max.
    #[error("scene `{scene}`: level {level} is outside 1–{max}")]
    SceneLevelOutOfRange {
        /// The scene id.
        scene: String,
        /// The level given.
        level: i64,
        /// The highest scene level.
        max: u8,
    },
    /// A total score outside the edition's range (2022 bands).
    #[error("score {value} is outside {min}–{max}")]
    ScoreOutOfRange {
        /// The score given.
        value: f64,
        /// Smallest acceptable.
        min: f64,
        /// Largest acceptable.
        max: f64,
    },
}

impl ValidationError {
    /// The message in Chinese (the `Display` form is English).
    pub fn message_zh(&self) -> String {
        use ValidationError as E;
        match self {
            E::UnknownEdition { edition, known } => {
                format!(
                    "未知的评测指标版本“{edition}”（可用：{}）",
                    known.join("、")
                )
            }
            E::ScoreOnlyEdition { edition } => {
                format!("版本“{edition}”未收录问卷，只能由总分判定等级")
            }
            E::EditionMismatch { expected, found } => {
                format!("答卷版本为“{found}”，而评分版本为“{expected}”")
            }
            E::UnknownQuestion { question } => format!("未知题目“{question}”"),
            E::Unanswered { question } => format!("题目“{question}”未作答"),
            E::UnknownOption { question, option } => {
                format!("题目“{question}”：未知选项“{option}”")
            }
            E::DuplicateOption { question, option } => {
                format!("题目“{question}”：选项“{option}”重复勾选")
            }
            E::EmptySelection { question } => {
                format!("题目“{question}”：未勾选任何选项（如均不符合请勾选“none”）")
            }
            E::NoneWithOthers {
                question,
                none,
                others,
            } => format!(
                "题目“{question}”：“{none}”不能与其他选项同时勾选（{}）",
                others.join("、")
            ),
            E::SeveralOptions { question, options } => {
                format!(
                    "题目“{question}”为单选，却给出多个选项（{}）",
                    options.join("、")
                )
            }
            E::WrongAnswerKind {
                question,
                expected,
                found,
            } => format!(
                "题目“{question}”应填写{}，实际为{}",
                shape_zh(expected),
                shape_zh(found)
            ),
            E::NumberOutOfRange {
                question,
                field,
                value,
                min,
                max,
            } => format!(
                "题目“{question}”：{field} = {value} 超出范围 {min}–{}",
                max.map_or("∞".to_owned(), |m| m.to_string())
            ),
            E::MeasuredNotAllowed { question } => {
                format!("题目“{question}”无法由设备数据测得，source 应为 self")
            }
            E::UnknownScene { scene } => format!("未知场景“{scene}”"),
            E::MissingScene { scene } => format!("场景“{scene}”未填写等级"),
            E::SceneLevelOutOfRange { scene, level, max } => {
                format!("场景“{scene}”：等级 {level} 超出 1–{max}")
            }
            E::ScoreOutOfRange { value, min, max } => {
                format!("总分 {value} 超出范围 {min}–{max}")
            }
        }
    }
}

/// The answer shapes named in [`ValidationError::WrongAnswerKind`], in Chinese.
fn shape_zh(shape: &str) -> &str {
    match shape {
        "one option id" | "an option id" => "一个选项 id",
        "a list of option ids" => "选项 id 列表",
        "a number or a band's option id" => "数值或分段选项 id",
        "{before, after} or a direction's option id" => "{before, after} 或变化方向选项 id",
        "a number" => "数值",
        other => other,
    }
}

/// Every problem found in one answers file, in questionnaire order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationErrors {
    /// The edition that validated the answers (or the one the answers named).
    pub edition: String,
    /// All problems; never empty.
    pub errors: Vec<ValidationError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} problem(s) in answers for `{}`",
            self.errors.len(),
            self.edition
        )?;
        for e in &self.errors {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
