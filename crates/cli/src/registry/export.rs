//! `shangyun export`: the registry (or a filtered part of it) as XLSX or CSV, one row per
//! enterprise-year, in the columns of the import mapping — so an exported file imports again
//! unchanged.

use super::import::Meter;
use super::open;
use crate::output;
use serde::Serialize;
use shangyun_export::ExportError;
use shangyun_registry::Tier;
use shangyun_sheets::OutputFormat;
use shangyun_store::RegistryFilter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Xlsx,
    Csv,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SizeArg {
    Large,
    Medium,
    Small,
    Micro,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TierArg {
    /// 创新型中小企业.
    Innovative,
    /// 专精特新中小企业.
    Specialized,
    /// 专精特新"小巨人".
    LittleGiant,
}

impl From<TierArg> for Tier {
    fn from(t: TierArg) -> Tier {
        match t {
            TierArg::Innovative => Tier::Innovative,
            TierArg::Specialized => Tier::Specialized,
            TierArg::LittleGiant => Tier::LittleGiant,
        }
    }
}

#[derive(clap::Args)]
#[command(after_help = "\
Columns are those of the import mapping (docs/import-columns.md), money in 万元, codes kept \
as text, so the file imports again as it is. Filters combine (all must hold); size class and \
tier read each enterprise's latest year unless --year is given. Exit status: 0 written, 2 a \
bad filter, an unwritable output or a database that cannot be opened.")]
pub struct Args {
    /// The output file.
    #[arg(value_name = "OUT")]
    out: PathBuf,
    /// xlsx or csv (default: from the extension of OUT).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Only enterprises registered in this GB/T 2260 region and its subtree (330000 = 浙江省).
    #[arg(long, value_name = "CODE")]
    region: Option<String>,
    /// Only this GB/T 4754-2017 industry (2 to 4 digits, a prefix); repeat for several.
    #[arg(long, value_name = "CODE")]
    industry: Vec<String>,
    /// Only this size class; repeat for several.
    #[arg(long, value_enum)]
    size: Vec<SizeArg>,
    /// Only enterprises eligible for this tier; repeat for several (any of them).
    #[arg(long, value_enum)]
    tier: Vec<TierArg>,
    /// Only candidates for this tier (eligible, or not enough data to decide).
    #[arg(long, value_enum)]
    candidate: Vec<TierArg>,
    /// The year whose size class and tier verdicts --size, --tier and --candidate read.
    #[arg(long)]
    year: Option<i32>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    file: PathBuf,
    format: OutputFormat,
    database: String,
    enterprises: u64,
    rows: u64,
    seconds: f64,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let started = Instant::now();
    let format = match (args.format, OutputFormat::from_path(&args.out)) {
        (Some(FormatArg::Xlsx), _) => OutputFormat::Xlsx,
        (Some(FormatArg::Csv), _) => OutputFormat::Csv,
        (None, Some(f)) => f,
        (None, None) => {
            return output::usage_error(
                "请用 --format xlsx 或 --format csv 指定格式（或使用 .xlsx / .csv 文件名） / give \
                 --format xlsx or --format csv (or name the file .xlsx or .csv)",
            );
        }
    };
    let filter = filter(&args);
    if let Err(e) = filter.validate() {
        return output::usage_error(e);
    }
    let session = match open::open(database, true) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let registry = &session.registry;
    let enterprises = match session.runtime.block_on(registry.count(&filter)) {
        Ok(n) => n,
        Err(e) => return open::store_error(e),
    };
    let meter = Arc::new(Meter::new(
        "导出 export",
        enterprises,
        ("家企业", "enterprises"),
    ));
    let written = {
        let meter = Arc::clone(&meter);
        session.runtime.block_on(shangyun_export::export(
            registry,
            &filter,
            &args.out,
            format,
            move |done, _| meter.read(done, done),
        ))
    };
    meter.finish();
    let counts = match written {
        Ok(c) => c,
        Err(ExportError::Store(e)) => return open::store_error(e),
        Err(e) => return output::usage_error(e),
    };
    let (enterprises, rows) = (counts.enterprises, counts.rows);
    let report = Report {
        file: args.out.clone(),
        format,
        database: registry.location().display_target(),
        enterprises,
        rows,
        seconds: started.elapsed().as_secs_f64(),
    };
    output::emit(args.json, &report, || {
        format!(
            "已导出 / exported {} 家企业 enterprises, {} 行 rows → {} ({:.1} s)",
            report.enterprises,
            report.rows,
            report.file.display(),
            report.seconds
        )
    });
    ExitCode::from(output::OK)
}

fn filter(args: &Args) -> RegistryFilter {
    RegistryFilter {
        region: args.region.clone(),
        industries: args.industry.clone(),
        size_classes: args
            .size
            .iter()
            .map(|s| {
                match s {
                    SizeArg::Large => "large",
                    SizeArg::Medium => "medium",
                    SizeArg::Small => "small",
                    SizeArg::Micro => "micro",
                }
                .to_owned()
            })
            .collect(),
        eligible_for: args.tier.iter().map(|&t| t.into()).collect(),
        candidate_for: args.candidate.iter().map(|&t| t.into()).collect(),
        year: args.year,
        ..RegistryFilter::default()
    }
}
