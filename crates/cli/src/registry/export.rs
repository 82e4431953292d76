//! `shangyun export`: the registry (or a filtered part of it) as XLSX or CSV, one row per
//! enterprise-year, in the columns of the import mapping — so an exported file imports again
//! unchanged.

use super::import::Meter;
use super::open;
use crate::output;
use serde::Serialize;
use shangyun_import::{Field, Kind, Mapping};
use shangyun_registry::{AnnualFigures, Enterprise, Tier};
use shangyun_sheets::{Cell, Column, ColumnKind, OutputFormat, SheetError, SheetWriter};
use shangyun_store::{EnterpriseFile, RegistryFilter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

/// Enterprises read per page from the store.
const PAGE: u32 = 2_000;
/// Pages buffered between the store reader and the file writer.
const PAGES_IN_FLIGHT: usize = 2;
/// The data rows one XLSX worksheet holds (Excel's 1,048,576 rows less the header).
const XLSX_MAX_DATA_ROWS: u64 = 1_048_575;

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
    if format == OutputFormat::Xlsx && enterprises > XLSX_MAX_DATA_ROWS {
        return too_many_rows();
    }
    // Written under a temporary name and renamed at the end: a failed export leaves no
    // half file under the name asked for.
    let partial = partial_path(&args.out);
    let meter = std::sync::Arc::new(Meter::new(
        "导出 export",
        enterprises,
        ("家企业", "enterprises"),
    ));
    let (tx, rx) = mpsc::sync_channel::<Vec<EnterpriseFile>>(PAGES_IN_FLIGHT);
    let writer = {
        let (partial, meter) = (partial.clone(), std::sync::Arc::clone(&meter));
        std::thread::spawn(move || write_file(&partial, format, &rx, &meter))
    };
    let read = session.runtime.block_on(async {
        let mut after: Option<String> = None;
        loop {
            let page = registry.page(&filter, after.as_deref(), PAGE).await?;
            let next = page.next_after;
            if tx.send(page.files).is_err() {
                break; // the writer failed; its error is reported below
            }
            match next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        Ok::<(), shangyun_store::StoreError>(())
    });
    drop(tx);
    let written = writer.join().unwrap_or(Err(ExportError::Thread));
    meter.finish();
    let outcome = match (read, written) {
        (Err(e), _) => Err(open::store_error(e)),
        (Ok(()), Err(e)) => Err(e.exit()),
        (Ok(()), Ok(counts)) => std::fs::rename(&partial, &args.out)
            .map(|()| counts)
            .map_err(|e| {
                output::usage_error(format!(
                    "无法写入 {0}：{e} / cannot write {0}: {e}",
                    args.out.display()
                ))
            }),
    };
    let (enterprises, rows) = match outcome {
        Ok(counts) => counts,
        Err(code) => {
            let _ = std::fs::remove_file(&partial);
            return code;
        }
    };
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

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

enum ExportError {
    Sheet(SheetError),
    TooManyRows,
    Thread,
}

impl ExportError {
    fn exit(self) -> ExitCode {
        match self {
            ExportError::Sheet(e) => output::usage_error(e),
            ExportError::TooManyRows => too_many_rows(),
            ExportError::Thread => output::usage_error("the writing thread failed"),
        }
    }
}

fn too_many_rows() -> ExitCode {
    output::usage_error(
        "超过 Excel 单个工作表的行数上限（1,048,576 行）：请导出为 CSV（--format csv）或加筛选条件 / \
         more rows than one Excel worksheet holds (1,048,576): export CSV (--format csv) or \
         narrow the filter",
    )
}

/// The writing thread: every page's enterprises, one row per year. Returns (enterprises, rows).
fn write_file(
    path: &Path,
    format: OutputFormat,
    pages: &mpsc::Receiver<Vec<EnterpriseFile>>,
    meter: &Meter,
) -> Result<(u64, u64), ExportError> {
    let columns = columns();
    let mut out =
        SheetWriter::create(path, format, &export_columns(&columns)).map_err(ExportError::Sheet)?;
    let (mut enterprises, mut rows) = (0u64, 0u64);
    for page in pages {
        for file in page {
            enterprises += 1;
            let years: Vec<Option<&AnnualFigures>> = if file.figures.is_empty() {
                vec![None]
            } else {
                file.figures.iter().map(Some).collect()
            };
            for figures in years {
                rows += 1;
                if format == OutputFormat::Xlsx && rows > XLSX_MAX_DATA_ROWS {
                    return Err(ExportError::TooManyRows);
                }
                let cells: Vec<Cell> = columns
                    .iter()
                    .map(|c| cell(c.field, &file.enterprise, figures))
                    .collect();
                out.write_row(&cells).map_err(ExportError::Sheet)?;
            }
        }
        meter.read(enterprises, enterprises);
    }
    out.finish().map_err(ExportError::Sheet)?;
    Ok((enterprises, rows))
}

/// One export column: the field and its header as the import mapping names it.
struct ExportColumn {
    field: Field,
    header: String,
    kind: ColumnKind,
}

/// The import mapping's columns in its order: the canonical Chinese header, followed by the
/// field's own unit (万元, 人, %, kWh …) in brackets, so re-import reads the values unscaled.
fn columns() -> Vec<ExportColumn> {
    let mapping = Mapping::embedded();
    mapping
        .columns()
        .iter()
        .map(|spec| {
            let unit = spec
                .units
                .first()
                .and_then(|id| mapping.unit(id))
                .map(|u| format!("({})", u.label))
                .unwrap_or_default();
            let kind = match spec.kind {
                Kind::Uscc | Kind::Region | Kind::Industry => ColumnKind::Code,
                Kind::Name | Kind::Text | Kind::Phone | Kind::Email => ColumnKind::Text,
                Kind::Date => ColumnKind::Date,
                Kind::Year | Kind::Count | Kind::Amount | Kind::Percent => ColumnKind::Number,
            };
            ExportColumn {
                field: spec.field,
                header: format!("{}{unit}", spec.zh),
                kind,
            }
        })
        .collect()
}

fn export_columns(columns: &[ExportColumn]) -> Vec<Column> {
    columns
        .iter()
        .map(|c| Column::new(c.header.clone(), c.kind))
        .collect()
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

fn optional_text(value: Option<&String>) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Text(v.clone()))
}

fn amount(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Number)
}

fn count(value: Option<i64>) -> Cell {
    value.map_or(Cell::Empty, |n| Cell::Number(n as f64))
}

/// The cell of `field` for one enterprise-year (`figures` is `None` for an enterprise
/// without figures: its row has the identity only).
fn cell(field: Field, e: &Enterprise, figures: Option<&AnnualFigures>) -> Cell {
    let f = |get: fn(&AnnualFigures) -> Cell| figures.map_or(Cell::Empty, get);
    match field {
        Field::Uscc => text(&e.uscc),
        Field::Name => text(&e.name),
        Field::RegisteredRegion => text(&e.registered_region),
        Field::OperatingRegion => optional_text(e.operating_region.as_ref()),
        Field::Industry => text(&e.industry),
        Field::Founded => e
            .founded
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(Cell::Empty, Cell::Date),
        Field::ContactName => optional_text(e.contact_name.as_ref()),
        Field::ContactPhone => optional_text(e.contact_phone.as_ref()),
        Field::ContactEmail => optional_text(e.contact_email.as_ref()),
        Field::Year => f(|x| Cell::Number(f64::from(x.year))),
        Field::Employees => f(|x| count(x.employees)),
        Field::Revenue => f(|x| amount(x.revenue)),
        Field::MainBusinessRevenue => f(|x| amount(x.main_business_revenue)),
        Field::Assets => f(|x| amount(x.assets)),
        Field::RdSpend => f(|x| amount(x.rd_spend)),
        Field::RdStaff => f(|x| count(x.rd_staff)),
        Field::NetProfit => f(|x| amount(x.net_profit)),
        Field::DebtRatio => f(|x| amount(x.debt_ratio)),
        Field::IpClass1 => f(|x| count(x.ip_class1)),
        Field::IpClass1HighValue => f(|x| count(x.ip_class1_high_value)),
        Field::IpClass2 => f(|x| count(x.ip_class2)),
        Field::EnergyKwh => f(|x| amount(x.energy_kwh)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_reads_back_as_its_own_field_unscaled() {
        let mapping = Mapping::embedded();
        let columns = columns();
        assert_eq!(columns.len(), Field::ALL.len());
        for c in &columns {
            let found = mapping.lookup(&c.header);
            assert_eq!(found.map(|m| m.field), Some(c.field), "{}", c.header);
            assert_eq!(found.map(|m| m.factor), Some(1.0), "{}", c.header);
            assert_eq!(
                found.map(|m| m.unit_assumed),
                Some(false),
                "{} must name its unit",
                c.header
            );
        }
        let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers[0], "统一社会信用代码");
        assert!(headers.contains(&"营业收入(万元)"), "{headers:?}");
    }

    #[test]
    fn an_enterprise_without_figures_has_an_identity_only_row() {
        let e = Enterprise {
            uscc: "91330106MA27XK7R3B".into(),
            name: "杭州示例科技有限公司".into(),
            registered_region: "330106".into(),
            operating_region: None,
            industry: "0111".into(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        };
        assert_eq!(cell(Field::Industry, &e, None), Cell::Text("0111".into()));
        assert_eq!(cell(Field::Year, &e, None), Cell::Empty);
        assert_eq!(cell(Field::Revenue, &e, None), Cell::Empty);
    }
}
