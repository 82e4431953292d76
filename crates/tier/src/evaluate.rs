//! Evaluation: basic conditions ∧ (score passes ∨ any direct condition), in three-valued
//! logic so that missing data yields "not enough data" only when it could matter.

use crate::condition::{Op, Tri, Truth};
use crate::error::EvaluateError;
use crate::field::{Field, FieldSet};
use crate::indicator::Indicator;
use crate::inputs::Inputs;
use crate::local::LocalRules;
use crate::profile::EnterpriseProfile;
use crate::rules::{RuleCondition, Scoring, TierRules};
use crate::verdict::{
    ConditionResult, DimensionScore, FailedCheck, IndicatorScore, LocalPart, Outcome, Points, Role,
    ScoreResult, Status, TierVerdict,
};

/// Dimensions per edition, bounded so that their sums live on the stack.
pub(crate) const MAX_DIMENSIONS: usize = 8;

const SCORE: &str = "score";
const SCORE_ZH: &str = "评价得分";
const TOTAL: &str = "total";
const TOTAL_ZH: &str = "总分";

impl TierRules {
    /// Evaluates a profile. For an edition with a province-set part, that part is reported as
    /// not evaluated (use [`TierRules::evaluate_with_local`] to score it).
    ///
    /// ```
    /// use shangyun_tier::{Edition, EnterpriseProfile, Outcome, Tier};
    /// let rules = shangyun_tier::rules(Edition::Y2022, Tier::Innovative).unwrap();
    /// let profile = EnterpriseProfile::from_json(include_str!("../examples/innovative-eligible.json")).unwrap();
    /// let verdict = rules.evaluate(&profile).unwrap();
    /// assert_eq!(verdict.outcome, Outcome::Eligible);
    /// assert_eq!(verdict.edition.id, "tier-2022-innovative");
    /// ```
    pub fn evaluate<'e>(
        &'e self,
        profile: &EnterpriseProfile,
    ) -> Result<TierVerdict<'e>, EvaluateError> {
        self.evaluate_with_local(profile, None)
    }

    /// Evaluates a profile, scoring the province-set 特色化 part with `local` when given.
    ///
    /// ```
    /// use shangyun_tier::{Edition, EnterpriseProfile, LocalPart, LocalRules, Tier};
    /// let rules = shangyun_tier::rules(Edition::Y2022, Tier::Specialized).unwrap();
    /// let local = LocalRules::from_toml(shangyun_tier::LOCAL_EXAMPLE).unwrap();
    /// let profile = EnterpriseProfile::from_json(include_str!("../examples/specialized-eligible.json")).unwrap();
    /// let verdict = rules.evaluate_with_local(&profile, Some(&local)).unwrap();
    /// assert!(matches!(verdict.local, LocalPart::Evaluated { .. }));
    /// ```
    pub fn evaluate_with_local<'e>(
        &'e self,
        profile: &EnterpriseProfile,
        local: Option<&'e LocalRules>,
    ) -> Result<TierVerdict<'e>, EvaluateError> {
        profile.validate()?;
        self.check_local(profile, local)?;
        let inputs = &Inputs::new(profile);

        let mut conditions = Vec::with_capacity(self.basic.len() + self.direct.len());
        let mut failed = Vec::new();

        let mut basics = Tri::TRUE;
        for c in &self.basic {
            let (result, status) = basic_status(c, inputs);
            if status == Status::Failed {
                explain(c, inputs, &mut failed);
            }
            basics = basics.and(result);
            conditions.push(condition_result(c, Role::Basic, status));
        }

        let scored = self.scoring.as_ref().map(|s| score(s, inputs, local));
        let mut route = match (&scored, self.direct.is_empty()) {
            (Some((_, tri)), _) => *tri,
            (None, true) => Tri::TRUE,
            (None, false) => Tri::FALSE,
        };
        let mut direct_route = None;
        for c in &self.direct {
            let t = c.when.eval(inputs);
            route = route.or(t);
            if t.truth == Truth::True && direct_route.is_none() {
                direct_route = Some(c.info.id.as_str());
            }
            conditions.push(condition_result(c, Role::Direct, status_of(t.truth)));
        }
        if route.truth == Truth::False
            && let (Some(s), Some((result, _))) = (&self.scoring, &scored)
        {
            score_failures(s, result, &mut failed);
        }

        let overall = basics.and(route);
        let outcome = match overall.truth {
            Truth::True => Outcome::Eligible,
            Truth::False => Outcome::NotEligible,
            Truth::Unknown => Outcome::NotEnoughData {
                missing: overall.missing.names(),
            },
        };
        let local_part = match (self.scoring.as_ref().and_then(|s| s.local_dimension), local) {
            (None, _) => LocalPart::NotApplicable,
            (Some(_), Some(l)) => LocalPart::Evaluated { rules: &l.info },
            (Some(d), None) => LocalPart::NotEvaluated {
                max_points: self.scoring.as_ref().map_or(0.0, |s| s.dimensions[d].max),
                outcome_depends_on_it: overall.truth == Truth::Unknown
                    && overall.missing.contains(Field::LocalRules),
            },
        };
        Ok(TierVerdict {
            outcome,
            edition: &self.info,
            conditions,
            failed,
            direct_route,
            score: scored.map(|(s, _)| s),
            local: local_part,
        })
    }

    fn check_local(
        &self,
        profile: &EnterpriseProfile,
        local: Option<&LocalRules>,
    ) -> Result<(), EvaluateError> {
        let Some(local) = local else {
            return Ok(());
        };
        let dimension = self
            .scoring
            .as_ref()
            .and_then(|s| s.local_dimension.map(|d| &s.dimensions[d]));
        let Some(dimension) = dimension else {
            return Err(EvaluateError::LocalNotApplicable {
                edition: self.info.id.clone(),
            });
        };
        if local.info.edition != self.info.id {
            return Err(EvaluateError::LocalEditionMismatch {
                rules: local.info.edition.clone(),
                edition: self.info.id.clone(),
            });
        }
        // Province 000000 marks an example file that fits any profile.
        if let Some(code) = &profile.province_code
            && local.info.province != "000000"
            && code.get(..2) != local.info.province.get(..2)
        {
            return Err(EvaluateError::LocalProvinceMismatch {
                rules: local.info.province.clone(),
                profile: code.clone(),
            });
        }
        if local.max_points() > dimension.max {
            return Err(EvaluateError::LocalTooManyPoints {
                points: local.max_points(),
                max: dimension.max,
            });
        }
        Ok(())
    }
}

fn status_of(truth: Truth) -> Status {
    match truth {
        Truth::True => Status::Passed,
        Truth::False => Status::Failed,
        Truth::Unknown => Status::Unknown,
    }
}

/// A basic condition holds, or its waiver does.
fn basic_status(c: &RuleCondition, p: &Inputs<'_>) -> (Tri, Status) {
    let t = c.when.eval(p);
    if t.truth == Truth::True {
        return (t, Status::Passed);
    }
    let Some(waiver) = &c.waiver else {
        return (t, status_of(t.truth));
    };
    let with_waiver = t.or(waiver.when.eval(p));
    let status = match with_waiver.truth {
        Truth::True => Status::Waived,
        other => status_of(other),
    };
    (with_waiver, status)
}

fn condition_result(c: &RuleCondition, role: Role, status: Status) -> ConditionResult<'_> {
    ConditionResult {
        info: &c.info,
        role,
        status,
        waived_by: match (&c.waiver, status) {
            (Some(w), Status::Waived) => Some(&w.name_zh),
            _ => None,
        },
    }
}

fn explain<'e>(c: &'e RuleCondition, p: &Inputs<'_>, failed: &mut Vec<FailedCheck<'e>>) {
    c.when.explain(p, &mut |leaf, value| {
        let (op, threshold) = leaf.op_threshold();
        failed.push(FailedCheck {
            condition: &c.info.id,
            condition_zh: &c.info.name_zh,
            check: &leaf.name,
            check_zh: &leaf.label_zh,
            value,
            op,
            threshold,
        });
    });
}

/// Per-dimension sums: lowest and highest still possible, and the fields that make them differ.
#[derive(Clone, Copy, Default)]
struct Sum {
    lo: f64,
    hi: f64,
    missing: FieldSet,
}

fn score<'e>(
    s: &'e Scoring,
    p: &Inputs<'_>,
    local: Option<&'e LocalRules>,
) -> (ScoreResult<'e>, Tri) {
    let mut sums = [Sum::default(); MAX_DIMENSIONS];
    let local_count = local.map_or(0, |l| l.indicators.len());
    let mut indicators = Vec::with_capacity(s.indicators.len() + local_count);

    let mut add = |ind: &'e Indicator, dimension: usize, is_local: bool| {
        let scored = ind.score(p);
        let sum = &mut sums[dimension];
        sum.lo += scored.lo;
        sum.hi += scored.hi;
        sum.missing = sum.missing.union(scored.missing);
        indicators.push(IndicatorScore {
            info: &ind.info,
            dimension: &s.dimensions[dimension].id,
            measure: scored.measure,
            value: scored.value,
            band: scored.band,
            points: Points::new(scored.lo, scored.hi),
            local: is_local,
        });
    };
    for ind in &s.indicators {
        add(ind, ind.dimension, false);
    }
    if let Some(d) = s.local_dimension {
        match local {
            Some(l) => l.indicators.iter().for_each(|ind| add(ind, d, true)),
            // Unscored, the local part is anywhere between nothing and full marks.
            None => {
                sums[d].hi += s.dimensions[d].max;
                sums[d].missing = sums[d].missing.union(FieldSet::of(Field::LocalRules));
            }
        }
    }

    let dims = &sums[..s.dimensions.len()];
    let (lo, hi) = dims
        .iter()
        .fold((0.0, 0.0), |(lo, hi), d| (lo + d.lo, hi + d.hi));
    let fails = hi < s.pass_total
        || s.dimensions
            .iter()
            .zip(dims)
            .any(|(dim, sum)| dim.minimum.is_some_and(|m| sum.hi < m));
    let passes = lo >= s.pass_total
        && s.dimensions
            .iter()
            .zip(dims)
            .all(|(dim, sum)| dim.minimum.is_none_or(|m| sum.lo >= m));
    let tri = if fails {
        Tri::FALSE
    } else if passes {
        Tri::TRUE
    } else {
        Tri::unknown(dims.iter().fold(FieldSet::EMPTY, |m, d| m.union(d.missing)))
    };
    let dimensions = s
        .dimensions
        .iter()
        .zip(dims)
        .map(|(dim, sum)| DimensionScore {
            info: dim,
            points: Points::new(sum.lo, sum.hi),
        })
        .collect();
    let result = ScoreResult {
        total: Points::new(lo, hi),
        max: s.max,
        pass_total: s.pass_total,
        passed: tri.truth,
        edge_takes_higher_band: s.edge_takes_higher_band,
        dimensions,
        indicators,
    };
    (result, tri)
}

/// The pass mark and dimension minima that cannot be met.
fn score_failures<'e>(s: &'e Scoring, r: &ScoreResult<'e>, failed: &mut Vec<FailedCheck<'e>>) {
    let (total_hi, total_exact) = match r.total {
        Points::Exact(p) => (p, Some(p)),
        Points::Range { max, .. } => (max, None),
    };
    if total_hi < s.pass_total {
        failed.push(FailedCheck {
            condition: SCORE,
            condition_zh: SCORE_ZH,
            check: TOTAL,
            check_zh: TOTAL_ZH,
            value: total_exact,
            op: Op::AtLeast,
            threshold: s.pass_total,
        });
    }
    for (dim, d) in s.dimensions.iter().zip(&r.dimensions) {
        let (hi, exact) = match d.points {
            Points::Exact(p) => (p, Some(p)),
            Points::Range { max, .. } => (max, None),
        };
        if let Some(minimum) = dim.minimum
            && hi < minimum
        {
            failed.push(FailedCheck {
                condition: SCORE,
                condition_zh: SCORE_ZH,
                check: &dim.id,
                check_zh: &dim.name_zh,
                value: exact,
                op: Op::AtLeast,
                threshold: minimum,
            });
        }
    }
}
