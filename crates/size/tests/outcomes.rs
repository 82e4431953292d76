//! Outcomes other than a class (missing metrics, not covered, too broad), bad inputs, and
//! the explanation and JSON forms.

use shangyun_codes::IndustryCodeError;
use shangyun_size::{Metric, MetricSet, Metrics, SizeEdition, SizeError, SizeOutcome, classify};

fn set(metrics: &[Metric]) -> MetricSet {
    metrics.iter().copied().collect()
}

#[test]
fn names_exactly_the_missing_metrics_the_group_needs() {
    use Metric::{Assets, Employees, Revenue};
    for (code, given, missing) in [
        (
            "C3311",
            Metrics {
                employees: Some(500),
                ..Metrics::default()
            },
            set(&[Revenue]),
        ),
        (
            "C3311",
            Metrics {
                revenue_wan: Some(9.0),
                ..Metrics::default()
            },
            set(&[Employees]),
        ),
        (
            "C3311",
            Metrics {
                assets_wan: Some(9.0),
                ..Metrics::default()
            },
            set(&[Employees, Revenue]),
        ),
        (
            "4710",
            Metrics {
                employees: Some(9),
                ..Metrics::default()
            },
            set(&[Revenue, Assets]),
        ),
        (
            "7010",
            Metrics {
                revenue_wan: Some(9.0),
                ..Metrics::default()
            },
            set(&[Assets]),
        ),
        (
            "7111",
            Metrics {
                revenue_wan: Some(9.0),
                ..Metrics::default()
            },
            set(&[Employees, Assets]),
        ),
        ("0111", Metrics::default(), set(&[Revenue])),
        ("7310", Metrics::default(), set(&[Employees])),
    ] {
        match classify(code, &given) {
            Ok(SizeOutcome::MissingMetrics(m)) => assert_eq!(m.missing, missing, "{code}"),
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn metrics_the_group_does_not_use_are_reported_as_ignored() {
    let m = Metrics {
        employees: Some(50),
        revenue_wan: Some(100.0),
        assets_wan: Some(100.0),
    };
    let Ok(SizeOutcome::Classified(c)) = classify("7310", &m) else {
        panic!("not classified");
    };
    assert_eq!(c.ignored, set(&[Metric::Revenue, Metric::Assets]));
    assert_eq!(c.checks.iter().count(), 1);
}

#[test]
fn industries_outside_the_rules_are_not_covered() {
    let m = Metrics {
        employees: Some(50),
        revenue_wan: Some(100.0),
        assets_wan: Some(100.0),
    };
    for code in ["J6621", "5311", "8411", "8310", "9100", "7040"] {
        match classify(code, &m) {
            Ok(SizeOutcome::NotCovered(n)) => {
                assert!(!n.exclusion.reason_zh.is_empty(), "{code}");
                assert_eq!(n.edition.id, "2011");
            }
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn a_broad_code_asks_for_a_specific_one() {
    let m = Metrics {
        employees: Some(50),
        revenue_wan: Some(100.0),
        assets_wan: Some(100.0),
    };
    let Ok(SizeOutcome::IndustryTooBroad(b)) = classify("59", &m) else {
        panic!("not too broad");
    };
    assert_eq!(b.industry.to_string(), "G59");
    assert_eq!(
        b.spans
            .groups()
            .map(|g| g.name_zh.as_str())
            .collect::<Vec<_>>(),
        ["交通运输业", "仓储业"]
    );
}

#[test]
fn bad_inputs_are_errors() {
    let bad = |revenue: f64| Metrics {
        employees: Some(1),
        revenue_wan: Some(revenue),
        assets_wan: None,
    };
    for value in [-0.01, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                classify("C3311", &bad(value)),
                Err(SizeError::InvalidMetric {
                    metric: Metric::Revenue,
                    ..
                })
            ),
            "{value}"
        );
    }
    assert!(matches!(
        classify("3319", &bad(1.0)),
        Err(SizeError::Industry(IndustryCodeError::NotFound { .. }))
    ));
    assert!(matches!(
        classify("", &bad(1.0)),
        Err(SizeError::Industry(IndustryCodeError::Empty))
    ));
}

#[test]
fn the_explanation_names_edition_group_checks_and_the_deciding_bound() {
    let m = Metrics {
        employees: Some(500),
        revenue_wan: Some(1500.0),
        assets_wan: None,
    };
    let text = match classify("3311", &m) {
        Ok(outcome) => outcome.to_string(),
        Err(e) => panic!("{e}"),
    };
    for needle in [
        "小型企业 / small enterprise",
        "工信部联企业〔2011〕300号",
        "edition 2011",
        "C3311 → 第2类 工业 / Industry",
        "X 从业人员 = 500 人: 大型 large < 1000, 中型 medium ≥ 300, 小型 small ≥ 20 → 中型",
        "Y 营业收入 = 1500 万元: 大型 large < 40000, 中型 medium < 2000, 小型 small ≥ 300 → 小型",
        "中型 needs every metric ≥ its bound; missed by Y 营业收入 1500 < 2000 万元 → 小型 / small",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let missing = classify(
        "3311",
        &Metrics {
            employees: Some(500),
            ..Metrics::default()
        },
    )
    .map(|o| o.to_string())
    .unwrap_or_default();
    assert!(
        missing.starts_with("无法划型 cannot classify: needs revenue"),
        "{missing}"
    );
}

#[test]
fn json_carries_the_reasons() {
    let m = Metrics {
        employees: Some(500),
        revenue_wan: Some(1500.0),
        assets_wan: None,
    };
    let outcome = SizeEdition::edition_2011().classify("3311", &m);
    let json = serde_json::to_value(outcome.ok()).unwrap_or_default();
    assert_eq!(json["outcome"], "classified");
    assert_eq!(json["class"], "small");
    assert_eq!(json["edition"]["id"], "2011");
    assert_eq!(json["edition"]["confidence"], "firm");
    assert_eq!(json["industry"], "C3311");
    assert_eq!(json["group"]["number"], 2);
    assert_eq!(json["checks"][1]["metric"], "revenue");
    assert_eq!(json["checks"][1]["value"], 1500);
    assert_eq!(json["checks"][1]["thresholds"]["medium"], 2000);
    assert_eq!(json["checks"][1]["reached"], "small");
    assert_eq!(json["decided_by"], serde_json::json!(["revenue"]));
    assert_eq!(json["missed"], "medium");
    let missing = classify("3311", &Metrics::default()).ok();
    let json = serde_json::to_value(missing).unwrap_or_default();
    assert_eq!(json["outcome"], "missing_metrics");
    assert_eq!(json["missing"], serde_json::json!(["employees", "revenue"]));
}
