//! Streaming CSV rows with Excel's row numbers.

use crate::cell::Cell;
use crate::encoding::{TextEncoding, Transcoder};
use crate::error::SheetError;
use crate::reader::{Progress, ProgressUnit, Source};
use crate::row::Row;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Picks `,`, tab or `;`: whichever occurs most (outside quotes) on the first line.
pub(crate) fn detect_delimiter(sample: &[u8], encoding: TextEncoding) -> u8 {
    let text: String = match encoding {
        // The delimiters are ASCII and GBK trail bytes never fall on them, so raw bytes do.
        TextEncoding::Utf8 | TextEncoding::Utf8Bom | TextEncoding::Gb18030 => {
            String::from_utf8_lossy(sample).into_owned()
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => encoding
            .transcoder()
            .map(|e| e.decode_without_bom_handling(sample).0.into_owned())
            .unwrap_or_default(),
    };
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b'\t', b';'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// Counts the bytes the CSV parser has pulled from the file, for progress.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub(crate) struct CsvRows<'a> {
    reader: csv::Reader<Box<dyn Read + Send + 'a>>,
    record: csv::ByteRecord,
    encoding: TextEncoding,
    /// The Excel row number of the last row read.
    row: usize,
    /// Line breaks inside quoted fields so far: physical lines that are no Excel rows.
    breaks_so_far: u64,
    bytes_read: Arc<AtomicU64>,
    len: u64,
    done: bool,
}

impl<'a> CsvRows<'a> {
    pub(crate) fn new(
        source: &'a mut Box<dyn Source>,
        encoding: TextEncoding,
        delimiter: u8,
        len: u64,
    ) -> Result<Self, SheetError> {
        let bom = encoding.bom_len() as u64;
        source
            .seek(SeekFrom::Start(bom))
            .map_err(|source| SheetError::Io {
                path: PathBuf::from("(input)"),
                source,
            })?;
        let bytes_read = Arc::new(AtomicU64::new(bom));
        let counted = Counted {
            inner: source,
            count: Arc::clone(&bytes_read),
        };
        // A final line break makes every record end with one, which the row numbering needs;
        // if the file already ends with one, the extra empty line is skipped by the parser.
        let input: Box<dyn Read + Send + 'a> = match encoding.transcoder() {
            None => Box::new(counted.chain(&b"\n"[..])),
            Some(decoder) => Box::new(Transcoder::new(counted, decoder).chain(&b"\n"[..])),
        };
        // Only LF ends a record: a CR before it is stripped from the last field, so CRLF and
        // LF files count lines alike.
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .delimiter(delimiter)
            .buffer_capacity(64 * 1024)
            .from_reader(input);
        Ok(CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            encoding,
            row: 0,
            breaks_so_far: 0,
            bytes_read,
            len,
            done: false,
        })
    }

    pub(crate) fn progress(&self) -> Progress {
        Progress {
            done: self.bytes_read.load(Ordering::Relaxed).min(self.len),
            total: Some(self.len),
            unit: ProgressUnit::Bytes,
        }
    }

    fn fail(&mut self, error: csv::Error) -> SheetError {
        self.done = true;
        let row = self.row + 1;
        match error.into_kind() {
            csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::InvalidData => {
                SheetError::Undecodable {
                    row,
                    encoding: self.encoding.label(),
                    detail: io.to_string(),
                }
            }
            csv::ErrorKind::Io(source) => SheetError::Io {
                path: PathBuf::from("(input)"),
                source,
            },
            other => SheetError::Csv {
                row,
                detail: format!("{other:?}"),
            },
        }
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Err(error) => return Some(Err(self.fail(error))),
                Ok(true) => {
                    // After a record the parser has consumed its final LF, so it stands on the
                    // line after the record's last line. The parser skips blank lines, but
                    // Excel shows each as a row, so Excel's row number is the record's first
                    // physical line less the line breaks inside quoted fields before it.
                    let after_line = self.reader.position().line();
                    let slice = self.record.as_slice();
                    let breaks = if slice.contains(&b'\n') {
                        slice.iter().filter(|&&b| b == b'\n').count() as u64
                    } else {
                        0
                    };
                    let first_line = after_line.saturating_sub(1 + breaks);
                    self.row = first_line.saturating_sub(self.breaks_so_far) as usize;
                    self.breaks_so_far += breaks;
                    // A CRLF blank line reaches here as one field holding the CR: skip it as
                    // the parser skips an LF blank line.
                    let blank_line = self.record.len() == 1 && matches!(slice, b"" | b"\r");
                    if !blank_line {
                        return Some(self.to_row());
                    }
                }
            }
        }
        None
    }
}

impl CsvRows<'_> {
    fn to_row(&self) -> Result<Row, SheetError> {
        let invalid = || SheetError::InvalidUtf8Row { row: self.row };
        // One validation of the whole record; `str::get` then refuses a field boundary
        // that falls inside a character.
        let all = std::str::from_utf8(self.record.as_slice()).map_err(|_| invalid())?;
        let count = self.record.len();
        let mut cells = Vec::with_capacity(count);
        for i in 0..count {
            let field = self
                .record
                .range(i)
                .and_then(|range| all.get(range))
                .ok_or_else(invalid)?;
            let field = match field.strip_suffix('\r') {
                Some(rest) if i + 1 == count => rest,
                _ => field,
            };
            cells.push(if field.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(field.to_owned())
            });
        }
        Ok(Row {
            number: self.row,
            cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2", TextEncoding::Utf8), b',');
        assert_eq!(
            detect_delimiter(b"a\tb\t\"c,d,e\"\n", TextEncoding::Utf8),
            b'\t'
        );
        assert_eq!(detect_delimiter(b"a;b;c", TextEncoding::Utf8), b';');
        assert_eq!(detect_delimiter(b"single", TextEncoding::Utf8), b',');
    }
}
