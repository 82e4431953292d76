//! `shangyun rules region`: look up a GB/T 2260 region code, or search by Chinese name;
//! optionally layer a newer list from a file so that retired codes are flagged.

use crate::output;
use serde::Serialize;
use shangyun_rules::codes::{Region, RegionCodeError, RegionLevel, RegionList, RegionStatus};
use std::borrow::Cow;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  shangyun rules region 330106
  shangyun rules region --search 杭州
  shangyun rules region 330103 --list regions-2024.tsv --list-edition 2024-12

--list FILE: a newer list in the shipped format (header `code<TAB>name<TAB>parent<TAB>level`), \
layered over the embedded one; codes it no longer has stay valid and are reported as retired.
Exit status: 0 found, 1 unknown or malformed code / no match, 2 usage error (bad flag, \
unreadable or invalid --list file).")]
pub struct Args {
    /// GB/T 2260 code, 6 digits (e.g. 330106).
    #[arg(
        value_name = "CODE",
        required_unless_present = "search",
        conflicts_with = "search"
    )]
    code: Option<String>,
    /// Search by Chinese name: substring, suffix optional (杭州 finds 杭州市).
    #[arg(long, value_name = "NAME")]
    search: Option<String>,
    /// A newer code list (TSV) to layer over the embedded one.
    #[arg(long, value_name = "FILE")]
    list: Option<PathBuf>,
    /// Edition label for --list (default: the file name).
    #[arg(long, value_name = "LABEL", requires = "list")]
    list_edition: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let list = match load(&args) {
        Ok(list) => list,
        Err(code) => return code,
    };
    match (&args.code, &args.search) {
        (_, Some(name)) => search(&list, name, args.json),
        (Some(code), None) => lookup(&list, code, args.json),
        (None, None) => output::usage_error("give a CODE or --search NAME"),
    }
}

fn load(args: &Args) -> Result<Cow<'static, RegionList>, ExitCode> {
    let embedded = RegionList::embedded();
    let Some(path) = &args.list else {
        return Ok(Cow::Borrowed(embedded));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| output::usage_error(format!("cannot read {}: {e}", path.display())))?;
    let edition = args.list_edition.clone().unwrap_or_else(|| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    let newer = RegionList::parse(&edition, &text)
        .map_err(|e| output::usage_error(format!("{}: {e}", path.display())))?;
    Ok(Cow::Owned(embedded.with_newer(newer)))
}

/// One region with where it sits and whether it is in force.
#[derive(Serialize)]
struct RegionReport<'a> {
    #[serde(skip)]
    region: &'a Region,
    code: &'a str,
    name: &'a str,
    level: RegionLevel,
    parent: Option<&'a str>,
    /// `"status": "current" | "retired" | "unknown"`, with `retired_by_edition` when retired.
    #[serde(flatten)]
    status: RegionStatus,
    /// Province first, the region itself last.
    path: Vec<PathStep<'a>>,
    children: ChildCount,
    edition: &'a str,
}

#[derive(Serialize)]
struct PathStep<'a> {
    code: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct ChildCount {
    current: usize,
    retired: usize,
}

#[derive(Serialize)]
struct NotFound<'a> {
    code: &'a str,
    #[serde(flatten)]
    status: RegionStatus,
    error: String,
    edition: &'a str,
}

fn report<'a>(list: &'a RegionList, region: &'a Region) -> RegionReport<'a> {
    let mut lineage: Vec<&Region> = list.ancestors(region).collect();
    lineage.reverse();
    lineage.push(region);
    let path = lineage
        .into_iter()
        .map(|r| PathStep {
            code: r.code(),
            name: r.name(),
        })
        .collect();
    let (current, retired) = list.children(region).fold((0, 0), |(c, r), child| {
        if child.is_current() {
            (c + 1, r)
        } else {
            (c, r + 1)
        }
    });
    RegionReport {
        region,
        code: region.code(),
        name: region.name(),
        level: region.level(),
        parent: region.parent_code(),
        status: region.status(),
        path,
        children: ChildCount { current, retired },
        edition: list.edition(),
    }
}

fn status_text(status: &RegionStatus, edition: &str) -> String {
    match status {
        RegionStatus::Current => format!("现行 current ({edition})"),
        RegionStatus::Retired { retired_by_edition } => format!(
            "已停用 retired by {retired_by_edition} — still accepted for records made before it"
        ),
        RegionStatus::Unknown => format!("未知 unknown ({edition})"),
    }
}

fn path_text(path: &[PathStep<'_>]) -> String {
    path.iter()
        .map(|s| format!("{} ({})", s.name, s.code))
        .collect::<Vec<_>>()
        .join(" › ")
}

fn lookup(list: &RegionList, code: &str, json: bool) -> ExitCode {
    match list.get(code) {
        Ok(region) => {
            let r = report(list, region);
            output::emit(json, &r, || {
                let mut children = format!("下级 children: {}", r.children.current);
                if r.children.retired > 0 {
                    children.push_str(&format!(" (+{} retired)", r.children.retired));
                }
                format!(
                    "{} {} — {} {}\n路径 path: {}\n{children}\n状态 status: {}",
                    region.code(),
                    region.name(),
                    region.level().name_zh(),
                    region.level().name_en(),
                    path_text(&r.path),
                    status_text(&r.status, r.edition),
                )
            });
            ExitCode::from(output::OK)
        }
        Err(e) => {
            let error = e.to_string();
            let shown = match &e {
                RegionCodeError::Malformed { input } => input.as_str(),
                RegionCodeError::NotFound { code, .. } => code.as_str(),
            };
            let body = NotFound {
                code: shown,
                status: RegionStatus::Unknown,
                error: error.clone(),
                edition: list.edition(),
            };
            if json {
                output::emit(true, &body, String::new);
            } else {
                eprintln!("error: {error}");
            }
            ExitCode::from(output::INVALID)
        }
    }
}

fn search(list: &RegionList, name: &str, json: bool) -> ExitCode {
    let hits: Vec<RegionReport<'_>> = list
        .search(name)
        .into_iter()
        .map(|r| report(list, r))
        .collect();
    output::emit(json, &hits, || {
        if hits.is_empty() {
            return format!(
                "no region named like “{}” ({})",
                name.trim(),
                list.edition()
            );
        }
        hits.iter()
            .map(|r| {
                let flag = match &r.status {
                    RegionStatus::Retired { retired_by_edition } => {
                        format!("  [已停用 retired by {retired_by_edition}]")
                    }
                    _ => String::new(),
                };
                format!(
                    "{} {} — {}  {}{flag}",
                    r.region.code(),
                    r.region.name(),
                    r.region.level().name_zh(),
                    path_text(&r.path)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    ExitCode::from(if hits.is_empty() {
        output::INVALID
    } else {
        output::OK
    })
}
