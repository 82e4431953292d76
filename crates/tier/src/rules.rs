//! A compiled edition × tier: the rule data checked once and ready to evaluate many times.

use crate::condition::{Cond, CondCompiler, invalid};
use crate::date::Date;
use crate::error::RulesError;
use crate::indicator::{Indicator, compile_indicator};
use crate::spec::{ConditionSpec, EditionSpec};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How sure the project is of a rule's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Official text, or several independent sources agree.
    Firm,
    /// One detailed source that cites the official document.
    Likely,
    /// Conflicting or thin sources.
    Unsure,
}

impl Confidence {
    /// The name used in data: `firm`, `likely`, `unsure`.
    pub const fn name(self) -> &'static str {
        match self {
            Confidence::Firm => "firm",
            Confidence::Likely => "likely",
            Confidence::Unsure => "unsure",
        }
    }

    /// Chinese label.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Confidence::Firm => "确定",
            Confidence::Likely => "较可靠",
            Confidence::Unsure => "未核实",
        }
    }
}

/// The three tiers of 优质中小企业.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 创新型中小企业 (2026: 科技和创新型中小企业).
    Innovative,
    /// 专精特新中小企业.
    Specialized,
    /// 专精特新"小巨人".
    LittleGiant,
}

impl Tier {
    /// Every tier, lowest first.
    pub const ALL: [Tier; 3] = [Tier::Innovative, Tier::Specialized, Tier::LittleGiant];

    /// Name in data and on the command line (`innovative`, `specialized`, `little-giant`).
    pub const fn name(self) -> &'static str {
        match self {
            Tier::Innovative => "innovative",
            Tier::Specialized => "specialized",
            Tier::LittleGiant => "little-giant",
        }
    }
}

/// An unknown tier or edition name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?} (expected {expected})")]
pub struct UnknownName {
    /// What was being named.
    pub kind: &'static str,
    /// The name given.
    pub name: String,
    /// The names accepted.
    pub expected: &'static str,
}

impl FromStr for Tier {
    type Err = UnknownName;

    /// Accepts `innovative`, `specialized`, `little-giant` (or `little_giant`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "innovative" => Ok(Tier::Innovative),
            "specialized" => Ok(Tier::Specialized),
            "little-giant" | "little_giant" => Ok(Tier::LittleGiant),
            _ => Err(UnknownName {
                kind: "tier",
                name: s.to_owned(),
                expected: "innovative, specialized, little-giant",
            }),
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which 办法 the rules come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Edition {
    /// 《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号).
    #[serde(rename = "2022")]
    Y2022,
    /// 《优质中小企业梯度培育管理办法》(工信部企业〔2026〕2号), from 2026-04-01.
    #[serde(rename = "2026")]
    Y2026,
}

impl Edition {
    /// Every edition, oldest first.
    pub const ALL: [Edition; 2] = [Edition::Y2022, Edition::Y2026];

    /// `"2022"` or `"2026"`.
    pub const fn name(self) -> &'static str {
        match self {
            Edition::Y2022 => "2022",
            Edition::Y2026 => "2026",
        }
    }
}

impl FromStr for Edition {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "2022" => Ok(Edition::Y2022),
            "2026" => Ok(Edition::Y2026),
            _ => Err(UnknownName {
                kind: "edition",
                name: s.to_owned(),
                expected: "2022, 2026",
            }),
        }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who a rule edition is and how far to trust it; every verdict carries this.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EditionInfo {
    /// E.g. `tier-2022-specialized`.
    pub id: String,
    /// The 办法 the rules come from.
    pub edition: Edition,
    /// The tier.
    pub tier: Tier,
    /// Tier name in Chinese, e.g. `专精特新中小企业`.
    pub name_zh: String,
    /// Tier name in English.
    pub name_en: String,
    /// Title of the standard.
    pub title: String,
    /// Document number, e.g. `工信部企业〔2022〕63号`.
    pub document: String,
    /// How sure the source is.
    pub confidence: Confidence,
    /// `false` when the rules are encoded from thin sources and await checking.
    pub verified: bool,
    /// Date the rules take effect.
    pub effective: Date,
    /// Notes on sources and readings chosen.
    pub notes: Vec<String>,
}

/// A scoring dimension (维度) as the data declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dimension {
    /// Id in the edition data.
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Points available.
    pub max: f64,
    /// Minimum points required, if any.
    pub minimum: Option<f64>,
    /// Filled by a province's own indicators.
    pub local: bool,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Scoring {
    pub max: f64,
    pub pass_total: f64,
    pub edge_takes_higher_band: bool,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
    /// Index of the dimension a province fills, if any.
    pub local_dimension: Option<usize>,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Waiver {
    pub name_zh: String,
    pub name_en: String,
    pub when: Cond,
}

/// A basic or direct condition as the data declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConditionInfo {
    /// Id in the edition data.
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Confidence of this condition when it differs from the edition's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// How the condition is read, when the data says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, PartialEq)]
pub(crate) struct RuleCondition {
    pub info: ConditionInfo,
    pub when: Cond,
    pub waiver: Option<Waiver>,
}

/// One edition × tier, compiled: evaluate profiles with [`TierRules::evaluate`].
///
/// Obtain the embedded editions with [`rules`](crate::rules()), or compile your own data
/// with [`TierRules::from_toml`].
#[derive(Debug, PartialEq)]
pub struct TierRules {
    pub(crate) info: EditionInfo,
    pub(crate) scoring: Option<Scoring>,
    pub(crate) basic: Vec<RuleCondition>,
    pub(crate) direct: Vec<RuleCondition>,
}

impl TierRules {
    /// Compiles an edition file (the format of `crates/tier/editions/*.toml`).
    ///
    /// ```
    /// use shangyun_tier::{Edition, Tier, TierRules};
    /// let text = shangyun_tier::edition_text(Edition::Y2022, Tier::Innovative);
    /// let rules = TierRules::from_toml(text).unwrap();
    /// assert_eq!(rules.info().id, "tier-2022-innovative");
    /// assert!(TierRules::from_toml("id = 1").is_err());
    /// ```
    pub fn from_toml(text: &str) -> Result<TierRules, RulesError> {
        let spec: EditionSpec =
            toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))?;
        compile(spec)
    }

    /// Who this edition is and how far to trust it.
    pub fn info(&self) -> &EditionInfo {
        &self.info
    }

    /// Whether a value exactly on a band edge takes the higher band (`None`: no scoring).
    pub fn edge_takes_higher_band(&self) -> Option<bool> {
        self.scoring.as_ref().map(|s| s.edge_takes_higher_band)
    }

    /// Points available in the province-set 特色化 dimension (`None`: this edition has none).
    pub fn local_points(&self) -> Option<f64> {
        let s = self.scoring.as_ref()?;
        s.local_dimension.map(|i| s.dimensions[i].max)
    }
}

fn compile(spec: EditionSpec) -> Result<TierRules, RulesError> {
    let edition: Edition = spec
        .edition
        .parse()
        .map_err(|e: UnknownName| invalid("edition", &e.to_string()))?;
    let tier: Tier = spec
        .tier
        .parse()
        .map_err(|e: UnknownName| invalid("tier", &e.to_string()))?;
    let conds = CondCompiler {
        defines: &spec.defines,
    };

    let scoring = match &spec.scoring {
        None => {
            if !spec.dimensions.is_empty() || !spec.indicators.is_empty() {
                return Err(invalid(
                    "scoring",
                    "dimensions and indicators need a [scoring] table",
                ));
            }
            None
        }
        Some(s) => {
            let mut dimensions = Vec::with_capacity(spec.dimensions.len());
            for d in &spec.dimensions {
                if dimensions.iter().any(|x: &Dimension| x.id == d.id) {
                    return Err(RulesError::DuplicateId(d.id.clone()));
                }
                dimensions.push(Dimension {
                    id: d.id.clone(),
                    name_zh: d.name_zh.clone(),
                    name_en: d.name_en.clone(),
                    max: d.max,
                    minimum: d.minimum,
                    local: d.local,
                });
            }
            if dimensions.len() > crate::evaluate::MAX_DIMENSIONS {
                return Err(invalid("dimensions", "at most 8 dimensions"));
            }
            let local: Vec<usize> = (0..dimensions.len())
                .filter(|i| dimensions[*i].local)
                .collect();
            if local.len() > 1 {
                return Err(invalid("dimensions", "at most one dimension is local"));
            }
            let mut indicators: Vec<Indicator> = Vec::with_capacity(spec.indicators.len());
            for ind in &spec.indicators {
                let at = format!("indicators[{}]", ind.id);
                let dim_id = ind
                    .dimension
                    .as_deref()
                    .ok_or_else(|| invalid(&at, "needs a dimension"))?;
                let dim = dimensions
                    .iter()
                    .position(|d| d.id == dim_id)
                    .ok_or_else(|| RulesError::UnknownName {
                        at: at.clone(),
                        kind: "dimension",
                        name: dim_id.to_owned(),
                    })?;
                if dimensions[dim].local {
                    return Err(invalid(
                        &at,
                        "the local dimension is filled by provincial files",
                    ));
                }
                if indicators.iter().any(|x| x.info.id == ind.id) {
                    return Err(RulesError::DuplicateId(ind.id.clone()));
                }
                indicators.push(compile_indicator(
                    ind,
                    dim,
                    s.edge_takes_higher_band,
                    &conds,
                )?);
            }
            // The maxima must add up, so a typo in one table cannot pass unnoticed.
            for (i, d) in dimensions.iter().enumerate() {
                let sum: f64 = indicators
                    .iter()
                    .filter(|x| x.dimension == i)
                    .map(|x| x.info.max)
                    .sum();
                if !d.local && sum != d.max {
                    return Err(invalid(
                        &format!("dimensions[{}]", d.id),
                        &format!("indicator maxima add up to {sum}, not {}", d.max),
                    ));
                }
                if d.minimum.is_some_and(|m| m > d.max) {
                    return Err(invalid(
                        &format!("dimensions[{}]", d.id),
                        "minimum above max",
                    ));
                }
            }
            let total: f64 = dimensions.iter().map(|d| d.max).sum();
            if total != s.max || s.pass_total > s.max {
                return Err(invalid(
                    "scoring",
                    &format!(
                        "dimension maxima add up to {total}; max is {}, pass_total {}",
                        s.max, s.pass_total
                    ),
                ));
            }
            Some(Scoring {
                max: s.max,
                pass_total: s.pass_total,
                edge_takes_higher_band: s.edge_takes_higher_band,
                local_dimension: local.first().copied(),
                dimensions,
                indicators,
            })
        }
    };

    let basic = compile_conditions(&spec.basic, "basic", &conds)?;
    let direct = compile_conditions(&spec.direct, "direct", &conds)?;
    if direct.iter().any(|d| d.waiver.is_some()) {
        return Err(invalid("direct", "direct conditions take no waiver"));
    }
    for c in basic.iter().chain(&direct) {
        let id = &c.info.id;
        if basic
            .iter()
            .chain(&direct)
            .filter(|x| &x.info.id == id)
            .count()
            > 1
        {
            return Err(RulesError::DuplicateId(id.clone()));
        }
    }
    Ok(TierRules {
        info: EditionInfo {
            id: spec.id,
            edition,
            tier,
            name_zh: spec.name_zh,
            name_en: spec.name_en,
            title: spec.title,
            document: spec.document,
            confidence: spec.confidence,
            verified: spec.verified,
            effective: spec.effective,
            notes: spec.notes,
        },
        scoring,
        basic,
        direct,
    })
}

fn compile_conditions(
    specs: &[ConditionSpec],
    role: &str,
    conds: &CondCompiler<'_>,
) -> Result<Vec<RuleCondition>, RulesError> {
    specs
        .iter()
        .map(|c| {
            let at = format!("{role}[{}]", c.id);
            Ok(RuleCondition {
                info: ConditionInfo {
                    id: c.id.clone(),
                    name_zh: c.name_zh.clone(),
                    name_en: c.name_en.clone(),
                    confidence: c.confidence,
                    note: c.note.clone(),
                },
                when: conds.compile(&c.when, &format!("{at}.when"))?,
                waiver: match &c.waiver {
                    None => None,
                    Some(w) => Some(Waiver {
                        name_zh: w.name_zh.clone(),
                        name_en: w.name_en.clone(),
                        when: conds.compile(&w.when, &format!("{at}.waiver"))?,
                    }),
                },
            })
        })
        .collect()
}
