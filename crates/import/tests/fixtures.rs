//! Importing the spreadsheets in tests/fixtures/import/ (made by openpyxl, LibreOffice and
//! Python's csv/codecs — see scripts/make_fixtures.py) and checking every outcome.

use chrono::NaiveDate;
use shangyun_import::{
    ErrorReport, HeaderInfo, ImportError, ImportSummary, Importer, IssueKind, RowOutcome,
};
use shangyun_sheets::{SheetError, SheetReader};
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
}

struct Imported {
    header: HeaderInfo,
    rows: Vec<RowOutcome>,
    summary: ImportSummary,
}

fn import_with(name: &str, importer: &Importer<'_>) -> Result<Imported, ImportError> {
    let mut sheet = SheetReader::open(fixture(name))?;
    let mut import = importer.start(sheet.rows()?)?;
    let rows = import.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok(Imported {
        header: import.header().clone(),
        rows,
        summary: import.summary(),
    })
}

fn import(name: &str) -> Result<Imported, ImportError> {
    import_with(name, &Importer::new().today(today()))
}

fn kinds(outcome: &RowOutcome) -> Vec<IssueKind> {
    outcome.errors.iter().map(|e| e.kind).collect()
}

fn warning_kinds(outcome: &RowOutcome) -> Vec<IssueKind> {
    outcome.warnings.iter().map(|e| e.kind).collect()
}

fn error_letter(outcome: &RowOutcome) -> Option<&str> {
    outcome
        .errors
        .first()
        .and_then(|e| e.column.as_ref())
        .map(|c| c.letter.as_str())
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn a_clean_utf8_csv_with_bom_imports_every_row() -> TestResult {
    let got = import("basic_bom.csv")?;
    assert!(got.header.unknown.is_empty());
    assert!(got.header.warnings.is_empty(), "{:?}", got.header.warnings);
    assert_eq!(got.rows.len(), 5);
    for row in &got.rows {
        assert!(row.errors.is_empty(), "row {}: {:?}", row.row, row.errors);
        assert!(
            row.warnings.is_empty(),
            "row {}: {:?}",
            row.row,
            row.warnings
        );
    }
    let records: Vec<_> = got.rows.iter().filter_map(|r| r.record.clone()).collect();
    let (e1, f1) = &records[0];
    assert_eq!(e1.name, "福州鼓楼星辰电子科技有限公司");
    assert_eq!(e1.registered_region, "350102");
    assert_eq!(e1.industry, "3911");
    assert_eq!(e1.founded, date(2015, 3, 18));
    assert_eq!(e1.contact_email.as_deref(), Some("linwei@example.cn"));
    let f1 = f1.as_ref().ok_or("no figures")?;
    assert_eq!(
        (f1.year, f1.employees, f1.revenue),
        (2024, Some(120), Some(8500.5))
    ); // "8,500.5"
    assert_eq!(f1.debt_ratio, Some(45.2));
    assert_eq!(f1.energy_kwh, Some(350_000.0));
    let (e2, f2) = &records[1];
    assert_eq!(e2.founded, date(2018, 11, 2)); // "2018/11/2"
    assert_eq!(e2.contact_email, None);
    let f2 = f2.as_ref().ok_or("no figures")?;
    assert_eq!(f2.debt_ratio, Some(28.0)); // "28%"
    assert_eq!(f2.net_profit, Some(-35.5)); // losses are fine
    assert_eq!(records[2].0.founded, date(2012, 6, 30)); // "2012年6月30日"
    assert_eq!(records[2].0.industry, "0111"); // text keeps its leading zero
    assert_eq!(records[3].1.as_ref().and_then(|f| f.assets), Some(22_000.0)); // "22，000"
    assert_eq!(records[4].0.founded, date(2020, 1, 2)); // Excel serial 43832
    assert_eq!(got.summary.imported, 5);
    Ok(())
}

#[test]
fn english_headers_and_revenue_in_yuan() -> TestResult {
    let got = import("english_headers.csv")?;
    assert!(got.header.unknown.is_empty(), "{:?}", got.header.unknown);
    let figures: Vec<_> = got
        .rows
        .iter()
        .filter_map(|r| r.record.as_ref().and_then(|(_, f)| f.clone()))
        .collect();
    assert_eq!(figures.len(), 5);
    assert_eq!(figures[0].revenue, Some(8500.5)); // 85,005,000 元
    assert_eq!(figures[1].revenue, Some(2300.0));
    assert_eq!(figures[0].main_business_revenue, Some(8000.0)); // (10k yuan)
    Ok(())
}

#[test]
fn yuan_columns_are_converted_to_wan_yuan() -> TestResult {
    let got = import("units_yuan.csv")?;
    let f = got.rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("first row rejected")?;
    assert_eq!(f.revenue, Some(8500.5)); // "85,005,000" in 营业收入（元）
    assert_eq!(f.rd_spend, Some(420.5)); // 4205000 in 研发费用(元)
    assert_eq!(f.main_business_revenue, Some(8000.0)); // still 万元
    Ok(())
}

#[test]
fn the_same_figure_in_yuan_and_wan_yuan_columns_is_refused() {
    match import("units_conflict.csv") {
        Err(e @ ImportError::DuplicateColumn { .. }) => {
            let message = e.to_string();
            assert!(message.contains("营业收入"), "{message}");
            assert!(message.contains('H') && message.contains('V'), "{message}");
        }
        other => panic!(
            "expected a duplicate column, got {:?}",
            other.map(|g| g.summary)
        ),
    }
}

#[test]
fn gbk_csv_imports_like_utf8() -> TestResult {
    let got = import("gbk.csv")?;
    assert_eq!(got.summary.imported, 3);
    assert_eq!(
        got.rows[2].record.as_ref().map(|(e, _)| e.name.as_str()),
        Some("深圳南山禾丰农业有限公司")
    );
    Ok(())
}

#[test]
fn an_empty_file_is_refused_and_a_header_only_file_has_no_rows() -> TestResult {
    assert!(matches!(import("empty.csv"), Err(ImportError::Empty)));
    let got = import("header_only.csv")?;
    assert!(got.rows.is_empty());
    assert_eq!(got.header.columns.len(), 21);
    Ok(())
}

#[test]
fn files_that_are_not_spreadsheets_are_refused_with_a_reason() {
    for name in ["not_a_sheet.png", "not_xlsx.zip", "web_export.xls"] {
        match import(name) {
            Err(ImportError::Sheet(SheetError::NotASpreadsheet { .. })) => {}
            other => panic!("{name}: {:?}", other.map(|g| g.summary)),
        }
    }
}

#[test]
fn missing_required_columns_list_what_was_found() {
    match import("missing_required.csv") {
        Err(e @ ImportError::MissingColumns { .. }) => {
            let message = e.to_string();
            assert!(message.contains("注册地区划代码"), "{message}");
            assert!(message.contains("行业代码"), "{message}");
            assert!(message.contains("地址"), "{message}"); // what the file has
            assert!(!message.contains("统一社会信用代码（"), "{message}");
        }
        other => panic!(
            "expected missing columns, got {:?}",
            other.map(|g| g.summary)
        ),
    }
}

#[test]
fn quoted_line_breaks_do_not_shift_row_numbers_and_unknown_columns_are_warnings() -> TestResult {
    let got = import("quoted_newlines.csv")?;
    assert_eq!(got.header.unknown.len(), 1);
    assert_eq!(got.header.unknown[0].header, "备注");
    assert_eq!(got.header.warnings[0].kind, IssueKind::UnknownColumn);
    let numbers: Vec<usize> = got.rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [2, 3, 5]);
    assert!(got.rows[0].record.is_some());
    assert_eq!(kinds(&got.rows[2]), [IssueKind::InvalidUscc]);
    assert_eq!(error_letter(&got.rows[2]), Some("A"));
    assert!(
        got.rows[2].errors[0].reason.zh.contains("校验"),
        "{:?}",
        got.rows[2].errors
    );
    Ok(())
}

#[test]
fn a_ten_thousand_character_cell() -> TestResult {
    let got = import("long_cell.csv")?;
    assert!(got.rows[0].record.is_some()); // the long remark is in an ignored column
    let name_error = &got.rows[1].errors[0];
    assert_eq!(name_error.kind, IssueKind::InvalidText);
    assert!(
        name_error.reason.zh.contains("10000"),
        "{}",
        name_error.reason.zh
    );
    assert!(name_error.value.chars().count() < 300); // cut for the report
    Ok(())
}

#[test]
fn negative_and_absurd_figures_are_errors_on_their_cell() -> TestResult {
    let got = import("absurd.csv")?;
    let expect = [
        (2, IssueKind::OutOfRange, "H"),   // revenue −100
        (3, IssueKind::OutOfRange, "G"),   // 20,000,000 employees
        (4, IssueKind::OutOfRange, "N"),   // debt ratio 150%
        (5, IssueKind::InvalidYear, "F"),  // 1850
        (6, IssueKind::Inconsistent, "L"), // R&D staff 50 > employees 9
        (7, IssueKind::Inconsistent, "P"), // high-value 4 > class I 1
        (8, IssueKind::NotANumber, "G"),   // employees "十二"
    ];
    assert_eq!(got.rows.len(), expect.len());
    for (outcome, (row, kind, letter)) in got.rows.iter().zip(expect) {
        assert_eq!(outcome.row, row);
        assert!(outcome.record.is_none(), "row {row} imported");
        assert_eq!(kinds(outcome), [kind], "row {row}: {:?}", outcome.errors);
        assert_eq!(error_letter(outcome), Some(letter), "row {row}");
    }
    assert_eq!(got.summary.rejected, 7);
    assert!(got.rows[0].errors[0].reason.zh.contains("负数"));
    Ok(())
}

#[test]
fn repeated_rows_identical_skipped_conflicting_named() -> TestResult {
    let got = import("duplicates.csv")?;
    let by_row = |n: usize| got.rows.iter().find(|r| r.row == n).ok_or("row missing");
    assert!(by_row(2)?.record.is_some());
    assert!(by_row(3)?.record.is_some());
    let identical = by_row(4)?;
    assert!(identical.record.is_none() && identical.errors.is_empty());
    assert_eq!(warning_kinds(identical), [IssueKind::DuplicateIdentical]);
    assert!(identical.warnings[0].reason.zh.contains("第 2 行"));
    let conflict = by_row(5)?;
    assert_eq!(kinds(conflict), [IssueKind::DuplicateConflict]);
    assert!(
        conflict.errors[0].reason.zh.contains("第 3 行"),
        "{:?}",
        conflict.errors
    );
    assert!(conflict.errors[0].reason.en.contains("row 3"));
    assert!(by_row(6)?.record.is_some()); // same firm, another year
    let renamed = by_row(7)?;
    assert_eq!(kinds(renamed), [IssueKind::EnterpriseConflict]);
    assert!(renamed.errors[0].reason.zh.contains("第 2 行"));
    assert_eq!(got.summary.identical_duplicates, 1);
    assert_eq!(got.summary.conflicting_duplicates, 2);
    assert_eq!(got.summary.imported, 3);
    Ok(())
}

#[test]
fn a_uscc_excel_turned_into_a_number_gets_a_hint() -> TestResult {
    let got = import("mangled_uscc.csv")?;
    assert_eq!(kinds(&got.rows[0]), [IssueKind::UsccStoredAsNumber]);
    assert!(got.rows[0].errors[0].reason.zh.contains("文本"));
    assert!(got.rows[1].record.is_some());
    Ok(())
}

#[test]
fn openpyxl_cell_types() -> TestResult {
    let got = import("openpyxl_types.xlsx")?;
    let rows = &got.rows;
    let f = |i: usize| rows[i].record.as_ref().and_then(|(_, f)| f.clone());
    // Row 2: percent-formatted debt ratio 0.452 → 45.2 %, date cell.
    assert!(rows[0].errors.is_empty(), "{:?}", rows[0].errors);
    assert!(
        f(0).and_then(|f| f.debt_ratio)
            .is_some_and(|d| (d - 45.2).abs() < 1e-9)
    );
    assert_eq!(
        rows[0].record.as_ref().and_then(|(e, _)| e.founded),
        date(2015, 3, 18)
    );
    // Row 3: "2,300" typed as text; founded as a serial number in General format.
    assert_eq!(f(1).and_then(|f| f.revenue), Some(2300.0));
    assert_eq!(
        rows[1].record.as_ref().and_then(|(e, _)| e.founded),
        date(2018, 11, 2)
    );
    // Row 4: industry typed as the number 111: leading zero restored, with a warning.
    assert_eq!(
        rows[2].record.as_ref().map(|(e, _)| e.industry.as_str()),
        Some("0111")
    );
    assert_eq!(warning_kinds(&rows[2]), [IssueKind::LeadingZeroRestored]);
    // Row 5: the USCC typed as a number.
    assert_eq!(kinds(&rows[3]), [IssueKind::UsccStoredAsNumber]);
    assert_eq!(error_letter(&rows[3]), Some("A"));
    // Row 6: employees as text, energy with decimals.
    assert_eq!(f(4).and_then(|f| f.employees), Some(9));
    assert_eq!(f(4).and_then(|f| f.energy_kwh), Some(8000.25));
    Ok(())
}

#[test]
fn merged_two_row_header_under_a_title_row() -> TestResult {
    let got = import("openpyxl_merged_header.xlsx")?;
    assert_eq!(got.header.row, 3);
    assert_eq!(got.header.columns.len(), 21);
    assert!(got.header.unknown.is_empty(), "{:?}", got.header.unknown);
    let numbers: Vec<usize> = got.rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [4, 5, 6]);
    assert_eq!(got.summary.imported, 3);
    let f = got.rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!(f.employees, Some(120));
    Ok(())
}

#[test]
fn formulas_use_the_value_libreoffice_cached() -> TestResult {
    let got = import("libreoffice_formulas.xlsx")?;
    assert_eq!(got.header.unknown.len(), 1); // 研发投入强度(%) is no registry field
    let f = got.rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!(
        (f.employees, f.revenue, f.rd_spend),
        (Some(120), Some(8500.5), Some(420.5))
    );
    Ok(())
}

#[test]
fn formulas_nobody_computed_read_as_empty() -> TestResult {
    // openpyxl stores no cached value: the figures are simply absent (documented limit).
    let got = import("openpyxl_formulas.xlsx")?;
    let f = got.rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!(
        (f.employees, f.revenue, f.rd_spend),
        (None, None, Some(420.5))
    );
    Ok(())
}

#[test]
fn a_csv_converted_by_libreoffice() -> TestResult {
    let got = import("libreoffice_from_csv.xlsx")?;
    assert_eq!(got.rows.len(), 5);
    // LibreOffice turned 0111 into 111 and the all-digit USCC into a number.
    assert_eq!(
        warning_kinds(&got.rows[2]),
        [IssueKind::LeadingZeroRestored]
    );
    assert_eq!(kinds(&got.rows[3]), [IssueKind::UsccStoredAsNumber]);
    let ok: Vec<usize> = got
        .rows
        .iter()
        .filter(|r| r.record.is_some())
        .map(|r| r.row)
        .collect();
    assert_eq!(ok, [2, 3, 4, 6]);
    let f2 = got.rows[1]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!(f2.debt_ratio, Some(28.0));
    let e5 = got.rows[4].record.as_ref().map(|(e, _)| e.founded);
    assert_eq!(e5, Some(date(2020, 1, 2)));
    Ok(())
}

#[test]
fn error_report_lands_beside_the_input_and_a_clean_rerun_removes_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("absurd.csv");
    std::fs::copy(fixture("absurd.csv"), &input)?;
    let importer = Importer::new().today(today());
    let run = |path: &std::path::Path| -> Result<shangyun_import::ReportFiles, Box<dyn std::error::Error>> {
        let mut sheet = SheetReader::open(path)?;
        let mut import = importer.start(sheet.rows()?)?;
        let mut report = ErrorReport::beside(path)?;
        report.add_header(import.header())?;
        for outcome in &mut import {
            report.add(&outcome?)?;
        }
        Ok(report.finish()?)
    };
    let files = run(&input)?;
    assert_eq!(files.errors, 7);
    let csv = files.csv.ok_or("no CSV report")?;
    let xlsx = files.xlsx.ok_or("no XLSX report")?;
    assert_eq!(csv, dir.path().join("absurd.csv.errors.csv"));
    for report in [&csv, &xlsx] {
        let mut sheet = SheetReader::open(report)?;
        let rows: Vec<_> = sheet.rows()?.collect::<Result<_, _>>()?;
        assert_eq!(rows.len(), 8, "{}", report.display()); // header + 7 errors
        let first: Vec<String> = rows[1].cells.iter().map(ToString::to_string).collect();
        assert_eq!(first[0], "2");
        assert_eq!(first[1], "H");
        assert_eq!(first[2], "营业收入(万元)");
        assert_eq!(first[3], "-100");
        assert_eq!(first[4], "错误 error");
        assert_eq!(first[5], "out_of_range");
    }
    // The same file fixed: no report, and the old one is gone.
    std::fs::copy(fixture("basic_bom.csv"), &input)?;
    let files = run(&input)?;
    assert_eq!(files.xlsx, None);
    assert!(!csv.exists() && !xlsx.exists());
    Ok(())
}
