//! Helpers shared by the integration tests.
#![allow(dead_code)]

use shangyun_tier::{
    Edition, EnterpriseProfile, IndicatorScore, Points, Tier, TierRules, TierVerdict,
};

/// The embedded edition.
pub fn rules(edition: Edition, tier: Tier) -> &'static TierRules {
    shangyun_tier::rules(edition, tier).unwrap_or_else(|e| panic!("{edition} {tier}: {e}"))
}

/// The same edition with the band-edge flag turned off (a value on an edge takes the lower band).
pub fn rules_edge_lower(edition: Edition, tier: Tier) -> TierRules {
    let text = shangyun_tier::edition_text(edition, tier);
    let flipped = text.replace(
        "edge_takes_higher_band = true",
        "edge_takes_higher_band = false",
    );
    assert_ne!(text, flipped, "the edition has no edge flag to flip");
    TierRules::from_toml(&flipped).unwrap_or_else(|e| panic!("{e}"))
}

/// A profile from one of the example files.
pub fn example(name: &str) -> EnterpriseProfile {
    let text = match name {
        "innovative-eligible" => include_str!("../../examples/innovative-eligible.json"),
        "specialized-eligible" => include_str!("../../examples/specialized-eligible.json"),
        other => panic!("no example {other}"),
    };
    EnterpriseProfile::from_json(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Evaluates and fails the test on an evaluation error.
pub fn eval<'e>(rules: &'e TierRules, p: &EnterpriseProfile) -> TierVerdict<'e> {
    rules.evaluate(p).unwrap_or_else(|e| panic!("{e}"))
}

/// One indicator's line in a verdict.
pub fn indicator<'v>(v: &'v TierVerdict<'_>, id: &str) -> &'v IndicatorScore<'v> {
    v.score
        .as_ref()
        .and_then(|s| s.indicators.iter().find(|i| i.info.id == id))
        .unwrap_or_else(|| panic!("no indicator {id}"))
}

/// One indicator's points, which must be exact.
pub fn points(rules: &TierRules, p: &EnterpriseProfile, id: &str) -> f64 {
    let v = eval(rules, p);
    match indicator(&v, id).points {
        Points::Exact(x) => x,
        other => panic!("{id}: points not exact: {other:?}"),
    }
}

/// The exact total of a verdict.
pub fn total(v: &TierVerdict<'_>) -> f64 {
    v.score
        .as_ref()
        .and_then(|s| s.total.exact())
        .unwrap_or_else(|| panic!("no exact total"))
}

/// All common conditions met.
pub fn common() -> EnterpriseProfile {
    EnterpriseProfile {
        independent_legal_person: Some(true),
        is_sme: Some(true),
        not_listed_abnormal_or_dishonest: Some(true),
        no_prohibited_products: Some(true),
        no_major_incidents: Some(true),
        ..Default::default()
    }
}

/// The checks that failed, as `condition:check`.
pub fn failed(v: &TierVerdict<'_>) -> Vec<String> {
    v.failed
        .iter()
        .map(|f| format!("{}:{}", f.condition, f.check))
        .collect()
}
