//! What the writers produce reads back the same, and the XLSX has Excel's niceties.

use chrono::NaiveDate;
use shangyun_sheets::{
    Cell, Column, ColumnKind, OutputFormat, SheetError, SheetReader, SheetWriter,
};
use std::io::Read;

fn columns() -> Vec<Column> {
    vec![
        Column::new("统一社会信用代码", ColumnKind::Code),
        Column::new("行业代码", ColumnKind::Code),
        Column::new("企业名称", ColumnKind::Text),
        Column::new("营业收入(万元)", ColumnKind::Number),
        Column::new("成立日期", ColumnKind::Date),
    ]
}

fn row() -> Vec<Cell> {
    let founded = NaiveDate::from_ymd_opt(2012, 6, 30).and_then(|d| d.and_hms_opt(0, 0, 0));
    vec![
        Cell::Text("911101085513850820".into()),
        Cell::Text("0111".into()),
        Cell::Text("深圳南山禾丰农业有限公司".into()),
        Cell::Number(900.5),
        founded.map_or(Cell::Empty, Cell::Date),
    ]
}

fn write(
    format: OutputFormat,
    name: &str,
) -> Result<(tempfile::TempDir, std::path::PathBuf), SheetError> {
    let dir = tempfile::tempdir().map_err(|source| SheetError::Io {
        path: "tempdir".into(),
        source,
    })?;
    let path = dir.path().join(name);
    let mut out = SheetWriter::create(&path, format, &columns())?;
    out.write_row(&row())?;
    out.write_row(&[Cell::Text("X".into())])?; // short rows are fine
    out.finish()?;
    Ok((dir, path))
}

#[test]
fn xlsx_keeps_codes_as_text_and_values_typed() -> Result<(), SheetError> {
    let (_dir, path) = write(OutputFormat::Xlsx, "out.xlsx")?;
    let mut reader = SheetReader::open(&path)?;
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    assert_eq!(rows[0].cells[0], Cell::Text("统一社会信用代码".into()));
    assert_eq!(rows[1].cells, row());
    assert_eq!(rows[2].cells, [Cell::Text("X".into())]);
    Ok(())
}

#[test]
fn xlsx_header_is_bold_and_frozen_and_code_columns_are_text_formatted()
-> Result<(), Box<dyn std::error::Error>> {
    let (_dir, path) = write(OutputFormat::Xlsx, "out.xlsx")?;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path)?)?;
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")?
        .read_to_string(&mut sheet)?;
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")?.read_to_string(&mut styles)?;
    assert!(styles.contains("<b/>"), "no bold font in {styles}");
    assert!(
        styles.contains(r#"formatCode="@""#),
        "no text (@) format in {styles}"
    );
    Ok(())
}

#[test]
fn csv_starts_with_a_bom_and_reads_back() -> Result<(), Box<dyn std::error::Error>> {
    let (_dir, path) = write(OutputFormat::Csv, "out.csv")?;
    let bytes = std::fs::read(&path)?;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let mut reader = SheetReader::open(&path)?;
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    let expected: Vec<Cell> = vec![
        Cell::Text("911101085513850820".into()),
        Cell::Text("0111".into()),
        Cell::Text("深圳南山禾丰农业有限公司".into()),
        Cell::Text("900.5".into()),
        Cell::Text("2012-06-30".into()),
    ];
    assert_eq!(rows[1].cells, expected);
    Ok(())
}

#[test]
fn writing_into_a_missing_directory_fails_cleanly() {
    let result = SheetWriter::create(
        "/nonexistent-dir-for-shangyun/out.csv",
        OutputFormat::Csv,
        &columns(),
    );
    assert!(matches!(result, Err(SheetError::Write { .. })));
}
