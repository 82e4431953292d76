//! Row-level rules, each on a small CSV built in memory.

use chrono::NaiveDate;
use shangyun_import::{HeaderInfo, ImportError, Importer, IssueKind, RowOutcome};
use shangyun_rules::codes::RegionList;
use shangyun_rules::ids::Uscc;
use shangyun_sheets::SheetReader;
use std::io::Cursor;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
}

fn uscc(region: &str, body: &str) -> String {
    Uscc::compose('9', '1', region, body)
        .map(|u| u.as_str().to_string())
        .unwrap_or_default()
}

fn run_with(
    csv: &str,
    importer: &Importer<'_>,
) -> Result<(HeaderInfo, Vec<RowOutcome>), ImportError> {
    let mut sheet = SheetReader::from_source(Cursor::new(csv.as_bytes().to_vec()))?;
    let mut import = importer.start(sheet.rows()?)?;
    let rows = import.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok((import.header().clone(), rows))
}

fn run(csv: &str) -> Result<(HeaderInfo, Vec<RowOutcome>), ImportError> {
    run_with(csv, &Importer::new().today(today()))
}

/// One data row under the four required columns plus `extra` columns.
fn one_row(extra_headers: &str, code: &str, region: &str, industry: &str, extra: &str) -> String {
    format!(
        "统一社会信用代码,企业名称,注册地区划代码,行业代码{extra_headers}\n{code},测试企业有限公司,{region},{industry}{extra}\n"
    )
}

fn errors(rows: &[RowOutcome]) -> Vec<IssueKind> {
    rows.iter()
        .flat_map(|r| r.errors.iter().map(|e| e.kind))
        .collect()
}

fn warnings(rows: &[RowOutcome]) -> Vec<IssueKind> {
    rows.iter()
        .flat_map(|r| r.warnings.iter().map(|e| e.kind))
        .collect()
}

#[test]
fn uscc_as_pasted_is_normalised() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let pasted = format!(" {}-{} ", &code[..8], code[8..].to_lowercase());
    let (_, rows) = run(&one_row("", &pasted, "350102", "3911", ""))?;
    assert_eq!(
        rows[0].record.as_ref().map(|(e, _)| e.uscc.clone()),
        Some(code)
    );
    Ok(())
}

#[test]
fn uscc_of_a_social_group_is_kept_with_a_note() -> TestResult {
    let code = Uscc::compose('5', '1', "350102", "MA2XK7Q1")?
        .as_str()
        .to_string();
    let (_, rows) = run(&one_row("", &code, "350102", "3911", ""))?;
    assert!(rows[0].record.is_some());
    assert_eq!(warnings(&rows), [IssueKind::UsccNote]);
    Ok(())
}

#[test]
fn region_codes() -> TestResult {
    let code = uscc("440305", "MA5F8R2K");
    for (region, ok) in [
        ("440305", true),
        ("440305 南山区", true),
        ("44030", false),
        ("4403051", false),
        ("440399", false), // well formed, not in the list
    ] {
        let (_, rows) = run(&one_row("", &code, region, "3911", ""))?;
        assert_eq!(
            rows[0].record.is_some(),
            ok,
            "{region}: {:?}",
            rows[0].errors
        );
        if !ok {
            assert_eq!(errors(&rows), [IssueKind::InvalidRegion], "{region}");
        }
    }
    Ok(())
}

#[test]
fn a_retired_region_is_accepted_and_flagged() -> TestResult {
    // Layer a newer edition without 330103 (下城区, merged in 2021) over the embedded list.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../codes/data/gbt2260_regions.tsv"
    );
    let text = std::fs::read_to_string(path)?;
    let newer: String = text
        .lines()
        .filter(|l| !l.starts_with("330103\t"))
        .map(|l| format!("{l}\n"))
        .collect();
    let regions = RegionList::embedded().with_newer(RegionList::parse("2022", &newer)?);
    let importer = Importer::new().today(today()).regions(&regions);
    let code = uscc("330103", "MA27WQ3L");
    let (_, rows) = run_with(&one_row("", &code, "330103", "6513", ""), &importer)?;
    assert!(rows[0].record.is_some(), "{:?}", rows[0].errors);
    let kinds = warnings(&rows);
    assert!(kinds.contains(&IssueKind::RetiredRegion), "{kinds:?}");
    assert!(kinds.contains(&IssueKind::UsccNote), "{kinds:?}"); // the USCC's region part too
    Ok(())
}

#[test]
fn industry_codes() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    for (industry, stored) in [
        ("3911", Some("3911")),
        ("C3911", Some("3911")),
        ("c 3911", Some("3911")),
        ("391", Some("391")), // a group is accepted
        ("39", Some("39")),
        ("0111", Some("0111")),
        ("111", Some("111")), // text: taken as typed (group 111), no padding
        ("A3911", None),      // wrong section letter
        ("C", None),          // a section alone
        ("9999", None),
        ("abc", None),
    ] {
        let (_, rows) = run(&one_row("", &code, "350102", industry, ""))?;
        let got = rows[0].record.as_ref().map(|(e, _)| e.industry.as_str());
        assert_eq!(got, stored, "{industry}: {:?}", rows[0].errors);
        if stored.is_none() {
            assert_eq!(errors(&rows), [IssueKind::InvalidIndustry], "{industry}");
        }
    }
    Ok(())
}

#[test]
fn a_year_column_or_a_default_year_is_needed_for_figures() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = one_row(",从业人员", &code, "350102", "3911", ",12");
    assert!(matches!(run(&csv), Err(ImportError::NoYear)));
    let importer = Importer::new().today(today()).default_year(2024);
    let (_, rows) = run_with(&csv, &importer)?;
    let figures = rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!((figures.year, figures.employees), (2024, Some(12)));
    // With a year column, a row with figures but an empty year is an error.
    let csv = one_row(",年度,从业人员", &code, "350102", "3911", ",,12");
    let (_, rows) = run(&csv)?;
    assert_eq!(errors(&rows), [IssueKind::Missing]);
    // And a row without figures needs no year.
    let csv = one_row(",年度,从业人员", &code, "350102", "3911", ",,");
    let (_, rows) = run(&csv)?;
    assert_eq!(
        rows[0].record.as_ref().map(|(_, f)| f.is_none()),
        Some(true)
    );
    Ok(())
}

#[test]
fn year_edges() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    for (year, ok) in [
        ("1990", true),
        ("1989", false),
        ("2026", true),
        ("2027", false),
        ("2024年", true),
    ] {
        let csv = one_row(
            ",年度,从业人员",
            &code,
            "350102",
            "3911",
            &format!(",{year},5"),
        );
        let (_, rows) = run(&csv)?;
        assert_eq!(rows[0].record.is_some(), ok, "{year}");
    }
    Ok(())
}

#[test]
fn founding_date_checks() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let cases = [
        ("2020-01-02", "2024", None),
        ("2026-01-15", "2026", None),                          // today
        ("2026-01-16", "2026", Some(IssueKind::InvalidDate)),  // tomorrow
        ("2025-03-01", "2024", Some(IssueKind::Inconsistent)), // founded after the figures' year
        ("2020", "2024", Some(IssueKind::InvalidDate)),        // a year only
    ];
    for (founded, year, expected) in cases {
        let csv = one_row(
            ",成立日期,年度,从业人员",
            &code,
            "350102",
            "3911",
            &format!(",{founded},{year},5"),
        );
        let (_, rows) = run(&csv)?;
        let got = rows[0].errors.first().map(|e| e.kind);
        assert_eq!(got, expected, "{founded}/{year}: {:?}", rows[0].errors);
    }
    Ok(())
}

#[test]
fn units_in_cells_and_headers_without_units() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = one_row(
        ",年度,营业收入,从业人员(人),资产总额(万元),能耗(万千瓦时)",
        &code,
        "350102",
        "3911",
        ",2024,1200,12人,8500万元,1.5",
    );
    let (header, rows) = run(&csv)?;
    // 营业收入 without a unit: read as 万元, with a warning on the header.
    let assumed: Vec<_> = header
        .warnings
        .iter()
        .map(|w| (w.kind, w.value.as_str()))
        .collect();
    assert_eq!(assumed, [(IssueKind::UnitAssumed, "营业收入")]);
    let f = rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!(f.revenue, Some(1200.0));
    assert_eq!(f.employees, Some(12));
    assert_eq!(f.assets, Some(8500.0));
    assert_eq!(f.energy_kwh, Some(15_000.0));
    // A unit in the cell that is not the column's unit is not taken.
    let csv = one_row(
        ",年度,资产总额(万元)",
        &code,
        "350102",
        "3911",
        ",2024,8500元",
    );
    let (_, rows) = run(&csv)?;
    assert_eq!(errors(&rows), [IssueKind::NotANumber]);
    Ok(())
}

#[test]
fn units_row_under_the_header() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = format!(
        "统一社会信用代码,企业名称,注册地区划代码,行业代码,年度,营业收入,资产总额\n,,,,,元,万元\n{code},甲,350102,3911,2024,\"1,000,000\",50\n"
    );
    let (header, rows) = run(&csv)?;
    assert_eq!(header.row, 2);
    assert!(header.warnings.is_empty(), "{:?}", header.warnings);
    let f = rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!((f.revenue, f.assets), (Some(100.0), Some(50.0)));
    assert_eq!(rows[0].row, 3);
    Ok(())
}

#[test]
fn debt_ratio_as_a_fraction_is_kept_with_a_warning() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = one_row(",年度,资产负债率", &code, "350102", "3911", ",2024,0.45");
    let (_, rows) = run(&csv)?;
    assert_eq!(warnings(&rows), [IssueKind::Suspicious]);
    let f = rows[0]
        .record
        .as_ref()
        .and_then(|(_, f)| f.clone())
        .ok_or("no figures")?;
    assert_eq!(f.debt_ratio, Some(0.45));
    // Edges of 0–100.
    for (ratio, ok) in [
        ("0", true),
        ("100", true),
        ("100.01", false),
        ("-0.01", false),
        ("100%", true),
    ] {
        let csv = one_row(
            ",年度,资产负债率",
            &code,
            "350102",
            "3911",
            &format!(",2024,{ratio}"),
        );
        let (_, rows) = run(&csv)?;
        assert_eq!(rows[0].record.is_some(), ok, "{ratio}");
    }
    Ok(())
}

#[test]
fn employees_limit_edges() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    for (employees, ok) in [
        ("0", true),
        ("10000000", true),
        ("10000001", false),
        ("-1", false),
        ("12.5", false),
    ] {
        let csv = one_row(
            ",年度,从业人员",
            &code,
            "350102",
            "3911",
            &format!(",2024,{employees}"),
        );
        let (_, rows) = run(&csv)?;
        assert_eq!(
            rows[0].record.is_some(),
            ok,
            "{employees}: {:?}",
            rows[0].errors
        );
    }
    Ok(())
}

#[test]
fn main_business_revenue_cannot_exceed_revenue() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    for (main, ok) in [("1000", true), ("1005", true), ("1006", false)] {
        let csv = one_row(
            ",年度,营业收入(万元),主营业务收入(万元)",
            &code,
            "350102",
            "3911",
            &format!(",2024,1000,{main}"),
        );
        let (_, rows) = run(&csv)?;
        assert_eq!(rows[0].record.is_some(), ok, "{main}");
    }
    Ok(())
}

#[test]
fn contacts_that_look_wrong_are_kept_with_warnings() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = one_row(
        ",联系人,联系电话,电子邮箱",
        &code,
        "350102",
        "3911",
        ",王五,找前台,wangwu.example.cn",
    );
    let (_, rows) = run(&csv)?;
    let (firm, _) = rows[0].record.clone().ok_or("rejected")?;
    assert_eq!(firm.contact_phone.as_deref(), Some("找前台"));
    assert_eq!(
        warnings(&rows),
        [IssueKind::Suspicious, IssueKind::Suspicious]
    );
    Ok(())
}

#[test]
fn required_values_missing_name_their_column() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let (_, rows) = run(&one_row("", &code, "", "3911", ""))?;
    assert_eq!(errors(&rows), [IssueKind::Missing]);
    let column = rows[0].errors[0].column.clone().ok_or("no column")?;
    assert_eq!(
        (column.letter.as_str(), column.header.as_str()),
        ("C", "注册地区划代码")
    );
    Ok(())
}

#[test]
fn a_title_row_above_the_header_and_blank_rows_between_data() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = format!(
        "2024年企业名录,,,\n统一社会信用代码,企业名称,注册地区划代码,行业代码\n{code},甲,350102,3911\n,,,\n\n{code},甲,350102,3911\n"
    );
    let (header, rows) = run(&csv)?;
    assert_eq!(header.row, 2);
    let numbers: Vec<usize> = rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [3, 6]);
    assert_eq!(warnings(&rows), [IssueKind::DuplicateIdentical]);
    Ok(())
}

#[test]
fn no_header_says_what_the_first_row_is() {
    match run("a,b,c\n1,2,3\n") {
        Err(e @ ImportError::NoHeader { .. }) => assert!(e.to_string().contains("a | b | c")),
        other => panic!("{:?}", other.map(|(h, _)| h)),
    }
}

#[test]
fn a_row_that_is_not_utf8_costs_only_itself() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let other = uscc("350102", "MA2XK7Q2");
    let mut bytes =
        format!("统一社会信用代码,企业名称,注册地区划代码,行业代码\n{code},甲,350102,3911\n")
            .into_bytes();
    // Enough rows that the bad one is past the encoding sample.
    for _ in 0..3000 {
        bytes.extend_from_slice(format!("{code},甲,350102,3911\n").as_bytes());
    }
    bytes.extend_from_slice(b"bad,caf\xE9,350102,3911\n");
    bytes.extend_from_slice(format!("{other},乙,350102,3911\n").as_bytes());
    let mut sheet = SheetReader::from_source(Cursor::new(bytes))?;
    let importer = Importer::new().today(today());
    let mut import = importer.start(sheet.rows()?)?;
    let rows = import.by_ref().collect::<Result<Vec<_>, _>>()?;
    let bad = rows
        .iter()
        .find(|r| r.row == 3003)
        .ok_or("bad row missing")?;
    assert_eq!(bad.errors[0].kind, IssueKind::Unreadable);
    let last = rows.last().ok_or("no rows")?;
    assert_eq!(last.row, 3004);
    assert!(last.record.is_some());
    assert_eq!(import.summary().rejected, 1);
    Ok(())
}

#[test]
fn the_duplicate_check_can_be_left_to_the_store() -> TestResult {
    let code = uscc("350102", "MA2XK7Q1");
    let csv = format!(
        "统一社会信用代码,企业名称,注册地区划代码,行业代码,年度,从业人员\n{code},甲,350102,3911,2024,5\n{code},甲,350102,3911,2024,6\n"
    );
    let (_, rows) = run(&csv)?;
    assert_eq!(errors(&rows), [IssueKind::DuplicateConflict]);
    let (_, rows) = run_with(
        &csv,
        &Importer::new().today(today()).check_duplicates(false),
    )?;
    assert!(rows.iter().all(|r| r.record.is_some()));
    Ok(())
}
