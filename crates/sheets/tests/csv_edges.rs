//! CSV edge cases built in memory: row numbering, encodings, damage part-way through.

use shangyun_sheets::{Cell, Format, SheetError, SheetReader, TextEncoding};
use std::io::Cursor;

fn numbers(bytes: &[u8]) -> Result<Vec<usize>, SheetError> {
    let mut reader = SheetReader::from_source(Cursor::new(bytes.to_vec()))?;
    reader.rows()?.map(|r| r.map(|row| row.number)).collect()
}

#[test]
fn row_numbers_follow_excel_for_every_line_ending() -> Result<(), SheetError> {
    assert_eq!(numbers(b"a,b\nc,d\ne,f\n")?, [1, 2, 3]);
    assert_eq!(numbers(b"a,b\r\nc,d\r\ne,f")?, [1, 2, 3]);
    assert_eq!(numbers(b"\n\na,b\nc,d\n")?, [3, 4]);
    assert_eq!(numbers(b"a,b\n\n\n\nc,d\n")?, [1, 5]);
    assert_eq!(
        numbers(b"a,\"x\r\ny\r\nz\"\r\nb,c\r\n\r\nd,e\r\n")?,
        [1, 2, 4]
    );
    assert_eq!(numbers(b"\"1\n2\",\"3\n4\"\n\"5\n6\"\nlast")?, [1, 2, 3]);
    Ok(())
}

#[test]
fn a_row_of_empty_fields_is_a_blank_row() -> Result<(), SheetError> {
    let mut reader = SheetReader::from_source(Cursor::new(b"a,b\n,,\nc,d\n".to_vec()))?;
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 3);
    assert!(rows[1].is_blank());
    assert_eq!(rows[2].number, 3);
    Ok(())
}

#[test]
fn tab_and_semicolon_files_are_split_right() -> Result<(), SheetError> {
    let mut reader = SheetReader::from_source(Cursor::new(b"a\tb\tc\n1\t2,5\t3\n".to_vec()))?;
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    assert_eq!(rows[1].cells[1], Cell::Text("2,5".into()));
    let mut reader = SheetReader::from_source(Cursor::new(b"a;b\n1;2\n".to_vec()))?;
    assert!(matches!(
        reader.format(),
        Format::Csv { delimiter: ';', .. }
    ));
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    assert_eq!(
        rows[1].cells,
        [Cell::Text("1".into()), Cell::Text("2".into())]
    );
    Ok(())
}

#[test]
fn utf16_unicode_text_from_excel_is_read() -> Result<(), SheetError> {
    let text = "企业名称\t从业人员\r\n甲公司\t12\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let mut reader = SheetReader::from_source(Cursor::new(bytes))?;
    assert_eq!(
        reader.format(),
        Format::Csv {
            encoding: TextEncoding::Utf16Le,
            delimiter: '\t'
        }
    );
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    assert_eq!(rows[1].cells[0], Cell::Text("甲公司".into()));
    Ok(())
}

#[test]
fn undecodable_text_is_refused_with_the_way_out() {
    let bytes = b"name,value\ncaf\xE9 cr\xE8me,1\n".to_vec();
    match SheetReader::from_source(Cursor::new(bytes)) {
        Err(e @ SheetError::UnknownEncoding) => {
            let message = e.to_string();
            assert!(message.contains("CSV UTF-8"), "{message}");
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(reader) => panic!("accepted as {:?}", reader.format()),
    }
}

/// 70 000 rows of UTF-8 pushes the bad row past the 64 KiB detection sample.
fn big_utf8_then(tail: &[u8]) -> Vec<u8> {
    let mut bytes = b"name,n\n".to_vec();
    for i in 0..70_000 {
        bytes.extend_from_slice(format!("甲{i},{i}\n").as_bytes());
    }
    bytes.extend_from_slice(tail);
    bytes
}

#[test]
fn a_non_utf8_row_late_in_a_utf8_file_costs_only_that_row() -> Result<(), SheetError> {
    let bytes = big_utf8_then(b"caf\xE9,1\nlast,2\n");
    let mut reader = SheetReader::from_source(Cursor::new(bytes))?;
    let results: Vec<_> = reader.rows()?.collect();
    assert_eq!(results.len(), 70_003);
    match &results[70_001] {
        Err(SheetError::InvalidUtf8Row { row }) => assert_eq!(*row, 70_002),
        other => panic!("expected a row error, got {other:?}"),
    }
    assert!(matches!(&results[70_002], Ok(row) if row.number == 70_003));
    Ok(())
}

#[test]
fn gbk_damaged_late_in_the_file_stops_with_a_clear_error() -> Result<(), SheetError> {
    let mut bytes = encoding_rs::GBK.encode("企业名称,人数\n").0.into_owned();
    for i in 0..20_000 {
        bytes.extend_from_slice(&encoding_rs::GBK.encode(&format!("某某公司{i},{i}\n")).0);
    }
    bytes.extend_from_slice(b"\xFF\xFF,1\n");
    let mut reader = SheetReader::from_source(Cursor::new(bytes))?;
    assert!(matches!(
        reader.format(),
        Format::Csv {
            encoding: TextEncoding::Gb18030,
            ..
        }
    ));
    let results: Vec<_> = reader.rows()?.collect();
    let last = results.last().map(|r| r.as_ref().map(|row| row.number));
    match last {
        Some(Err(e @ SheetError::Undecodable { .. })) => {
            assert!(e.is_fatal());
            assert!(e.to_string().contains("GBK"), "{e}");
        }
        other => panic!("expected a decoding error at the end, got {other:?}"),
    }
    assert!(results.len() > 19_000);
    Ok(())
}

#[test]
fn an_unclosed_quote_reads_to_the_end_as_one_field() -> Result<(), SheetError> {
    // The csv parser takes an unclosed quote as running to the end of the file; Excel does too.
    let mut reader = SheetReader::from_source(Cursor::new(b"a,b\n\"open,1\n2,3\n".to_vec()))?;
    let rows: Vec<_> = reader.rows()?.collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 2);
    assert!(matches!(&rows[1].cells[0], Cell::Text(t) if t.starts_with("open,1\n2,3\n")));
    Ok(())
}

#[test]
fn progress_reaches_the_file_size() -> Result<(), SheetError> {
    let bytes = big_utf8_then(b"");
    let len = bytes.len() as u64;
    let mut reader = SheetReader::from_source(Cursor::new(bytes))?;
    let mut rows = reader.rows()?;
    for row in rows.by_ref() {
        row?;
    }
    let progress = rows.progress();
    assert_eq!((progress.done, progress.total), (len, Some(len)));
    Ok(())
}
