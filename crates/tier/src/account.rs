//! What an evaluation records beside its outcome. [`Account`] keeps everything a
//! [`TierVerdict`](crate::TierVerdict) shows (every condition, failed check and indicator);
//! [`NoAccount`] keeps nothing, for callers that store only outcomes (an import derives six
//! verdicts for each of a million enterprise-years). One evaluation routine drives both, so
//! the outcome cannot differ between them.

use crate::condition::{Op, Tri, Truth};
use crate::field::FieldSet;
use crate::indicator::{Indicator, Scored};
use crate::inputs::Inputs;
use crate::rules::{RuleCondition, Scoring};
use crate::verdict::{
    ConditionResult, DimensionScore, FailedCheck, IndicatorScore, Points, Role, ScoreResult, Status,
};

const SCORE: &str = "score";
const SCORE_ZH: &str = "评价得分";
const TOTAL: &str = "total";
const TOTAL_ZH: &str = "总分";

/// Per-dimension sums: lowest and highest still possible, and the fields that make them differ.
#[derive(Clone, Copy, Default)]
pub(crate) struct Sum {
    pub lo: f64,
    pub hi: f64,
    pub missing: FieldSet,
}

/// The steps of an evaluation, in the order they happen.
pub(crate) trait Record<'e> {
    /// A basic condition came out with `status`.
    fn basic(&mut self, c: &'e RuleCondition, status: Status, inputs: &Inputs<'_>);
    /// A scored indicator, in dimension `dimension` (`local`: from the province's file).
    fn indicator(
        &mut self,
        s: &'e Scoring,
        ind: &'e Indicator,
        dimension: usize,
        scored: Scored<'e>,
        local: bool,
    );
    /// The score: per-dimension sums, the total's range and whether it passes.
    fn score(&mut self, s: &'e Scoring, dims: &[Sum], total: (f64, f64), passed: Tri);
    /// A direct condition came out as `t` (the first that holds is the route taken).
    fn direct(&mut self, c: &'e RuleCondition, t: Tri);
    /// No route passes: name the pass mark and dimension minima the score cannot meet.
    fn score_missed(&mut self, s: &'e Scoring);
}

/// Records nothing.
pub(crate) struct NoAccount;

impl<'e> Record<'e> for NoAccount {
    fn basic(&mut self, _: &'e RuleCondition, _: Status, _: &Inputs<'_>) {}
    fn indicator(&mut self, _: &'e Scoring, _: &'e Indicator, _: usize, _: Scored<'e>, _: bool) {}
    fn score(&mut self, _: &'e Scoring, _: &[Sum], _: (f64, f64), _: Tri) {}
    fn direct(&mut self, _: &'e RuleCondition, _: Tri) {}
    fn score_missed(&mut self, _: &'e Scoring) {}
}

/// Records everything a verdict shows.
#[derive(Default)]
pub(crate) struct Account<'e> {
    pub conditions: Vec<ConditionResult<'e>>,
    pub failed: Vec<FailedCheck<'e>>,
    pub direct_route: Option<&'e str>,
    pub score: Option<ScoreResult<'e>>,
    indicators: Vec<IndicatorScore<'e>>,
}

impl<'e> Record<'e> for Account<'e> {
    fn basic(&mut self, c: &'e RuleCondition, status: Status, inputs: &Inputs<'_>) {
        if status == Status::Failed {
            explain(c, inputs, &mut self.failed);
        }
        self.conditions
            .push(condition_result(c, Role::Basic, status));
    }

    fn indicator(
        &mut self,
        s: &'e Scoring,
        ind: &'e Indicator,
        dimension: usize,
        scored: Scored<'e>,
        local: bool,
    ) {
        self.indicators.push(IndicatorScore {
            info: &ind.info,
            dimension: &s.dimensions[dimension].id,
            measure: scored.measure,
            value: scored.value,
            band: scored.band,
            points: Points::new(scored.lo, scored.hi),
            local,
        });
    }

    fn score(&mut self, s: &'e Scoring, dims: &[Sum], (lo, hi): (f64, f64), passed: Tri) {
        let dimensions = s
            .dimensions
            .iter()
            .zip(dims)
            .map(|(dim, sum)| DimensionScore {
                info: dim,
                points: Points::new(sum.lo, sum.hi),
            })
            .collect();
        self.score = Some(ScoreResult {
            total: Points::new(lo, hi),
            max: s.max,
            pass_total: s.pass_total,
            passed: passed.truth,
            edge_takes_higher_band: s.edge_takes_higher_band,
            dimensions,
            indicators: std::mem::take(&mut self.indicators),
        });
    }

    fn direct(&mut self, c: &'e RuleCondition, t: Tri) {
        if t.truth == Truth::True && self.direct_route.is_none() {
            self.direct_route = Some(c.info.id.as_str());
        }
        let status = status_of(t.truth);
        self.conditions
            .push(condition_result(c, Role::Direct, status));
    }

    fn score_missed(&mut self, s: &'e Scoring) {
        if let Some(r) = &self.score {
            score_failures(s, r, &mut self.failed);
        }
    }
}

pub(crate) fn status_of(truth: Truth) -> Status {
    match truth {
        Truth::True => Status::Passed,
        Truth::False => Status::Failed,
        Truth::Unknown => Status::Unknown,
    }
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
