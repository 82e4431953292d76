//! A province's own 特色化 indicators (the 15 local points of 2022 专精特新).
//!
//! Each province sets 1–3 indicators of its own; the caller passes the province's file in,
//! since the project cannot embed every province's yearly notice.

use crate::condition::{CondCompiler, invalid};
use crate::error::RulesError;
use crate::indicator::{Indicator, compile_indicator};
use crate::rules::Confidence;
use crate::spec::LocalSpec;
use serde::Serialize;

/// Who a provincial rules file is and how far to trust it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LocalInfo {
    /// Province code (GB/T 2260, e.g. `330000`).
    pub province: String,
    /// Edition id these indicators fill, e.g. `tier-2022-specialized`.
    pub edition: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// The provincial notice the indicators come from.
    pub document: Option<String>,
    /// How sure the source is.
    pub confidence: Confidence,
    /// `true` for an illustrative file that is no province's real rule.
    pub example: bool,
    /// Whether a value exactly on a band edge takes the higher band.
    pub edge_takes_higher_band: bool,
    /// Notes on sources.
    pub notes: Vec<String>,
}

/// A province's 特色化 indicators, compiled.
///
/// ```
/// use shangyun_tier::LocalRules;
/// let local = LocalRules::from_toml(shangyun_tier::LOCAL_EXAMPLE).unwrap();
/// assert!(local.info().example);
/// assert_eq!(local.max_points(), 15.0);
/// ```
#[derive(Debug, PartialEq)]
pub struct LocalRules {
    pub(crate) info: LocalInfo,
    pub(crate) indicators: Vec<Indicator>,
}

impl LocalRules {
    /// Compiles a provincial file (the format of `crates/tier/editions/local/*.toml`).
    pub fn from_toml(text: &str) -> Result<LocalRules, RulesError> {
        let spec: LocalSpec = toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))?;
        let province_ok = spec.province.len() == 6
            && spec.province.bytes().all(|b| b.is_ascii_digit())
            && spec.province.ends_with("0000");
        if !province_ok {
            return Err(invalid(
                "province",
                "expected a 6-digit province code ending in 0000",
            ));
        }
        if !(1..=3).contains(&spec.indicators.len()) {
            return Err(RulesError::LocalIndicatorCount(spec.indicators.len()));
        }
        let conds = CondCompiler {
            defines: &spec.defines,
        };
        let mut indicators: Vec<Indicator> = Vec::with_capacity(spec.indicators.len());
        for ind in &spec.indicators {
            if ind.dimension.is_some() {
                return Err(invalid(
                    &format!("indicators[{}]", ind.id),
                    "local indicators always fill the local dimension; drop `dimension`",
                ));
            }
            if indicators.iter().any(|x| x.info.id == ind.id) {
                return Err(RulesError::DuplicateId(ind.id.clone()));
            }
            indicators.push(compile_indicator(
                ind,
                0,
                spec.edge_takes_higher_band,
                &conds,
            )?);
        }
        Ok(LocalRules {
            info: LocalInfo {
                province: spec.province,
                edition: spec.edition,
                name_zh: spec.name_zh,
                name_en: spec.name_en,
                document: spec.document,
                confidence: spec.confidence,
                example: spec.example,
                edge_takes_higher_band: spec.edge_takes_higher_band,
                notes: spec.notes,
            },
            indicators,
        })
    }

    /// Who the file is.
    pub fn info(&self) -> &LocalInfo {
        &self.info
    }

    /// The points its indicators can give together.
    pub fn max_points(&self) -> f64 {
        self.indicators.iter().map(|i| i.info.max).sum()
    }
}
