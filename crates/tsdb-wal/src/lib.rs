//! The write-ahead log of shangyun's time-series store.
//!
//! Records are opaque byte payloads. [`Wal::submit`] queues one and returns a [`Commit`] that
//! resolves once a `fdatasync` covering it has returned; one writer thread commits everything
//! queued meanwhile as one group (one write, one fsync), so many concurrent writers share each
//! fsync. Before the acks of a group are released, an applier thread hands the group's records
//! to the [`WalSink`] (the store's write buffer), so an acknowledged record is also queryable;
//! applying group k overlaps with syncing group k + 1.
//!
//! On disk: a directory of segment files `<first seq>.wal`, each a 32-byte header and records
//! `len u32 | crc32c u32 | seq u64 | payload` (see [`encode_frame`]). Opening a directory
//! replays every valid record into the sink, skips damaged records, truncates a torn tail and
//! says so in a [`RecoveryReport`]; damage is never fatal.
//!
//! Architecture invariant: this crate knows nothing about points, series or chunks. The store
//! learns which records are sealed (in closed segments) through [`WalSink::sealed`] and deletes
//! them with [`Wal::remove_through`] once it has persisted them elsewhere.
//!
//! ```
//! use shangyun_tsdb_wal::{Record, Wal, WalConfig, WalSink};
//! struct Count(usize);
//! impl WalSink for Count {
//!     fn apply(&mut self, records: &[Record<'_>]) { self.0 += records.len(); }
//!     fn sealed(&mut self, _through_seq: u64) {}
//! }
//! let dir = tempfile::tempdir()?;
//! let (wal, report) = Wal::open(dir.path(), WalConfig::default(), Box::new(Count(0)))?;
//! assert_eq!(report.records, 0);
//! let seq = wal.submit(b"first".to_vec())?.wait()?; // returns after fdatasync
//! assert_eq!(seq, 1);
//! drop(wal);
//! let (_wal, report) = Wal::open(dir.path(), WalConfig::default(), Box::new(Count(0)))?;
//! assert_eq!(report.records, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod frame;
mod recovery;
mod segment;
mod writer;

pub use error::{CommitError, WalError};
pub use frame::{
    FRAME_HEADER_LEN, FrameDecode, FrameError, MAX_PAYLOAD_LEN, decode_frame, encode_frame,
};
pub use recovery::{CorruptStretch, RecoveryReport, TruncatedTail};
pub use segment::{
    SEGMENT_HEADER_LEN, SegmentScan, SkippedRange, parse_segment_file_name, scan_segment,
    segment_file_name,
};
pub use writer::{Commit, Wal, WalConfig, WalStats};

/// One durable record as handed to the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Sequence number, increasing by one per record across the whole log.
    pub seq: u64,
    /// The bytes that were submitted.
    pub payload: &'a [u8],
}

/// Receives records once they are durable. Called on the WAL's applier thread, in sequence
/// order, before the records' acks are released; while it runs, the writer thread already
/// syncs the next group. At open, recovered records are applied on the opening thread.
pub trait WalSink: Send + 'static {
    /// Durable records, in sequence order (at open: every recovered record).
    fn apply(&mut self, records: &[Record<'_>]);
    /// Every record with `seq <= through_seq` is now in a closed segment; once the sink has
    /// stored them elsewhere it may call [`Wal::remove_through`].
    fn sealed(&mut self, through_seq: u64);
    /// Recovery at open is over (it is called once, after the recovered records and their
    /// seal): every later record is a live one, submitted by this process.
    fn recovered(&mut self) {}
}
