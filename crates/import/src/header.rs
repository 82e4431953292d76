//! Finding the header row and binding its columns to fields.
//!
//! Office forms often put a title above the header and group columns under merged cells
//! ("经营情况" over six columns, with 统一社会信用代码 merged over two header rows). The
//! header is found among the first rows: the first row that names every required column, or
//! else the row naming the most columns. A row right below it that names further columns where
//! the header row has only group labels or nothing is a second header row; a header cell left
//! empty by a vertical merge takes the value above it (a merged cell keeps its value in its
//! top-left cell).

use crate::error::ImportError;
use crate::field::Field;
use crate::issue::{CellError, ColumnRef, IssueKind, Reason};
use crate::mapping::{HeaderMatch, Mapping};
use serde::Serialize;
use shangyun_sheets::{Cell, Row, column_letter};

/// How many leading non-blank rows are searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// One recognised column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnBinding {
    /// 0-based column index.
    pub index: usize,
    /// Letter and header text as in the file.
    pub column: ColumnRef,
    /// The field the column feeds.
    pub field: Field,
    /// The unit id of the values (`None` for fields without units).
    pub unit: Option<String>,
    /// Multiply a value by this to get the field's unit (万元, kWh, …).
    pub factor: f64,
}

/// What the header says: which columns are read, which are not, what was assumed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaderInfo {
    /// The (last) header row, 1-based; data starts on the row after it.
    pub row: usize,
    /// The recognised columns, left to right.
    pub columns: Vec<ColumnBinding>,
    /// Headers the mapping does not know; their columns are ignored.
    pub unknown: Vec<ColumnRef>,
    /// Header-level warnings: unknown columns, units assumed.
    pub warnings: Vec<CellError>,
    /// The mapping edition used.
    pub mapping_edition: String,
}

impl HeaderInfo {
    /// The binding of a field, if its column is present.
    pub fn binding(&self, field: Field) -> Option<&ColumnBinding> {
        self.columns.iter().find(|b| b.field == field)
    }

    /// True when any yearly figure column is present.
    pub fn has_figures(&self) -> bool {
        self.columns.iter().any(|b| b.field.is_figure())
    }
}

fn header_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        Cell::Empty | Cell::Text(_) => None,
        other => Some(other.to_string()),
    }
}

fn recognised<'m>(mapping: &'m Mapping, row: &Row) -> Vec<Option<&'m HeaderMatch>> {
    row.cells
        .iter()
        .map(|c| header_text(c).and_then(|t| mapping.lookup(&t)))
        .collect()
}

fn has_required(mapping: &Mapping, matches: &[Option<&HeaderMatch>]) -> bool {
    mapping
        .columns()
        .iter()
        .filter(|c| c.required)
        .all(|c| matches.iter().flatten().any(|m| m.field == c.field))
}

/// Picks the header among `rows` (the first rows of the file) and returns its position in
/// `rows` and how many rows it spans (1 or 2).
pub(crate) fn locate(mapping: &Mapping, rows: &[Row]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None; // (position, recognised count)
    for (i, row) in rows.iter().enumerate() {
        let matches = recognised(mapping, row);
        let count = matches.iter().flatten().count();
        if has_required(mapping, &matches) {
            best = Some((i, count));
            break;
        }
        if count >= 2 && best.is_none_or(|(_, c)| count > c) {
            best = Some((i, count));
        }
    }
    let (position, _) = best?;
    let span = match rows.get(position + 1) {
        Some(next) if is_continuation(mapping, &rows[position], next) => 2,
        _ => 1,
    };
    Some((position, span))
}

/// The row below the header continues it when it names at least two columns itself (the
/// header row holding group labels or vertically merged headers above them), or when at
/// least two of its cells complete the header above them (a units row: 营业收入 over 万元).
/// Data rows hold codes, names and numbers, which name no column.
fn is_continuation(mapping: &Mapping, header: &Row, next: &Row) -> bool {
    let named_below = recognised(mapping, next).iter().flatten().count();
    let completed = (0..next.cells.len())
        .filter(|&i| {
            combined(header.cell(i), next.cell(i)).is_some_and(|t| mapping.lookup(&t).is_some())
        })
        .count();
    named_below >= 2 || completed >= 2
}

/// The header text of a cell with the cell below it appended ("营业收入" + "(万元)").
fn combined(top: &Cell, bottom: &Cell) -> Option<String> {
    Some(format!("{}{}", header_text(top)?, header_text(bottom)?))
}

/// Binds the columns of the header found by [`locate`]. `above` is the row above the header
/// (for cells emptied by a vertical merge).
pub(crate) fn bind(
    mapping: &Mapping,
    rows: &[Row],
    position: usize,
    span: usize,
) -> Result<HeaderInfo, ImportError> {
    let top = &rows[position];
    let bottom = &rows[position + span - 1];
    let above = position.checked_sub(1).map(|i| &rows[i]);
    let width = top.cells.len().max(bottom.cells.len());
    let header_row = bottom.number;
    let mut columns: Vec<ColumnBinding> = Vec::new();
    let mut unknown = Vec::new();
    let mut warnings = Vec::new();
    for index in 0..width {
        // Candidates, most specific first: the lower header row, the header row with the
        // lower row appended (a units row), the header row, the row above.
        let candidates = [
            (span == 2)
                .then(|| header_text(bottom.cell(index)))
                .flatten(),
            (span == 2)
                .then(|| combined(top.cell(index), bottom.cell(index)))
                .flatten(),
            header_text(top.cell(index)),
            above
                .filter(|_| top.cell(index).is_blank())
                .and_then(|a| header_text(a.cell(index))),
        ];
        let found = candidates
            .iter()
            .flatten()
            .find_map(|t| mapping.lookup(t).map(|m| (t, m)));
        let Some((text, matched)) = found else {
            // Only the cell in the (lowest) header row counts as an unknown header: labels of
            // groups above it are not columns.
            let own = if span == 2 {
                header_text(bottom.cell(index))
            } else {
                header_text(top.cell(index))
            };
            if let Some(text) = own {
                let column = ColumnRef {
                    letter: column_letter(index),
                    header: text.clone(),
                };
                warnings.push(CellError {
                    row: header_row,
                    column: Some(column.clone()),
                    value: text,
                    kind: IssueKind::UnknownColumn,
                    reason: Reason::new(
                        "无法识别的列，已忽略（可识别的列名见 docs/import-columns.md）",
                        "unknown column, ignored (the recognised headers are listed in docs/import-columns.md)",
                    ),
                });
                unknown.push(column);
            }
            continue;
        };
        let column = ColumnRef {
            letter: column_letter(index),
            header: text.clone(),
        };
        if let Some(first) = columns.iter().find(|b| b.field == matched.field) {
            return Err(ImportError::DuplicateColumn {
                field_zh: mapping.column(matched.field).zh.clone(),
                first: first.column.clone(),
                second: column,
            });
        }
        if matched.unit_assumed {
            let spec = mapping.column(matched.field);
            let unit = matched
                .unit
                .as_deref()
                .and_then(|u| mapping.unit(u))
                .map_or(("", ""), |u| (u.label.as_str(), u.label_en.as_str()));
            warnings.push(CellError {
                row: header_row,
                column: Some(column.clone()),
                value: text.clone(),
                kind: IssueKind::UnitAssumed,
                reason: Reason::new(
                    format!(
                        "列名未注明单位，按{}读取；如不是，请把列名改为“{}({})”等",
                        unit.0, spec.zh, unit.0
                    ),
                    format!(
                        "the header gives no unit: read as {}; if that is wrong, name the unit in the header, e.g. \"{} (yuan)\"",
                        unit.1, spec.zh
                    ),
                ),
            });
        }
        columns.push(ColumnBinding {
            index,
            column,
            field: matched.field,
            unit: matched.unit.clone(),
            factor: matched.factor,
        });
    }
    let missing: Vec<String> = mapping
        .columns()
        .iter()
        .filter(|c| c.required && !columns.iter().any(|b| b.field == c.field))
        .map(|c| format!("{}（{}）", c.zh, c.en))
        .collect();
    if !missing.is_empty() {
        let found = (0..width)
            .filter_map(|i| {
                header_text(bottom.cell(i))
                    .or_else(|| header_text(top.cell(i)))
                    .map(|t| format!("{} {}", column_letter(i), t))
            })
            .collect();
        return Err(ImportError::MissingColumns {
            header_row,
            missing,
            found,
        });
    }
    Ok(HeaderInfo {
        row: header_row,
        columns,
        unknown,
        warnings,
        mapping_edition: mapping.edition().id.clone(),
    })
}
