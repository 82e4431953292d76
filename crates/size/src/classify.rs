//! The generic evaluator: large if every metric ≥ its ceiling; else medium if every metric ≥
//! the medium bound; else small if every metric ≥ the small bound; else micro.

use crate::amount;
use crate::class::SizeClass;
use crate::edition::{EditionInfo, Exclusion, IndustryGroup, SizeEdition, Thresholds};
use crate::lookup::{GroupMatch, SeveralGroups};
use crate::metric::{Metric, MetricSet, Metrics};
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use shangyun_codes::{IndustryCode, IndustryCodeError};
use thiserror::Error;

/// Why classification could not start.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SizeError {
    /// The industry code is malformed or unknown.
    #[error(transparent)]
    Industry(#[from] IndustryCodeError),
    /// A metric is negative, NaN or infinite.
    #[error("{} {} = {value} is not a valid amount (must be a finite number ≥ 0)", .metric.name_zh(), .metric.name_en())]
    InvalidMetric {
        /// Which metric.
        metric: Metric,
        /// The value given.
        value: f64,
    },
}

/// One metric compared with the group's three bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricCheck {
    /// The metric.
    pub metric: Metric,
    /// The value given (persons or 万元).
    #[serde(serialize_with = "amount::serialize")]
    pub value: f64,
    /// The group's bounds for it.
    pub thresholds: Thresholds,
    /// The class this metric alone reaches (its band).
    pub reached: SizeClass,
}

impl MetricCheck {
    fn new(t: Thresholds, value: f64) -> Self {
        let reached = if value >= t.large {
            SizeClass::Large
        } else if value >= t.medium {
            SizeClass::Medium
        } else if value >= t.small {
            SizeClass::Small
        } else {
            SizeClass::Micro
        };
        Self {
            metric: t.metric,
            value,
            thresholds: t,
            reached,
        }
    }

    /// The bound a metric must reach for `class` (`None` for micro, which has none).
    pub fn bound_for(&self, class: SizeClass) -> Option<f64> {
        match class {
            SizeClass::Large => Some(self.thresholds.large),
            SizeClass::Medium => Some(self.thresholds.medium),
            SizeClass::Small => Some(self.thresholds.small),
            SizeClass::Micro => None,
        }
    }
}

/// Up to three metric checks held inline (the hot path allocates nothing).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricChecks {
    items: [Option<MetricCheck>; 3],
}

impl MetricChecks {
    /// The checks in the order the group lists its metrics.
    pub fn iter(&self) -> impl Iterator<Item = &MetricCheck> {
        self.items.iter().flatten()
    }

    /// The check for `metric`, if the group uses it.
    pub fn get(&self, metric: Metric) -> Option<&MetricCheck> {
        self.iter().find(|c| c.metric == metric)
    }
}

impl Serialize for MetricChecks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.iter().count()))?;
        for c in self.iter() {
            seq.serialize_element(c)?;
        }
        seq.end()
    }
}

/// A size class with the reasons for it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Classification<'e> {
    /// The class.
    pub class: SizeClass,
    /// The edition applied.
    pub edition: &'e EditionInfo,
    /// The industry code in full form.
    pub industry: IndustryCode,
    /// The group it falls under.
    pub group: &'e IndustryGroup,
    /// Each metric of the group against each bound.
    pub checks: MetricChecks,
    /// The metrics that held the class where it is: the ones below the next class's bound
    /// (for large: every metric, all at or above the ceiling).
    pub decided_by: MetricSet,
    /// The next class up, whose bound the `decided_by` metrics missed (`None` for large).
    pub missed: Option<SizeClass>,
    /// Metrics given but not used by this group.
    pub ignored: MetricSet,
}

/// The group needs metrics that were not given: no class is guessed.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MissingMetrics<'e> {
    /// The edition applied.
    pub edition: &'e EditionInfo,
    /// The industry code in full form.
    pub industry: IndustryCode,
    /// The group it falls under.
    pub group: &'e IndustryGroup,
    /// Exactly the metrics still needed.
    pub missing: MetricSet,
}

/// The industry is outside the edition's scope.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NotCovered<'e> {
    /// The edition applied.
    pub edition: &'e EditionInfo,
    /// The industry code in full form.
    pub industry: IndustryCode,
    /// Why it is not covered.
    pub exclusion: &'e Exclusion,
}

/// The industry code is too broad: its classes fall under several groups.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct IndustryTooBroad<'e> {
    /// The edition applied.
    pub edition: &'e EditionInfo,
    /// The industry code in full form.
    pub industry: IndustryCode,
    /// The groups (and exclusions) below it.
    pub spans: SeveralGroups<'e>,
}

/// The result of classifying an enterprise.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SizeOutcome<'e> {
    /// 大/中/小/微 with the reasons.
    Classified(Classification<'e>),
    /// Cannot classify: the group needs metrics that were not given.
    MissingMetrics(MissingMetrics<'e>),
    /// Not covered by the edition.
    NotCovered(NotCovered<'e>),
    /// The code spans several groups; a more specific code is needed.
    IndustryTooBroad(IndustryTooBroad<'e>),
}

impl<'e> SizeOutcome<'e> {
    /// The class, if one was determined.
    pub fn class(&self) -> Option<SizeClass> {
        match self {
            Self::Classified(c) => Some(c.class),
            _ => None,
        }
    }

    /// The edition applied.
    pub fn edition(&self) -> &'e EditionInfo {
        match self {
            Self::Classified(c) => c.edition,
            Self::MissingMetrics(m) => m.edition,
            Self::NotCovered(n) => n.edition,
            Self::IndustryTooBroad(b) => b.edition,
        }
    }
}

impl SizeEdition {
    /// Classifies an enterprise of industry `industry_code` (any GB/T 4754 form: `C3311`,
    /// `3311`) from whichever metrics are known. Never guesses: a missing metric the group
    /// needs gives [`SizeOutcome::MissingMetrics`], an industry outside the rules
    /// [`SizeOutcome::NotCovered`].
    ///
    /// ```
    /// use shangyun_size::{Metric, Metrics, SizeClass, SizeEdition, SizeOutcome};
    ///
    /// let edition = SizeEdition::edition_2011();
    /// // The NBS worked example: 工业, X = 500, Y = 1500 → 小型 (Y misses 中型's 2000).
    /// let metrics = Metrics { employees: Some(500), revenue_wan: Some(1500.0), assets_wan: None };
    /// let SizeOutcome::Classified(c) = edition.classify("C3311", &metrics)? else { panic!() };
    /// assert_eq!(c.class, SizeClass::Small);
    /// assert_eq!(c.decided_by.iter().collect::<Vec<_>>(), [Metric::Revenue]);
    /// assert_eq!(c.missed, Some(SizeClass::Medium));
    ///
    /// let only_x = Metrics { employees: Some(500), ..Metrics::default() };
    /// let SizeOutcome::MissingMetrics(m) = edition.classify("3311", &only_x)? else { panic!() };
    /// assert_eq!(m.missing.iter().collect::<Vec<_>>(), [Metric::Revenue]);
    /// # Ok::<(), shangyun_size::SizeError>(())
    /// ```
    pub fn classify(
        &self,
        industry_code: &str,
        metrics: &Metrics,
    ) -> Result<SizeOutcome<'_>, SizeError> {
        for metric in Metric::ALL {
            if let Some(value) = metrics.get(metric) {
                if !value.is_finite() || value < 0.0 {
                    return Err(SizeError::InvalidMetric { metric, value });
                }
            }
        }
        let found = self.group_for(industry_code)?;
        let edition = &self.info;
        let industry = found.industry;
        let group = match found.matched {
            GroupMatch::Group { group } => group,
            GroupMatch::NotCovered { exclusion } => {
                return Ok(SizeOutcome::NotCovered(NotCovered {
                    edition,
                    industry,
                    exclusion,
                }));
            }
            GroupMatch::SeveralGroups { spans } => {
                return Ok(SizeOutcome::IndustryTooBroad(IndustryTooBroad {
                    edition,
                    industry,
                    spans,
                }));
            }
        };
        let mut checks = MetricChecks { items: [None; 3] };
        let mut missing = MetricSet::EMPTY;
        let mut used = MetricSet::EMPTY;
        for (slot, t) in checks.items.iter_mut().zip(&group.thresholds) {
            used = used.with(t.metric);
            match metrics.get(t.metric) {
                Some(value) => *slot = Some(MetricCheck::new(*t, value)),
                None => missing = missing.with(t.metric),
            }
        }
        if !missing.is_empty() {
            return Ok(SizeOutcome::MissingMetrics(MissingMetrics {
                edition,
                industry,
                group,
                missing,
            }));
        }
        // Bounds are ordered (checked on load), so "every metric ≥ the class's bound" for the
        // highest such class is the lowest band any single metric reaches.
        let class = checks
            .iter()
            .map(|c| c.reached)
            .min()
            .unwrap_or(SizeClass::Micro);
        let decided_by = checks
            .iter()
            .filter(|c| c.reached == class)
            .map(|c| c.metric)
            .collect();
        let ignored = metrics
            .known()
            .iter()
            .filter(|m| !used.contains(*m))
            .collect();
        Ok(SizeOutcome::Classified(Classification {
            class,
            edition,
            industry,
            group,
            checks,
            decided_by,
            missed: class.next_up(),
            ignored,
        }))
    }
}
