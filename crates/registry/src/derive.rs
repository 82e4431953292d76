//! Derived values: the size class and the tier verdicts of each year on file, computed with the
//! official rules (`shangyun_rules::size`, `shangyun_rules::tier`) and stored with the edition
//! ids that produced them.
//!
//! How registry fields feed the rules:
//!
//! * **Size class** (edition `2011`): industry code, X = `employees`, Y = `revenue`,
//!   Z = `assets` of that year.
//! * **Tier verdicts**, every tier under every edition (2022 and 2026 run side by side): the
//!   year's figures as "last completed year", the two years before as `_prev` / `_prev2`;
//!   `is_sme` from that year's size class; titles held from the registry's titles (none
//!   recorded = unknown, not "none"), valid on 1 January of the following year, when the
//!   assessment of a year's figures takes place. Everything the registry does not record
//!   (awards, niche years, certifications, …) stays unknown, so most verdicts are
//!   `not-enough-data` naming the missing fields, and `not-eligible` when a recorded figure
//!   already fails.
//!
//! The stored explanations are compact — what decided, the checks that failed, the registry
//! fields still missing — because they are computed and stored for every enterprise and
//! year; the rule crates give the full account (points, every condition) for one profile.

use crate::model::{AnnualFigures, Derived, Enterprise, Explanation, Tier, TierDerived, Title};
use chrono::Datelike;
use serde::Serialize;
use shangyun_rules::size::{self, MetricSet, Metrics, SizeClass, SizeEdition, SizeOutcome};
use shangyun_rules::tier::{
    self as tiers, Date, Edition, EnterpriseProfile, Outcome, OutcomeKind, TierVerdict, TitleHeld,
    TitleKind,
};
use std::borrow::Cow;

/// The size-class edition every [`Derived`] is computed with.
pub fn size_edition_id() -> &'static str {
    &SizeEdition::edition_2011().info().id
}

/// The tier edition ids evaluated for every year, in the order of [`Derived::tiers`].
pub fn tier_edition_ids() -> Vec<String> {
    evaluated()
        .filter_map(|(edition, tier)| tiers::rules(edition, tier).ok())
        .map(|rules| rules.info().id.clone())
        .collect()
}

/// One [`Derived`] per entry of `figures`, in the same order. `figures` holds every year on
/// file for the enterprise (earlier years feed growth and two-year conditions); `titles`
/// every title recorded.
///
/// ```
/// use shangyun_registry::{AnnualFigures, Enterprise, derive::derive_enterprise};
///
/// let enterprise = Enterprise {
///     uscc: "91330106MA27XK7R3B".into(),
///     name: "示例".into(),
///     registered_region: "330106".into(),
///     operating_region: None,
///     industry: "C3311".into(),
///     founded: None,
///     contact_name: None,
///     contact_phone: None,
///     contact_email: None,
/// };
/// let year = AnnualFigures {
///     uscc: enterprise.uscc.clone(),
///     year: 2024,
///     employees: Some(500),
///     revenue: Some(1500.0),
///     ..AnnualFigures::default()
/// };
/// let derived = derive_enterprise(&enterprise, &[year], &[]);
/// assert_eq!(derived[0].size_class.as_deref(), Some("small")); // the standard's worked example
/// assert_eq!(derived[0].size_edition, "2011"); // the edition id the size crate reports
/// assert_eq!(derived[0].tiers.len(), 6); // 3 tiers × 2 editions
/// ```
pub fn derive_enterprise(
    enterprise: &Enterprise,
    figures: &[AnnualFigures],
    titles: &[Title],
) -> Vec<Derived> {
    derive_with(enterprise, figures, titles, Detail::Explained)
}

/// [`derive_enterprise`] without the explanations (each is [`Explanation::null`]): the
/// classes, editions and outcomes only, for a store that keeps those and recomputes the
/// explanations when a record is shown. Building the explanations is most of the cost of a
/// derivation; the outcomes are the same as [`derive_enterprise`]'s.
///
/// ```
/// use shangyun_registry::derive::{derive_enterprise, derive_outcomes};
/// use shangyun_registry::{AnnualFigures, Enterprise};
///
/// let enterprise = Enterprise {
///     uscc: "91330106MA2XXXXX0X".to_owned(),
///     name: "示例科技有限公司".to_owned(),
///     registered_region: "330106".to_owned(),
///     operating_region: None,
///     industry: "6511".to_owned(),
///     founded: None,
///     contact_name: None,
///     contact_phone: None,
///     contact_email: None,
/// };
/// let year = AnnualFigures {
///     uscc: enterprise.uscc.clone(),
///     year: 2024,
///     employees: Some(500),
///     revenue: Some(1500.0),
///     ..AnnualFigures::default()
/// };
/// let outcomes = derive_outcomes(&enterprise, &[year.clone()], &[]);
/// let explained = derive_enterprise(&enterprise, &[year], &[]);
/// assert_eq!(outcomes[0].size_class, explained[0].size_class);
/// assert_eq!(outcomes[0].size_explanation.as_json(), "null");
/// ```
pub fn derive_outcomes(
    enterprise: &Enterprise,
    figures: &[AnnualFigures],
    titles: &[Title],
) -> Vec<Derived> {
    derive_with(enterprise, figures, titles, Detail::OutcomesOnly)
}

/// Whether a derivation builds its explanations.
#[derive(Clone, Copy, PartialEq)]
enum Detail {
    Explained,
    OutcomesOnly,
}

fn derive_with(
    enterprise: &Enterprise,
    figures: &[AnnualFigures],
    titles: &[Title],
    detail: Detail,
) -> Vec<Derived> {
    figures
        .iter()
        .map(|year| derive_year(enterprise, year, figures, titles, detail))
        .collect()
}

fn derive_year(
    enterprise: &Enterprise,
    year: &AnnualFigures,
    all_years: &[AnnualFigures],
    titles: &[Title],
    detail: Detail,
) -> Derived {
    let (size_class, size_edition, size_explanation) = classify_size(enterprise, year, detail);
    let prior = |back: i32| all_years.iter().find(|f| f.year == year.year - back);
    let profile = tier_profile(enterprise, year, prior(1), prior(2), titles, size_class);
    let tiers = evaluated()
        .map(|(edition, tier)| evaluate_tier(edition, tier, &profile, detail))
        .collect();
    Derived {
        uscc: enterprise.uscc.clone(),
        year: year.year,
        size_class: size_class.map(|c| c.name_en().to_owned()),
        size_edition,
        size_explanation,
        tiers,
    }
}

/// Every (edition, tier) pair, editions oldest first.
fn evaluated() -> impl Iterator<Item = (Edition, tiers::Tier)> {
    Edition::ALL
        .into_iter()
        .flat_map(|e| tiers::Tier::ALL.into_iter().map(move |t| (e, t)))
}

fn classify_size(
    enterprise: &Enterprise,
    year: &AnnualFigures,
    detail: Detail,
) -> (Option<SizeClass>, String, Explanation) {
    let invalid = |error: String| {
        let why = SizeWhy {
            outcome: "invalid",
            error: Some(error),
            ..SizeWhy::default()
        };
        (None, size_edition_id().to_owned(), explain(detail, &why))
    };
    let Ok(employees) = year.employees.map(u32::try_from).transpose() else {
        return invalid("employees out of range".to_owned());
    };
    let metrics = Metrics {
        employees,
        revenue_wan: year.revenue,
        assets_wan: year.assets,
    };
    match size::classify(&enterprise.industry, &metrics) {
        Ok(outcome) => (
            outcome.class(),
            outcome.edition().id.clone(),
            explain(detail, &size_why(&outcome)),
        ),
        Err(e) => invalid(e.to_string()),
    }
}

/// The stored size explanation: what decided, not the figures (stored beside it) nor the
/// bounds (in the edition). Absent parts are left out of the JSON.
#[derive(Default, Serialize)]
struct SizeWhy<'a> {
    /// `classified`, `missing_metrics`, `not_covered`, `industry_too_broad` or `invalid`.
    outcome: &'static str,
    /// The industry group of the edition (e.g. `software_it_services`).
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    /// The metrics that held the class where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_by: Option<MetricSet>,
    /// The class whose bound they missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    missed: Option<SizeClass>,
    /// The metrics the group needs that are not on file.
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<MetricSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn size_why<'a>(outcome: &'a SizeOutcome<'a>) -> SizeWhy<'a> {
    match outcome {
        SizeOutcome::Classified(c) => SizeWhy {
            outcome: "classified",
            group: Some(&c.group.id),
            decided_by: Some(c.decided_by),
            missed: c.missed,
            ..SizeWhy::default()
        },
        SizeOutcome::MissingMetrics(m) => SizeWhy {
            outcome: "missing_metrics",
            group: Some(&m.group.id),
            missing: Some(m.missing),
            ..SizeWhy::default()
        },
        SizeOutcome::NotCovered(n) => SizeWhy {
            outcome: "not_covered",
            reason: Some(&n.exclusion.reason_en),
            ..SizeWhy::default()
        },
        SizeOutcome::IndustryTooBroad(_) => SizeWhy {
            outcome: "industry_too_broad",
            reason: Some("the industry code spans several size groups; give a 4-digit class"),
            ..SizeWhy::default()
        },
    }
}

/// Serializes an explanation. Serializing these plain structs cannot fail; should it ever,
/// the error text is stored instead of losing the derived row.
fn explain<T: Serialize>(detail: Detail, why: &T) -> Explanation {
    if detail == Detail::OutcomesOnly {
        return Explanation::null();
    }
    Explanation::new(why).unwrap_or_else(|e| {
        Explanation::new(&ExplainFailed {
            outcome: "invalid",
            error: e.to_string(),
        })
        .unwrap_or_else(|_| Explanation::null())
    })
}

#[derive(Serialize)]
struct ExplainFailed {
    outcome: &'static str,
    error: String,
}

fn tier_profile(
    enterprise: &Enterprise,
    year: &AnnualFigures,
    prev: Option<&AnnualFigures>,
    prev2: Option<&AnnualFigures>,
    titles: &[Title],
    size_class: Option<SizeClass>,
) -> EnterpriseProfile {
    let count = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok());
    let province_code = Some(enterprise.registered_region.clone())
        .filter(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit()));
    let as_of = u16::try_from(year.year + 1)
        .ok()
        .and_then(|y| Date::new(y, 1, 1));
    let held: Vec<TitleHeld> = titles.iter().map(title_held).collect();
    EnterpriseProfile {
        as_of,
        province_code,
        revenue: year.revenue,
        revenue_prev: prev.and_then(|f| f.revenue),
        revenue_prev2: prev2.and_then(|f| f.revenue),
        main_revenue: year.main_business_revenue,
        main_revenue_prev: prev.and_then(|f| f.main_business_revenue),
        main_revenue_prev2: prev2.and_then(|f| f.main_business_revenue),
        rd_spend: year.rd_spend,
        rd_spend_prev: prev.and_then(|f| f.rd_spend),
        rd_staff: count(year.rd_staff),
        total_staff: count(year.employees),
        ip_high_value_class1: count(year.ip_class1_high_value),
        ip_class1: count(year.ip_class1),
        ip_class2: count(year.ip_class2),
        debt_ratio_pct: year.debt_ratio,
        net_profit: year.net_profit,
        is_sme: size_class.map(SizeClass::is_sme),
        titles: (!held.is_empty()).then_some(held),
        ..EnterpriseProfile::default()
    }
}

fn title_held(title: &Title) -> TitleHeld {
    let kind = match title.tier {
        Tier::Innovative if title.edition.starts_with("2026") => TitleKind::TechInnovativeSme,
        Tier::Innovative => TitleKind::InnovativeSme,
        Tier::Specialized => TitleKind::SpecializedSme,
        Tier::LittleGiant => TitleKind::LittleGiant,
    };
    let expires = title.expires;
    let expires_on = u16::try_from(expires.year()).ok().and_then(|y| {
        Date::new(
            y,
            u8::try_from(expires.month()).ok()?,
            u8::try_from(expires.day()).ok()?,
        )
    });
    TitleHeld {
        title: kind,
        edition: Some(title.edition.clone()),
        expires_on,
    }
}

fn registry_tier(tier: tiers::Tier) -> Tier {
    match tier {
        tiers::Tier::Innovative => Tier::Innovative,
        tiers::Tier::Specialized => Tier::Specialized,
        tiers::Tier::LittleGiant => Tier::LittleGiant,
    }
}

fn evaluate_tier(
    edition: Edition,
    tier: tiers::Tier,
    profile: &EnterpriseProfile,
    detail: Detail,
) -> TierDerived {
    let rules = match tiers::rules(edition, tier) {
        Ok(rules) => rules,
        Err(e) => {
            // Only here: formatted for every verdict, it was most of the formatting an import
            // did (about 3.5% of all its profile samples).
            let fallback_id = format!("tier-{}-{}", edition.name(), tier.name());
            return invalid_verdict(tier, fallback_id.into(), e.to_string(), detail);
        }
    };
    let decided = match detail {
        Detail::Explained => rules
            .evaluate(profile)
            .map(|verdict| (outcome_key(&verdict.outcome), tier_explanation(&verdict))),
        // Outcome only: no account of conditions and points is built (the reading thread of a
        // 1m-row import: 13.8–13.9 s of CPU with the account, 10.6–10.8 s without).
        Detail::OutcomesOnly => rules
            .outcome(profile)
            .map(|kind| (kind_key(kind), Explanation::null())),
    };
    match decided {
        Ok((outcome, explanation)) => TierDerived {
            tier: registry_tier(tier),
            edition: Cow::Borrowed(rules.info().id.as_str()),
            outcome: Cow::Borrowed(outcome),
            explanation,
        },
        Err(e) => invalid_verdict(
            tier,
            Cow::Borrowed(rules.info().id.as_str()),
            e.to_string(),
            detail,
        ),
    }
}

/// A verdict that could not be computed: the figures are unusable for the rules (e.g. a
/// negative R&D spend); stored as not-enough-data with the reason.
fn invalid_verdict(
    tier: tiers::Tier,
    edition: Cow<'static, str>,
    error: String,
    detail: Detail,
) -> TierDerived {
    TierDerived {
        tier: registry_tier(tier),
        edition,
        outcome: Cow::Borrowed("not-enough-data"),
        explanation: explain(
            detail,
            &ExplainFailed {
                outcome: "invalid",
                error,
            },
        ),
    }
}

fn outcome_key(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Eligible => "eligible",
        Outcome::NotEligible => "not-eligible",
        Outcome::NotEnoughData { .. } => "not-enough-data",
    }
}

fn kind_key(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Eligible => "eligible",
        OutcomeKind::NotEligible => "not-eligible",
        OutcomeKind::NotEnoughData { .. } => "not-enough-data",
    }
}

/// The stored tier explanation: the checks that failed (each names its threshold, e.g.
/// `revenue≥5000`; the value is in the figures) and the registry fields whose absence keeps
/// the outcome open. Conditions the registry never records (awards, certifications,
/// compliance flags, …) are left out: they are the same for every enterprise, and naming them
/// a million times would cost more than the rules. `shangyun rules tier` gives the full
/// account (points per indicator, every condition) for one profile.
#[derive(Serialize)]
struct TierWhy<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failed: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    missing: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direct_route: Option<&'a str>,
}

/// Profile fields the registry fills from its own records.
const RECORDED: &[&str] = &[
    "as_of",
    "province_code",
    "revenue",
    "revenue_prev",
    "revenue_prev2",
    "main_revenue",
    "main_revenue_prev",
    "main_revenue_prev2",
    "rd_spend",
    "rd_spend_prev",
    "rd_staff",
    "total_staff",
    "ip_high_value_class1",
    "ip_class1",
    "ip_class2",
    "debt_ratio_pct",
    "net_profit",
    "is_sme",
    "titles",
];

fn tier_explanation(verdict: &TierVerdict<'_>) -> Explanation {
    let missing: Vec<&'static str> = match &verdict.outcome {
        Outcome::NotEnoughData { missing } => missing
            .iter()
            .copied()
            .filter(|m| RECORDED.contains(m))
            .collect(),
        _ => Vec::new(),
    };
    explain(
        Detail::Explained,
        &TierWhy {
            failed: verdict.failed.iter().map(|f| f.check).collect(),
            missing,
            direct_route: verdict.direct_route,
        },
    )
}
