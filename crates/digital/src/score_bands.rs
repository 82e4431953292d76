//! Editions that only turn a total score into a level (the 2022 index: its weights were not
//! recorded, its bands are firm).

use crate::confidence::Confidence;
use crate::edition::EditionInfo;
use crate::validation::{ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A score-band edition: level by total score only.
///
/// ```
/// let bands = shangyun_digital::catalog()?.score_bands("digital-2022").ok_or("missing")?;
/// let result = bands.assess(60.0)?;
/// assert_eq!(result.zh, "三级");
/// assert_eq!(bands.assess(59.99)?.zh, "二级");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreBands {
    info: EditionInfo,
    min_score: f64,
    max_score: f64,
    below_zh: String,
    below_en: String,
    bands: Vec<ScoreBand>,
}

/// One band: the level reached from `min_score` up (to the next band's `min_score`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreBand {
    /// 1 = 一级 … 4 = 四级.
    pub rank: u8,
    /// Name (zh-CN).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// Smallest total score of the band (inclusive).
    pub min_score: f64,
}

/// Why a score-band data file was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScoreBandsError {
    /// Not valid TOML, or a field is wrong or unknown.
    #[error("score-band data is not well-formed: {message}")]
    Parse {
        /// The parser's message, with line and column.
        message: String,
    },
    /// Ranks not 1, 2, 3, …; thresholds not rising; or outside the score range.
    #[error("score bands: {problem}")]
    Inconsistent {
        /// What is wrong.
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoreBands {
    id: String,
    title: String,
    title_en: String,
    document_number: String,
    effective: String,
    confidence: Confidence,
    #[serde(default)]
    notes: Vec<String>,
    min_score: f64,
    max_score: f64,
    below_zh: String,
    below_en: String,
    #[serde(rename = "band")]
    bands: Vec<ScoreBand>,
}

/// The level reached from a total score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandAssessment {
    /// The edition.
    pub edition: EditionInfo,
    /// The total score given.
    pub score: f64,
    /// 0 = below the lowest band, else 1–4.
    pub rank: u8,
    /// Level name (zh-CN).
    pub zh: String,
    /// Level name (English).
    pub en: String,
    /// The threshold that decided (the reached band's minimum), if any.
    pub threshold: Option<f64>,
    /// Why not one level higher; `None` at the top.
    pub why_not_higher: Option<BandGap>,
}

/// The next band and the score it needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandGap {
    /// The next level's rank.
    pub rank: u8,
    /// Its name (zh-CN).
    pub zh: String,
    /// Its name (English).
    pub en: String,
    /// The score it needs.
    pub need: f64,
    /// The score given.
    pub have: f64,
    /// One sentence (zh-CN).
    pub explanation_zh: String,
    /// One sentence (English).
    pub explanation_en: String,
}

impl ScoreBands {
    /// Parses and checks a score-band data file (see `editions/digital-2022.toml`).
    pub fn from_toml(text: &str) -> Result<ScoreBands, ScoreBandsError> {
        let raw: RawScoreBands = toml::from_str(text).map_err(|e| ScoreBandsError::Parse {
            message: e.to_string(),
        })?;
        let problem = |p: &str| {
            Err(ScoreBandsError::Inconsistent {
                problem: p.to_owned(),
            })
        };
        if !(raw.min_score.is_finite()
            && raw.max_score.is_finite()
            && raw.min_score < raw.max_score)
        {
            return problem("min_score must be below max_score");
        }
        if raw.bands.is_empty() {
            return problem("no bands");
        }
        let mut previous = raw.min_score;
        for (i, band) in raw.bands.iter().enumerate() {
            if usize::from(band.rank) != i + 1 {
                return problem("ranks must be 1, 2, 3, … lowest first");
            }
            if !(band.min_score > previous || (i == 0 && band.min_score >= previous))
                || band.min_score > raw.max_score
            {
                return problem("band minimums must rise within min_score..=max_score");
            }
            previous = band.min_score;
        }
        Ok(ScoreBands {
            info: EditionInfo {
                id: raw.id,
                title: raw.title,
                title_en: raw.title_en,
                document_number: raw.document_number,
                effective: raw.effective,
                confidence: raw.confidence,
                notes: raw.notes,
            },
            min_score: raw.min_score,
            max_score: raw.max_score,
            below_zh: raw.below_zh,
            below_en: raw.below_en,
            bands: raw.bands,
        })
    }

    /// Title, document number, confidence, notes.
    pub fn info(&self) -> &EditionInfo {
        &self.info
    }

    /// The bands, lowest first.
    pub fn bands(&self) -> &[ScoreBand] {
        &self.bands
    }

    /// The level for a total score (the highest band whose minimum it reaches).
    pub fn assess(&self, score: f64) -> Result<BandAssessment, ValidationErrors> {
        // NaN fails both comparisons.
        if !(score >= self.min_score && score <= self.max_score) {
            return Err(ValidationErrors {
                edition: self.info.id.clone(),
                errors: vec![ValidationError::ScoreOutOfRange {
                    value: score,
                    min: self.min_score,
                    max: self.max_score,
                }],
            });
        }
        let reached = self.bands.iter().rposition(|b| score >= b.min_score);
        let band = reached.and_then(|i| self.bands.get(i));
        let next = self.bands.get(reached.map_or(0, |i| i + 1));
        Ok(BandAssessment {
            edition: self.info.clone(),
            score,
            rank: band.map_or(0, |b| b.rank),
            zh: band.map_or_else(|| self.below_zh.clone(), |b| b.zh.clone()),
            en: band.map_or_else(|| self.below_en.clone(), |b| b.en.clone()),
            threshold: band.map(|b| b.min_score),
            why_not_higher: next.map(|b| BandGap {
                rank: b.rank,
                zh: b.zh.clone(),
                en: b.en.clone(),
                need: b.min_score,
                have: score,
                explanation_zh: format!("{}需要：得分 ≥ {}（现为 {score}）", b.zh, b.min_score),
                explanation_en: format!(
                    "{} ({}) needs score ≥ {} (have {score})",
                    b.zh, b.en, b.min_score
                ),
            }),
        })
    }
}
