//! One import run: [`ImportFile::open`] reads the header (a file that is no spreadsheet is
//! refused before the database is touched), [`ImportFile::run`] imports the rows.
//!
//! Two stages overlap, joined by a bounded channel of batches: a reading thread (read, map,
//! parse, validate, error report, batching, derivation) and the store writer on the caller's
//! async runtime. Every data row is validated on every run, so the error report is complete even
//! when a run resumes after a kill; rows up to the journal's `rows_through` are just not
//! written again.

use crate::batches::{
    BATCH_ROWS, BATCHES_IN_FLIGHT, Batch, BatchBuilder, DEFAULT_TRANSACTION_ROWS, WriterTimings,
};
use crate::error::RunError;
use crate::hash::file_sha256;
use crate::progress::{Progress, Shared};
use serde::Serialize;
use shangyun_import::{
    CellError, ErrorReport, Field, HeaderInfo, ImportError, ImportSummary, Importer, IssueKind,
    Reason, ReportFiles, RowOutcome,
};
use shangyun_registry::Enterprise;
use shangyun_sheets::{ProgressUnit, SheetReader};
use shangyun_store::{Registry, UpsertSummary};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How many rows pass between two progress updates from the reading thread.
const PROGRESS_EVERY: u64 = 4096;

/// A rule every validated row must pass before it is imported (e.g. the region scope of a
/// web user). Called on the reading thread; `Err(reason)` rejects the row: it goes to the
/// error report (kind `out_of_scope`, column 注册地 / registered region) and counts as rejected.
/// A reason written `中文 / English` is split into the report's two languages.
pub type Admit = Arc<dyn Fn(&Enterprise) -> Result<(), String> + Send + Sync>;

/// How to run an import.
#[derive(Clone)]
pub struct ImportOptions {
    /// The year of the figures, for a file without a 年度 (year) column.
    pub year: Option<i32>,
    /// Data rows per transaction ([`DEFAULT_TRANSACTION_ROWS`]); read and derived in batches
    /// of at most [`BATCH_ROWS`].
    pub transaction_rows: u32,
    /// The file's name in the journal and the audit log (default: the path). A web upload
    /// passes the name the user gave, not the temporary path.
    pub name: Option<String>,
    /// Where the error report goes, XLSX and CSV (default: beside the input,
    /// `FILE.errors.xlsx` / `FILE.errors.csv`).
    pub report: Option<(PathBuf, PathBuf)>,
    /// The admission rule (`None`: every valid row is admitted).
    pub admit: Option<Admit>,
}

impl std::fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("year", &self.year)
            .field("transaction_rows", &self.transaction_rows)
            .field("name", &self.name)
            .field("report", &self.report)
            .field("admit", &self.admit.as_ref().map(|_| "…"))
            .finish()
    }
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            year: None,
            transaction_rows: DEFAULT_TRANSACTION_ROWS,
            name: None,
            report: None,
            admit: None,
        }
    }
}

/// What a finished run did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    /// The journal entry of this run.
    pub import_id: i64,
    /// Set when this run continued an interrupted one: data rows up to it were committed.
    pub resumed_after_row: Option<u64>,
    /// Earlier finished imports of the same file content.
    pub earlier_runs: usize,
    /// Counts over every data row of the file (also the rows a resumed run skipped).
    pub summary: ImportSummary,
    pub unknown_columns: Vec<String>,
    /// What the store wrote in this run.
    pub stored: UpsertSummary,
    /// The error report (no files when there was no problem).
    pub report: ReportFiles,
    /// From [`ImportFile::open`] to the end.
    pub seconds: f64,
    #[serde(skip)]
    pub writer_timings: WriterTimings,
    #[serde(skip)]
    pub reader_timings: ReaderTimings,
}

/// Where the reading thread's time went.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReaderTimings {
    /// CPU time of the reading thread (Linux only).
    pub cpu: Option<Duration>,
    /// Time it waited for room in the channel (the writer was behind).
    pub blocked: Duration,
}

/// A spreadsheet whose header has been read, ready to import.
pub struct ImportFile {
    path: PathBuf,
    name: String,
    hash: String,
    unknown_columns: Vec<String>,
    started: Instant,
    shared: Arc<Shared>,
    go: std_mpsc::Sender<Go>,
    batches: mpsc::Receiver<Batch>,
    transaction_rows: u32,
    end: oneshot::Receiver<Result<ReadEnd, ImportError>>,
}

/// What the reading thread reports once the header is read.
struct Opened {
    unknown_columns: Vec<String>,
    hash: std::io::Result<String>,
}

/// What the writer tells the reading thread before it sends batches.
struct Go {
    /// Data rows already committed by an earlier, interrupted run.
    skip: u64,
    on_progress: Arc<dyn Fn(&Progress) + Send + Sync>,
}

/// What the reading thread ends with.
struct ReadEnd {
    summary: ImportSummary,
    report: ReportFiles,
    /// The file broke off part-way; the rows before were read (and sent).
    broke: Option<ImportError>,
    timings: ReaderTimings,
}

impl ImportFile {
    /// Opens the spreadsheet at `path`, finds its header and computes its identity (SHA-256)
    /// on a reading thread; a file that cannot be imported at all is refused here.
    pub async fn open(path: impl AsRef<Path>, options: ImportOptions) -> Result<Self, RunError> {
        let started = Instant::now();
        let path = path.as_ref().to_path_buf();
        let shared = Arc::new(Shared::default());
        let (opened_tx, opened_rx) = oneshot::channel();
        let (go_tx, go_rx) = std_mpsc::channel();
        let (batch_tx, batch_rx) = mpsc::channel(BATCHES_IN_FLIGHT);
        let (end_tx, end_rx) = oneshot::channel();
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| path.display().to_string());
        let reader = ReaderSetup {
            path: path.clone(),
            year: options.year,
            batch: options.transaction_rows.min(BATCH_ROWS),
            report: options.report.clone(),
            admit: options.admit.clone(),
            shared: Arc::clone(&shared),
        };
        std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || {
                let end = reader.read(opened_tx, go_rx, batch_tx);
                let _ = end_tx.send(end);
            })
            .map_err(|e| RunError::Thread(e.to_string()))?;
        let opened = match opened_rx.await {
            Ok(opened) => opened,
            Err(_) => {
                return Err(match end_rx.await {
                    Ok(Err(error)) => RunError::File {
                        path: path.display().to_string(),
                        error,
                        rows_before: None,
                    },
                    Ok(Ok(_)) => RunError::Thread("it ended without a header".to_owned()),
                    Err(_) => RunError::Thread("it stopped".to_owned()),
                });
            }
        };
        // Dropping `go_tx` on the way out lets the reading thread end.
        let hash = opened.hash.map_err(|e| RunError::Read(path.clone(), e))?;
        Ok(ImportFile {
            path,
            name,
            hash,
            unknown_columns: opened.unknown_columns,
            started,
            shared,
            go: go_tx,
            batches: batch_rx,
            transaction_rows: options.transaction_rows,
            end: end_rx,
        })
    }

    /// Columns of the header the mapping does not know (ignored, reported).
    pub fn unknown_columns(&self) -> &[String] {
        &self.unknown_columns
    }

    /// SHA-256 of the file: its identity in the import journal.
    pub fn file_hash(&self) -> &str {
        &self.hash
    }

    /// Where the run is now (also what the callback of [`ImportFile::run`] receives).
    pub fn progress(&self) -> Progress {
        self.shared.snapshot()
    }

    /// Gives up without importing: the reading thread finishes the report of the header
    /// (unknown columns) and ends. Dropping an `ImportFile` does the same without waiting.
    pub async fn abandon(self) {
        drop(self.go);
        let _ = self.end.await;
    }

    /// Imports every data row into `registry`: validated rows committed in batches under the
    /// import journal (an interrupted earlier run of the same file content is continued after
    /// its last committed batch), every problem in the error report.
    ///
    /// `on_progress` is called from the reading thread (every few thousand rows) and from the
    /// writer (after each commit); it must be quick and must not block (update a bar, send on
    /// a `tokio::sync::watch` channel).
    ///
    /// When the database fails, the reading thread still finishes the error report; the
    /// committed batches stay and running the import again continues after them.
    pub async fn run(
        self,
        registry: &Registry,
        on_progress: impl Fn(&Progress) + Send + Sync + 'static,
    ) -> Result<ImportOutcome, RunError> {
        let ImportFile {
            path,
            name,
            hash,
            unknown_columns,
            started,
            shared,
            go,
            batches,
            transaction_rows,
            end,
        } = self;
        let start = registry.begin_import(&name, &hash).await?;
        let import_id = start.journal.id;
        let skip = if start.resumed {
            start.journal.rows_through
        } else {
            0
        };
        shared.committed(skip);
        let on_progress: Arc<dyn Fn(&Progress) + Send + Sync> = Arc::new(on_progress);
        let _ = go.send(Go {
            skip,
            on_progress: Arc::clone(&on_progress),
        });
        let mut writer_timings = WriterTimings::default();
        let written = crate::batches::write_batches(
            registry,
            import_id,
            batches,
            u64::from(transaction_rows),
            &mut writer_timings,
            |p| {
                shared.committed(p.rows_through);
                on_progress(&shared.snapshot());
            },
        )
        .await;
        let read = end
            .await
            .map_err(|_| RunError::Thread("it stopped".to_owned()))?;
        let stored = written?;
        let read = read.map_err(|error| RunError::File {
            path: path.display().to_string(),
            error,
            rows_before: None,
        })?;
        if let Some(error) = read.broke {
            return Err(RunError::File {
                path: path.display().to_string(),
                error,
                rows_before: Some(read.summary.rows as u64),
            });
        }
        registry.finish_import(import_id).await?;
        Ok(ImportOutcome {
            import_id,
            resumed_after_row: start.resumed.then_some(skip),
            earlier_runs: start.earlier.len(),
            summary: read.summary,
            unknown_columns,
            stored,
            report: read.report,
            seconds: started.elapsed().as_secs_f64(),
            writer_timings,
            reader_timings: read.timings,
        })
    }
}

/// What the reading thread needs.
struct ReaderSetup {
    path: PathBuf,
    year: Option<i32>,
    batch: u32,
    report: Option<(PathBuf, PathBuf)>,
    admit: Option<Admit>,
    shared: Arc<Shared>,
}

impl ReaderSetup {
    /// The reading thread: header, then every row through the importer into the report and
    /// the batches. Returns early (Ok) when the writer stops listening.
    fn read(
        self,
        opened: oneshot::Sender<Opened>,
        go: std_mpsc::Receiver<Go>,
        batches: mpsc::Sender<Batch>,
    ) -> Result<ReadEnd, ImportError> {
        let mut sheet = SheetReader::open(&self.path)?;
        let mut importer = Importer::new();
        if let Some(year) = self.year {
            importer = importer.default_year(year);
        }
        let mut import = importer.start(sheet.rows()?)?;
        let first = import.rows().progress();
        self.shared
            .set_total(first.total.unwrap_or(0), first.unit == ProgressUnit::Rows);
        let unknown_columns = import
            .header()
            .unknown
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut report = match self.report {
            Some((xlsx, csv)) => ErrorReport::at(xlsx, csv)?,
            None => ErrorReport::beside(&self.path)?,
        };
        report.add_header(import.header())?;
        let hash = file_sha256(&self.path);
        let sent = opened.send(Opened {
            unknown_columns,
            hash,
        });
        let Some(Go { skip, on_progress }) = sent.ok().and_then(|()| go.recv().ok()) else {
            // Not run (the database could not be opened, the caller changed its mind).
            return Ok(ReadEnd {
                summary: import.summary(),
                report: report.finish()?,
                broke: None,
                timings: ReaderTimings {
                    cpu: thread_cpu(),
                    blocked: Duration::ZERO,
                },
            });
        };
        let mut builder = BatchBuilder::new(self.batch);
        let mut ordinal: u64 = 0;
        let mut bad: u64 = 0;
        let mut refused: u64 = 0;
        let mut broke = None;
        let mut listening = true;
        let mut blocked = Duration::ZERO;
        while let Some(outcome) = import.next() {
            let mut outcome = match outcome {
                Ok(o) => o,
                Err(e) => {
                    broke = Some(e);
                    break;
                }
            };
            ordinal += 1;
            if let Some(admit) = &self.admit {
                refused += u64::from(apply_admission(admit, import.header(), &mut outcome));
            }
            report.add(&outcome)?;
            bad += u64::from(outcome.record.is_none());
            if ordinal.is_multiple_of(PROGRESS_EVERY) {
                self.shared
                    .read(ordinal, bad, import.rows().progress().done);
                on_progress(&self.shared.snapshot());
            }
            if ordinal <= skip || !listening {
                continue;
            }
            if let Some(full) = builder.push(ordinal, outcome.record) {
                // The batch was derived on this thread as it closed (`Batch::new`); the store
                // re-derives only the enterprises it finds stored. If the writer stopped (a
                // database error), read on only for the report.
                let waiting = Instant::now();
                listening = batches.blocking_send(full).is_ok();
                blocked += waiting.elapsed();
            }
        }
        if listening && let Some(last) = builder.finish() {
            let _ = batches.blocking_send(last);
        }
        self.shared
            .read(ordinal, bad, import.rows().progress().done);
        on_progress(&self.shared.snapshot());
        drop(batches);
        let mut summary = import.summary();
        let refused = usize::try_from(refused).unwrap_or(usize::MAX);
        summary.imported -= refused;
        summary.rejected += refused;
        summary.errors += refused;
        Ok(ReadEnd {
            summary,
            report: report.finish()?,
            broke,
            timings: ReaderTimings {
                cpu: thread_cpu(),
                blocked,
            },
        })
    }
}

/// Runs the admission rule on a row that gave a record; a refusal turns the row into a
/// rejected one. Returns whether the row was refused.
fn apply_admission(admit: &Admit, header: &HeaderInfo, outcome: &mut RowOutcome) -> bool {
    let Some((firm, _)) = &outcome.record else {
        return false;
    };
    let Err(reason) = admit(firm) else {
        return false;
    };
    let (zh, en) = match reason.split_once(" / ") {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None => (reason.clone(), reason),
    };
    outcome.errors.push(CellError {
        row: outcome.row,
        column: header
            .binding(Field::RegisteredRegion)
            .map(|b| b.column.clone()),
        value: firm.registered_region.clone(),
        kind: IssueKind::OutOfScope,
        reason: Reason { zh, en },
    });
    outcome.record = None;
    true
}

/// CPU time of the calling thread, from /proc (Linux); `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
