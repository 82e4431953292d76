//! `shangyun-size` — SME size class (大型 / 中型 / 小型 / 微型) under 《中小企业划型标准规定》
//! (工信部联企业〔2011〕300号), with the industry scope mapped to GB/T 4754-2017 by the NBS
//! companion (国统字〔2017〕213号).
//!
//! The rules are data: `editions/size-2011.toml` holds the 16 industry groups, their scope as
//! GB/T 4754 prefixes, and three bounds per metric. [`SizeEdition`] checks the file and compiles
//! it into flat tables (industry code → group), and one generic evaluator applies the decision
//! rule: large if every metric ≥ its ceiling; else medium if every metric ≥ the medium bound;
//! else small if every metric ≥ the small bound; else micro.
//!
//! Every result names the edition and explains itself (each metric against each bound, which
//! metrics decided and which bound they missed); a missing metric or an industry outside the
//! rules is reported, never guessed.
//!
//! ```
//! use shangyun_size::{classify, Metrics, SizeClass};
//!
//! let metrics = Metrics { employees: Some(500), revenue_wan: Some(1500.0), ..Metrics::default() };
//! let outcome = classify("C3311", &metrics)?;
//! assert_eq!(outcome.class(), Some(SizeClass::Small));
//! println!("{outcome}"); // 小型企业 / small enterprise … missed by Y 营业收入 1500 < 2000 万元
//! # Ok::<(), shangyun_size::SizeError>(())
//! ```

mod amount;
mod class;
mod classify;
mod edition;
mod explain;
mod lookup;
mod metric;

pub use class::SizeClass;
pub use classify::{
    Classification, IndustryTooBroad, MetricCheck, MetricChecks, MissingMetrics, NotCovered,
    SizeError, SizeOutcome,
};
pub use edition::{
    Confidence, EditionError, EditionInfo, Exclusion, IndustryGroup, SizeEdition, Thresholds,
};
pub use lookup::{GroupLookup, GroupMatch, SeveralGroups};
pub use metric::{Metric, MetricSet, Metrics};

use shangyun_codes::IndustryCodeError;

/// Classifies under the 2011 edition; see [`SizeEdition::classify`].
pub fn classify(industry_code: &str, metrics: &Metrics) -> Result<SizeOutcome<'static>, SizeError> {
    SizeEdition::edition_2011().classify(industry_code, metrics)
}

/// The 2011 group of an industry code; see [`SizeEdition::group_for`].
///
/// ```
/// use shangyun_size::{group_for, GroupMatch};
/// let found = group_for("6511")?;
/// assert!(matches!(found.matched, GroupMatch::Group { group } if group.number == 12));
/// # Ok::<(), shangyun_codes::IndustryCodeError>(())
/// ```
pub fn group_for(industry_code: &str) -> Result<GroupLookup<'static>, IndustryCodeError> {
    SizeEdition::edition_2011().group_for(industry_code)
}
