//! The overall level table at its edges, and the explanation of why not one level higher.

mod support;

use shangyun_digital::{Condition, GradedScene, LevelOutcome, Points};
use support::{edition, pts, score, sixty_points, with_scenes};

/// `total` scenes at `level`, the first `constraining` of them constraining; the rest at L1.
fn scenes(level: u8, total: usize, constraining: usize) -> Vec<GradedScene> {
    let mut out: Vec<GradedScene> = (0..total)
        .map(|i| GradedScene {
            level,
            constraining: i < constraining,
        })
        .collect();
    // Fill up to 16 with L1 scenes; keep the edition's 10 constraining in total.
    let constraining_left = 10usize.saturating_sub(constraining);
    let fill = 16usize.saturating_sub(total);
    out.extend((0..fill).map(|i| GradedScene {
        level: 1,
        constraining: i < constraining_left,
    }));
    out
}

fn level(score: Points, graded: &[GradedScene]) -> LevelOutcome {
    edition().levels().evaluate(score, graded)
}

fn rank(score: f64, graded: &[GradedScene]) -> u8 {
    level(pts(score), graded).rank
}

#[test]
fn score_edges() {
    let top = scenes(4, 16, 10);
    // (score, rank): edge and edge − 0.001 / edge − 0.01 for every level.
    let table = [
        (0.0, 0),
        (19.999, 0),
        (20.0, 1),
        (39.99, 1),
        (40.0, 2),
        (59.99, 2),
        (59.999, 2),
        (60.0, 3),
        (79.999, 3),
        (80.0, 4),
        (100.0, 4),
    ];
    for (s, r) in table {
        assert_eq!(rank(s, &top), r, "score {s}");
    }
}

#[test]
fn level_3_scene_counts_at_edge_and_edge_minus_one() {
    assert_eq!(rank(70.0, &scenes(3, 8, 5)), 3);
    assert_eq!(rank(70.0, &scenes(3, 7, 5)), 2, "7 scenes at L3");
    assert_eq!(rank(70.0, &scenes(3, 8, 4)), 2, "4 constraining at L3");
}

#[test]
fn level_4_scene_counts_at_edge_and_edge_minus_one() {
    assert_eq!(rank(90.0, &scenes(4, 10, 6)), 4);
    assert_eq!(
        rank(90.0, &scenes(4, 9, 6)),
        3,
        "9 scenes at L4 (all still ≥ L3)"
    );
    assert_eq!(rank(90.0, &scenes(4, 10, 5)), 3, "5 constraining at L4");
}

#[test]
fn level_2_and_1_scene_counts() {
    assert_eq!(rank(50.0, &scenes(2, 6, 3)), 2);
    assert_eq!(rank(50.0, &scenes(2, 5, 3)), 1, "5 scenes at L2");
    assert_eq!(rank(50.0, &scenes(2, 6, 2)), 1, "2 constraining at L2");
    // 一级 counts scenes at ≥ L1: every graded scene.
    let few: Vec<GradedScene> = (0..6)
        .map(|i| GradedScene {
            level: 1,
            constraining: i < 3,
        })
        .collect();
    assert_eq!(rank(30.0, &few), 1);
    assert_eq!(rank(30.0, &few[..5]), 0, "5 scenes");
    let two_constraining: Vec<GradedScene> = (0..6)
        .map(|i| GradedScene {
            level: 1,
            constraining: i < 2,
        })
        .collect();
    assert_eq!(rank(30.0, &two_constraining), 0, "2 constraining");
}

#[test]
fn why_not_higher_names_every_failed_condition() {
    let outcome = level(pts(57.5), &scenes(3, 6, 4));
    assert_eq!(outcome.zh, "二级");
    let Some(gap) = &outcome.why_not_higher else {
        panic!("no gap at 二级")
    };
    assert_eq!(
        gap.explanation_en,
        "三级 (Level 3) needs score ≥ 60 (have 57.5) and ≥ 8 scenes at ≥ L3 (have 6) with ≥ 5 constraining (have 4)"
    );
    assert_eq!(
        gap.explanation_zh,
        "三级需要：得分 ≥ 60（现为 57.5）；≥ L3 的场景 ≥ 8 个（现有 6 个），其中约束性场景 ≥ 5 个（现有 4 个）"
    );
    assert_eq!(
        gap.failed,
        vec![
            Condition::Score {
                need: pts(60.0),
                have: pts(57.5),
                met: false
            },
            Condition::Scenes {
                scene_level: 3,
                need: 8,
                have: 6,
                met: false
            },
            Condition::ConstrainingScenes {
                scene_level: 3,
                need: 5,
                have: 4,
                met: false
            },
        ]
    );
}

#[test]
fn why_not_higher_with_one_failed_condition() {
    let outcome = level(pts(85.0), &scenes(4, 10, 5));
    assert_eq!(outcome.zh, "三级");
    let gap = outcome
        .why_not_higher
        .map(|g| (g.explanation_en, g.explanation_zh));
    assert_eq!(
        gap,
        Some((
            "四级 (Level 4) needs ≥ 6 constraining scenes at ≥ L4 (have 5)".to_owned(),
            "四级需要：≥ L4 的约束性场景 ≥ 6 个（现有 5 个）".to_owned()
        ))
    );
}

#[test]
fn top_and_bottom() {
    let top = level(pts(100.0), &scenes(4, 16, 10));
    assert_eq!((top.rank, top.zh.as_str()), (4, "四级"));
    assert_eq!(top.why_not_higher, None);
    let bottom = level(pts(12.25), &scenes(1, 16, 10));
    assert_eq!(
        (bottom.rank, bottom.zh.as_str(), bottom.en.as_str()),
        (0, "未达一级", "Below level 1")
    );
    assert_eq!(
        bottom.why_not_higher.map(|g| g.explanation_en),
        Some("一级 (Level 1) needs score ≥ 20 (have 12.25)".to_owned())
    );
    // Every level's conditions are reported, lowest first.
    assert_eq!(
        top.checks.iter().map(|c| c.rank).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
}

#[test]
fn questionnaire_at_sixty_and_one_step_below() {
    // Scenes: 8 at L3 with 5 constraining (product_design, marketing, production_control,
    // quality, equipment) + process_design, after_sales, planning_scheduling; the rest L2.
    let levels = [3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2];
    let at_sixty = score(&with_scenes(sixty_points(), levels));
    assert_eq!(at_sixty.score, pts(60.0));
    assert_eq!(at_sixty.level.zh, "三级");
    // One data-collection link fewer: 59.3.
    let fewer = sixty_points().with(
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
        ],
    );
    let below = score(&with_scenes(fewer, levels));
    assert_eq!(below.score, pts(59.3));
    assert_eq!(below.level.zh, "二级");
    assert_eq!(
        below.level.why_not_higher.map(|g| g.explanation_en),
        Some("三级 (Level 3) needs score ≥ 60 (have 59.3)".to_owned())
    );
    // One constraining scene fewer at L3 (equipment → L2): 4 constraining.
    let mut one_less = levels;
    one_less[7] = 2;
    let result = score(&with_scenes(sixty_points(), one_less));
    assert_eq!(result.level.zh, "二级");
    assert_eq!(
        result.level.why_not_higher.map(|g| g.explanation_en),
        Some(
            "三级 (Level 3) needs ≥ 8 scenes at ≥ L3 (have 7) with ≥ 5 constraining (have 4)"
                .to_owned()
        )
    );
}

#[test]
fn edition_2022_score_bands() -> Result<(), shangyun_digital::ScoreError> {
    let table = [
        (0.0, 0),
        (19.99, 0),
        (20.0, 1),
        (39.99, 1),
        (40.0, 2),
        (59.99, 2),
        (60.0, 3),
        (79.99, 3),
        (80.0, 4),
        (100.0, 4),
    ];
    for (s, r) in table {
        assert_eq!(shangyun_digital::level_2022(s)?.rank, r, "score {s}");
    }
    let result = shangyun_digital::level_2022(80.0)?;
    assert_eq!(
        (result.zh.as_str(), result.threshold, result.why_not_higher),
        ("四级", Some(80.0), None)
    );
    assert_eq!(result.edition.id, "digital-2022");
    let below = shangyun_digital::level_2022(19.99)?;
    assert_eq!(below.zh, "未达一级");
    assert_eq!(
        below.why_not_higher.map(|g| g.explanation_zh),
        Some("一级需要：得分 ≥ 20（现为 19.99）".to_owned())
    );
    for bad in [-0.01, 100.01, f64::NAN] {
        assert!(
            matches!(
                shangyun_digital::level_2022(bad),
                Err(shangyun_digital::ScoreError::Invalid(_))
            ),
            "{bad}"
        );
    }
    Ok(())
}
