//! `shangyun import` and `export` on the real PostgreSQL server (a fresh schema per test):
//! the same outcome, stored content and export as on SQLite.

mod common;

use common::{PgSchema, TestResult, counts, describe, export_csv, fixture_copy, run};

#[test]
fn postgres_imports_as_sqlite_does() -> TestResult {
    let Some(pg) = PgSchema::create()? else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let input = fixture_copy("duplicates.csv", dir.path())?;
    let input = input.to_string_lossy().into_owned();
    let sqlite = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();

    for db in [&pg.url, &sqlite] {
        let out = run(db, &["import", &input, "--batch", "2", "--json"])?;
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        assert_eq!(summary["imported"], 3, "{summary}");
        assert_eq!(summary["rejected"], 2, "{summary}");
    }
    assert_eq!(counts(&pg.url)?, (2, 3));

    // Idempotent on PostgreSQL too.
    let again = run(&pg.url, &["import", &input, "--json"])?;
    assert_eq!(again.status.code(), Some(1), "{}", describe(&again));
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout)?;
    assert_eq!(summary["stored"]["figures_unchanged"], 3, "{summary}");
    assert_eq!(counts(&pg.url)?, (2, 3));

    let from_pg = export_csv(&pg.url, dir.path(), "pg.csv")?;
    let from_sqlite = export_csv(&sqlite, dir.path(), "sqlite.csv")?;
    assert!(
        from_pg == from_sqlite,
        "PostgreSQL and SQLite exports differ"
    );
    Ok(())
}

#[test]
fn postgres_takes_a_demo_load_and_a_larger_import() -> TestResult {
    let Some(pg) = PgSchema::create()? else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("demo.csv");
    let out = common::shangyun()
        .args(["demo", "--rows", "3000", "--seed", "5", "--csv"])
        .arg(&file)
        .output()?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = run(
        &pg.url,
        &["import", &file.to_string_lossy(), "--batch", "1000"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(counts(&pg.url)?.1, 3000);
    let exported = export_csv(&pg.url, dir.path(), "pg.csv")?;
    let lines = exported
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert_eq!(lines, 3001);
    Ok(())
}
