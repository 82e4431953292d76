//! Which text encoding a CSV is in, and a reader that converts it to UTF-8 on the fly.
//!
//! Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK (code page 936); "CSV UTF-8" adds
//! a byte-order mark; "Unicode 文本" is UTF-16 with a BOM. Detection looks at a sample from
//! the start of the file: a BOM decides; otherwise valid UTF-8 is UTF-8; otherwise the
//! sample must decode as GB18030 (a superset of GBK and GB2312) *and* read like Chinese text,
//! or the file is refused.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE};
use serde::Serialize;
use std::io::{self, Read};

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030, which includes GBK and GB2312 (Excel's "CSV" on a Chinese Windows).
    Gb18030,
    /// UTF-16 little-endian with a BOM (Excel's "Unicode 文本").
    Utf16Le,
    /// UTF-16 big-endian with a BOM.
    Utf16Be,
}

impl TextEncoding {
    /// Display name, e.g. `GBK/GB18030`.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Gb18030 => "GBK/GB18030",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Length of the byte-order mark this encoding starts with in the file.
    pub(crate) fn bom_len(self) -> usize {
        match self {
            TextEncoding::Utf8Bom => 3,
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => 2,
            TextEncoding::Utf8 | TextEncoding::Gb18030 => 0,
        }
    }

    /// The decoder to convert to UTF-8, or `None` when the bytes already are UTF-8.
    pub(crate) fn transcoder(self) -> Option<&'static Encoding> {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => None,
            TextEncoding::Gb18030 => Some(GB18030),
            TextEncoding::Utf16Le => Some(UTF_16LE),
            TextEncoding::Utf16Be => Some(UTF_16BE),
        }
    }
}

/// Why a sample could not be given an encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undetected {
    /// Neither UTF-8 nor GB18030 decodes it.
    Undecodable,
    /// GB18030 decodes it, but the result is not Chinese text (likely Latin-1 or binary).
    NotChinese,
}

/// Decides the encoding from the first bytes of a file. `complete` says whether the sample
/// is the whole file (otherwise a character cut at the end of the sample is not an error).
pub(crate) fn detect(sample: &[u8], complete: bool) -> Result<TextEncoding, Undetected> {
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return Ok(TextEncoding::Utf8Bom);
    }
    if sample.starts_with(b"\xFF\xFE") {
        return Ok(TextEncoding::Utf16Le);
    }
    if sample.starts_with(b"\xFE\xFF") {
        return Ok(TextEncoding::Utf16Be);
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Ok(TextEncoding::Utf8),
        // error_len() == None: the sample ends inside a character. Mid-file that is the cut;
        // at the end of a file it is a truncated last character, reported with its row.
        Err(e) if e.error_len().is_none() => return Ok(TextEncoding::Utf8),
        Err(_) => {}
    }
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(sample.len() * 2);
    let (result, _read) = decoder.decode_to_string_without_replacement(sample, &mut text, complete);
    if let DecoderResult::Malformed(_, _) = result {
        return Err(Undetected::Undecodable);
    }
    if reads_like_chinese(&text) {
        Ok(TextEncoding::Gb18030)
    } else {
        Err(Undetected::NotChinese)
    }
}

/// At least 80 % of the non-ASCII characters must be CJK ideographs or CJK / full-width
/// punctuation. Latin-1 text decoded as GB18030 gives rare ideographs mixed with odd
/// symbols only by chance; this keeps it from being accepted as Chinese.
fn reads_like_chinese(text: &str) -> bool {
    let mut non_ascii = 0usize;
    let mut chinese = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if matches!(c,
            '\u{4E00}'..='\u{9FFF}'      // CJK unified ideographs
            | '\u{3400}'..='\u{4DBF}'    // extension A
            | '\u{3000}'..='\u{303F}'    // CJK punctuation
            | '\u{FF00}'..='\u{FFEF}'    // full-width forms
            | '\u{2000}'..='\u{206F}'    // general punctuation (“ ” — …)
            | '\u{2160}'..='\u{217F}'    // Roman numerals (Ⅰ类, Ⅱ类)
            | '\u{00B7}' | '\u{00D7}'    // middle dot, multiplication sign
        ) {
            chinese += 1;
        }
    }
    non_ascii > 0 && chinese * 5 >= non_ascii * 4
}

/// Converts a byte stream in `encoding` to UTF-8 as it is read. Undecodable input is an
/// [`io::ErrorKind::InvalidData`] error whose message gives the byte offset.
pub(crate) struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    input_start: usize,
    input_end: usize,
    output: Box<[u8]>,
    output_start: usize,
    output_end: usize,
    inner_done: bool,
    finished: bool,
    consumed: u64,
    /// Undecodable input found after some good output: reported once that output is read.
    pending_error: Option<io::Error>,
}

const BUFFER: usize = 64 * 1024;

impl<R: Read> Transcoder<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Transcoder {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; BUFFER].into_boxed_slice(),
            input_start: 0,
            input_end: 0,
            output: vec![0; BUFFER * 3 + 16].into_boxed_slice(),
            output_start: 0,
            output_end: 0,
            inner_done: false,
            finished: false,
            consumed: 0,
            pending_error: None,
        }
    }

    /// Refills the output buffer; returns false at the end of the stream.
    fn fill_output(&mut self) -> io::Result<bool> {
        while self.output_start == self.output_end {
            if let Some(error) = self.pending_error.take() {
                self.finished = true;
                return Err(error);
            }
            if self.finished {
                return Ok(false);
            }
            if self.input_start == self.input_end && !self.inner_done {
                let n = self.inner.read(&mut self.input)?;
                self.input_start = 0;
                self.input_end = n;
                self.inner_done = n == 0;
            }
            let last = self.inner_done;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.input_start..self.input_end],
                &mut self.output,
                last,
            );
            self.input_start += read;
            self.consumed += read as u64;
            self.output_start = 0;
            self.output_end = written;
            match result {
                DecoderResult::InputEmpty => {
                    if last {
                        self.finished = true;
                    }
                }
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, _) => {
                    let offset = self.consumed.saturating_sub(u64::from(bad));
                    self.pending_error = Some(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("undecodable bytes near byte {offset}"),
                    ));
                }
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || !self.fill_output()? {
            return Ok(0);
        }
        let n = buf.len().min(self.output_end - self.output_start);
        buf[..n].copy_from_slice(&self.output[self.output_start..self.output_start + n]);
        self.output_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    #[test]
    fn bom_decides() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b", true), Ok(TextEncoding::Utf8Bom));
        assert_eq!(detect(b"\xFF\xFEa\0", true), Ok(TextEncoding::Utf16Le));
        assert_eq!(detect(b"\xFE\xFF\0a", true), Ok(TextEncoding::Utf16Be));
    }

    #[test]
    fn utf8_without_bom_even_when_cut_mid_character() {
        let text = "企业名称,统一社会信用代码".as_bytes();
        assert_eq!(detect(text, true), Ok(TextEncoding::Utf8));
        assert_eq!(detect(&text[..4], false), Ok(TextEncoding::Utf8));
        assert_eq!(detect(&text[..4], true), Ok(TextEncoding::Utf8));
    }

    #[test]
    fn gbk_chinese_is_gb18030() {
        let bytes = gbk(
            "企业名称,统一社会信用代码,营业收入（万元）\n某某科技有限公司,91350100M000100Y43,12.5\n",
        );
        assert_eq!(detect(&bytes, true), Ok(TextEncoding::Gb18030));
    }

    #[test]
    fn latin1_with_accent_before_space_is_undecodable() {
        // "café crème" in Latin-1: an accented letter before a space is no GB18030 pair.
        assert_eq!(
            detect(b"caf\xE9 cr\xE8me", true),
            Err(Undetected::Undecodable)
        );
    }

    #[test]
    fn decodable_but_not_chinese_is_refused() {
        // Cyrillic letters from the GBK table, as a misread single-byte file may decode.
        let cyrillic = gbk("АБВГД,ЕЖЗИЙ\n");
        assert_eq!(detect(&cyrillic, true), Err(Undetected::NotChinese));
    }

    #[test]
    fn invalid_in_both_is_undecodable() {
        assert_eq!(
            detect(b"abc\xFF\xFFdef", true),
            Err(Undetected::Undecodable)
        );
    }

    #[test]
    fn transcoder_converts_gbk_across_buffer_boundaries() -> io::Result<()> {
        let text = "营业收入（万元）,".repeat(20_000);
        let mut out = String::new();
        Transcoder::new(gbk(&text).as_slice(), GB18030).read_to_string(&mut out)?;
        assert_eq!(out, text);
        Ok(())
    }

    #[test]
    fn transcoder_reports_malformed_input() {
        let mut bytes = gbk("企业");
        bytes.push(0xFF);
        let mut out = String::new();
        let err = Transcoder::new(bytes.as_slice(), GB18030).read_to_string(&mut out);
        assert_eq!(err.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData));
    }
}
