//! `shangyun demo`: the deterministic synthetic registry of `shangyun-demo`, loaded into the
//! database through the same batched, journaled path as `shangyun import` — or written as an
//! import file (CSV or XLSX) for benchmarks and trials.

use super::import::{BATCHES_IN_FLIGHT, Batch, Meter, WriterTimings};
use super::open::{self, Session};
use crate::output;
use serde::Serialize;
use sha2::{Digest, Sha256};
use shangyun_sheets::{OutputFormat, SheetWriter};
use shangyun_store::{EnterpriseRecord, StoreError, UpsertSummary};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

#[derive(clap::Args)]
#[command(after_help = "\
The same seed gives the same registry; a smaller --enterprises gives a prefix of a larger \
one. USCCs are valid and carry the registered county; provinces, industries and sizes are \
spread roughly like China's SMEs (for realism, not statistics). Loading is journaled like \
an import: an interrupted load continues when run again, and a finished one changes \
nothing when repeated. Exit status: 0 done, 2 the database or the output file cannot be \
used.")]
pub struct Args {
    /// Enterprises to generate (each with one to three years of figures).
    #[arg(long, default_value_t = 10_000)]
    enterprises: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write an import file in CSV (UTF-8) instead of loading the database.
    #[arg(long, value_name = "FILE", conflicts_with = "xlsx")]
    csv: Option<PathBuf>,
    /// Write an import file in XLSX instead of loading the database.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    /// With --csv or --xlsx: write exactly this many enterprise-year rows (instead of every
    /// year of --enterprises enterprises).
    #[arg(long, value_name = "N")]
    rows: Option<usize>,
    /// Enterprises per transaction when loading.
    #[arg(long, default_value_t = 4_000, value_parser = clap::value_parser!(u32).range(1..))]
    batch: u32,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// What a load into the database did.
#[derive(Debug, Serialize)]
pub struct Loaded {
    pub database: String,
    pub enterprises: usize,
    pub seed: u64,
    /// Enterprises already loaded by an interrupted earlier run of the same load.
    pub resumed_after: Option<u64>,
    pub stored: UpsertSummary,
    pub seconds: f64,
    pub enterprises_per_second: f64,
}

#[derive(Serialize)]
struct WrittenFile {
    file: PathBuf,
    format: OutputFormat,
    rows: usize,
    enterprises: usize,
    seed: u64,
    seconds: f64,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let target = match (&args.csv, &args.xlsx) {
        (Some(path), _) => Some((path, OutputFormat::Csv)),
        (None, Some(path)) => Some((path, OutputFormat::Xlsx)),
        (None, None) => None,
    };
    if let Some((path, format)) = target {
        return write_file(&args, path, format);
    }
    if args.rows.is_some() {
        return output::usage_error(
            "--rows 只用于 --csv / --xlsx / --rows applies to --csv and --xlsx only; use \
             --enterprises to size a load",
        );
    }
    let session = match open::open(database, true) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match load(&session, args.enterprises, args.seed, args.batch) {
        Ok(loaded) => {
            output::emit(args.json, &loaded, || render_loaded(&loaded));
            ExitCode::from(output::OK)
        }
        Err(code) => code,
    }
}

/// Loads `enterprises` synthetic enterprises of `seed` into the session's registry, `batch`
/// enterprises per transaction, under an import journal named after the load (so a repeat
/// resumes or changes nothing). A failure is printed and returned as exit code 2.
pub fn load(
    session: &Session,
    enterprises: usize,
    seed: u64,
    batch: u32,
) -> Result<Loaded, ExitCode> {
    load_into(session, enterprises, seed, batch).map_err(|e| match e {
        Failed::Store(e) => open::store_error(e),
        Failed::Thread(e) => output::usage_error(format!("cannot start the generator: {e}")),
    })
}

enum Failed {
    Store(StoreError),
    Thread(std::io::Error),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Self {
        Failed::Store(e)
    }
}

fn load_into(
    session: &Session,
    enterprises: usize,
    seed: u64,
    batch: u32,
) -> Result<Loaded, Failed> {
    let started = Instant::now();
    let registry = &session.registry;
    let name = format!("demo --enterprises {enterprises} --seed {seed}");
    let identity = format!(
        "shangyun-demo/{}/{enterprises}/{seed}",
        env!("CARGO_PKG_VERSION")
    );
    let hash: String = Sha256::digest(identity.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let start = session
        .runtime
        .block_on(registry.begin_import(&name, &hash))?;
    let skip = if start.resumed {
        start.journal.rows_through
    } else {
        0
    };
    let meter = Arc::new(Meter::new(
        "示例数据 demo",
        enterprises as u64,
        ("家企业", "enterprises"),
    ));
    let (tx, rx) = mpsc::channel(BATCHES_IN_FLIGHT);
    let generator = {
        let meter = Arc::clone(&meter);
        std::thread::Builder::new()
            .name("demo-generator".into())
            .spawn(move || generate(enterprises, seed, skip, batch, &meter, &tx))
            .map_err(Failed::Thread)?
    };
    let written = session.runtime.block_on(super::import::write_batches(
        registry,
        start.journal.id,
        rx,
        // One batch per transaction, as the batch size given says.
        u64::from(batch),
        &mut WriterTimings::default(),
        |p| meter.committed(p.rows_through),
    ));
    meter.finish();
    let _ = generator.join();
    let stored = written?;
    session
        .runtime
        .block_on(registry.finish_import(start.journal.id))?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Loaded {
        database: registry.location().display_target(),
        enterprises,
        seed,
        resumed_after: start.resumed.then_some(skip),
        stored,
        seconds,
        enterprises_per_second: if seconds > 0.0 {
            enterprises as f64 / seconds
        } else {
            0.0
        },
    })
}

/// The generating thread: enterprises after `skip`, in batches of `batch`.
fn generate(
    enterprises: usize,
    seed: u64,
    skip: u64,
    batch: u32,
    meter: &Meter,
    out: &mpsc::Sender<Batch>,
) {
    let batch = batch.max(1) as usize;
    let mut records = Vec::with_capacity(batch);
    let mut through = skip;
    for (index, (firm, years)) in shangyun_demo::generate(enterprises, seed)
        .enumerate()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
    {
        records.push(EnterpriseRecord::new(firm, years));
        through = index as u64 + 1;
        if records.len() == batch {
            meter.read(through, through);
            let full = std::mem::replace(&mut records, Vec::with_capacity(batch));
            if out.blocking_send(demo_batch(full, through)).is_err() {
                return;
            }
        }
    }
    meter.read(through, through);
    if !records.is_empty() {
        let _ = out.blocking_send(demo_batch(records, through));
    }
}

fn demo_batch(records: Vec<EnterpriseRecord>, through: u64) -> Batch {
    let rows = records.len() as u64;
    Batch::new(records, through, rows, 0)
}

fn write_file(args: &Args, path: &Path, format: OutputFormat) -> ExitCode {
    let started = Instant::now();
    let written = match args.rows {
        Some(rows) => match format {
            OutputFormat::Csv => shangyun_demo::write_csv(path, rows, args.seed),
            OutputFormat::Xlsx => shangyun_demo::write_xlsx(path, rows, args.seed),
        }
        .map(|w| (w.rows, w.enterprises)),
        None => write_every_year(path, format, args.enterprises, args.seed),
    };
    let (rows, enterprises) = match written {
        Ok(w) => w,
        Err(e) => return output::usage_error(e),
    };
    let report = WrittenFile {
        file: path.to_path_buf(),
        format,
        rows,
        enterprises,
        seed: args.seed,
        seconds: started.elapsed().as_secs_f64(),
    };
    output::emit(args.json, &report, || {
        format!(
            "已写出示例导入文件 / wrote demo import file {}: {} 行 rows ({} 家企业 enterprises, \
             seed {}) in {:.1} s\n导入 / import it: shangyun import {}",
            report.file.display(),
            report.rows,
            report.enterprises,
            report.seed,
            report.seconds,
            report.file.display()
        )
    });
    ExitCode::from(output::OK)
}

/// Every year of the first `enterprises` enterprises, one row per enterprise-year.
fn write_every_year(
    path: &Path,
    format: OutputFormat,
    enterprises: usize,
    seed: u64,
) -> Result<(usize, usize), shangyun_sheets::SheetError> {
    let mut out = SheetWriter::create(path, format, &shangyun_demo::import_columns())?;
    let mut rows = 0;
    for (firm, years) in shangyun_demo::generate(enterprises, seed) {
        for figures in &years {
            out.write_row(&shangyun_demo::import_row(&firm, figures))?;
            rows += 1;
        }
    }
    out.finish()?;
    Ok((rows, enterprises))
}

fn render_loaded(loaded: &Loaded) -> String {
    let s = &loaded.stored;
    let resumed = loaded
        .resumed_after
        .map(|n| format!("（续传，前 {n} 家已在库 / resumed after {n}）"))
        .unwrap_or_default();
    format!(
        "已载入示例数据 / demo registry loaded{resumed}: {} 家企业 enterprises (seed {}) → {}\n  \
         企业 enterprises: 新增 new {}, 更新 updated {}, 未变 unchanged {}; 年度数据 figures: \
         新增 new {}; 重算 derived {}\n  用时 elapsed {:.1} s ({:.0} 家/秒 enterprises/s)",
        loaded.enterprises,
        loaded.seed,
        loaded.database,
        s.enterprises_inserted,
        s.enterprises_updated,
        s.enterprises_unchanged,
        s.figures_inserted,
        s.derived_written,
        loaded.seconds,
        loaded.enterprises_per_second
    )
}
