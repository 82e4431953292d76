//! Everything that can go wrong reading or writing a spreadsheet, said in zh-CN then English,
//! with what to do next.

use crate::sniff::Foreign;
use std::path::PathBuf;
use thiserror::Error;

/// A fault in reading or writing a spreadsheet.
///
/// Errors while opening (the file as a whole) are returned by
/// [`SheetReader::open`](crate::SheetReader::open); errors in one row are yielded by the row
/// iterator in place of that row, and reading goes on where the format allows it (see
/// [`SheetError::is_fatal`]).
#[derive(Debug, Error)]
pub enum SheetError {
    /// The file cannot be opened or read.
    #[error("无法读取文件 {path}：{source} / cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is something other than a CSV or XLSX workbook.
    #[error(
        "这不是电子表格，而是{}；{} / not a spreadsheet: this is {}; {}",
        .kind.name_zh(), .kind.hint_zh(), .kind.name_en(), .kind.hint_en()
    )]
    NotASpreadsheet {
        /// What it is instead.
        kind: Foreign,
    },
    /// A text file whose encoding is neither UTF-8 nor GBK/GB18030.
    #[error(
        "无法识别文件编码（既不是 UTF-8 也不是 GBK）：请在 Excel 中“另存为” → “CSV UTF-8（逗号分隔）”后重新导入 / \
         cannot tell the text encoding (neither UTF-8 nor GBK): in Excel use Save As → \"CSV UTF-8 (Comma delimited)\" and import that file"
    )]
    UnknownEncoding,
    /// A GBK/UTF-16 file with bytes that cannot be decoded part-way through.
    #[error(
        "第 {row} 行附近有无法按 {encoding} 解码的字节（{detail}）：请另存为“CSV UTF-8（逗号分隔）”后重新导入 / \
         bytes that are not valid {encoding} near row {row} ({detail}): save the file as \"CSV UTF-8\" and import that"
    )]
    Undecodable {
        /// The row (1-based) at or after which the bad bytes are.
        row: usize,
        /// The encoding the file was read as.
        encoding: &'static str,
        /// Where exactly.
        detail: String,
    },
    /// One CSV row in a UTF-8 file holds bytes that are not UTF-8 (a file pasted together
    /// from two encodings). Only that row is lost.
    #[error(
        "第 {row} 行含有非 UTF-8 字符（文件可能混用了两种编码）：请另存为“CSV UTF-8（逗号分隔）” / \
         row {row} holds bytes that are not UTF-8 (the file may mix two encodings): save it as \"CSV UTF-8\""
    )]
    InvalidUtf8Row {
        /// The row (1-based).
        row: usize,
    },
    /// The CSV structure is broken (for example a quote never closed).
    #[error("CSV 格式错误（第 {row} 行附近）：{detail} / malformed CSV near row {row}: {detail}")]
    Csv {
        /// The row (1-based) where the reader stopped.
        row: usize,
        /// The parser's message.
        detail: String,
    },
    /// The XLSX container or its XML is damaged.
    #[error(
        "Excel 文件已损坏或无法解析：{detail}；请用 Excel 打开并重新保存 / damaged or unreadable Excel file: {detail}; open it in Excel and save it again"
    )]
    Xlsx {
        /// The parser's message.
        detail: String,
    },
    /// The workbook has no worksheet (or not the one asked for).
    #[error(
        "工作簿中没有工作表 {wanted}（现有：{found}） / no worksheet {wanted} in the workbook (found: {found})"
    )]
    NoSuchSheet {
        /// The sheet asked for, or `(any)`.
        wanted: String,
        /// The sheets there are.
        found: String,
    },
    /// Writing a spreadsheet failed.
    #[error("无法写入 {path}：{detail} / cannot write {path}: {detail}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
}

impl SheetError {
    /// True when no further rows can be read after this error; false for an error that
    /// costs only its row ([`SheetError::InvalidUtf8Row`]).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, SheetError::InvalidUtf8Row { .. })
    }
}
