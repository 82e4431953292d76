//! Indicator tables straight from the standards (standards.md §2.1, §2.2): every band edge,
//! just below it, with the band-edge flag on (edge takes the higher band) and off.

mod common;

use common::{eval, indicator, points, rules, rules_edge_lower};
use shangyun_tier::{Edition, EnterpriseProfile, Points, ProductField, RdInstitutionLevel, Tier};

/// Rows of (value, points with the flag on, points with the flag off).
type Rows<'a> = &'a [(f64, f64, f64)];

fn check(
    edition: Edition,
    tier: Tier,
    id: &str,
    set: impl Fn(f64) -> EnterpriseProfile,
    rows: Rows<'_>,
) {
    let on = rules(edition, tier);
    let off = rules_edge_lower(edition, tier);
    for &(value, want_on, want_off) in rows {
        let p = set(value);
        assert_eq!(
            points(on, &p, id),
            want_on,
            "{edition} {tier} {id} = {value}, edge → higher band"
        );
        assert_eq!(
            points(&off, &p, id),
            want_off,
            "{edition} {tier} {id} = {value}, edge → lower band"
        );
    }
}

fn rd_ratio(v: f64) -> EnterpriseProfile {
    EnterpriseProfile {
        revenue: Some(10_000.0),
        rd_spend: Some(v * 100.0),
        ..Default::default()
    }
}

fn main_growth(v: f64) -> EnterpriseProfile {
    EnterpriseProfile {
        main_revenue_prev: Some(10_000.0),
        main_revenue: Some(10_000.0 * (1.0 + v / 100.0)),
        ..Default::default()
    }
}

fn debt(v: f64) -> EnterpriseProfile {
    EnterpriseProfile {
        debt_ratio_pct: Some(v),
        ..Default::default()
    }
}

fn main_share(v: f64) -> EnterpriseProfile {
    EnterpriseProfile {
        revenue: Some(10_000.0),
        main_revenue: Some(v * 100.0),
        ..Default::default()
    }
}

// --- §2.1 创新型中小企业 (2022, and the same rules under the 2026 id) --------------------------

const INNOVATIVE: [Edition; 2] = [Edition::Y2022, Edition::Y2026];

#[test]
fn innovative_rd_ratio() {
    // ≥5% → 20; 3–5% → 15; 2–3% → 10; 1–2% → 5; <1% → 0
    let rows = [
        (12.0, 20.0, 20.0),
        (5.0, 20.0, 15.0),
        (4.999, 15.0, 15.0),
        (3.0, 15.0, 10.0),
        (2.999, 10.0, 10.0),
        (2.0, 10.0, 5.0),
        (1.999, 5.0, 5.0),
        (1.0, 5.0, 0.0),
        (0.999, 0.0, 0.0),
        (0.0, 0.0, 0.0),
    ];
    for e in INNOVATIVE {
        check(e, Tier::Innovative, "rd_ratio", rd_ratio, &rows);
    }
}

#[test]
fn innovative_main_growth() {
    // ≥15% → 20; 10–15% → 15; 5–10% → 10; 0–5% → 5; <0 → 0
    let rows = [
        (40.0, 20.0, 20.0),
        (15.0, 20.0, 15.0),
        (14.99, 15.0, 15.0),
        (10.0, 15.0, 10.0),
        (9.99, 10.0, 10.0),
        (5.0, 10.0, 5.0),
        (4.99, 5.0, 5.0),
        (0.0, 5.0, 0.0),
        (-0.01, 0.0, 0.0),
        (-20.0, 0.0, 0.0),
    ];
    for e in INNOVATIVE {
        check(e, Tier::Innovative, "main_growth", main_growth, &rows);
    }
}

#[test]
fn innovative_debt_ratio() {
    // ≤55% → 10; 55–75% → 5; >75% → 0
    let rows = [
        (0.0, 10.0, 10.0),
        (54.99, 10.0, 10.0),
        (55.0, 10.0, 5.0),
        (55.01, 5.0, 5.0),
        (75.0, 5.0, 0.0),
        (75.01, 0.0, 0.0),
        (120.0, 0.0, 0.0),
    ];
    for e in INNOVATIVE {
        check(e, Tier::Innovative, "debt_ratio", debt, &rows);
    }
}

#[test]
fn innovative_main_share() {
    // ≥70% → 20; 60–70% → 15; 55–60% → 10; 50–55% → 5; <50% → 0
    let rows = [
        (100.0, 20.0, 20.0),
        (70.0, 20.0, 15.0),
        (69.99, 15.0, 15.0),
        (60.0, 15.0, 10.0),
        (59.99, 10.0, 10.0),
        (55.0, 10.0, 5.0),
        (54.99, 5.0, 5.0),
        (50.0, 5.0, 0.0),
        (49.99, 0.0, 0.0),
    ];
    for e in INNOVATIVE {
        check(e, Tier::Innovative, "main_share", main_share, &rows);
    }
}

#[test]
fn innovative_ip_ladder_takes_the_first_step_that_holds() {
    // high-value Ⅰ类 → 20; self-developed Ⅰ类 → 15; Ⅰ类 → 10; Ⅱ类 → 5; none → 0
    let ip = |hv, sd, c1, moved, c2| EnterpriseProfile {
        ip_high_value_class1: Some(hv),
        ip_self_developed_class1: Some(sd),
        ip_class1: Some(c1),
        ip_class1_transferred_recent: Some(moved),
        ip_class2: Some(c2),
        ..Default::default()
    };
    let r = rules(Edition::Y2022, Tier::Innovative);
    assert_eq!(points(r, &ip(1, 1, 2, 0, 3), "ip_main_product"), 20.0);
    assert_eq!(points(r, &ip(0, 1, 1, 0, 3), "ip_main_product"), 15.0);
    assert_eq!(points(r, &ip(0, 0, 2, 1, 3), "ip_main_product"), 10.0);
    // Ⅰ类 transferred in within a year does not count.
    assert_eq!(points(r, &ip(0, 0, 1, 1, 3), "ip_main_product"), 5.0);
    assert_eq!(points(r, &ip(0, 0, 0, 0, 0), "ip_main_product"), 0.0);
    let v = eval(r, &ip(0, 1, 1, 0, 0));
    let line = indicator(&v, "ip_main_product");
    assert_eq!(
        (line.measure, line.value),
        (Some("ip_self_developed_class1"), Some(1.0))
    );
}

#[test]
fn innovative_strategic_emerging_yes_no_missing() {
    let r = rules(Edition::Y2022, Tier::Innovative);
    let flag = |b: Option<bool>| EnterpriseProfile {
        strategic_emerging_product: b,
        ..Default::default()
    };
    assert_eq!(points(r, &flag(Some(true)), "strategic_emerging"), 10.0);
    assert_eq!(points(r, &flag(Some(false)), "strategic_emerging"), 5.0);
    let v = eval(r, &flag(None));
    assert_eq!(
        indicator(&v, "strategic_emerging").points,
        Points::Range {
            min: 5.0,
            max: 10.0
        }
    );
}

// --- §2.2 专精特新中小企业 (2022) --------------------------------------------------------------

fn specialized(id: &str, set: impl Fn(f64) -> EnterpriseProfile, rows: Rows<'_>) {
    check(Edition::Y2022, Tier::Specialized, id, set, rows);
}

#[test]
fn specialized_main_share() {
    // ≥80% → 5; 70–80% → 3; 60–70% → 1; <60% → 0
    specialized(
        "main_share",
        main_share,
        &[
            (80.0, 5.0, 3.0),
            (79.99, 3.0, 3.0),
            (70.0, 3.0, 1.0),
            (69.99, 1.0, 1.0),
            (60.0, 1.0, 0.0),
            (59.99, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_main_growth_avg2() {
    // ≥10% → 10; 8–10 → 8; 6–8 → 6; 4–6 → 4; 0–4 → 2; <0 → 0.
    // The year before grew 0 %, so last year's growth is twice the average.
    let avg = |v: f64| EnterpriseProfile {
        main_revenue_prev2: Some(10_000.0),
        main_revenue_prev: Some(10_000.0),
        main_revenue: Some(10_000.0 * (1.0 + 2.0 * v / 100.0)),
        ..Default::default()
    };
    specialized(
        "main_growth_avg2",
        avg,
        &[
            (10.0, 10.0, 8.0),
            (9.99, 8.0, 8.0),
            (8.0, 8.0, 6.0),
            (7.99, 6.0, 6.0),
            (6.0, 6.0, 4.0),
            (5.99, 4.0, 4.0),
            (4.0, 4.0, 2.0),
            (3.99, 2.0, 2.0),
            (0.0, 2.0, 0.0),
            (-0.01, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_niche_years_is_floor_half_capped_whatever_the_flag() {
    // min(floor(years / 2), 5): the floor puts every edge in the higher band either way.
    let years = |v: f64| EnterpriseProfile {
        niche_years: Some(v),
        ..Default::default()
    };
    specialized(
        "niche_years",
        years,
        &[
            (0.0, 0.0, 0.0),
            (1.99, 0.0, 0.0),
            (2.0, 1.0, 1.0),
            (3.99, 1.0, 1.0),
            (4.0, 2.0, 2.0),
            (5.5, 2.0, 2.0),
            (6.0, 3.0, 3.0),
            (7.9, 3.0, 3.0),
            (8.0, 4.0, 4.0),
            (9.99, 4.0, 4.0),
            (10.0, 5.0, 5.0),
            (30.0, 5.0, 5.0),
        ],
    );
}

#[test]
fn specialized_digital_level() {
    // level 3 or 4 → 5; level 2 → 3; level 1 → 0
    let level = |v: f64| EnterpriseProfile {
        digital_level: Some(v as u8),
        ..Default::default()
    };
    specialized(
        "digital_level",
        level,
        &[
            (4.0, 5.0, 5.0),
            (3.0, 5.0, 5.0),
            (2.0, 3.0, 3.0),
            (1.0, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_net_margin() {
    // ≥10% → 10; 8–10 → 8; 6–8 → 6; 4–6 → 4; 2–4 → 2; <2 → 0
    let margin = |v: f64| EnterpriseProfile {
        revenue: Some(10_000.0),
        net_profit: Some(v * 100.0),
        ..Default::default()
    };
    specialized(
        "net_margin",
        margin,
        &[
            (10.0, 10.0, 8.0),
            (9.99, 8.0, 8.0),
            (8.0, 8.0, 6.0),
            (7.99, 6.0, 6.0),
            (6.0, 6.0, 4.0),
            (5.99, 4.0, 4.0),
            (4.0, 4.0, 2.0),
            (3.99, 2.0, 2.0),
            (2.0, 2.0, 0.0),
            (1.99, 0.0, 0.0),
            (-5.0, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_debt_ratio() {
    // ≤50% → 5; 50–60 → 3; 60–70 → 1; >70 → 0
    specialized(
        "debt_ratio",
        debt,
        &[
            (49.99, 5.0, 5.0),
            (50.0, 5.0, 3.0),
            (50.01, 3.0, 3.0),
            (60.0, 3.0, 1.0),
            (60.01, 1.0, 1.0),
            (70.0, 1.0, 0.0),
            (70.01, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_rd_staff_share() {
    // ≥20% → 5; 10–20 → 3; 5–10 → 1; <5 → 0 (of 1000 staff)
    let share = |v: f64| EnterpriseProfile {
        total_staff: Some(1000),
        rd_staff: Some((v * 10.0).round() as u32),
        ..Default::default()
    };
    specialized(
        "rd_staff_share",
        share,
        &[
            (20.0, 5.0, 3.0),
            (19.9, 3.0, 3.0),
            (10.0, 3.0, 1.0),
            (9.9, 1.0, 1.0),
            (5.0, 1.0, 0.0),
            (4.9, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_rd_spend_amount_part() {
    // ≥500万 → 10; 400–500 → 8; 300–400 → 6; 200–300 → 4; 100–200 → 2; else 0
    // (revenue 10亿, so the share part stays at 0)
    let amount = |v: f64| EnterpriseProfile {
        revenue: Some(100_000.0),
        rd_spend: Some(v),
        ..Default::default()
    };
    specialized(
        "rd_spend",
        amount,
        &[
            (500.0, 10.0, 8.0),
            (499.99, 8.0, 8.0),
            (400.0, 8.0, 6.0),
            (399.99, 6.0, 6.0),
            (300.0, 6.0, 4.0),
            (200.0, 4.0, 2.0),
            (100.0, 2.0, 0.0),
            (99.99, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_rd_spend_share_part() {
    // ≥10% → 10; 8–10% → 8; 6–8% → 6; 4–6% → 4; 3–4% → 2; else 0
    // (revenue 500万, so the amount part stays at 0)
    let share = |v: f64| EnterpriseProfile {
        revenue: Some(500.0),
        rd_spend: Some(v * 5.0),
        ..Default::default()
    };
    specialized(
        "rd_spend",
        share,
        &[
            (10.0, 10.0, 8.0),
            (9.99, 8.0, 8.0),
            (8.0, 8.0, 6.0),
            (6.0, 6.0, 4.0),
            (4.0, 4.0, 2.0),
            (3.0, 2.0, 0.0),
            (2.99, 0.0, 0.0),
        ],
    );
}

#[test]
fn specialized_rd_spend_takes_the_better_of_amount_and_share() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    // 350万 (6) at 8.75 % (8) → 8, decided by the share
    let p = EnterpriseProfile {
        revenue: Some(4000.0),
        rd_spend: Some(350.0),
        ..Default::default()
    };
    let v = eval(r, &p);
    let line = indicator(&v, "rd_spend");
    assert_eq!(line.points, Points::Exact(8.0));
    assert_eq!(
        (line.measure, line.value),
        (Some("rd_ratio_pct"), Some(8.75))
    );
    // Amount known at full marks: the missing revenue cannot matter.
    let p = EnterpriseProfile {
        rd_spend: Some(600.0),
        ..Default::default()
    };
    assert_eq!(points(r, &p, "rd_spend"), 10.0);
    // Amount 250万 (4), share unknown: anywhere from 4 to 10.
    let p = EnterpriseProfile {
        rd_spend: Some(250.0),
        ..Default::default()
    };
    let v = eval(r, &p);
    assert_eq!(
        indicator(&v, "rd_spend").points,
        Points::Range {
            min: 4.0,
            max: 10.0
        }
    );
}

#[test]
fn specialized_ip_ladder() {
    // high-value Ⅰ类 → 10; self-developed Ⅰ类 → 8; Ⅰ类 → 6; Ⅱ类 → 2; none → 0
    let r = rules(Edition::Y2022, Tier::Specialized);
    let ip = |hv, sd, c1, c2| EnterpriseProfile {
        ip_high_value_class1: Some(hv),
        ip_self_developed_class1: Some(sd),
        ip_class1: Some(c1),
        ip_class1_transferred_recent: Some(0),
        ip_class2: Some(c2),
        ..Default::default()
    };
    for (profile, want) in [
        (ip(2, 0, 2, 0), 10.0),
        (ip(0, 1, 1, 0), 8.0),
        (ip(0, 0, 1, 0), 6.0),
        (ip(0, 0, 0, 1), 2.0),
        (ip(0, 0, 0, 0), 0.0),
    ] {
        assert_eq!(points(r, &profile, "ip_main_product"), want);
    }
    // Unknown high-value count with a self-developed one held: 8 or 10.
    let p = EnterpriseProfile {
        ip_self_developed_class1: Some(1),
        ..Default::default()
    };
    let v = eval(r, &p);
    assert_eq!(
        indicator(&v, "ip_main_product").points,
        Points::Range {
            min: 8.0,
            max: 10.0
        }
    );
}

#[test]
fn specialized_rd_institution_levels() {
    // national → 10; provincial → 8; city → 4; below city → 2; none → 0
    let r = rules(Edition::Y2022, Tier::Specialized);
    let off = rules_edge_lower(Edition::Y2022, Tier::Specialized);
    for (level, want) in [
        (RdInstitutionLevel::National, 10.0),
        (RdInstitutionLevel::Provincial, 8.0),
        (RdInstitutionLevel::City, 4.0),
        (RdInstitutionLevel::BelowCity, 2.0),
        (RdInstitutionLevel::None, 0.0),
    ] {
        let p = EnterpriseProfile {
            rd_institution_level: Some(level),
            ..Default::default()
        };
        assert_eq!(points(r, &p, "rd_institution"), want, "{level:?}");
        assert_eq!(
            points(&off, &p, "rd_institution"),
            want,
            "{level:?}, flag off"
        );
    }
    let p = EnterpriseProfile {
        rd_institution_level: Some(RdInstitutionLevel::Provincial),
        ..Default::default()
    };
    assert_eq!(
        indicator(&eval(r, &p), "rd_institution").band,
        Some("[provincial, national)")
    );
}

#[test]
fn specialized_quality_counts_three_per_item_capped_at_five() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    let q = |a, b, c, d| EnterpriseProfile {
        quality_award: a,
        quality_certification: b,
        own_brand: c,
        standard_participation: d,
        ..Default::default()
    };
    let (t, f) = (Some(true), Some(false));
    assert_eq!(points(r, &q(f, f, f, f), "quality"), 0.0);
    assert_eq!(points(r, &q(f, t, f, f), "quality"), 3.0);
    assert_eq!(points(r, &q(f, t, t, f), "quality"), 5.0);
    assert_eq!(points(r, &q(t, t, t, t), "quality"), 5.0);
    // Two held: the unknown ones cannot add anything.
    assert_eq!(points(r, &q(t, t, None, None), "quality"), 5.0);
    let v = eval(r, &q(t, f, None, f));
    assert_eq!(
        indicator(&v, "quality").points,
        Points::Range { min: 3.0, max: 5.0 }
    );
}

#[test]
fn specialized_product_field() {
    // chain gap with results → 5; 六基 / 中华老字号 / chain-leader supplier → 3; other → 0
    let r = rules(Edition::Y2022, Tier::Specialized);
    let f = |fields: Vec<ProductField>| EnterpriseProfile {
        main_product_fields: Some(fields),
        ..Default::default()
    };
    assert_eq!(
        points(
            r,
            &f(vec![ProductField::KeyChainGap, ProductField::SixBasics]),
            "product_field"
        ),
        5.0
    );
    assert_eq!(
        points(r, &f(vec![ProductField::SixBasics]), "product_field"),
        3.0
    );
    assert_eq!(
        points(r, &f(vec![ProductField::TimeHonoredBrand]), "product_field"),
        3.0
    );
    assert_eq!(
        points(
            r,
            &f(vec![ProductField::ChainLeaderSupplier]),
            "product_field"
        ),
        3.0
    );
    assert_eq!(
        points(r, &f(vec![ProductField::KeyChainLink]), "product_field"),
        0.0
    );
    assert_eq!(points(r, &f(vec![]), "product_field"), 0.0);
}

#[test]
fn band_labels_follow_the_edge_rule() {
    let on = rules(Edition::Y2022, Tier::Innovative);
    let off = rules_edge_lower(Edition::Y2022, Tier::Innovative);
    let p = rd_ratio(3.0);
    assert_eq!(indicator(&eval(on, &p), "rd_ratio").band, Some("[3, 5)"));
    assert_eq!(indicator(&eval(&off, &p), "rd_ratio").band, Some("(2, 3]"));
    assert_eq!(
        indicator(&eval(on, &rd_ratio(0.5)), "rd_ratio").band,
        Some("< 1")
    );
    assert_eq!(
        indicator(&eval(&off, &rd_ratio(1.0)), "rd_ratio").band,
        Some("≤ 1")
    );
}
