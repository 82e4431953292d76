//! Faults that stop an import as a whole (a bad row never does: it becomes a
//! [`RowOutcome`](crate::RowOutcome) with errors).

use crate::issue::ColumnRef;
use shangyun_sheets::SheetError;
use thiserror::Error;

/// Why a file cannot be imported at all. The messages say what was found and what to do, in
/// zh-CN then English.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The file cannot be read (not a spreadsheet, unknown encoding, damaged …).
    #[error(transparent)]
    Sheet(#[from] SheetError),
    /// The file has no rows at all.
    #[error("文件是空的 / the file is empty")]
    Empty,
    /// No row near the top looks like a header.
    #[error(
        "前 {searched} 行中没有找到表头（至少要有统一社会信用代码、企业名称、注册地区划代码、行业代码四列）；第一行是：{first_row} / \
         no header row in the first {searched} rows (it needs at least USCC, name, region and industry); the first row is: {first_row}"
    )]
    NoHeader {
        /// Rows searched.
        searched: usize,
        /// The first non-blank row, as text.
        first_row: String,
    },
    /// Required columns are missing.
    #[error(
        "缺少必需的列：{}。第 {header_row} 行的列有：{} / missing required columns: {}. Row {header_row} has: {}",
        .missing.join("、"), .found.join("，"), .missing.join(", "), .found.join(", ")
    )]
    MissingColumns {
        /// The header row.
        header_row: usize,
        /// The missing columns, `中文名（English）`.
        missing: Vec<String>,
        /// The headers found, `letter text`.
        found: Vec<String>,
    },
    /// Two columns feed the same field (for example 营业收入(元) and 营业收入(万元)).
    #[error(
        "{first} 和 {second} 两列都表示“{field_zh}”，请删去其中一列 / columns {first} and {second} both give \"{field_zh}\": delete one of them"
    )]
    DuplicateColumn {
        /// The field, in Chinese.
        field_zh: String,
        /// The first column.
        first: ColumnRef,
        /// The second column.
        second: ColumnRef,
    },
    /// Yearly figures without a year column, and no year given for the import.
    #[error(
        "表中有经营数据，但没有“年度”列：请加一列“年度”，或在导入时指定年度（--year） / \
         the file has yearly figures but no year column: add a 年度 column or give the year for the import (--year)"
    )]
    NoYear,
    /// The error report could not be written.
    #[error("无法写出错误报告：{0} / cannot write the error report: {0}")]
    Report(SheetError),
}
