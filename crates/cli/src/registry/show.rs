//! `shangyun registry show USCC`: one enterprise's file as text (zh-CN first) or JSON.

use super::open;
use crate::output;
use shangyun_registry::{AnnualFigures, Derived, Tier, TierDerived};
use shangyun_rules::codes::{IndustryList, RegionList};
use shangyun_rules::ids;
use shangyun_store::EnterpriseFile;
use std::fmt::Write as _;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
The USCC may be typed in lower case, full-width or with spaces; it is normalised first. \
Exit status: 0 found, 1 no such enterprise, 2 the database cannot be opened.")]
pub struct Args {
    /// 统一社会信用代码 of the enterprise.
    #[arg(value_name = "USCC")]
    uscc: String,
    /// Print the whole file as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let session = match open::open(database, true) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let uscc = ids::normalize(&args.uscc);
    let file = match session.runtime.block_on(session.registry.get(&uscc)) {
        Ok(Some(file)) => file,
        Ok(None) => {
            eprintln!(
                "登记册中没有该企业 / no enterprise {uscc} in {}",
                session.registry.location()
            );
            return ExitCode::from(output::INVALID);
        }
        Err(e) => return open::store_error(e),
    };
    output::emit(args.json, &file, || render(&file));
    ExitCode::from(output::OK)
}

fn render(file: &EnterpriseFile) -> String {
    let e = &file.enterprise;
    let mut out = String::new();
    let _ = writeln!(out, "企业档案 / enterprise file  {}", e.uscc);
    let _ = writeln!(out, "  名称 name                {}", e.name);
    let _ = writeln!(
        out,
        "  注册地 registered region {}",
        region_label(&e.registered_region)
    );
    if let Some(op) = &e.operating_region {
        let _ = writeln!(out, "  经营地 operating region  {}", region_label(op));
    }
    let _ = writeln!(
        out,
        "  行业 industry            {}",
        industry_label(&e.industry)
    );
    let _ = writeln!(out, "  成立日期 founded         {}", or_dash(e.founded));
    let contact: Vec<&str> = [&e.contact_name, &e.contact_phone, &e.contact_email]
        .into_iter()
        .filter_map(|c| c.as_deref())
        .collect();
    let contact = if contact.is_empty() {
        "—".to_owned()
    } else {
        contact.join("  ")
    };
    let _ = writeln!(out, "  联系人 contact           {contact}");

    if file.titles.is_empty() {
        let _ = writeln!(out, "\n称号 titles: 无记录 / none recorded");
    } else {
        let _ = writeln!(out, "\n称号 titles");
        for t in &file.titles {
            let _ = writeln!(
                out,
                "  {} {}  {} — {}  (edition {})",
                tier_zh(t.tier),
                tier_en(t.tier),
                t.issued,
                t.expires,
                t.edition
            );
        }
    }

    for figures in &file.figures {
        let _ = writeln!(out, "\n{} 年度 / year {}", figures.year, figures.year);
        render_figures(&mut out, figures);
        if let Some(d) = file.derived.iter().find(|d| d.year == figures.year) {
            render_derived(&mut out, d);
        }
    }
    out.trim_end().to_owned()
}

fn render_figures(out: &mut String, f: &AnnualFigures) {
    let rows: [(&str, String); 12] = [
        ("从业人员 employees (人)", or_dash(f.employees)),
        ("营业收入 revenue (万元)", or_dash(f.revenue)),
        (
            "主营业务收入 main business (万元)",
            or_dash(f.main_business_revenue),
        ),
        ("资产总额 assets (万元)", or_dash(f.assets)),
        ("研发费用 R&D spend (万元)", or_dash(f.rd_spend)),
        ("研发人员 R&D staff (人)", or_dash(f.rd_staff)),
        ("净利润 net profit (万元)", or_dash(f.net_profit)),
        ("资产负债率 debt ratio (%)", or_dash(f.debt_ratio)),
        ("Ⅰ类知识产权 class-I IP", or_dash(f.ip_class1)),
        ("其中高价值 high-value", or_dash(f.ip_class1_high_value)),
        ("Ⅱ类知识产权 class-II IP", or_dash(f.ip_class2)),
        ("能耗 energy (kWh)", or_dash(f.energy_kwh)),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<32} {value}");
    }
}

fn render_derived(out: &mut String, d: &Derived) {
    let class = d
        .size_class
        .as_deref()
        .map(|c| format!("{} {c}", size_zh(c)))
        .unwrap_or_else(|| "未能划型 not classified".to_owned());
    let why = d.size_explanation.to_value();
    let mut detail = Vec::new();
    if let Some(by) = why["decided_by"].as_array().filter(|a| !a.is_empty()) {
        detail.push(format!("decided by {}", join(by)));
    }
    if let Some(missed) = why["missed"].as_str() {
        detail.push(format!("missed {missed}"));
    }
    if let Some(missing) = why["missing"].as_array().filter(|a| !a.is_empty()) {
        detail.push(format!("缺 missing {}", join(missing)));
    }
    if let Some(reason) = why["reason"].as_str().or(why["error"].as_str()) {
        detail.push(reason.to_owned());
    }
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!("; {}", detail.join("; "))
    };
    let _ = writeln!(
        out,
        "  划型 size class: {class}  (edition {}{detail})",
        d.size_edition
    );
    for t in &d.tiers {
        let _ = writeln!(out, "  {}", tier_line(t));
    }
}

fn tier_line(t: &TierDerived) -> String {
    let outcome = match t.outcome.as_ref() {
        "eligible" => "符合条件 eligible",
        "not-eligible" => "不符合条件 not eligible",
        "not-enough-data" => "数据不足 not enough data",
        other => other,
    };
    let why = t.explanation.to_value();
    let mut parts = Vec::new();
    if let Some(failed) = why["failed"].as_array().filter(|a| !a.is_empty()) {
        parts.push(format!("未满足 failed {}", join(failed)));
    }
    if let Some(missing) = why["missing"].as_array().filter(|a| !a.is_empty()) {
        parts.push(format!("缺 missing {}", join(missing)));
    }
    if let Some(route) = why["direct_route"].as_str() {
        parts.push(format!("直通 direct route {route}"));
    }
    let detail = if parts.is_empty() {
        String::new()
    } else {
        format!("  — {}", parts.join("; "))
    };
    format!("{} [{}]: {outcome}{detail}", tier_zh(t.tier), t.edition)
}

fn join(values: &[serde_json::Value]) -> String {
    values
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "—".to_owned())
}

fn region_label(code: &str) -> String {
    let list = RegionList::embedded();
    match list.find(code) {
        Some(region) => {
            let mut names: Vec<&str> = list.ancestors(region).map(|r| r.name()).collect();
            names.reverse();
            names.push(region.name());
            format!("{code} {}", names.join(" "))
        }
        None => format!("{code} (不在 GB/T 2260 / not in GB/T 2260)"),
    }
}

fn industry_label(code: &str) -> String {
    match IndustryList::embedded().get(code) {
        Ok(industry) => format!("{code} {}", industry.name()),
        Err(_) => format!("{code} (不在 GB/T 4754-2017 / not in GB/T 4754-2017)"),
    }
}

fn size_zh(class: &str) -> &'static str {
    match class {
        "large" => "大型",
        "medium" => "中型",
        "small" => "小型",
        "micro" => "微型",
        _ => "",
    }
}

fn tier_zh(tier: Tier) -> &'static str {
    match tier {
        Tier::Innovative => "创新型中小企业",
        Tier::Specialized => "专精特新中小企业",
        Tier::LittleGiant => "专精特新\"小巨人\"",
    }
}

fn tier_en(tier: Tier) -> &'static str {
    match tier {
        Tier::Innovative => "innovative SME",
        Tier::Specialized => "specialised SME",
        Tier::LittleGiant => "little giant",
    }
}
