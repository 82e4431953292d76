//! Derived values from registry records: the size table of 《中小企业划型标准规定》 at its
//! band edges (edge and edge − 1), how registry fields reach the tier rules, and what is
//! stored when a value cannot be derived.

use chrono::NaiveDate;
use shangyun_registry::derive::{
    derive_enterprise, derive_outcomes, size_edition_id, tier_edition_ids,
};
use shangyun_registry::{AnnualFigures, Enterprise, Tier, TierDerived, Title};

fn enterprise(industry: &str) -> Enterprise {
    Enterprise {
        uscc: "91330106MA27XK7R3B".to_owned(),
        name: "示例".to_owned(),
        registered_region: "330106".to_owned(),
        operating_region: None,
        industry: industry.to_owned(),
        founded: None,
        contact_name: None,
        contact_phone: None,
        contact_email: None,
    }
}

fn year(
    y: i32,
    employees: Option<i64>,
    revenue: Option<f64>,
    assets: Option<f64>,
) -> AnnualFigures {
    AnnualFigures {
        uscc: "91330106MA27XK7R3B".to_owned(),
        year: y,
        employees,
        revenue,
        assets,
        ..AnnualFigures::default()
    }
}

fn class(industry: &str, x: Option<i64>, y: Option<f64>, z: Option<f64>) -> Option<String> {
    derive_enterprise(&enterprise(industry), &[year(2024, x, y, z)], &[])
        .pop()
        .and_then(|d| d.size_class)
}

/// (industry, X persons, Y 万元, Z 万元, expected class).
type SizeCase = (
    &'static str,
    Option<i64>,
    Option<f64>,
    Option<f64>,
    Option<&'static str>,
);

#[test]
fn size_classes_at_the_band_edges() {
    // (industry, X persons, Y 万元, Z 万元, class) — rows of the standard's table.
    let cases: &[SizeCase] = &[
        // 工业 (C): medium X ≥ 300 and Y ≥ 2000; small X ≥ 20 and Y ≥ 300; large X ≥ 1000 and Y ≥ 40000.
        ("3311", Some(500), Some(1500.0), None, Some("small")), // the standard's worked example
        ("3311", Some(300), Some(2000.0), None, Some("medium")),
        ("3311", Some(299), Some(2000.0), None, Some("small")),
        ("3311", Some(300), Some(1999.99), None, Some("small")),
        ("3311", Some(20), Some(300.0), None, Some("small")),
        ("3311", Some(19), Some(300.0), None, Some("micro")),
        ("3311", Some(1000), Some(40000.0), None, Some("large")),
        ("3311", Some(999), Some(40000.0), None, Some("medium")),
        // 软件和信息技术服务业 (65): medium X ≥ 100, Y ≥ 1000; large X ≥ 300, Y ≥ 10000.
        ("6511", Some(100), Some(1000.0), None, Some("medium")),
        ("6511", Some(99), Some(1000.0), None, Some("small")),
        ("6511", Some(300), Some(10000.0), None, Some("large")),
        // 建筑业 (E) uses Y and Z: medium Y ≥ 6000 and Z ≥ 5000.
        ("4710", None, Some(6000.0), Some(5000.0), Some("medium")),
        ("4710", None, Some(6000.0), Some(4999.0), Some("small")),
        // 零售业 (52): small X ≥ 10 and Y ≥ 100.
        ("5211", Some(10), Some(100.0), None, Some("small")),
        ("5211", Some(9), Some(100.0), None, Some("micro")),
    ];
    for &(industry, x, y, z, want) in cases {
        assert_eq!(
            class(industry, x, y, z).as_deref(),
            want,
            "{industry} X={x:?} Y={y:?} Z={z:?}"
        );
    }
}

#[test]
fn unclassifiable_years_store_why() {
    // 建筑业 needs Z: no class is guessed, the missing metric is named.
    let d = derive_enterprise(
        &enterprise("4710"),
        &[year(2024, None, Some(6000.0), None)],
        &[],
    );
    assert_eq!(d[0].size_class, None);
    let why = d[0].size_explanation.to_value();
    assert_eq!(why["outcome"], "missing_metrics");
    assert_eq!(why["missing"], serde_json::json!(["assets"]));

    // 金融业 (J) is outside the 2011 rules.
    let d = derive_enterprise(
        &enterprise("6621"),
        &[year(2024, Some(50), Some(100.0), None)],
        &[],
    );
    assert_eq!(d[0].size_class, None);
    assert_eq!(d[0].size_explanation.to_value()["outcome"], "not_covered");

    // An industry code that does not exist.
    let d = derive_enterprise(
        &enterprise("9999"),
        &[year(2024, Some(5), Some(1.0), None)],
        &[],
    );
    assert_eq!(d[0].size_class, None);
    assert_eq!(d[0].size_explanation.to_value()["outcome"], "invalid");
    assert_eq!(d[0].size_edition, size_edition_id());
}

#[test]
fn every_tier_runs_under_every_edition() {
    let d = derive_enterprise(
        &enterprise("6511"),
        &[year(2024, Some(50), Some(800.0), None)],
        &[],
    );
    let editions: Vec<&str> = d[0].tiers.iter().map(|t| t.edition.as_ref()).collect();
    assert_eq!(editions, tier_edition_ids());
    assert_eq!(
        editions,
        [
            "tier-2022-innovative",
            "tier-2022-specialized",
            "tier-2022-little-giant",
            "tier-2026-innovative",
            "tier-2026-specialized",
            "tier-2026-little-giant"
        ]
    );
}

fn verdict<'a>(tiers: &'a [TierDerived], edition: &str) -> &'a TierDerived {
    tiers
        .iter()
        .find(|t| t.edition == edition)
        .unwrap_or_else(|| panic!("no verdict for {edition}"))
}

#[test]
fn a_large_enterprise_fails_every_tier_on_the_sme_condition() {
    let d = derive_enterprise(
        &enterprise("6511"),
        &[year(2024, Some(2000), Some(90000.0), None)],
        &[],
    );
    assert_eq!(d[0].size_class.as_deref(), Some("large"));
    for t in &d[0].tiers {
        assert_eq!(t.outcome, "not-eligible", "{}", t.edition);
        let failed = t.explanation.to_value()["failed"].clone();
        assert!(
            failed
                .as_array()
                .is_some_and(|f| f.iter().any(|c| c == "is_sme")),
            "{}: {failed}",
            t.edition
        );
    }
}

#[test]
fn earlier_years_feed_growth_and_two_year_conditions() {
    let e = enterprise("6511");
    let mut y2024 = year(2024, Some(80), Some(3600.0), None);
    y2024.main_business_revenue = Some(3240.0);
    y2024.rd_spend = Some(216.0);
    // Alone, last year's main revenue is missing for the 2022 innovative growth indicator.
    let alone = derive_enterprise(&e, std::slice::from_ref(&y2024), &[]);
    let missing = verdict(&alone[0].tiers, "tier-2022-innovative")
        .explanation
        .to_value()["missing"]
        .clone();
    assert!(
        missing
            .as_array()
            .is_some_and(|m| m.iter().any(|f| f == "main_revenue_prev")),
        "{missing}"
    );
    // With 2023 on file it is read from there, and 2026 专精特新 sees both years of R&D.
    let mut y2023 = year(2023, Some(75), Some(3000.0), None);
    y2023.main_business_revenue = Some(2700.0);
    y2023.rd_spend = Some(60.0);
    let both = derive_enterprise(&e, &[y2023, y2024], &[]);
    assert_eq!(both.len(), 2);
    let latest = &both[1];
    assert_eq!(latest.year, 2024);
    let missing = verdict(&latest.tiers, "tier-2022-innovative")
        .explanation
        .to_value()["missing"]
        .clone();
    assert!(
        !missing
            .as_array()
            .is_some_and(|m| m.iter().any(|f| f == "main_revenue_prev")),
        "{missing}"
    );
    let specialized = verdict(&latest.tiers, "tier-2026-specialized");
    assert_eq!(specialized.outcome, "not-eligible");
    let failed = specialized.explanation.to_value()["failed"].clone();
    assert!(
        failed
            .as_array()
            .is_some_and(|f| f.iter().any(|c| c == "rd_spend_prev≥100")),
        "2023 R&D of 60 万元 misses the 100 万元 floor: {failed}"
    );
}

#[test]
fn titles_held_reach_the_rules_with_their_expiry() {
    let e = enterprise("6511");
    let figures = [year(2024, Some(60), Some(2000.0), None)];
    let tier1 = |expires: NaiveDate| Title {
        uscc: e.uscc.clone(),
        tier: Tier::Innovative,
        issued: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
        expires,
        edition: "2022".to_owned(),
    };
    let titles_missing = |titles: &[Title]| {
        let d = derive_enterprise(&e, &figures, titles);
        let v = verdict(&d[0].tiers, "tier-2026-specialized")
            .explanation
            .to_value();
        v["missing"]
            .as_array()
            .is_some_and(|m| m.iter().any(|f| f == "titles"))
    };
    // No titles on file: unknown.
    assert!(titles_missing(&[]));
    // Valid on 2025-01-01 (the assessment of 2024's figures): answered.
    let valid = tier1(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default());
    assert!(!titles_missing(&[valid]));
}

#[test]
fn outcomes_only_match_the_explained_derivation() {
    // Classified, missing metrics, not covered, unknown industry, negative staff: every
    // outcome the store keeps must be what the explained derivation says.
    let cases = [
        ("3311", year(2024, Some(500), Some(1500.0), None)),
        ("3311", year(2024, Some(19), Some(299.0), None)),
        ("4710", year(2024, None, Some(6000.0), None)),
        ("6621", year(2024, Some(50), Some(100.0), None)),
        ("9999", year(2024, Some(50), Some(100.0), None)),
        ("6511", year(2024, Some(-1), Some(100.0), None)),
    ];
    for (industry, figures) in cases {
        let e = enterprise(industry);
        let years = [year(2023, Some(40), Some(900.0), None), figures];
        let explained = derive_enterprise(&e, &years, &[]);
        let outcomes = derive_outcomes(&e, &years, &[]);
        assert_eq!(explained.len(), outcomes.len());
        for (x, o) in explained.iter().zip(&outcomes) {
            assert_eq!(
                (x.year, &x.size_class, &x.size_edition),
                (o.year, &o.size_class, &o.size_edition)
            );
            assert_eq!(o.size_explanation.as_json(), "null");
            assert_ne!(x.size_explanation.as_json(), "null", "{industry}");
            let key = |t: &TierDerived| (t.tier, t.edition.clone(), t.outcome.clone());
            let xs: Vec<_> = x.tiers.iter().map(key).collect();
            let os: Vec<_> = o.tiers.iter().map(key).collect();
            assert_eq!(xs, os, "{industry}");
            assert!(o.tiers.iter().all(|t| t.explanation.as_json() == "null"));
        }
    }
}
