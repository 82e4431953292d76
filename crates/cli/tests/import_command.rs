//! `shangyun import` on the fixtures of tests/fixtures/import, run as a user runs it: exit
//! codes, the error report beside the input, what is stored, re-runs, files that are no
//! spreadsheet, bad databases.

mod common;

use common::{TestResult, counts, describe, fixture, fixture_copy, run, text};

fn json(out: &std::process::Output) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{e}: {}", describe(out)).into())
}

#[test]
fn bad_rows_go_to_the_report_good_rows_are_kept_and_a_rerun_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();
    let input = fixture_copy("duplicates.csv", dir.path())?;
    let input_arg = input.to_string_lossy().into_owned();

    // Row 4 repeats row 2 (skipped), row 5 contradicts row 3 and row 7 renames the firm of
    // row 2 (both rejected); rows 2, 3 and 6 are good.
    let out = run(&db, &["import", &input_arg, "--json"])?;
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let summary = json(&out)?;
    assert_eq!(summary["rows"], 6);
    assert_eq!(summary["imported"], 3);
    assert_eq!(summary["rejected"], 2);
    assert_eq!(summary["identical_duplicates"], 1);
    assert_eq!(summary["conflicting_duplicates"], 2);
    assert_eq!(summary["stored"]["enterprises_inserted"], 2);
    assert_eq!(summary["stored"]["figures_inserted"], 3);
    assert_eq!(counts(&db)?, (2, 3));

    let report_csv = dir.path().join("duplicates.csv.errors.csv");
    let report_xlsx = dir.path().join("duplicates.csv.errors.xlsx");
    assert!(report_xlsx.is_file(), "no XLSX report");
    let report = std::fs::read_to_string(&report_csv)?;
    let rows: Vec<&str> = report
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(rows, ["4", "5", "7"], "{report}");
    assert_eq!(
        summary["error_report_csv"].as_str(),
        Some(report_csv.to_string_lossy().as_ref())
    );

    // The same file again: the same outcome, nothing written.
    let again = run(&db, &["import", &input_arg, "--json"])?;
    assert_eq!(again.status.code(), Some(1), "{}", describe(&again));
    let summary = json(&again)?;
    assert_eq!(summary["imported"], 3);
    assert_eq!(summary["earlier_runs"], 1);
    assert_eq!(summary["stored"]["enterprises_inserted"], 0);
    assert_eq!(summary["stored"]["enterprises_updated"], 0);
    assert_eq!(summary["stored"]["figures_unchanged"], 3);
    assert_eq!(summary["stored"]["derived_written"], 0);
    assert_eq!(counts(&db)?, (2, 3));
    Ok(())
}

#[test]
fn the_text_summary_says_it_in_chinese_then_english() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();
    let input = fixture_copy("mangled_uscc.csv", dir.path())?;
    let out = run(&db, &["import", &input.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let shown = text(&out.stdout);
    for expected in [
        "已拒绝 rejected",
        "已导入 imported",
        "行/秒 rows/s",
        "mangled_uscc.csv.errors.xlsx",
        "mangled_uscc.csv.errors.csv",
    ] {
        assert!(shown.contains(expected), "missing {expected:?}:\n{shown}");
    }
    // Not a terminal: plain progress lines, no bar escapes.
    let progress = text(&out.stderr);
    assert!(progress.contains("committed"), "{progress}");
    assert!(!progress.contains('\u{1b}'), "{progress}");
    let (enterprises, _) = counts(&db)?;
    assert!(enterprises >= 1, "good rows of mangled_uscc.csv are kept");
    Ok(())
}

#[test]
fn files_made_by_other_tools_import() -> TestResult {
    for (name, year) in [
        ("libreoffice_from_csv.xlsx", None),
        ("openpyxl_types.xlsx", None),
        ("english_headers.csv", None),
        ("gbk.csv", Some("2024")),
    ] {
        let dir = tempfile::tempdir()?;
        let db = dir
            .path()
            .join("registry.db")
            .to_string_lossy()
            .into_owned();
        let input = fixture_copy(name, dir.path())?;
        let input = input.to_string_lossy().into_owned();
        let mut args = vec!["import", input.as_str(), "--json"];
        if let Some(y) = year {
            args.extend(["--year", y]);
        }
        let out = run(&db, &args)?;
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            describe(&out)
        );
        let summary = json(&out)?;
        let imported = summary["imported"].as_u64().unwrap_or(0);
        assert!(imported > 0, "{name}: {}", describe(&out));
        let (enterprises, _) = counts(&db)?;
        assert!(enterprises > 0 && enterprises <= imported, "{name}");
        // Exit 0 exactly when nothing was rejected.
        let rejected = summary["rejected"].as_u64().unwrap_or(0);
        assert_eq!(out.status.code() == Some(0), rejected == 0, "{name}");
    }
    Ok(())
}

#[test]
fn a_header_only_file_imports_nothing_and_succeeds() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();
    let input = fixture_copy("header_only.csv", dir.path())?;
    let out = run(&db, &["import", &input.to_string_lossy(), "--json"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json(&out)?["rows"], 0);
    assert!(!dir.path().join("header_only.csv.errors.csv").exists());
    Ok(())
}

#[test]
fn files_that_cannot_be_imported_exit_2_with_what_to_do() -> TestResult {
    let cases = [
        ("not_a_sheet.png", "not a spreadsheet"),
        ("not_xlsx.zip", "not a spreadsheet"),
        ("web_export.xls", "not a spreadsheet"),
        ("empty.csv", "empty"),
        ("missing_required.csv", "missing required columns"),
    ];
    for (name, says) in cases {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("registry.db");
        let db_arg = db.to_string_lossy().into_owned();
        let out = run(&db_arg, &["import", &fixture(name).to_string_lossy()])?;
        assert_eq!(out.status.code(), Some(2), "{name}: {}", describe(&out));
        let err = text(&out.stderr);
        assert!(err.contains(says), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        // Refused before the database was touched.
        assert!(!db.exists(), "{name}: the database was created");
    }
    let dir = tempfile::tempdir()?;
    let db = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();
    let missing = dir.path().join("no-such-file.csv");
    let out = run(&db, &["import", &missing.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(text(&out.stderr).contains("no-such-file.csv"));
    Ok(())
}

#[test]
fn bad_databases_exit_2_without_a_panic() -> TestResult {
    let dir = tempfile::tempdir()?;
    let input = fixture_copy("basic_bom.csv", dir.path())?;
    let input = input.to_string_lossy().into_owned();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "x")?;
    let under_a_file = plain.join("registry.db").to_string_lossy().into_owned();
    let cases = [
        ("mysql://root@localhost/x", "only sqlite and postgres"),
        ("postgres://", "PostgreSQL"),
        (under_a_file.as_str(), "is a file, not a directory"),
        ("postgres://postgres@127.0.0.1:9/test", "pg_isready"),
    ];
    for (database, says) in cases {
        for args in [
            vec!["import", input.as_str()],
            vec!["export", "--format", "csv", "out.csv"],
            vec!["demo", "--enterprises", "5"],
            vec!["start"],
        ] {
            let out = run(database, &args)?;
            assert_eq!(
                out.status.code(),
                Some(2),
                "{database} {args:?}: {}",
                describe(&out)
            );
            let err = text(&out.stderr);
            assert!(err.contains(says), "{database} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    Ok(())
}

#[test]
fn a_file_without_a_year_column_needs_year() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();
    let input = dir.path().join("no_year.csv");
    std::fs::write(
        &input,
        "统一社会信用代码,企业名称,注册地区划代码,行业代码,从业人员\n\
         91350102MA2XK7Q12X,福州鼓楼星辰电子科技有限公司,350102,3911,120\n",
    )?;
    let input = input.to_string_lossy().into_owned();
    let out = run(&db, &["import", &input])?;
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(text(&out.stderr).contains("--year"), "{}", describe(&out));
    let out = run(&db, &["import", &input, "--year", "2024", "--json"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(counts(&db)?, (1, 1));
    Ok(())
}
