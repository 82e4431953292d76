//! Tier eligibility: one evaluation per iteration (rules compiled once, verdict built and
//! dropped each time). Target: ≥ 1 million evaluations per second on one core (≤ 1 µs each).
//!
//! `cargo bench -p shangyun-rules --bench tier`

use criterion::{Criterion, criterion_group, criterion_main};
use shangyun_rules::tier::{Edition, EnterpriseProfile, LocalRules, Tier, TierRules};
use std::hint::black_box;

fn profile(text: &str) -> EnterpriseProfile {
    match EnterpriseProfile::from_json(text) {
        Ok(p) => p,
        Err(e) => panic!("example profile: {e}"),
    }
}

fn rules(edition: Edition, tier: Tier) -> &'static TierRules {
    match shangyun_rules::tier::rules(edition, tier) {
        Ok(r) => r,
        Err(e) => panic!("{edition} {tier}: {e}"),
    }
}

fn tier(c: &mut Criterion) {
    let innovative = profile(include_str!("../../tier/examples/innovative-eligible.json"));
    let specialized = profile(include_str!(
        "../../tier/examples/specialized-eligible.json"
    ));
    let empty = EnterpriseProfile::default();
    let local = match LocalRules::from_toml(shangyun_rules::tier::LOCAL_EXAMPLE) {
        Ok(l) => l,
        Err(e) => panic!("local example: {e}"),
    };

    let cases: [(&str, Edition, Tier, &EnterpriseProfile); 7] = [
        (
            "tier/2022/innovative",
            Edition::Y2022,
            Tier::Innovative,
            &innovative,
        ),
        (
            "tier/2022/specialized",
            Edition::Y2022,
            Tier::Specialized,
            &specialized,
        ),
        (
            "tier/2022/little-giant",
            Edition::Y2022,
            Tier::LittleGiant,
            &specialized,
        ),
        (
            "tier/2026/innovative",
            Edition::Y2026,
            Tier::Innovative,
            &innovative,
        ),
        (
            "tier/2026/specialized",
            Edition::Y2026,
            Tier::Specialized,
            &specialized,
        ),
        (
            "tier/2026/little-giant",
            Edition::Y2026,
            Tier::LittleGiant,
            &specialized,
        ),
        (
            "tier/2022/specialized/empty-profile",
            Edition::Y2022,
            Tier::Specialized,
            &empty,
        ),
    ];
    for (name, edition, tier, p) in cases {
        let r = rules(edition, tier);
        c.bench_function(name, |b| {
            b.iter(|| r.evaluate(black_box(p)).map(|v| v.outcome))
        });
    }
    let r = rules(Edition::Y2022, Tier::Specialized);
    c.bench_function("tier/2022/specialized/with-local", |b| {
        b.iter(|| {
            r.evaluate_with_local(black_box(&specialized), Some(&local))
                .map(|v| v.outcome)
        })
    });
}

criterion_group!(benches, tier);
criterion_main!(benches);
