//! The mapping file: which questionnaire questions equipment data answers, checked against the
//! questionnaire edition it names.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const BUILT_IN: &str = include_str!("../data/evidence-digital-2024.toml");

/// A question answered by one measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionRef {
    /// Question id in the questionnaire.
    pub question: String,
}

/// The business-link question and the device link → option map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksRef {
    /// Question id.
    pub question: String,
    /// Device business link → questionnaire option id.
    pub links: BTreeMap<String, String>,
}

/// One mapping edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Edition id, named in every result.
    pub edition: String,
    /// The questionnaire edition it answers (`digital-2024`).
    pub questionnaire: String,
    /// The window a device must have reported in, days.
    pub window_days: u32,
    /// 生产设备联网率.
    pub networked_share: QuestionRef,
    /// 数据自动采集的业务环节.
    pub auto_data_collection: LinksRef,
    /// 每百元营业收入综合能耗.
    pub energy_per_revenue: QuestionRef,
}

/// A mapping file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MappingError {
    /// Not valid TOML for this shape.
    #[error("evidence mapping: {0}")]
    Parse(String),
    /// It names something the questionnaire does not have (or a question not measurable).
    #[error("evidence mapping {edition}: {problem}")]
    Questionnaire {
        /// The mapping's edition.
        edition: String,
        /// What is wrong.
        problem: String,
    },
}

impl Mapping {
    /// Parses a mapping and checks it against its questionnaire edition.
    pub fn from_toml(text: &str) -> Result<Mapping, MappingError> {
        let m: Mapping = toml::from_str(text).map_err(|e| MappingError::Parse(e.to_string()))?;
        let bad = |problem: String| MappingError::Questionnaire {
            edition: m.edition.clone(),
            problem,
        };
        let catalog = shangyun_digital::catalog().map_err(|e| bad(e.to_string()))?;
        let edition = catalog
            .edition(&m.questionnaire)
            .ok_or_else(|| bad(format!("no questionnaire edition {}", m.questionnaire)))?;
        if m.window_days == 0 {
            return Err(bad("window_days must be at least 1".into()));
        }
        for q in [
            &m.networked_share.question,
            &m.auto_data_collection.question,
            &m.energy_per_revenue.question,
        ] {
            let question = edition
                .question(q)
                .ok_or_else(|| bad(format!("no question {q}")))?;
            if !question.measurable {
                return Err(bad(format!("question {q} is not marked measurable")));
            }
        }
        if let Some(links) = edition.question(&m.auto_data_collection.question) {
            for option in m.auto_data_collection.links.values() {
                if links.option(option).is_none() {
                    return Err(bad(format!("question {} has no option {option}", links.id)));
                }
            }
        }
        Ok(m)
    }

    /// The built-in mapping (`data/evidence-digital-2024.toml`).
    pub fn built_in() -> Result<&'static Mapping, MappingError> {
        static M: OnceLock<Result<Mapping, MappingError>> = OnceLock::new();
        M.get_or_init(|| Mapping::from_toml(BUILT_IN))
            .as_ref()
            .map_err(Clone::clone)
    }
}
