//! The human text of `shangyun energy` and `shangyun evidence`: a table with the factor
//! beside every figure; the measured answers each marked 实测 / measured.

use shangyun_enterprise_energy::measured::{Measurement, NotMeasured};
use shangyun_enterprise_energy::meters::PeriodFigure;
use shangyun_enterprise_energy::{EnergyView, EvidenceView};
use std::fmt::Write;

fn row(out: &mut String, label: &str, f: &PeriodFigure) {
    let (t, factor) = match &f.carbon {
        Some(c) => (format!("{:.4}", c.tco2), c.factor_label.clone()),
        None => (
            "—".to_owned(),
            "该地区无排放因子 / no factor for this region".to_owned(),
        ),
    };
    let _ = writeln!(out, "{label:<12} {:>14.3} {t:>12}   {factor}", f.kwh);
}

pub fn energy(v: &EnergyView) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) — 能耗与碳排放 / energy and carbon, {} – {} ({}, 按{} / by {})",
        v.name,
        v.enterprise,
        v.from,
        v.to,
        v.tz,
        match v.by {
            shangyun_enterprise_energy::By::Day => "日",
            shangyun_enterprise_energy::By::Month => "月",
        },
        match v.by {
            shangyun_enterprise_energy::By::Day => "day",
            shangyun_enterprise_energy::By::Month => "month",
        }
    );
    if v.meters.is_empty() {
        let _ = writeln!(
            out,
            "没有电能表：设备类型中有电能属性（累计 kWh 或功率 kW）的设备才计入 / no meters: only devices whose type has an energy property (cumulative kWh or power kW) count"
        );
    }
    for m in &v.meters {
        let _ = writeln!(
            out,
            "电表 / meter {} (#{}) {} [{}]: {:.3} kWh, {} 项调整 / adjustments",
            m.meter.device,
            m.meter.device_id,
            m.meter.key,
            m.meter.kind,
            m.kwh,
            m.adjustments.len()
        );
        for a in &m.adjustments {
            let _ = writeln!(out, "  {}", a.explanation);
        }
    }
    let _ = writeln!(
        out,
        "{:<12} {:>14} {:>12}   排放因子 / emission factor",
        "期间 period", "电量 kWh", "tCO2"
    );
    if v.periods.is_empty() {
        let _ = writeln!(out, "(此期间无读数 / no readings in this window)");
    }
    for p in &v.periods {
        row(&mut out, &p.period, p);
    }
    row(&mut out, "合计 total", &v.total);
    let mut factors: Vec<_> = v.factors.iter().collect();
    if let Some(f) = &v.factor
        && !factors.iter().any(|u| u.factor.id == f.factor.id)
    {
        factors.push(f);
    }
    for c in factors {
        let f = &c.factor;
        let _ = writeln!(
            out,
            "因子 / factor {}: {} tCO2/MWh, {}, {} 年数据 / data year, 来源 / source: {} ({}), 版本 / edition {}, {}; {}",
            f.id,
            f.value,
            f.region.as_deref().map_or_else(
                || "全国 / national".to_owned(),
                |r| format!("区域 / region {r}")
            ),
            f.data_year,
            f.document,
            f.published,
            c.edition,
            f.confidence.en(),
            c.why
        );
    }
    for i in &v.intensity {
        let _ = writeln!(
            out,
            "{} 每百元营业收入电耗 / energy per ¥100 revenue: {:.6} kWh ({} 个月有计量 / months metered; {})",
            i.year, i.intensity.kwh_per_100_yuan, i.months_metered, i.intensity.explanation
        );
    }
    out.trim_end().to_owned()
}

fn question(id: &str) -> &str {
    match id {
        "equipment_networked_share" => "生产设备联网率 / networked share of production equipment",
        "auto_data_collection" => "数据自动采集 / automatic data collection",
        "energy_per_revenue" => "每百元营业收入能耗 / energy per ¥100 revenue",
        other => other,
    }
}

fn not_measured(out: &mut String, n: &NotMeasured) {
    let _ = writeln!(
        out,
        "[未测得 not measured] {}: {}",
        question(&n.question),
        n.reason
    );
}

pub fn evidence(v: &EvidenceView) -> String {
    let mut out = String::new();
    let e = &v.evidence;
    let _ = writeln!(
        out,
        "{} ({}) — 数字化评测证据 / digital-index evidence ({}; mapping {}; {} 天窗口 / day window)",
        v.name, v.enterprise, e.questionnaire, e.mapping_edition, e.window_days
    );
    let _ = writeln!(
        out,
        "登记设备 / registered devices {}, 其中生产设备 / production equipment {}",
        v.devices, v.production_equipment
    );
    for a in &e.answers {
        let shown = match &a.measurement {
            Measurement::NetworkedShare {
                reporting,
                denominator,
                share_pct,
                ..
            } => format!("{reporting}/{denominator} ({share_pct:.0}%)"),
            Measurement::AutoDataCollection { links, .. } => links
                .iter()
                .map(|l| format!("{} ({})", l.link, l.devices.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
            Measurement::EnergyPerRevenue { before, after } => format!(
                "{} {:.6} → {} {:.6} kWh per ¥100",
                before.period.label,
                before.kwh_per_100_yuan,
                after.period.label,
                after.kwh_per_100_yuan
            ),
        };
        let _ = writeln!(
            out,
            "[实测 measured] {}: {shown}\n    {}",
            question(&a.question),
            a.explanation
        );
    }
    for n in &e.not_measured {
        not_measured(&mut out, n);
    }
    out.trim_end().to_owned()
}
