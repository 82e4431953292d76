//! Properties: energy is never negative; input order does not matter; splitting the time range
//! anywhere, or the readings at any shared reading, gives the same total.

use proptest::prelude::*;
use shangyun_energy::calendar::by_day;
use shangyun_energy::{MeterKind, MeterRules, Reading, meter_energy, window_kwh};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// A counter series with increments and occasional resets (drops well above the noise).
fn counter_series() -> impl Strategy<Value = Vec<Reading>> {
    prop::collection::vec(
        (1i64..3_600_000, 0.0f64..50.0, prop::bool::weighted(0.05)),
        1..80,
    )
    .prop_map(|steps| {
        let mut t = 1_700_000_000_000i64;
        let mut v = 1000.0;
        let mut out = vec![(t, v)];
        for (dt, inc, reset) in steps {
            t += dt;
            v = if reset { inc } else { v + inc };
            out.push((t, v));
        }
        out
    })
}

fn any_readings() -> impl Strategy<Value = Vec<Reading>> {
    prop::collection::vec(
        (1_700_000_000_000i64..1_710_000_000_000, prop::num::f64::ANY),
        0..60,
    )
}

proptest! {
    #[test]
    fn energy_is_never_negative_for_any_input(r in any_readings(), wrap in prop::option::of(1.0f64..1e6)) {
        for kind in [MeterKind::CumulativeKwh { wrap_at: wrap }, MeterKind::PowerKw] {
            let e = meter_energy(kind, &MeterRules::default(), &r);
            prop_assert!(e.intervals.iter().all(|i| i.kwh >= 0.0 && i.end > i.start));
            let days = by_day(shangyun_energy::DEFAULT_TZ, &e.intervals);
            prop_assert!(days.values().all(|k| *k >= 0.0));
        }
    }

    #[test]
    fn order_does_not_matter(mut r in counter_series(), seed in any::<u64>()) {
        let a = meter_energy(MeterKind::CumulativeKwh { wrap_at: None }, &MeterRules::default(), &r);
        // deterministic shuffle
        let n = r.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            r.swap(i, (s >> 33) as usize % (i + 1));
        }
        let b = meter_energy(MeterKind::CumulativeKwh { wrap_at: None }, &MeterRules::default(), &r);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn splitting_the_window_anywhere_keeps_the_total(r in counter_series(), cut in 0.0f64..1.0) {
        let kind = MeterKind::CumulativeKwh { wrap_at: None };
        let rules = MeterRules::default();
        let (start, end) = (r[0].0, r[r.len() - 1].0 + 1);
        let mid = start + ((end - start) as f64 * cut) as i64;
        let whole = window_kwh(kind, &rules, &r, start, end);
        let parts = window_kwh(kind, &rules, &r, start, mid) + window_kwh(kind, &rules, &r, mid, end);
        prop_assert!(close(whole, parts), "{} vs {}", whole, parts);
        let total = meter_energy(kind, &rules, &r).total_kwh();
        prop_assert!(close(whole, total));
        let by_days: f64 = by_day(shangyun_energy::DEFAULT_TZ, &meter_energy(kind, &rules, &r).intervals).values().sum();
        prop_assert!(close(by_days, total));
    }

    #[test]
    fn splitting_the_readings_at_a_shared_reading_keeps_the_total(r in counter_series(), k in any::<prop::sample::Index>()) {
        let kind = MeterKind::CumulativeKwh { wrap_at: None };
        let rules = MeterRules::default();
        let k = k.index(r.len());
        let whole = meter_energy(kind, &rules, &r).total_kwh();
        let a = meter_energy(kind, &rules, &r[..=k]).total_kwh();
        let b = meter_energy(kind, &rules, &r[k..]).total_kwh();
        prop_assert!(close(whole, a + b), "{} vs {} + {}", whole, a, b);
    }

    #[test]
    fn power_split_at_a_shared_reading_keeps_the_total(p in prop::collection::vec((1i64..1_800_000, -5.0f64..500.0), 1..80), k in any::<prop::sample::Index>()) {
        let mut t = 1_700_000_000_000i64;
        let r: Vec<Reading> = p.into_iter().map(|(dt, kw)| { t += dt; (t, kw) }).collect();
        let rules = MeterRules::default();
        let k = k.index(r.len());
        let whole = meter_energy(MeterKind::PowerKw, &rules, &r).total_kwh();
        let a = meter_energy(MeterKind::PowerKw, &rules, &r[..=k]).total_kwh();
        let b = meter_energy(MeterKind::PowerKw, &rules, &r[k..]).total_kwh();
        prop_assert!(close(whole, a + b));
        prop_assert!(whole >= 0.0);
    }
}
