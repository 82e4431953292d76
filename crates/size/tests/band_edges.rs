//! Every group of the 2011 table at every band edge: the bound itself reaches the band, the
//! bound minus one person / minus 0.01 万元 drops one band. Bounds are copied from the
//! standard's table here, independently of the data file, so a typo in either fails.

use shangyun_size::{Metric, Metrics, SizeClass, SizeEdition, SizeOutcome};

/// (group number, a class code in the group, [(metric, large, medium, small)])
type Row = (u8, &'static str, &'static [(Metric, f64, f64, f64)]);

use Metric::{Assets as Z, Employees as X, Revenue as Y};

/// 《中小企业划型标准规定》 (工信部联企业〔2011〕300号), 第四条.
const TABLE: [Row; 16] = [
    (1, "0111", &[(Y, 20000.0, 500.0, 50.0)]),
    (
        2,
        "C3311",
        &[(X, 1000.0, 300.0, 20.0), (Y, 40000.0, 2000.0, 300.0)],
    ),
    (
        3,
        "4710",
        &[(Y, 80000.0, 6000.0, 300.0), (Z, 80000.0, 5000.0, 300.0)],
    ),
    (
        4,
        "5111",
        &[(X, 200.0, 20.0, 5.0), (Y, 40000.0, 5000.0, 1000.0)],
    ),
    (
        5,
        "5211",
        &[(X, 300.0, 50.0, 10.0), (Y, 20000.0, 500.0, 100.0)],
    ),
    (
        6,
        "5411",
        &[(X, 1000.0, 300.0, 20.0), (Y, 30000.0, 3000.0, 200.0)],
    ),
    (
        7,
        "5920",
        &[(X, 200.0, 100.0, 20.0), (Y, 30000.0, 1000.0, 100.0)],
    ),
    (
        8,
        "6010",
        &[(X, 1000.0, 300.0, 20.0), (Y, 30000.0, 2000.0, 100.0)],
    ),
    (
        9,
        "6110",
        &[(X, 300.0, 100.0, 10.0), (Y, 10000.0, 2000.0, 100.0)],
    ),
    (
        10,
        "6210",
        &[(X, 300.0, 100.0, 10.0), (Y, 10000.0, 2000.0, 100.0)],
    ),
    (
        11,
        "6311",
        &[(X, 2000.0, 100.0, 10.0), (Y, 100000.0, 1000.0, 100.0)],
    ),
    (
        12,
        "6511",
        &[(X, 300.0, 100.0, 10.0), (Y, 10000.0, 1000.0, 50.0)],
    ),
    (
        13,
        "7010",
        &[(Y, 200000.0, 1000.0, 100.0), (Z, 10000.0, 5000.0, 2000.0)],
    ),
    (
        14,
        "7020",
        &[(X, 1000.0, 300.0, 100.0), (Y, 5000.0, 1000.0, 500.0)],
    ),
    (
        15,
        "7111",
        &[(X, 300.0, 100.0, 10.0), (Z, 120000.0, 8000.0, 100.0)],
    ),
    (16, "7310", &[(X, 300.0, 100.0, 10.0)]),
];

fn metrics(values: &[(Metric, f64)]) -> Metrics {
    let mut m = Metrics::default();
    for &(metric, v) in values {
        match metric {
            // Employee counts in the table are whole numbers.
            X => m.employees = Some(v as u32),
            Y => m.revenue_wan = Some(v),
            Z => m.assets_wan = Some(v),
        }
    }
    m
}

fn class_of(code: &str, m: &Metrics) -> (SizeClass, u8) {
    match SizeEdition::edition_2011().classify(code, m) {
        Ok(SizeOutcome::Classified(c)) => (c.class, c.group.number),
        other => panic!("{code} {m:?}: {other:?}"),
    }
}

fn epsilon(metric: Metric) -> f64 {
    if metric == X { 1.0 } else { 0.01 }
}

#[test]
fn one_metric_at_each_edge_with_the_others_at_the_ceiling() {
    let mut cases = 0;
    for (number, code, rows) in TABLE {
        for (i, &(metric, large, medium, small)) in rows.iter().enumerate() {
            for (bound, at, below) in [
                (large, SizeClass::Large, SizeClass::Medium),
                (medium, SizeClass::Medium, SizeClass::Small),
                (small, SizeClass::Small, SizeClass::Micro),
            ] {
                for (value, expected) in [(bound, at), (bound - epsilon(metric), below)] {
                    let values: Vec<(Metric, f64)> = rows
                        .iter()
                        .enumerate()
                        .map(|(j, r)| (r.0, if i == j { value } else { r.1 }))
                        .collect();
                    let (class, group) = class_of(code, &metrics(&values));
                    assert_eq!(group, number, "{code}");
                    assert_eq!(
                        class, expected,
                        "group {number} {code}: {metric:?} = {value} (bound {bound})"
                    );
                    cases += 1;
                }
            }
        }
    }
    // 16 groups, 30 metric columns (14 groups × 2 + 2 × 1), 3 bounds, 2 sides.
    assert_eq!(cases, 30 * 3 * 2);
}

#[test]
fn every_metric_at_the_same_edge() {
    for (number, code, rows) in TABLE {
        for (pick, at, below) in [
            (0usize, SizeClass::Large, SizeClass::Medium),
            (1, SizeClass::Medium, SizeClass::Small),
            (2, SizeClass::Small, SizeClass::Micro),
        ] {
            let bound = |r: &(Metric, f64, f64, f64)| [r.1, r.2, r.3][pick];
            let at_edge: Vec<_> = rows.iter().map(|r| (r.0, bound(r))).collect();
            let below_edge: Vec<_> = rows
                .iter()
                .map(|r| (r.0, bound(r) - epsilon(r.0)))
                .collect();
            assert_eq!(class_of(code, &metrics(&at_edge)).0, at, "group {number}");
            assert_eq!(
                class_of(code, &metrics(&below_edge)).0,
                below,
                "group {number}"
            );
        }
        let zero: Vec<_> = rows.iter().map(|r| (r.0, 0.0)).collect();
        assert_eq!(
            class_of(code, &metrics(&zero)).0,
            SizeClass::Micro,
            "group {number}"
        );
    }
}

#[test]
fn a_band_missed_on_any_one_metric_drops_the_class() {
    // 工业: X at the ceiling but Y just under the small bound → 微型.
    let m = Metrics {
        employees: Some(5000),
        revenue_wan: Some(299.99),
        assets_wan: None,
    };
    assert_eq!(class_of("C3311", &m).0, SizeClass::Micro);
    // 建筑业: Y large, Z medium → 中型.
    let m = Metrics {
        employees: None,
        revenue_wan: Some(90000.0),
        assets_wan: Some(5000.0),
    };
    assert_eq!(class_of("E4710", &m).0, SizeClass::Medium);
}

#[test]
fn nbs_worked_example_industry_500_persons_1500_wan_is_small() {
    let m = Metrics {
        employees: Some(500),
        revenue_wan: Some(1500.0),
        assets_wan: None,
    };
    let outcome = SizeEdition::edition_2011().classify("C3311", &m);
    let Ok(SizeOutcome::Classified(c)) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(c.class, SizeClass::Small);
    assert_eq!(c.group.name_zh, "工业");
    assert_eq!(c.decided_by.iter().collect::<Vec<_>>(), [Y]);
    assert_eq!(c.missed, Some(SizeClass::Medium));
    assert_eq!(c.checks.get(X).map(|k| k.reached), Some(SizeClass::Medium));
    assert_eq!(c.checks.get(Y).map(|k| k.reached), Some(SizeClass::Small));
    assert_eq!(c.edition.id, "2011");
}
