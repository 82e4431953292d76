//! Errors of the WAL.

use std::path::PathBuf;

/// Opening or administering the WAL failed.
#[derive(Debug, thiserror::Error)]
pub enum WalError {
    /// A file operation failed; the path says where.
    #[error("WAL {op} failed for {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A payload larger than [`crate::MAX_PAYLOAD_LEN`] was submitted.
    #[error("WAL record of {len} bytes exceeds the {max}-byte limit; split the batch")]
    RecordTooLarge {
        /// Submitted length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The WAL is closing or its writer has stopped.
    #[error("the WAL is closed")]
    Closed,
    /// An earlier write or fsync failed, so nothing more is accepted: durability can no longer
    /// be promised. Reopen the store once the cause (disk full, I/O error) is fixed.
    #[error("the WAL stopped after a failed write: {0}")]
    Failed(CommitError),
}

/// Why a [`crate::Commit`] did not become durable. Cloneable: one failed fsync fails every
/// record of its group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum CommitError {
    /// Writing or syncing the segment failed; the record may or may not be on disk and must be
    /// treated as not acknowledged.
    #[error("WAL {op} failed for {path}: {message}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The segment file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The WAL closed before the record was written.
    #[error("the WAL closed before the record was durable")]
    Closed,
}
