//! `shangyun rules industry`: look up a GB/T 4754-2017 code and the 2011 size-class group it
//! falls under.

use crate::output;
use serde::Serialize;
use shangyun_rules::codes::{Industry, IndustryList};
use shangyun_rules::size::{GroupLookup, GroupMatch, SizeEdition};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
Codes at any level, with or without the section letter: C, C33, 331, C3311, 3311.
Exit status: 0 found, 1 unknown or malformed code, 2 usage error.")]
pub struct Args {
    /// GB/T 4754-2017 code (e.g. C3311 or 3311).
    #[arg(value_name = "CODE")]
    code: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct IndustryReport<'a> {
    #[serde(flatten)]
    industry: &'a Industry,
    /// Section first, the node itself last.
    path: Vec<PathStep<'a>>,
    children: usize,
    edition: &'a str,
    size_group: Option<SizeGroup<'a>>,
}

#[derive(Serialize)]
struct PathStep<'a> {
    code: String,
    name: &'a str,
}

#[derive(Serialize)]
struct SizeGroup<'a> {
    edition: &'a str,
    #[serde(flatten)]
    lookup: GroupLookup<'a>,
}

#[derive(Serialize)]
struct NotFound {
    code: String,
    error: String,
}

pub fn run(args: Args) -> ExitCode {
    let list = IndustryList::embedded();
    let node = match list.get(&args.code) {
        Ok(node) => node,
        Err(e) => {
            if args.json {
                let body = NotFound {
                    code: args.code.trim().to_owned(),
                    error: e.to_string(),
                };
                output::emit(true, &body, String::new);
            } else {
                eprintln!("error: {e}");
            }
            return ExitCode::from(output::INVALID);
        }
    };
    let edition = SizeEdition::edition_2011();
    let mut lineage: Vec<&Industry> = list.ancestors(node).collect();
    lineage.reverse();
    lineage.push(node);
    let report = IndustryReport {
        industry: node,
        path: lineage
            .into_iter()
            .map(|n| PathStep {
                code: n.standard_code().to_string(),
                name: n.name(),
            })
            .collect(),
        children: list.children(node).count(),
        edition: list.edition(),
        // The size tables are compiled from the same embedded list, so this only fails if the
        // two disagree; then the group is left out rather than guessed.
        size_group: edition
            .group_for_code(node.code())
            .ok()
            .map(|lookup| SizeGroup {
                edition: &edition.info().id,
                lookup,
            }),
    };
    output::emit(args.json, &report, || human(&report));
    ExitCode::from(output::OK)
}

fn human(r: &IndustryReport<'_>) -> String {
    let path = r
        .path
        .iter()
        .map(|s| format!("{} {}", s.code, s.name))
        .collect::<Vec<_>>()
        .join(" › ");
    let group = match &r.size_group {
        None => "unavailable".to_owned(),
        Some(g) => match g.lookup.matched {
            GroupMatch::Group { group } => format!(
                "第{}类 {} / {} — uses {}",
                group.number,
                group.name_zh,
                group.name_en,
                group
                    .metrics()
                    .iter()
                    .map(|m| format!("{} {}", m.symbol(), m.name_zh()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            GroupMatch::NotCovered { exclusion } => format!(
                "不适用 not covered — {} / {}",
                exclusion.reason_zh, exclusion.reason_en
            ),
            GroupMatch::SeveralGroups { spans } => {
                let mut parts: Vec<String> = spans
                    .groups()
                    .map(|g| format!("第{}类 {}", g.number, g.name_zh))
                    .collect();
                if spans.exclusions().next().is_some() {
                    parts.push("部分不适用 partly not covered".to_owned());
                }
                format!(
                    "spans several groups (give a more specific code): {}",
                    parts.join(", ")
                )
            }
        },
    };
    let edition_id = r.size_group.as_ref().map_or("2011", |g| g.edition);
    format!(
        "{} {} — {} {}\n路径 path: {path}\n下级 children: {}\n划型 size-class group ({edition_id}): {group}\n分类 classification: {}",
        r.industry.code(),
        r.industry.name(),
        r.industry.level().name_zh(),
        r.industry.level().as_str(),
        r.children,
        r.edition,
    )
}
