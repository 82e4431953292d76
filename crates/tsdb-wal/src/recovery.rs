//! Opening a WAL directory: scan every segment, hand the valid records to the sink, truncate a
//! torn tail, and say what was found.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use crate::error::WalError;
use crate::segment::{
    HeaderCheck, SegmentFile, SkippedRange, check_segment_header, list_segments, scan_segment,
};
use crate::{Record, WalSink};

/// What recovery found. Nothing in it is fatal: damage is skipped or truncated and counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecoveryReport {
    /// Segments read.
    pub segments: usize,
    /// Valid records handed to the sink.
    pub records: u64,
    /// Payload bytes of those records.
    pub payload_bytes: u64,
    /// Highest sequence number found (0 when the log was empty).
    pub last_seq: u64,
    /// The sequence number the next record gets: above every record found and every segment
    /// name seen (an empty segment still proves its first sequence number was reached).
    pub next_seq: u64,
    /// Damaged records skipped because valid records followed them.
    pub corrupt_records: Vec<CorruptStretch>,
    /// A torn or damaged tail that was cut off.
    pub truncated_tails: Vec<TruncatedTail>,
    /// Segments whose header was damaged (their records were still read).
    pub damaged_headers: Vec<PathBuf>,
    /// Segments removed because they held no record (a crash right after creating them).
    pub empty_segments_removed: Vec<PathBuf>,
}

impl RecoveryReport {
    /// True when recovery found no damage at all.
    pub fn is_clean(&self) -> bool {
        self.corrupt_records.is_empty()
            && self.truncated_tails.is_empty()
            && self.damaged_headers.is_empty()
    }
}

/// A damaged stretch inside a segment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CorruptStretch {
    /// Segment file.
    pub path: PathBuf,
    /// Where and how long.
    pub range: SkippedRange,
}

/// A tail cut off a segment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TruncatedTail {
    /// Segment file.
    pub path: PathBuf,
    /// New length of the file.
    pub offset: u64,
    /// Bytes removed.
    pub bytes: u64,
    /// True when this was the newest segment (the usual torn write of a crash).
    pub last_segment: bool,
}

/// Segments kept after recovery, oldest first: (first seq, last seq, path).
pub(crate) type Recovered = Vec<(u64, u64, PathBuf)>;

pub(crate) fn recover(
    dir: &Path,
    sink: &mut dyn WalSink,
) -> Result<(Recovered, RecoveryReport), WalError> {
    let io = |op: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| WalError::Io { op, path, source }
    };
    let segments = list_segments(dir).map_err(io("list", dir))?;
    let mut report = RecoveryReport::default();
    let mut kept = Vec::new();
    let count = segments.len();
    for (i, SegmentFile { first_seq, path }) in segments.into_iter().enumerate() {
        let last_segment = i + 1 == count;
        report.next_seq = report.next_seq.max(first_seq);
        let bytes = std::fs::read(&path).map_err(io("read", &path))?;
        report.segments += 1;
        match check_segment_header(&bytes) {
            HeaderCheck::Valid { .. } => {}
            HeaderCheck::Short => {
                std::fs::remove_file(&path).map_err(io("remove", &path))?;
                report.empty_segments_removed.push(path);
                continue;
            }
            HeaderCheck::Damaged => report.damaged_headers.push(path.clone()),
        }
        let scan = scan_segment(&bytes, first_seq);
        for range in scan.skipped {
            report.corrupt_records.push(CorruptStretch {
                path: path.clone(),
                range,
            });
        }
        if scan.valid_end < bytes.len() {
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(io("open for truncation", &path))?;
            file.set_len(scan.valid_end as u64)
                .map_err(io("truncate", &path))?;
            file.sync_all().map_err(io("fsync", &path))?;
            report.truncated_tails.push(TruncatedTail {
                path: path.clone(),
                offset: scan.valid_end as u64,
                bytes: (bytes.len() - scan.valid_end) as u64,
                last_segment,
            });
        }
        let Some(last) = scan.records.last().map(|r| r.seq) else {
            std::fs::remove_file(&path).map_err(io("remove", &path))?;
            report.empty_segments_removed.push(path);
            continue;
        };
        let records: Vec<Record<'_>> = scan
            .records
            .iter()
            .filter_map(|r| {
                bytes.get(r.payload.clone()).map(|payload| Record {
                    seq: r.seq,
                    payload,
                })
            })
            .collect();
        report.records += records.len() as u64;
        report.payload_bytes += records.iter().map(|r| r.payload.len() as u64).sum::<u64>();
        report.last_seq = report.last_seq.max(last);
        sink.apply(&records);
        kept.push((first_seq, last, path));
    }
    report.next_seq = report.next_seq.max(report.last_seq + 1).max(1);
    if !report.empty_segments_removed.is_empty() || !report.truncated_tails.is_empty() {
        crate::writer::sync_dir(dir)?;
    }
    Ok((kept, report))
}
