//! Scoring a full 2024 digital-level questionnaire (15 answers, 16 scenes): validation, points
//! per question and dimension, the level table and the explanation of why not higher.

use criterion::{Criterion, criterion_group, criterion_main};
use shangyun_rules::digital::{self, Answers};
use std::hint::black_box;

const EXAMPLE: &str = include_str!("../../digital/examples/answers-2024.json");

fn bench(c: &mut Criterion) {
    let catalog = match digital::catalog() {
        Ok(catalog) => catalog,
        Err(e) => panic!("embedded editions refused: {e}"),
    };
    let answers: Answers = match serde_json::from_str(EXAMPLE) {
        Ok(a) => a,
        Err(e) => panic!("example answers: {e}"),
    };
    if let Err(e) = catalog.score(&answers) {
        panic!("example answers do not score: {e}");
    }
    c.bench_function("digital/score_full_questionnaire", |b| {
        b.iter(|| catalog.score(black_box(&answers)))
    });
    c.bench_function("digital/parse_json_and_score", |b| {
        b.iter(|| {
            serde_json::from_str::<Answers>(black_box(EXAMPLE)).map(|a| catalog.score(&a).is_ok())
        })
    });
    c.bench_function("digital/level_2022", |b| {
        b.iter(|| digital::level_2022(black_box(57.5)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
