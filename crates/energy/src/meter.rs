//! From one meter's readings to energy intervals: each interval `[start, end)` carries the kWh
//! consumed in it. Every reading that needed a decision (a reset, a wrap-around, a gap, a
//! duplicate, a bad value) leaves an [`Adjustment`] that says what was assumed and why.

use serde::{Deserialize, Serialize};

/// What a meter's property measures (from the device type's thing model).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeterKind {
    /// A cumulative energy counter in kWh (电能表 示数).
    CumulativeKwh {
        /// The counter's capacity: it rolls over to 0 after this value (e.g. 99,999.9 on a
        /// 6-digit register). `None`: the counter never wraps, every drop is a reset.
        wrap_at: Option<f64>,
    },
    /// Instantaneous active power in kW, integrated over time.
    PowerKw,
}

/// How readings are turned into energy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeterRules {
    /// Power: two readings further apart than this are not integrated (no energy assumed in
    /// the gap, reported).
    pub max_gap_ms: i64,
    /// Counters: a gap longer than this is still counted (the register saw the energy) but
    /// spread evenly over the gap — an estimate of when it was used — and reported.
    pub counter_gap_ms: i64,
    /// Counters: a drop no larger than this (kWh) is meter noise, not a reset.
    pub noise_kwh: f64,
}

impl Default for MeterRules {
    fn default() -> Self {
        Self {
            max_gap_ms: 15 * 60 * 1000,
            counter_gap_ms: 6 * 3600 * 1000,
            noise_kwh: 0.01,
        }
    }
}

/// One reading: `(timestamp ms UTC, value)` in the meter's unit (kWh or kW).
pub type Reading = (i64, f64);

/// Energy consumed in `[start, end)`, assumed uniform over the interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Start, ms UTC.
    pub start: i64,
    /// End, ms UTC (> start).
    pub end: i64,
    /// kWh, never negative.
    pub kwh: f64,
}

/// What kind of decision a reading needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// The counter fell: it restarted from 0 (replaced or reset meter).
    Reset,
    /// The counter passed its capacity and rolled over.
    Wrap,
    /// A small drop treated as noise.
    Noise,
    /// Readings further apart than the gap limit.
    Gap,
    /// Power readings too far apart: no energy assumed between them.
    GapSkipped,
    /// Several readings at one timestamp: the last one given was kept.
    Duplicate,
    /// A value that is not a finite number, or a negative counter: ignored.
    Invalid,
    /// Negative power (export or a sign error): counted as 0.
    NegativePower,
}

/// One decision and its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    /// Timestamp of the reading it concerns (ms UTC).
    pub at: i64,
    /// What happened.
    pub kind: AdjustmentKind,
    /// kWh counted because of the decision (reset: energy since the restart; wrap: the wrapped
    /// delta; gap: energy spread over the gap); 0 when nothing was counted.
    pub kwh: f64,
    /// What was assumed, in English.
    pub explanation: String,
}

/// Intervals and the decisions behind them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MeterEnergy {
    /// Consecutive energy intervals, in time order.
    pub intervals: Vec<Interval>,
    /// Decisions, in time order.
    pub adjustments: Vec<Adjustment>,
}

impl MeterEnergy {
    /// Total kWh.
    pub fn total_kwh(&self) -> f64 {
        self.intervals.iter().map(|i| i.kwh).sum()
    }
}

/// Turns readings (any order) into energy intervals.
///
/// ```
/// use shangyun_energy::{MeterKind, MeterRules, meter_energy};
/// // A counter read every 10 minutes that is replaced (reset to 0) once.
/// let readings = [(0, 100.0), (600_000, 101.5), (1_200_000, 0.4), (1_800_000, 1.0)];
/// let e = meter_energy(MeterKind::CumulativeKwh { wrap_at: None }, &MeterRules::default(), &readings);
/// assert!((e.total_kwh() - 2.5).abs() < 1e-9); // 1.5 + 0.4 (since the reset) + 0.6
/// assert_eq!(e.adjustments.len(), 1);
/// ```
pub fn meter_energy(kind: MeterKind, rules: &MeterRules, readings: &[Reading]) -> MeterEnergy {
    let mut out = MeterEnergy::default();
    let clean = sorted_valid(kind, readings, &mut out.adjustments);
    match kind {
        MeterKind::CumulativeKwh { wrap_at } => counter(&clean, wrap_at, rules, &mut out),
        MeterKind::PowerKw => power(&clean, rules, &mut out),
    }
    out.adjustments.sort_by_key(|a| a.at);
    out
}

/// Drops invalid values, sorts by time and keeps the last reading given for a timestamp.
fn sorted_valid(kind: MeterKind, readings: &[Reading], adj: &mut Vec<Adjustment>) -> Vec<Reading> {
    let mut v: Vec<(usize, Reading)> = Vec::with_capacity(readings.len());
    for (i, &(ts, value)) in readings.iter().enumerate() {
        let counter = matches!(kind, MeterKind::CumulativeKwh { .. });
        if !value.is_finite() || (counter && value < 0.0) {
            adj.push(Adjustment {
                at: ts,
                kind: AdjustmentKind::Invalid,
                kwh: 0.0,
                explanation: format!("reading {value} ignored: not a valid meter value"),
            });
            continue;
        }
        v.push((i, (ts, value)));
    }
    v.sort_by_key(|(i, (ts, _))| (*ts, *i));
    let mut out: Vec<Reading> = Vec::with_capacity(v.len());
    for (_, r) in v {
        match out.last_mut() {
            Some(last) if last.0 == r.0 => {
                if last.1.to_bits() != r.1.to_bits() {
                    adj.push(Adjustment {
                        at: r.0,
                        kind: AdjustmentKind::Duplicate,
                        kwh: 0.0,
                        explanation: format!(
                            "two readings at one time ({} and {}): the later one given, {}, kept",
                            last.1, r.1, r.1
                        ),
                    });
                }
                *last = r;
            }
            _ => out.push(r),
        }
    }
    out
}

fn hours(ms: i64) -> f64 {
    ms as f64 / 3_600_000.0
}

fn counter(r: &[Reading], wrap_at: Option<f64>, rules: &MeterRules, out: &mut MeterEnergy) {
    // `base` is the counter value energy is measured from; after a noise drop it stays at the
    // higher value so the drop is not counted twice when the counter climbs back.
    let Some(&(mut prev_ts, mut base)) = r.first() else {
        return;
    };
    for &(ts, value) in &r[1..] {
        let kwh = if value >= base {
            value - base
        } else if base - value <= rules.noise_kwh {
            out.adjustments.push(Adjustment {
                at: ts,
                kind: AdjustmentKind::Noise,
                kwh: 0.0,
                explanation: format!(
                    "counter fell by {:.4} kWh ({base} → {value}), within the noise limit of {} kWh: treated as no consumption",
                    base - value,
                    rules.noise_kwh
                ),
            });
            prev_ts = ts;
            continue;
        } else if let Some(w) =
            wrap_at.filter(|w| base <= *w && base >= 0.9 * w && value <= 0.1 * w)
        {
            let kwh = (w - base) + value;
            out.adjustments.push(Adjustment {
                at: ts,
                kind: AdjustmentKind::Wrap,
                kwh,
                explanation: format!(
                    "counter rolled over at its capacity {w} ({base} → {value}): counted {kwh:.4} kWh = ({w} − {base}) + {value}"
                ),
            });
            kwh
        } else {
            out.adjustments.push(Adjustment {
                at: ts,
                kind: AdjustmentKind::Reset,
                kwh: value,
                explanation: format!(
                    "counter fell from {base} to {value}: meter reset or replaced; counted {value} kWh since it restarted from 0 (energy between the last reading and the reset is unknown)"
                ),
            });
            value
        };
        if ts - prev_ts > rules.counter_gap_ms && kwh > 0.0 {
            out.adjustments.push(Adjustment {
                at: ts,
                kind: AdjustmentKind::Gap,
                kwh,
                explanation: format!(
                    "no reading for {:.2} h: the counter's {kwh:.4} kWh spread evenly over the gap",
                    hours(ts - prev_ts)
                ),
            });
        }
        out.intervals.push(Interval {
            start: prev_ts,
            end: ts,
            kwh,
        });
        prev_ts = ts;
        base = value;
    }
}

fn power(r: &[Reading], rules: &MeterRules, out: &mut MeterEnergy) {
    for &(ts, p) in r {
        if p < 0.0 {
            out.adjustments.push(Adjustment {
                at: ts,
                kind: AdjustmentKind::NegativePower,
                kwh: 0.0,
                explanation: format!(
                    "power {p} kW is negative (export or wiring): counted as 0 kW"
                ),
            });
        }
    }
    for pair in r.windows(2) {
        let [(t0, p0), (t1, p1)] = [pair[0], pair[1]];
        if t1 - t0 > rules.max_gap_ms {
            out.adjustments.push(Adjustment {
                at: t1,
                kind: AdjustmentKind::GapSkipped,
                kwh: 0.0,
                explanation: format!(
                    "no power reading for {:.2} h (limit {:.2} h): no energy assumed in the gap",
                    hours(t1 - t0),
                    hours(rules.max_gap_ms)
                ),
            });
            continue;
        }
        // Trapezoid rule; a negative reading counts as 0.
        let kwh = (p0.max(0.0) + p1.max(0.0)) / 2.0 * hours(t1 - t0);
        out.intervals.push(Interval {
            start: t0,
            end: t1,
            kwh,
        });
    }
}
