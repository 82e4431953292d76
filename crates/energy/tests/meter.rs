//! Counters and power meters, one decision per test, each checked against hand arithmetic.

use shangyun_energy::{AdjustmentKind, MeterKind, MeterRules, meter_energy};

const MIN: i64 = 60_000;
const COUNTER: MeterKind = MeterKind::CumulativeKwh { wrap_at: None };

fn kinds(e: &shangyun_energy::MeterEnergy) -> Vec<AdjustmentKind> {
    e.adjustments.iter().map(|a| a.kind).collect()
}

#[test]
fn counter_wrap_around_counts_the_wrapped_delta() {
    let kind = MeterKind::CumulativeKwh {
        wrap_at: Some(100_000.0),
    };
    let e = meter_energy(
        kind,
        &MeterRules::default(),
        &[(0, 99_990.0), (MIN, 99_998.0), (2 * MIN, 3.0)],
    );
    assert!((e.total_kwh() - 13.0).abs() < 1e-9, "{}", e.total_kwh());
    assert_eq!(kinds(&e), vec![AdjustmentKind::Wrap]);
    assert!(e.adjustments[0].explanation.contains("rolled over"));
    assert!((e.adjustments[0].kwh - 5.0).abs() < 1e-9);
}

#[test]
fn a_drop_far_from_the_capacity_is_a_reset_not_a_wrap() {
    let kind = MeterKind::CumulativeKwh {
        wrap_at: Some(100_000.0),
    };
    let e = meter_energy(
        kind,
        &MeterRules::default(),
        &[(0, 500.0), (MIN, 510.0), (2 * MIN, 2.0), (3 * MIN, 4.0)],
    );
    assert!((e.total_kwh() - 14.0).abs() < 1e-9);
    assert_eq!(kinds(&e), vec![AdjustmentKind::Reset]);
    assert!(e.adjustments[0].explanation.contains("reset"));
}

#[test]
fn counter_noise_is_not_a_reset_and_is_not_counted_twice() {
    let e = meter_energy(
        COUNTER,
        &MeterRules::default(),
        &[(0, 10.0), (MIN, 10.5), (2 * MIN, 10.495), (3 * MIN, 11.0)],
    );
    assert!((e.total_kwh() - 1.0).abs() < 1e-9, "{}", e.total_kwh());
    assert_eq!(kinds(&e), vec![AdjustmentKind::Noise]);
}

#[test]
fn counter_gap_is_counted_and_reported() {
    let rules = MeterRules {
        max_gap_ms: 15 * MIN,
        counter_gap_ms: 15 * MIN,
        noise_kwh: 0.01,
    };
    let e = meter_energy(
        COUNTER,
        &rules,
        &[(0, 10.0), (MIN, 11.0), (121 * MIN, 31.0)],
    );
    assert!((e.total_kwh() - 21.0).abs() < 1e-9);
    assert_eq!(kinds(&e), vec![AdjustmentKind::Gap]);
    assert!(e.adjustments[0].explanation.contains("2.00 h"));
    assert_eq!(e.intervals[1].start, MIN);
    assert_eq!(e.intervals[1].end, 121 * MIN);
}

#[test]
fn out_of_order_input_gives_the_same_energy_and_duplicates_keep_the_last() {
    let sorted = [(0, 1.0), (MIN, 2.0), (2 * MIN, 4.0), (3 * MIN, 7.0)];
    let shuffled = [(2 * MIN, 4.0), (0, 1.0), (3 * MIN, 7.0), (MIN, 2.0)];
    let a = meter_energy(COUNTER, &MeterRules::default(), &sorted);
    let b = meter_energy(COUNTER, &MeterRules::default(), &shuffled);
    assert_eq!(a, b);
    let dup = [(0, 1.0), (MIN, 2.0), (MIN, 3.0), (2 * MIN, 4.0)];
    let d = meter_energy(COUNTER, &MeterRules::default(), &dup);
    assert_eq!(kinds(&d), vec![AdjustmentKind::Duplicate]);
    assert!((d.intervals[0].kwh - 2.0).abs() < 1e-9); // 1 → 3 (the later reading kept)
}

#[test]
fn invalid_readings_are_ignored_and_reported() {
    let e = meter_energy(
        COUNTER,
        &MeterRules::default(),
        &[(0, 1.0), (MIN, f64::NAN), (2 * MIN, -5.0), (3 * MIN, 2.0)],
    );
    assert!((e.total_kwh() - 1.0).abs() < 1e-9);
    assert_eq!(
        kinds(&e),
        vec![AdjustmentKind::Invalid, AdjustmentKind::Invalid]
    );
}

#[test]
fn power_is_integrated_by_the_trapezoid_rule() {
    // 0 → 10 kW over 30 min, then 10 kW for 30 min: 2.5 + 5 = 7.5 kWh.
    let e = meter_energy(
        MeterKind::PowerKw,
        &MeterRules::default(),
        &[
            (0, 0.0),
            (15 * MIN, 5.0),
            (30 * MIN, 10.0),
            (45 * MIN, 10.0),
            (60 * MIN, 10.0),
        ],
    );
    assert!((e.total_kwh() - 7.5).abs() < 1e-9, "{}", e.total_kwh());
    assert!(e.adjustments.is_empty());
}

#[test]
fn power_gap_beyond_the_limit_assumes_no_energy() {
    let rules = MeterRules {
        max_gap_ms: 15 * MIN,
        counter_gap_ms: 15 * MIN,
        noise_kwh: 0.01,
    };
    let e = meter_energy(
        MeterKind::PowerKw,
        &rules,
        &[
            (0, 10.0),
            (15 * MIN, 10.0),
            (75 * MIN, 10.0),
            (90 * MIN, 10.0),
        ],
    );
    assert!((e.total_kwh() - 5.0).abs() < 1e-9);
    assert_eq!(kinds(&e), vec![AdjustmentKind::GapSkipped]);
    assert!(e.adjustments[0].explanation.contains("no energy assumed"));
}

#[test]
fn negative_power_counts_as_zero() {
    let e = meter_energy(
        MeterKind::PowerKw,
        &MeterRules::default(),
        &[(0, -4.0), (6 * MIN, 4.0)],
    );
    assert!((e.total_kwh() - 0.2).abs() < 1e-9); // (0 + 4) / 2 × 0.1 h
    assert_eq!(kinds(&e), vec![AdjustmentKind::NegativePower]);
}

#[test]
fn empty_and_single_readings_give_nothing() {
    assert_eq!(
        meter_energy(COUNTER, &MeterRules::default(), &[]).total_kwh(),
        0.0
    );
    assert_eq!(
        meter_energy(MeterKind::PowerKw, &MeterRules::default(), &[(5, 3.0)]).total_kwh(),
        0.0
    );
}
