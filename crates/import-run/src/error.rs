//! Why a run stopped.

use shangyun_import::ImportError;
use shangyun_store::StoreError;
use std::path::PathBuf;

/// A fault of the whole run. A bad row is never one: it lands in the error report.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The file cannot be used (not a spreadsheet, no header, a required column missing …),
    /// or it broke off part-way (`rows_before` data rows were read, and their good rows
    /// committed; fix the file and import it again).
    #[error("无法导入 {path} / cannot import {path}\n{error}")]
    File {
        path: String,
        error: ImportError,
        /// `Some(n)` when the file broke off after data row `n`.
        rows_before: Option<u64>,
    },
    /// The file cannot be read to compute its identity.
    #[error("无法读取文件 {0}：{1} / cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    /// The database refused; the batches committed so far stay, and running the same import
    /// again continues after the last one.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The reading thread could not be started or ended without a word.
    #[error("the import's reading thread failed: {0}")]
    Thread(String),
}
