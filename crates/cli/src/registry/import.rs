//! `shangyun import FILE`: a CSV or XLSX file into the registry. The run itself is
//! `shangyun-import-run` (shared with the web console); this module adds the progress bar,
//! the printed summary and the exit codes.

mod progress;

pub use progress::Meter;
pub use shangyun_import_run::{BATCHES_IN_FLIGHT, Batch, WriterTimings, write_batches};

use super::open;
use crate::output;
use serde::Serialize;
use shangyun_import_run::{ImportFile, ImportOptions, ImportOutcome, RunError};
use shangyun_store::UpsertSummary;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

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
    /// Data rows per transaction (read and derived 50000 at a time at most; a larger
    /// transaction rewrites fewer pages, a smaller one holds the write lock for less time).
    #[arg(long, default_value_t = shangyun_import_run::DEFAULT_TRANSACTION_ROWS, value_parser = clap::value_parser!(u32).range(1..))]
    batch: u32,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
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
    let runtime = match open::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let options = ImportOptions {
        year: args.year,
        transaction_rows: args.batch,
        ..ImportOptions::default()
    };
    // The file first: a file that is no spreadsheet is refused before the database is touched.
    let file = match runtime.block_on(ImportFile::open(&args.file, options)) {
        Ok(f) => f,
        Err(e) => return run_failed(e),
    };
    let session = match open::open_in(runtime, database, true) {
        Ok(s) => s,
        Err(code) => {
            // Let the reading thread finish the report of the header before exiting.
            if let Ok(runtime) = open::runtime() {
                runtime.block_on(file.abandon());
            }
            return code;
        }
    };
    let total = file.progress().total;
    let meter = Arc::new(Meter::new("导入 import", total, ("行", "rows")));
    let on_progress = {
        let meter = Arc::clone(&meter);
        let last_committed = AtomicU64::new(u64::MAX);
        move |p: &shangyun_import_run::Progress| {
            meter.read(p.rows_read, p.position);
            if last_committed.swap(p.rows_committed, Ordering::Relaxed) != p.rows_committed {
                meter.committed(p.rows_committed);
            }
        }
    };
    let registry = &session.registry;
    let outcome = session.runtime.block_on(file.run(registry, on_progress));
    meter.finish();
    if std::env::var("SHANGYUN_IMPORT_TIMINGS").as_deref() == Ok("1")
        && let Ok(o) = &outcome
    {
        print_timings(started, o);
    }
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => return run_failed(e),
    };
    let summary = summarize(
        &args.file,
        registry.location().display_target(),
        outcome,
        started,
    );
    output::emit(args.json, &summary, || render(&summary));
    if summary.rejected > 0 {
        ExitCode::from(output::INVALID)
    } else {
        ExitCode::from(output::OK)
    }
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
fn print_timings(started: Instant, outcome: &ImportOutcome) {
    let secs =
        |d: Option<Duration>| d.map_or("?".to_owned(), |d| format!("{:.2}", d.as_secs_f64()));
    let (reader, writer) = (&outcome.reader_timings, &outcome.writer_timings);
    eprintln!(
        "timings: wall {:.2} s, process CPU {} s | reader thread: CPU {} s, blocked on a full \
         channel {} s | writer: waiting for batches {:.2} s, in the store {:.2} s over {} batches \
         in {} transactions",
        started.elapsed().as_secs_f64(),
        secs(process_cpu()),
        secs(reader.cpu),
        secs(Some(reader.blocked)),
        writer.waiting.as_secs_f64(),
        writer.store.as_secs_f64(),
        writer.batches,
        writer.commits
    );
}

/// A run that stopped: exit 2 with the reason (which says what to do).
fn run_failed(err: RunError) -> ExitCode {
    match &err {
        RunError::File {
            rows_before: Some(rows),
            ..
        } => eprintln!(
            "文件在第 {rows} 行后中断；此前的有效行已提交，修复文件后重新导入 / the file broke off \
             after data row {rows}; the good rows before it are committed; fix the file and \
             import it again"
        ),
        RunError::Store(_) => eprintln!(
            "已提交的批次保留在数据库中；修复问题后重新运行同一命令即可从中断处继续 / the batches \
             committed so far stay in the database; run the same command again to continue"
        ),
        _ => {}
    }
    match err {
        RunError::Store(e) => open::store_error(e),
        other => output::usage_error(other),
    }
}

fn summarize(
    file: &std::path::Path,
    database: String,
    outcome: ImportOutcome,
    started: Instant,
) -> Summary {
    let s = outcome.summary;
    let seconds = started.elapsed().as_secs_f64();
    Summary {
        file: file.display().to_string(),
        database,
        import_id: outcome.import_id,
        resumed_after_row: outcome.resumed_after_row,
        earlier_runs: outcome.earlier_runs,
        rows: s.rows,
        imported: s.imported,
        rejected: s.rejected,
        identical_duplicates: s.identical_duplicates,
        conflicting_duplicates: s.conflicting_duplicates,
        rows_with_warnings: s.with_warnings,
        errors: s.errors,
        warnings: s.warnings,
        unknown_columns: outcome.unknown_columns,
        stored: outcome.stored,
        seconds,
        rows_per_second: if seconds > 0.0 {
            s.rows as f64 / seconds
        } else {
            0.0
        },
        error_report_xlsx: outcome.report.xlsx,
        error_report_csv: outcome.report.csv,
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
