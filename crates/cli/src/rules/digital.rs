//! `shangyun rules digital`: score a 中小企业数字化水平评测指标 questionnaire (2024 edition),
//! print a blank answers template, or grade a 2022-edition total score.

use crate::output;
use shangyun_rules::digital::{
    self, Answers, Assessment, BandAssessment, Condition, Edition, LevelOutcome, QuestionScore,
    ScoreError, Source, ValidationErrors,
};
use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
ANSWERS.json names its edition (\"edition\": \"digital-2024\"), maps question ids to answers \
(an option id, a list of option ids, a number, or {\"before\": …, \"after\": …}; optionally \
{\"value\": …, \"source\": \"measured\"}) and scene ids to levels 1–4. Start from --template; \
an example is crates/digital/examples/answers-2024.json. Use - to read stdin.
Exit status: 0 scored, 1 the answers are invalid (every problem is listed), 2 usage error \
(unreadable file, malformed JSON).")]
pub struct Args {
    /// The answers file (JSON); `-` reads stdin.
    #[arg(value_name = "ANSWERS.json", required_unless_present_any = ["template", "score_2022"])]
    answers: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Print a blank answers template (JSON) listing every question, option and scene.
    #[arg(long, conflicts_with_all = ["answers", "score_2022"])]
    template: bool,
    /// Grade a total score with the 2022 edition's bands (20/40/60/80) instead.
    #[arg(long, value_name = "TOTAL", conflicts_with = "answers")]
    score_2022: Option<f64>,
}

pub fn run(args: Args) -> ExitCode {
    let catalog = match digital::catalog() {
        Ok(c) => c,
        Err(e) => return data_error(&e),
    };
    if args.template {
        return match serde_json::to_string_pretty(&catalog.latest().template()) {
            Ok(text) => {
                output::print_line(&text);
                ExitCode::from(output::OK)
            }
            Err(e) => output::usage_error(format!("cannot encode the template: {e}")),
        };
    }
    if let Some(total) = args.score_2022 {
        return match digital::level_2022(total) {
            Ok(result) => {
                output::emit(args.json, &result, || human_2022(&result));
                ExitCode::from(output::OK)
            }
            Err(e) => score_error(args.json, e),
        };
    }
    let Some(path) = args.answers else {
        return output::usage_error("give an answers file, --template or --score-2022");
    };
    let answers = match read_answers(&path) {
        Ok(a) => a,
        Err(message) => return output::usage_error(message),
    };
    match catalog.score(&answers) {
        Ok(result) => {
            let edition = catalog.edition(&result.edition.id);
            output::emit(args.json, &result, || human(&result, edition));
            ExitCode::from(output::OK)
        }
        Err(problems) => invalid(args.json, &problems),
    }
}

fn read_answers(path: &PathBuf) -> Result<Answers, String> {
    let shown = path.display();
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| format!("cannot read {shown}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{shown}:{}:{}: not a valid answers file: {e}",
            e.line(),
            e.column()
        )
    })
}

fn score_error(json: bool, error: ScoreError) -> ExitCode {
    match error {
        ScoreError::Invalid(problems) => invalid(json, &problems),
        ScoreError::Data(e) => data_error(&e),
    }
}

fn data_error(error: &digital::DataError) -> ExitCode {
    eprintln!("error: built-in rule data is broken (a bug, please report): {error}");
    ExitCode::from(output::INVALID)
}

fn invalid(json: bool, problems: &ValidationErrors) -> ExitCode {
    output::emit(json, problems, || {
        let mut text = format!(
            "答卷有 {n} 个问题 / {n} problem(s) in the answers ({}):",
            problems.edition,
            n = problems.errors.len()
        );
        for e in &problems.errors {
            let _ = write!(text, "\n  - {}\n    {e}", e.message_zh());
        }
        text
    });
    ExitCode::from(output::INVALID)
}

/// zh-CN first: score table per dimension, scenes, level, why not higher, caveats.
fn human(a: &Assessment, edition: Option<&Edition>) -> String {
    let mut t = String::new();
    let e = &a.edition;
    let _ = writeln!(t, "数字化水平评测 / Digital-level assessment");
    let _ = writeln!(
        t,
        "{} {}（{}，可信度 {} / {}）",
        e.title,
        e.document_number,
        e.id,
        e.confidence.zh(),
        e.confidence
    );
    let _ = writeln!(t, "\n得分 Score: {} / {}", a.score, a.max_score);
    let _ = writeln!(
        t,
        "     得分 / 满分  一级 › 二级 › 题目 / dimension › question"
    );
    for d in &a.dimensions {
        let _ = writeln!(t, "{:>9} / {:<5} {} {}", d.points, d.max, d.zh, d.en);
        for s in &d.subdimensions {
            let _ = writeln!(t, "{:>9} / {:<5}   {} {}", s.points, s.max, s.zh, s.en);
            for q in &s.questions {
                let _ = writeln!(t, "{:>9} / {:<5}     {}", q.points, q.max, question_line(q));
            }
        }
    }

    let _ = writeln!(t, "\n数字化经营场景 Scenes（★ 约束性 constraining）");
    let groups = edition.map(|ed| ed.scene_groups()).unwrap_or_default();
    for g in groups {
        let scenes: Vec<String> = a
            .scenes
            .iter()
            .filter(|s| s.group == g.id)
            .map(|s| {
                format!(
                    "{}{} L{}",
                    s.zh,
                    if s.constraining { "★" } else { "" },
                    s.level
                )
            })
            .collect();
        let _ = writeln!(t, "  {} {}: {}", g.zh, g.en, scenes.join(" · "));
    }

    let _ = writeln!(t, "\n{}", level_text(&a.level));
    if !a.measured.is_empty() {
        let _ = writeln!(t, "设备实测 Measured answers: {}", a.measured.join(", "));
    }
    if !a.caveats.is_empty() {
        let _ = writeln!(
            t,
            "\n注意 Caveats（规则中不确定的部分 / unsure parts of the rules）:"
        );
        for c in &a.caveats {
            let note = c.note.as_deref().unwrap_or("");
            let _ = writeln!(t, "  - {} [{}] {note}", c.subject, c.confidence);
        }
    }
    t.trim_end().to_owned()
}

fn question_line(q: &QuestionScore) -> String {
    let counted: Vec<&str> = q.counted.iter().map(|c| c.zh.as_str()).collect();
    let measured = if q.answer.source == Source::Measured {
        "（设备实测 measured）"
    } else {
        ""
    };
    let given = match &q.answer.value {
        Some(digital::AnswerValue::Number(x)) => format!(" ← {x}"),
        Some(digital::AnswerValue::Comparison(p)) => format!(" ← {} → {}", p.before, p.after),
        _ => String::new(),
    };
    format!(
        "{} [{}]: {}{given}{measured}",
        q.zh,
        q.id,
        counted.join("；")
    )
}

fn level_text(level: &LevelOutcome) -> String {
    let mut t = format!(
        "等级 Level: {} ({})  [阈值可信度 thresholds {} / {}]",
        level.zh,
        level.en,
        level.confidence.zh(),
        level.confidence
    );
    for check in &level.checks {
        let conditions: Vec<String> = check.conditions.iter().map(condition_text).collect();
        let mark = if check.met { "✓" } else { "✗" };
        let _ = write!(t, "\n  {mark} {}: {}", check.zh, conditions.join(" · "));
    }
    match &level.why_not_higher {
        Some(gap) => {
            let _ = write!(
                t,
                "\n为何未达{} / Why not {}:\n  {}\n  {}",
                gap.zh, gap.en, gap.explanation_zh, gap.explanation_en
            );
        }
        None => t.push_str("\n已是最高等级 / Already the top level."),
    }
    t
}

fn condition_text(c: &Condition) -> String {
    let mark = |met: bool| if met { "✓" } else { "✗" };
    match c {
        Condition::Score { need, have, met } => format!("得分 ≥ {need}（{have}）{}", mark(*met)),
        Condition::Scenes {
            scene_level,
            need,
            have,
            met,
        } => format!("≥ L{scene_level} 场景 ≥ {need}（{have}）{}", mark(*met)),
        Condition::ConstrainingScenes {
            scene_level,
            need,
            have,
            met,
        } => format!("≥ L{scene_level} 约束性 ≥ {need}（{have}）{}", mark(*met)),
    }
}

fn human_2022(r: &BandAssessment) -> String {
    let e = &r.edition;
    let mut t = format!(
        "{} {}（{}，可信度 {} / {}）\n总分 Score {} → {} ({})",
        e.title,
        e.document_number,
        e.id,
        e.confidence.zh(),
        e.confidence,
        r.score,
        r.zh,
        r.en
    );
    match &r.why_not_higher {
        Some(gap) => {
            let _ = write!(
                t,
                "\n为何未达{} / Why not {}:\n  {}\n  {}",
                gap.zh, gap.en, gap.explanation_zh, gap.explanation_en
            );
        }
        None => t.push_str("\n已是最高等级 / Already the top level."),
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../digital/examples/answers-2024.json");

    #[test]
    fn human_output_is_zh_first_and_explains_the_level() -> Result<(), Box<dyn std::error::Error>> {
        let catalog = digital::catalog()?;
        let answers: Answers = serde_json::from_str(EXAMPLE)?;
        let result = catalog.score(&answers)?;
        let text = human(&result, catalog.edition(&result.edition.id));
        assert!(text.starts_with("数字化水平评测 / Digital-level assessment"));
        assert!(text.contains("得分 Score: 66.275 / 100"));
        assert!(text.contains("    31.65 / 50    数字化基础 Digital foundation"));
        assert!(text.contains("产品全生命周期 Product lifecycle: 产品设计★ L2 · 工艺设计 L3"));
        assert!(text.contains("等级 Level: 二级 (Level 2)"));
        assert!(text.contains(
            "三级 (Level 3) needs ≥ 8 scenes at ≥ L3 (have 7) with ≥ 5 constraining (have 4)"
        ));
        Ok(())
    }

    #[test]
    fn malformed_json_names_line_and_column() -> Result<(), Box<dyn std::error::Error>> {
        let path =
            std::env::temp_dir().join(format!("shangyun-digital-{}.json", std::process::id()));
        std::fs::write(
            &path,
            "{\"edition\": \"digital-2024\",\n \"answers\": {\"network\": [1,}\n}",
        )?;
        let message = read_answers(&path).err().unwrap_or_default();
        std::fs::remove_file(&path)?;
        assert!(
            message.contains(":2:28: not a valid answers file"),
            "{message}"
        );
        Ok(())
    }
}
