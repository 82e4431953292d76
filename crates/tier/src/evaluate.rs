//! Evaluation: basic conditions ∧ (score passes ∨ any direct condition), in three-valued
//! logic so that missing data yields "not enough data" only when it could matter.

use crate::account::{Account, NoAccount, Record, Sum, status_of};
use crate::condition::{Tri, Truth};
use crate::error::EvaluateError;
use crate::field::{Field, FieldSet};
use crate::indicator::Indicator;
use crate::inputs::Inputs;
use crate::local::LocalRules;
use crate::profile::EnterpriseProfile;
use crate::rules::{RuleCondition, Scoring, TierRules};
use crate::verdict::{LocalPart, OutcomeKind, Status, TierVerdict};

/// Dimensions per edition, bounded so that their sums live on the stack.
pub(crate) const MAX_DIMENSIONS: usize = 8;

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
        let mut account = Account::default();
        let overall = self.decide(&Inputs::new(profile), local, &mut account);
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
            outcome: OutcomeKind::of(overall).into(),
            edition: &self.info,
            conditions: account.conditions,
            failed: account.failed,
            direct_route: account.direct_route,
            score: account.score,
            local: local_part,
        })
    }

    /// The outcome alone, as [`TierRules::evaluate`] gives it but without the account
    /// (conditions, failed checks, points): for callers that store outcomes for many profiles
    /// and explain one when it is shown. The same routine decides both, so they agree.
    ///
    /// ```
    /// use shangyun_tier::{Edition, EnterpriseProfile, Outcome, OutcomeKind, Tier};
    /// let rules = shangyun_tier::rules(Edition::Y2026, Tier::Specialized).unwrap();
    /// let profile = EnterpriseProfile::from_json(r#"{ "revenue": 800.0, "equity_raised_2y": 0.0 }"#).unwrap();
    /// assert_eq!(rules.outcome(&profile).unwrap(), OutcomeKind::NotEligible);
    /// assert_eq!(Outcome::from(rules.outcome(&profile).unwrap()), rules.evaluate(&profile).unwrap().outcome);
    /// ```
    pub fn outcome(&self, profile: &EnterpriseProfile) -> Result<OutcomeKind, EvaluateError> {
        profile.validate()?;
        Ok(OutcomeKind::of(self.decide(
            &Inputs::new(profile),
            None,
            &mut NoAccount,
        )))
    }

    /// Basic conditions ∧ (score passes ∨ any direct condition), telling `record` each step.
    fn decide<'e, R: Record<'e>>(
        &'e self,
        inputs: &Inputs<'_>,
        local: Option<&'e LocalRules>,
        record: &mut R,
    ) -> Tri {
        let mut basics = Tri::TRUE;
        for c in &self.basic {
            let (result, status) = basic_status(c, inputs);
            record.basic(c, status, inputs);
            basics = basics.and(result);
        }

        let scored = self
            .scoring
            .as_ref()
            .map(|s| score(s, inputs, local, record));
        let mut route = match (scored, self.direct.is_empty()) {
            (Some(tri), _) => tri,
            (None, true) => Tri::TRUE,
            (None, false) => Tri::FALSE,
        };
        for c in &self.direct {
            let t = c.when.eval(inputs);
            route = route.or(t);
            record.direct(c, t);
        }
        if route.truth == Truth::False
            && let Some(s) = &self.scoring
        {
            record.score_missed(s);
        }
        basics.and(route)
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

fn score<'e, R: Record<'e>>(
    s: &'e Scoring,
    p: &Inputs<'_>,
    local: Option<&'e LocalRules>,
    record: &mut R,
) -> Tri {
    let mut sums = [Sum::default(); MAX_DIMENSIONS];
    let mut add = |ind: &'e Indicator, dimension: usize, is_local: bool| {
        let scored = ind.score(p);
        let sum = &mut sums[dimension];
        sum.lo += scored.lo;
        sum.hi += scored.hi;
        sum.missing = sum.missing.union(scored.missing);
        record.indicator(s, ind, dimension, scored, is_local);
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
    record.score(s, dims, (lo, hi), tri);
    tri
}
