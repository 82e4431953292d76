//! Segment files: `<first seq, 20 digits>.wal`, a 32-byte header, then records.
//!
//! Header: magic `SYWALSEG` | version u32 | flags u32 | first seq u64 | crc32c of the
//! previous 24 bytes u32 | reserved u32.

use std::path::{Path, PathBuf};

use crate::frame::{FRAME_HEADER_LEN, FrameDecode, decode_frame};

/// Bytes of the segment header.
pub const SEGMENT_HEADER_LEN: usize = 32;
const MAGIC: &[u8; 8] = b"SYWALSEG";
const VERSION: u32 = 1;
/// A record found after damage must continue the sequence within this distance; it keeps
/// resynchronisation from trusting garbage that merely has a matching checksum shape.
const RESYNC_SEQ_WINDOW: u64 = 1 << 20;

/// The file name of the segment whose first record has `first_seq`.
pub fn segment_file_name(first_seq: u64) -> String {
    format!("{first_seq:020}.wal")
}

/// Parses a segment file name back into its first sequence number.
pub fn parse_segment_file_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".wal")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Encodes a segment header.
pub fn encode_segment_header(first_seq: u64) -> [u8; SEGMENT_HEADER_LEN] {
    let mut h = [0u8; SEGMENT_HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h[16..24].copy_from_slice(&first_seq.to_le_bytes());
    let crc = crc32c::crc32c(&h[..24]);
    h[24..28].copy_from_slice(&crc.to_le_bytes());
    h
}

/// What the header of a segment says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderCheck {
    /// Magic, version and checksum are right.
    Valid {
        /// First sequence number recorded in the header.
        first_seq: u64,
    },
    /// The file is shorter than a header (a crash while creating it).
    Short,
    /// Magic, version or checksum is wrong.
    Damaged,
}

/// Checks a segment header. Never panics.
pub fn check_segment_header(bytes: &[u8]) -> HeaderCheck {
    let Some(h) = bytes.get(..SEGMENT_HEADER_LEN) else {
        return HeaderCheck::Short;
    };
    let crc = crc32c::crc32c(&h[..24]);
    let stored = u32::from_le_bytes([h[24], h[25], h[26], h[27]]);
    if &h[..8] != MAGIC || h[8..12] != VERSION.to_le_bytes() || crc != stored {
        return HeaderCheck::Damaged;
    }
    let mut seq = [0u8; 8];
    seq.copy_from_slice(&h[16..24]);
    HeaderCheck::Valid {
        first_seq: u64::from_le_bytes(seq),
    }
}

/// One valid record found while scanning a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedRecord {
    /// Sequence number.
    pub seq: u64,
    /// Byte range of the payload inside the segment.
    pub payload: std::ops::Range<usize>,
}

/// Damage found while scanning a segment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedRange {
    /// Offset of the first damaged byte.
    pub offset: usize,
    /// Bytes skipped until the next valid record.
    pub len: usize,
}

/// The outcome of scanning one segment's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentScan {
    /// Valid records, in file order.
    pub records: Vec<ScannedRecord>,
    /// Damaged stretches that were followed by valid records (skipped, not truncated).
    pub skipped: Vec<SkippedRange>,
    /// Where the valid data ends; bytes after it are a torn or damaged tail.
    pub valid_end: usize,
}

/// Scans the records of a segment image (header included). Never panics.
///
/// A damaged record is skipped when a valid record follows it (the scan looks for the next
/// offset where a record decodes and continues the sequence); damage with nothing valid after
/// it is the tail, reported through `valid_end`.
pub fn scan_segment(bytes: &[u8], first_seq_hint: u64) -> SegmentScan {
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    let mut pos = SEGMENT_HEADER_LEN.min(bytes.len());
    let mut last_seq = first_seq_hint.saturating_sub(1);
    loop {
        let rest = &bytes[pos..];
        if rest.is_empty() {
            break;
        }
        match decode_frame(rest) {
            FrameDecode::Complete {
                seq,
                payload,
                frame_len,
            } => {
                let start = pos + FRAME_HEADER_LEN;
                records.push(ScannedRecord {
                    seq,
                    payload: start..start + payload.len(),
                });
                last_seq = seq;
                pos += frame_len;
            }
            FrameDecode::Incomplete { .. } | FrameDecode::Corrupt(_) => {
                match resync(bytes, pos + 1, last_seq) {
                    Some(next) => {
                        skipped.push(SkippedRange {
                            offset: pos,
                            len: next - pos,
                        });
                        pos = next;
                    }
                    None => break,
                }
            }
        }
    }
    SegmentScan {
        records,
        skipped,
        valid_end: pos,
    }
}

/// The first offset at or after `from` where a valid record continuing `last_seq` starts.
fn resync(bytes: &[u8], from: usize, last_seq: u64) -> Option<usize> {
    let end = bytes.len().checked_sub(FRAME_HEADER_LEN)?;
    (from..=end).find(|&at| {
        let seq_bytes = &bytes[at + 8..at + 16];
        let mut seq = [0u8; 8];
        seq.copy_from_slice(seq_bytes);
        let seq = u64::from_le_bytes(seq);
        // Cheap filter first: only a plausible next sequence number is worth a checksum.
        seq > last_seq
            && seq - last_seq <= RESYNC_SEQ_WINDOW
            && matches!(decode_frame(&bytes[at..]), FrameDecode::Complete { .. })
    })
}

/// A segment found in the WAL directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFile {
    /// First sequence number (from the file name).
    pub first_seq: u64,
    /// Path of the file.
    pub path: PathBuf,
}

/// Lists the segments of `dir` in sequence order; other files are ignored.
pub fn list_segments(dir: &Path) -> std::io::Result<Vec<SegmentFile>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if let Some(first_seq) = name.to_str().and_then(parse_segment_file_name) {
            out.push(SegmentFile {
                first_seq,
                path: entry.path(),
            });
        }
    }
    out.sort_by_key(|s| s.first_seq);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::encode_frame;

    fn segment(records: &[(u64, &[u8])]) -> Vec<u8> {
        let mut buf = encode_segment_header(records.first().map_or(1, |r| r.0)).to_vec();
        for (seq, p) in records {
            encode_frame(*seq, p, &mut buf);
        }
        buf
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(parse_segment_file_name(&segment_file_name(12)), Some(12));
        assert_eq!(parse_segment_file_name("12.wal"), None);
        assert_eq!(parse_segment_file_name("0000000000000000001x.wal"), None);
    }

    #[test]
    fn header_checks() {
        let h = encode_segment_header(9);
        assert_eq!(
            check_segment_header(&h),
            HeaderCheck::Valid { first_seq: 9 }
        );
        assert_eq!(check_segment_header(&h[..31]), HeaderCheck::Short);
        let mut bad = h;
        bad[17] ^= 4;
        assert_eq!(check_segment_header(&bad), HeaderCheck::Damaged);
    }

    #[test]
    fn damaged_middle_record_is_skipped_and_the_rest_kept() {
        let mut buf = segment(&[(1, b"one"), (2, b"two"), (3, b"three")]);
        let second = SEGMENT_HEADER_LEN + FRAME_HEADER_LEN + 3;
        buf[second + FRAME_HEADER_LEN] ^= 0x20; // a payload byte of record 2
        let scan = scan_segment(&buf, 1);
        let seqs: Vec<u64> = scan.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![1, 3]);
        assert_eq!(
            scan.skipped,
            vec![SkippedRange {
                offset: second,
                len: FRAME_HEADER_LEN + 3
            }]
        );
        assert_eq!(scan.valid_end, buf.len());
    }

    #[test]
    fn damaged_length_field_is_resynchronised() {
        let mut buf = segment(&[(1, b"one"), (2, b"two"), (3, b"three")]);
        let second = SEGMENT_HEADER_LEN + FRAME_HEADER_LEN + 3;
        buf[second + 1] ^= 0x01; // length of record 2 becomes 259
        let scan = scan_segment(&buf, 1);
        let seqs: Vec<u64> = scan.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![1, 3]);
    }

    #[test]
    fn torn_tail_at_every_offset_ends_valid_data_at_the_last_whole_record() {
        let full = segment(&[(1, b"one"), (2, b"two-two")]);
        let last_start = SEGMENT_HEADER_LEN + FRAME_HEADER_LEN + 3;
        for cut in last_start..full.len() {
            let scan = scan_segment(&full[..cut], 1);
            assert_eq!(scan.records.len(), 1, "cut at {cut}");
            assert_eq!(scan.valid_end, last_start, "cut at {cut}");
        }
    }
}
