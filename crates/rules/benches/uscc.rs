//! Nanoseconds per identifier validation: USCC (structure, and with the GB/T 2260 region
//! look-up), organization code, and the full report the CLI prints.
//!
//! `cargo bench -p shangyun-rules --bench uscc -- --quick`

use criterion::{Criterion, criterion_group, criterion_main};
use shangyun_rules::codes;
use shangyun_rules::ids::{self, OrgCode, RegionStatus, Uscc};
use std::hint::black_box;

fn region_in_gbt2260(code: &str) -> RegionStatus {
    match codes::region_status(code) {
        codes::RegionStatus::Current => RegionStatus::Current,
        codes::RegionStatus::Retired { .. } => RegionStatus::Retired,
        codes::RegionStatus::Unknown => RegionStatus::Unknown,
    }
}

fn identifiers(c: &mut Criterion) {
    // Warm the embedded tables so their one-time parse is not measured.
    let _ = Uscc::parse("91350100M000100Y43");
    let _ = region_in_gbt2260("350100");

    c.bench_function("uscc/parse (structure, valid)", |b| {
        b.iter(|| Uscc::parse(black_box("91350100M000100Y43")).is_ok())
    });
    c.bench_function("uscc/parse (bad check character)", |b| {
        b.iter(|| Uscc::parse(black_box("91350100M000100Y44")).is_err())
    });
    c.bench_function("uscc/parse (messy input: full-width, spaces)", |b| {
        b.iter(|| Uscc::parse(black_box("９１３５ ０１００ m000-100y 43")).is_ok())
    });
    c.bench_function("uscc/validate_with (GB/T 2260 region)", |b| {
        b.iter(|| Uscc::validate_with(black_box("91350100M000100Y43"), &region_in_gbt2260).is_ok())
    });
    c.bench_function("org_code/parse (valid)", |b| {
        b.iter(|| OrgCode::parse(black_box("M000100Y4")).is_ok())
    });
    c.bench_function("check_identifier (CLI report, USCC with region)", |b| {
        b.iter(|| {
            ids::check_identifier(black_box("91350100M000100Y43"), Some(&region_in_gbt2260)).valid
        })
    });
}

criterion_group!(benches, identifiers);
criterion_main!(benches);
