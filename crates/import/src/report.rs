//! The error report beside the input: `<input>.errors.xlsx` and `<input>.errors.csv`, one
//! line per problem (row, column, value, severity, kind, reason in zh and en).

use crate::error::ImportError;
use crate::header::HeaderInfo;
use crate::importer::RowOutcome;
use crate::issue::CellError;
use serde::Serialize;
use shangyun_sheets::{Cell, Column, ColumnKind, OutputFormat, SheetWriter};
use std::path::{Path, PathBuf};

/// Excel's last row; past it the XLSX report stops and says to read the CSV.
const XLSX_MAX_ROWS: usize = 1_048_576;

/// The report paths for an input file: the input's full name plus `.errors.xlsx` /
/// `.errors.csv`.
///
/// ```
/// let (xlsx, csv) = shangyun_import::report_paths("data/名录.xlsx");
/// assert_eq!(xlsx.to_str(), Some("data/名录.xlsx.errors.xlsx"));
/// assert_eq!(csv.to_str(), Some("data/名录.xlsx.errors.csv"));
/// ```
pub fn report_paths(input: impl AsRef<Path>) -> (PathBuf, PathBuf) {
    let input = input.as_ref();
    let mut xlsx = input.as_os_str().to_owned();
    xlsx.push(".errors.xlsx");
    let mut csv = input.as_os_str().to_owned();
    csv.push(".errors.csv");
    (PathBuf::from(xlsx), PathBuf::from(csv))
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFiles {
    /// The XLSX report, if any problem was found.
    pub xlsx: Option<PathBuf>,
    /// The CSV report, if any problem was found.
    pub csv: Option<PathBuf>,
    /// Errors written.
    pub errors: usize,
    /// Warnings written.
    pub warnings: usize,
}

/// Streams problems into the two report files. The files are created at the first problem;
/// a run without problems leaves none (and removes a report left by an earlier run of the
/// same input, so a report on disk always belongs to the last run).
///
/// ```
/// use shangyun_import::{ErrorReport, Importer};
/// use shangyun_sheets::SheetReader;
///
/// let dir = std::env::temp_dir().join(format!("shangyun-report-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("名录.csv");
/// std::fs::write(&path, "统一社会信用代码,企业名称,注册地区划代码,行业代码\n123,甲,350102,3911\n")?;
///
/// let mut sheet = SheetReader::open(&path)?;
/// let importer = Importer::new();
/// let mut import = importer.start(sheet.rows()?)?;
/// let mut report = ErrorReport::beside(&path)?;
/// report.add_header(import.header())?;
/// for outcome in &mut import {
///     let outcome = outcome?;
///     report.add(&outcome)?;
///     if let Some((_firm, _figures)) = outcome.record {
///         // batch it into the store
///     }
/// }
/// let files = report.finish()?;
/// assert_eq!(files.errors, 1); // "123" is no USCC
/// assert_eq!(files.csv, Some(dir.join("名录.csv.errors.csv")));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ErrorReport {
    xlsx_path: PathBuf,
    csv_path: PathBuf,
    writers: Option<Writers>,
    errors: usize,
    warnings: usize,
}

struct Writers {
    xlsx: Option<SheetWriter>,
    csv: SheetWriter,
    xlsx_rows: usize,
}

fn columns() -> Vec<Column> {
    let column = |header: &str, kind, width| Column {
        header: header.to_string(),
        kind,
        width: Some(width),
    };
    vec![
        column("行号 Row", ColumnKind::Number, 8.0),
        column("列 Column", ColumnKind::Text, 8.0),
        column("列名 Header", ColumnKind::Text, 20.0),
        column("值 Value", ColumnKind::Code, 24.0),
        column("级别 Severity", ColumnKind::Text, 10.0),
        column("问题类型 Kind", ColumnKind::Text, 22.0),
        column("原因 Reason", ColumnKind::Text, 60.0),
        column("Reason (en)", ColumnKind::Text, 60.0),
    ]
}

impl ErrorReport {
    /// A report beside `input` (see [`report_paths`]); removes an old report of that input.
    pub fn beside(input: impl AsRef<Path>) -> Result<ErrorReport, ImportError> {
        let (xlsx, csv) = report_paths(input);
        ErrorReport::at(xlsx, csv)
    }

    /// A report at the given paths; removes old files there.
    pub fn at(xlsx: PathBuf, csv: PathBuf) -> Result<ErrorReport, ImportError> {
        for path in [&xlsx, &csv] {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(ImportError::Report(shangyun_sheets::SheetError::Io {
                        path: path.clone(),
                        source,
                    }));
                }
            }
        }
        Ok(ErrorReport {
            xlsx_path: xlsx,
            csv_path: csv,
            writers: None,
            errors: 0,
            warnings: 0,
        })
    }

    /// Adds the header's warnings (unknown columns, assumed units).
    pub fn add_header(&mut self, header: &HeaderInfo) -> Result<(), ImportError> {
        for warning in &header.warnings {
            self.write(warning, false)?;
        }
        Ok(())
    }

    /// Adds a row's errors and warnings.
    pub fn add(&mut self, outcome: &RowOutcome) -> Result<(), ImportError> {
        for error in &outcome.errors {
            self.write(error, true)?;
        }
        for warning in &outcome.warnings {
            self.write(warning, false)?;
        }
        Ok(())
    }

    /// Adds one problem as an error (`true`) or a warning.
    pub fn write(&mut self, issue: &CellError, is_error: bool) -> Result<(), ImportError> {
        let writers = match &mut self.writers {
            Some(w) => w,
            None => self
                .writers
                .insert(self::open(&self.xlsx_path, &self.csv_path)?),
        };
        let (letter, header) = issue
            .column
            .as_ref()
            .map_or((String::new(), String::new()), |c| {
                (c.letter.clone(), c.header.clone())
            });
        let severity = if is_error {
            "错误 error"
        } else {
            "警告 warning"
        };
        let cells = [
            Cell::Number(issue.row as f64),
            Cell::Text(letter),
            Cell::Text(header),
            Cell::Text(issue.value.clone()),
            Cell::Text(severity.to_string()),
            Cell::Text(issue.kind.key().to_string()),
            Cell::Text(issue.reason.zh.clone()),
            Cell::Text(issue.reason.en.clone()),
        ];
        writers.csv.write_row(&cells).map_err(ImportError::Report)?;
        if let Some(xlsx) = &mut writers.xlsx {
            writers.xlsx_rows += 1;
            if writers.xlsx_rows + 1 < XLSX_MAX_ROWS {
                xlsx.write_row(&cells).map_err(ImportError::Report)?;
            } else {
                xlsx.write_row(&[
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Text("问题太多，超出 Excel 行数上限；完整列表见 CSV 报告".into()),
                    Cell::Text(
                        "too many problems for one Excel sheet: the CSV report has them all".into(),
                    ),
                ])
                .map_err(ImportError::Report)?;
                if let Some(full) = writers.xlsx.take() {
                    full.finish().map_err(ImportError::Report)?;
                }
            }
        }
        if is_error {
            self.errors += 1;
        } else {
            self.warnings += 1;
        }
        Ok(())
    }

    /// Closes the files.
    pub fn finish(self) -> Result<ReportFiles, ImportError> {
        let Some(writers) = self.writers else {
            return Ok(ReportFiles {
                xlsx: None,
                csv: None,
                errors: 0,
                warnings: 0,
            });
        };
        writers.csv.finish().map_err(ImportError::Report)?;
        if let Some(xlsx) = writers.xlsx {
            xlsx.finish().map_err(ImportError::Report)?;
        }
        Ok(ReportFiles {
            xlsx: Some(self.xlsx_path),
            csv: Some(self.csv_path),
            errors: self.errors,
            warnings: self.warnings,
        })
    }
}

fn open(xlsx: &Path, csv: &Path) -> Result<Writers, ImportError> {
    let columns = columns();
    Ok(Writers {
        xlsx: Some(
            SheetWriter::create(xlsx, OutputFormat::Xlsx, &columns).map_err(ImportError::Report)?,
        ),
        csv: SheetWriter::create(csv, OutputFormat::Csv, &columns).map_err(ImportError::Report)?,
        xlsx_rows: 0,
    })
}
