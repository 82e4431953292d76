//! `shangyun-import-run` — one spreadsheet import as a library call, for the CLI
//! (`shangyun import`) and the web console alike.
//!
//! The run, as the data moves: a reading thread opens the file
//! ([`SheetReader`](shangyun_sheets::SheetReader)), maps and validates every row
//! ([`shangyun_import::Importer`]), writes every problem into the error report and cuts the
//! good records into [`Batch`]es → the writer (on the caller's async runtime) commits each
//! batch through the store's import protocol ([`Registry::import_batch`]: derived values,
//! journal and audit in the batch's transaction) → a [`Progress`] snapshot goes to the
//! caller's callback as rows are read and batches committed.
//!
//! ```no_run
//! # async fn demo(registry: &shangyun_store::Registry) -> Result<(), shangyun_import_run::RunError> {
//! use shangyun_import_run::{ImportFile, ImportOptions};
//! let file = ImportFile::open("名录.csv", ImportOptions::default()).await?; // header checked
//! println!("ignored columns: {:?}", file.unknown_columns());
//! let outcome = file
//!     .run(registry, |p| eprintln!("{} read, {} committed", p.rows_read, p.rows_committed))
//!     .await?;
//! println!("{} imported, {} rejected", outcome.summary.imported, outcome.summary.rejected);
//! # Ok(()) }
//! ```
//!
//! [`Registry::import_batch`]: shangyun_store::Registry::import_batch

mod batches;
mod error;
mod hash;
mod progress;
mod run;

pub use batches::{
    BATCH_ROWS, BATCHES_IN_FLIGHT, Batch, BatchBuilder, DEFAULT_TRANSACTION_ROWS, TRANSACTION_HOLD,
    WriterTimings, sort_by_key_order, write_batches,
};
pub use error::RunError;
pub use hash::file_sha256;
pub use progress::Progress;
pub use run::{Admit, ImportFile, ImportOptions, ImportOutcome, ReaderTimings};
