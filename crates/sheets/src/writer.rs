//! Writing rows to XLSX or CSV so that Excel opens them correctly: Chinese text readable,
//! codes kept as text (an 18-character USCC or a leading-zero industry code survives), the
//! header bold and frozen.

use crate::cell::Cell;
use crate::error::SheetError;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The file format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// An Excel workbook with one worksheet, written in constant-memory mode.
    Xlsx,
    /// UTF-8 CSV with a byte-order mark (so Excel shows Chinese correctly), CRLF line ends.
    Csv,
}

impl OutputFormat {
    /// From a file name's extension (`.xlsx` or `.csv`, any case).
    ///
    /// ```
    /// use shangyun_sheets::OutputFormat;
    /// assert_eq!(OutputFormat::from_path("导出.XLSX"), Some(OutputFormat::Xlsx));
    /// assert_eq!(OutputFormat::from_path("out.txt"), None);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Option<OutputFormat> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(OutputFormat::Xlsx),
            "csv" => Some(OutputFormat::Csv),
            _ => None,
        }
    }
}

/// What a column holds, which decides how an XLSX cell is stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnKind {
    /// Text, shown and edited as text (number format `@`): codes such as a USCC, a region or
    /// an industry code. A number written here is written as its text.
    Code,
    /// Free text.
    Text,
    /// A number.
    Number,
    /// A date, shown as `yyyy-mm-dd`.
    Date,
}

/// One output column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Header text.
    pub header: String,
    /// What the column holds.
    pub kind: ColumnKind,
    /// Width in Excel character units (XLSX only); `None` leaves Excel's default.
    pub width: Option<f64>,
}

impl Column {
    /// A column with no set width.
    pub fn new(header: impl Into<String>, kind: ColumnKind) -> Column {
        Column {
            header: header.into(),
            kind,
            width: None,
        }
    }
}

/// Writes rows to an XLSX or CSV file, streaming: memory stays flat whatever the row count.
///
/// ```
/// use shangyun_sheets::{Cell, Column, ColumnKind, OutputFormat, SheetReader, SheetWriter};
///
/// let dir = std::env::temp_dir().join(format!("shangyun-sheets-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).map_err(|e| shangyun_sheets::SheetError::Io { path: dir.clone(), source: e })?;
/// let path = dir.join("out.xlsx");
/// let columns = [
///     Column::new("统一社会信用代码", ColumnKind::Code),
///     Column::new("从业人员", ColumnKind::Number),
/// ];
/// let mut out = SheetWriter::create(&path, OutputFormat::Xlsx, &columns)?;
/// out.write_row(&[Cell::Text("91350100M000100Y43".into()), Cell::Number(12.0)])?;
/// out.finish()?;
///
/// let mut back = SheetReader::open(&path)?;
/// let rows: Vec<_> = back.rows()?.collect::<Result<_, _>>()?;
/// assert_eq!(rows[1].cells[0], Cell::Text("91350100M000100Y43".into()));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), shangyun_sheets::SheetError>(())
/// ```
pub struct SheetWriter {
    inner: Inner,
    path: PathBuf,
}

enum Inner {
    Csv {
        out: Box<csv::Writer<BufWriter<File>>>,
        width: usize,
    },
    Xlsx(Box<XlsxOut>),
}

struct XlsxOut {
    workbook: Workbook,
    kinds: Vec<ColumnKind>,
    code: Format,
    date: Format,
    next_row: u32,
}

impl SheetWriter {
    /// Creates the file (replacing it) and writes the header row.
    pub fn create(
        path: impl AsRef<Path>,
        format: OutputFormat,
        columns: &[Column],
    ) -> Result<SheetWriter, SheetError> {
        let path = path.as_ref().to_path_buf();
        let inner = match format {
            OutputFormat::Csv => Inner::Csv {
                out: Box::new(create_csv(&path, columns)?),
                width: columns.len(),
            },
            OutputFormat::Xlsx => Inner::Xlsx(Box::new(create_xlsx(&path, columns)?)),
        };
        Ok(SheetWriter { inner, path })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one row; cells past the last column are ignored, missing ones are empty.
    pub fn write_row(&mut self, cells: &[Cell]) -> Result<(), SheetError> {
        let path = &self.path;
        match &mut self.inner {
            Inner::Csv { out, width } => {
                // Every record as wide as the header, as Excel expects.
                for i in 0..*width {
                    let field = cells.get(i).map(Cell::to_string).unwrap_or_default();
                    out.write_field(field.as_bytes())
                        .map_err(|e| write_error(path, e))?;
                }
                out.write_record(None::<&[u8]>)
                    .map_err(|e| write_error(path, e))
            }
            Inner::Xlsx(out) => out.write_row(cells).map_err(|e| write_error(path, e)),
        }
    }

    /// Flushes and closes the file. Without this an XLSX file is not written at all.
    pub fn finish(self) -> Result<(), SheetError> {
        let path = &self.path;
        match self.inner {
            Inner::Csv { mut out, .. } => out.flush().map_err(|e| write_error(path, e)),
            Inner::Xlsx(mut out) => out.workbook.save(path).map_err(|e| write_error(path, e)),
        }
    }
}

fn write_error(path: &Path, e: impl std::fmt::Display) -> SheetError {
    SheetError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn create_csv(path: &Path, columns: &[Column]) -> Result<csv::Writer<BufWriter<File>>, SheetError> {
    let file = File::create(path).map_err(|e| write_error(path, e))?;
    let mut file = BufWriter::with_capacity(256 * 1024, file);
    file.write_all(b"\xEF\xBB\xBF")
        .map_err(|e| write_error(path, e))?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(file);
    out.write_record(columns.iter().map(|c| c.header.as_str()))
        .map_err(|e| write_error(path, e))?;
    Ok(out)
}

fn create_xlsx(path: &Path, columns: &[Column]) -> Result<XlsxOut, SheetError> {
    let fail = |e: rust_xlsxwriter::XlsxError| write_error(path, e);
    let mut workbook = Workbook::new();
    let code = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    {
        let sheet: &mut Worksheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(fail)?;
        for (i, column) in columns.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| write_error(path, "too many columns"))?;
            match column.kind {
                ColumnKind::Code => {
                    sheet.set_column_format(col, &code).map_err(fail)?;
                }
                ColumnKind::Date => {
                    sheet.set_column_format(col, &date).map_err(fail)?;
                }
                ColumnKind::Text | ColumnKind::Number => {}
            }
            if let Some(width) = column.width {
                sheet.set_column_width(col, width).map_err(fail)?;
            }
            sheet
                .write_string_with_format(0, col, &column.header, &bold)
                .map_err(fail)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
    }
    Ok(XlsxOut {
        workbook,
        kinds: columns.iter().map(|c| c.kind).collect(),
        code,
        date,
        next_row: 1,
    })
}

impl XlsxOut {
    fn write_row(&mut self, cells: &[Cell]) -> Result<(), rust_xlsxwriter::XlsxError> {
        let row = self.next_row;
        let sheet = self.workbook.worksheet_from_index(0)?;
        for ((i, cell), kind) in cells.iter().enumerate().zip(&self.kinds) {
            let col = i as u16; // bounded by the column count checked in create_xlsx
            match (cell, kind) {
                (Cell::Empty, _) => {}
                (Cell::Text(text), ColumnKind::Code) => {
                    sheet.write_string_with_format(row, col, text, &self.code)?;
                }
                (Cell::Number(_) | Cell::Percent(_), ColumnKind::Code) => {
                    sheet.write_string_with_format(row, col, cell.to_string(), &self.code)?;
                }
                (Cell::Text(text), _) => {
                    sheet.write_string(row, col, text)?;
                }
                (Cell::Number(n), _) => {
                    sheet.write_number(row, col, *n)?;
                }
                (Cell::Percent(p), _) => {
                    sheet.write_number(row, col, *p * 100.0)?;
                }
                (Cell::Date(d), _) => {
                    sheet.write_datetime_with_format(row, col, d, &self.date)?;
                }
                (Cell::Bool(b), _) => {
                    sheet.write_boolean(row, col, *b)?;
                }
                (Cell::Error(e), _) => {
                    sheet.write_string(row, col, e)?;
                }
            }
        }
        self.next_row += 1;
        Ok(())
    }
}
