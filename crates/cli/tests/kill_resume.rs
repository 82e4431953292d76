//! `kill -9` in the middle of an import, then the same command again: the database ends as an
//! uninterrupted import leaves it (same counts, byte-identical export).

mod common;

use common::{TestResult, checksum, describe, export_csv, run, runtime, shangyun};
use shangyun_store::{Registry, RegistryFilter};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const ROWS: u64 = 200_000;
const BATCH: &str = "5000";

/// The committed row count in a plain progress line ("… committed N rows; …").
fn committed(line: &str) -> Option<u64> {
    let after = line.split("committed ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

fn enterprises(database: &str) -> Result<u64, Box<dyn std::error::Error>> {
    runtime()?.block_on(async {
        let registry = Registry::open(database).await?;
        let n = registry.count(&RegistryFilter::default()).await?;
        registry.close().await;
        Ok(n)
    })
}

#[test]
fn an_import_killed_after_a_commit_resumes_to_the_same_state() -> TestResult {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("demo.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let rows = ROWS.to_string();
    let made = shangyun()
        .args(["demo", "--csv", &csv_arg, "--rows", &rows, "--seed", "7"])
        .output()?;
    assert_eq!(made.status.code(), Some(0), "{}", describe(&made));

    // Interrupted: killed (SIGKILL) as soon as the first batch is reported committed.
    let killed = dir.path().join("killed.db").to_string_lossy().into_owned();
    let mut child = shangyun()
        .args(["--database", &killed, "import", &csv_arg, "--batch", BATCH])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut seen = String::new();
    let mut first_commit = None;
    for line in BufReader::new(stderr).lines() {
        let line = line?;
        seen.push_str(&line);
        seen.push('\n');
        if let Some(n) = committed(&line).filter(|n| *n > 0) {
            first_commit = Some(n);
            break;
        }
    }
    child.kill()?; // SIGKILL on Unix
    let status = child.wait()?;
    assert!(!status.success(), "the import ended before it was killed");
    assert!(first_commit.is_some(), "no commit was reported:\n{seen}");

    // The journal holds the interrupted run, part-way.
    let journal = runtime()?.block_on(async {
        let registry = Registry::open(&killed).await?;
        let runs = registry.imports(None).await?;
        registry.close().await;
        Ok::<_, Box<dyn std::error::Error>>(runs)
    })?;
    assert_eq!(journal.len(), 1, "{journal:?}");
    let run_state = &journal[0];
    assert!(run_state.finished_at.is_none(), "{run_state:?}");
    assert!(
        run_state.rows_through > 0 && run_state.rows_through < ROWS,
        "the kill should land part-way: {run_state:?}"
    );

    let resumed = run(&killed, &["import", &csv_arg, "--batch", BATCH, "--json"])?;
    assert_eq!(resumed.status.code(), Some(0), "{}", describe(&resumed));
    let summary: serde_json::Value = serde_json::from_slice(&resumed.stdout)?;
    assert_eq!(summary["resumed_after_row"], run_state.rows_through);
    assert_eq!(summary["rows"], ROWS);
    assert_eq!(summary["imported"], ROWS);

    // Uninterrupted, into another database.
    let clean = dir.path().join("clean.db").to_string_lossy().into_owned();
    let straight = run(&clean, &["import", &csv_arg, "--batch", BATCH])?;
    assert_eq!(straight.status.code(), Some(0), "{}", describe(&straight));

    assert_eq!(enterprises(&killed)?, enterprises(&clean)?);
    let a = export_csv(&killed, dir.path(), "killed.csv")?;
    let b = export_csv(&clean, dir.path(), "clean.csv")?;
    // One line per enterprise-year, plus the header.
    let lines = a.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count() as u64;
    assert_eq!(lines, ROWS + 1);
    assert_eq!(
        checksum(&a),
        checksum(&b),
        "exports differ ({} vs {} bytes)",
        a.len(),
        b.len()
    );
    assert!(a == b);
    Ok(())
}
