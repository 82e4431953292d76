//! The data files against the tables of standards.md §3 — typed in again here from the
//! standard, so a slip in either place fails.

mod support;

use shangyun_digital::{Confidence, Edition, EditionError, OptionRole, QuestionKind};
use support::{edition, pts};

/// (question, 二级 dimension, kind, max, [(option, points)]) — standards.md §3.2 table.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [(&'static str, f64)],
);

const BANDS_6: &[(&str, f64)] = &[
    ("up_to_10", 0.0),
    ("over_10_to_20", 1.5),
    ("over_20_to_40", 3.0),
    ("over_40_to_60", 4.5),
    ("over_60", 6.0),
];

const QUESTIONS: &[Row] = &[
    (
        "network",
        "equipment_systems",
        "multi",
        8.0,
        &[
            ("none", 0.0),
            ("workshop_control_network", 2.0),
            ("converged_application_network", 2.0),
            ("industrial_5g", 2.0),
            ("full_site_coverage", 2.0),
        ],
    ),
    (
        "equipment_digital_share",
        "equipment_systems",
        "banded_number",
        6.0,
        BANDS_6,
    ),
    (
        "equipment_networked_share",
        "equipment_systems",
        "banded_number",
        6.0,
        BANDS_6,
    ),
    (
        "auto_data_collection",
        "data_collection",
        "multi",
        10.0,
        &[
            ("none", 0.0),
            ("product_design", 0.7),
            ("process_design", 0.7),
            ("marketing", 0.7),
            ("after_sales", 0.7),
            ("planning_scheduling", 0.7),
            ("production_control", 0.7),
            ("quality", 0.7),
            ("equipment", 0.7),
            ("safety", 0.7),
            ("energy", 0.7),
            ("procurement", 0.7),
            ("warehousing_logistics", 0.7),
            ("finance", 0.7),
            ("human_resources", 0.9),
        ],
    ),
    (
        "systems_in_use",
        "information_systems",
        "single",
        10.0,
        &[
            ("none", 0.0),
            ("one", 2.5),
            ("several", 5.0),
            ("most", 7.5),
            ("all", 10.0),
        ],
    ),
    (
        "network_security",
        "information_security",
        "multi",
        5.0,
        &[
            ("none", 0.0),
            ("policy", 1.25),
            ("products_services", 1.25),
            ("risk_assessment", 1.25),
            ("boundary_and_detection", 1.25),
        ],
    ),
    (
        "data_security",
        "information_security",
        "multi",
        5.0,
        &[
            ("none", 0.0),
            ("policy", 1.25),
            ("products_services", 1.25),
            ("risk_assessment", 1.25),
            ("data_inventory", 1.25),
        ],
    ),
    (
        "transformation_awareness",
        "planning",
        "single",
        7.5,
        &[
            ("none", 0.0),
            ("informed", 1.5),
            ("planned", 3.0),
            ("first_changes", 4.5),
            ("model_changed", 6.0),
            ("sharing", 7.5),
        ],
    ),
    (
        "management_rules",
        "planning",
        "multi",
        7.5,
        &[
            ("none", 0.0),
            ("transformation_workflow", 1.875),
            ("it_operations", 1.875),
            ("data_resources", 1.875),
            ("innovation_incentives", 1.875),
        ],
    ),
    (
        "digital_talent",
        "resources",
        "multi",
        7.5,
        &[
            ("none", 0.0),
            ("dedicated_staff", 1.5),
            ("post_or_department", 1.5),
            ("regular_training", 1.5),
            ("performance_pay", 1.5),
            ("talent_pipeline", 1.5),
        ],
    ),
    (
        "digital_spend_share",
        "resources",
        "banded_number",
        7.5,
        &[
            ("up_to_10", 0.0),
            ("over_10_to_20", 1.875),
            ("over_20_to_40", 3.75),
            ("over_40_to_60", 5.625),
            ("over_60", 7.5),
        ],
    ),
    (
        "energy_per_revenue",
        "green",
        "comparison",
        7.0,
        &[("up", 0.0), ("same", 3.5), ("down", 7.0)],
    ),
    (
        "monthly_pass_rate",
        "quality",
        "comparison",
        7.0,
        &[("down", 0.0), ("same", 3.5), ("up", 7.0)],
    ),
    (
        "revenue_per_head",
        "market",
        "comparison",
        3.0,
        &[("down", 0.0), ("same", 1.5), ("up", 3.0)],
    ),
    (
        "cost_per_revenue",
        "market",
        "comparison",
        3.0,
        &[("up", 0.0), ("same", 1.5), ("down", 3.0)],
    ),
];

#[test]
fn edition_names_its_document() {
    let info = edition().info();
    assert_eq!(info.id, "digital-2024");
    assert_eq!(info.document_number, "工信厅企业〔2024〕56号");
    assert_eq!(info.effective, "2024-09-04");
    assert_eq!(info.confidence, Confidence::Likely);
    assert_eq!(edition().max_score(), pts(100.0));
}

#[test]
fn every_question_matches_the_standard_table() {
    let e = edition();
    let ids: Vec<&str> = e.questions().map(|q| q.id.as_str()).collect();
    let expected: Vec<&str> = QUESTIONS.iter().map(|r| r.0).collect();
    assert_eq!(ids, expected, "question order");
    for (id, sub, kind, max, options) in QUESTIONS {
        let Some(q) = e.question(id) else {
            panic!("missing question {id}")
        };
        let parent = e
            .dimensions()
            .iter()
            .flat_map(|d| &d.subdimensions)
            .find(|s| s.questions.iter().any(|sq| sq.id == *id))
            .map(|s| s.id.as_str());
        assert_eq!(parent, Some(*sub), "{id} dimension");
        assert_eq!(q.kind.name(), *kind, "{id} kind");
        assert_eq!(q.max, pts(*max), "{id} max");
        let got: Vec<(&str, _)> = q
            .options
            .iter()
            .map(|o| (o.id.as_str(), o.points))
            .collect();
        let want: Vec<(&str, _)> = options.iter().map(|(o, p)| (*o, pts(*p))).collect();
        assert_eq!(got, want, "{id} options");
        assert!(!q.zh.is_empty() && !q.en.is_empty(), "{id} labels");
    }
}

#[test]
fn dimension_maxima_match_the_standard() {
    let expected = [
        ("foundation", "数字化基础", 50.0),
        ("management", "数字化管理", 30.0),
        ("outcomes", "数字化成效", 20.0),
    ];
    let dims = edition().dimensions();
    assert_eq!(dims.len(), expected.len());
    for (d, (id, zh, max)) in dims.iter().zip(expected) {
        assert_eq!((d.id.as_str(), d.zh.as_str(), d.max), (id, zh, pts(max)));
    }
    let subs: Vec<(&str, &str, _)> = dims
        .iter()
        .flat_map(|d| &d.subdimensions)
        .map(|s| (s.id.as_str(), s.zh.as_str(), s.max))
        .collect();
    assert_eq!(
        subs,
        vec![
            ("equipment_systems", "设备系统", pts(20.0)),
            ("data_collection", "数据采集", pts(10.0)),
            ("information_systems", "信息系统", pts(10.0)),
            ("information_security", "信息安全", pts(10.0)),
            ("planning", "规划管理", pts(15.0)),
            ("resources", "要素保障", pts(15.0)),
            ("green", "绿色低碳", pts(7.0)),
            ("quality", "产品质量", pts(7.0)),
            ("market", "市场效益", pts(6.0)),
        ]
    );
}

#[test]
fn banded_questions_use_half_open_bands() {
    let Some(q) = edition().question("equipment_digital_share") else {
        panic!("missing question")
    };
    let QuestionKind::BandedNumber {
        unit,
        min_value,
        max_value,
    } = &q.kind
    else {
        panic!("not banded")
    };
    assert_eq!((unit.as_str(), *min_value, *max_value), ("%", 0.0, 100.0));
    let bounds: Vec<_> = q
        .options
        .iter()
        .map(|o| match o.role {
            OptionRole::Band { above, up_to } => (above, up_to),
            _ => panic!("not a band"),
        })
        .collect();
    assert_eq!(
        bounds,
        vec![
            (None, Some(10.0)),
            (Some(10.0), Some(20.0)),
            (Some(20.0), Some(40.0)),
            (Some(40.0), Some(60.0)),
            (Some(60.0), None),
        ]
    );
}

#[test]
fn unsure_parts_are_marked() {
    let e = edition();
    let spend = e.question("digital_spend_share").map(|q| q.confidence);
    assert_eq!(spend, Some(Confidence::Unsure));
    let top = e
        .question("transformation_awareness")
        .and_then(|q| q.option("sharing"))
        .map(|o| o.confidence);
    assert_eq!(top, Some(Confidence::Unsure));
    assert_eq!(e.levels().confidence, Confidence::Unsure);
    let measurable: Vec<&str> = e
        .questions()
        .filter(|q| q.measurable)
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(
        measurable,
        vec![
            "equipment_digital_share",
            "equipment_networked_share",
            "auto_data_collection",
            "energy_per_revenue"
        ]
    );
}

#[test]
fn sixteen_scenes_ten_constraining() {
    // (scene, zh, group, ★) — standards.md §3.2.
    let expected = [
        ("product_design", "产品设计", "product_lifecycle", true),
        ("process_design", "工艺设计", "product_lifecycle", false),
        ("marketing", "营销管理", "product_lifecycle", true),
        ("after_sales", "售后服务", "product_lifecycle", false),
        ("planning_scheduling", "计划排程", "production", false),
        ("production_control", "生产管控", "production", true),
        ("quality", "质量管理", "production", true),
        ("equipment", "设备管理", "production", true),
        ("safety", "安全生产", "production", true),
        ("energy", "能耗管理", "production", true),
        ("procurement", "采购管理", "supply_chain", true),
        ("warehousing_logistics", "仓储物流", "supply_chain", true),
        ("finance", "财务管理", "management", true),
        ("human_resources", "人力资源", "management", false),
        ("collaborative_office", "协同办公", "management", false),
        ("decision_support", "决策支持", "management", false),
    ];
    let got: Vec<_> = edition()
        .scenes()
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.zh.as_str(),
                s.group.as_str(),
                s.constraining,
            )
        })
        .collect();
    assert_eq!(got, expected);
    // The alternative reading (9 without 产品设计) is recorded on the scene.
    let note = edition()
        .scene("product_design")
        .and_then(|s| s.note.clone());
    assert!(note.is_some_and(|n| n.contains("9 constraining")));
    assert_eq!(edition().scene_levels().len(), 4);
}

#[test]
fn level_table_matches_the_standard() {
    let rows: Vec<_> = edition()
        .levels()
        .levels
        .iter()
        .map(|l| {
            (
                l.zh.as_str(),
                l.min_score,
                l.scene_level,
                l.min_scenes,
                l.min_constraining,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("一级", pts(20.0), 1, 6, 3),
            ("二级", pts(40.0), 2, 6, 3),
            ("三级", pts(60.0), 3, 8, 5),
            ("四级", pts(80.0), 4, 10, 6),
        ]
    );
}

#[test]
fn bands_2022_match_the_standard() -> Result<(), Box<dyn std::error::Error>> {
    let bands = shangyun_digital::catalog()?
        .score_bands("digital-2022")
        .ok_or("no 2022 edition")?;
    assert_eq!(bands.info().document_number, "工信厅企业〔2022〕32号");
    assert_eq!(bands.info().confidence, Confidence::Firm);
    let rows: Vec<_> = bands
        .bands()
        .iter()
        .map(|b| (b.zh.as_str(), b.min_score))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("一级", 20.0),
            ("二级", 40.0),
            ("三级", 60.0),
            ("四级", 80.0)
        ]
    );
    Ok(())
}

// --- The consistency checks refuse a broken data file ------------------------------------------

const DATA: &str = include_str!("../editions/digital-2024.toml");

fn refuse(from: &str, to: &str) -> EditionError {
    assert!(DATA.contains(from), "test edit `{from}` not found");
    match Edition::from_toml(&DATA.replacen(from, to, 1)) {
        Ok(_) => panic!("edit `{from}` → `{to}` was accepted"),
        Err(e) => e,
    }
}

#[test]
fn option_points_must_add_up_to_the_question() {
    let e = refuse("points = 0.9", "points = 0.8");
    assert!(
        matches!(&e, EditionError::MaxMismatch { table: "question", id, .. } if id == "auto_data_collection"),
        "{e}"
    );
}

#[test]
fn question_maxima_must_add_up_to_the_dimension() {
    let e = refuse(
        "id = \"market\"\ndimension = \"outcomes\"\nzh = \"市场效益\"\nen = \"Market returns\"\nmax = 6",
        "id = \"market\"\ndimension = \"outcomes\"\nzh = \"市场效益\"\nen = \"Market returns\"\nmax = 7",
    );
    assert!(
        matches!(
            &e,
            EditionError::MaxMismatch {
                table: "subdimension",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn bands_must_tile() {
    let e = refuse("above = 20\nup_to = 40", "above = 25\nup_to = 40");
    assert!(
        matches!(&e, EditionError::BadQuestion { question, .. } if question == "equipment_digital_share"),
        "{e}"
    );
}

#[test]
fn unknown_fields_and_duplicate_ids_are_refused() {
    let e = refuse(
        "max_value = 100\nmeasurable = true",
        "max_value = 100\nmeasureable = true",
    );
    assert!(matches!(e, EditionError::Parse { .. }), "{e}");
    let e = refuse(
        "id = \"process_design\"\ngroup",
        "id = \"product_design\"\ngroup",
    );
    assert!(
        matches!(&e, EditionError::DuplicateId { table: "scene", .. }),
        "{e}"
    );
    let e = refuse("points = 1.875\n", "points = 1.8755\n");
    assert!(matches!(e, EditionError::Parse { .. }), "{e}");
}
