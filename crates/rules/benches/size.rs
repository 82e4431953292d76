//! Size classification and code-list look-ups, ns per call.
//!
//! The bar for size classification is ≥ 5 million per second on one core (≤ 200 ns each).
//! Run: `cargo bench -p shangyun-rules --bench size`.

use criterion::{Criterion, criterion_group, criterion_main};
use shangyun_rules::codes::{IndustryList, RegionList};
use shangyun_rules::size::{Metrics, SizeEdition};
use std::hint::black_box;
use std::time::Duration;

/// One enterprise per group shape (X+Y, Y+Z, X+Z, Y only, X only), codes with and without
/// the section letter, plus a missing metric and an industry not covered.
fn mixed_inputs() -> Vec<(&'static str, Metrics)> {
    let m = |x: Option<u32>, y: Option<f64>, z: Option<f64>| Metrics {
        employees: x,
        revenue_wan: y,
        assets_wan: z,
    };
    vec![
        ("C3311", m(Some(500), Some(1500.0), None)),
        ("3311", m(Some(1200), Some(50000.0), None)),
        ("E4710", m(None, Some(7000.0), Some(300.0))),
        ("7111", m(Some(50), None, Some(9000.0))),
        ("0111", m(None, Some(45.0), None)),
        ("M7310", m(Some(120), None, None)),
        ("6511", m(Some(80), Some(60.0), None)),
        ("5910", m(Some(25), Some(250.0), None)),
        ("5211", m(Some(12), None, None)),
        ("J6621", m(Some(12), Some(100.0), None)),
    ]
}

fn size(c: &mut Criterion) {
    let edition = SizeEdition::edition_2011();
    let nbs = Metrics {
        employees: Some(500),
        revenue_wan: Some(1500.0),
        assets_wan: None,
    };
    c.bench_function("size/classify_nbs_example", |b| {
        b.iter(|| {
            edition
                .classify(black_box("C3311"), black_box(&nbs))
                .map(|o| o.class())
        })
    });
    let inputs = mixed_inputs();
    let per_iter = inputs.len();
    c.bench_function(&format!("size/classify_mixed_x{per_iter}"), |b| {
        b.iter(|| {
            let mut classified = 0u32;
            for (code, metrics) in black_box(&inputs) {
                if let Ok(outcome) = edition.classify(code, metrics) {
                    classified += u32::from(outcome.class().is_some());
                }
            }
            classified
        })
    });
    c.bench_function("size/group_for", |b| {
        b.iter(|| edition.group_for(black_box("5910")).map(|g| g.industry))
    });
    c.bench_function("size/explanation_text", |b| {
        b.iter(|| {
            edition
                .classify(black_box("C3311"), black_box(&nbs))
                .map(|o| o.to_string().len())
        })
    });
}

fn codes(c: &mut Criterion) {
    let regions = RegionList::embedded();
    let industries = IndustryList::embedded();
    c.bench_function("codes/region_get", |b| {
        b.iter(|| regions.get(black_box("330106")).map(|r| r.level()))
    });
    c.bench_function("codes/region_status", |b| {
        b.iter(|| regions.status(black_box("330106")))
    });
    c.bench_function("codes/region_ancestors", |b| {
        b.iter(|| {
            regions
                .get(black_box("330106"))
                .map(|r| regions.ancestors(r).count())
        })
    });
    c.bench_function("codes/region_search", |b| {
        b.iter(|| regions.search(black_box("杭州")).len())
    });
    c.bench_function("codes/industry_get", |b| {
        b.iter(|| industries.get(black_box("C3311")).map(|n| n.level()))
    });
    c.bench_function("codes/industry_get_no_letter", |b| {
        b.iter(|| industries.get(black_box("3311")).map(|n| n.level()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = size, codes
}
criterion_main!(benches);
