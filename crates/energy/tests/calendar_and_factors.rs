//! Local days and months, the factor file and the choice of factor, carbon and intensity.

use chrono::NaiveDate;
use shangyun_energy::calendar::{by_day, by_month, day_start_ms};
use shangyun_energy::{
    Confidence, EnergyOptions, FactorTable, Interval, MeterKind, MeterSeries, Month, Scope,
    energy_per_100_yuan, enterprise_energy, year_kwh,
};

const HOUR: i64 = 3_600_000;
/// 2025-12-31 00:00 in Asia/Shanghai (= 2025-12-30T16:00Z).
const DEC31: i64 = 1_767_110_400_000;

#[test]
fn shanghai_midnight_is_16_00_utc() {
    let d = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    assert_eq!(day_start_ms(shangyun_energy::DEFAULT_TZ, d), DEC31);
}

#[test]
fn an_interval_across_midnight_and_new_year_is_split_in_proportion() {
    // 22:00 on 31 Dec to 02:00 on 1 Jan local: 8 kWh, half each side.
    let iv = Interval {
        start: DEC31 + 22 * HOUR,
        end: DEC31 + 26 * HOUR,
        kwh: 8.0,
    };
    let days = by_day(shangyun_energy::DEFAULT_TZ, &[iv]);
    let d31 = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    let d1 = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    assert_eq!(days.len(), 2);
    assert!((days[&d31] - 4.0).abs() < 1e-9);
    assert!((days[&d1] - 4.0).abs() < 1e-9);
    let months = by_month(&days);
    assert!(
        (months[&Month {
            year: 2025,
            month: 12
        }] - 4.0)
            .abs()
            < 1e-9
    );
    assert!(
        (months[&Month {
            year: 2026,
            month: 1
        }] - 4.0)
            .abs()
            < 1e-9
    );
    // In UTC the same interval falls on one day (31 Dec 14:00–18:00 UTC).
    let utc = by_day(chrono_tz::UTC, &[iv]);
    assert_eq!(utc.len(), 1);
}

#[test]
fn built_in_factor_file_parses_and_every_factor_is_dated_and_sourced() {
    let t = FactorTable::built_in();
    assert_eq!(t.edition, "grid-ef-2026-11");
    assert!(t.factors.len() >= 20);
    for f in &t.factors {
        assert!(
            !f.document.is_empty() && f.published.len() == 10,
            "{}",
            f.id
        );
    }
    let national = t
        .factors
        .iter()
        .find(|f| f.id == "mee-2022-national")
        .expect("2022 national");
    assert_eq!(national.value, 0.5366);
    let market = t
        .factors
        .iter()
        .find(|f| f.id == "carbon-market-2022-grid")
        .expect("0.5703");
    assert_eq!(
        (market.value, market.confidence),
        (0.5703, Confidence::Unsure)
    );
    // Every province of mainland China belongs to exactly one regional grid.
    for p in ["11", "31", "44", "50", "54", "65", "23", "36"] {
        assert!(t.region_of(p).is_some(), "{p}");
    }
}

#[test]
fn factor_choice_prefers_province_then_grid_then_national_and_says_why() {
    let t = FactorTable::built_in();
    let c = t.choose(Some("130100"), 2022, None).expect("Hebei");
    assert_eq!(
        (c.factor.id.as_str(), c.factor.scope),
        ("mee-2022-p13", Scope::Province)
    );
    let c = t.choose(Some("330100"), 2022, None).expect("Zhejiang");
    assert_eq!(c.factor.id, "mee-2022-east");
    assert!(c.why.contains("华东"), "{}", c.why);
    // 2025 electricity: latest published year (2022) used, and said so.
    let c = t.choose(Some("330100"), 2025, None).expect("Zhejiang 2025");
    assert_eq!(c.factor.data_year, 2022);
    assert!(c.why.contains("nearest published year 2022"), "{}", c.why);
    // 2021 has no regional factor in the file: national 2021.
    let c = t.choose(Some("330100"), 2021, None).expect("Zhejiang 2021");
    assert_eq!(c.factor.id, "mee-2021-national");
    assert!(c.label().contains("mee-2021-national (0.5568 tCO2/MWh, 2021 data, national; edition grid-ef-2026-11, likely)"), "{}", c.label());
    let c = t
        .choose(None, 2022, Some("carbon_market_grid"))
        .expect("market");
    assert_eq!(c.factor.value, 0.5703);
    assert!(t.choose(None, 2022, Some("no-such-basis")).is_none());
}

#[test]
fn bad_factor_files_are_refused_with_the_reason() {
    let base = r#"edition = "x"
title = "t"
unit = "tCO2/MWh"
default_basis = "average"
[regions]
east = { zh = "华东", provinces = ["31"] }
"#;
    let bad_value = format!(
        "{base}[[factor]]\nid = \"a\"\nbasis = \"average\"\nscope = \"national\"\nvalue = -1.0\ndata_year = 2022\ndocument = \"d\"\npublished = \"2024-01-01\"\nconfidence = \"firm\"\n"
    );
    let e = FactorTable::from_toml(&bad_value).expect_err("negative");
    assert!(e.to_string().contains("factor a"), "{e}");
    let bad_region = bad_value.replace("value = -1.0", "value = 0.5").replace(
        "scope = \"national\"",
        "scope = \"region\"\nregion = \"mars\"",
    );
    assert!(FactorTable::from_toml(&bad_region).is_err());
    let bad_unit = base.replace("tCO2/MWh", "kgCO2/kWh");
    assert!(FactorTable::from_toml(&bad_unit).is_err());
    assert!(FactorTable::from_toml("not toml [").is_err());
}

#[test]
fn enterprise_energy_sums_devices_by_day_and_month_with_carbon_and_intensity() {
    let counter = MeterSeries {
        device: "meter-1".into(),
        key: "energy_kwh".into(),
        kind: MeterKind::CumulativeKwh { wrap_at: None },
        readings: (0..=48)
            .map(|h| (DEC31 + h * HOUR, 1000.0 + 2.0 * h as f64))
            .collect(),
    };
    let power = MeterSeries {
        device: "press-2".into(),
        key: "power_kw".into(),
        kind: MeterKind::PowerKw,
        readings: (0..=96).map(|q| (DEC31 + q * HOUR / 4, 4.0)).collect(),
    };
    let opts = EnergyOptions {
        region_code: Some("440300".into()),
        ..EnergyOptions::default()
    };
    let e = enterprise_energy(
        "91440300000000000X",
        &[counter, power],
        &opts,
        FactorTable::built_in(),
    );
    assert_eq!(e.tz, "Asia/Shanghai");
    assert_eq!(e.days.len(), 2);
    assert!((e.days[0].kwh - (48.0 + 96.0)).abs() < 1e-9);
    assert!((e.days[1].kwh - 48.0).abs() < 1e-9);
    assert_eq!(
        e.months
            .iter()
            .map(|m| m.period.as_str())
            .collect::<Vec<_>>(),
        ["2025-12", "2026-01"]
    );
    assert!((e.total.kwh - 192.0).abs() < 1e-9);
    let c = e.days[0].carbon.as_ref().expect("carbon");
    assert_eq!(c.factor.factor.id, "mee-2022-south");
    assert!((c.tco2 - 0.144 * 0.3869).abs() < 1e-12);
    assert!(c.factor_label.contains("grid-ef-2026-11"));
    let tc = e.total.carbon.as_ref().expect("total carbon");
    assert!((tc.tco2 - 0.192 * 0.3869).abs() < 1e-12);
    let text = shangyun_energy::text_report(&e);
    assert!(text.contains("2025-12-31        144.000 kWh       0.0557 tCO2   mee-2022-south (0.3869 tCO2/MWh, 2022 data, region south; edition grid-ef-2026-11, likely)"), "{text}");
    assert!(
        text.contains("factor choice: regional grid south (南方); no 2026 factor"),
        "{text}"
    );
    let (kwh, months) = year_kwh(&e, 2025);
    assert_eq!(months, 1);
    let i = energy_per_100_yuan(kwh, Some(10.0)).expect("intensity");
    assert!((i.kwh_per_100_yuan - 0.144).abs() < 1e-12); // 144 kWh / (10 万元 = 1000 × ¥100)
    assert!(energy_per_100_yuan(kwh, Some(0.0)).is_none());
}
