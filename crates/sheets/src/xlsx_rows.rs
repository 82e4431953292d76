//! Streaming XLSX rows: the worksheet XML is parsed cell by cell as it is decompressed, so
//! the sheet is never held in memory. The workbook's shared-string table is (calamine reads
//! it whole when the workbook opens), so memory grows with the number of *distinct* strings.

use crate::cell::Cell;
use crate::error::SheetError;
use crate::reader::{Progress, ProgressUnit, Source};
use crate::row::Row;
use calamine::{DataRef, Xlsx, XlsxCellReader};
use chrono::NaiveDate;
use std::io::BufReader;

type Book = Xlsx<BufReader<Box<dyn Source>>>;

pub(crate) struct XlsxRows<'a> {
    cells: XlsxCellReader<'a, BufReader<Box<dyn Source>>>,
    /// Per style id: does its number format show a percentage?
    percent_style: Vec<bool>,
    /// A cell read ahead that belongs to the next row: (0-based row, 0-based column, value).
    pending: Option<(u32, u32, Cell)>,
    declared_rows: Option<u64>,
    last_row: u64,
    done: bool,
}

impl<'a> XlsxRows<'a> {
    pub(crate) fn new(book: &'a mut Book, sheet: &str) -> Result<Self, SheetError> {
        let cells = book.worksheet_cells_reader(sheet).map_err(xlsx_error)?;
        let percent_style = cells
            .styles()
            .iter()
            .map(|style| {
                style
                    .number_format
                    .as_ref()
                    .is_some_and(|f| shows_percent(&f.format_code))
            })
            .collect();
        let dimensions = cells.dimensions();
        let declared_rows = (dimensions.end.0 > 0).then(|| u64::from(dimensions.end.0) + 1);
        Ok(XlsxRows {
            cells,
            percent_style,
            pending: None,
            declared_rows,
            last_row: 0,
            done: false,
        })
    }

    pub(crate) fn progress(&self) -> Progress {
        Progress {
            done: self.last_row,
            total: self.declared_rows,
            unit: ProgressUnit::Rows,
        }
    }

    fn next_cell(&mut self) -> Result<Option<(u32, u32, Cell)>, SheetError> {
        match self.cells.next_cell_with_style_id().map_err(xlsx_error)? {
            None => Ok(None),
            Some((cell, style)) => {
                let (row, column) = cell.get_position();
                let percent = self.percent_style.get(style).copied().unwrap_or(false);
                Ok(Some((row, column, to_cell(cell.get_value(), percent))))
            }
        }
    }
}

impl Iterator for XlsxRows<'_> {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let first = match self.pending.take() {
            Some(cell) => cell,
            None => match self.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            },
        };
        let row_index = first.0;
        let mut cells = Vec::new();
        place(&mut cells, first.1, first.2);
        loop {
            match self.next_cell() {
                Ok(Some((row, column, cell))) if row == row_index => {
                    place(&mut cells, column, cell)
                }
                Ok(Some(next_row_cell)) => {
                    self.pending = Some(next_row_cell);
                    break;
                }
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        self.last_row = u64::from(row_index) + 1;
        Some(Ok(Row {
            number: row_index as usize + 1,
            cells,
        }))
    }
}

/// Puts a cell at its column, padding skipped columns with empties.
fn place(cells: &mut Vec<Cell>, column: u32, cell: Cell) {
    let column = column as usize;
    if column >= cells.len() {
        cells.resize(column + 1, Cell::Empty);
    }
    cells[column] = cell;
}

fn xlsx_error(e: calamine::XlsxError) -> SheetError {
    SheetError::Xlsx {
        detail: e.to_string(),
    }
}

/// True when an Excel number format displays a percentage: a `%` outside quotes and escapes.
fn shows_percent(format: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in format.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

fn to_cell(value: &DataRef<'_>, percent: bool) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) if percent => Cell::Percent(*i as f64),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) if percent => Cell::Percent(*f),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _ms) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .and_then(|date| date.and_hms_opt(u32::from(hh), u32::from(mm), u32::from(ss)))
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => parse_iso(s).map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn parse_iso(s: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

#[cfg(test)]
mod tests {
    use super::shows_percent;

    #[test]
    fn percent_formats() {
        assert!(shows_percent("0%"));
        assert!(shows_percent("0.00%"));
        assert!(!shows_percent("General"));
        assert!(!shows_percent("0.00\"%\""));
        assert!(!shows_percent("0\\%"));
    }
}
