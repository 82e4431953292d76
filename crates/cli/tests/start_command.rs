//! `shangyun` with no subcommand (= `shangyun start`) on a fresh directory: data directory,
//! schema, demo data, the overview; a second start loads nothing.

mod common;

use common::{TestResult, describe, shangyun, text};

#[test]
fn plain_shangyun_sets_up_a_demo_registry_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = shangyun().current_dir(dir.path()).output()?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let db = dir.path().join("shangyun-data").join("registry.db");
    assert!(db.is_file(), "no database at {}", db.display());
    let shown = text(&out.stdout);
    for expected in [
        "企业 enterprises  10000",
        "广东省",
        "小型 small",
        "创新型中小企业 innovative SME",
        "shangyun-data/registry.db",
        "shangyun registry show 91",
        "shangyun export",
        "shangyun serve",
    ] {
        assert!(
            shown.contains(expected),
            "missing {expected:?} in:\n{shown}"
        );
    }

    let again = shangyun()
        .current_dir(dir.path())
        .args(["start", "--json"])
        .output()?;
    assert_eq!(again.status.code(), Some(0), "{}", describe(&again));
    let overview: serde_json::Value = serde_json::from_slice(&again.stdout)?;
    assert!(overview["demo_loaded"].is_null(), "{overview}");
    assert_eq!(overview["enterprises"], 10_000);
    let top = overview["top_provinces"].as_array().ok_or("no provinces")?;
    assert_eq!(top.len(), 5);
    let sizes: u64 = overview["size_classes"]
        .as_array()
        .ok_or("no sizes")?
        .iter()
        .filter_map(|p| p[1].as_u64())
        .sum();
    assert!(sizes > 9_000 && sizes <= 10_000, "{sizes}");
    Ok(())
}

#[test]
fn start_without_demo_leaves_the_registry_empty() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = shangyun()
        .env("SHANGYUN_DATA", dir.path().join("data"))
        .args(["start", "--no-demo", "--json"])
        .output()?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let overview: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(overview["enterprises"], 0);
    assert!(dir.path().join("data").join("registry.db").is_file());
    Ok(())
}

#[test]
fn demo_is_deterministic_and_a_repeat_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let a = dir.path().join("a.db").to_string_lossy().into_owned();
    let b = dir.path().join("b.db").to_string_lossy().into_owned();
    for db in [&a, &b] {
        let out = common::run(db, &["demo", "--enterprises", "500", "--seed", "9"])?;
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    }
    let repeat = common::run(
        &a,
        &["demo", "--enterprises", "500", "--seed", "9", "--json"],
    )?;
    let loaded: serde_json::Value = serde_json::from_slice(&repeat.stdout)?;
    assert_eq!(loaded["stored"]["enterprises_unchanged"], 500, "{loaded}");
    assert_eq!(loaded["stored"]["derived_written"], 0, "{loaded}");
    let ea = common::export_csv(&a, dir.path(), "a.csv")?;
    let eb = common::export_csv(&b, dir.path(), "b.csv")?;
    assert!(ea == eb, "the same seed gave different registries");

    // The same registry written as an import file imports to the same content.
    let file = dir.path().join("demo.csv");
    let out = common::shangyun()
        .args(["demo", "--enterprises", "500", "--seed", "9", "--csv"])
        .arg(&file)
        .output()?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let c = dir.path().join("c.db").to_string_lossy().into_owned();
    let out = common::run(&c, &["import", &file.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let ec = common::export_csv(&c, dir.path(), "c.csv")?;
    assert!(ea == ec, "demo --csv imported differs from demo loaded");
    Ok(())
}
