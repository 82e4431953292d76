//! Validation collects every problem, each naming its question or scene.

mod support;

use shangyun_digital::{
    Answer, AnswerValue, Answers, BeforeAfter, ScoreError, ValidationError as E,
};
use support::{SCENES, edition, sixty_points, with_scenes};

fn problems(answers: &Answers) -> Vec<E> {
    match edition().score(answers) {
        Ok(a) => panic!("expected problems, got a score of {}", a.score),
        Err(e) => {
            assert_eq!(e.edition, "digital-2024");
            e.errors
        }
    }
}

/// The problems of the sixty-point questionnaire with one answer replaced.
fn with(id: &str, value: impl Into<Answer>) -> Vec<E> {
    problems(&with_scenes(sixty_points().with(id, value), [2; 16]))
}

fn s(text: &str) -> String {
    text.to_owned()
}

#[test]
fn unknown_question_and_option() {
    assert_eq!(
        problems(&with_scenes(
            sixty_points().with("customer_happiness", "high"),
            [2; 16]
        )),
        vec![E::UnknownQuestion {
            question: s("customer_happiness")
        }]
    );
    assert_eq!(
        with("network", ["industrial_5g", "6g"]),
        vec![E::UnknownOption {
            question: s("network"),
            option: s("6g")
        }]
    );
    assert_eq!(
        with("systems_in_use", "everything"),
        vec![E::UnknownOption {
            question: s("systems_in_use"),
            option: s("everything")
        }]
    );
    assert_eq!(
        with("cost_per_revenue", "sideways"),
        vec![E::UnknownOption {
            question: s("cost_per_revenue"),
            option: s("sideways")
        }]
    );
}

#[test]
fn none_ticked_with_others() {
    assert_eq!(
        with("network", ["industrial_5g", "none", "full_site_coverage"]),
        vec![E::NoneWithOthers {
            question: s("network"),
            none: s("none"),
            others: vec![s("industrial_5g"), s("full_site_coverage")],
        }]
    );
}

#[test]
fn empty_and_duplicate_selections() {
    assert_eq!(
        with("network", AnswerValue::Options(vec![])),
        vec![E::EmptySelection {
            question: s("network")
        }]
    );
    assert_eq!(
        with("network", ["industrial_5g", "industrial_5g"]),
        vec![E::DuplicateOption {
            question: s("network"),
            option: s("industrial_5g")
        }]
    );
}

#[test]
fn single_choice_with_several_options() {
    assert_eq!(
        with("systems_in_use", ["one", "several"]),
        vec![E::SeveralOptions {
            question: s("systems_in_use"),
            options: vec![s("one"), s("several")]
        }]
    );
    assert_eq!(
        with("equipment_digital_share", ["up_to_10", "over_60"]),
        vec![E::SeveralOptions {
            question: s("equipment_digital_share"),
            options: vec![s("up_to_10"), s("over_60")]
        }]
    );
}

#[test]
fn numbers_out_of_range() {
    let out = |field, value, min, max| E::NumberOutOfRange {
        question: s("equipment_digital_share"),
        field,
        value,
        min,
        max,
    };
    assert_eq!(
        with("equipment_digital_share", 100.001),
        vec![out("value", 100.001, 0.0, Some(100.0))]
    );
    assert_eq!(
        with("equipment_digital_share", -0.001),
        vec![out("value", -0.001, 0.0, Some(100.0))]
    );
    assert!(matches!(
        with("equipment_digital_share", f64::NAN).as_slice(),
        [E::NumberOutOfRange { field: "value", .. }]
    ));
    // Both sides of a comparison are checked; pass rate is a percentage.
    assert_eq!(
        with(
            "monthly_pass_rate",
            BeforeAfter {
                before: -1.0,
                after: 100.5
            }
        ),
        vec![
            E::NumberOutOfRange {
                question: s("monthly_pass_rate"),
                field: "before",
                value: -1.0,
                min: 0.0,
                max: Some(100.0)
            },
            E::NumberOutOfRange {
                question: s("monthly_pass_rate"),
                field: "after",
                value: 100.5,
                min: 0.0,
                max: Some(100.0)
            },
        ]
    );
    // Energy has no upper bound.
    assert!(problems_free(
        "energy_per_revenue",
        BeforeAfter {
            before: 1e9,
            after: 2e9
        }
    ));
}

fn problems_free(id: &str, value: impl Into<Answer>) -> bool {
    edition()
        .score(&with_scenes(sixty_points().with(id, value), [2; 16]))
        .is_ok()
}

#[test]
fn answer_shape_must_fit_the_question() {
    assert_eq!(
        with("systems_in_use", 5.0),
        vec![E::WrongAnswerKind {
            question: s("systems_in_use"),
            expected: "one option id",
            found: "a number"
        }]
    );
    assert_eq!(
        with(
            "network",
            BeforeAfter {
                before: 1.0,
                after: 2.0
            }
        ),
        vec![E::WrongAnswerKind {
            question: s("network"),
            expected: "a list of option ids",
            found: "{before, after}"
        }]
    );
    assert_eq!(
        with("energy_per_revenue", 0.9),
        vec![E::WrongAnswerKind {
            question: s("energy_per_revenue"),
            expected: "{before, after} or a direction's option id",
            found: "a number"
        }]
    );
}

#[test]
fn measured_only_where_equipment_can_tell() {
    assert_eq!(
        with("systems_in_use", Answer::from("most").measured()),
        vec![E::MeasuredNotAllowed {
            question: s("systems_in_use")
        }]
    );
    assert!(problems_free(
        "equipment_networked_share",
        Answer::from(42.0).measured()
    ));
}

#[test]
fn every_unanswered_question_is_listed() {
    let mut answers = sixty_points();
    answers.answers.remove("network");
    answers.answers.remove("cost_per_revenue");
    answers
        .answers
        .insert(s("digital_talent"), Answer::default()); // null
    assert_eq!(
        problems(&with_scenes(answers, [2; 16])),
        vec![
            E::Unanswered {
                question: s("network")
            },
            E::Unanswered {
                question: s("digital_talent")
            },
            E::Unanswered {
                question: s("cost_per_revenue")
            },
        ]
    );
}

#[test]
fn scene_problems() {
    let mut answers = with_scenes(sixty_points(), [2; 16]);
    answers.scenes.remove("finance");
    answers.scenes.insert(s("marketing"), None);
    answers.scenes.insert(s("quality"), Some(0));
    answers.scenes.insert(s("safety"), Some(5));
    answers.scenes.insert(s("blockchain"), Some(2));
    assert_eq!(
        problems(&answers),
        vec![
            E::UnknownScene {
                scene: s("blockchain")
            },
            E::MissingScene {
                scene: s("marketing")
            },
            E::SceneLevelOutOfRange {
                scene: s("quality"),
                level: 0,
                max: 4
            },
            E::SceneLevelOutOfRange {
                scene: s("safety"),
                level: 5,
                max: 4
            },
            E::MissingScene {
                scene: s("finance")
            },
        ]
    );
    // Levels 1 and 4 are the edges that pass.
    assert!(
        edition()
            .score(&with_scenes(
                sixty_points(),
                [1, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4]
            ))
            .is_ok()
    );
}

#[test]
fn all_problems_at_once() {
    let answers = Answers::new("digital-2024")
        .with("network", ["none", "industrial_5g"])
        .with("systems_in_use", ["one", "several"])
        .with("equipment_digital_share", 120.0)
        .with_scene("product_design", 9);
    let errors = problems(&answers);
    // 3 bad answers + 12 unanswered + 1 bad scene + 15 missing scenes.
    assert_eq!(errors.len(), 3 + 12 + 1 + 15);
    assert_eq!(
        errors
            .iter()
            .filter(|e| matches!(e, E::Unanswered { .. }))
            .count(),
        12
    );
    assert_eq!(
        errors
            .iter()
            .filter(|e| matches!(e, E::MissingScene { .. }))
            .count(),
        15
    );
}

#[test]
fn edition_must_match() {
    let answers = Answers::new("digital-2099");
    match shangyun_digital::score(&answers) {
        Err(ScoreError::Invalid(e)) => assert_eq!(
            e.errors,
            vec![E::UnknownEdition {
                edition: s("digital-2099"),
                known: vec![s("digital-2024")]
            }]
        ),
        other => panic!("unexpected {other:?}"),
    }
    match shangyun_digital::score(&Answers::new("digital-2022")) {
        Err(ScoreError::Invalid(e)) => {
            assert_eq!(
                e.errors,
                vec![E::ScoreOnlyEdition {
                    edition: s("digital-2022")
                }]
            )
        }
        other => panic!("unexpected {other:?}"),
    }
    let problems = match edition().score(&Answers::new("digital-2099")) {
        Err(e) => e.errors,
        Ok(_) => panic!("scored another edition's answers"),
    };
    assert_eq!(
        problems,
        vec![E::EditionMismatch {
            expected: s("digital-2024"),
            found: s("digital-2099")
        }]
    );
}

#[test]
fn messages_name_the_question_in_both_languages() {
    let e = E::NoneWithOthers {
        question: s("network"),
        none: s("none"),
        others: vec![s("industrial_5g")],
    };
    assert_eq!(
        e.to_string(),
        "question `network`: `none` ticked together with industrial_5g"
    );
    assert_eq!(
        e.message_zh(),
        "题目“network”：“none”不能与其他选项同时勾选（industrial_5g）"
    );
}

#[test]
fn json_answers_in_every_shape() -> Result<(), serde_json::Error> {
    let mut json = String::from(
        r#"{"edition": "digital-2024", "answers": {
          "network": ["workshop_control_network", "converged_application_network", "industrial_5g", "full_site_coverage"],
          "equipment_digital_share": 50,
          "equipment_networked_share": {"value": 50, "source": "measured"},
          "auto_data_collection": {"value": ["product_design", "process_design", "marketing", "after_sales", "planning_scheduling",
              "production_control", "quality", "equipment", "safety", "energy"], "source": "measured"},
          "systems_in_use": "most",
          "network_security": ["policy", "products_services", "risk_assessment", "boundary_and_detection"],
          "data_security": ["policy", "risk_assessment"],
          "transformation_awareness": {"value": "first_changes"},
          "management_rules": "none",
          "digital_talent": ["dedicated_staff"],
          "digital_spend_share": 2,
          "energy_per_revenue": {"value": {"before": 1.0, "after": 0.9}, "source": "measured"},
          "monthly_pass_rate": "same",
          "revenue_per_head": {"before": 100, "after": 120},
          "cost_per_revenue": "same"
        }, "scenes": {"#,
    );
    let scenes: Vec<String> = SCENES.iter().map(|id| format!("\"{id}\": 3")).collect();
    json.push_str(&scenes.join(", "));
    json.push_str("}}");
    let answers: Answers = serde_json::from_str(&json)?;
    let result = support::score(&answers);
    assert_eq!(result.score.to_string(), "60");
    assert_eq!(result.level.zh, "三级");
    assert_eq!(
        result.measured,
        vec![
            s("equipment_networked_share"),
            s("auto_data_collection"),
            s("energy_per_revenue")
        ]
    );
    // A typo in a tagged answer is a parse error, not a silent default.
    let typo = r#"{"edition": "digital-2024", "answers": {"network": {"valeu": ["none"]}}}"#;
    assert!(serde_json::from_str::<Answers>(typo).is_err());
    let bad_source = r#"{"edition": "digital-2024", "answers": {"network": {"value": ["none"], "source": "guess"}}}"#;
    assert!(serde_json::from_str::<Answers>(bad_source).is_err());
    Ok(())
}

#[test]
fn the_blank_template_parses_and_lists_everything() -> Result<(), serde_json::Error> {
    let json = serde_json::to_string_pretty(&edition().template())?;
    let blank: Answers = serde_json::from_str(&json)?;
    let errors = problems(&blank);
    let unanswered: Vec<String> = errors
        .iter()
        .filter_map(|e| match e {
            E::Unanswered { question } => Some(question.clone()),
            _ => None,
        })
        .collect();
    let all: Vec<String> = edition().questions().map(|q| q.id.clone()).collect();
    assert_eq!(unanswered, all);
    let missing = errors
        .iter()
        .filter(|e| matches!(e, E::MissingScene { .. }))
        .count();
    assert_eq!(missing, 16);
    // Every option id is listed for the user.
    assert!(json.contains("human_resources — 人力资源 / Human resources (0.9 分)"));
    Ok(())
}
