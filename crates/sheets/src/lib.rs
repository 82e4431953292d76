//! `shangyun-sheets` — spreadsheets in and out, knowing nothing of enterprises.
//!
//! **Reading** ([`SheetReader`]): the kind of file is decided from its content — an XLSX
//! workbook, or text read as CSV — and anything else (a PNG, a Word file, an old `.xls`, an
//! HTML page named `.xls`) is refused with [`SheetError::NotASpreadsheet`], which says what
//! the file is and what to do. A CSV's encoding is detected: UTF-8 with or without a BOM,
//! UTF-16 with a BOM, or GBK/GB18030 (converted while reading); anything else is refused with
//! [`SheetError::UnknownEncoding`], asking for "CSV UTF-8". Rows stream one at a time as
//! [`Row`]s of typed [`Cell`]s, numbered as Excel shows them.
//!
//! **Writing** ([`SheetWriter`]): XLSX (constant-memory mode, header bold and frozen, code
//! columns stored as text so USCCs and leading zeros survive Excel) or CSV (UTF-8 with BOM).
//!
//! # Memory
//!
//! CSV reading holds one row at a time. XLSX reading streams the worksheet XML cell by cell,
//! but calamine reads the workbook's *shared-string table* whole when the workbook opens, so
//! memory grows with the number of distinct strings in the file (Excel and openpyxl put every
//! text cell there; files written by [`SheetWriter`] use inline strings and stay flat). The
//! figures measured on a million-row file are in this crate's README.
//!
//! # Architecture invariant
//!
//! This crate knows nothing of the registry: it reads and writes cells. Mapping columns to
//! fields, units and validation live in `shangyun-import`.

mod cell;
mod csv_rows;
mod encoding;
mod error;
mod reader;
mod row;
mod sniff;
mod writer;
mod xlsx_rows;

pub use cell::{Cell, column_letter};
pub use encoding::TextEncoding;
pub use error::SheetError;
pub use reader::{Format, Progress, ProgressUnit, Rows, SheetReader, Source};
pub use row::Row;
pub use sniff::Foreign;
pub use writer::{Column, ColumnKind, OutputFormat, SheetWriter};
