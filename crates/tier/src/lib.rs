//! `shangyun-tier` — eligibility for the three tiers of 优质中小企业梯度培育:
//! 创新型中小企业, 专精特新中小企业 and 专精特新"小巨人", under the 2022 edition
//! (工信部企业〔2022〕63号) and the 2026 edition (工信部企业〔2026〕2号).
//!
//! **Rules are data.** Each edition × tier is a TOML file in `editions/`, embedded at compile
//! time and compiled once ([`rules`]). A small rule language expresses them: basic conditions
//! (all must hold; comparisons, any-of/all-of groups, waivers), scored indicators (bands with
//! a band-edge rule, best-of, ladders, counts), dimensions with maxima and minima, a pass total,
//! and direct conditions (any one replaces the score). The 2022 专精特新 特色化 points are set
//! by each province; pass a [`LocalRules`] file to score them.
//!
//! **Missing data is explicit.** Every [`EnterpriseProfile`] field is optional; evaluation is
//! three-valued and answers [`Outcome::NotEnoughData`] only when the missing fields could
//! change the outcome, naming them.
//!
//! ```
//! use shangyun_tier::{Edition, EnterpriseProfile, Outcome, Tier};
//!
//! let rules = shangyun_tier::rules(Edition::Y2026, Tier::Specialized)?;
//! let profile = EnterpriseProfile::from_json(r#"{ "revenue": 800.0, "equity_raised_2y": 0.0 }"#)?;
//! let verdict = rules.evaluate(&profile)?;
//! // Revenue below 1500万 with no equity fails whatever else is missing.
//! assert_eq!(verdict.outcome, Outcome::NotEligible);
//! assert!(verdict.failed.iter().any(|f| f.check == "revenue≥1500"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod account;
mod condition;
mod date;
mod editions;
mod error;
mod evaluate;
mod field;
mod indicator;
mod inputs;
mod local;
mod measure;
mod profile;
mod rules;
mod spec;
mod verdict;

pub use condition::{Op, Truth};
pub use date::{Date, DateError};
pub use editions::{LOCAL_EXAMPLE, edition_text, rules};
pub use error::{EvaluateError, RulesError};
pub use field::{Field, FieldSet};
pub use indicator::IndicatorInfo;
pub use local::{LocalInfo, LocalRules};
pub use measure::Measure;
pub use profile::{
    Award, AwardKind, EnterpriseProfile, ProductField, ProfileError, ProfileParseError,
    RdInstitutionLevel, TitleHeld, TitleKind,
};
pub use rules::{
    ConditionInfo, Confidence, Dimension, Edition, EditionInfo, Tier, TierRules, UnknownName,
};
pub use verdict::{
    ConditionResult, DimensionScore, FailedCheck, IndicatorScore, LocalPart, Outcome, OutcomeKind,
    Points, Role, ScoreResult, Status, TierVerdict,
};
