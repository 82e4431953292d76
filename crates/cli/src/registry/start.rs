//! `shangyun start` (also plain `shangyun`): get a working registry with one command — the
//! data directory and schema created, demo data loaded into an empty registry — and say what
//! is in it and what to try next.

use super::demo;
use super::open::{self, Session};
use crate::output;
use serde::Serialize;
use shangyun_registry::Tier;
use shangyun_rules::codes::{RegionLevel, RegionList};
use shangyun_store::{RegistryFilter, SIZE_CLASSES, StoreError};
use std::fmt::Write as _;
use std::process::ExitCode;

/// The demo registry loaded into an empty database.
const DEMO_ENTERPRISES: usize = 10_000;
const DEMO_SEED: u64 = 1;
const DEMO_BATCH: u32 = 4_000;

#[derive(clap::Args, Default)]
#[command(after_help = "\
Uses the database of --database / SHANGYUN_DATABASE, else ./shangyun-data/registry.db \
(created when missing). An empty registry is filled with demo data (10,000 enterprises, \
seed 1). Exit status: 0 ready, 2 the database cannot be opened.")]
pub struct Args {
    /// Do not load demo data into an empty registry.
    #[arg(long)]
    no_demo: bool,
    /// Print the overview as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Overview {
    database: String,
    backend: &'static str,
    schema_version: i64,
    /// Set when this start loaded the demo data.
    demo_loaded: Option<demo::Loaded>,
    enterprises: u64,
    /// The five provinces with most enterprises: (code, name, count).
    top_provinces: Vec<(String, String, u64)>,
    /// Enterprises per size class of their latest year: (class, count).
    size_classes: Vec<(String, u64)>,
    /// Per tier: enterprises eligible in their latest year under any edition, and candidates
    /// (eligible or not enough data to decide).
    tiers: Vec<TierCount>,
    /// An enterprise to look at.
    example_uscc: Option<String>,
}

#[derive(Serialize)]
struct TierCount {
    tier: Tier,
    eligible: u64,
    candidates: u64,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let session = match open::open(database, true) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let everything = RegistryFilter::default();
    let count = session
        .runtime
        .block_on(session.registry.count(&everything));
    let demo_loaded = match count {
        Ok(0) if !args.no_demo => {
            eprintln!(
                "登记册为空，正在载入示例数据（{DEMO_ENTERPRISES} 家企业）/ the registry is empty: \
                 loading demo data ({DEMO_ENTERPRISES} enterprises)"
            );
            match demo::load(&session, DEMO_ENTERPRISES, DEMO_SEED, DEMO_BATCH) {
                Ok(loaded) => Some(loaded),
                Err(code) => return code,
            }
        }
        Ok(_) => None,
        Err(e) => return open::store_error(e),
    };
    let overview = match overview(&session, demo_loaded) {
        Ok(o) => o,
        Err(e) => return open::store_error(e),
    };
    output::emit(args.json, &overview, || render(&overview));
    ExitCode::from(output::OK)
}

fn overview(session: &Session, demo_loaded: Option<demo::Loaded>) -> Result<Overview, StoreError> {
    let registry = &session.registry;
    session.runtime.block_on(async {
        let enterprises = registry.count(&RegistryFilter::default()).await?;
        let mut provinces = Vec::new();
        for region in RegionList::embedded()
            .iter()
            .filter(|r| r.level() == RegionLevel::Province && r.is_current())
        {
            let filter = RegistryFilter {
                region: Some(region.code().to_owned()),
                ..RegistryFilter::default()
            };
            let n = registry.count(&filter).await?;
            if n > 0 {
                provinces.push((region.code().to_owned(), region.name().to_owned(), n));
            }
        }
        provinces.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        provinces.truncate(5);
        let mut size_classes = Vec::new();
        for class in SIZE_CLASSES {
            let filter = RegistryFilter {
                size_classes: vec![class.to_owned()],
                ..RegistryFilter::default()
            };
            size_classes.push((class.to_owned(), registry.count(&filter).await?));
        }
        let mut tiers = Vec::new();
        for tier in [Tier::Innovative, Tier::Specialized, Tier::LittleGiant] {
            let eligible = RegistryFilter {
                eligible_for: vec![tier],
                ..RegistryFilter::default()
            };
            let candidates = RegistryFilter {
                candidate_for: vec![tier],
                ..RegistryFilter::default()
            };
            tiers.push(TierCount {
                tier,
                eligible: registry.count(&eligible).await?,
                candidates: registry.count(&candidates).await?,
            });
        }
        let example_uscc = registry
            .page(&RegistryFilter::default(), None, 1)
            .await?
            .files
            .first()
            .map(|f| f.enterprise.uscc.clone());
        Ok(Overview {
            database: registry.location().display_target(),
            backend: registry.location().backend_name(),
            schema_version: registry.schema_version().await?,
            demo_loaded,
            enterprises,
            top_provinces: provinces,
            size_classes,
            tiers,
            example_uscc,
        })
    })
}

fn size_label(class: &str) -> &'static str {
    match class {
        "large" => "大型 large",
        "medium" => "中型 medium",
        "small" => "小型 small",
        "micro" => "微型 micro",
        _ => "?",
    }
}

fn tier_label(tier: Tier) -> &'static str {
    match tier {
        Tier::Innovative => "创新型中小企业 innovative SME",
        Tier::Specialized => "专精特新中小企业 specialised SME",
        Tier::LittleGiant => "专精特新\"小巨人\" little giant",
    }
}

fn render(o: &Overview) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "shangyun 上云 — 企业登记册已就绪 / the enterprise registry is ready"
    );
    let _ = writeln!(
        out,
        "  数据库 database   {} ({}, schema {})",
        o.database, o.backend, o.schema_version
    );
    if let Some(loaded) = &o.demo_loaded {
        let _ = writeln!(
            out,
            "  已载入示例数据 demo data loaded: {} 家企业 enterprises, seed {}, {:.1} s",
            loaded.enterprises, loaded.seed, loaded.seconds
        );
    }
    let _ = writeln!(out, "  企业 enterprises  {}", o.enterprises);
    if !o.top_provinces.is_empty() {
        let _ = writeln!(out, "\n按省份（前五） / by province (top 5)");
        for (code, name, n) in &o.top_provinces {
            let _ = writeln!(out, "  {code} {name:<10} {n:>8}");
        }
    }
    let _ = writeln!(out, "\n按规模（最新年度） / by size class (latest year)");
    for (class, n) in &o.size_classes {
        let _ = writeln!(out, "  {:<14} {n:>8}", size_label(class));
    }
    let _ = writeln!(
        out,
        "\n梯度培育（最新年度） / tier eligibility (latest year)   符合 eligible   培育对象 candidates"
    );
    for t in &o.tiers {
        let _ = writeln!(
            out,
            "  {:<36} {:>8} {:>12}",
            tier_label(t.tier),
            t.eligible,
            t.candidates
        );
    }
    let _ = writeln!(out, "\n下一步 / next steps");
    let example = o.example_uscc.as_deref().unwrap_or("USCC");
    let steps = [
        (
            format!("shangyun registry show {example}"),
            "查看一企一档 / one enterprise's file",
        ),
        (
            "shangyun export --format xlsx --region 330000 --size small 浙江小型企业.xlsx"
                .to_owned(),
            "按地区、行业、规模、梯度导出 / export by region, industry, size, tier",
        ),
        (
            "shangyun import 企业名录.xlsx".to_owned(),
            "导入 CSV/XLSX（问题写入报告）/ import a file (problems go to a report)",
        ),
        (
            "shangyun demo --csv demo.csv --rows 100000".to_owned(),
            "生成示例导入文件 / write a demo import file",
        ),
        (
            "shangyun classify".to_owned(),
            "规则更新后重算 / recompute after a rule update",
        ),
        (
            "shangyun rules --help".to_owned(),
            "官方规则查询 / the official rules",
        ),
    ];
    for (command, what) in steps {
        let _ = writeln!(out, "  {command}\n      {what}");
    }
    let _ = writeln!(
        out,
        "\n网页控制台与接口 / web console and API: shangyun serve --help"
    );
    out.trim_end().to_owned()
}
