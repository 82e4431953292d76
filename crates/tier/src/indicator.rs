//! Scored indicators: a value is turned into points by bands, by the best of several band
//! sets, by the first of a ladder of conditions that holds, or by counting items held.
//!
//! With data missing an indicator yields the range of points it could still take.

use crate::condition::{Cond, CondCompiler, MeasureRef, Truth, invalid};
use crate::error::RulesError;
use crate::field::FieldSet;
use crate::inputs::Inputs;
use crate::spec::{BandSpec, Better, IndicatorSpec, OnEdge, ScorerKind};
use serde::Serialize;

/// One band: values from `edge` on (or up to it, for lower-is-better) earn `points`.
#[derive(Debug, PartialEq)]
pub(crate) struct Band {
    pub edge: f64,
    /// A value exactly on `edge` falls in this band (else in the next, worse one).
    pub inclusive: bool,
    pub points: f64,
    pub label: String,
}

/// Bands over one measure, best first, and the points for values below them all.
#[derive(Debug, PartialEq)]
pub(crate) struct BandSet {
    pub measure: MeasureRef,
    pub measure_name: String,
    pub better: Better,
    pub bands: Vec<Band>,
    pub floor: f64,
    pub floor_label: String,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Step {
    pub when: Cond,
    pub points: f64,
    pub label: String,
    /// The measure the step compares, when it is a single comparison (for the report).
    pub measure_name: Option<String>,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Scorer {
    Bands(BandSet),
    BestOf(Vec<BandSet>),
    Ladder {
        steps: Vec<Step>,
        otherwise: f64,
        otherwise_label: String,
    },
    Count {
        items: Vec<Cond>,
        per_item: f64,
    },
}

/// A scored indicator (指标) as the data declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorInfo {
    /// Id in the data.
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Points available.
    pub max: f64,
    /// How the indicator is read, when the data says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Indicator {
    pub info: IndicatorInfo,
    /// Index into the edition's dimensions.
    pub dimension: usize,
    pub scorer: Scorer,
}

/// What one indicator scored: a point range (equal ends when known) and what decided it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored<'e> {
    pub lo: f64,
    pub hi: f64,
    pub missing: FieldSet,
    pub measure: Option<&'e str>,
    pub value: Option<f64>,
    pub band: Option<&'e str>,
}

impl Scored<'_> {
    fn unknown(lo: f64, hi: f64, missing: FieldSet) -> Self {
        Scored {
            lo,
            hi,
            missing,
            measure: None,
            value: None,
            band: None,
        }
    }
}

const ITEMS_HELD: &str = "items_held";

impl BandSet {
    fn score(&self, p: &Inputs<'_>) -> Scored<'_> {
        let value = match self.measure.value(p) {
            Ok(v) => v,
            Err(missing) => {
                let hi = self.bands.first().map_or(self.floor, |b| b.points);
                return Scored::unknown(self.floor, hi, missing);
            }
        };
        let hit = self.bands.iter().find(|b| match self.better {
            Better::Higher => value > b.edge || (b.inclusive && value == b.edge),
            Better::Lower => value < b.edge || (b.inclusive && value == b.edge),
        });
        let (points, band) = hit.map_or((self.floor, self.floor_label.as_str()), |b| {
            (b.points, b.label.as_str())
        });
        Scored {
            lo: points,
            hi: points,
            missing: FieldSet::EMPTY,
            measure: Some(&self.measure_name),
            value: Some(value),
            band: Some(band),
        }
    }
}

impl Indicator {
    pub fn score(&self, p: &Inputs<'_>) -> Scored<'_> {
        match &self.scorer {
            Scorer::Bands(set) => set.score(p),
            Scorer::BestOf(sets) => best_of(sets, p),
            Scorer::Ladder {
                steps,
                otherwise,
                otherwise_label,
            } => ladder(steps, *otherwise, otherwise_label, p),
            Scorer::Count { items, per_item } => count(items, *per_item, self.info.max, p),
        }
    }
}

// The kinds other than plain bands live out of line so that the common path stays small.

#[inline(never)]
fn best_of<'e>(sets: &'e [BandSet], p: &Inputs<'_>) -> Scored<'e> {
    let mut best: Option<Scored<'_>> = None;
    let (mut lo, mut hi, mut missing) = (0.0_f64, 0.0_f64, FieldSet::EMPTY);
    for set in sets {
        let s = set.score(p);
        lo = lo.max(s.lo);
        hi = hi.max(s.hi);
        if s.lo < s.hi {
            missing = missing.union(s.missing);
        } else if best.is_none_or(|b| s.lo > b.lo) {
            best = Some(s);
        }
    }
    match best {
        // A known part already reaches what any unknown part could give.
        Some(b) if b.lo >= hi => b,
        _ if lo == hi => Scored::unknown(lo, hi, FieldSet::EMPTY),
        _ => Scored::unknown(lo, hi, missing),
    }
}

#[inline(never)]
fn ladder<'e>(
    steps: &'e [Step],
    otherwise: f64,
    otherwise_label: &'e str,
    p: &Inputs<'_>,
) -> Scored<'e> {
    let (mut lo, mut hi, mut missing) = (f64::INFINITY, f64::NEG_INFINITY, FieldSet::EMPTY);
    let mut matched = None;
    for step in steps {
        let t = step.when.eval(p);
        match t.truth {
            Truth::False => continue,
            Truth::Unknown => missing = missing.union(t.missing),
            Truth::True => matched = Some(step),
        }
        lo = lo.min(step.points);
        hi = hi.max(step.points);
        if matched.is_some() {
            break;
        }
    }
    if matched.is_none() {
        lo = lo.min(otherwise);
        hi = hi.max(otherwise);
    }
    if !missing.is_empty() {
        return Scored::unknown(lo, hi, if lo < hi { missing } else { FieldSet::EMPTY });
    }
    match matched {
        Some(step) => Scored {
            lo,
            hi,
            missing,
            measure: step.measure_name.as_deref(),
            value: step.when.single_measure().and_then(|m| m.value(p).ok()),
            band: Some(&step.label),
        },
        None => Scored {
            lo,
            hi,
            missing,
            measure: None,
            value: None,
            band: Some(otherwise_label),
        },
    }
}

#[inline(never)]
fn count<'e>(items: &'e [Cond], per_item: f64, max: f64, p: &Inputs<'_>) -> Scored<'e> {
    let (mut held, mut open, mut missing) = (0u32, 0u32, FieldSet::EMPTY);
    for item in items {
        let t = item.eval(p);
        match t.truth {
            Truth::True => held += 1,
            Truth::False => {}
            Truth::Unknown => {
                open += 1;
                missing = missing.union(t.missing);
            }
        }
    }
    let lo = (f64::from(held) * per_item).min(max);
    let hi = (f64::from(held + open) * per_item).min(max);
    if lo < hi {
        return Scored::unknown(lo, hi, missing);
    }
    Scored {
        lo,
        hi,
        missing: FieldSet::EMPTY,
        measure: Some(ITEMS_HELD),
        value: (open == 0).then_some(f64::from(held)),
        band: None,
    }
}

/// Compiles one indicator. `edge_takes_higher_band` is the file's default edge rule.
pub(crate) fn compile_indicator(
    spec: &IndicatorSpec,
    dimension: usize,
    edge_takes_higher_band: bool,
    conds: &CondCompiler<'_>,
) -> Result<Indicator, RulesError> {
    let at = format!("indicators[{}]", spec.id);
    let default_inclusive = spec
        .on_edge
        .map_or(edge_takes_higher_band, |e| e == OnEdge::HigherBand);
    let unused = |present: bool, key: &str| -> Result<(), RulesError> {
        if present {
            Err(invalid(
                &at,
                &format!("`{key}` does not belong to kind {:?}", spec.kind),
            ))
        } else {
            Ok(())
        }
    };
    let (kind_bands, kind_best, kind_ladder, kind_count) = (
        spec.kind == ScorerKind::Bands,
        spec.kind == ScorerKind::BestOf,
        spec.kind == ScorerKind::Ladder,
        spec.kind == ScorerKind::Count,
    );
    unused(!kind_bands && spec.measure.is_some(), "measure")?;
    unused(!kind_bands && spec.bands.is_some(), "bands")?;
    unused(!kind_bands && spec.better.is_some(), "better")?;
    unused(!kind_best && spec.parts.is_some(), "parts")?;
    unused(!kind_ladder && spec.steps.is_some(), "steps")?;
    unused(!kind_ladder && spec.otherwise.is_some(), "otherwise")?;
    unused(!kind_count && spec.items.is_some(), "items")?;
    unused(!kind_count && spec.per_item.is_some(), "per_item")?;
    if !(spec.max.is_finite() && spec.max > 0.0) {
        return Err(invalid(&at, "max must be a positive number"));
    }

    let need = |what: &str| invalid(&at, &format!("kind {:?} needs `{what}`", spec.kind));
    let scorer = match spec.kind {
        ScorerKind::Bands => {
            let measure = spec.measure.as_deref().ok_or_else(|| need("measure"))?;
            let bands = spec.bands.as_deref().ok_or_else(|| need("bands"))?;
            let better = spec.better.unwrap_or_default();
            Scorer::Bands(compile_bands(
                measure,
                better,
                bands,
                default_inclusive,
                &at,
            )?)
        }
        ScorerKind::BestOf => {
            let parts = spec.parts.as_deref().ok_or_else(|| need("parts"))?;
            if parts.len() < 2 {
                return Err(invalid(&at, "best_of needs at least two parts"));
            }
            let sets = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    compile_bands(
                        &part.measure,
                        part.better,
                        &part.bands,
                        default_inclusive,
                        &format!("{at}.parts[{i}]"),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            Scorer::BestOf(sets)
        }
        ScorerKind::Ladder => {
            let steps = spec.steps.as_deref().ok_or_else(|| need("steps"))?;
            if steps.is_empty() {
                return Err(need("steps"));
            }
            let steps = steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let when = conds.compile(&s.when, &format!("{at}.steps[{i}].when"))?;
                    check_points(s.points, &at)?;
                    Ok(Step {
                        measure_name: when.single_measure().map(MeasureRef::name),
                        when,
                        points: s.points,
                        label: s.label.clone(),
                    })
                })
                .collect::<Result<Vec<_>, RulesError>>()?;
            let otherwise = spec.otherwise.unwrap_or(0.0);
            check_points(otherwise, &at)?;
            Scorer::Ladder {
                steps,
                otherwise,
                otherwise_label: "其他 / otherwise".to_owned(),
            }
        }
        ScorerKind::Count => {
            let items = spec.items.as_deref().ok_or_else(|| need("items"))?;
            let per_item = spec.per_item.ok_or_else(|| need("per_item"))?;
            if items.is_empty() || !(per_item.is_finite() && per_item > 0.0) {
                return Err(invalid(&at, "count needs items and a positive per_item"));
            }
            let items = items
                .iter()
                .enumerate()
                .map(|(i, c)| conds.compile(c, &format!("{at}.items[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Scorer::Count { items, per_item }
        }
    };
    let best = match &scorer {
        Scorer::Bands(set) => set.bands.first().map_or(set.floor, |b| b.points),
        Scorer::BestOf(sets) => sets
            .iter()
            .map(|s| s.bands.first().map_or(s.floor, |b| b.points))
            .fold(0.0, f64::max),
        Scorer::Ladder {
            steps, otherwise, ..
        } => steps.iter().map(|s| s.points).fold(*otherwise, f64::max),
        Scorer::Count { items, per_item } => (items.len() as f64 * per_item).min(spec.max),
    };
    // Catches typos: the best band must earn exactly the declared maximum.
    if best != spec.max {
        return Err(invalid(
            &at,
            &format!("best possible points {best} differ from max {}", spec.max),
        ));
    }
    Ok(Indicator {
        info: IndicatorInfo {
            id: spec.id.clone(),
            name_zh: spec.name_zh.clone(),
            name_en: spec.name_en.clone(),
            max: spec.max,
            note: spec.note.clone(),
        },
        dimension,
        scorer,
    })
}

fn check_points(points: f64, at: &str) -> Result<(), RulesError> {
    if points.is_finite() && points >= 0.0 {
        Ok(())
    } else {
        Err(invalid(at, "points must be a non-negative number"))
    }
}

fn compile_bands(
    measure: &str,
    better: Better,
    specs: &[BandSpec],
    default_inclusive: bool,
    at: &str,
) -> Result<BandSet, RulesError> {
    let measure = MeasureRef::parse(measure, at)?;
    let Some((floor_spec, edged)) = specs.split_last() else {
        return Err(invalid(at, "bands are empty"));
    };
    if floor_spec.edge.is_some() || floor_spec.on_edge.is_some() {
        return Err(invalid(
            at,
            "the last band has no edge: it takes every other value",
        ));
    }
    if edged.is_empty() {
        return Err(invalid(at, "bands need at least one edge"));
    }
    check_points(floor_spec.points, at)?;
    let mut bands: Vec<Band> = Vec::with_capacity(edged.len());
    for b in edged {
        let edge = match &b.edge {
            Some(e) => measure.threshold(e, at)?,
            None => return Err(invalid(at, "every band but the last needs an edge")),
        };
        check_points(b.points, at)?;
        if let Some(prev) = bands.last() {
            let ordered = match better {
                Better::Higher => edge < prev.edge,
                Better::Lower => edge > prev.edge,
            };
            if !ordered || b.points > prev.points {
                return Err(invalid(
                    at,
                    "bands go from best to worst: edges strictly monotone, points not rising",
                ));
            }
        }
        bands.push(Band {
            edge,
            inclusive: b
                .on_edge
                .map_or(default_inclusive, |e| e == OnEdge::HigherBand),
            points: b.points,
            label: String::new(),
        });
    }
    if bands.last().is_some_and(|b| floor_spec.points > b.points) {
        return Err(invalid(
            at,
            "the last band cannot earn more than the one before",
        ));
    }
    // Labels state the interval each band covers under the edge rule in force.
    let show = |v: f64| measure.show(v);
    for i in 0..bands.len() {
        let (edge, incl) = (bands[i].edge, bands[i].inclusive);
        bands[i].label = match (better, i.checked_sub(1).map(|j| &bands[j])) {
            (Better::Higher, None) => format!("{} {}", if incl { "≥" } else { ">" }, show(edge)),
            (Better::Lower, None) => format!("{} {}", if incl { "≤" } else { "<" }, show(edge)),
            (Better::Higher, Some(up)) => format!(
                "{}{}, {}{}",
                if incl { "[" } else { "(" },
                show(edge),
                show(up.edge),
                if up.inclusive { ")" } else { "]" }
            ),
            (Better::Lower, Some(low)) => format!(
                "{}{}, {}{}",
                if low.inclusive { "(" } else { "[" },
                show(low.edge),
                show(edge),
                if incl { "]" } else { ")" }
            ),
        };
    }
    let floor_label = match (better, bands.last()) {
        (Better::Higher, Some(b)) => {
            format!("{} {}", if b.inclusive { "<" } else { "≤" }, show(b.edge))
        }
        (Better::Lower, Some(b)) => {
            format!("{} {}", if b.inclusive { ">" } else { "≥" }, show(b.edge))
        }
        (_, None) => String::new(),
    };
    Ok(BandSet {
        measure_name: measure.name(),
        measure,
        better,
        bands,
        floor: floor_spec.points,
        floor_label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::EnterpriseProfile;
    use std::collections::BTreeMap;

    fn indicator(text: &str, edge_takes_higher_band: bool) -> Result<Indicator, RulesError> {
        let spec: IndicatorSpec =
            toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))?;
        let defines = BTreeMap::new();
        compile_indicator(
            &spec,
            0,
            edge_takes_higher_band,
            &CondCompiler { defines: &defines },
        )
    }

    const DEBT: &str = r#"
        id = "debt"
        name_zh = "资产负债率"
        name_en = "debt ratio"
        max = 10
        kind = "bands"
        measure = "debt_ratio_pct"
        better = "lower"
        bands = [ { edge = 55, points = 10 }, { edge = 75, points = 5 }, { points = 0 } ]
    "#;

    fn debt(p: f64, higher: bool) -> (f64, String) {
        let ind = indicator(DEBT, higher).expect("compiles");
        let profile = EnterpriseProfile {
            debt_ratio_pct: Some(p),
            ..Default::default()
        };
        let s = ind.score(&Inputs::new(&profile));
        (s.lo, s.band.unwrap_or_default().to_owned())
    }

    #[test]
    fn lower_is_better_bands_follow_the_edge_rule() {
        assert_eq!(debt(55.0, true), (10.0, "≤ 55".into()));
        assert_eq!(debt(55.0, false), (5.0, "[55, 75)".into()));
        assert_eq!(debt(75.0, true), (5.0, "(55, 75]".into()));
        assert_eq!(debt(75.0, false), (0.0, "≥ 75".into()));
        assert_eq!(debt(75.000001, true), (0.0, "> 75".into()));
        assert_eq!(debt(54.999999, false), (10.0, "< 55".into()));
    }

    #[test]
    fn bad_band_tables_are_rejected() {
        let not_monotone = DEBT.replace("edge = 75", "edge = 50");
        assert!(indicator(&not_monotone, true).is_err());
        let wrong_max = DEBT.replace("max = 10", "max = 12");
        assert!(indicator(&wrong_max, true).is_err());
        let no_floor = DEBT.replace(", { points = 0 }", "");
        assert!(indicator(&no_floor, true).is_err());
        let stray = DEBT.replace("kind = \"bands\"", "kind = \"bands\"\nper_item = 3");
        assert!(indicator(&stray, true).is_err());
    }

    #[test]
    fn missing_value_gives_the_full_range() {
        let ind = indicator(DEBT, true).expect("compiles");
        let s = ind.score(&Inputs::new(&EnterpriseProfile::default()));
        assert_eq!((s.lo, s.hi), (0.0, 10.0));
        assert!(s.missing.contains(crate::Field::DebtRatioPct));
    }
}
