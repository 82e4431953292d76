//! `shangyun-import` — spreadsheet rows to registry records, with every fault reported.
//!
//! The flow, named as the data moves: [`SheetReader`](shangyun_sheets::SheetReader) rows →
//! [`Importer::start`] finds the header and binds columns through the [`Mapping`]
//! (`data/columns.toml`, documented in `docs/import-columns.md`) → each data row is parsed
//! and validated into a [`RowOutcome`]: an [`Enterprise`](shangyun_registry::Enterprise)
//! with its [`AnnualFigures`](shangyun_registry::AnnualFigures), or the [`CellError`]s that
//! stopped it → an [`ErrorReport`] writes every problem beside the input.
//!
//! **Architecture invariant:** import never aborts on a bad row. Only a fault of the file as
//! a whole ([`ImportError`]: unreadable, no header, a required column missing) stops it; a
//! bad row is an outcome with errors and the next row goes on.
//!
//! Validation uses the official rules: USCC structure and check characters
//! (`shangyun_rules::ids`), region codes (GB/T 2260, retired codes accepted with a warning)
//! and industry codes (GB/T 4754-2017) from `shangyun_rules::codes`. Money is converted to
//! 万元, the unit of the registry and of the official size-class rules.
//!
//! Memory: one row at a time, plus the duplicate check's ~50 bytes per distinct
//! (USCC, year) of the file.

mod docs;
mod duplicates;
mod error;
mod field;
mod header;
mod importer;
mod issue;
mod mapping;
mod parse;
mod report;
mod validate;

pub use error::ImportError;
pub use field::Field;
pub use header::{ColumnBinding, HEADER_SEARCH_ROWS, HeaderInfo};
pub use importer::{Import, ImportSummary, Importer, RowOutcome};
pub use issue::{CellError, ColumnRef, IssueKind, Reason};
pub use mapping::{
    ColumnSpec, HeaderMatch, Kind, Mapping, MappingEdition, MappingError, Unit, normalize_header,
};
pub use report::{ErrorReport, ReportFiles, report_paths};
pub use validate::{FIRST_YEAR, MAX_NAME_CHARS};
