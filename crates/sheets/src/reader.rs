//! Opening a spreadsheet file and deciding how to read it.

use crate::csv_rows::{CsvRows, detect_delimiter};
use crate::encoding::{self, TextEncoding, Undetected};
use crate::error::SheetError;
use crate::row::Row;
use crate::sniff::{Sniffed, sniff};
use crate::xlsx_rows::XlsxRows;
use calamine::{Reader, SheetType, SheetVisible, Xlsx};
use serde::Serialize;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Anything the reader can read from: a file, or bytes in memory (`std::io::Cursor`).
pub trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// How much of the file is sampled to detect its kind, encoding and delimiter.
const SAMPLE: usize = 64 * 1024;

/// What kind of spreadsheet was found, and how it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "format", rename_all = "kebab-case")]
pub enum Format {
    /// Delimited text.
    Csv {
        /// The detected encoding (converted to UTF-8 while reading).
        encoding: TextEncoding,
        /// The field delimiter: `,`, tab or `;`, whichever the first line uses most.
        delimiter: char,
    },
    /// An Excel workbook; one worksheet is read.
    Xlsx {
        /// The worksheet being read.
        sheet: String,
    },
}

/// A spreadsheet opened for streaming reads. The kind is decided from the content, never from
/// the file name.
///
/// ```
/// use shangyun_sheets::{Cell, Format, SheetReader};
///
/// let csv = "\u{feff}企业名称,从业人员\n甲公司,12\n".as_bytes().to_vec();
/// let mut reader = SheetReader::from_source(std::io::Cursor::new(csv))?;
/// assert!(matches!(reader.format(), Format::Csv { delimiter: ',', .. }));
/// let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
/// assert_eq!(rows[1].number, 2); // as Excel numbers it
/// assert_eq!(rows[1].cells[0], Cell::Text("甲公司".into()));
/// # Ok::<(), shangyun_sheets::SheetError>(())
/// ```
pub struct SheetReader {
    kind: Kind,
    len: u64,
}

enum Kind {
    Csv {
        source: Box<dyn Source>,
        encoding: TextEncoding,
        delimiter: u8,
    },
    Xlsx {
        book: Box<Xlsx<BufReader<Box<dyn Source>>>>,
        sheet: String,
    },
}

impl SheetReader {
    /// Opens a file, detects whether it is XLSX or CSV (and the CSV's encoding), and refuses
    /// anything else with a message that says what the file is and what to do.
    pub fn open(path: impl AsRef<Path>) -> Result<SheetReader, SheetError> {
        let path = path.as_ref();
        let io_error = |source| SheetError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io_error)?;
        Self::from_source(file).map_err(|e| match e {
            SheetError::Io { source, .. } => io_error(source),
            other => other,
        })
    }

    /// Like [`SheetReader::open`], for any seekable source (tests use `std::io::Cursor`).
    pub fn from_source(source: impl Source + 'static) -> Result<SheetReader, SheetError> {
        let mut source: Box<dyn Source> = Box::new(source);
        let io_error = |source| SheetError::Io {
            path: PathBuf::from("(input)"),
            source,
        };
        let len = source.seek(SeekFrom::End(0)).map_err(io_error)?;
        source.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let mut sample = Vec::with_capacity(SAMPLE);
        (&mut source)
            .take(SAMPLE as u64)
            .read_to_end(&mut sample)
            .map_err(io_error)?;
        source.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let sniffed = sniff(&sample, &mut source);
        source.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let kind = match sniffed {
            Sniffed::Other(kind) => return Err(SheetError::NotASpreadsheet { kind }),
            Sniffed::Xlsx => open_xlsx(source)?,
            Sniffed::Text => {
                let complete = sample.len() as u64 == len;
                let encoding = encoding::detect(&sample, complete).map_err(|e| match e {
                    Undetected::Undecodable | Undetected::NotChinese => SheetError::UnknownEncoding,
                })?;
                let delimiter = detect_delimiter(&sample, encoding);
                Kind::Csv {
                    source,
                    encoding,
                    delimiter,
                }
            }
        };
        Ok(SheetReader { kind, len })
    }

    /// The detected format.
    pub fn format(&self) -> Format {
        match &self.kind {
            Kind::Csv {
                encoding,
                delimiter,
                ..
            } => Format::Csv {
                encoding: *encoding,
                delimiter: char::from(*delimiter),
            },
            Kind::Xlsx { sheet, .. } => Format::Xlsx {
                sheet: sheet.clone(),
            },
        }
    }

    /// The worksheets of a workbook in order (empty for CSV).
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.kind {
            Kind::Csv { .. } => Vec::new(),
            Kind::Xlsx { book, .. } => book.sheet_names(),
        }
    }

    /// Reads another worksheet than the first visible one.
    pub fn select_sheet(&mut self, name: &str) -> Result<(), SheetError> {
        match &mut self.kind {
            Kind::Csv { .. } => Err(SheetError::NoSuchSheet {
                wanted: name.to_string(),
                found: "(CSV)".to_string(),
            }),
            Kind::Xlsx { book, sheet } => {
                let names = book.sheet_names();
                if names.iter().any(|n| n == name) {
                    *sheet = name.to_string();
                    Ok(())
                } else {
                    Err(SheetError::NoSuchSheet {
                        wanted: name.to_string(),
                        found: names.join(", "),
                    })
                }
            }
        }
    }

    /// Size of the file in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for a 0-byte file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Streams the rows from the top, each as soon as it is read. Can be called again to
    /// read the file once more.
    pub fn rows(&mut self) -> Result<Rows<'_>, SheetError> {
        let inner = match &mut self.kind {
            Kind::Csv {
                source,
                encoding,
                delimiter,
            } => RowsInner::Csv(CsvRows::new(source, *encoding, *delimiter, self.len)?),
            Kind::Xlsx { book, sheet } => RowsInner::Xlsx(Box::new(XlsxRows::new(book, sheet)?)),
        };
        Ok(Rows { inner })
    }
}

fn open_xlsx(source: Box<dyn Source>) -> Result<Kind, SheetError> {
    let book: Xlsx<_> = Xlsx::new(BufReader::new(source)).map_err(|e| SheetError::Xlsx {
        detail: e.to_string(),
    })?;
    let sheet = book
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| book.sheets_metadata().first())
        .map(|s| s.name.clone())
        .ok_or_else(|| SheetError::NoSuchSheet {
            wanted: "(any)".to_string(),
            found: String::new(),
        })?;
    Ok(Kind::Xlsx {
        book: Box::new(book),
        sheet,
    })
}

/// How far reading has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Work done so far, in `unit`s.
    pub done: u64,
    /// Total work, when known.
    pub total: Option<u64>,
    /// What `done` and `total` count.
    pub unit: ProgressUnit,
}

/// The unit of a [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgressUnit {
    /// Bytes of the file (CSV).
    Bytes,
    /// Rows, against the row count the workbook declares (XLSX).
    Rows,
}

/// The row stream of a [`SheetReader`]: yields each row, or an error in its place.
///
/// After a fatal error ([`SheetError::is_fatal`]) the stream ends; after a row error it goes
/// on with the next row.
pub struct Rows<'a> {
    inner: RowsInner<'a>,
}

enum RowsInner<'a> {
    Csv(CsvRows<'a>),
    Xlsx(Box<XlsxRows<'a>>),
}

impl Rows<'_> {
    /// How far the stream has got.
    pub fn progress(&self) -> Progress {
        match &self.inner {
            RowsInner::Csv(rows) => rows.progress(),
            RowsInner::Xlsx(rows) => rows.progress(),
        }
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            RowsInner::Csv(rows) => rows.next(),
            RowsInner::Xlsx(rows) => rows.next(),
        }
    }
}
