//! `shangyun rules tier`: tier eligibility (创新型 / 专精特新 / 小巨人) for an annual profile.

use crate::output;
use shangyun_rules::tier::{
    Edition, EnterpriseProfile, LocalPart, LocalRules, Outcome, Points, Role, Status, Tier,
    TierVerdict,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
Rules: 《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号) and \
《优质中小企业梯度培育管理办法》(工信部企业〔2026〕2号). The 2022 小巨人 rules are unverified.
PROFILE is a JSON object of the enterprise's annual data (money in 万元, shares in percent);
every field is optional and a missing one is reported when it could change the outcome.
Examples: crates/tier/examples/*.json, e.g.
  shangyun rules tier --edition 2022 --tier specialized crates/tier/examples/specialized-eligible.json
Exit status: 0 eligible, 1 not eligible or not enough data, 2 usage error (bad flag, unreadable \
file, bad JSON, invalid values).")]
pub struct Args {
    /// Rule edition: 2022 (工信部企业〔2022〕63号) or 2026 (工信部企业〔2026〕2号).
    #[arg(long, value_name = "YEAR")]
    edition: Edition,
    /// Tier: innovative (创新型), specialized (专精特新) or little-giant (小巨人).
    #[arg(long, value_name = "TIER")]
    tier: Tier,
    /// A province's 特色化 rules (TOML, see crates/tier/editions/local/) for 2022 专精特新.
    #[arg(long, value_name = "FILE")]
    local_rules: Option<PathBuf>,
    /// The annual profile (JSON); `-` reads standard input.
    #[arg(value_name = "PROFILE.json")]
    profile: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let text = match read(&args.profile) {
        Ok(text) => text,
        Err(message) => return output::usage_error(message),
    };
    let local_text = match args.local_rules.as_deref().map(read).transpose() {
        Ok(text) => text,
        Err(message) => return output::usage_error(message),
    };
    match evaluate(&args, &text, local_text.as_deref()) {
        Ok(code) => code,
        Err(message) => output::usage_error(message),
    }
}

fn read(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        return std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Parses, evaluates and prints; `Err` is a usage problem (exit 2).
fn evaluate(args: &Args, profile_text: &str, local_text: Option<&str>) -> Result<ExitCode, String> {
    let source = args.profile.display();
    let profile = EnterpriseProfile::from_json(profile_text).map_err(|e| {
        let field = if e.path == "." {
            String::new()
        } else {
            format!("field `{}`, ", e.path)
        };
        format!(
            "{source}: {field}line {}, column {}: {}",
            e.line, e.column, e.message
        )
    })?;
    let local = match (local_text, &args.local_rules) {
        (Some(text), Some(path)) => {
            Some(LocalRules::from_toml(text).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        _ => None,
    };
    let rules = shangyun_rules::tier::rules(args.edition, args.tier).map_err(|e| e.to_string())?;
    let verdict = rules
        .evaluate_with_local(&profile, local.as_ref())
        .map_err(|e| format!("{source}: {e}"))?;
    output::emit(args.json, &verdict, || human(&verdict));
    Ok(ExitCode::from(if verdict.outcome.is_eligible() {
        output::OK
    } else {
        output::INVALID
    }))
}

/// `5` rather than `5.0`, at most 2 decimals otherwise.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn points(p: Points) -> String {
    match p {
        Points::Exact(x) => num(x),
        Points::Range { min, max } => format!("{}–{}", num(min), num(max)),
    }
}

/// Terminal columns a string takes: CJK and full-width characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, columns: usize) -> String {
    let fill = columns.saturating_sub(width(s));
    format!("{s}{}", " ".repeat(fill))
}

/// The human report, Chinese first.
fn human(v: &TierVerdict<'_>) -> String {
    let mut out = String::new();
    let e = v.edition;
    let _ = writeln!(
        out,
        "结果 Outcome: {} ({})",
        v.outcome.label_zh(),
        v.outcome.label_en()
    );
    let _ = writeln!(
        out,
        "规则 Edition: {} — {} / {} ({}, {} 起施行, 可信度 {} {})",
        e.id,
        e.name_zh,
        e.name_en,
        e.document,
        e.effective,
        e.confidence.label_zh(),
        e.confidence.name()
    );
    if !e.verified {
        let _ = writeln!(
            out,
            "注意 Warning: 本版规则未经核实 / these rules are unverified; check the official text."
        );
    }

    if let Some(score) = &v.score {
        let _ = writeln!(
            out,
            "\n评分 Score: {} / {} (合格线 pass mark {}; 边界值{} / edge value takes the {} band)",
            points(score.total),
            num(score.max),
            num(score.pass_total),
            if score.edge_takes_higher_band {
                "取高档"
            } else {
                "取低档"
            },
            if score.edge_takes_higher_band {
                "higher"
            } else {
                "lower"
            },
        );
        let rows: Vec<[String; 4]> = score
            .indicators
            .iter()
            .map(|i| {
                [
                    format!("{}{}", i.info.name_zh, if i.local { " (地方)" } else { "" }),
                    i.value.map(num).unwrap_or_else(|| "—".into()),
                    format!("{} / {}", points(i.points), num(i.info.max)),
                    i.band.unwrap_or("—").to_owned(),
                ]
            })
            .collect();
        let header = ["指标 indicator", "取值 value", "得分 points", "档位 band"];
        let mut cols = header.map(width);
        for row in &rows {
            for (c, cell) in cols.iter_mut().zip(row) {
                *c = (*c).max(width(cell));
            }
        }
        let line = |cells: [&str; 4]| {
            format!(
                "  {}  {}  {}  {}",
                pad(cells[0], cols[0]),
                pad(cells[1], cols[1]),
                pad(cells[2], cols[2]),
                cells[3]
            )
        };
        let _ = writeln!(out, "{}", line(header));
        for row in &rows {
            let _ = writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3]]));
        }
        let _ = writeln!(out, "维度 Dimensions:");
        for d in &score.dimensions {
            let minimum = d
                .info
                .minimum
                .map(|m| format!(" (最低 minimum {})", num(m)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {}: {} / {}{minimum}",
                d.info.name_zh,
                d.info.name_en,
                points(d.points),
                num(d.info.max)
            );
        }
    }
    match &v.local {
        LocalPart::NotApplicable => {}
        LocalPart::Evaluated { rules } => {
            let _ = writeln!(
                out,
                "特色化 Local part: 按 {} ({}) 评分{}",
                rules.name_zh,
                rules.province,
                if rules.example {
                    " — 示例文件, 非真实省份规则 / example file, not a real province's rule"
                } else {
                    ""
                }
            );
        }
        LocalPart::NotEvaluated {
            max_points,
            outcome_depends_on_it,
        } => {
            let effect = if *outcome_depends_on_it {
                "结果取决于该部分 / the outcome depends on it (pass --local-rules)"
            } else {
                "结果不受其影响 / the outcome does not depend on it"
            };
            let _ = writeln!(
                out,
                "特色化 Local part: 未评估 not evaluated (0–{} 分); {effect}",
                num(*max_points)
            );
        }
    }

    let _ = writeln!(out, "\n条件 Conditions:");
    for c in &v.conditions {
        let mark = match c.status {
            Status::Passed => "✓",
            Status::Failed => "✗",
            Status::Waived => "~",
            Status::Unknown => "?",
        };
        let role = match c.role {
            Role::Basic => "基本",
            Role::Direct => "直通",
        };
        let waived = c
            .waived_by
            .map(|w| format!(" (由「{w}」豁免)"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {mark} {role} {} {}{waived}",
            c.status.label_zh(),
            c.info.name_zh
        );
    }
    let _ = writeln!(
        out,
        "直通条件 Direct route: {}",
        v.direct_route.unwrap_or("无 none")
    );
    if !v.failed.is_empty() {
        let _ = writeln!(out, "\n未满足 Failed checks:");
        for f in &v.failed {
            let value = f.value.map(num).unwrap_or_else(|| "—".into());
            let _ = writeln!(
                out,
                "  ✗ [{}] {}: {} = {}, 要求 required {} {}",
                f.condition,
                f.condition_zh,
                f.check_zh,
                value,
                f.op.symbol(),
                num(f.threshold)
            );
        }
    }
    if let Outcome::NotEnoughData { missing } = &v.outcome {
        let _ = writeln!(
            out,
            "\n缺少数据 Missing data (could change the outcome): {}",
            missing.join(", ")
        );
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    const SPECIALIZED: &str = include_str!("../../../tier/examples/specialized-eligible.json");
    const INNOVATIVE: &str = include_str!("../../../tier/examples/innovative-eligible.json");

    fn args(argv: &[&str]) -> Args {
        match Cli::try_parse_from(std::iter::once("tier").chain(argv.iter().copied())) {
            Ok(cli) => cli.args,
            Err(e) => panic!("{e}"),
        }
    }

    fn verdict_text(edition: Edition, tier: Tier, profile: &str) -> String {
        let rules = match shangyun_rules::tier::rules(edition, tier) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let profile = match EnterpriseProfile::from_json(profile) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        match rules.evaluate(&profile) {
            Ok(v) => human(&v),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn flags_parse_and_bad_values_are_rejected() {
        let a = args(&[
            "--edition",
            "2022",
            "--tier",
            "little-giant",
            "p.json",
            "--json",
        ]);
        assert_eq!(
            (a.edition, a.tier, a.json),
            (Edition::Y2022, Tier::LittleGiant, true)
        );
        let bad = Cli::try_parse_from([
            "tier",
            "--edition",
            "2024",
            "--tier",
            "innovative",
            "p.json",
        ]);
        assert!(bad.is_err());
    }

    #[test]
    fn example_profiles_give_the_expected_exit_codes() {
        let a = args(&[
            "--edition",
            "2022",
            "--tier",
            "specialized",
            "specialized.json",
            "--json",
        ]);
        assert_eq!(
            evaluate(&a, SPECIALIZED, None),
            Ok(ExitCode::from(output::OK))
        );
        let a = args(&[
            "--edition",
            "2026",
            "--tier",
            "specialized",
            "specialized.json",
            "--json",
        ]);
        assert_eq!(
            evaluate(&a, SPECIALIZED, None),
            Ok(ExitCode::from(output::INVALID))
        );
        let a = args(&[
            "--edition",
            "2026",
            "--tier",
            "innovative",
            "innovative.json",
            "--json",
        ]);
        assert_eq!(
            evaluate(&a, INNOVATIVE, None),
            Ok(ExitCode::from(output::OK))
        );
    }

    #[test]
    fn bad_json_names_field_and_line() {
        let a = args(&["--edition", "2022", "--tier", "innovative", "p.json"]);
        let text = "{\n  \"revenue\": 100,\n  \"debt_ratio_pct\": \"high\"\n}";
        let err = evaluate(&a, text, None).err().unwrap_or_default();
        assert!(err.contains("field `debt_ratio_pct`"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn local_rules_for_the_wrong_edition_are_a_usage_error() {
        let a = args(&[
            "--edition",
            "2026",
            "--tier",
            "specialized",
            "--local-rules",
            "x.toml",
            "s.json",
        ]);
        let err = evaluate(&a, SPECIALIZED, Some(shangyun_rules::tier::LOCAL_EXAMPLE));
        assert!(err.is_err());
    }

    #[test]
    fn human_report_is_chinese_first_and_explains() {
        let text = verdict_text(Edition::Y2022, Tier::Specialized, SPECIALIZED);
        assert!(
            text.starts_with("结果 Outcome: 符合条件 (eligible)"),
            "{text}"
        );
        assert!(text.contains("tier-2022-specialized"), "{text}");
        assert!(text.contains("评分 Score: 67–82 / 100"), "{text}");
        assert!(text.contains("结果不受其影响"), "{text}");
        let text = verdict_text(Edition::Y2026, Tier::Specialized, SPECIALIZED);
        assert!(
            text.contains("主营业务收入占营业收入比重(%) = 75, 要求 required ≥ 80"),
            "{text}"
        );
        let text = verdict_text(Edition::Y2022, Tier::LittleGiant, SPECIALIZED);
        assert!(text.contains("未经核实"), "{text}");
    }

    #[test]
    fn display_width_counts_cjk_twice() {
        assert_eq!(width("得分 points"), 11);
        assert_eq!(pad("专业化", 8), "专业化  ");
    }
}
