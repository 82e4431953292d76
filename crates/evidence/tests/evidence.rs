//! Measured answers from device facts, their evidence, and scoring them with the questionnaire.

use shangyun_digital::{Answers, Source};
use shangyun_evidence::{DeviceFact, EnergyPeriod, EvidenceInput, Mapping, Measurement, gather};

const DAY: i64 = 86_400_000;
const NOW: i64 = 1_767_225_600_000;

fn device(n: u32, production: bool, links: &[&str], seen_days_ago: Option<i64>) -> DeviceFact {
    DeviceFact {
        id: n.to_string(),
        name: format!("dev-{n}"),
        production_equipment: production,
        business_links: links.iter().map(|s| (*s).to_owned()).collect(),
        last_seen_ms: seen_days_ago.map(|d| NOW - d * DAY),
    }
}

fn factory() -> Vec<DeviceFact> {
    vec![
        device(1, true, &["production", "equipment"], Some(0)),
        device(2, true, &["production", "equipment"], Some(29)),
        device(3, true, &["production"], Some(31)), // outside the window
        device(4, true, &["quality"], None),        // never reported
        device(5, false, &["energy"], Some(1)),     // a meter: not production equipment
        device(6, false, &["environment"], Some(1)),
        device(7, false, &["safety"], Some(45)),
    ]
}

fn plain(devices: &[DeviceFact]) -> EvidenceInput<'_> {
    EvidenceInput {
        enterprise: "E",
        now_ms: NOW,
        devices,
        equipment_ledger_count: None,
        energy_before: None,
        energy_after: None,
    }
}

fn period(label: &str, kwh: f64, revenue: Option<f64>) -> EnergyPeriod {
    EnergyPeriod {
        label: label.into(),
        kwh,
        revenue_wan_yuan: revenue,
        meters: 3,
    }
}

#[test]
fn built_in_mapping_matches_the_questionnaire() {
    let m = Mapping::built_in().expect("mapping");
    assert_eq!(m.edition, "evidence-digital-2024-v1");
    assert_eq!(m.window_days, 30);
    let bad = include_str!("../data/evidence-digital-2024.toml").replace(
        "production = \"production_control\"",
        "production = \"no_such_option\"",
    );
    let e = Mapping::from_toml(&bad).expect_err("bad option");
    assert!(e.to_string().contains("no option no_such_option"), "{e}");
    let not_measurable = include_str!("../data/evidence-digital-2024.toml").replace(
        "question = \"energy_per_revenue\"",
        "question = \"network\"",
    );
    assert!(
        Mapping::from_toml(&not_measurable)
            .expect_err("network is self-reported")
            .to_string()
            .contains("not marked measurable")
    );
}

#[test]
fn networked_share_counts_production_equipment_reporting_in_the_window() {
    let devices = factory();
    let input = plain(&devices);
    let e = gather(&input, Mapping::built_in().expect("mapping"));
    let a = e
        .answers
        .iter()
        .find(|a| a.question == "equipment_networked_share")
        .expect("answer");
    assert_eq!(a.answer.source, Source::Measured);
    match &a.measurement {
        Measurement::NetworkedShare {
            registered,
            reporting,
            share_pct,
            reporting_devices,
            silent_devices,
            ..
        } => {
            assert_eq!((*registered, *reporting), (4, 2));
            assert_eq!(*share_pct, 50.0);
            assert_eq!(reporting_devices, &["dev-1", "dev-2"]);
            assert_eq!(silent_devices, &["dev-3", "dev-4"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.window_start_ms, NOW - 30 * DAY);
    // A ledger of 10 machines: unregistered ones are not networked.
    let input = EvidenceInput {
        equipment_ledger_count: Some(10),
        ..input
    };
    let e = gather(&input, Mapping::built_in().expect("mapping"));
    assert!(
        e.answers[0].explanation.contains("ledger lists 10"),
        "{}",
        e.answers[0].explanation
    );
    assert_eq!(
        e.answers[0].answer.value,
        Some(shangyun_digital::AnswerValue::Number(20.0))
    );
}

#[test]
fn business_links_are_those_with_a_reporting_device() {
    let devices = factory();
    let input = plain(&devices);
    let e = gather(&input, Mapping::built_in().expect("mapping"));
    let a = e
        .answers
        .iter()
        .find(|a| a.question == "auto_data_collection")
        .expect("answer");
    assert_eq!(
        a.answer.value,
        Some(shangyun_digital::AnswerValue::Options(vec![
            "energy".into(),
            "equipment".into(),
            "production_control".into()
        ]))
    );
    match &a.measurement {
        Measurement::AutoDataCollection {
            silent_links,
            unmapped_links,
            ..
        } => {
            assert_eq!(silent_links, &["quality", "safety"]);
            assert_eq!(unmapped_links, &["environment"]);
        }
        other => panic!("{other:?}"),
    }
    // Energy not given: not measured, with the reason.
    let nm = e
        .not_measured
        .iter()
        .find(|n| n.question == "energy_per_revenue")
        .expect("not measured");
    assert_eq!(nm.reason, "before: period missing; after: period missing");
}

#[test]
fn energy_per_revenue_before_and_after_and_the_questionnaire_scores_it_as_measured() {
    let devices = factory();
    let input = EvidenceInput {
        enterprise: "E",
        now_ms: NOW,
        devices: &devices,
        equipment_ledger_count: None,
        energy_before: Some(period("2024", 1_200_000.0, Some(5_000.0))),
        energy_after: Some(period("2025", 1_100_000.0, Some(5_500.0))),
    };
    let e = gather(&input, Mapping::built_in().expect("mapping"));
    let a = e
        .answers
        .iter()
        .find(|a| a.question == "energy_per_revenue")
        .expect("answer");
    match a.answer.value {
        Some(shangyun_digital::AnswerValue::Comparison(p)) => {
            assert!((p.before - 2.4).abs() < 1e-12); // 1.2M kWh / 500,000 × ¥100
            assert!((p.after - 2.0).abs() < 1e-12);
        }
        ref other => panic!("{other:?}"),
    }
    // Self-reported answers stay unless overwritten; measured ones fill the gaps.
    let base = Answers::new("digital-2024").with("equipment_networked_share", 80.0);
    let kept = e.prefill(base.clone(), false);
    assert_eq!(
        kept.answers["equipment_networked_share"].source,
        Source::SelfReported
    );
    assert_eq!(kept.answers["energy_per_revenue"].source, Source::Measured);
    let over = e.prefill(base, true);
    assert_eq!(
        over.answers["equipment_networked_share"].source,
        Source::Measured
    );
    // The questionnaire accepts and scores the measured answers (over the digital crate's
    // example self-assessment).
    let example: Answers =
        serde_json::from_str(include_str!("../../digital/examples/answers-2024.json"))
            .expect("example");
    let result = shangyun_digital::score(&e.prefill(example, true)).expect("scores");
    let q = |id: &str| {
        result
            .dimensions
            .iter()
            .flat_map(|d| &d.subdimensions)
            .flat_map(|s| &s.questions)
            .find(|q| q.id == id)
            .map(|q| (q.points.to_string(), q.answer.source))
    };
    assert_eq!(
        q("energy_per_revenue"),
        Some(("7".to_owned(), Source::Measured))
    );
    assert_eq!(
        q("equipment_networked_share"),
        Some(("4.5".to_owned(), Source::Measured))
    );
    assert_eq!(
        q("auto_data_collection").map(|(p, _)| p),
        Some("2.1".to_owned())
    );
    for id in [
        "energy_per_revenue",
        "equipment_networked_share",
        "auto_data_collection",
    ] {
        assert!(
            result.measured.iter().any(|m| m == id),
            "{id} not listed as measured: {:?}",
            result.measured
        );
    }
    // Revenue unknown: not measured, said so.
    let input = EvidenceInput {
        energy_after: Some(period("2025", 1_100_000.0, None)),
        ..input
    };
    let e = gather(&input, Mapping::built_in().expect("mapping"));
    assert!(
        e.not_measured
            .iter()
            .any(|n| n.reason == "after: revenue of 2025 unknown")
    );
}

#[test]
fn an_enterprise_without_devices_gets_no_measured_answers_and_every_reason() {
    let e = gather(&plain(&[]), Mapping::built_in().expect("mapping"));
    assert!(e.answers.is_empty());
    assert_eq!(e.not_measured.len(), 3);
    let json = serde_json::to_value(&e).expect("json");
    assert_eq!(json["mapping_edition"], "evidence-digital-2024-v1");
}
