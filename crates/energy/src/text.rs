//! A plain-text report of an enterprise's energy (for the CLI and logs): days and months with
//! kWh, tCO2 and the factor beside every figure, then each meter's adjustments.

use std::fmt::Write;

use crate::report::{EnterpriseEnergy, PeriodFigure};

fn line(out: &mut String, f: &PeriodFigure) {
    let (t, factor) = match &f.carbon {
        Some(c) => (format!("{:.4}", c.tco2), c.factor_label.as_str()),
        None => ("—".to_owned(), "no factor for this region/basis"),
    };
    let _ = writeln!(
        out,
        "  {:<10} {:>14.3} kWh {:>12} tCO2   {factor}",
        f.period, f.kwh, t
    );
}

/// The report as text.
///
/// ```
/// use shangyun_energy::{EnergyOptions, FactorTable, MeterKind, MeterSeries, enterprise_energy, text_report};
/// let m = MeterSeries { device: "m1".into(), key: "kwh".into(), kind: MeterKind::CumulativeKwh { wrap_at: None },
///     readings: vec![(1_764_518_400_000, 10.0), (1_764_522_000_000, 12.5)] };
/// let e = enterprise_energy("E1", &[m], &EnergyOptions::default(), FactorTable::built_in());
/// let text = text_report(&e);
/// println!("{text}");
/// assert!(text.contains("mee-2022-national"));
/// ```
pub fn text_report(e: &EnterpriseEnergy) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "enterprise {} — energy and carbon ({})",
        e.enterprise, e.tz
    );
    let _ = writeln!(out, "by day:");
    for d in &e.days {
        line(&mut out, d);
    }
    let _ = writeln!(out, "by month:");
    for m in &e.months {
        line(&mut out, m);
    }
    line(&mut out, &e.total);
    if let Some(c) = &e.total.carbon {
        let _ = writeln!(out, "factor choice: {}", c.factor.why);
    }
    for d in &e.devices {
        let _ = writeln!(
            out,
            "meter {} / {}: {:.3} kWh, {} adjustments",
            d.device,
            d.key,
            d.total_kwh,
            d.adjustments.len()
        );
        for a in &d.adjustments {
            let _ = writeln!(out, "  at {} ms: {}", a.at, a.explanation);
        }
    }
    out
}
