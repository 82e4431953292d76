//! The enterprise page's sections 能耗与碳排放 / Energy and carbon (twelve months of metered
//! kWh and tCO2, an inline SVG bar chart drawn on the server, the grid emission factor named)
//! and 数字化评测证据 / Digital-index evidence (measured answers, each marked 实测 / measured).
//! The figures are the API's (`/api/v1/enterprises/{uscc}/energy|evidence`).

use super::i18n::Lang;
use crate::api::energy::{devices_of, energy_of, energy_request, evidence_of};
use crate::error::ApiError;
use crate::state::AppState;
use maud::{Markup, html};
use shangyun_enterprise_energy::measured::{
    MeasuredAnswer, Measurement, NotMeasuredCause, PeriodGap,
};
use shangyun_enterprise_energy::meters::PeriodFigure;
use shangyun_enterprise_energy::{EnergyView, EvidenceView};
use shangyun_store::EnterpriseFile;

/// Both sections for an enterprise the caller may see (the default window: twelve months
/// by month). The devices are read once for both.
pub async fn sections(state: &AppState, lang: Lang, file: &EnterpriseFile) -> Markup {
    let (energy, evidence) = match devices_of(state, file).await {
        Ok(devices) => {
            let energy = match energy_request(&[]) {
                Ok(request) => energy_of(state, file, &devices, &request).await,
                Err(e) => Err(e),
            };
            (energy, evidence_of(state, file, &devices).await)
        }
        Err(e) => (Err(e.clone()), Err(e)),
    };
    html! {
        section.card #energy {
            h2 { (lang.t("能耗与碳排放", "Energy and carbon")) }
            @match &energy {
                Ok(view) => (energy_card(lang, view)),
                Err(e) => (unavailable(lang, e)),
            }
        }
        section.card #evidence {
            h2 { (lang.t("数字化评测证据", "Digital-index evidence")) }
            @match &evidence {
                Ok(view) => (evidence_card(lang, view)),
                Err(e) => (unavailable(lang, e)),
            }
        }
    }
}

fn unavailable(lang: Lang, e: &ApiError) -> Markup {
    html! { p.muted { (lang.t(&e.message_zh, &e.message_en)) } }
}

fn measured(lang: Lang) -> Markup {
    html! { span.badge.eligible title=(lang.t("由设备数据实测", "measured from device data")) { (lang.t("实测", "measured")) } }
}

fn tco2(f: &PeriodFigure) -> String {
    f.carbon
        .as_ref()
        .map_or_else(|| "—".to_owned(), |c| format!("{:.3}", c.tco2))
}

fn energy_card(lang: Lang, v: &EnergyView) -> Markup {
    html! {
        p.muted {
            (v.from) " – " (v.to) " · " (v.tz) " · "
            (lang.t("电表 ", "meters: ")) (v.meters.len())
        }
        @if v.meters.is_empty() {
            p.muted { (lang.t(
                "尚无电能表：设备类型（物模型）中有电能属性（累计电量 kWh 或有功功率 kW）的设备会计入能耗。",
                "No meters yet: devices whose type (thing model) has an energy property (cumulative kWh or power kW) are counted."
            )) }
        } @else {
            @if v.periods.is_empty() {
                p.muted { (lang.t("此期间电表无读数。", "No meter readings in this period.")) }
            } @else {
                (chart(lang, &v.periods))
            }
            table.energy {
                tr {
                    th { (lang.t("月份", "Month")) }
                    th { (lang.t("电量（kWh）", "Energy (kWh)")) }
                    th { (lang.t("碳排放（tCO2）", "Carbon (tCO2)")) }
                    th { (lang.t("排放因子", "Emission factor")) }
                }
                @for f in v.periods.iter().chain(std::iter::once(&v.total)) {
                    tr {
                        td { @if f.period == "total" { strong { (lang.t("合计", "Total")) } } @else { (f.period) } }
                        td { (format!("{:.1}", f.kwh)) }
                        td { (tco2(f)) }
                        td.muted { (f.carbon.as_ref().map_or(lang.t("该地区无因子", "no factor for this region"), |c| c.factor_label.as_str())) }
                    }
                }
            }
            @for c in v.factors.iter().chain(v.factor.iter().filter(|f| !v.factors.iter().any(|u| u.factor.id == f.factor.id))) {
                p.muted {
                    (lang.t("排放因子 ", "Factor ")) code { (c.factor.id) } ": "
                    (c.factor.value) " tCO2/MWh · " (c.factor.data_year) (lang.t(" 年数据 · ", " data · "))
                    (c.factor.region.as_deref().unwrap_or(lang.t("全国", "national"))) " · "
                    (c.factor.document) " (" (c.factor.published) ") · "
                    (lang.t("数据版本 ", "edition ")) code { (c.edition) } " · " (c.why)
                }
            }
            @for i in &v.intensity {
                p {
                    (i.year) (lang.t(" 年每百元营业收入电耗：", " energy per ¥100 revenue: "))
                    strong { (format!("{:.4}", i.intensity.kwh_per_100_yuan)) " kWh" }
                    span.muted { " (" (i.months_metered) (lang.t(" 个月有计量；", " months metered; ")) (i.intensity.explanation) ")" }
                }
            }
        }
    }
}

/// Bars of kWh per period, scaled to the largest; no script, no external asset.
fn chart(lang: Lang, periods: &[PeriodFigure]) -> Markup {
    const W: f64 = 720.0;
    const H: f64 = 160.0;
    const BASE: f64 = 140.0;
    let max = periods.iter().map(|p| p.kwh).fold(0.0_f64, f64::max);
    let n = periods.len().max(1) as f64;
    let slot = W / n;
    let bar = (slot * 0.7).max(1.0);
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" width="100%" height=(H) viewBox={ "0 0 " (W) " " (H) }
            role="img" aria-label=(lang.t("每月电量柱状图", "kWh per month, bar chart")) {
            line x1="0" y1=(BASE) x2=(W) y2=(BASE) stroke="#9aa5b1" {}
            @for (i, p) in periods.iter().enumerate() {
                @let h = if max > 0.0 { p.kwh / max * (BASE - 20.0) } else { 0.0 };
                @let x = i as f64 * slot + (slot - bar) / 2.0;
                rect x=(format!("{x:.1}")) y=(format!("{:.1}", BASE - h)) width=(format!("{bar:.1}")) height=(format!("{h:.1}")) fill="#0b4f8a" {
                    title { (p.period) ": " (format!("{:.1}", p.kwh)) " kWh · " (tco2(p)) " tCO2" }
                }
                text x=(format!("{:.1}", x + bar / 2.0)) y=(H - 4.0) font-size="10" text-anchor="middle" fill="#52606d" { (p.period.get(2..).unwrap_or(&p.period)) }
            }
        }
    }
}

fn question(lang: Lang, id: &str) -> String {
    match id {
        "equipment_networked_share" => lang
            .t("生产设备联网率", "Networked share of production equipment")
            .to_owned(),
        "auto_data_collection" => lang
            .t(
                "数据自动采集的业务环节",
                "Business links with automatic data collection",
            )
            .to_owned(),
        "energy_per_revenue" => lang
            .t(
                "每百元营业收入能耗（前后对比）",
                "Energy per ¥100 revenue, before vs after",
            )
            .to_owned(),
        other => other.to_owned(),
    }
}

fn link_label(lang: Lang, link: &str) -> String {
    let zh = match link {
        "equipment" => "设备管理",
        "energy" => "能源管理",
        "production" => "生产管控",
        "quality" => "质量管控",
        "safety" => "安全生产",
        "environment" => "环保监测",
        "logistics" => "仓储物流",
        other => return other.to_owned(),
    };
    lang.t(zh, link).to_owned()
}

fn answer_detail(lang: Lang, a: &MeasuredAnswer) -> Markup {
    match &a.measurement {
        Measurement::NetworkedShare {
            reporting,
            denominator,
            share_pct,
            ..
        } => html! {
            strong { (reporting) "/" (denominator) } " (" (format!("{share_pct:.0}")) "%)"
            span.muted { (lang.t(" 近 30 天有上报的生产设备 / 登记的生产设备", " production equipment reporting in the last 30 days / registered")) }
        },
        Measurement::AutoDataCollection { links, .. } => html! {
            @for l in links {
                span.badge { (link_label(lang, &l.link)) }
                span.muted { "(" (l.devices.join(", ")) ") " }
            }
        },
        Measurement::EnergyPerRevenue { before, after } => html! {
            (before.period.label) ": " strong { (format!("{:.4}", before.kwh_per_100_yuan)) " kWh" }
            " → " (after.period.label) ": " strong { (format!("{:.4}", after.kwh_per_100_yuan)) " kWh" }
            span.muted { (lang.t(" （每百元营业收入电耗）", " per ¥100 revenue")) }
        },
    }
}

fn period_gap(lang: Lang, gap: &PeriodGap) -> String {
    match gap {
        PeriodGap::Missing => lang.t("缺少该期数据", "period missing").to_owned(),
        PeriodGap::NoMeteredEnergy { period } => match lang {
            Lang::Zh => format!("{period} 无计量能耗"),
            Lang::En => format!("no metered energy in {period}"),
        },
        PeriodGap::RevenueUnknown { period } => match lang {
            Lang::Zh => format!("{period} 营业收入未知"),
            Lang::En => format!("revenue of {period} unknown"),
        },
    }
}

fn not_measured_reason(lang: Lang, cause: &NotMeasuredCause) -> String {
    match (lang, cause) {
        (Lang::En, cause) => cause.to_string(),
        (Lang::Zh, NotMeasuredCause::NoProductionEquipment) => {
            "未登记生产设备（也未填写设备台账数量）".to_owned()
        }
        (Lang::Zh, NotMeasuredCause::NoLinkReported { days }) => format!(
            "近 {days} 天没有服务于问卷业务环节的设备上报数据（实测只能证明“有”，不能证明“无”：请自行填答）"
        ),
        (Lang::Zh, NotMeasuredCause::EnergyPeriods { before, after }) => {
            [("改造前：", before), ("改造后：", after)]
                .into_iter()
                .filter_map(|(which, gap)| {
                    gap.as_ref()
                        .map(|g| format!("{which}{}", period_gap(lang, g)))
                })
                .collect::<Vec<_>>()
                .join("；")
        }
        (Lang::Zh, NotMeasuredCause::RevenueYearsMissing) => {
            "需要登记今年之前两个完整年度的营业收入（比较最近两年）".to_owned()
        }
    }
}

fn evidence_card(lang: Lang, v: &EvidenceView) -> Markup {
    html! {
        p.muted {
            (lang.t("登记设备 ", "Registered devices: ")) (v.devices) " · "
            (lang.t("其中生产设备 ", "production equipment: ")) (v.production_equipment) " · "
            (lang.t("问卷 ", "questionnaire ")) code { (v.evidence.questionnaire) } " · "
            (lang.t("映射版本 ", "mapping ")) code { (v.evidence.mapping_edition) }
        }
        table.evidence {
            tr { th { (lang.t("评测项", "Question")) } th { (lang.t("实测结果", "Measured")) } th { (lang.t("来源", "Source")) } }
            @for a in &v.evidence.answers {
                tr {
                    td { (question(lang, &a.question)) }
                    td { (answer_detail(lang, a)) }
                    td { (measured(lang)) }
                }
            }
            @for n in &v.evidence.not_measured {
                tr {
                    td { (question(lang, &n.question)) }
                    td.muted { (not_measured_reason(lang, &n.cause)) }
                    td.muted { (lang.t("未测得", "not measured")) }
                }
            }
        }
    }
}
