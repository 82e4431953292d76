//! The synthetic registry: deterministic, valid, spread like the real one, and importable.

use chrono::{Datelike, NaiveDate};
use shangyun_demo::{LAST_YEAR, generate, write_csv, write_xlsx};
use shangyun_import::Importer;
use shangyun_rules::ids::Uscc;
use shangyun_rules::size::{Metrics, SizeClass, classify};
use shangyun_sheets::SheetReader;
use std::collections::{HashMap, HashSet};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const N: usize = 20_000;

#[test]
fn same_seed_same_registry_and_smaller_n_is_a_prefix() {
    let a: Vec<_> = generate(200, 11).collect();
    let b: Vec<_> = generate(200, 11).collect();
    assert_eq!(a, b);
    let prefix: Vec<_> = generate(50, 11).collect();
    assert_eq!(prefix[..], a[..50]);
    let other: Vec<_> = generate(200, 12).collect();
    assert_ne!(a, other);
}

#[test]
fn every_uscc_is_valid_unique_and_carries_the_registered_region() {
    let mut seen = HashSet::new();
    for (firm, years) in generate(N, 1) {
        let uscc = Uscc::parse(&firm.uscc);
        assert!(uscc.is_ok(), "{}: {uscc:?}", firm.uscc);
        assert_eq!(&firm.uscc[2..8], firm.registered_region);
        assert!(seen.insert(firm.uscc.clone()), "duplicate {}", firm.uscc);
        assert!(years.iter().all(|y| y.uscc == firm.uscc));
    }
}

#[test]
fn provinces_are_spread_like_smes() {
    let mut by_province: HashMap<String, usize> = HashMap::new();
    for (firm, _) in generate(N, 2) {
        *by_province
            .entry(firm.registered_region[..2].to_string())
            .or_default() += 1;
    }
    let share = |p: &str| by_province.get(p).copied().unwrap_or(0) as f64 / N as f64;
    let top = by_province
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(p, _)| p.as_str());
    assert_eq!(top, Some("44")); // 广东
    let big_four = share("44") + share("32") + share("33") + share("37");
    assert!((0.38..0.50).contains(&big_four), "{big_four}");
    assert!(share("54") < 0.01); // 西藏
    assert!(by_province.len() >= 30, "{}", by_province.len());
    assert!(!by_province.contains_key("71") && !by_province.contains_key("81"));
}

#[test]
fn industries_are_manufacturing_heavy_over_many_classes() {
    let mut classes = HashSet::new();
    let mut manufacturing = 0usize;
    for (firm, _) in generate(N, 3) {
        let section = shangyun_rules::codes::IndustryList::embedded()
            .get(&firm.industry)
            .map(|n| n.section());
        if section == Ok('C') {
            manufacturing += 1;
        }
        assert_eq!(firm.industry.len(), 4);
        classes.insert(firm.industry);
    }
    let share = manufacturing as f64 / N as f64;
    assert!((0.30..0.38).contains(&share), "{share}");
    assert!(classes.len() > 600, "{}", classes.len());
}

#[test]
fn mostly_micro_and_small_few_medium_rare_large() {
    let mut counts: HashMap<Option<SizeClass>, usize> = HashMap::new();
    for (firm, years) in generate(N, 4) {
        let Some(last) = years.last() else { continue };
        let metrics = Metrics {
            employees: last.employees.and_then(|e| u32::try_from(e).ok()),
            revenue_wan: last.revenue,
            assets_wan: last.assets,
        };
        let class = classify(&firm.industry, &metrics)
            .ok()
            .and_then(|o| o.class());
        *counts.entry(class).or_default() += 1;
    }
    let share = |c: SizeClass| counts.get(&Some(c)).copied().unwrap_or(0) as f64 / N as f64;
    let (micro, small, medium, large) = (
        share(SizeClass::Micro),
        share(SizeClass::Small),
        share(SizeClass::Medium),
        share(SizeClass::Large),
    );
    assert!(micro + small > 0.80, "{counts:?}");
    assert!(micro > 0.3 && small > 0.15, "{counts:?}");
    assert!((0.005..0.15).contains(&medium), "{counts:?}");
    assert!(large < 0.01 && large > 0.0, "{counts:?}");
}

#[test]
fn figures_are_consistent() {
    for (firm, years) in generate(N, 5) {
        assert!((1..=3).contains(&years.len()));
        assert_eq!(years.last().map(|y| y.year), Some(LAST_YEAR));
        let founded = firm.founded.map(|d| d.year()).unwrap_or(0);
        assert!(founded <= years[0].year, "{} founded {founded}", firm.uscc);
        for pair in years.windows(2) {
            assert_eq!(pair[1].year, pair[0].year + 1);
        }
        for y in &years {
            let employees = y.employees.unwrap_or(0);
            assert!(employees >= 1);
            assert!(y.rd_staff.unwrap_or(0) <= employees);
            assert!(y.ip_class1_high_value <= y.ip_class1);
            assert!(y.main_business_revenue <= y.revenue);
            assert!(y.debt_ratio.is_some_and(|d| (0.0..=100.0).contains(&d)));
            assert!(y.revenue.is_some_and(|r| r > 0.0));
        }
    }
}

#[test]
fn the_demo_csv_imports_without_a_single_problem() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("demo.csv");
    let written = write_csv(&path, 3_000, 9)?;
    assert_eq!(written.rows, 3_000);
    let mut sheet = SheetReader::open(&path)?;
    let today = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?;
    let importer = Importer::new().today(today);
    let mut import = importer.start(sheet.rows()?)?;
    assert!(
        import.header().warnings.is_empty(),
        "{:?}",
        import.header().warnings
    );
    for outcome in &mut import {
        let outcome = outcome?;
        assert!(
            outcome.errors.is_empty(),
            "row {}: {:?}",
            outcome.row,
            outcome.errors
        );
        assert!(
            outcome.warnings.is_empty(),
            "row {}: {:?}",
            outcome.row,
            outcome.warnings
        );
    }
    assert_eq!(import.summary().imported, 3_000);
    Ok(())
}

#[test]
fn the_demo_xlsx_imports_the_same_records_as_the_csv() -> TestResult {
    let dir = tempfile::tempdir()?;
    let today = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?;
    let importer = Importer::new().today(today);
    let mut records = Vec::new();
    for name in ["demo.xlsx", "demo.csv"] {
        let path = dir.path().join(name);
        if name.ends_with("xlsx") {
            write_xlsx(&path, 500, 10)?;
        } else {
            write_csv(&path, 500, 10)?;
        }
        let mut sheet = SheetReader::open(&path)?;
        let import = importer.start(sheet.rows()?)?;
        let got: Vec<_> = import
            .map(|o| o.map(|o| o.record))
            .collect::<Result<Vec<_>, _>>()?;
        assert!(got.iter().all(Option::is_some));
        records.push(got);
    }
    assert_eq!(records[0], records[1]);
    Ok(())
}
