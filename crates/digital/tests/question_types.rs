//! Scoring per question type, with the option tables and band edges of standards.md §3.2.

mod support;

use shangyun_digital::{Answer, AnswerValue, BeforeAfter, Source};
use support::{pts, question, score, sixty_points, with_scenes};

/// Scores the sixty-point questionnaire with one answer replaced; returns that question's points
/// and the options that counted.
fn answer(id: &str, value: impl Into<Answer>) -> (f64, Vec<String>) {
    let answers = with_scenes(sixty_points().with(id, value), [2; 16]);
    let result = score(&answers);
    let q = question(&result, id);
    (
        q.points.as_f64(),
        q.counted.iter().map(|c| c.id.clone()).collect(),
    )
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_base_questionnaire_is_worth_sixty() {
    let result = score(&with_scenes(sixty_points(), [2; 16]));
    assert_eq!(result.score, pts(60.0));
    let dims: Vec<_> = result
        .dimensions
        .iter()
        .map(|d| (d.id.as_str(), d.points))
        .collect();
    assert_eq!(
        dims,
        vec![
            ("foundation", pts(39.0)),
            ("management", pts(6.0)),
            ("outcomes", pts(15.0))
        ]
    );
}

#[test]
fn single_choice_scores_its_option() {
    for (option, points) in [
        ("none", 0.0),
        ("one", 2.5),
        ("several", 5.0),
        ("most", 7.5),
        ("all", 10.0),
    ] {
        assert_eq!(
            answer("systems_in_use", option),
            (points, ids(&[option])),
            "{option}"
        );
    }
    for (option, points) in [
        ("none", 0.0),
        ("informed", 1.5),
        ("planned", 3.0),
        ("first_changes", 4.5),
        ("model_changed", 6.0),
        ("sharing", 7.5),
    ] {
        assert_eq!(
            answer("transformation_awareness", option).0,
            points,
            "{option}"
        );
    }
    // A one-element list is one option.
    assert_eq!(answer("systems_in_use", ["most"]).0, 7.5);
}

#[test]
fn multi_select_sums_ticked_options() {
    assert_eq!(
        answer("network", ["industrial_5g"]),
        (2.0, ids(&["industrial_5g"]))
    );
    assert_eq!(
        answer(
            "network",
            ["full_site_coverage", "workshop_control_network"]
        ),
        (
            4.0,
            ids(&["workshop_control_network", "full_site_coverage"])
        ),
        "counted in questionnaire order"
    );
    assert_eq!(
        answer(
            "network_security",
            ["policy", "risk_assessment", "products_services"]
        )
        .0,
        3.75
    );
    assert_eq!(answer("management_rules", ["data_resources"]).0, 1.875);
    assert_eq!(
        answer(
            "management_rules",
            [
                "transformation_workflow",
                "it_operations",
                "data_resources",
                "innovation_incentives"
            ]
        )
        .0,
        7.5
    );
    assert_eq!(
        answer(
            "digital_talent",
            [
                "dedicated_staff",
                "post_or_department",
                "regular_training",
                "performance_pay",
                "talent_pipeline"
            ]
        )
        .0,
        7.5
    );
    // Data collection: 0.7 per link, HR 0.9; all fourteen make exactly 10.
    assert_eq!(answer("auto_data_collection", ["human_resources"]).0, 0.9);
    assert_eq!(
        answer("auto_data_collection", ["finance", "human_resources"]).0,
        1.6
    );
    let all = [
        "product_design",
        "process_design",
        "marketing",
        "after_sales",
        "planning_scheduling",
        "production_control",
        "quality",
        "equipment",
        "safety",
        "energy",
        "procurement",
        "warehousing_logistics",
        "finance",
        "human_resources",
    ];
    assert_eq!(answer("auto_data_collection", all).0, 10.0);
    let without_hr = all.iter().take(13).map(|s| (*s).to_owned()).collect();
    assert_eq!(
        answer("auto_data_collection", AnswerValue::Options(without_hr)).0,
        9.1
    );
}

#[test]
fn multi_select_none_scores_zero() {
    assert_eq!(answer("network", ["none"]), (0.0, ids(&["none"])));
    assert_eq!(
        answer("data_security", "none").0,
        0.0,
        "a bare id is one ticked box"
    );
}

#[test]
fn banded_number_edges() {
    // (value, points, band): bands are (above, up_to]; edge and edge + ε.
    let table = [
        (0.0, 0.0, "up_to_10"),
        (10.0, 0.0, "up_to_10"),
        (10.001, 1.5, "over_10_to_20"),
        (20.0, 1.5, "over_10_to_20"),
        (20.001, 3.0, "over_20_to_40"),
        (40.0, 3.0, "over_20_to_40"),
        (40.001, 4.5, "over_40_to_60"),
        (60.0, 4.5, "over_40_to_60"),
        (60.001, 6.0, "over_60"),
        (100.0, 6.0, "over_60"),
    ];
    for (value, points, band) in table {
        for q in ["equipment_digital_share", "equipment_networked_share"] {
            assert_eq!(answer(q, value), (points, ids(&[band])), "{q} = {value}");
        }
    }
}

#[test]
fn banded_number_by_band_id() {
    assert_eq!(answer("equipment_digital_share", "over_40_to_60").0, 4.5);
    assert_eq!(answer("digital_spend_share", "over_60").0, 7.5);
}

#[test]
fn digital_spend_bands_as_recorded() {
    for (value, points) in [
        (10.0, 0.0),
        (10.5, 1.875),
        (30.0, 3.75),
        (50.0, 5.625),
        (61.0, 7.5),
    ] {
        assert_eq!(answer("digital_spend_share", value).0, points, "{value}");
    }
}

#[test]
fn comparison_scores_the_direction() {
    let energy = |before, after| answer("energy_per_revenue", BeforeAfter { before, after });
    assert_eq!(
        energy(1.0, 0.9),
        (7.0, ids(&["down"])),
        "less energy is better"
    );
    assert_eq!(energy(1.0, 1.0), (3.5, ids(&["same"])));
    assert_eq!(energy(1.0, 1.000_001), (0.0, ids(&["up"])));
    let pass = |before, after| answer("monthly_pass_rate", BeforeAfter { before, after });
    assert_eq!(
        pass(97.0, 98.5),
        (7.0, ids(&["up"])),
        "a higher pass rate is better"
    );
    assert_eq!(pass(97.0, 97.0), (3.5, ids(&["same"])));
    assert_eq!(pass(97.0, 96.0), (0.0, ids(&["down"])));
    for (direction, head, cost) in [("up", 3.0, 0.0), ("same", 1.5, 1.5), ("down", 0.0, 3.0)] {
        assert_eq!(
            answer("revenue_per_head", direction).0,
            head,
            "revenue per head {direction}"
        );
        assert_eq!(
            answer("cost_per_revenue", direction).0,
            cost,
            "cost per revenue {direction}"
        );
    }
}

#[test]
fn source_tag_is_kept_in_the_result() {
    let measured = Answer::from(AnswerValue::Number(35.0)).measured();
    let answers = with_scenes(
        sixty_points().with("equipment_networked_share", measured),
        [2; 16],
    );
    let result = score(&answers);
    assert_eq!(
        question(&result, "equipment_networked_share").answer.source,
        Source::Measured
    );
    assert_eq!(
        question(&result, "equipment_digital_share").answer.source,
        Source::SelfReported
    );
    assert_eq!(
        result.measured,
        vec!["equipment_networked_share".to_owned()]
    );
}

#[test]
fn result_names_edition_and_caveats() {
    let result = score(&with_scenes(
        sixty_points().with("transformation_awareness", "sharing"),
        [2; 16],
    ));
    assert_eq!(result.edition.id, "digital-2024");
    let subjects: Vec<&str> = result.caveats.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        vec![
            "option:transformation_awareness.sharing",
            "question:digital_spend_share",
            "scene:product_design",
            "levels"
        ]
    );
}
