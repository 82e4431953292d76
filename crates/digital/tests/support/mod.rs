//! Shared answers for the integration tests.
#![allow(dead_code)] // each test binary uses a different part

use shangyun_digital::{Answers, Assessment, BeforeAfter, Edition, Points, QuestionScore};

pub fn edition() -> &'static Edition {
    match shangyun_digital::catalog() {
        Ok(c) => c.latest(),
        Err(e) => panic!("embedded data refused: {e}"),
    }
}

/// Scene ids in questionnaire order (standards.md §3.2).
pub const SCENES: [&str; 16] = [
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
    "collaborative_office",
    "decision_support",
];

/// A complete questionnaire worth exactly 60 points (worked by hand):
/// foundation 8 + 4.5 + 4.5 + 7 + 7.5 + 5 + 2.5 = 39; management 4.5 + 0 + 1.5 + 0 = 6;
/// outcomes 7 + 3.5 + 3 + 1.5 = 15.
pub fn sixty_points() -> Answers {
    Answers::new("digital-2024")
        .with(
            "network",
            [
                "workshop_control_network",
                "converged_application_network",
                "industrial_5g",
                "full_site_coverage",
            ],
        )
        .with("equipment_digital_share", 50.0)
        .with("equipment_networked_share", 50.0)
        .with(
            "auto_data_collection",
            [
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
            ],
        )
        .with("systems_in_use", "most")
        .with(
            "network_security",
            [
                "policy",
                "products_services",
                "risk_assessment",
                "boundary_and_detection",
            ],
        )
        .with("data_security", ["policy", "risk_assessment"])
        .with("transformation_awareness", "first_changes")
        .with("management_rules", ["none"])
        .with("digital_talent", ["dedicated_staff"])
        .with("digital_spend_share", 2.0)
        .with(
            "energy_per_revenue",
            BeforeAfter {
                before: 1.0,
                after: 0.9,
            },
        )
        .with("monthly_pass_rate", "same")
        .with("revenue_per_head", "up")
        .with("cost_per_revenue", "same")
}

/// Sets all 16 scenes, in [`SCENES`] order.
pub fn with_scenes(mut answers: Answers, levels: [i64; 16]) -> Answers {
    for (scene, level) in SCENES.iter().zip(levels) {
        answers = answers.with_scene(*scene, level);
    }
    answers
}

pub fn score(answers: &Answers) -> Assessment {
    match edition().score(answers) {
        Ok(a) => a,
        Err(e) => panic!("expected a score, got {e}"),
    }
}

pub fn question<'a>(assessment: &'a Assessment, id: &str) -> &'a QuestionScore {
    let found = assessment
        .dimensions
        .iter()
        .flat_map(|d| &d.subdimensions)
        .flat_map(|s| &s.questions)
        .find(|q| q.id == id);
    match found {
        Some(q) => q,
        None => panic!("no question {id} in the result"),
    }
}

pub fn pts(decimal: f64) -> Points {
    match Points::from_decimal(decimal) {
        Some(p) => p,
        None => panic!("{decimal} is not a number of points"),
    }
}
