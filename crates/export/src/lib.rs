//! `shangyun-export` — the registry, or a filtered part of it, as XLSX or CSV: one row per
//! enterprise-year in the columns of the import mapping (canonical Chinese header with the
//! field's unit), so an exported file imports again unchanged. Used by `shangyun export` and
//! the web console's export.
//!
//! ```
//! use shangyun_export::{export, ExportCounts};
//! use shangyun_sheets::OutputFormat;
//! use shangyun_store::{Registry, RegistryFilter};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let registry = Registry::open(&dir.path().join("registry.db").to_string_lossy()).await?;
//! let out = dir.path().join("名录.csv");
//! let counts = export(&registry, &RegistryFilter::default(), &out, OutputFormat::Csv, |_, _| {}).await?;
//! assert_eq!(counts, ExportCounts { enterprises: 0, rows: 0 });
//! assert!(std::fs::read_to_string(&out)?.contains("统一社会信用代码"));
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(demo())
//! #     .map_err(|e| std::io::Error::other(e.to_string()))?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod columns;

pub use columns::{ExportColumn, cell, columns};

use shangyun_registry::AnnualFigures;
use shangyun_sheets::{Cell, Column, OutputFormat, SheetError, SheetWriter};
use shangyun_store::{EnterpriseFile, Registry, RegistryFilter, StoreError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Enterprises read per page from the store.
pub const PAGE: u32 = 2_000;
/// Pages buffered between the store reader and the file writer.
const PAGES_IN_FLIGHT: usize = 2;
/// The data rows one XLSX worksheet holds (Excel's 1,048,576 rows less the header).
pub const XLSX_MAX_DATA_ROWS: u64 = 1_048_575;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    pub enterprises: u64,
    /// One per enterprise-year (an enterprise without figures has one identity-only row).
    pub rows: u64,
}

/// Why an export failed; no file is left under the name asked for.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sheet(#[from] SheetError),
    #[error(
        "超过 Excel 单个工作表的行数上限（1,048,576 行）：请导出为 CSV 或加筛选条件 / more rows \
         than one Excel worksheet holds (1,048,576): export CSV or narrow the filter"
    )]
    TooManyRows,
    #[error("无法写入 {path}：{reason} / cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("the writing thread failed: {0}")]
    Thread(String),
}

/// Exports every enterprise `filter` selects from `registry` to `out`, pipelining store reads
/// and file writes (a writing thread; the reads run on the caller's runtime). The file is
/// written under `OUT.partial` and renamed at the end. `on_progress(done, total)` is called
/// after each page, in enterprises.
pub async fn export(
    registry: &Registry,
    filter: &RegistryFilter,
    out: &Path,
    format: OutputFormat,
    on_progress: impl Fn(u64, u64) + Send + 'static,
) -> Result<ExportCounts, ExportError> {
    filter.validate()?;
    let total = registry.count(filter).await?;
    if format == OutputFormat::Xlsx && total > XLSX_MAX_DATA_ROWS {
        return Err(ExportError::TooManyRows);
    }
    let partial = partial_path(out);
    let (tx, rx) = mpsc::sync_channel::<Vec<EnterpriseFile>>(PAGES_IN_FLIGHT);
    let writer = {
        let partial = partial.clone();
        std::thread::Builder::new()
            .name("export-writer".into())
            .spawn(move || write_pages(&partial, format, rx, |done| on_progress(done, total)))
            .map_err(|e| ExportError::Thread(e.to_string()))?
    };
    let mut after: Option<String> = None;
    let read = loop {
        let page = match registry.page(filter, after.as_deref(), PAGE).await {
            Ok(p) => p,
            Err(e) => break Err(e),
        };
        if tx.send(page.files).is_err() {
            break Ok(()); // the writer failed; its error is reported below
        }
        match page.next_after {
            Some(n) => after = Some(n),
            None => break Ok(()),
        }
    };
    drop(tx);
    let written = writer
        .join()
        .unwrap_or_else(|_| Err(ExportError::Thread("it panicked".to_owned())));
    let outcome = read
        .map_err(ExportError::from)
        .and(written)
        .and_then(|counts| finish(&partial, out).map(|()| counts));
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

/// Writes `files` (already loaded, e.g. an enterprise user's own few) to `out`, blocking.
pub fn export_files(
    files: Vec<EnterpriseFile>,
    out: &Path,
    format: OutputFormat,
) -> Result<ExportCounts, ExportError> {
    let partial = partial_path(out);
    let (tx, rx) = mpsc::sync_channel(1);
    let _ = tx.send(files);
    drop(tx);
    let outcome =
        write_pages(&partial, format, rx, |_| {}).and_then(|c| finish(&partial, out).map(|()| c));
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

fn finish(partial: &Path, out: &Path) -> Result<(), ExportError> {
    std::fs::rename(partial, out).map_err(|e| ExportError::Write {
        path: out.display().to_string(),
        reason: e.to_string(),
    })
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// The writing side: every page's enterprises, one row per year; `on_page(enterprises so
/// far)` after each page.
fn write_pages(
    path: &Path,
    format: OutputFormat,
    pages: mpsc::Receiver<Vec<EnterpriseFile>>,
    mut on_page: impl FnMut(u64),
) -> Result<ExportCounts, ExportError> {
    let columns = columns();
    let headers: Vec<Column> = columns
        .iter()
        .map(|c| Column::new(c.header.clone(), c.kind))
        .collect();
    let mut out = SheetWriter::create(path, format, &headers)?;
    let mut counts = ExportCounts::default();
    for page in pages {
        for file in page {
            counts.enterprises += 1;
            let years: Vec<Option<&AnnualFigures>> = if file.figures.is_empty() {
                vec![None]
            } else {
                file.figures.iter().map(Some).collect()
            };
            for figures in years {
                counts.rows += 1;
                if format == OutputFormat::Xlsx && counts.rows > XLSX_MAX_DATA_ROWS {
                    return Err(ExportError::TooManyRows);
                }
                let cells: Vec<Cell> = columns
                    .iter()
                    .map(|c| cell(c.field, &file.enterprise, figures))
                    .collect();
                out.write_row(&cells)?;
            }
        }
        on_page(counts.enterprises);
    }
    out.finish()?;
    Ok(counts)
}
