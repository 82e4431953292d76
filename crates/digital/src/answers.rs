//! A filled-in questionnaire: what the enterprise answered, question by question, and the level
//! of each scene. Deserializes from the JSON answers file; the scorer validates it.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A filled-in questionnaire for one edition.
///
/// In JSON an answer is either bare — `"none"`, `["policy", "risk_assessment"]`, `35`,
/// `{"before": 1.2, "after": 1.0}` — or an object with a source tag:
/// `{"value": 42.5, "source": "measured"}`. `null` (as in the template) means unanswered.
///
/// ```
/// let json = r#"{
///   "edition": "digital-2024",
///   "answers": {
///     "network": ["workshop_control_network", "industrial_5g"],
///     "equipment_networked_share": { "value": 42.5, "source": "measured" },
///     "energy_per_revenue": { "before": 1.2, "after": 1.0 },
///     "systems_in_use": null
///   },
///   "scenes": { "product_design": 2 }
/// }"#;
/// let answers: shangyun_digital::Answers = serde_json::from_str(json)?;
/// assert_eq!(answers.answers["equipment_networked_share"].source, shangyun_digital::Source::Measured);
/// assert!(answers.answers["systems_in_use"].value.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The edition the questionnaire was filled in for, e.g. `digital-2024`.
    pub edition: String,
    /// Question id → answer.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// Scene id → level (1–4); `null` = not yet graded. Kept as a wide integer so that an
    /// out-of-range level is reported by validation, not as a parse error.
    #[serde(default)]
    pub scenes: BTreeMap<String, Option<i64>>,
    /// Free text for people (the template puts its guide here); ignored by scoring.
    #[serde(default, skip_serializing)]
    help: Option<IgnoredAny>,
}

impl Answers {
    /// An empty questionnaire for `edition`.
    pub fn new(edition: impl Into<String>) -> Answers {
        Answers {
            edition: edition.into(),
            ..Answers::default()
        }
    }

    /// Sets an answer (builder style).
    pub fn with(mut self, question: impl Into<String>, answer: impl Into<Answer>) -> Answers {
        self.answers.insert(question.into(), answer.into());
        self
    }

    /// Sets a scene level (builder style).
    pub fn with_scene(mut self, scene: impl Into<String>, level: i64) -> Answers {
        self.scenes.insert(scene.into(), Some(level));
        self
    }
}

/// Who gave an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Source {
    /// The enterprise's own statement (the default).
    #[default]
    #[serde(rename = "self")]
    SelfReported,
    /// Measured from equipment data (only for questions marked measurable).
    #[serde(rename = "measured")]
    Measured,
}

/// One answer and where it came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Answer {
    /// The answer; `None` = unanswered.
    pub value: Option<AnswerValue>,
    /// Self-reported or measured.
    pub source: Source,
}

impl Answer {
    /// Marks the answer as measured from equipment data.
    pub fn measured(mut self) -> Answer {
        self.source = Source::Measured;
        self
    }
}

/// What was answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    /// One option id (single choice; a band or direction by id; one ticked box).
    Option(String),
    /// Several option ids (multi-select).
    Options(Vec<String>),
    /// A number (banded questions, e.g. a share in %).
    Number(f64),
    /// Before and after (comparison questions).
    Comparison(BeforeAfter),
}

/// Before/after numbers of a comparison question.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeforeAfter {
    /// The value before (transformation, or the previous year).
    pub before: f64,
    /// The value after (transformation, or this year).
    pub after: f64,
}

impl From<AnswerValue> for Answer {
    fn from(value: AnswerValue) -> Answer {
        Answer {
            value: Some(value),
            source: Source::SelfReported,
        }
    }
}

impl From<&str> for Answer {
    fn from(option: &str) -> Answer {
        AnswerValue::Option(option.to_owned()).into()
    }
}

impl<const N: usize> From<[&str; N]> for Answer {
    fn from(options: [&str; N]) -> Answer {
        AnswerValue::Options(options.iter().map(|s| (*s).to_owned()).collect()).into()
    }
}

impl From<f64> for Answer {
    fn from(number: f64) -> Answer {
        AnswerValue::Number(number).into()
    }
}

impl From<BeforeAfter> for Answer {
    fn from(pair: BeforeAfter) -> Answer {
        AnswerValue::Comparison(pair).into()
    }
}

/// The shapes an answer may take in JSON.
#[derive(Deserialize)]
#[serde(untagged)]
enum AnswerRepr {
    Blank(()),
    Bare(AnswerValue),
    Tagged(TaggedAnswer),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaggedAnswer {
    #[serde(default)]
    value: Option<AnswerValue>,
    #[serde(default)]
    source: Source,
    #[serde(default)]
    #[allow(dead_code)] // accepted so a filled-in template still parses
    help: Option<IgnoredAny>,
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match AnswerRepr::deserialize(deserializer)? {
            AnswerRepr::Blank(()) => Answer::default(),
            AnswerRepr::Bare(value) => value.into(),
            AnswerRepr::Tagged(t) => Answer {
                value: t.value,
                source: t.source,
            },
        })
    }
}
