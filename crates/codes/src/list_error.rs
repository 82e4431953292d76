//! Errors found while reading a code list (TSV), each naming the line and column.

use thiserror::Error;

/// A problem in a code-list file, located by 1-based line and column (tab-separated field).
///
/// Column 0 means the whole line (for example a wrong number of fields).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {kind}")]
pub struct ListError {
    /// 1-based line number in the text given to the parser (the header is line 1).
    pub line: usize,
    /// 1-based field number (`1` = code, `2` = name, `3` = parent, `4` = level); 0 = whole line.
    pub column: usize,
    /// What is wrong.
    pub kind: ListErrorKind,
}

/// What is wrong with a line of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ListErrorKind {
    /// The text has no header line.
    #[error("the list is empty: expected the header `code\\tname\\tparent\\tlevel`")]
    Empty,
    /// The header line is not `code<TAB>name<TAB>parent<TAB>level`.
    #[error("expected the header `code\\tname\\tparent\\tlevel`, found `{found}`")]
    BadHeader {
        /// The header line as found.
        found: String,
    },
    /// A data line does not have exactly four tab-separated fields.
    #[error("expected 4 tab-separated fields, found {found}")]
    FieldCount {
        /// How many fields the line has.
        found: usize,
    },
    /// The code field is not a code of this list's kind.
    #[error("`{value}` is not a valid code: {expected}")]
    BadCode {
        /// The field as found.
        value: String,
        /// What a code must look like.
        expected: &'static str,
    },
    /// The name field is empty.
    #[error("the name is empty")]
    EmptyName,
    /// The level field is not one of the known levels.
    #[error("unknown level `{value}`, expected one of: {expected}")]
    BadLevel {
        /// The field as found.
        value: String,
        /// The accepted levels.
        expected: &'static str,
    },
    /// The level does not fit the shape of the code (e.g. a province code not ending in 0000).
    #[error("code `{code}` cannot be at level `{level}`: {rule}")]
    LevelMismatch {
        /// The code of the line.
        code: String,
        /// The level given on the line.
        level: &'static str,
        /// The rule that the line breaks.
        rule: &'static str,
    },
    /// The same code appears twice.
    #[error("code `{code}` already appears on line {first_line}")]
    Duplicate {
        /// The repeated code.
        code: String,
        /// Where it first appears.
        first_line: usize,
    },
    /// The parent field does not fit the line (missing, present on a top-level entry, or wrong).
    #[error("bad parent `{parent}` for `{code}`: {rule}")]
    BadParent {
        /// The code of the line.
        code: String,
        /// The parent field as found (may be empty).
        parent: String,
        /// The rule that the line breaks.
        rule: &'static str,
    },
    /// The parent code is not in the list.
    #[error("parent `{parent}` of `{code}` is not in the list")]
    UnknownParent {
        /// The code of the line.
        code: String,
        /// The missing parent.
        parent: String,
    },
}
