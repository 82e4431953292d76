//! The synthetic registry as a spreadsheet in the import format: one row per enterprise-year.

use crate::generate;
use serde::Serialize;
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_sheets::{Cell, Column, ColumnKind, OutputFormat, SheetError, SheetWriter};
use std::path::Path;

/// The headers written, in order: the canonical Chinese headers of the import mapping,
/// money in 万元.
pub const IMPORT_HEADERS: [&str; 22] = [
    "统一社会信用代码",
    "企业名称",
    "注册地区划代码",
    "经营地区划代码",
    "行业代码",
    "成立日期",
    "年度",
    "从业人员",
    "营业收入(万元)",
    "主营业务收入(万元)",
    "资产总额(万元)",
    "研发费用(万元)",
    "研发人员",
    "净利润(万元)",
    "资产负债率(%)",
    "Ⅰ类知识产权",
    "高价值Ⅰ类知识产权",
    "Ⅱ类知识产权",
    "能耗(kWh)",
    "联系人",
    "联系电话",
    "电子邮箱",
];

/// The output columns: codes as text, figures as numbers, the founding date as a date.
pub fn import_columns() -> Vec<Column> {
    IMPORT_HEADERS
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let kind = match i {
                0 | 2 | 3 | 4 => ColumnKind::Code,
                1 | 19 | 20 | 21 => ColumnKind::Text,
                5 => ColumnKind::Date,
                _ => ColumnKind::Number,
            };
            Column::new(*header, kind)
        })
        .collect()
}

fn text(value: &Option<String>) -> Cell {
    value.clone().map_or(Cell::Empty, Cell::Text)
}

fn number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Number)
}

fn count(value: Option<i64>) -> Cell {
    value.map_or(Cell::Empty, |n| Cell::Number(n as f64))
}

/// One enterprise-year as a row of [`import_columns`].
pub fn import_row(firm: &Enterprise, figures: &AnnualFigures) -> Vec<Cell> {
    vec![
        Cell::Text(firm.uscc.clone()),
        Cell::Text(firm.name.clone()),
        Cell::Text(firm.registered_region.clone()),
        text(&firm.operating_region),
        Cell::Text(firm.industry.clone()),
        firm.founded
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(Cell::Empty, Cell::Date),
        Cell::Number(f64::from(figures.year)),
        count(figures.employees),
        number(figures.revenue),
        number(figures.main_business_revenue),
        number(figures.assets),
        number(figures.rd_spend),
        count(figures.rd_staff),
        number(figures.net_profit),
        number(figures.debt_ratio),
        count(figures.ip_class1),
        count(figures.ip_class1_high_value),
        count(figures.ip_class2),
        number(figures.energy_kwh),
        text(&firm.contact_name),
        text(&firm.contact_phone),
        text(&firm.contact_email),
    ]
}

/// What a writer wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Written {
    /// Data rows (enterprise-years).
    pub rows: usize,
    /// Distinct enterprises.
    pub enterprises: usize,
}

/// Writes exactly `rows` enterprise-year rows of the registry of `seed` (the last enterprise
/// may have fewer of its years written).
fn write(path: &Path, format: OutputFormat, rows: usize, seed: u64) -> Result<Written, SheetError> {
    let mut out = SheetWriter::create(path, format, &import_columns())?;
    let mut written = Written {
        rows: 0,
        enterprises: 0,
    };
    // Each enterprise has at least one year, so `rows` enterprises always suffice.
    for (firm, years) in generate(rows, seed) {
        if written.rows == rows {
            break;
        }
        written.enterprises += 1;
        for figures in years.iter().take(rows - written.rows) {
            out.write_row(&import_row(&firm, figures))?;
            written.rows += 1;
        }
    }
    out.finish()?;
    Ok(written)
}

/// Writes a UTF-8 CSV (with BOM) of `rows` rows in the import format.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("shangyun-demo-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).ok();
/// let path = dir.join("demo.csv");
/// let written = shangyun_demo::write_csv(&path, 100, 42)?;
/// assert_eq!(written.rows, 100);
/// assert!(written.enterprises < 100); // two or three years each
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), shangyun_sheets::SheetError>(())
/// ```
pub fn write_csv(path: impl AsRef<Path>, rows: usize, seed: u64) -> Result<Written, SheetError> {
    write(path.as_ref(), OutputFormat::Csv, rows, seed)
}

/// Writes an XLSX workbook of `rows` rows in the import format (constant memory; at most
/// 1,048,575 rows fit in one sheet).
pub fn write_xlsx(path: impl AsRef<Path>, rows: usize, seed: u64) -> Result<Written, SheetError> {
    write(path.as_ref(), OutputFormat::Xlsx, rows, seed)
}
