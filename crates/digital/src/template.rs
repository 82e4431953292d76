//! A blank answers file: every question id with its options, every scene, values `null`.
//! It parses as [`Answers`](crate::Answers) as it is, so a user fills it in place.

use crate::edition::{Edition, OptionRole, Question, QuestionKind};
use crate::points::Points;
use serde::{Serialize, Serializer};

/// A blank answers template for an edition (serialize it as JSON).
///
/// ```
/// let edition = shangyun_digital::catalog()?.latest();
/// let json = serde_json::to_string(&edition.template()).map_err(|e| e.to_string())?;
/// let blank: shangyun_digital::Answers = serde_json::from_str(&json).map_err(|e| e.to_string())?;
/// let problems = edition.score(&blank).err().ok_or("blank template scored")?;
/// assert_eq!(problems.errors.len(), 15 + 16); // every question unanswered, every scene missing
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    edition: String,
    help: TemplateHelp,
    answers: Ordered<TemplateAnswer>,
    scenes: Ordered<Option<i64>>,
}

#[derive(Debug, Clone, Serialize)]
struct TemplateHelp {
    title: String,
    document_number: String,
    how_zh: &'static str,
    how_en: &'static str,
    scene_levels: Vec<String>,
    scenes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
struct TemplateAnswer {
    value: Option<()>,
    source: &'static str,
    help: QuestionHelp,
}

#[derive(Debug, Clone, Serialize)]
struct QuestionHelp {
    question: String,
    dimension: String,
    kind: &'static str,
    max: Points,
    answer_as: String,
    options: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// A JSON object that keeps questionnaire order.
#[derive(Debug, Clone)]
struct Ordered<T>(Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl Edition {
    /// A blank answers template listing every question, its options, and every scene.
    pub fn template(&self) -> Template {
        let mut answers = Vec::new();
        for dim in self.dimensions() {
            for sub in &dim.subdimensions {
                for q in &sub.questions {
                    let help = QuestionHelp {
                        question: format!("{} / {}", q.zh, q.en),
                        dimension: format!("{} › {} / {} › {}", dim.zh, sub.zh, dim.en, sub.en),
                        kind: q.kind.name(),
                        max: q.max,
                        answer_as: answer_as(q),
                        options: q
                            .options
                            .iter()
                            .map(|o| format!("{} — {} / {} ({} 分)", o.id, o.zh, o.en, o.points))
                            .collect(),
                        note: q.note.clone(),
                    };
                    answers.push((
                        q.id.clone(),
                        TemplateAnswer {
                            value: None,
                            source: "self",
                            help,
                        },
                    ));
                }
            }
        }
        Template {
            edition: self.id().to_owned(),
            help: TemplateHelp {
                title: self.info().title.clone(),
                document_number: self.info().document_number.clone(),
                how_zh: "将每个 value 的 null 改为答案；可测量的题目可设 source 为 \"measured\"。场景填写等级 1–4。",
                how_en: "Replace each null value with the answer; measurable questions may set source to \"measured\". Give each scene a level 1–4.",
                scene_levels: self
                    .scene_levels()
                    .iter()
                    .map(|l| format!("L{}: {} / {}", l.level, l.zh, l.en))
                    .collect(),
                scenes: self
                    .scenes()
                    .iter()
                    .map(|s| {
                        let star = if s.constraining {
                            "★ 约束性 / constraining"
                        } else {
                            ""
                        };
                        format!("{} — {} / {} {star}", s.id, s.zh, s.en)
                            .trim_end()
                            .to_owned()
                    })
                    .collect(),
            },
            answers: Ordered(answers),
            scenes: Ordered(self.scenes().iter().map(|s| (s.id.clone(), None)).collect()),
        }
    }
}

fn answer_as(q: &Question) -> String {
    let example = q
        .options
        .iter()
        .find(|o| o.points > Points::ZERO)
        .map_or("…", |o| o.id.as_str());
    let none = q
        .options
        .iter()
        .find(|o| o.role == OptionRole::NoneOfThese)
        .map_or("none", |o| o.id.as_str());
    let measured = if q.measurable {
        "；可测量 / measurable: {\"value\": …, \"source\": \"measured\"}"
    } else {
        ""
    };
    let how = match &q.kind {
        QuestionKind::Single => format!("单选 / one option id, e.g. \"{example}\""),
        QuestionKind::Multi => {
            format!("多选 / option ids, e.g. [\"{example}\"]; [\"{none}\"] if none applies (0 分)")
        }
        QuestionKind::BandedNumber {
            unit,
            min_value,
            max_value,
        } => format!("数值 / a number in {unit} ({min_value}–{max_value}), or a band's option id"),
        QuestionKind::Comparison { unit, .. } => format!(
            "前后对比 / {{\"before\": …, \"after\": …}}{}, or up / same / down",
            unit.as_deref()
                .map(|u| format!(" in {u}"))
                .unwrap_or_default()
        ),
    };
    format!("{how}{measured}")
}
