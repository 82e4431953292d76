//! A size-rule edition: the data file's contents, checked and compiled for fast look-ups.

use crate::amount;
use crate::lookup::IndustryLookup;
use crate::metric::{Metric, MetricSet};
use serde::{Deserialize, Serialize};
use shangyun_codes::{IndustryCodeError, IndustryList};
use std::sync::OnceLock;
use thiserror::Error;

/// The 2011 edition file, embedded.
const EDITION_2011_TOML: &str = include_str!("../editions/size-2011.toml");

/// How sure the project is of an edition's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Official text, or several independent sources agree.
    Firm,
    /// One detailed source citing the official document.
    Likely,
    /// Conflicting or thin sources.
    Unsure,
}

/// Who issued an edition and when: named in every result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionInfo {
    /// Edition id, e.g. `2011`.
    pub id: String,
    /// Chinese title, e.g. 中小企业划型标准规定.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Document number, e.g. 工信部联企业〔2011〕300号.
    pub document: String,
    /// Issuing bodies.
    pub issuers: String,
    /// How sure the encoded facts are.
    pub confidence: Confidence,
    /// Effective date, `YYYY-MM-DD`.
    pub effective: String,
    /// The industry classification the scopes refer to (e.g. GB/T 4754-2017).
    pub industry_classification: String,
    /// The document mapping the scopes onto that classification.
    pub scope_source: String,
    /// Interpretation notes kept with the data (decisions on ambiguous scope); left out of
    /// results to keep them short.
    #[serde(default, skip_serializing)]
    pub notes: Vec<String>,
}

/// The three bounds for one metric of one group (万元 or persons).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// The metric.
    pub metric: Metric,
    /// SME ceiling: 大型 only if every metric ≥ its `large`.
    #[serde(serialize_with = "amount::serialize")]
    pub large: f64,
    /// 中型 lower bound.
    #[serde(serialize_with = "amount::serialize")]
    pub medium: f64,
    /// 小型 lower bound; below it on any metric → 微型.
    #[serde(serialize_with = "amount::serialize")]
    pub small: f64,
}

/// One industry group of an edition (e.g. 2 工业) with its scope and thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryGroup {
    /// The row number in the standard's table (1–16 in 2011).
    pub number: u8,
    /// Stable machine id, e.g. `industry`.
    pub id: String,
    /// Chinese name, e.g. 工业.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// GB/T 4754 prefixes (section letter, division, group or class) the group covers.
    pub scope: Vec<String>,
    /// Bounds per metric, in the order the standard lists them.
    pub thresholds: Vec<Thresholds>,
}

impl IndustryGroup {
    /// The metrics the group needs.
    pub fn metrics(&self) -> MetricSet {
        self.thresholds.iter().map(|t| t.metric).collect()
    }
}

/// Industries the edition does not cover, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// GB/T 4754 prefixes.
    pub scope: Vec<String>,
    /// Why, in Chinese.
    pub reason_zh: String,
    /// Why, in English.
    pub reason_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionFile {
    edition: EditionInfo,
    group: Vec<IndustryGroup>,
    #[serde(default)]
    not_covered: Vec<Exclusion>,
}

/// Why an edition file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EditionError {
    /// Not valid TOML or not the expected shape.
    #[error("edition file is not valid: {0}")]
    Toml(String),
    /// A required text field is empty.
    #[error("edition field `{0}` is empty")]
    EmptyField(&'static str),
    /// More groups or exclusions than the compiled look-up can hold.
    #[error("too many {what}: {count} (at most {max})")]
    TooMany {
        /// `groups` or `not_covered entries`.
        what: &'static str,
        /// How many the file has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Two groups share a number or an id.
    #[error("group {number} `{id}` repeats the number or id of another group")]
    DuplicateGroup {
        /// Its number.
        number: u8,
        /// Its id.
        id: String,
    },
    /// A group or exclusion has an empty scope.
    #[error("{owner} has an empty scope")]
    EmptyScope {
        /// Which group or exclusion.
        owner: String,
    },
    /// A scope prefix is not a code of the industry classification.
    #[error("{owner}: scope prefix `{prefix}`: {source}")]
    BadPrefix {
        /// Which group or exclusion.
        owner: String,
        /// The prefix as written.
        prefix: String,
        /// Why it is not a code.
        source: IndustryCodeError,
    },
    /// Two scope entries name the same code.
    #[error("scope prefix `{prefix}` appears in both {first} and {second}")]
    DuplicatePrefix {
        /// The code.
        prefix: String,
        /// Where it first appears.
        first: String,
        /// Where it appears again.
        second: String,
    },
    /// A group has no thresholds, or lists a metric twice.
    #[error("group {number}: {problem}")]
    BadThresholds {
        /// Group number.
        number: u8,
        /// What is wrong.
        problem: String,
    },
    /// An industry class falls under no group and no exclusion.
    #[error(
        "industry {code} {name} is in no group and not listed as not covered: every class must be mapped"
    )]
    Unmapped {
        /// The class code.
        code: String,
        /// Its name.
        name: String,
    },
}

/// A checked size-rule edition, compiled into an industry → group table.
///
/// ```
/// use shangyun_size::{SizeEdition, Confidence};
/// let edition = SizeEdition::edition_2011();
/// assert_eq!(edition.info().id, "2011");
/// assert_eq!(edition.info().document, "工信部联企业〔2011〕300号");
/// assert_eq!(edition.info().confidence, Confidence::Firm);
/// assert_eq!(edition.groups().len(), 16);
/// ```
#[derive(Debug, Clone)]
pub struct SizeEdition {
    pub(crate) info: EditionInfo,
    pub(crate) groups: Vec<IndustryGroup>,
    pub(crate) not_covered: Vec<Exclusion>,
    pub(crate) lookup: IndustryLookup,
}

impl SizeEdition {
    /// The 2011 edition (工信部联企业〔2011〕300号, scope per 国统字〔2017〕213号), parsed once.
    ///
    /// # Panics
    /// Only if the embedded edition file is broken, which the crate's tests rule out.
    pub fn edition_2011() -> &'static SizeEdition {
        static EDITION: OnceLock<SizeEdition> = OnceLock::new();
        EDITION.get_or_init(
            || match Self::from_toml(EDITION_2011_TOML, IndustryList::embedded()) {
                Ok(edition) => edition,
                Err(e) => panic!("embedded size edition 2011 is broken: {e}"),
            },
        )
    }

    /// Reads an edition file (see `editions/size-2011.toml` for the format) and compiles its
    /// scopes against `industries`. Rejects: unknown fields, empty ids, scope prefixes that are
    /// not codes of `industries` or appear twice, thresholds that are missing, repeated, negative
    /// or not `large ≥ medium ≥ small`, and any industry class left in no group and no exclusion.
    pub fn from_toml(text: &str, industries: &IndustryList) -> Result<SizeEdition, EditionError> {
        let file: EditionFile =
            toml::from_str(text).map_err(|e| EditionError::Toml(e.to_string()))?;
        let info = file.edition;
        for (field, value) in [
            ("id", &info.id),
            ("title", &info.title),
            ("document", &info.document),
            ("effective", &info.effective),
        ] {
            if value.trim().is_empty() {
                return Err(EditionError::EmptyField(field));
            }
        }
        check_groups(&file.group)?;
        let lookup = IndustryLookup::build(&file.group, &file.not_covered, industries)?;
        Ok(SizeEdition {
            info,
            groups: file.group,
            not_covered: file.not_covered,
            lookup,
        })
    }

    /// Who issued the edition and when.
    pub fn info(&self) -> &EditionInfo {
        &self.info
    }

    /// The groups in the standard's order.
    pub fn groups(&self) -> &[IndustryGroup] {
        &self.groups
    }

    /// The industries listed as not covered.
    pub fn not_covered(&self) -> &[Exclusion] {
        &self.not_covered
    }
}

fn check_groups(groups: &[IndustryGroup]) -> Result<(), EditionError> {
    for (i, g) in groups.iter().enumerate() {
        if groups[..i]
            .iter()
            .any(|o| o.number == g.number || o.id == g.id)
            || g.id.trim().is_empty()
        {
            return Err(EditionError::DuplicateGroup {
                number: g.number,
                id: g.id.clone(),
            });
        }
        let bad = |problem: String| EditionError::BadThresholds {
            number: g.number,
            problem,
        };
        if g.thresholds.is_empty() {
            return Err(bad("no thresholds".into()));
        }
        for (j, t) in g.thresholds.iter().enumerate() {
            let name = t.metric.name_en();
            if g.thresholds[..j].iter().any(|o| o.metric == t.metric) {
                return Err(bad(format!("{name} listed twice")));
            }
            if [t.large, t.medium, t.small]
                .iter()
                .any(|v| !v.is_finite() || *v < 0.0)
            {
                return Err(bad(format!("{name} bounds must be finite and ≥ 0")));
            }
            // The evaluator reports each metric's own band; that equals the all-metrics rule only
            // when the bounds are ordered.
            if !(t.large >= t.medium && t.medium >= t.small) {
                return Err(bad(format!(
                    "{name} bounds must satisfy large ≥ medium ≥ small"
                )));
            }
        }
    }
    Ok(())
}
