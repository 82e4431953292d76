//! The report read from a real store (the embedded one here; PostgreSQL implements the same
//! trait and passes the same conformance suite).

use shangyun_energy::{EnergyOptions, MeterKind};
use shangyun_energy_query::{MeterSpec, PeriodSpec, energy_report, evidence_report, last_seen};
use shangyun_evidence::DeviceFact;
use shangyun_tsdb_api::conformance::EmbeddedFixture;
use shangyun_tsdb_api::{Batch, DeviceId, Owner, Point, TelemetryStore};

const HOUR: i64 = 3_600_000;
const DEC1: i64 = 1_764_518_400_000; // 2025-12-01 00:00 Asia/Shanghai

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn energy_and_evidence_from_the_embedded_store() {
    let store = EmbeddedFixture::new();
    let owner = Owner::new("91330100799655058B").expect("owner");
    // Meter 1: a counter, +2 kWh an hour for 48 h, reset (replaced) after 24 h.
    let counter: Vec<Point> = (0..=48)
        .map(|h| {
            let v = if h <= 24 {
                5000.0 + 2.0 * h as f64
            } else {
                2.0 * (h - 24) as f64
            };
            Point::new("energy_kwh", DEC1 + h * HOUR, v)
        })
        .collect();
    // Meter 2: 4 kW constant, every 15 min for 24 h, then silent.
    let power: Vec<Point> = (0..=96)
        .map(|q| Point::new("power_kw", DEC1 + q * HOUR / 4, 4.0))
        .collect();
    store
        .write(&[
            Batch {
                owner: owner.clone(),
                device: 1.into(),
                points: counter,
            },
            Batch {
                owner: owner.clone(),
                device: 2.into(),
                points: power,
            },
        ])
        .await
        .expect("write");
    let meters = [
        MeterSpec {
            device: 1.into(),
            key: "energy_kwh".into(),
            kind: MeterKind::CumulativeKwh { wrap_at: None },
        },
        MeterSpec {
            device: 2.into(),
            key: "power_kw".into(),
            kind: MeterKind::PowerKw,
        },
    ];
    let opts = EnergyOptions {
        region_code: Some("330100".into()),
        ..EnergyOptions::default()
    };
    let e = energy_report(
        &*store,
        owner.as_str(),
        &meters,
        DEC1,
        DEC1 + 48 * HOUR + 1,
        &opts,
    )
    .await
    .expect("report");
    assert_eq!(e.days.len(), 2);
    assert!(
        (e.days[0].kwh - (48.0 + 96.0)).abs() < 1e-9,
        "{:?}",
        e.days[0]
    );
    // Day 2: 2 kWh counted at the reset (the new meter's first reading), then 23 × 2.
    assert!((e.days[1].kwh - 48.0).abs() < 1e-9, "{:?}", e.days[1]);
    assert_eq!(e.devices[0].adjustments.len(), 1);
    let carbon = e.days[0].carbon.as_ref().expect("carbon");
    assert_eq!(carbon.factor.factor.id, "mee-2022-east");
    assert!(shangyun_energy::text_report(&e).contains("mee-2022-east"));

    // Evidence: device 1 and 2 reported; the period comparison from the same meters.
    let now = DEC1 + 10 * 24 * HOUR;
    let mut devices = Vec::new();
    for (id, production, link) in [
        (1u64, true, "energy"),
        (2, true, "production"),
        (3, true, "quality"),
    ] {
        devices.push(DeviceFact {
            id: id.to_string(),
            name: format!("device-{id}"),
            production_equipment: production,
            business_links: vec![link.into()],
            last_seen_ms: last_seen(&*store, &DeviceId::Num(id))
                .await
                .expect("latest"),
        });
    }
    let day1 = PeriodSpec {
        label: "day 1".into(),
        start: DEC1,
        end: DEC1 + 24 * HOUR,
        revenue_wan_yuan: Some(1.0),
    };
    let day2 = PeriodSpec {
        label: "day 2".into(),
        start: DEC1 + 24 * HOUR,
        end: DEC1 + 48 * HOUR,
        revenue_wan_yuan: Some(1.0),
    };
    let ev = evidence_report(
        &*store,
        owner.as_str(),
        now,
        &devices,
        None,
        &meters,
        Some((&day1, &day2)),
        &opts,
    )
    .await
    .expect("evidence");
    let share = ev
        .answers
        .iter()
        .find(|a| a.question == "equipment_networked_share")
        .expect("share");
    assert!(
        share.explanation.starts_with("2 of 3"),
        "{}",
        share.explanation
    );
    let energy = ev
        .answers
        .iter()
        .find(|a| a.question == "energy_per_revenue")
        .expect("energy");
    match &energy.answer.value {
        Some(shangyun_digital_value) => {
            let json = serde_json::to_value(shangyun_digital_value).expect("json");
            assert!(
                (json["before"].as_f64().expect("before") - 1.44).abs() < 1e-9,
                "{json}"
            ); // 144 kWh / ¥10,000
            assert!(
                (json["after"].as_f64().expect("after") - 0.48).abs() < 1e-9,
                "{json}"
            );
        }
        None => panic!("no value"),
    }
}
