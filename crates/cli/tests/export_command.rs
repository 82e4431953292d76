//! `shangyun export`: the round trip export → import → export, filters, and the XLSX as
//! LibreOffice reads it (converted with `soffice --headless --convert-to csv` and compared
//! with our CSV export).

mod common;

use common::{TestResult, describe, run, runtime, text};
use shangyun_store::{Registry, RegistryFilter};
use std::path::Path;
use std::process::Command;

/// A registry with 300 demo enterprises; returns its database argument.
fn demo_registry(dir: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let db = dir.join("demo.db").to_string_lossy().into_owned();
    let out = run(&db, &["demo", "--enterprises", "300", "--seed", "3"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    Ok(db)
}

fn export(
    db: &str,
    out: &Path,
    extra: &[&str],
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let mut args = vec!["export", "--json"];
    args.extend_from_slice(extra);
    let out_arg = out.to_string_lossy().into_owned();
    args.push(&out_arg);
    let done = run(db, &args)?;
    assert_eq!(done.status.code(), Some(0), "{}", describe(&done));
    Ok(serde_json::from_slice(&done.stdout)?)
}

fn read_csv(path: &Path) -> Result<Vec<Vec<String>>, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record?.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

#[test]
fn an_export_imports_again_unchanged() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = demo_registry(dir.path())?;
    let csv = dir.path().join("all.csv");
    let xlsx = dir.path().join("all.xlsx");
    let first = export(&db, &csv, &[])?;
    export(&db, &xlsx, &["--format", "xlsx"])?;
    assert_eq!(first["enterprises"], 300);
    assert!(first["rows"].as_u64().unwrap_or(0) > 300, "{first}");

    for (input, name) in [(&csv, "from-csv"), (&xlsx, "from-xlsx")] {
        let other = dir
            .path()
            .join(format!("{name}.db"))
            .to_string_lossy()
            .into_owned();
        let imported = run(&other, &["import", &input.to_string_lossy(), "--json"])?;
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{name}: {}",
            describe(&imported)
        );
        let summary: serde_json::Value = serde_json::from_slice(&imported.stdout)?;
        assert_eq!(summary["rows"], first["rows"], "{name}");
        assert_eq!(summary["warnings"], 0, "{name}: {summary}");
        assert!(summary["error_report_csv"].is_null(), "{name}: {summary}");
        let again = dir.path().join(format!("{name}.csv"));
        export(&other, &again, &[])?;
        assert!(
            std::fs::read(&again)? == std::fs::read(&csv)?,
            "{name}: the re-export differs from the export"
        );
    }
    Ok(())
}

/// Two cells agree when equal as text, or as numbers to 12 significant digits (LibreOffice
/// writes a number as its cell shows it).
fn same_cell(ours: &str, theirs: &str) -> bool {
    if ours == theirs {
        return true;
    }
    match (ours.parse::<f64>(), theirs.parse::<f64>()) {
        (Ok(a), Ok(b)) => (a - b).abs() <= 1e-12 * a.abs().max(1.0),
        _ => false,
    }
}

#[test]
fn libreoffice_reads_the_xlsx_export_as_our_csv_says() -> TestResult {
    let soffice = std::env::var("SHANGYUN_SOFFICE").unwrap_or_else(|_| "soffice".to_owned());
    let available = Command::new(&soffice).arg("--version").output().is_ok();
    if !available {
        if std::env::var("SHANGYUN_SKIP_LIBREOFFICE").as_deref() == Ok("1") {
            eprintln!("SHANGYUN_SKIP_LIBREOFFICE=1: LibreOffice cross-check skipped");
            return Ok(());
        }
        return Err(format!(
            "LibreOffice ({soffice}) is needed for this test: install it (apt-get install \
             libreoffice-calc-nogui) or set SHANGYUN_SKIP_LIBREOFFICE=1"
        )
        .into());
    }
    let dir = tempfile::tempdir()?;
    let db = demo_registry(dir.path())?;
    let xlsx = dir.path().join("registry.xlsx");
    let csv = dir.path().join("registry.csv");
    export(&db, &xlsx, &[])?;
    export(&db, &csv, &[])?;

    // A profile of its own, so that another LibreOffice running does not block this one.
    let profile = dir.path().join("lo-profile");
    let converted_dir = dir.path().join("converted");
    let out = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            // CSV, comma, double quote, UTF-8 (76), first line included.
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(&converted_dir)
        .arg(&xlsx)
        .output()?;
    let converted = converted_dir.join("registry.csv");
    assert!(
        converted.is_file(),
        "LibreOffice did not convert: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let theirs = read_csv(&converted)?;
    let ours = read_csv(&csv)?;
    assert_eq!(theirs.len(), ours.len(), "row counts differ");
    assert!(ours.len() > 300);
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        let width = a.len().max(b.len());
        for c in 0..width {
            let (x, y) = (
                a.get(c).map_or("", String::as_str),
                b.get(c).map_or("", String::as_str),
            );
            assert!(
                same_cell(x, y),
                "row {} column {}: ours {x:?}, LibreOffice {y:?}",
                i + 1,
                c + 1
            );
        }
    }
    // Codes stayed text: a USCC is not shown in scientific notation, codes keep their zeros.
    assert!(
        theirs.iter().skip(1).all(|r| r[0].len() == 18),
        "USCCs mangled"
    );
    Ok(())
}

#[test]
fn filters_select_what_they_say() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = demo_registry(dir.path())?;
    let expected = |filter: RegistryFilter| -> Result<u64, Box<dyn std::error::Error>> {
        runtime()?.block_on(async {
            let registry = Registry::open(&db).await?;
            let n = registry.count(&filter).await?;
            registry.close().await;
            Ok(n)
        })
    };

    let zhejiang = dir.path().join("zj.csv");
    let report = export(&db, &zhejiang, &["--region", "330000"])?;
    let rows = read_csv(&zhejiang)?;
    assert!(rows.len() > 1, "no Zhejiang enterprise in the demo");
    assert!(
        rows.iter().skip(1).all(|r| r[2].starts_with("33")),
        "{rows:?}"
    );
    let want = expected(RegistryFilter {
        region: Some("330000".into()),
        ..RegistryFilter::default()
    })?;
    assert_eq!(report["enterprises"], want);

    let small = dir.path().join("small.csv");
    let report = export(&db, &small, &["--size", "small", "--size", "micro"])?;
    let want = expected(RegistryFilter {
        size_classes: vec!["small".into(), "micro".into()],
        ..RegistryFilter::default()
    })?;
    assert_eq!(report["enterprises"], want);
    assert!(want > 0 && want < 300, "{want}");

    let manufacturing = dir.path().join("c39.csv");
    export(
        &db,
        &manufacturing,
        &["--industry", "39", "--industry", "C13"],
    )?;
    let rows = read_csv(&manufacturing)?;
    assert!(
        rows.iter()
            .skip(1)
            .all(|r| r[4].starts_with("39") || r[4].starts_with("13")),
        "{rows:?}"
    );

    let candidates = dir.path().join("candidates.xlsx");
    let report = export(&db, &candidates, &["--candidate", "specialized"])?;
    let want = expected(RegistryFilter {
        candidate_for: vec![shangyun_registry::Tier::Specialized],
        ..RegistryFilter::default()
    })?;
    assert_eq!(report["enterprises"], want);
    Ok(())
}

#[test]
fn bad_filters_and_outputs_exit_2() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("empty.db").to_string_lossy().into_owned();
    let out = dir.path().join("x.csv").to_string_lossy().into_owned();
    let txt = dir.path().join("x.txt").to_string_lossy().into_owned();
    let unwritable = dir
        .path()
        .join("no/such/dir/x.csv")
        .to_string_lossy()
        .into_owned();
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["export", "--region", "33010", &out], "region"),
        (vec!["export", "--industry", "C", &out], "industry"),
        (vec!["export", &txt], "--format"),
        (vec!["export", "--format", "csv", &unwritable], "x.csv"),
    ];
    for (args, says) in cases {
        let done = run(&db, &args)?;
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", describe(&done));
        let err = text(&done.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!Path::new(&out).exists());
    Ok(())
}
