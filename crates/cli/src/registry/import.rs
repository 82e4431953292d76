//! `shangyun import FILE`: a CSV or XLSX file into the registry.
//!
//! Two stages overlap, joined by a bounded channel of batches: a reading thread (read, map,
//! parse, validate, error report, batching) and the store writer on the async runtime (each
//! batch committed through the store's import protocol while the next one is prepared).
//! Every data row is validated on every run, so the error report is complete even when a
//! run resumes after a kill; rows up to the journal's `rows_through` are just not written
//! again.

mod batches;
mod progress;

pub use batches::{
    Batch, BatchBuilder, Overlap, WriterTimings, sort_by_key_order, write as write_batches,
};
pub use progress::Meter;

use super::open;
use crate::output;
use serde::Serialize;
use sha2::{Digest, Sha256};
use shangyun_import::{ErrorReport, ImportError, ImportSummary, Importer, ReportFiles};
use shangyun_sheets::SheetReader;
use shangyun_store::{Registry, StoreError, UpsertSummary};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Batches buffered between the reader and the writer: enough to keep both busy, few enough
/// that memory stays bounded (a 10k-row batch is ~10 MB).
pub const BATCHES_IN_FLIGHT: usize = 2;

/// How many rows pass between two progress updates.
const PROGRESS_EVERY: u64 = 4096;

#[derive(clap::Args)]
#[command(after_help = "\
Reads CSV (UTF-8, UTF-16 or GBK) or XLSX with Chinese or English headers (see \
docs/import-columns.md), validates every row and commits the good ones in batches; every \
problem goes to FILE.errors.xlsx and FILE.errors.csv beside the input. Re-running a file \
is harmless (upsert by USCC and year); a run that was interrupted continues after its last \
committed batch. Exit status: 0 every row imported, 1 some rows rejected (see the report), \
2 the file or the database cannot be used at all.")]
pub struct Args {
    /// The spreadsheet to import (.csv or .xlsx).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The year of the figures, for a file without a 年度 (year) column.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1949..=2100))]
    year: Option<i32>,
    /// Data rows per transaction.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    batch: u32,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// What the reading thread reports once the header is read.
struct Opened {
    /// Size of the work in the reader's progress unit (bytes of a CSV, declared rows of an
    /// XLSX; 0 when unknown).
    total: u64,
    unknown_columns: Vec<String>,
}

/// What the writer tells the reading thread before it sends batches.
struct Go {
    /// Data rows already committed by an earlier, interrupted run.
    skip: u64,
    meter: Arc<Meter>,
}

/// What the reading thread ends with.
struct ReadEnd {
    summary: ImportSummary,
    report: ReportFiles,
    /// The file broke off part-way; the rows before were read (and sent).
    broke: Option<ImportError>,
    /// CPU time of the reading thread (Linux only).
    cpu: Option<Duration>,
    /// Time the reading thread waited for room in the channel (the writer was behind).
    blocked: Duration,
}

#[derive(Serialize)]
struct Summary {
    file: String,
    database: String,
    import_id: i64,
    /// Set when this run continued an interrupted one.
    resumed_after_row: Option<u64>,
    /// Earlier finished imports of the same file content.
    earlier_runs: usize,
    rows: usize,
    imported: usize,
    rejected: usize,
    identical_duplicates: usize,
    conflicting_duplicates: usize,
    rows_with_warnings: usize,
    errors: usize,
    warnings: usize,
    unknown_columns: Vec<String>,
    stored: UpsertSummary,
    seconds: f64,
    rows_per_second: f64,
    error_report_xlsx: Option<PathBuf>,
    error_report_csv: Option<PathBuf>,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let started = Instant::now();
    let (opened_tx, opened_rx) = std_mpsc::channel();
    let (go_tx, go_rx) = std_mpsc::channel();
    let (batch_tx, batch_rx) = mpsc::channel(BATCHES_IN_FLIGHT);
    let reader = {
        let path = args.file.clone();
        let (year, batch) = (args.year, args.batch);
        std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || read_file(&path, year, batch, opened_tx, go_rx, batch_tx))
    };
    let reader = match reader {
        Ok(handle) => handle,
        Err(e) => return output::usage_error(format!("cannot start the reading thread: {e}")),
    };
    // The file first: a file that is no spreadsheet is refused before the database is touched.
    let Ok(opened) = opened_rx.recv() else {
        return match join(reader, &args.file) {
            Err(code) => code,
            Ok(_) => output::usage_error("the reading thread ended without a header"),
        };
    };
    // Until `Go` is sent, an early return lets the reading thread end (it finishes the
    // report of what it read so far) before the process exits.
    let abandon = |go_tx: std_mpsc::Sender<Go>, reader: std::thread::JoinHandle<_>, code| {
        drop(go_tx);
        let _ = reader.join();
        code
    };
    let hash = match hash_file(&args.file) {
        Ok(h) => h,
        Err(e) => {
            let code = output::usage_error(format!(
                "无法读取文件 {0}：{e} / cannot read {0}: {e}",
                args.file.display()
            ));
            return abandon(go_tx, reader, code);
        }
    };
    let session = match open::open(database, true) {
        Ok(s) => s,
        Err(code) => return abandon(go_tx, reader, code),
    };
    let registry = &session.registry;
    let name = args.file.display().to_string();
    let start = match session
        .runtime
        .block_on(registry.begin_import(&name, &hash))
    {
        Ok(s) => s,
        Err(e) => return abandon(go_tx, reader, open::store_error(e)),
    };
    let import_id = start.journal.id;
    let skip = if start.resumed {
        start.journal.rows_through
    } else {
        0
    };
    if start.resumed {
        eprintln!(
            "继续上次中断的导入（第 {skip} 行之前已提交） / resuming an interrupted import: data rows \
             up to {skip} are already committed"
        );
    }
    let meter = Arc::new(Meter::new("导入 import", opened.total, ("行", "rows")));
    if go_tx
        .send(Go {
            skip,
            meter: Arc::clone(&meter),
        })
        .is_err()
    {
        meter.finish();
        return match join(reader, &args.file) {
            Err(code) => code,
            Ok(_) => output::usage_error("the reading thread ended early"),
        };
    }
    let mut timings = WriterTimings::default();
    let written = session.runtime.block_on(batches::write(
        registry,
        import_id,
        batch_rx,
        Overlap::from_env(),
        &mut timings,
        |p| meter.committed(p.rows_through),
    ));
    meter.finish();
    let read = join(reader, &args.file);
    if std::env::var("SHANGYUN_IMPORT_TIMINGS").as_deref() == Ok("1") {
        print_timings(started, &timings, read.as_ref().ok());
    }
    let stored = match written {
        Ok(s) => s,
        Err(e) => return store_failed(e),
    };
    let read = match read {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(broke) = &read.broke {
        eprintln!(
            "文件在第 {} 行后中断；此前的有效行已提交，修复文件后重新导入 / the file broke off after \
             data row {}; the good rows before it are committed; fix the file and import it again",
            read.summary.rows, read.summary.rows
        );
        return file_error(&args.file, broke);
    }
    if let Err(e) = session.runtime.block_on(registry.finish_import(import_id)) {
        return open::store_error(e);
    }
    let summary = summarize(
        &args.file,
        registry,
        import_id,
        start.resumed.then_some(skip),
        start.earlier.len(),
        &read,
        opened.unknown_columns,
        stored,
        started,
    );
    output::emit(args.json, &summary, || render(&summary));
    if summary.rejected > 0 {
        ExitCode::from(output::INVALID)
    } else {
        ExitCode::from(output::OK)
    }
}

/// The reading thread: header, then every row through the importer into the report and the
/// batches. Returns early (Ok) when the writer stops listening.
fn read_file(
    path: &Path,
    year: Option<i32>,
    batch: u32,
    opened: std_mpsc::Sender<Opened>,
    go: std_mpsc::Receiver<Go>,
    batches: mpsc::Sender<Batch>,
) -> Result<ReadEnd, ImportError> {
    let mut sheet = SheetReader::open(path)?;
    let mut importer = Importer::new();
    if let Some(year) = year {
        importer = importer.default_year(year);
    }
    let mut import = importer.start(sheet.rows()?)?;
    let first = import.rows().progress();
    let unknown_columns = import
        .header()
        .unknown
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut report = ErrorReport::beside(path)?;
    report.add_header(import.header())?;
    let sent = opened.send(Opened {
        total: first.total.unwrap_or(0),
        unknown_columns,
    });
    let Some(Go { skip, meter }) = sent.ok().and_then(|()| go.recv().ok()) else {
        // The database could not be opened: nothing to do.
        return Ok(ReadEnd {
            summary: import.summary(),
            report: report.finish()?,
            broke: None,
            cpu: thread_cpu(),
            blocked: Duration::ZERO,
        });
    };
    let mut builder = BatchBuilder::new(batch);
    let mut ordinal: u64 = 0;
    let mut broke = None;
    let mut listening = true;
    let mut blocked = Duration::ZERO;
    while let Some(outcome) = import.next() {
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                broke = Some(e);
                break;
            }
        };
        ordinal += 1;
        report.add(&outcome)?;
        if ordinal.is_multiple_of(PROGRESS_EVERY) {
            meter.read(ordinal, import.rows().progress().done);
        }
        if ordinal <= skip || !listening {
            continue;
        }
        if let Some(full) = builder.push(ordinal, outcome.record) {
            // The writer stopped (a database error): read on only for the report.
            let waiting = Instant::now();
            listening = batches.blocking_send(full).is_ok();
            blocked += waiting.elapsed();
        }
    }
    if listening && let Some(last) = builder.finish() {
        let _ = batches.blocking_send(last);
    }
    meter.read(ordinal, import.rows().progress().done);
    drop(batches);
    Ok(ReadEnd {
        summary: import.summary(),
        report: report.finish()?,
        broke,
        cpu: thread_cpu(),
        blocked,
    })
}

/// CPU time of the calling thread, from /proc (Linux); `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// CPU time of the whole process (user + system), from /proc (Linux); `None` elsewhere.
fn process_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = text.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux architecture shangyun runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// Where the time went, on stderr (`SHANGYUN_IMPORT_TIMINGS=1`): to see which stage limits.
fn print_timings(started: Instant, writer: &WriterTimings, read: Option<&ReadEnd>) {
    let secs =
        |d: Option<Duration>| d.map_or("?".to_owned(), |d| format!("{:.2}", d.as_secs_f64()));
    eprintln!(
        "timings: wall {:.2} s, process CPU {} s | reader thread: CPU {} s, blocked on a full \
         channel {} s | writer: waiting for batches {:.2} s, in the store {:.2} s over {} batches",
        started.elapsed().as_secs_f64(),
        secs(process_cpu()),
        secs(read.and_then(|r| r.cpu)),
        secs(read.map(|r| r.blocked)),
        writer.waiting.as_secs_f64(),
        writer.store.as_secs_f64(),
        writer.batches
    );
}

/// Waits for the reading thread; a fault of the file becomes exit code 2.
fn join(
    reader: std::thread::JoinHandle<Result<ReadEnd, ImportError>>,
    path: &Path,
) -> Result<ReadEnd, ExitCode> {
    match reader.join() {
        Ok(Ok(end)) => Ok(end),
        Ok(Err(e)) => Err(file_error(path, &e)),
        Err(_) => Err(output::usage_error("the reading thread failed")),
    }
}

/// SHA-256 of the file's bytes: the identity of an import in the journal.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A fault of the file as a whole: exit 2 with the importer's message (which says what to do).
fn file_error(path: &Path, err: &ImportError) -> ExitCode {
    output::usage_error(format!(
        "无法导入 {} / cannot import {}\n{err}",
        path.display(),
        path.display()
    ))
}

fn store_failed(err: StoreError) -> ExitCode {
    eprintln!(
        "已提交的批次保留在数据库中；修复问题后重新运行同一命令即可从中断处继续 / the batches \
         committed so far stay in the database; run the same command again to continue"
    );
    open::store_error(err)
}

#[allow(clippy::too_many_arguments)]
fn summarize(
    file: &Path,
    registry: &Registry,
    import_id: i64,
    resumed_after_row: Option<u64>,
    earlier_runs: usize,
    read: &ReadEnd,
    unknown_columns: Vec<String>,
    stored: UpsertSummary,
    started: Instant,
) -> Summary {
    let s = read.summary;
    let seconds = started.elapsed().as_secs_f64();
    Summary {
        file: file.display().to_string(),
        database: registry.location().display_target(),
        import_id,
        resumed_after_row,
        earlier_runs,
        rows: s.rows,
        imported: s.imported,
        rejected: s.rejected,
        identical_duplicates: s.identical_duplicates,
        conflicting_duplicates: s.conflicting_duplicates,
        rows_with_warnings: s.with_warnings,
        errors: s.errors,
        warnings: s.warnings,
        unknown_columns,
        stored,
        seconds,
        rows_per_second: if seconds > 0.0 {
            s.rows as f64 / seconds
        } else {
            0.0
        },
        error_report_xlsx: read.report.xlsx.clone(),
        error_report_csv: read.report.csv.clone(),
    }
}

fn render(s: &Summary) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let verdict = if s.rejected > 0 {
        "导入完成，部分行被拒绝 / imported, some rows rejected"
    } else {
        "导入完成 / imported"
    };
    let _ = writeln!(out, "{verdict}: {}  →  {}", s.file, s.database);
    if let Some(row) = s.resumed_after_row {
        let _ = writeln!(
            out,
            "  续传 resumed        第 {row} 行之后 / after data row {row}"
        );
    }
    if s.earlier_runs > 0 {
        let _ = writeln!(
            out,
            "  此前已导入过该文件 {} 次（未变的数据未重写） / imported {} time(s) before (unchanged data not rewritten)",
            s.earlier_runs, s.earlier_runs
        );
    }
    let lines: [(&str, String); 6] = [
        ("数据行 rows", s.rows.to_string()),
        ("已导入 imported", s.imported.to_string()),
        ("已拒绝 rejected", s.rejected.to_string()),
        (
            "重复 duplicates",
            format!(
                "{} (相同已跳过 identical, skipped: {}; 冲突已拒绝 conflicting, rejected: {})",
                s.identical_duplicates + s.conflicting_duplicates,
                s.identical_duplicates,
                s.conflicting_duplicates
            ),
        ),
        (
            "警告 warnings",
            format!("{} (涉及 in {} 行 rows)", s.warnings, s.rows_with_warnings),
        ),
        (
            "用时 elapsed",
            format!("{:.2} s, {:.0} 行/秒 rows/s", s.seconds, s.rows_per_second),
        ),
    ];
    for (label, value) in lines {
        let _ = writeln!(out, "  {label:<18} {value}");
    }
    let st = &s.stored;
    let _ = writeln!(
        out,
        "  {:<18} 企业 enterprises: 新增 new {}, 更新 updated {}, 未变 unchanged {}; 年度数据 figures: 新增 new {}, 更新 updated {}, 未变 unchanged {}; 重算 derived {}",
        "写入 stored",
        st.enterprises_inserted,
        st.enterprises_updated,
        st.enterprises_unchanged,
        st.figures_inserted,
        st.figures_updated,
        st.figures_unchanged,
        st.derived_written
    );
    if !s.unknown_columns.is_empty() {
        let _ = writeln!(
            out,
            "  {:<18} {}",
            "未识别的列 ignored",
            s.unknown_columns.join(", ")
        );
    }
    match (&s.error_report_xlsx, &s.error_report_csv) {
        (None, None) => {
            let _ = writeln!(out, "  {:<18} 无问题 / no problems", "报告 report");
        }
        (xlsx, csv) => {
            let paths: Vec<String> = [xlsx, csv]
                .into_iter()
                .flatten()
                .map(|p| p.display().to_string())
                .collect();
            let _ = writeln!(out, "  {:<18} {}", "问题报告 report", paths.join("  "));
        }
    }
    out.trim_end().to_owned()
}
