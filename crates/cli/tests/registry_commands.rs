//! `shangyun migrate`, `classify` and `registry show` against a real SQLite file, run as the
//! binary a user runs: exit codes, messages, JSON.

use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_store::{EnterpriseRecord, Registry};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const USCC: &str = "91330106MA27XK7R3B";

fn shangyun(database: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_shangyun"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("SHANGYUN_DATABASE")
        .env("SHANGYUN_ACTOR", "cli-test")
        .output()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One enterprise: 工业 (C3311), X = 500, Y = 1500 → 小型, the standard's worked example.
fn seed(database: &Path) -> TestResult {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let registry = Registry::open(&database.to_string_lossy()).await?;
        let enterprise = Enterprise {
            uscc: USCC.to_owned(),
            name: "杭州示例精密机械有限公司".to_owned(),
            registered_region: "330106".to_owned(),
            operating_region: None,
            industry: "3311".to_owned(),
            founded: chrono::NaiveDate::from_ymd_opt(2012, 3, 1),
            contact_name: Some("王五".to_owned()),
            contact_phone: None,
            contact_email: None,
        };
        let figures = AnnualFigures {
            uscc: USCC.to_owned(),
            year: 2024,
            employees: Some(500),
            revenue: Some(1500.0),
            ..AnnualFigures::default()
        };
        registry
            .upsert(&EnterpriseRecord::new(enterprise, vec![figures]))
            .await?;
        registry.close().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

#[test]
fn migrate_creates_the_database_and_is_idempotent() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("data").join("registry.db");
    // The newest schema version is the number of SQLite migration files of the store.
    let migrations = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/migrations/sqlite");
    let latest = std::fs::read_dir(migrations)?
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    let first = shangyun(&db, &["migrate"])?;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains(&format!("0 → {latest}")),
        "{}",
        text(&first.stdout)
    );
    let second = shangyun(&db, &["migrate", "--json"])?;
    assert_eq!(second.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&second.stdout)?;
    assert_eq!(report["schema_version_before"], latest);
    assert_eq!(report["schema_version"], latest);
    assert_eq!(report["backend"], "sqlite");
    Ok(())
}

#[test]
fn show_prints_the_file_in_text_and_json() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("registry.db");
    seed(&db)?;
    // Typed in lower case with spaces: normalised before the look-up.
    let out = shangyun(&db, &["registry", "show", "91330106 ma27xk7r3b"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for expected in [
        "杭州示例精密机械有限公司",
        "浙江省",
        "西湖区",
        "小型 small",
        "decided by revenue",
        "tier-2026-specialized",
    ] {
        assert!(
            shown.contains(expected),
            "missing {expected:?} in:\n{shown}"
        );
    }

    let out = shangyun(&db, &["registry", "show", USCC, "--json"])?;
    let file: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(file["enterprise"]["uscc"], USCC);
    assert_eq!(file["derived"][0]["size_class"], "small");
    assert_eq!(
        file["derived"][0]["tiers"].as_array().map(Vec::len),
        Some(6)
    );

    let missing = shangyun(&db, &["registry", "show", "91110108551385082Q"])?;
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("91110108551385082Q"));
    Ok(())
}

#[test]
fn classify_recomputes_and_reports() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("registry.db");
    seed(&db)?;
    let out = shangyun(&db, &["classify", "--json", "--batch", "10"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["enterprises"], 1);
    assert_eq!(report["derived_written"], 1);
    Ok(())
}

#[test]
fn bad_locations_exit_2_with_a_next_step() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "x")?;
    let cases: [(&Path, &str); 3] = [
        (
            Path::new("mysql://root@localhost/x"),
            "only sqlite and postgres",
        ),
        (&file.join("registry.db"), "is a file, not a directory"),
        (
            Path::new("postgres://postgres@127.0.0.1:9/test"),
            "pg_isready",
        ),
    ];
    for (database, says) in cases {
        let out = shangyun(database, &["migrate"])?;
        assert_eq!(out.status.code(), Some(2), "{}", database.display());
        let err = text(&out.stderr);
        assert!(err.contains(says), "{}: {err}", database.display());
        assert!(!err.contains("panicked"), "{err}");
    }
    Ok(())
}

#[test]
fn a_locked_database_exits_2() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("registry.db");
    seed(&db)?;
    // An sqlite3 shell holding the write lock, as a user might leave one open.
    let mut shell = Command::new("sqlite3")
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the sqlite3 shell is needed for this test ({e})"))?;
    let mut stdin = shell.stdin.take().ok_or("no stdin")?;
    writeln!(stdin, "BEGIN EXCLUSIVE; SELECT 'locked';")?;
    stdin.flush()?;
    let mut ready = [0u8; 7];
    std::io::Read::read_exact(shell.stdout.as_mut().ok_or("no stdout")?, &mut ready)?;

    let out = shangyun(&db, &["classify"])?;
    drop(stdin);
    let _ = shell.wait();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("locked"), "{err}");
    Ok(())
}
