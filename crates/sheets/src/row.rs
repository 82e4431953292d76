//! One row of cells, numbered as the user sees it.

use crate::cell::Cell;
use serde::Serialize;

/// One row of a sheet.
///
/// `number` is the 1-based row number Excel shows: the header is usually row 1. In a CSV it
/// counts records as Excel would display them, so a field with a quoted line break does not
/// shift the numbers of the rows after it, and a blank line is a row of its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// 1-based row number, as shown by Excel.
    pub number: usize,
    /// The cells from column A on; missing cells at the end are simply absent.
    pub cells: Vec<Cell>,
}

static EMPTY: Cell = Cell::Empty;

impl Row {
    /// The cell at a 0-based column index; [`Cell::Empty`] past the end of the row.
    ///
    /// ```
    /// use shangyun_sheets::{Cell, Row};
    /// let row = Row { number: 2, cells: vec![Cell::Text("a".into())] };
    /// assert_eq!(row.cell(0), &Cell::Text("a".into()));
    /// assert_eq!(row.cell(5), &Cell::Empty);
    /// ```
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&EMPTY)
    }

    /// True when every cell is blank (empty or white space only).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}
