//! `TierRules::outcome` (no account) agrees with `TierRules::evaluate` on random profiles, for
//! every edition and tier: the same outcome, the same missing fields, the same errors.

use proptest::prelude::*;
use shangyun_tier::{
    Award, AwardKind, Date, Edition, EnterpriseProfile, Outcome, OutcomeKind, RdInstitutionLevel,
    Tier, TitleHeld, TitleKind,
};

/// A field's change: mostly none (the base profile's value stays), else a new value or none.
fn change<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = Option<T>>,
) -> impl Strategy<Value = Option<Option<T>>> {
    prop::option::weighted(0.3, value)
}

fn set<T>(field: &mut Option<T>, change: Option<Option<T>>) {
    if let Some(value) = change {
        *field = value;
    }
}

/// An amount in 万元, mostly plausible, sometimes zero, rarely negative (an error).
fn amount() -> impl Strategy<Value = Option<Option<f64>>> {
    change(prop_oneof![
        3 => Just(None),
        12 => (0.0..50_000.0f64).prop_map(Some),
        1 => Just(Some(0.0)),
        1 => Just(Some(-5.0)),
    ])
}

fn count() -> impl Strategy<Value = Option<Option<u32>>> {
    change(prop_oneof![1 => Just(None), 5 => (0u32..400).prop_map(Some)])
}

fn flag() -> impl Strategy<Value = Option<Option<bool>>> {
    change(prop_oneof![Just(None), Just(Some(false)), Just(Some(true))])
}

fn titles() -> impl Strategy<Value = Option<Option<Vec<TitleHeld>>>> {
    let kind = prop_oneof![
        Just(TitleKind::InnovativeSme),
        Just(TitleKind::TechInnovativeSme),
        Just(TitleKind::SpecializedSme),
        Just(TitleKind::LittleGiant),
        Just(TitleKind::HighTechEnterprise),
    ];
    let title = (kind, 2020u16..2030).prop_map(|(title, year)| TitleHeld {
        title,
        edition: Some("2022".into()),
        expires_on: Date::new(year, 12, 31),
    });
    change(prop::option::of(prop::collection::vec(title, 0..3)))
}

fn awards() -> impl Strategy<Value = Option<Option<Vec<Award>>>> {
    let award = (0usize..3, prop::option::of(1u32..600)).prop_map(|(k, rank)| Award {
        kind: AwardKind::ALL[k],
        rank,
    });
    change(prop::option::of(prop::collection::vec(award, 0..2)))
}

/// The profiles changed: nothing on file, and the two example profiles that pass.
fn bases() -> [EnterpriseProfile; 3] {
    let example =
        |text: &str| EnterpriseProfile::from_json(text).expect("an example profile parses");
    [
        EnterpriseProfile::default(),
        example(include_str!("../examples/innovative-eligible.json")),
        example(include_str!("../examples/specialized-eligible.json")),
    ]
}

/// A base profile with some of its fields changed.
fn profile() -> impl Strategy<Value = EnterpriseProfile> {
    let money = (
        amount(),
        amount(),
        amount(),
        amount(),
        amount(),
        amount(),
        amount(),
        amount(),
    );
    let people = (count(), count(), count(), count(), count(), count());
    let level = (0usize..5).prop_map(|i| {
        [
            RdInstitutionLevel::None,
            RdInstitutionLevel::BelowCity,
            RdInstitutionLevel::City,
            RdInstitutionLevel::Provincial,
            RdInstitutionLevel::National,
        ][i]
    });
    let facts = (
        flag(),
        flag(),
        flag(),
        flag(),
        change(prop::option::of(0u8..6)),
        change(prop::option::of(0.0..100.0f64)),
        change(prop::option::of(0.0..30.0f64)),
        change(prop::option::of(level)),
    );
    let held = (titles(), awards(), amount(), flag(), flag(), flag(), flag());
    (0usize..3, money, people, facts, held).prop_map(|(base, m, n, f, h)| {
        let mut p = bases()[base].clone();
        set(&mut p.revenue, m.0);
        set(&mut p.revenue_prev, m.1);
        set(&mut p.revenue_prev2, m.2);
        set(&mut p.main_revenue, m.3);
        set(&mut p.main_revenue_prev, m.4);
        set(&mut p.rd_spend, m.5);
        set(&mut p.rd_spend_prev, m.6);
        set(&mut p.net_profit, m.7);
        set(&mut p.rd_staff, n.0);
        set(&mut p.total_staff, n.1);
        set(&mut p.ip_high_value_class1, n.2);
        set(&mut p.ip_class1, n.3);
        set(&mut p.ip_class2, n.4);
        set(&mut p.ip_self_developed_class1, n.5);
        set(&mut p.strategic_emerging_product, f.0);
        set(&mut p.own_brand, f.1);
        set(&mut p.quality_certification, f.2);
        set(&mut p.standard_participation, f.3);
        set(&mut p.digital_level, f.4);
        set(&mut p.debt_ratio_pct, f.5);
        set(&mut p.niche_years, f.6);
        set(&mut p.rd_institution_level, f.7);
        set(&mut p.titles, h.0);
        set(&mut p.awards, h.1);
        set(&mut p.equity_raised_2y, h.2);
        set(&mut p.is_sme, h.3);
        set(&mut p.independent_legal_person, h.4);
        set(&mut p.not_listed_abnormal_or_dishonest, h.5);
        set(&mut p.no_major_incidents, h.6);
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_outcome_alone_is_the_verdicts_outcome(p in profile()) {
        for edition in Edition::ALL {
            for tier in Tier::ALL {
                let rules = shangyun_tier::rules(edition, tier).expect("every edition and tier has rules");
                match (rules.outcome(&p), rules.evaluate(&p)) {
                    (Ok(kind), Ok(verdict)) => prop_assert_eq!(Outcome::from(kind), verdict.outcome),
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{edition:?} {tier:?}: {a:?} vs {:?}", b.map(|v| v.outcome)),
                }
            }
        }
    }
}

/// The generator reaches every outcome and the error path, so the property above is not
/// vacuous.
#[test]
fn random_profiles_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = [0u32; 4]; // eligible, not eligible, not enough data, error
    for _ in 0..3000 {
        let p = profile()
            .new_tree(&mut runner)
            .expect("the generator makes a profile")
            .current();
        for edition in Edition::ALL {
            for tier in Tier::ALL {
                let slot = match shangyun_tier::rules(edition, tier)
                    .expect("every edition and tier has rules")
                    .outcome(&p)
                {
                    Ok(OutcomeKind::Eligible) => 0,
                    Ok(OutcomeKind::NotEligible) => 1,
                    Ok(OutcomeKind::NotEnoughData { .. }) => 2,
                    Err(_) => 3,
                };
                seen[slot] += 1;
            }
        }
    }
    assert!(seen.iter().all(|&n| n > 0), "outcomes seen: {seen:?}");
}
