//! A problem found in one cell (or one row), said in zh-CN and English.

use serde::Serialize;
use std::fmt;

/// The column an issue is about, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnRef {
    /// Excel's column letter, e.g. `H`.
    pub letter: String,
    /// The header text as found in the file (e.g. `营业收入（元）`).
    pub header: String,
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.letter, self.header)
    }
}

/// A reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Reason {
    pub(crate) fn new(zh: impl Into<String>, en: impl Into<String>) -> Reason {
        Reason {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// What kind of problem; stable snake_case names for filtering and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// A required value is empty.
    Missing,
    /// The USCC is invalid (length, characters, check character, authority/type).
    InvalidUscc,
    /// Excel has turned the USCC into a number and lost digits.
    UsccStoredAsNumber,
    /// The USCC is valid but worth a note (not a programme enterprise; its region part is
    /// retired or not in the list).
    UsccNote,
    /// Not a GB/T 2260 region code.
    InvalidRegion,
    /// The region code is retired (accepted).
    RetiredRegion,
    /// Not a GB/T 4754-2017 industry code.
    InvalidIndustry,
    /// An industry code read from a number had its leading zero restored (accepted).
    LeadingZeroRestored,
    /// Not a number, or not a whole number where one is needed.
    NotANumber,
    /// Outside the plausible range for the field.
    OutOfRange,
    /// Not a date.
    InvalidDate,
    /// Not a plausible year.
    InvalidYear,
    /// Text that breaks the field's rules (line breaks, length).
    InvalidText,
    /// Looks wrong but is kept (a phone or e-mail that looks odd, a ratio that looks like a
    /// fraction).
    Suspicious,
    /// Two figures of the row contradict each other (R&D staff above employees …).
    Inconsistent,
    /// The same USCC and year as an earlier row, with the same data: skipped.
    DuplicateIdentical,
    /// The same USCC and year as an earlier row, with different data.
    DuplicateConflict,
    /// The same USCC as an earlier row with different enterprise details.
    EnterpriseConflict,
    /// The file could not be read at this row.
    Unreadable,
    /// A header the mapping does not know (its column is ignored).
    UnknownColumn,
    /// A header without a unit: the default unit was assumed.
    UnitAssumed,
    /// The caller's admission rule refused the row (e.g. a region outside the importing
    /// officer's jurisdiction): rejected.
    OutOfScope,
}

impl IssueKind {
    /// The stable snake_case name (as serialised).
    pub fn key(self) -> &'static str {
        match self {
            IssueKind::Missing => "missing",
            IssueKind::InvalidUscc => "invalid_uscc",
            IssueKind::UsccStoredAsNumber => "uscc_stored_as_number",
            IssueKind::UsccNote => "uscc_note",
            IssueKind::InvalidRegion => "invalid_region",
            IssueKind::RetiredRegion => "retired_region",
            IssueKind::InvalidIndustry => "invalid_industry",
            IssueKind::LeadingZeroRestored => "leading_zero_restored",
            IssueKind::NotANumber => "not_a_number",
            IssueKind::OutOfRange => "out_of_range",
            IssueKind::InvalidDate => "invalid_date",
            IssueKind::InvalidYear => "invalid_year",
            IssueKind::InvalidText => "invalid_text",
            IssueKind::Suspicious => "suspicious",
            IssueKind::Inconsistent => "inconsistent",
            IssueKind::DuplicateIdentical => "duplicate_identical",
            IssueKind::DuplicateConflict => "duplicate_conflict",
            IssueKind::EnterpriseConflict => "enterprise_conflict",
            IssueKind::Unreadable => "unreadable",
            IssueKind::UnknownColumn => "unknown_column",
            IssueKind::UnitAssumed => "unit_assumed",
            IssueKind::OutOfScope => "out_of_scope",
        }
    }
}

/// One problem, located by row and column.
///
/// The same type serves for errors (the row is not imported) and warnings (the row is
/// imported; the value is kept or the assumption is stated): which one it is follows from the
/// list of [`RowOutcome`](crate::RowOutcome) it is in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellError {
    /// 1-based row number as Excel shows it.
    pub row: usize,
    /// The column, when the problem is in one cell.
    pub column: Option<ColumnRef>,
    /// The cell's value as read (text as is, numbers as Excel would show them).
    pub value: String,
    /// What kind of problem.
    pub kind: IssueKind,
    /// Why, and what to do.
    pub reason: Reason,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第 {} 行", self.row)?;
        if let Some(column) = &self.column {
            write!(f, " {column}")?;
        }
        if !self.value.is_empty() {
            write!(f, " “{}”", self.value)?;
        }
        write!(f, "：{} / {}", self.reason.zh, self.reason.en)
    }
}
