//! Human explanations of results, built only when asked for (`Display`), so that classifying
//! stays allocation-free.

use crate::amount::Amount;
use crate::class::SizeClass;
use crate::classify::{
    Classification, IndustryTooBroad, MetricCheck, MissingMetrics, NotCovered, SizeOutcome,
};
use crate::edition::{EditionInfo, IndustryGroup};
use crate::metric::MetricSet;
use std::fmt;

fn edition_line(f: &mut fmt::Formatter<'_>, e: &EditionInfo) -> fmt::Result {
    writeln!(
        f,
        "依据 rules: 《{}》 {} (edition {}, {})",
        e.title, e.document, e.id, e.industry_classification
    )
}

fn group_name(g: &IndustryGroup) -> String {
    format!("第{}类 {} / {}", g.number, g.name_zh, g.name_en)
}

fn metric_names(set: MetricSet) -> String {
    set.iter()
        .map(|m| format!("{} {} ({})", m.symbol(), m.name_zh(), m.name_en()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `≥ 300` when the value reaches the bound, `< 300` otherwise.
fn compare(value: f64, bound: f64) -> String {
    let op = if value >= bound { "≥" } else { "<" };
    format!("{op} {}", Amount(bound))
}

fn check_line(f: &mut fmt::Formatter<'_>, c: &MetricCheck) -> fmt::Result {
    let t = &c.thresholds;
    writeln!(
        f,
        "  {} {} = {} {}: 大型 large {}, 中型 medium {}, 小型 small {} → {} {}",
        c.metric.symbol(),
        c.metric.name_zh(),
        Amount(c.value),
        c.metric.unit_zh(),
        compare(c.value, t.large),
        compare(c.value, t.medium),
        compare(c.value, t.small),
        c.reached.name_zh(),
        c.reached.name_en(),
    )
}

impl fmt::Display for Classification<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}企业 / {} enterprise",
            self.class.name_zh(),
            self.class.name_en()
        )?;
        edition_line(f, self.edition)?;
        writeln!(
            f,
            "行业 industry: {} → {}",
            self.industry,
            group_name(self.group)
        )?;
        for c in self.checks.iter() {
            check_line(f, c)?;
        }
        match self.missed {
            None => write!(
                f,
                "判定 decided: every metric ≥ its 大型 bound (SME ceiling) → 大型 / large"
            )?,
            Some(next) => {
                let reasons: Vec<String> = self
                    .checks
                    .iter()
                    .filter(|c| self.decided_by.contains(c.metric))
                    .filter_map(|c| {
                        c.bound_for(next).map(|b| {
                            format!(
                                "{} {} {} < {} {}",
                                c.metric.symbol(),
                                c.metric.name_zh(),
                                Amount(c.value),
                                Amount(b),
                                c.metric.unit_zh()
                            )
                        })
                    })
                    .collect();
                write!(
                    f,
                    "判定 decided: {} needs every metric ≥ its bound; missed by {} → {} / {}",
                    next.name_zh(),
                    reasons.join(", "),
                    self.class.name_zh(),
                    self.class.name_en()
                )?;
            }
        }
        if !self.ignored.is_empty() {
            write!(
                f,
                "\n未使用 not used by this group: {}",
                metric_names(self.ignored)
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for MissingMetrics<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "无法划型 cannot classify: needs {}",
            self.missing
                .iter()
                .map(|m| m.name_en())
                .collect::<Vec<_>>()
                .join(" and ")
        )?;
        edition_line(f, self.edition)?;
        writeln!(
            f,
            "行业 industry: {} → {}",
            self.industry,
            group_name(self.group)
        )?;
        write!(
            f,
            "缺少 missing: {} (the group uses {})",
            metric_names(self.missing),
            metric_names(self.group.metrics())
        )
    }
}

impl fmt::Display for NotCovered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "不适用 not covered by the {} rules: {}",
            self.edition.id, self.industry
        )?;
        edition_line(f, self.edition)?;
        write!(
            f,
            "原因 reason: {} / {}",
            self.exclusion.reason_zh, self.exclusion.reason_en
        )
    }
}

impl fmt::Display for IndustryTooBroad<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "无法划型 cannot classify: industry {} spans several groups; give a more specific code",
            self.industry
        )?;
        edition_line(f, self.edition)?;
        for g in self.spans.groups() {
            writeln!(f, "  {}", group_name(g))?;
        }
        for e in self.spans.exclusions() {
            writeln!(f, "  不适用 not covered: {}", e.reason_zh)?;
        }
        Ok(())
    }
}

impl fmt::Display for SizeOutcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Classified(c) => c.fmt(f),
            Self::MissingMetrics(m) => m.fmt(f),
            Self::NotCovered(n) => n.fmt(f),
            Self::IndustryTooBroad(b) => write!(f, "{}", b.to_string().trim_end()),
        }
    }
}

impl SizeClass {
    /// `小型 / small`.
    pub fn label(self) -> String {
        format!("{} / {}", self.name_zh(), self.name_en())
    }
}
