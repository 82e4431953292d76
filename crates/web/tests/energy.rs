//! `GET /api/v1/enterprises/{uscc}/energy|evidence` and the enterprise page's energy and
//! evidence sections: figures against hand arithmetic, access by role and region, 404 and 400.

mod support;

use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_store::EnterpriseRecord;
use shangyun_tsdb::{Batch, DeviceId, Owner, Point};
use support::{TestApp, TestResult, firm_a, firm_c};

const HOUR: i64 = 3_600_000;
/// 2024-12-01 00:00 Asia/Shanghai.
const DEC1_2024: i64 = 1_732_982_400_000;
/// 2023-12-01 00:00 Asia/Shanghai.
const DEC1_2023: i64 = 1_701_360_000_000;
/// Zhejiang (330106) → the East China grid, 2022 data: 0.5617 tCO2/MWh.
const EAST: f64 = 0.5617;

/// Firm A: its electricity meter (device 1) counts +1 kWh an hour for 48 h from 2024-12-01
/// 00:00 local; a CNC machine (device 2, production equipment) reported an hour ago. Revenue
/// 3,000 万元 in 2024 (support) and 2,000 万元 in 2023 (here).
async fn firm_a_with_meter(t: &TestApp) -> TestResult {
    support::device_of_firm_a(t).await?;
    let store = t.state.device_store.as_ref().ok_or("no device store")?;
    store
        .add_device(
            shangyun_device_store::NewDeviceSpec {
                name: "cnc-1".into(),
                enterprise: Some(firm_a()),
                device_type: Some("cnc-machine".into()),
                ..Default::default()
            },
            shangyun_device_store::CredentialSpec::GenerateToken,
            "tester",
        )
        .await?;
    let tsdb = t.state.telemetry.clone().ok_or("no telemetry")?;
    let owner = Owner::new(firm_a())?;
    let counter = (0..=48)
        .map(|h| Point::new("energy_kwh", DEC1_2024 + h * HOUR, 1000.0 + h as f64))
        .collect();
    let now = chrono::Utc::now().timestamp_millis();
    let batches = [
        Batch {
            owner: owner.clone(),
            device: DeviceId::Num(1),
            points: counter,
        },
        Batch {
            owner,
            device: DeviceId::Num(2),
            points: vec![Point::new("run_state", now - HOUR, 2.0)],
        },
    ];
    // The store's ack blocks until fdatasync: off the runtime's thread.
    tokio::task::spawn_blocking(move || -> Result<u64, support::Error> {
        Ok(tsdb.append_all(&batches)?.wait()?)
    })
    .await??;
    let file = t.state.registry.get(&firm_a()).await?.ok_or("firm A")?;
    let enterprise: Enterprise = file.enterprise.clone();
    t.state
        .registry
        .upsert(&EnterpriseRecord::new(
            enterprise,
            vec![AnnualFigures {
                uscc: firm_a(),
                year: 2023,
                revenue: Some(2_000.0),
                ..AnnualFigures::default()
            }],
        ))
        .await?;
    Ok(())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test]
async fn energy_by_day_with_carbon_factor_and_intensity() -> TestResult {
    energy_by_day(&TestApp::sqlite().await?).await
}

#[tokio::test]
async fn energy_by_day_on_postgresql() -> TestResult {
    match TestApp::postgres().await? {
        Some(t) => energy_by_day(&t).await,
        None => Ok(()),
    }
}

async fn energy_by_day(t: &TestApp) -> TestResult {
    firm_a_with_meter(t).await?;
    let uri = format!(
        "/api/v1/enterprises/{}/energy?from=2024-12-01&to=2024-12-02&by=day",
        firm_a()
    );
    let (status, v) = t.get_json(Some("admin"), &uri).await?;
    assert_eq!(status, 200, "{v}");
    let periods = v["periods"].as_array().ok_or("periods")?;
    assert_eq!(periods.len(), 2, "{v}");
    for (p, day) in periods.iter().zip(["2024-12-01", "2024-12-02"]) {
        assert_eq!(p["period"], day);
        assert!(close(p["kwh"].as_f64().ok_or("kwh")?, 24.0), "{p}");
        assert!(close(
            p["carbon"]["tco2"].as_f64().ok_or("tco2")?,
            24.0 / 1000.0 * EAST
        ));
        assert_eq!(p["carbon"]["factor"]["factor"]["id"], "mee-2022-east");
    }
    assert!(close(v["total"]["kwh"].as_f64().ok_or("total")?, 48.0));
    let factor = &v["factors"][0];
    assert_eq!(factor["factor"]["value"].as_f64(), Some(EAST));
    assert!(factor["edition"].as_str().is_some_and(|e| !e.is_empty()));
    // 48 kWh over 3,000 万元 = 300,000 × ¥100.
    let i = &v["intensity"][0];
    assert_eq!(i["year"], 2024);
    assert!(close(
        i["kwh_per_100_yuan"].as_f64().ok_or("intensity")?,
        48.0 / 300_000.0
    ));
    // By month (the default): one month, the same total.
    let (_, v) = t
        .get_json(
            Some("admin"),
            &format!(
                "/api/v1/enterprises/{}/energy?from=2024-11-01&to=2024-12-31",
                firm_a()
            ),
        )
        .await?;
    assert_eq!(v["by"], "month");
    assert_eq!(v["periods"][0]["period"], "2024-12");
    assert!(close(v["periods"][0]["kwh"].as_f64().ok_or("kwh")?, 48.0));
    Ok(())
}

#[tokio::test]
async fn access_by_role_and_region_404_and_bad_queries() -> TestResult {
    let t = TestApp::sqlite().await?;
    firm_a_with_meter(&t).await?;
    let a = firm_a();
    for path in ["energy", "evidence"] {
        let uri = format!("/api/v1/enterprises/{a}/{path}");
        for (user, expected) in [
            ("admin", 200),
            ("ministry", 200),
            ("zhejiang", 200),
            ("xihu", 200),
            ("ent-a", 200),
            ("jiangsu", 403),
            ("ent-c", 403),
            ("provider", 403),
            ("expert", 403),
        ] {
            let (status, body) = t.get(Some(user), &uri).await?;
            assert_eq!(status.as_u16(), expected, "{path} as {user}: {body}");
        }
        assert_eq!(t.get(None, &uri).await?.0, 401);
        // A well-formed USCC nobody registered, and junk.
        let unknown = support::uscc("330106", '9');
        for who in [unknown.as_str(), "nope"] {
            let (status, v) = t
                .get_json(Some("admin"), &format!("/api/v1/enterprises/{who}/{path}"))
                .await?;
            assert_eq!(status, 404, "{v}");
            assert_eq!(v["code"], "not-found");
        }
        // Firm C is Jiangsu's: the Zhejiang officer may not read it.
        let (status, _) = t
            .get(
                Some("zhejiang"),
                &format!("/api/v1/enterprises/{}/{path}", firm_c()),
            )
            .await?;
        assert_eq!(status, 403);
    }
    for query in [
        "from=2024-13-01",
        "to=yesterday",
        "from=2024-12-02&to=2024-12-01",
        "from=1990-01-01&to=2024-01-01",
        "by=week",
        "from=%ZZ",
    ] {
        let (status, v) = t
            .get_json(
                Some("admin"),
                &format!("/api/v1/enterprises/{a}/energy?{query}"),
            )
            .await?;
        assert_eq!(status, 400, "{query}: {v}");
        assert!(v["message_zh"].is_string() && v["message_en"].is_string());
    }
    // Edges of the accepted range answer, never 5xx.
    let long = "9".repeat(5_000);
    for query in [
        "from=2100-12-31&to=2100-12-31",
        "from=1970-01-01&to=1970-01-01&by=day",
        "to=1970-01-01",
        "from=",
        "by=",
        "from=2024-12-01T00:00",
        &format!("to={long}"),
        "from=2024-12-01&from=2024-12-02&to=2024-12-02",
    ] {
        let (status, body) = t
            .get(
                Some("admin"),
                &format!("/api/v1/enterprises/{a}/energy?{query}"),
            )
            .await?;
        assert!(status == 200 || status == 400, "{query}: {status} {body}");
    }
    Ok(())
}

#[tokio::test]
async fn evidence_is_measured_networked_share_links_and_energy_per_revenue() -> TestResult {
    let t = TestApp::sqlite().await?;
    firm_a_with_meter(&t).await?;
    // 2023: +2 kWh an hour for 24 h from 2023-12-01 00:00 local = 48 kWh.
    let tsdb = t.state.telemetry.clone().ok_or("no telemetry")?;
    let batch = Batch {
        owner: Owner::new(firm_a())?,
        device: DeviceId::Num(1),
        points: (0..=24)
            .map(|h| Point::new("energy_kwh", DEC1_2023 + h * HOUR, 500.0 + 2.0 * h as f64))
            .collect(),
    };
    tokio::task::spawn_blocking(move || -> Result<u64, support::Error> {
        Ok(tsdb.append(&batch)?.wait()?)
    })
    .await??;
    let (status, v) = t
        .get_json(
            Some("ent-a"),
            &format!("/api/v1/enterprises/{}/evidence", firm_a()),
        )
        .await?;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["devices"], 2);
    assert_eq!(v["production_equipment"], 1);
    let answers = v["evidence"]["answers"].as_array().ok_or("answers")?;
    let find = |q: &str| answers.iter().find(|a| a["question"] == q);
    let share = find("equipment_networked_share").ok_or("share")?;
    assert_eq!(share["answer"]["source"], "measured");
    assert_eq!(share["measurement"]["reporting"], 1);
    assert_eq!(share["measurement"]["denominator"], 1);
    // The CNC reported within 30 days; the meter's points are from 2024, outside the window.
    let links = find("auto_data_collection").ok_or("links")?;
    let names: Vec<&str> = links["measurement"]["links"]
        .as_array()
        .ok_or("links")?
        .iter()
        .filter_map(|l| l["link"].as_str())
        .collect();
    assert!(
        names.contains(&"production") && names.contains(&"equipment"),
        "{names:?}"
    );
    // 2023 (48 kWh over 2,000 万元) vs 2024 (48 kWh over 3,000 万元).
    assert_eq!(v["periods"][0]["label"], "2023");
    assert_eq!(v["periods"][1]["label"], "2024");
    let energy = find("energy_per_revenue").ok_or("energy per revenue")?;
    let after = energy["measurement"]["after"]["kwh_per_100_yuan"]
        .as_f64()
        .ok_or("after")?;
    assert!(close(after, 48.0 / 300_000.0), "{energy}");
    let before = energy["measurement"]["before"]["kwh_per_100_yuan"]
        .as_f64()
        .ok_or("before")?;
    assert!(close(before, 48.0 / 200_000.0), "{energy}");
    assert_eq!(energy["answer"]["source"], "measured");
    Ok(())
}

#[tokio::test]
async fn the_enterprise_page_shows_energy_and_evidence_in_both_languages() -> TestResult {
    let t = TestApp::sqlite().await?;
    firm_a_with_meter(&t).await?;
    // Readings in the page's window (the last twelve months).
    let tsdb = t.state.telemetry.clone().ok_or("no telemetry")?;
    let now = chrono::Utc::now().timestamp_millis();
    let batch = Batch {
        owner: Owner::new(firm_a())?,
        device: DeviceId::Num(1),
        points: (1..=5)
            .map(|h| Point::new("energy_kwh", now - h * HOUR, 2000.0 - h as f64))
            .collect(),
    };
    tokio::task::spawn_blocking(move || -> Result<u64, support::Error> {
        Ok(tsdb.append(&batch)?.wait()?)
    })
    .await??;
    let (status, zh) = t
        .get(Some("xihu"), &format!("/enterprises/{}", firm_a()))
        .await?;
    assert_eq!(status, 200);
    for needle in [
        "能耗与碳排放",
        "数字化评测证据",
        "<svg",
        "<rect",
        "生产设备联网率",
        "实测",
        "1/1",
        "mee-2022-east",
    ] {
        assert!(zh.contains(needle), "missing {needle}");
    }
    assert!(!zh.contains("src=\"http"), "no external assets");
    // Energy per revenue is not measured here (no readings in the compared years); the reason
    // is worded in the page's language.
    assert!(zh.contains("未测得"), "a not-measured row");
    assert!(
        ["无计量能耗", "营业收入未知", "需要登记", "缺少该期数据"]
            .iter()
            .any(|r| zh.contains(r)),
        "a zh-CN reason"
    );
    for english in [
        "no metered energy",
        "needs revenue",
        "period missing",
        "unknown",
    ] {
        assert!(
            !zh.contains(english),
            "English reason {english:?} on the zh-CN page"
        );
    }
    let (_, en) = t
        .get(Some("xihu"), &format!("/enterprises/{}?lang=en", firm_a()))
        .await?;
    for needle in [
        "Energy and carbon",
        "Digital-index evidence",
        "measured",
        "Networked share of production equipment",
        "not measured",
    ] {
        assert!(en.contains(needle), "missing {needle}");
    }
    Ok(())
}
