//! The overall level: a score threshold plus a count of scenes at or above a scene level, some
//! of them constraining. The table is data; this module evaluates it and explains the result,
//! including why the enterprise is not one level higher.

use crate::confidence::Confidence;
use crate::points::Points;
use serde::{Deserialize, Serialize};

/// The level table of an edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelTable {
    /// Confidence in the thresholds.
    pub confidence: Confidence,
    /// Why they are unsure.
    #[serde(default)]
    pub note: Option<String>,
    /// Name of "below the lowest level" (zh-CN).
    pub below_zh: String,
    /// Name of "below the lowest level" (English).
    pub below_en: String,
    /// The levels, lowest first (checked on load).
    #[serde(rename = "level")]
    pub levels: Vec<LevelRule>,
}

/// What one level needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    /// 1 = 一级 … 4 = 四级.
    pub rank: u8,
    /// Name (zh-CN).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// Smallest total score.
    pub min_score: Points,
    /// Scenes count when graded at this scene level or higher.
    pub scene_level: u8,
    /// Smallest number of such scenes.
    pub min_scenes: usize,
    /// Smallest number of constraining scenes among them.
    pub min_constraining: usize,
}

/// A scene's grade as the level table sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradedScene {
    /// Scene level 1–4.
    pub level: u8,
    /// Whether the scene is constraining (★).
    pub constraining: bool,
}

/// One condition of a level, with what was needed and what the enterprise has.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "condition", rename_all = "snake_case")]
pub enum Condition {
    /// Total score ≥ need.
    Score {
        /// Threshold.
        need: Points,
        /// The enterprise's score.
        have: Points,
        /// Whether it holds.
        met: bool,
    },
    /// Number of scenes at ≥ `scene_level` ≥ need.
    Scenes {
        /// Scene level counted.
        scene_level: u8,
        /// Threshold.
        need: usize,
        /// The enterprise's count.
        have: usize,
        /// Whether it holds.
        met: bool,
    },
    /// Number of constraining scenes at ≥ `scene_level` ≥ need.
    ConstrainingScenes {
        /// Scene level counted.
        scene_level: u8,
        /// Threshold.
        need: usize,
        /// The enterprise's count.
        have: usize,
        /// Whether it holds.
        met: bool,
    },
}

impl Condition {
    /// Whether the condition holds.
    pub fn met(&self) -> bool {
        match self {
            Condition::Score { met, .. }
            | Condition::Scenes { met, .. }
            | Condition::ConstrainingScenes { met, .. } => *met,
        }
    }
}

/// A level and whether each of its conditions holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelCheck {
    /// 1–4.
    pub rank: u8,
    /// Name (zh-CN).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// All conditions hold.
    pub met: bool,
    /// Every condition, met or not.
    pub conditions: Vec<Condition>,
}

/// Why the enterprise is not one level higher.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelGap {
    /// The next level's rank.
    pub rank: u8,
    /// Its name (zh-CN).
    pub zh: String,
    /// Its name (English).
    pub en: String,
    /// The conditions that fail.
    pub failed: Vec<Condition>,
    /// One sentence (zh-CN).
    pub explanation_zh: String,
    /// One sentence (English).
    pub explanation_en: String,
}

/// The overall level with its justification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelOutcome {
    /// 0 = below the lowest level, else 1–4.
    pub rank: u8,
    /// Name (zh-CN).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// Confidence in the threshold table.
    pub confidence: Confidence,
    /// Why the table is unsure.
    pub note: Option<String>,
    /// Every level, lowest first, with every condition.
    pub checks: Vec<LevelCheck>,
    /// Why not one level higher; `None` at the top level.
    pub why_not_higher: Option<LevelGap>,
}

impl LevelTable {
    /// The level reached: the highest level whose every condition holds.
    ///
    /// ```
    /// use shangyun_digital::{GradedScene, Points};
    /// let table = shangyun_digital::catalog()?.latest().levels();
    /// let scenes = [GradedScene { level: 3, constraining: true }; 16];
    /// let outcome = table.evaluate(Points::from_thousandths(59_999), &scenes);
    /// assert_eq!(outcome.zh, "二级");
    /// let gap = outcome.why_not_higher.as_ref().map(|g| g.explanation_en.as_str());
    /// assert_eq!(gap, Some("三级 (Level 3) needs score ≥ 60 (have 59.999)"));
    /// # Ok::<(), shangyun_digital::DataError>(())
    /// ```
    pub fn evaluate(&self, score: Points, scenes: &[GradedScene]) -> LevelOutcome {
        let checks: Vec<LevelCheck> = self
            .levels
            .iter()
            .map(|rule| check_level(rule, score, scenes))
            .collect();
        let reached = checks.iter().rposition(|c| c.met);
        let (rank, zh, en) = match reached.and_then(|i| checks.get(i)) {
            Some(c) => (c.rank, c.zh.clone(), c.en.clone()),
            None => (0, self.below_zh.clone(), self.below_en.clone()),
        };
        let next_index = reached.map_or(0, |i| i + 1);
        let why_not_higher = checks.get(next_index).map(gap_of);
        LevelOutcome {
            rank,
            zh,
            en,
            confidence: self.confidence,
            note: self.note.clone(),
            checks,
            why_not_higher,
        }
    }
}

fn check_level(rule: &LevelRule, score: Points, scenes: &[GradedScene]) -> LevelCheck {
    let at_level = scenes.iter().filter(|s| s.level >= rule.scene_level);
    let have_scenes = at_level.clone().count();
    let have_constraining = at_level.filter(|s| s.constraining).count();
    let conditions = vec![
        Condition::Score {
            need: rule.min_score,
            have: score,
            met: score >= rule.min_score,
        },
        Condition::Scenes {
            scene_level: rule.scene_level,
            need: rule.min_scenes,
            have: have_scenes,
            met: have_scenes >= rule.min_scenes,
        },
        Condition::ConstrainingScenes {
            scene_level: rule.scene_level,
            need: rule.min_constraining,
            have: have_constraining,
            met: have_constraining >= rule.min_constraining,
        },
    ];
    LevelCheck {
        rank: rule.rank,
        zh: rule.zh.clone(),
        en: rule.en.clone(),
        met: conditions.iter().all(Condition::met),
        conditions,
    }
}

fn gap_of(check: &LevelCheck) -> LevelGap {
    let failed: Vec<Condition> = check
        .conditions
        .iter()
        .filter(|c| !c.met())
        .cloned()
        .collect();
    LevelGap {
        rank: check.rank,
        zh: check.zh.clone(),
        en: check.en.clone(),
        explanation_zh: explain_zh(&check.zh, &failed),
        explanation_en: explain_en(&check.zh, &check.en, &failed),
        failed,
    }
}

/// "三级 (Level 3) needs score ≥ 60 (have 57.5) and ≥ 8 scenes at ≥ L3 (have 6) with ≥ 5
/// constraining (have 4)".
fn explain_en(zh: &str, en: &str, failed: &[Condition]) -> String {
    let scenes_failed = failed.iter().any(|c| matches!(c, Condition::Scenes { .. }));
    let mut parts: Vec<String> = Vec::new();
    for condition in failed {
        match condition {
            Condition::Score { need, have, .. } => {
                parts.push(format!("score ≥ {need} (have {have})"));
            }
            Condition::Scenes {
                scene_level,
                need,
                have,
                ..
            } => parts.push(format!("≥ {need} scenes at ≥ L{scene_level} (have {have})")),
            Condition::ConstrainingScenes {
                scene_level,
                need,
                have,
                ..
            } => {
                let text = if scenes_failed {
                    format!("with ≥ {need} constraining (have {have})")
                } else {
                    format!("≥ {need} constraining scenes at ≥ L{scene_level} (have {have})")
                };
                parts.push(text);
            }
        }
    }
    let mut sentence = format!("{zh} ({en}) needs");
    for (i, part) in parts.iter().enumerate() {
        let joiner = if i == 0 || part.starts_with("with ") {
            " "
        } else {
            " and "
        };
        sentence.push_str(joiner);
        sentence.push_str(part);
    }
    sentence
}

/// "三级需要：得分 ≥ 60（现为 57.5）；≥ L3 的场景 ≥ 8 个（现有 6 个），其中约束性场景 ≥ 5 个（现有 4 个）".
fn explain_zh(zh: &str, failed: &[Condition]) -> String {
    let scenes_failed = failed.iter().any(|c| matches!(c, Condition::Scenes { .. }));
    let mut sentence = format!("{zh}需要：");
    for (i, condition) in failed.iter().enumerate() {
        let part = match condition {
            Condition::Score { need, have, .. } => format!("得分 ≥ {need}（现为 {have}）"),
            Condition::Scenes {
                scene_level,
                need,
                have,
                ..
            } => format!("≥ L{scene_level} 的场景 ≥ {need} 个（现有 {have} 个）"),
            Condition::ConstrainingScenes {
                scene_level,
                need,
                have,
                ..
            } => {
                if scenes_failed {
                    format!("其中约束性场景 ≥ {need} 个（现有 {have} 个）")
                } else {
                    format!("≥ L{scene_level} 的约束性场景 ≥ {need} 个（现有 {have} 个）")
                }
            }
        };
        if i > 0 {
            let joiner =
                if matches!(condition, Condition::ConstrainingScenes { .. }) && scenes_failed {
                    "，"
                } else {
                    "；"
                };
            sentence.push_str(joiner);
        }
        sentence.push_str(&part);
    }
    sentence
}
