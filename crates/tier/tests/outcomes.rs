//! Whole verdicts: pass marks and dimension minima, direct routes, waivers, missing data, the
//! provincial part, and how the 2026 edition differs from 2022.

mod common;

use common::{common, eval, example, failed, indicator, rules, rules_edge_lower, total};
use shangyun_tier::{
    Award, AwardKind, Edition, EnterpriseProfile, EvaluateError, LocalPart, LocalRules, Outcome,
    Points, ProductField, RdInstitutionLevel, Role, Status, Tier, TitleHeld, TitleKind, Truth,
};

fn title(kind: TitleKind, expires: &str) -> TitleHeld {
    TitleHeld {
        title: kind,
        edition: Some("2022".into()),
        expires_on: expires.parse().ok(),
    }
}

fn award(kind: AwardKind, rank: u32) -> Award {
    Award {
        kind,
        rank: Some(rank),
    }
}

fn not_enough(missing: &[&'static str]) -> Outcome {
    Outcome::NotEnoughData {
        missing: missing.to_vec(),
    }
}

fn status(v: &shangyun_tier::TierVerdict<'_>, id: &str) -> Status {
    v.conditions
        .iter()
        .find(|c| c.info.id == id)
        .map(|c| c.status)
        .unwrap_or_else(|| panic!("no condition {id}"))
}

// --- 2022 创新型 ----------------------------------------------------------------------------

/// Every scored value sits exactly on a band edge; with the edge rule on the total is exactly
/// 60 (创新能力 20, 成长性 15, 专业化 25), and no direct condition holds.
fn innovative_on_edges() -> EnterpriseProfile {
    EnterpriseProfile {
        revenue: Some(10_500.0),
        main_revenue: Some(6300.0), // 60 % share → 15 (10 with the flag off)
        main_revenue_prev: Some(6000.0), // +5 % → 10 (5)
        rd_spend: Some(210.0),      // 2 % → 10 (5)
        ip_high_value_class1: Some(0),
        ip_self_developed_class1: Some(0),
        ip_class1: Some(1),
        ip_class1_transferred_recent: Some(0), // Ⅰ类 → 10
        ip_class2: Some(0),
        debt_ratio_pct: Some(75.0),             // → 5 (0)
        strategic_emerging_product: Some(true), // → 10
        titles: Some(vec![]),
        awards: Some(vec![]),
        rd_institution_level: Some(RdInstitutionLevel::None),
        equity_raised_3y: Some(0.0),
        ..common()
    }
}

#[test]
fn innovative_example_is_eligible_with_85_points() {
    let r = rules(Edition::Y2022, Tier::Innovative);
    let v = eval(r, &example("innovative-eligible"));
    assert_eq!(v.outcome, Outcome::Eligible);
    assert_eq!(total(&v), 85.0);
    let dims: Vec<_> = v.score.as_ref().map_or(vec![], |s| {
        s.dimensions
            .iter()
            .map(|d| (d.info.id.as_str(), d.points))
            .collect()
    });
    assert_eq!(
        dims,
        [
            ("innovation", Points::Exact(30.0)),
            ("growth", Points::Exact(25.0)),
            ("specialization", Points::Exact(30.0))
        ]
    );
    assert!(v.failed.is_empty());
    assert_eq!(v.direct_route, None);
    assert_eq!(v.local, LocalPart::NotApplicable);
}

#[test]
fn innovative_total_exactly_60_passes_only_with_the_edge_rule_on() {
    let p = innovative_on_edges();
    let on = eval(rules(Edition::Y2022, Tier::Innovative), &p);
    assert_eq!(total(&on), 60.0);
    assert_eq!(on.outcome, Outcome::Eligible);

    let off_rules = rules_edge_lower(Edition::Y2022, Tier::Innovative);
    let off = eval(&off_rules, &p);
    assert_eq!(total(&off), 40.0);
    assert_eq!(off.outcome, Outcome::NotEligible);
    assert_eq!(
        failed(&off),
        ["score:total", "score:innovation", "score:growth"]
    );
    let f = &off.failed[0];
    assert_eq!((f.value, f.threshold), (Some(40.0), 60.0));
}

#[test]
fn innovative_dimension_minimum_fails_a_passing_total() {
    // 创新能力 15 (< 20) while the total is 75.
    let p = EnterpriseProfile {
        ip_class1: Some(0),
        ip_class2: Some(0),
        rd_spend: Some(315.0), // 3 % → 15
        main_revenue: Some(7500.0),
        main_revenue_prev: Some(6000.0), // +25 % → 20, share 71.4 % → 20
        debt_ratio_pct: Some(40.0),      // → 10
        ..innovative_on_edges()
    };
    let v = eval(rules(Edition::Y2022, Tier::Innovative), &p);
    assert_eq!(total(&v), 75.0);
    assert_eq!(v.outcome, Outcome::NotEligible);
    assert_eq!(failed(&v), ["score:innovation"]);
    assert_eq!(v.failed[0].value, Some(15.0));
    assert_eq!(v.score.as_ref().map(|s| s.passed), Some(Truth::False));
}

#[test]
fn innovative_direct_routes_replace_the_score() {
    let r = rules(Edition::Y2022, Tier::Innovative);
    let weak = EnterpriseProfile {
        debt_ratio_pct: Some(90.0),
        ..innovative_on_edges()
    };
    assert_eq!(eval(r, &weak).outcome, Outcome::NotEligible);

    let cases: [(EnterpriseProfile, Option<&str>); 8] = [
        (
            EnterpriseProfile {
                awards: Some(vec![Award {
                    kind: AwardKind::ProvincialSt,
                    rank: None,
                }]),
                ..weak.clone()
            },
            Some("st_award"),
        ),
        (
            EnterpriseProfile {
                awards: Some(vec![award(AwardKind::MakerChinaNational, 1)]),
                ..weak.clone()
            },
            None,
        ),
        (
            EnterpriseProfile {
                as_of: "2025-01-01".parse().ok(),
                titles: Some(vec![title(TitleKind::HighTechEnterprise, "2025-01-01")]),
                ..weak.clone()
            },
            Some("innovation_title"),
        ),
        (
            EnterpriseProfile {
                as_of: "2025-01-02".parse().ok(),
                titles: Some(vec![title(TitleKind::HighTechEnterprise, "2025-01-01")]),
                ..weak.clone()
            },
            None,
        ),
        (
            EnterpriseProfile {
                rd_institution_level: Some(RdInstitutionLevel::Provincial),
                ..weak.clone()
            },
            Some("rd_institution"),
        ),
        (
            EnterpriseProfile {
                rd_institution_level: Some(RdInstitutionLevel::City),
                ..weak.clone()
            },
            None,
        ),
        (
            EnterpriseProfile {
                equity_raised_3y: Some(500.0),
                ..weak.clone()
            },
            Some("equity_3y"),
        ),
        (
            EnterpriseProfile {
                equity_raised_3y: Some(499.99),
                ..weak.clone()
            },
            None,
        ),
    ];
    for (i, (p, route)) in cases.iter().enumerate() {
        let v = eval(r, p);
        assert_eq!(v.direct_route, *route, "case {i}");
        let want = if route.is_some() {
            Outcome::Eligible
        } else {
            Outcome::NotEligible
        };
        assert_eq!(v.outcome, want, "case {i}");
    }
}

#[test]
fn innovative_common_condition_fails_every_route() {
    let p = EnterpriseProfile {
        is_sme: Some(false),
        equity_raised_3y: Some(1000.0),
        ..example("innovative-eligible")
    };
    let v = eval(rules(Edition::Y2022, Tier::Innovative), &p);
    assert_eq!(v.outcome, Outcome::NotEligible);
    assert_eq!(failed(&v), ["is_sme:is_sme"]);
    assert_eq!(v.direct_route, Some("equity_3y"));
}

#[test]
fn missing_data_that_cannot_change_the_outcome_is_not_reported() {
    let r = rules(Edition::Y2022, Tier::Innovative);
    // 85 points with debt 60 % (5); without the debt ratio 80–90, and 成长性 at least 20.
    let p = EnterpriseProfile {
        debt_ratio_pct: None,
        ..example("innovative-eligible")
    };
    let v = eval(r, &p);
    assert_eq!(v.outcome, Outcome::Eligible);
    assert_eq!(
        indicator(&v, "debt_ratio").points,
        Points::Range {
            min: 0.0,
            max: 10.0
        }
    );
    assert_eq!(
        v.score.as_ref().map(|s| s.total),
        Some(Points::Range {
            min: 80.0,
            max: 90.0
        })
    );

    // A failed common condition decides, whatever is missing.
    let p = EnterpriseProfile {
        no_major_incidents: Some(false),
        ..EnterpriseProfile::default()
    };
    assert_eq!(eval(r, &p).outcome, Outcome::NotEligible);

    // A direct condition that holds makes the missing score irrelevant.
    let p = EnterpriseProfile {
        equity_raised_3y: Some(800.0),
        ..common()
    };
    let v = eval(r, &p);
    assert_eq!(v.outcome, Outcome::Eligible);
    assert_eq!(v.score.as_ref().map(|s| s.passed), Some(Truth::Unknown));
}

#[test]
fn missing_data_that_could_change_the_outcome_is_named() {
    let r = rules(Edition::Y2022, Tier::Innovative);
    let p = EnterpriseProfile {
        is_sme: None,
        ..example("innovative-eligible")
    };
    assert_eq!(eval(r, &p).outcome, not_enough(&["is_sme"]));

    // On the pass mark, the debt ratio decides between 50 and 60 points.
    let p = EnterpriseProfile {
        debt_ratio_pct: None,
        ..innovative_on_edges()
    };
    assert_eq!(eval(r, &p).outcome, not_enough(&["debt_ratio_pct"]));

    // A title with an expiry needs the assessment date.
    let p = EnterpriseProfile {
        debt_ratio_pct: Some(90.0),
        titles: Some(vec![title(TitleKind::TechInnovationDemo, "2026-01-01")]),
        ..innovative_on_edges()
    };
    assert_eq!(eval(r, &p).outcome, not_enough(&["as_of"]));

    // An empty profile names every input the edition reads.
    let v = eval(r, &EnterpriseProfile::default());
    let Outcome::NotEnoughData { missing } = &v.outcome else {
        panic!("{:?}", v.outcome)
    };
    for field in [
        "is_sme",
        "revenue",
        "rd_spend",
        "main_revenue_prev",
        "titles",
        "awards",
        "equity_raised_3y",
    ] {
        assert!(missing.contains(&field), "{field} not in {missing:?}");
    }
    assert!(
        !missing.contains(&"net_profit"),
        "2022 创新型 does not read net profit"
    );
}

#[test]
fn invalid_profile_is_an_error_not_a_verdict() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    let p = EnterpriseProfile {
        digital_level: Some(5),
        ..example("specialized-eligible")
    };
    assert!(matches!(r.evaluate(&p), Err(EvaluateError::Profile(_))));
}

// --- 2022 专精特新 and its provincial part -------------------------------------------------------

fn local_example() -> LocalRules {
    LocalRules::from_toml(shangyun_tier::LOCAL_EXAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

/// The specialized example lowered to 51 points before the provincial part.
fn specialized_51() -> EnterpriseProfile {
    EnterpriseProfile {
        rd_institution_level: Some(RdInstitutionLevel::None), // −8
        net_profit: Some(0.0),                                // −8
        ..example("specialized-eligible")
    }
}

#[test]
fn specialized_example_passes_without_the_provincial_part() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    let v = eval(r, &example("specialized-eligible"));
    assert_eq!(v.outcome, Outcome::Eligible);
    assert_eq!(
        v.score.as_ref().map(|s| s.total),
        Some(Points::Range {
            min: 67.0,
            max: 82.0
        })
    );
    assert_eq!(
        v.local,
        LocalPart::NotEvaluated {
            max_points: 15.0,
            outcome_depends_on_it: false
        }
    );

    let local = local_example();
    let v = r
        .evaluate_with_local(&example("specialized-eligible"), Some(&local))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(total(&v), 78.0); // 67 + niche share 6 % (3) + chain member (5) + exports 12 % (3)
    let local_lines: Vec<_> = v.score.as_ref().map_or(vec![], |s| {
        s.indicators
            .iter()
            .filter(|i| i.local)
            .map(|i| (i.info.id.as_str(), i.points))
            .collect()
    });
    assert_eq!(
        local_lines,
        [
            ("niche_share", Points::Exact(3.0)),
            ("provincial_chain", Points::Exact(5.0)),
            ("export_share", Points::Exact(3.0))
        ]
    );
}

#[test]
fn specialized_outcome_can_hang_on_the_provincial_part() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    let v = eval(r, &specialized_51());
    assert_eq!(v.outcome, not_enough(&["local_rules"]));
    assert_eq!(
        v.local,
        LocalPart::NotEvaluated {
            max_points: 15.0,
            outcome_depends_on_it: true
        }
    );

    let local = local_example();
    let v = r
        .evaluate_with_local(&specialized_51(), Some(&local))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.outcome.clone(), total(&v)), (Outcome::Eligible, 62.0));

    let mut p = specialized_51();
    p.local_values = Some(
        [
            ("provincial_chain_member".to_owned(), 0.0),
            ("export_share_pct".to_owned(), 0.0),
        ]
        .into(),
    );
    let v = r
        .evaluate_with_local(&p, Some(&local))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.outcome.clone(), total(&v)), (Outcome::NotEligible, 54.0));
    assert_eq!(failed(&v), ["score:total"]);

    // Missing provincial values are missing data like any other.
    p.local_values = None;
    let v = r
        .evaluate_with_local(&p, Some(&local))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.outcome, not_enough(&["local_values"]));
}

#[test]
fn specialized_fails_regardless_of_the_provincial_part() {
    let p = EnterpriseProfile {
        digital_level: Some(1),
        ip_self_developed_class1: Some(0),
        ip_class1: Some(0),
        ip_class2: Some(0),
        ..specialized_51()
    };
    let v = eval(rules(Edition::Y2022, Tier::Specialized), &p);
    assert_eq!(v.outcome, Outcome::NotEligible);
    assert_eq!(
        v.score.as_ref().map(|s| s.total),
        Some(Points::Range {
            min: 38.0,
            max: 53.0
        })
    );
    assert_eq!(
        v.local,
        LocalPart::NotEvaluated {
            max_points: 15.0,
            outcome_depends_on_it: false
        }
    );
    assert_eq!(failed(&v), ["score:total"]);
    assert_eq!(v.failed[0].value, None, "a range is not one value");
}

#[test]
fn specialized_direct_routes() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    let weak = EnterpriseProfile {
        digital_level: Some(1),
        ip_self_developed_class1: Some(0),
        ip_class1: Some(0),
        ip_class2: Some(0),
        ..specialized_51()
    };
    let with_award = |a: Award| EnterpriseProfile {
        awards: Some(vec![a]),
        ..weak.clone()
    };
    let cases = [
        (
            with_award(award(AwardKind::ProvincialSt, 3)),
            Some("st_award"),
        ),
        (with_award(award(AwardKind::ProvincialSt, 4)), None),
        (
            with_award(award(AwardKind::NationalSt, 5)),
            Some("st_award"),
        ),
        (with_award(award(AwardKind::NationalSt, 6)), None),
        (
            with_award(award(AwardKind::MakerChinaNational, 500)),
            Some("maker_china_500"),
        ),
        (with_award(award(AwardKind::MakerChinaNational, 501)), None),
        (
            EnterpriseProfile {
                rd_spend: Some(1100.0),
                rd_spend_prev: Some(900.0),
                ..weak.clone()
            },
            Some("rd_avg_2y"),
        ),
        (
            EnterpriseProfile {
                rd_spend: Some(1100.0),
                rd_spend_prev: Some(899.98),
                ..weak.clone()
            },
            None,
        ),
        (
            EnterpriseProfile {
                equity_raised_2y: Some(6000.0),
                ..weak.clone()
            },
            Some("equity_2y"),
        ),
        (
            EnterpriseProfile {
                equity_raised_2y: Some(5999.99),
                ..weak.clone()
            },
            None,
        ),
    ];
    for (i, (p, route)) in cases.iter().enumerate() {
        let v = eval(r, p);
        assert_eq!(v.direct_route, *route, "case {i}");
        let want = if route.is_some() {
            Outcome::Eligible
        } else {
            Outcome::NotEligible
        };
        assert_eq!(v.outcome, want, "case {i}");
        let direct: Vec<_> = v
            .conditions
            .iter()
            .filter(|c| c.role == Role::Direct)
            .map(|c| c.info.id.as_str())
            .collect();
        assert_eq!(
            direct,
            ["st_award", "rd_avg_2y", "equity_2y", "maker_china_500"]
        );
    }
}

#[test]
fn specialized_basic_conditions_report_value_and_threshold() {
    let r = rules(Edition::Y2022, Tier::Specialized);
    let p = EnterpriseProfile {
        rd_spend: Some(99.99),
        ..example("specialized-eligible")
    };
    let v = eval(r, &p);
    assert_eq!(v.outcome, Outcome::NotEligible);
    assert_eq!(
        failed(&v),
        ["rd_spend_min:rd_spend≥100", "rd_ratio_min:rd_ratio_pct≥3"]
    );
    assert_eq!(
        (v.failed[0].value, v.failed[0].threshold),
        (Some(99.99), 100.0)
    );

    // Below 1000万 revenue, 2000万 equity in 2 years will do.
    let small = |equity| EnterpriseProfile {
        revenue: Some(999.99),
        main_revenue: Some(800.0),
        rd_spend: Some(100.0),
        net_profit: Some(100.0),
        equity_raised_2y: Some(equity),
        ..example("specialized-eligible")
    };
    assert_eq!(
        status(&eval(r, &small(2000.0)), "revenue_or_equity"),
        Status::Passed
    );
    let v = eval(r, &small(1999.99));
    assert_eq!(v.outcome, Outcome::NotEligible);
    assert_eq!(
        failed(&v),
        [
            "revenue_or_equity:revenue≥1000",
            "revenue_or_equity:equity_raised_2y≥2000"
        ]
    );
}

#[test]
fn local_rules_must_fit_edition_and_province() {
    let local = local_example();
    let r26 = rules(Edition::Y2026, Tier::Specialized);
    assert!(matches!(
        r26.evaluate_with_local(&example("specialized-eligible"), Some(&local)),
        Err(EvaluateError::LocalNotApplicable { .. })
    ));
    let zhejiang = LocalRules::from_toml(
        &shangyun_tier::LOCAL_EXAMPLE.replace("province = \"000000\"", "province = \"330000\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = rules(Edition::Y2022, Tier::Specialized);
    let mut p = example("specialized-eligible"); // registered in 330106
    assert!(r.evaluate_with_local(&p, Some(&zhejiang)).is_ok());
    p.province_code = Some("440305".into());
    assert!(matches!(
        r.evaluate_with_local(&p, Some(&zhejiang)),
        Err(EvaluateError::LocalProvinceMismatch { .. })
    ));
    let greedy = LocalRules::from_toml(
        &shangyun_tier::LOCAL_EXAMPLE
            .replace(
                "max = 5\nkind = \"bands\"\nmeasure = \"local",
                "max = 6\nkind = \"bands\"\nmeasure = \"local",
            )
            .replace("{ edge = 30, points = 5 }", "{ edge = 30, points = 6 }"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        r.evaluate_with_local(&example("specialized-eligible"), Some(&greedy)),
        Err(EvaluateError::LocalTooManyPoints {
            points: 16.0,
            max: 15.0
        })
    ));
    let bad_count = shangyun_tier::LOCAL_EXAMPLE
        .split("[[indicators]]")
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        LocalRules::from_toml(&bad_count).is_err(),
        "a file without indicators"
    );
}

// --- 2026 vs 2022 ------------------------------------------------------------------------------

#[test]
fn passes_2022_specialized_by_score_but_fails_2026_on_80_percent_main_business() {
    let p = example("specialized-eligible"); // main-business share 75 %
    let v22 = eval(rules(Edition::Y2022, Tier::Specialized), &p);
    assert_eq!(v22.outcome, Outcome::Eligible);
    let v26 = eval(rules(Edition::Y2026, Tier::Specialized), &p);
    assert_eq!(v26.outcome, Outcome::NotEligible);
    assert_eq!(failed(&v26), ["main_share_min:main_business_share_pct≥80"]);
    assert_eq!(v26.failed[0].value, Some(75.0));
    assert!(v26.score.is_none(), "2026 has no 100-point score");
    assert_eq!(v26.local, LocalPart::NotApplicable);

    let r26 = rules(Edition::Y2026, Tier::Specialized);
    let at_80 = EnterpriseProfile {
        main_revenue: Some(4800.0),
        ..p.clone()
    };
    assert_eq!(eval(r26, &at_80).outcome, Outcome::Eligible);
    let below = EnterpriseProfile {
        main_revenue: Some(4799.4),
        ..p
    };
    assert_eq!(eval(r26, &below).outcome, Outcome::NotEligible);
}

fn specialized_2026_ok() -> EnterpriseProfile {
    EnterpriseProfile {
        main_revenue: Some(5400.0),
        ..example("specialized-eligible")
    }
}

#[test]
fn specialized_2026_conditions() {
    let r = rules(Edition::Y2026, Tier::Specialized);
    assert_eq!(eval(r, &specialized_2026_ok()).outcome, Outcome::Eligible);

    // Ⅰ类 IP waived by a provincial R&D institution; not by a city one.
    let no_ip = EnterpriseProfile {
        ip_class1: Some(0),
        ..specialized_2026_ok()
    };
    let v = eval(r, &no_ip);
    assert_eq!(v.outcome, Outcome::Eligible);
    assert_eq!(status(&v, "ip_class1_min"), Status::Waived);
    assert!(v.conditions.iter().any(|c| c.waived_by.is_some()));
    let v = eval(
        r,
        &EnterpriseProfile {
            rd_institution_level: Some(RdInstitutionLevel::City),
            ..no_ip.clone()
        },
    );
    assert_eq!(failed(&v), ["ip_class1_min:ip_class1_effective≥1"]);
    let v = eval(
        r,
        &EnterpriseProfile {
            rd_institution_level: Some(RdInstitutionLevel::City),
            awards: Some(vec![award(AwardKind::ProvincialSt, 3)]),
            ..no_ip
        },
    );
    assert_eq!(v.outcome, Outcome::Eligible);

    // R&D in each of 2 years: the year before at 2.99 % fails.
    let v = eval(
        r,
        &EnterpriseProfile {
            rd_spend_prev: Some(155.48),
            ..specialized_2026_ok()
        },
    );
    assert_eq!(failed(&v), ["rd_two_years:rd_ratio_prev_pct≥3"]);

    // Development score: at a re-review either of the last 2 years.
    let low = EnterpriseProfile {
        development_score: Some(45.0),
        development_score_prev: Some(55.0),
        ..specialized_2026_ok()
    };
    assert_eq!(eval(r, &low).outcome, Outcome::NotEligible);
    assert_eq!(
        eval(
            r,
            &EnterpriseProfile {
                re_review: Some(true),
                ..low.clone()
            }
        )
        .outcome,
        Outcome::Eligible
    );
    assert_eq!(
        eval(
            r,
            &EnterpriseProfile {
                development_score: Some(50.0),
                ..low
            }
        )
        .outcome,
        Outcome::Eligible
    );

    // The tier-1 title must be valid on the assessment date.
    let late = EnterpriseProfile {
        as_of: "2027-01-01".parse().ok(),
        ..specialized_2026_ok()
    };
    assert_eq!(
        failed(&eval(r, &late)),
        ["holds_tier1:titles∋{tech_innovative_sme|innovative_sme}"]
    );

    // Debt 80 % passes, above fails.
    assert_eq!(
        eval(
            r,
            &EnterpriseProfile {
                debt_ratio_pct: Some(80.0),
                ..specialized_2026_ok()
            }
        )
        .outcome,
        Outcome::Eligible
    );
    assert_eq!(
        eval(
            r,
            &EnterpriseProfile {
                debt_ratio_pct: Some(80.01),
                ..specialized_2026_ok()
            }
        )
        .outcome,
        Outcome::NotEligible
    );
}

#[test]
fn innovative_2026_applies_the_2022_rules_under_its_own_id() {
    for p in [
        example("innovative-eligible"),
        innovative_on_edges(),
        EnterpriseProfile::default(),
    ] {
        let v22 = eval(rules(Edition::Y2022, Tier::Innovative), &p);
        let v26 = eval(rules(Edition::Y2026, Tier::Innovative), &p);
        assert_eq!(v22.outcome, v26.outcome);
        assert_eq!(v22.score, v26.score);
        assert_eq!(v26.edition.id, "tier-2026-innovative");
        assert_eq!(v26.edition.name_zh, "科技和创新型中小企业");
    }
}

// --- 小巨人 ---------------------------------------------------------------------------------------

fn little_giant_2026_ok() -> EnterpriseProfile {
    EnterpriseProfile {
        titles: Some(vec![title(TitleKind::SpecializedSme, "2027-06-30")]),
        main_revenue: Some(5400.0), // 90 %
        rd_spend: Some(700.0),
        rd_spend_prev: Some(600.0),
        ip_self_developed_class1: Some(4),
        niche_national_rank: Some(3),
        ..example("specialized-eligible")
    }
}

#[test]
fn little_giant_2026_conditions() {
    let r = rules(Edition::Y2026, Tier::LittleGiant);
    assert_eq!(eval(r, &little_giant_2026_ok()).outcome, Outcome::Eligible);

    let no_ip = EnterpriseProfile {
        ip_self_developed_class1: Some(3),
        ..little_giant_2026_ok()
    };
    assert_eq!(
        failed(&eval(r, &no_ip)),
        ["ip_class1_min:ip_self_developed_class1≥4"]
    );
    let waived = EnterpriseProfile {
        awards: Some(vec![award(AwardKind::NationalSt, 3)]),
        ..no_ip.clone()
    };
    assert_eq!(status(&eval(r, &waived), "ip_class1_min"), Status::Waived);
    let provincial = EnterpriseProfile {
        awards: Some(vec![award(AwardKind::ProvincialSt, 1)]),
        ..no_ip
    };
    assert_eq!(eval(r, &provincial).outcome, Outcome::NotEligible);

    // Niche: share ≥ 10 % or national top 3.
    let fourth = EnterpriseProfile {
        niche_national_rank: Some(4),
        ..little_giant_2026_ok()
    };
    assert_eq!(eval(r, &fourth).outcome, Outcome::NotEligible);
    let share = EnterpriseProfile {
        niche_market_share_pct: Some(10.0),
        ..fourth
    };
    assert_eq!(eval(r, &share).outcome, Outcome::Eligible);

    // 2-year compound revenue growth ≥ 5 %, not checked at a re-review: 6615 / 6000 = 1.05².
    let flat = EnterpriseProfile {
        revenue: Some(6615.0),
        revenue_prev2: Some(6000.0),
        main_revenue: Some(5953.5),
        ..little_giant_2026_ok()
    };
    assert_eq!(eval(r, &flat).outcome, Outcome::Eligible);
    let slower = EnterpriseProfile {
        revenue_prev2: Some(6001.0),
        ..flat
    };
    assert_eq!(
        failed(&eval(r, &slower)),
        [
            "revenue_cagr_min:re_review",
            "revenue_cagr_min:revenue_cagr2_pct≥5"
        ]
    );
    assert_eq!(
        eval(
            r,
            &EnterpriseProfile {
                re_review: Some(true),
                ..slower
            }
        )
        .outcome,
        Outcome::Eligible
    );

    // Passing 2026 小巨人 does not mean a 2022 专精特新 holder is eligible without the title.
    let untitled = EnterpriseProfile {
        titles: Some(vec![]),
        ..little_giant_2026_ok()
    };
    assert_eq!(
        failed(&eval(r, &untitled)),
        ["holds_specialized:titles∋{specialized_sme}"]
    );
}

fn little_giant_2022_ok() -> EnterpriseProfile {
    EnterpriseProfile {
        as_of: "2025-06-30".parse().ok(),
        titles: Some(vec![title(TitleKind::SpecializedSme, "2027-01-01")]),
        niche_years: Some(5.0),
        revenue: Some(12_000.0),
        revenue_prev: Some(10_000.0),
        main_revenue: Some(9600.0),
        main_revenue_prev: Some(8500.0),
        main_revenue_prev2: Some(7600.0),
        debt_ratio_pct: Some(50.0),
        quality_certification: Some(true),
        own_brand: Some(true),
        niche_market_share_pct: Some(12.0),
        rd_spend: Some(480.0),
        rd_spend_prev: Some(400.0),
        rd_institution_level: Some(RdInstitutionLevel::City),
        ip_class1: Some(3),
        ip_class1_transferred_recent: Some(0),
        main_product_fields: Some(vec![ProductField::KeyChainLink]),
        awards: Some(vec![]),
        ..common()
    }
}

#[test]
fn little_giant_2022_is_flagged_unverified_and_evaluates() {
    let r = rules(Edition::Y2022, Tier::LittleGiant);
    let v = eval(r, &little_giant_2022_ok());
    assert_eq!(v.outcome, Outcome::Eligible);
    assert!(!v.edition.verified);
    assert_eq!(v.edition.confidence, shangyun_tier::Confidence::Unsure);
}

#[test]
fn little_giant_2022_rd_by_revenue_bracket() {
    let r = rules(Edition::Y2022, Tier::LittleGiant);
    // 1亿 exactly at 3 % each year passes; just below 1亿 needs 6 %.
    let at_1e = EnterpriseProfile {
        revenue: Some(10_000.0),
        main_revenue: Some(8000.0),
        rd_spend: Some(300.0),
        rd_spend_prev: Some(300.0),
        ..little_giant_2022_ok()
    };
    assert_eq!(status(&eval(r, &at_1e), "rd_by_revenue"), Status::Passed);
    let below = EnterpriseProfile {
        revenue: Some(9999.0),
        ..at_1e.clone()
    };
    assert_eq!(status(&eval(r, &below), "rd_by_revenue"), Status::Failed);
    let six = EnterpriseProfile {
        rd_spend: Some(600.0),
        rd_spend_prev: Some(600.0),
        ..below
    };
    assert_eq!(status(&eval(r, &six), "rd_by_revenue"), Status::Passed);
    // Below 5000万: equity, R&D total and R&D staff share instead.
    let small = EnterpriseProfile {
        revenue: Some(4000.0),
        main_revenue: Some(3200.0),
        equity_raised_2y: Some(8000.0),
        rd_spend: Some(1500.0),
        rd_spend_prev: Some(1500.0),
        rd_staff: Some(50),
        total_staff: Some(100),
        ..little_giant_2022_ok()
    };
    assert_eq!(status(&eval(r, &small), "rd_by_revenue"), Status::Passed);
    let fewer = EnterpriseProfile {
        rd_staff: Some(49),
        ..small
    };
    assert_eq!(status(&eval(r, &fewer), "rd_by_revenue"), Status::Failed);
}

#[test]
fn little_giant_2022_innovation_direct_route_waives_the_innovation_conditions_only() {
    let r = rules(Edition::Y2022, Tier::LittleGiant);
    let no_innovation = EnterpriseProfile {
        rd_spend: Some(0.0),
        rd_institution_level: Some(RdInstitutionLevel::None),
        ip_class1: Some(0),
        ..little_giant_2022_ok()
    };
    let v = eval(r, &no_innovation);
    assert_eq!(v.outcome, Outcome::NotEligible);
    assert_eq!(
        v.failed
            .iter()
            .map(|f| f.condition)
            .collect::<std::collections::BTreeSet<_>>(),
        ["ip_class1_min", "rd_by_revenue", "rd_institution"].into()
    );

    let top50 = EnterpriseProfile {
        awards: Some(vec![award(AwardKind::MakerChinaNational, 50)]),
        ..no_innovation.clone()
    };
    let v = eval(r, &top50);
    assert_eq!(v.outcome, Outcome::Eligible);
    for id in ["rd_by_revenue", "rd_institution", "ip_class1_min"] {
        assert_eq!(status(&v, id), Status::Waived, "{id}");
    }
    let top51 = EnterpriseProfile {
        awards: Some(vec![award(AwardKind::MakerChinaNational, 51)]),
        ..no_innovation
    };
    assert_eq!(eval(r, &top51).outcome, Outcome::NotEligible);

    // The route does not cover the market-share condition.
    let small_share = EnterpriseProfile {
        niche_market_share_pct: Some(9.99),
        ..top50
    };
    assert_eq!(
        failed(&eval(r, &small_share)),
        ["niche_share_min:niche_market_share_pct≥10"]
    );
}
