//! Where an import has got, for a progress bar or a web page.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a running import, given to the caller's callback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Data rows read and validated so far.
    pub rows_read: u64,
    /// Data rows whose batch is committed (resumed runs start at the journal's count).
    pub rows_committed: u64,
    /// Rows read that were not imported (rejected, or an identical repeat skipped).
    pub rows_bad: u64,
    /// Data rows the file holds, estimated from the bytes read so far (CSV) or the row
    /// count the workbook declares (XLSX); `None` until known.
    pub total_rows_estimate: Option<u64>,
    /// Position in the file, in the reader's unit (bytes of a CSV, rows of an XLSX).
    pub position: u64,
    /// Size of the file in the same unit (0 when unknown).
    pub total: u64,
}

/// Shared between the reading thread and the writer; each update makes a snapshot.
#[derive(Default)]
pub(crate) struct Shared {
    read: AtomicU64,
    committed: AtomicU64,
    bad: AtomicU64,
    position: AtomicU64,
    total: AtomicU64,
    /// Whether `total` counts rows (XLSX) rather than bytes (CSV).
    total_is_rows: std::sync::atomic::AtomicBool,
}

impl Shared {
    pub fn set_total(&self, total: u64, is_rows: bool) {
        self.total.store(total, Ordering::Relaxed);
        self.total_is_rows.store(is_rows, Ordering::Relaxed);
    }

    pub fn read(&self, rows: u64, bad: u64, position: u64) {
        self.read.store(rows, Ordering::Relaxed);
        self.bad.store(bad, Ordering::Relaxed);
        self.position.store(position, Ordering::Relaxed);
    }

    pub fn committed(&self, through: u64) {
        self.committed.store(through, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Progress {
        let rows_read = self.read.load(Ordering::Relaxed);
        let position = self.position.load(Ordering::Relaxed);
        let total = self.total.load(Ordering::Relaxed);
        let total_rows_estimate = if total == 0 {
            None
        } else if self.total_is_rows.load(Ordering::Relaxed) {
            Some(total)
        } else if position > 0 && rows_read > 0 {
            // Rows so far scaled by the share of bytes read.
            Some((rows_read as f64 * total as f64 / position as f64).round() as u64)
        } else {
            None
        };
        Progress {
            rows_read,
            rows_committed: self.committed.load(Ordering::Relaxed),
            rows_bad: self.bad.load(Ordering::Relaxed),
            total_rows_estimate,
            position,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_estimate_scales_rows_by_bytes() {
        let shared = Shared::default();
        shared.set_total(1000, false);
        assert_eq!(shared.snapshot().total_rows_estimate, None);
        shared.read(30, 1, 250);
        shared.committed(20);
        let p = shared.snapshot();
        assert_eq!(p.total_rows_estimate, Some(120));
        assert_eq!((p.rows_read, p.rows_committed, p.rows_bad), (30, 20, 1));
    }

    #[test]
    fn an_xlsx_total_is_rows() {
        let shared = Shared::default();
        shared.set_total(500, true);
        assert_eq!(shared.snapshot().total_rows_estimate, Some(500));
    }
}
