//! The import stream: header first, then one [`RowOutcome`] per data row.

use crate::duplicates::{Duplicates, Verdict};
use crate::error::ImportError;
use crate::field::Field;
use crate::header::{self, HEADER_SEARCH_ROWS, HeaderInfo};
use crate::issue::{CellError, IssueKind, Reason};
use crate::mapping::Mapping;
use crate::validate::{RowValidator, shown};
use chrono::NaiveDate;
use serde::Serialize;
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_rules::codes::{IndustryList, RegionList};
use shangyun_sheets::{Row, SheetError};
use std::collections::VecDeque;

/// What became of one data row.
///
/// `record` is `Some` exactly when `errors` is empty and the row is not an identical repeat
/// of an earlier row. `warnings` never stop a row (a retired region, a restored leading zero,
/// an assumed unit …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowOutcome {
    /// 1-based row number as Excel shows it.
    pub row: usize,
    /// The enterprise and, when the row has figures, its figures for the year.
    pub record: Option<(Enterprise, Option<AnnualFigures>)>,
    /// Why the row was not imported.
    pub errors: Vec<CellError>,
    /// Findings that did not stop the row.
    pub warnings: Vec<CellError>,
}

/// Counts over the rows read so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// Rows that gave a record.
    pub imported: usize,
    /// Rows not imported because of errors.
    pub rejected: usize,
    /// Rows skipped because an earlier row had exactly the same data.
    pub identical_duplicates: usize,
    /// Rows rejected because they contradict an earlier row of the same USCC.
    pub conflicting_duplicates: usize,
    /// Rows with at least one warning.
    pub with_warnings: usize,
    /// Errors in all rows.
    pub errors: usize,
    /// Warnings in all rows.
    pub warnings: usize,
}

/// Maps and validates spreadsheet rows into registry records.
///
/// ```
/// use shangyun_import::Importer;
/// use shangyun_sheets::SheetReader;
///
/// let csv = "统一社会信用代码,企业名称,注册地区划代码,行业代码,年度,营业收入(元),备注\n\
///            91350100M000100Y43,甲公司,350102,3911,2024,\"1,234,500\",x\n\
///            91350100M000100Y44,乙公司,350102,3911,2024,100,\n";
/// let mut sheet = SheetReader::from_source(std::io::Cursor::new(csv.as_bytes().to_vec()))?;
/// let importer = Importer::new();
/// let mut import = importer.start(sheet.rows()?)?;
/// assert_eq!(import.header().unknown[0].header, "备注"); // reported, not fatal
///
/// let first = import.next().ok_or("no row")??;
/// let (firm, figures) = first.record.ok_or("rejected")?;
/// assert_eq!(firm.name, "甲公司");
/// assert_eq!(figures.and_then(|f| f.revenue), Some(123.45)); // 元 → 万元
///
/// let second = import.next().ok_or("no row")??;
/// assert_eq!(second.row, 3);
/// assert!(second.record.is_none());
/// assert_eq!(second.errors[0].column.as_ref().map(|c| c.letter.as_str()), Some("A"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Importer<'a> {
    mapping: &'a Mapping,
    regions: &'a RegionList,
    industries: &'a IndustryList,
    today: NaiveDate,
    default_year: Option<i32>,
    check_duplicates: bool,
}

impl Default for Importer<'static> {
    fn default() -> Self {
        Importer::new()
    }
}

impl Importer<'static> {
    /// The embedded column mapping and code lists; "today" is the current date in Beijing.
    pub fn new() -> Importer<'static> {
        Importer {
            mapping: Mapping::embedded(),
            regions: RegionList::embedded(),
            industries: IndustryList::embedded(),
            today: today_in_beijing(),
            default_year: None,
            check_duplicates: true,
        }
    }
}

impl<'a> Importer<'a> {
    /// Uses another region list, e.g. the embedded one layered with a newer edition so that
    /// retired codes are recognised ([`RegionList::with_newer`]).
    pub fn regions(mut self, regions: &'a RegionList) -> Importer<'a> {
        self.regions = regions;
        self
    }

    /// Uses another industry list.
    pub fn industries(mut self, industries: &'a IndustryList) -> Importer<'a> {
        self.industries = industries;
        self
    }

    /// Uses another column mapping.
    pub fn mapping(mut self, mapping: &'a Mapping) -> Importer<'a> {
        self.mapping = mapping;
        self
    }

    /// The year of the figures for files without a 年度 column (a row's own year wins).
    pub fn default_year(mut self, year: i32) -> Importer<'a> {
        self.default_year = Some(year);
        self
    }

    /// The date taken as today (dates after it are errors; years up to its year are valid).
    pub fn today(mut self, today: NaiveDate) -> Importer<'a> {
        self.today = today;
        self
    }

    /// Whether repeated (USCC, year) pairs within the file are detected (on by default). The
    /// check keeps about 130 bytes per distinct pair (138 MiB peak for a million rows);
    /// turned off, memory stays flat at a few MiB whatever the file size, and a store that
    /// upserts by (USCC, year) keeps the last of repeated rows.
    pub fn check_duplicates(mut self, on: bool) -> Importer<'a> {
        self.check_duplicates = on;
        self
    }

    /// Reads the header from the first rows and returns the stream of row outcomes.
    ///
    /// Fails only for faults of the file as a whole: unreadable, empty, no header, required
    /// columns missing, a field given twice, figures without any year.
    pub fn start<I>(&self, rows: I) -> Result<Import<'a, I::IntoIter>, ImportError>
    where
        I: IntoIterator<Item = Result<Row, SheetError>>,
    {
        let mut rows = rows.into_iter();
        let mut head: Vec<Result<Row, SheetError>> = Vec::new();
        let mut candidates: Vec<Row> = Vec::new();
        // One row beyond the search window, to see whether the header spans two rows.
        while candidates.len() <= HEADER_SEARCH_ROWS {
            match rows.next() {
                None => break,
                Some(Err(e)) if e.is_fatal() => return Err(ImportError::Sheet(e)),
                Some(Ok(row)) => {
                    if !row.is_blank() {
                        candidates.push(row.clone());
                    }
                    head.push(Ok(row));
                }
                Some(Err(e)) => head.push(Err(e)),
            }
        }
        let Some(first) = candidates.first() else {
            return Err(ImportError::Empty);
        };
        let Some((position, span)) = header::locate(self.mapping, &candidates) else {
            return Err(ImportError::NoHeader {
                searched: candidates.len().min(HEADER_SEARCH_ROWS),
                first_row: first
                    .cells
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" | "),
            });
        };
        let header = header::bind(self.mapping, &candidates, position, span)?;
        if header.has_figures()
            && header.binding(Field::Year).is_none()
            && self.default_year.is_none()
        {
            return Err(ImportError::NoYear);
        }
        let header_row = header.row;
        let pending: VecDeque<_> = head
            .into_iter()
            .filter(|item| match item {
                Ok(row) => row.number > header_row,
                Err(SheetError::InvalidUtf8Row { row }) => *row > header_row,
                Err(_) => true,
            })
            .collect();
        let validator = RowValidator::new(
            self.mapping,
            &header,
            self.regions,
            self.industries,
            self.today,
            self.default_year,
        );
        Ok(Import {
            rows,
            pending,
            header,
            validator,
            duplicates: self.check_duplicates.then(Duplicates::default),
            summary: ImportSummary::default(),
            done: false,
        })
    }
}

/// The row outcomes of one file, in order. Created by [`Importer::start`].
///
/// Each item is a [`RowOutcome`]; an `Err` item means the file could not be read further
/// (damaged part-way through) and is the last item.
pub struct Import<'a, I> {
    rows: I,
    pending: VecDeque<Result<Row, SheetError>>,
    header: HeaderInfo,
    validator: RowValidator<'a>,
    duplicates: Option<Duplicates>,
    summary: ImportSummary,
    done: bool,
}

impl<I> Import<'_, I> {
    /// The header: columns recognised, unknown columns, assumptions.
    pub fn header(&self) -> &HeaderInfo {
        &self.header
    }

    /// Counts over the rows read so far (all rows once the stream has ended).
    pub fn summary(&self) -> ImportSummary {
        self.summary
    }

    /// The underlying row stream (for its progress).
    pub fn rows(&self) -> &I {
        &self.rows
    }

    fn outcome(&mut self, mut row: Row) -> RowOutcome {
        let checked = self.validator.check(&mut row);
        let mut outcome = RowOutcome {
            row: row.number,
            record: checked.record,
            errors: checked.errors,
            warnings: checked.warnings,
        };
        if let (Some((firm, figures)), Some(duplicates)) = (&outcome.record, &mut self.duplicates) {
            let verdict = duplicates.check(row.number, firm, figures.as_ref());
            if verdict == Verdict::New {
                self.count(&outcome);
                return outcome;
            }
            let uscc_column = self
                .header
                .binding(Field::Uscc)
                .map(|b| (b.column.clone(), shown(row.cell(b.index))));
            let (column, value) = match uscc_column {
                Some((c, v)) => (Some(c), v),
                None => (None, firm.uscc.clone()),
            };
            let year = figures.as_ref().map(|f| f.year);
            let issue = |kind, zh: String, en: String| CellError {
                row: row.number,
                column: column.clone(),
                value: value.clone(),
                kind,
                reason: Reason::new(zh, en),
            };
            let year_zh = year.map_or(String::new(), |y| format!("、{y} 年度"));
            let year_en = year.map_or(String::new(), |y| format!(" and year {y}"));
            match verdict {
                Verdict::New => {}
                Verdict::Identical { first_row } => {
                    outcome.record = None;
                    outcome.warnings.push(issue(
                        IssueKind::DuplicateIdentical,
                        format!("与第 {first_row} 行完全相同（同一代码{year_zh}），已跳过"),
                        format!("the same as row {first_row} (same USCC{year_en}): skipped"),
                    ));
                }
                Verdict::Conflict { first_row } => {
                    outcome.record = None;
                    outcome.errors.push(issue(
                        IssueKind::DuplicateConflict,
                        format!("与第 {first_row} 行是同一企业{year_zh}，但数据不同：请只保留正确的一行"),
                        format!("the same USCC{year_en} as row {first_row} with different data: keep only the right row"),
                    ));
                }
                Verdict::FirmConflict { first_row } => {
                    outcome.record = None;
                    outcome.errors.push(issue(
                        IssueKind::EnterpriseConflict,
                        format!("与第 {first_row} 行是同一企业，但名称、区划、行业或成立日期不同：请统一"),
                        format!("the same USCC as row {first_row} but another name, region, industry or founding date: make them agree"),
                    ));
                }
            }
        }
        self.count(&outcome);
        outcome
    }

    fn count(&mut self, outcome: &RowOutcome) {
        let s = &mut self.summary;
        s.rows += 1;
        s.errors += outcome.errors.len();
        s.warnings += outcome.warnings.len();
        if outcome.record.is_some() {
            s.imported += 1;
        } else if outcome.errors.is_empty() {
            s.identical_duplicates += 1;
        } else {
            s.rejected += 1;
        }
        if outcome.errors.iter().any(|e| {
            matches!(
                e.kind,
                IssueKind::DuplicateConflict | IssueKind::EnterpriseConflict
            )
        }) {
            s.conflicting_duplicates += 1;
        }
        if !outcome.warnings.is_empty() {
            s.with_warnings += 1;
        }
    }
}

impl<I> Iterator for Import<'_, I>
where
    I: Iterator<Item = Result<Row, SheetError>>,
{
    type Item = Result<RowOutcome, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let item = match self.pending.pop_front() {
                Some(item) => item,
                None => match self.rows.next() {
                    Some(item) => item,
                    None => {
                        self.done = true;
                        return None;
                    }
                },
            };
            match item {
                Ok(row) if row.is_blank() => continue,
                Ok(row) => return Some(Ok(self.outcome(row))),
                Err(e) if !e.is_fatal() => {
                    let row = match &e {
                        SheetError::InvalidUtf8Row { row } => *row,
                        _ => 0,
                    };
                    let outcome = RowOutcome {
                        row,
                        record: None,
                        errors: vec![CellError {
                            row,
                            column: None,
                            value: String::new(),
                            kind: IssueKind::Unreadable,
                            reason: Reason::new(
                                "本行无法读取（含非 UTF-8 字符），请另存为“CSV UTF-8”",
                                "this row cannot be read (bytes that are not UTF-8): save the file as \"CSV UTF-8\"",
                            ),
                        }],
                        warnings: Vec::new(),
                    };
                    self.count(&outcome);
                    return Some(Ok(outcome));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(ImportError::Sheet(e)));
                }
            }
        }
        None
    }
}

/// Today's date in China (UTC+8), from the system clock.
fn today_in_beijing() -> NaiveDate {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (seconds + 8 * 3600) / 86_400;
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(days)))
        .unwrap_or(NaiveDate::MIN)
}
