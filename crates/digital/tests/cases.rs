//! Worked questionnaires in `tests/cases/*.json`, each with its hand-computed expected result.
//! One test reads them all; a case file is `{description, answers, expected}` where `expected`
//! is either the result summary (score, points per dimension and question with the options that
//! counted, level, why not higher, measured answers, caveats) or `{errors: [...]}`.

use serde_json::{Map, Value, json};
use shangyun_digital::{Answers, Assessment, ScoreError};
use std::path::Path;

fn summary(a: &Assessment) -> Value {
    let mut dimensions = Map::new();
    let mut subdimensions = Map::new();
    let mut questions = Map::new();
    for d in &a.dimensions {
        dimensions.insert(d.id.clone(), json!(d.points.as_f64()));
        for s in &d.subdimensions {
            subdimensions.insert(s.id.clone(), json!(s.points.as_f64()));
            for q in &s.questions {
                let counted: Vec<&str> = q.counted.iter().map(|c| c.id.as_str()).collect();
                questions.insert(
                    q.id.clone(),
                    json!({ "points": q.points.as_f64(), "counted": counted }),
                );
            }
        }
    }
    json!({
        "edition": a.edition.id,
        "score": a.score.as_f64(),
        "dimensions": dimensions,
        "subdimensions": subdimensions,
        "questions": questions,
        "level": { "rank": a.level.rank, "zh": a.level.zh },
        "why_not_higher": a.level.why_not_higher.as_ref().map(|g| json!({ "en": g.explanation_en, "zh": g.explanation_zh })),
        "measured": a.measured,
        "caveats": a.caveats.iter().map(|c| c.subject.clone()).collect::<Vec<_>>(),
    })
}

/// JSON equality where numbers compare by value (`120` equals `120.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn worked_questionnaires() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "expected the worked cases in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &files {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        let answers: Answers = serde_json::from_value(case["answers"].clone())?;
        let actual = match shangyun_digital::score(&answers) {
            Ok(a) => summary(&a),
            Err(ScoreError::Invalid(e)) => json!({ "errors": serde_json::to_value(&e.errors)? }),
            Err(ScoreError::Data(e)) => return Err(e.into()),
        };
        if !same(&actual, &case["expected"]) {
            failures.push(format!(
                "{}:\nexpected {}\nactual   {}",
                path.display(),
                serde_json::to_string_pretty(&case["expected"])?,
                serde_json::to_string_pretty(&actual)?
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    Ok(())
}

#[test]
fn example_answers_file_scores() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers-2024.json");
    let answers: Answers = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let result = shangyun_digital::score(&answers)?;
    assert_eq!(
        (result.score.to_string().as_str(), result.level.zh.as_str()),
        ("66.275", "二级")
    );
    Ok(())
}
