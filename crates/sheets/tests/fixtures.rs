//! Reading the spreadsheets in `tests/fixtures/import/`, made by openpyxl, LibreOffice and
//! Python's csv/codecs (scripts/make_fixtures.py), not by this crate.

use shangyun_sheets::{Cell, Foreign, Format, Row, SheetError, SheetReader, TextEncoding};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

fn read_all(name: &str) -> Result<(Format, Vec<Row>), SheetError> {
    let mut reader = SheetReader::open(fixture(name))?;
    let rows = reader.rows()?.collect::<Result<Vec<_>, _>>()?;
    Ok((reader.format(), rows))
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

#[test]
fn empty_file_has_no_rows() -> Result<(), SheetError> {
    let (format, rows) = read_all("empty.csv")?;
    assert!(matches!(format, Format::Csv { .. }));
    assert!(rows.is_empty());
    Ok(())
}

#[test]
fn header_only_with_bom_gives_the_header_without_the_bom() -> Result<(), SheetError> {
    let (format, rows) = read_all("header_only.csv")?;
    assert_eq!(
        format,
        Format::Csv {
            encoding: TextEncoding::Utf8Bom,
            delimiter: ','
        }
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].number, 1);
    assert_eq!(rows[0].cells[0], text("统一社会信用代码"));
    Ok(())
}

#[test]
fn quoted_line_breaks_and_blank_lines_keep_excel_row_numbers() -> Result<(), SheetError> {
    let (_, rows) = read_all("quoted_newlines.csv")?;
    let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
    // Row 2 spans three physical lines; row 4 is a blank line (skipped, but counted).
    assert_eq!(numbers, [1, 2, 3, 5]);
    assert_eq!(rows[1].cells[6], text("第一行\n第二行\n第三行"));
    assert_eq!(rows[3].cells[6], text("校验位错误"));
    Ok(())
}

#[test]
fn a_ten_thousand_character_cell_arrives_whole() -> Result<(), SheetError> {
    let (_, rows) = read_all("long_cell.csv")?;
    let Cell::Text(long) = &rows[1].cells[6] else {
        panic!("expected text, got {:?}", rows[1].cells[6]);
    };
    assert_eq!(long.chars().count(), 10_000);
    assert!(long.chars().all(|c| c == '长'));
    Ok(())
}

#[test]
fn gbk_csv_is_detected_and_converted() -> Result<(), SheetError> {
    let (format, rows) = read_all("gbk.csv")?;
    assert_eq!(
        format,
        Format::Csv {
            encoding: TextEncoding::Gb18030,
            delimiter: ','
        }
    );
    assert_eq!(rows[0].cells[0], text("统一社会信用代码"));
    assert_eq!(rows[0].cells[16], text("Ⅱ类知识产权"));
    assert_eq!(rows[1].cells[1], text("福州鼓楼星辰电子科技有限公司"));
    Ok(())
}

#[test]
fn files_that_are_not_spreadsheets_are_named() {
    for (name, expected) in [
        ("not_a_sheet.png", Foreign::Image),
        ("not_xlsx.zip", Foreign::Zip),
        ("web_export.xls", Foreign::Html),
    ] {
        match SheetReader::open(fixture(name)) {
            Err(SheetError::NotASpreadsheet { kind }) => assert_eq!(kind, expected, "{name}"),
            Err(other) => panic!("{name}: unexpected error {other}"),
            Ok(reader) => panic!("{name}: read as {:?}", reader.format()),
        }
    }
}

#[test]
fn the_not_a_spreadsheet_message_says_what_to_do() {
    let Err(e) = SheetReader::open(fixture("not_a_sheet.png")) else {
        panic!("a PNG was accepted");
    };
    let message = e.to_string();
    assert!(message.contains("图片"), "{message}");
    assert!(message.contains("an image"), "{message}");
    assert!(message.contains(".xlsx"), "{message}");
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let Err(e) = SheetReader::open(fixture("no_such_file.csv")) else {
        panic!("opened a missing file");
    };
    assert!(matches!(e, SheetError::Io { .. }));
    assert!(e.to_string().contains("no_such_file.csv"));
}

#[test]
fn openpyxl_cell_types_come_through() -> Result<(), SheetError> {
    let (format, rows) = read_all("openpyxl_types.xlsx")?;
    assert_eq!(
        format,
        Format::Xlsx {
            sheet: "企业名录".into()
        }
    );
    let first = &rows[1];
    assert_eq!(first.number, 2);
    assert!(matches!(&first.cells[0], Cell::Text(code) if code.len() == 18));
    assert_eq!(first.cells[3], text("3911")); // text-formatted code
    assert!(matches!(first.cells[4], Cell::Date(d) if d.to_string().starts_with("2015-03-18")));
    assert_eq!(first.cells[6], Cell::Number(120.0));
    assert!(matches!(first.cells[13], Cell::Percent(p) if (p - 0.452).abs() < 1e-12));
    // Row 3: a number typed as text, and a serial number in General format.
    assert_eq!(rows[2].cells[7], text("2,300"));
    assert_eq!(rows[2].cells[4], Cell::Number(43406.0));
    // Row 4: an industry code that Excel stored as a number.
    assert_eq!(rows[3].cells[3], Cell::Number(111.0));
    // Row 5: an all-digit USCC stored as a number.
    assert!(matches!(rows[4].cells[0], Cell::Number(n) if n > 9.1e17));
    Ok(())
}

#[test]
fn formulas_give_the_cached_value_libreoffice_saved() -> Result<(), SheetError> {
    let (_, rows) = read_all("libreoffice_formulas.xlsx")?;
    assert_eq!(rows[1].cells[6], Cell::Number(120.0)); // =60+60
    assert_eq!(rows[1].cells[7], Cell::Number(8500.5)); // =SUM(8500.5,0)
    assert!(matches!(rows[1].cells[9], Cell::Number(n) if (n - 4.95).abs() < 1e-9));
    Ok(())
}

#[test]
fn formulas_without_a_cached_value_read_as_empty() -> Result<(), SheetError> {
    // openpyxl writes the formula text only; nothing has computed it.
    let (_, rows) = read_all("openpyxl_formulas.xlsx")?;
    assert_eq!(rows[1].cell(6), &Cell::Empty);
    assert_eq!(rows[1].cells[8], Cell::Number(420.5));
    Ok(())
}

#[test]
fn merged_header_cells_hold_their_value_in_the_top_left_cell() -> Result<(), SheetError> {
    let (_, rows) = read_all("openpyxl_merged_header.xlsx")?;
    assert!(matches!(&rows[0].cells[0], Cell::Text(t) if t.starts_with("2024年度")));
    assert_eq!(rows[1].cells[0], text("统一社会信用代码"));
    assert_eq!(rows[1].cells[6], text("经营情况"));
    assert_eq!(rows[2].cell(0), &Cell::Empty); // covered by the vertical merge A2:A3
    assert_eq!(rows[2].cells[6], text("从业人员"));
    assert_eq!(rows[3].number, 4);
    Ok(())
}

#[test]
fn libreoffice_guesses_types_when_it_converts_a_csv() -> Result<(), SheetError> {
    let (_, rows) = read_all("libreoffice_from_csv.xlsx")?;
    // The leading zero of industry 0111 is gone, the all-digit USCC became a number.
    assert_eq!(rows[3].cells[3], Cell::Number(111.0));
    assert!(matches!(rows[4].cells[0], Cell::Number(_)));
    assert!(matches!(&rows[1].cells[0], Cell::Text(code) if code.len() == 18));
    Ok(())
}
