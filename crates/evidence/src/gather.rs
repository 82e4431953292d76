//! From facts (devices, last-seen times, metered energy, revenue) to measured answers.

use std::collections::BTreeMap;

use serde::Serialize;
use shangyun_digital::{Answer, AnswerValue, Answers, BeforeAfter, Source};

use crate::mapping::Mapping;

const DAY_MS: i64 = 86_400_000;

/// One registered device of the enterprise, as the device registry knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceFact {
    /// Device id.
    pub id: String,
    /// Device name.
    pub name: String,
    /// Its device type marks it as production equipment (生产设备).
    pub production_equipment: bool,
    /// Business links it serves (device-type ids: equipment, energy, production, quality, …).
    pub business_links: Vec<String>,
    /// When it last reported (ms UTC), `None` if never.
    pub last_seen_ms: Option<i64>,
}

/// Metered energy and revenue of one period (a year, usually).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyPeriod {
    /// What the period is, e.g. `2024`.
    pub label: String,
    /// Metered kWh in the period (from `shangyun-energy`).
    pub kwh: f64,
    /// Revenue in the period, 万元 (the registry's annual figure).
    pub revenue_wan_yuan: Option<f64>,
    /// How many meters the kWh come from.
    pub meters: u32,
}

/// What the caller knows about one enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceInput<'a> {
    /// The enterprise (USCC).
    pub enterprise: &'a str,
    /// Now (ms UTC): the window is the `window_days` before it.
    pub now_ms: i64,
    /// Its registered devices.
    pub devices: &'a [DeviceFact],
    /// Production equipment in the enterprise's own equipment ledger (设备台账), if known: the
    /// denominator when larger than the registered count (unregistered machines are not
    /// networked).
    pub equipment_ledger_count: Option<u32>,
    /// Energy and revenue before the transformation (or the earlier year).
    pub energy_before: Option<EnergyPeriod>,
    /// … and after.
    pub energy_after: Option<EnergyPeriod>,
}

/// A business link with automatic collection and the devices that show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkEvidence {
    /// The device-type link (e.g. `production`).
    pub link: String,
    /// The questionnaire option it answers (e.g. `production_control`).
    pub option: String,
    /// Devices serving it that reported in the window.
    pub devices: Vec<String>,
}

/// kWh per ¥100 revenue of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodIntensity {
    /// The period.
    pub period: EnergyPeriod,
    /// kWh per ¥100 revenue.
    pub kwh_per_100_yuan: f64,
}

/// The evidence behind a measured answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measurement {
    /// Production equipment reporting in the window over registered production equipment.
    NetworkedShare {
        /// Registered production equipment.
        registered: u32,
        /// The ledger count, if given.
        ledger: Option<u32>,
        /// The denominator used.
        denominator: u32,
        /// Production equipment that reported in the window.
        reporting: u32,
        /// reporting / denominator, %.
        share_pct: f64,
        /// Names of the reporting devices.
        reporting_devices: Vec<String>,
        /// Names of the registered production equipment that did not report.
        silent_devices: Vec<String>,
    },
    /// Links with at least one device that reported in the window.
    AutoDataCollection {
        /// Links evidenced.
        links: Vec<LinkEvidence>,
        /// Links served by registered devices none of which reported.
        silent_links: Vec<String>,
        /// Links of devices that the questionnaire has no option for.
        unmapped_links: Vec<String>,
    },
    /// Metered energy per ¥100 revenue, two periods.
    EnergyPerRevenue {
        /// Before.
        before: PeriodIntensity,
        /// After.
        after: PeriodIntensity,
    },
}

/// A pre-filled answer, marked measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredAnswer {
    /// The question id.
    pub question: String,
    /// The answer (source = measured).
    pub answer: Answer,
    /// The evidence.
    pub measurement: Measurement,
    /// In English.
    pub explanation: String,
}

/// A measurable question the data could not answer, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotMeasured {
    /// The question id.
    pub question: String,
    /// Why, as data (a screen words it in its own language).
    pub cause: NotMeasuredCause,
    /// Why, in English (`cause` worded).
    pub reason: String,
}

impl NotMeasured {
    pub fn new(question: String, cause: NotMeasuredCause) -> NotMeasured {
        let reason = cause.to_string();
        NotMeasured {
            question,
            cause,
            reason,
        }
    }
}

/// Why a measurable question has no measured answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NotMeasuredCause {
    /// No production equipment registered and no ledger count given.
    NoProductionEquipment,
    /// No device serving a questionnaire business link reported in the window.
    NoLinkReported { days: u32 },
    /// Energy per revenue needs both periods; what each one lacks (`None`: that one is fine).
    EnergyPeriods {
        before: Option<PeriodGap>,
        after: Option<PeriodGap>,
    },
    /// The registry holds revenue for fewer than two complete calendar years before this one.
    RevenueYearsMissing,
}

/// What one period of the energy-per-revenue comparison lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PeriodGap {
    /// No period given.
    Missing,
    /// No metered energy in the period.
    NoMeteredEnergy { period: String },
    /// The period's revenue is unknown.
    RevenueUnknown { period: String },
}

impl std::fmt::Display for PeriodGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeriodGap::Missing => write!(f, "period missing"),
            PeriodGap::NoMeteredEnergy { period } => write!(f, "no metered energy in {period}"),
            PeriodGap::RevenueUnknown { period } => write!(f, "revenue of {period} unknown"),
        }
    }
}

impl std::fmt::Display for NotMeasuredCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotMeasuredCause::NoProductionEquipment => {
                write!(
                    f,
                    "no production equipment registered (and no ledger count given)"
                )
            }
            NotMeasuredCause::NoLinkReported { days } => write!(
                f,
                "no device serving a questionnaire business link reported in the last {days} days (measurement shows presence, never absence: answer it yourself)"
            ),
            NotMeasuredCause::EnergyPeriods { before, after } => {
                let parts: Vec<String> = [("before", before), ("after", after)]
                    .into_iter()
                    .filter_map(|(which, gap)| gap.as_ref().map(|g| format!("{which}: {g}")))
                    .collect();
                write!(f, "{}", parts.join("; "))
            }
            NotMeasuredCause::RevenueYearsMissing => write!(
                f,
                "needs revenue (营业收入) on file for two complete calendar years before this one; the two latest are compared"
            ),
        }
    }
}

/// Measured evidence of one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The enterprise.
    pub enterprise: String,
    /// The mapping edition used.
    pub mapping_edition: String,
    /// The questionnaire edition the answers are for.
    pub questionnaire: String,
    /// Window start (ms UTC, inclusive).
    pub window_start_ms: i64,
    /// Window end (ms UTC, inclusive: now).
    pub window_end_ms: i64,
    /// Window length, days.
    pub window_days: u32,
    /// Answers.
    pub answers: Vec<MeasuredAnswer>,
    /// Questions not answered.
    pub not_measured: Vec<NotMeasured>,
}

impl Evidence {
    /// Puts the measured answers into `base` (which must be for the same questionnaire):
    /// where `base` has no answer, or everywhere when `overwrite`. Self-reported answers stay
    /// otherwise, so both can be shown.
    pub fn prefill(&self, mut base: Answers, overwrite: bool) -> Answers {
        for m in &self.answers {
            let unanswered = base
                .answers
                .get(&m.question)
                .is_none_or(|a| a.value.is_none());
            if overwrite || unanswered {
                base.answers.insert(m.question.clone(), m.answer.clone());
            }
        }
        base
    }

    /// As a fresh questionnaire with only the measured answers.
    pub fn answers(&self) -> Answers {
        self.prefill(Answers::new(self.questionnaire.clone()), true)
    }
}

fn measured(value: AnswerValue) -> Answer {
    Answer {
        value: Some(value),
        source: Source::Measured,
    }
}

/// Turns the facts into measured answers.
///
/// ```
/// use shangyun_evidence::{DeviceFact, EvidenceInput, Mapping, gather};
/// let now = 1_767_225_600_000;
/// let cnc = |n: u32, seen: Option<i64>| DeviceFact {
///     id: n.to_string(), name: format!("CNC-{n}"), production_equipment: true,
///     business_links: vec!["production".into(), "equipment".into()], last_seen_ms: seen,
/// };
/// let devices = [cnc(1, Some(now - 3_600_000)), cnc(2, Some(now - 40 * 86_400_000)), cnc(3, None)];
/// let input = EvidenceInput { enterprise: "91330100799655058B", now_ms: now, devices: &devices,
///     equipment_ledger_count: None, energy_before: None, energy_after: None };
/// let e = gather(&input, Mapping::built_in()?);
/// assert_eq!(e.answers[0].question, "equipment_networked_share");
/// assert!(e.answers[0].explanation.starts_with("1 of 3 registered production equipment reported"));
/// # Ok::<(), shangyun_evidence::MappingError>(())
/// ```
pub fn gather(input: &EvidenceInput<'_>, mapping: &Mapping) -> Evidence {
    let window_start = input
        .now_ms
        .saturating_sub(i64::from(mapping.window_days) * DAY_MS);
    let in_window = |d: &DeviceFact| {
        d.last_seen_ms
            .is_some_and(|t| t >= window_start && t <= input.now_ms)
    };
    let mut answers = Vec::new();
    let mut not_measured = Vec::new();
    let days = mapping.window_days;

    // 生产设备联网率.
    let production: Vec<&DeviceFact> = input
        .devices
        .iter()
        .filter(|d| d.production_equipment)
        .collect();
    let registered = production.len() as u32;
    let denominator = registered.max(input.equipment_ledger_count.unwrap_or(0));
    let (reporting, silent): (Vec<&DeviceFact>, Vec<&DeviceFact>) =
        production.iter().partition(|d| in_window(d));
    let q = &mapping.networked_share.question;
    if denominator == 0 {
        not_measured.push(NotMeasured::new(
            q.clone(),
            NotMeasuredCause::NoProductionEquipment,
        ));
    } else {
        let share = f64::from(reporting.len() as u32) / f64::from(denominator) * 100.0;
        let ledger_note = match input.equipment_ledger_count {
            Some(l) if l > registered => format!(
                "; the equipment ledger lists {l}, so the {} unregistered count as not networked",
                l - registered
            ),
            _ => String::new(),
        };
        answers.push(MeasuredAnswer {
            question: q.clone(),
            answer: measured(AnswerValue::Number(share)),
            explanation: format!(
                "{} of {registered} registered production equipment reported in the {days} days before now{ledger_note}: {share:.1}% networked",
                reporting.len()
            ),
            measurement: Measurement::NetworkedShare {
                registered,
                ledger: input.equipment_ledger_count,
                denominator,
                reporting: reporting.len() as u32,
                share_pct: share,
                reporting_devices: reporting.iter().map(|d| d.name.clone()).collect(),
                silent_devices: silent.iter().map(|d| d.name.clone()).collect(),
            },
        });
    }

    // 数据自动采集的业务环节.
    let links_ref = &mapping.auto_data_collection;
    let mut by_link: BTreeMap<&str, (Vec<String>, bool)> = BTreeMap::new();
    for d in input.devices {
        for link in &d.business_links {
            let e = by_link.entry(link.as_str()).or_default();
            if in_window(d) {
                e.0.push(d.name.clone());
            }
            e.1 = true;
        }
    }
    let mut links = Vec::new();
    let (mut silent_links, mut unmapped_links) = (Vec::new(), Vec::new());
    for (link, (devices, _)) in &by_link {
        match links_ref.links.get(*link) {
            None => unmapped_links.push((*link).to_owned()),
            Some(_) if devices.is_empty() => silent_links.push((*link).to_owned()),
            Some(option) => links.push(LinkEvidence {
                link: (*link).to_owned(),
                option: option.clone(),
                devices: devices.clone(),
            }),
        }
    }
    if links.is_empty() {
        not_measured.push(NotMeasured::new(
            links_ref.question.clone(),
            NotMeasuredCause::NoLinkReported { days },
        ));
    } else {
        let mut options: Vec<String> = links.iter().map(|l| l.option.clone()).collect();
        options.sort();
        options.dedup();
        answers.push(MeasuredAnswer {
            question: links_ref.question.clone(),
            answer: measured(AnswerValue::Options(options.clone())),
            explanation: format!(
                "devices reporting in the last {days} days serve {}: {} ({} more links may be collected by other systems; only presence is measured)",
                links.len(),
                links
                    .iter()
                    .map(|l| format!("{} ({} devices)", l.option, l.devices.len()))
                    .collect::<Vec<_>>()
                    .join(", "),
                if silent_links.is_empty() {
                    "no".to_owned()
                } else {
                    format!("links {} have silent devices;", silent_links.join(", "))
                }
            ),
            measurement: Measurement::AutoDataCollection {
                links,
                silent_links,
                unmapped_links,
            },
        });
    }

    // 每百元营业收入综合能耗.
    let q = &mapping.energy_per_revenue.question;
    let intensity = |p: &Option<EnergyPeriod>| -> Result<PeriodIntensity, PeriodGap> {
        let p = p.as_ref().ok_or(PeriodGap::Missing)?;
        if p.meters == 0 || p.kwh <= 0.0 {
            return Err(PeriodGap::NoMeteredEnergy {
                period: p.label.clone(),
            });
        }
        let i =
            shangyun_energy::energy_per_100_yuan(p.kwh, p.revenue_wan_yuan).ok_or_else(|| {
                PeriodGap::RevenueUnknown {
                    period: p.label.clone(),
                }
            })?;
        Ok(PeriodIntensity {
            period: p.clone(),
            kwh_per_100_yuan: i.kwh_per_100_yuan,
        })
    };
    match (
        intensity(&input.energy_before),
        intensity(&input.energy_after),
    ) {
        (Ok(before), Ok(after)) => {
            let pair = BeforeAfter {
                before: before.kwh_per_100_yuan,
                after: after.kwh_per_100_yuan,
            };
            answers.push(MeasuredAnswer {
                question: q.clone(),
                answer: measured(AnswerValue::Comparison(pair)),
                explanation: format!(
                    "metered electricity per ¥100 revenue: {} {:.4} kWh ({:.0} kWh, {} 万元, {} meters) → {} {:.4} kWh ({:.0} kWh, {} 万元, {} meters)",
                    before.period.label,
                    pair.before,
                    before.period.kwh,
                    before.period.revenue_wan_yuan.unwrap_or(0.0),
                    before.period.meters,
                    after.period.label,
                    pair.after,
                    after.period.kwh,
                    after.period.revenue_wan_yuan.unwrap_or(0.0),
                    after.period.meters,
                ),
                measurement: Measurement::EnergyPerRevenue { before, after },
            });
        }
        (b, a) => not_measured.push(NotMeasured::new(
            q.clone(),
            NotMeasuredCause::EnergyPeriods {
                before: b.err(),
                after: a.err(),
            },
        )),
    }

    Evidence {
        enterprise: input.enterprise.to_owned(),
        mapping_edition: mapping.edition.clone(),
        questionnaire: mapping.questionnaire.clone(),
        window_start_ms: window_start,
        window_end_ms: input.now_ms,
        window_days: days,
        answers,
        not_measured,
    }
}
