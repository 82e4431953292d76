//! Errors of the store.

use std::path::PathBuf;

use shangyun_tsdb_wal::{CommitError, WalError};

use crate::validate::ValidationError;

/// Something the store could not do.
#[derive(Debug, thiserror::Error)]
pub enum TsdbError {
    /// The batch was refused before reaching the WAL; nothing of it is stored.
    #[error("invalid batch: {0}")]
    Invalid(#[from] ValidationError),
    /// The WAL refused the record or could not be opened.
    #[error(transparent)]
    Wal(#[from] WalError),
    /// A durable write did not complete; the batch must be treated as not stored.
    #[error("write not durable: {0}")]
    Commit(#[from] CommitError),
    /// A file operation failed.
    #[error("{op} failed for {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A query's interval is not positive.
    #[error("aggregation interval must be at least 1 ms, got {0}")]
    Interval(i64),
    /// Writing chunk files failed; the data stays in the WAL and the write buffer and the
    /// persister retries.
    #[error("persisting chunk files failed: {0}")]
    Persist(String),
    /// The persister stopped.
    #[error("the store is closed")]
    Closed,
    /// Another process (or another open store in this one) holds the directory.
    #[error(
        "the time-series store {0} is in use by another process (is another shangyun running on this data directory?); stop it or use another data directory"
    )]
    InUse(PathBuf),
}

pub(crate) fn io(
    op: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> TsdbError {
    let path = path.to_path_buf();
    move |source| TsdbError::Io { op, path, source }
}
