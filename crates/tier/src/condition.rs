//! Conditions in three-valued logic: true, false, or unknown because data is missing.
//!
//! An unknown result carries the fields whose values could still make it true or false, so
//! a verdict lists only missing data that could change the outcome.

use crate::error::RulesError;
use crate::field::{Field, FieldSet};
use crate::inputs::Inputs;
use crate::measure::Measure;
use crate::profile::{AwardKind, EnterpriseProfile, ProductField, TitleKind};
use crate::spec::{CondSpec, NumOrName};
use serde::Serialize;
use std::collections::BTreeMap;

/// True, false, or not decidable from the data given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Depends on data that is missing.
    Unknown,
}

/// A truth value with, when unknown, the missing fields it depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tri {
    pub truth: Truth,
    pub missing: FieldSet,
}

impl Tri {
    pub const TRUE: Tri = Tri {
        truth: Truth::True,
        missing: FieldSet::EMPTY,
    };
    pub const FALSE: Tri = Tri {
        truth: Truth::False,
        missing: FieldSet::EMPTY,
    };

    pub fn unknown(missing: FieldSet) -> Tri {
        Tri {
            truth: Truth::Unknown,
            missing,
        }
    }

    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::TRUE } else { Tri::FALSE }
    }

    /// Conjunction, accumulating: false wins, then unknown (missing fields add up).
    pub fn and(self, other: Tri) -> Tri {
        match (self.truth, other.truth) {
            (Truth::False, _) | (_, Truth::False) => Tri::FALSE,
            (Truth::True, Truth::True) => Tri::TRUE,
            _ => Tri::unknown(self.missing.union(other.missing)),
        }
    }

    /// Disjunction, accumulating: true wins, then unknown.
    pub fn or(self, other: Tri) -> Tri {
        match (self.truth, other.truth) {
            (Truth::True, _) | (_, Truth::True) => Tri::TRUE,
            (Truth::False, Truth::False) => Tri::FALSE,
            _ => Tri::unknown(self.missing.union(other.missing)),
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `≥`
    #[serde(rename = ">=")]
    AtLeast,
    /// `≤`
    #[serde(rename = "<=")]
    AtMost,
    /// `>`
    #[serde(rename = ">")]
    Above,
    /// `<`
    #[serde(rename = "<")]
    Below,
    /// `=`
    #[serde(rename = "=")]
    Equals,
}

impl Op {
    /// The operator as a symbol (`≥`, `≤`, `>`, `<`, `=`).
    pub const fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::AtMost => "≤",
            Op::Above => ">",
            Op::Below => "<",
            Op::Equals => "=",
        }
    }

    fn test(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::AtLeast => value >= threshold,
            Op::AtMost => value <= threshold,
            Op::Above => value > threshold,
            Op::Below => value < threshold,
            Op::Equals => value == threshold,
        }
    }
}

/// Where a number comes from: a built-in measure or a province's own value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum MeasureRef {
    Builtin(Measure),
    Local(Box<str>),
}

impl MeasureRef {
    pub fn parse(name: &str, at: &str) -> Result<MeasureRef, RulesError> {
        if let Some(key) = name.strip_prefix("local.") {
            if key.is_empty() {
                return Err(RulesError::UnknownName {
                    at: at.to_owned(),
                    kind: "measure",
                    name: name.to_owned(),
                });
            }
            return Ok(MeasureRef::Local(key.into()));
        }
        Measure::from_name(name)
            .map(MeasureRef::Builtin)
            .ok_or_else(|| RulesError::UnknownName {
                at: at.to_owned(),
                kind: "measure",
                name: name.to_owned(),
            })
    }

    pub fn value(&self, inputs: &Inputs<'_>) -> Result<f64, FieldSet> {
        match self {
            MeasureRef::Builtin(m) => inputs.get(*m),
            MeasureRef::Local(key) => inputs
                .profile
                .local_values
                .as_ref()
                .and_then(|values| values.get(&**key))
                .copied()
                .ok_or(FieldSet::of(Field::LocalValues)),
        }
    }

    pub fn name(&self) -> String {
        match self {
            MeasureRef::Builtin(m) => m.name().to_owned(),
            MeasureRef::Local(key) => format!("local.{key}"),
        }
    }

    pub fn label_zh(&self) -> String {
        match self {
            MeasureRef::Builtin(m) => m.label_zh().to_owned(),
            MeasureRef::Local(key) => format!("地方指标 {key}"),
        }
    }

    /// A threshold written in data: a number, or a level name for leveled measures.
    pub fn threshold(&self, v: &NumOrName, at: &str) -> Result<f64, RulesError> {
        match v {
            NumOrName::Num(x) if x.is_finite() => Ok(*x),
            NumOrName::Num(_) => Err(RulesError::Invalid {
                at: at.to_owned(),
                reason: "threshold is not a finite number".into(),
            }),
            NumOrName::Name(name) => match self {
                MeasureRef::Builtin(m) => m.level(name),
                MeasureRef::Local(_) => None,
            }
            .ok_or_else(|| RulesError::UnknownName {
                at: at.to_owned(),
                kind: "level",
                name: name.clone(),
            }),
        }
    }

    /// A number for labels: level names where the measure has them.
    pub fn show(&self, v: f64) -> String {
        match self {
            MeasureRef::Builtin(m) => m.level_name(v).map_or_else(|| show_num(v), str::to_owned),
            MeasureRef::Local(_) => show_num(v),
        }
    }
}

/// `5` rather than `5.0`; other numbers as Rust prints them.
pub(crate) fn show_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

/// A test on the profile that the failure report can name.
#[derive(Debug, PartialEq)]
pub(crate) struct Leaf {
    pub test: Test,
    /// Machine name, e.g. `rd_ratio_pct` or `titles∋{high_tech_enterprise}`.
    pub name: String,
    /// Chinese label.
    pub label_zh: String,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Test {
    Compare {
        measure: MeasureRef,
        op: Op,
        threshold: f64,
    },
    Title(Vec<TitleKind>),
    Award {
        kinds: Vec<AwardKind>,
        rank_at_most: Option<u32>,
    },
    ProductField(Vec<ProductField>),
}

/// A compiled condition.
#[derive(Debug, PartialEq)]
pub(crate) enum Cond {
    Leaf(Leaf),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

impl Leaf {
    pub fn op_threshold(&self) -> (Op, f64) {
        match &self.test {
            Test::Compare { op, threshold, .. } => (*op, *threshold),
            _ => (Op::Equals, 1.0),
        }
    }

    /// The leaf's value for the report: the measure, or 1/0 for held/not held.
    pub fn observed(&self, p: &Inputs<'_>) -> Option<f64> {
        match &self.test {
            Test::Compare { measure, .. } => measure.value(p).ok(),
            _ => match self.eval(p).truth {
                Truth::True => Some(1.0),
                Truth::False => Some(0.0),
                Truth::Unknown => None,
            },
        }
    }

    fn eval(&self, p: &Inputs<'_>) -> Tri {
        match &self.test {
            Test::Compare {
                measure,
                op,
                threshold,
            } => match measure.value(p) {
                Ok(v) => Tri::from_bool(op.test(v, *threshold)),
                Err(missing) => Tri::unknown(missing),
            },
            Test::Title(kinds) => holds_title(p.profile, kinds),
            Test::Award {
                kinds,
                rank_at_most,
            } => has_award(p.profile, kinds, *rank_at_most),
            Test::ProductField(set) => in_product_field(p.profile, set),
        }
    }
}

/// The main product is in one of `set`.
#[inline(never)] // keeps the hot comparison path of `Leaf::eval` small
fn in_product_field(p: &EnterpriseProfile, set: &[ProductField]) -> Tri {
    match &p.main_product_fields {
        None => Tri::unknown(FieldSet::of(Field::MainProductFields)),
        Some(fields) => Tri::from_bool(fields.iter().any(|f| set.contains(f))),
    }
}

/// A valid title of one of `kinds`: held, and not expired on `as_of` (no expiry = valid).
#[inline(never)]
fn holds_title(p: &EnterpriseProfile, kinds: &[TitleKind]) -> Tri {
    let Some(titles) = &p.titles else {
        return Tri::unknown(FieldSet::of(Field::Titles));
    };
    let mut result = Tri::FALSE;
    for t in titles.iter().filter(|t| kinds.contains(&t.title)) {
        let valid = match (t.expires_on, p.as_of) {
            (None, _) => Tri::TRUE,
            (Some(end), Some(today)) => Tri::from_bool(today <= end),
            (Some(_), None) => Tri::unknown(FieldSet::of(Field::AsOf)),
        };
        result = result.or(valid);
    }
    result
}

/// An award of one of `kinds` in the last 3 years, ranked within `rank_at_most` if given.
#[inline(never)]
fn has_award(p: &EnterpriseProfile, kinds: &[AwardKind], rank_at_most: Option<u32>) -> Tri {
    let Some(awards) = &p.awards else {
        return Tri::unknown(FieldSet::of(Field::Awards));
    };
    let mut result = Tri::FALSE;
    for a in awards.iter().filter(|a| kinds.contains(&a.kind)) {
        let ranked = match (rank_at_most, a.rank) {
            (None, _) => Tri::TRUE,
            (Some(limit), Some(rank)) => Tri::from_bool(rank <= limit),
            (Some(_), None) => Tri::unknown(FieldSet::of(Field::Awards)),
        };
        result = result.or(ranked);
    }
    result
}

impl Cond {
    pub fn eval(&self, p: &Inputs<'_>) -> Tri {
        match self {
            Cond::Leaf(leaf) => leaf.eval(p),
            Cond::All(parts) => {
                let mut acc = Tri::TRUE;
                for c in parts {
                    acc = acc.and(c.eval(p));
                    if acc.truth == Truth::False {
                        break;
                    }
                }
                acc
            }
            Cond::Any(parts) => {
                let mut acc = Tri::FALSE;
                for c in parts {
                    acc = acc.or(c.eval(p));
                    if acc.truth == Truth::True {
                        break;
                    }
                }
                acc
            }
        }
    }

    /// For a condition that is false: calls `report` with each leaf that made it so and the
    /// value it met.
    pub fn explain<'e>(&'e self, p: &Inputs<'_>, report: &mut impl FnMut(&'e Leaf, Option<f64>)) {
        match self {
            Cond::Leaf(leaf) => {
                if leaf.eval(p).truth == Truth::False {
                    report(leaf, leaf.observed(p));
                }
            }
            // Only the false parts of a false conjunction; every part of a false disjunction.
            Cond::All(parts) | Cond::Any(parts) => {
                for c in parts {
                    if c.eval(p).truth == Truth::False {
                        c.explain(p, report);
                    }
                }
            }
        }
    }

    /// The single measure this condition compares, if it is one comparison (for labels).
    pub fn single_measure(&self) -> Option<&MeasureRef> {
        match self {
            Cond::Leaf(Leaf {
                test: Test::Compare { measure, .. },
                ..
            }) => Some(measure),
            _ => None,
        }
    }
}

/// Compiles conditions, resolving `{ ref = … }` against the file's `[defines]`.
pub(crate) struct CondCompiler<'s> {
    pub defines: &'s BTreeMap<String, CondSpec>,
}

impl CondCompiler<'_> {
    pub fn compile(&self, spec: &CondSpec, at: &str) -> Result<Cond, RulesError> {
        self.compile_depth(spec, at, 0)
    }

    fn compile_depth(&self, spec: &CondSpec, at: &str, depth: u32) -> Result<Cond, RulesError> {
        // Bounds recursion through [defines] (a ref cycle would never end).
        if depth > 16 {
            return Err(invalid(at, "conditions nest deeper than 16 (a ref cycle?)"));
        }
        let forms = [
            spec.measure.is_some(),
            spec.flag.is_some(),
            spec.title.is_some(),
            spec.award.is_some(),
            spec.product_field.is_some(),
            spec.all.is_some(),
            spec.any.is_some(),
            spec.reference.is_some(),
        ];
        if forms.iter().filter(|f| **f).count() != 1 {
            return Err(invalid(
                at,
                "a condition needs exactly one of measure, flag, title, award, product_field, all, any, ref",
            ));
        }
        let comparisons = [
            (&spec.at_least, Op::AtLeast),
            (&spec.at_most, Op::AtMost),
            (&spec.above, Op::Above),
            (&spec.below, Op::Below),
            (&spec.equals, Op::Equals),
        ];
        let given: Vec<_> = comparisons.iter().filter(|(v, _)| v.is_some()).collect();
        if spec.measure.is_none() && !given.is_empty() {
            return Err(invalid(
                at,
                "at_least/at_most/above/below/equals need a measure",
            ));
        }
        if spec.award.is_none() && spec.rank_at_most.is_some() {
            return Err(invalid(at, "rank_at_most needs an award"));
        }
        if let Some(name) = &spec.measure {
            let [(Some(value), op)] = given.as_slice() else {
                return Err(invalid(
                    at,
                    "a measure needs exactly one of at_least, at_most, above, below, equals",
                ));
            };
            let measure = MeasureRef::parse(name, at)?;
            let threshold = measure.threshold(value, at)?;
            let name = format!(
                "{}{}{}",
                measure.name(),
                op.symbol(),
                measure.show(threshold)
            );
            // The report shows op and threshold beside the label.
            let label_zh = measure.label_zh();
            return Ok(Cond::Leaf(Leaf {
                test: Test::Compare {
                    measure,
                    op: *op,
                    threshold,
                },
                name,
                label_zh,
            }));
        }
        if let Some(name) = &spec.flag {
            let measure = MeasureRef::parse(name, at)?;
            return Ok(Cond::Leaf(Leaf {
                name: measure.name(),
                label_zh: measure.label_zh(),
                test: Test::Compare {
                    measure,
                    op: Op::Equals,
                    threshold: 1.0,
                },
            }));
        }
        if let Some(names) = &spec.title {
            let kinds = resolve(names, &TitleKind::ALL, TitleKind::name, "title", at)?;
            return Ok(Cond::Leaf(Leaf {
                name: format!("titles∋{{{}}}", names.join("|")),
                label_zh: format!("持有有效称号之一: {}", names.join("、")),
                test: Test::Title(kinds),
            }));
        }
        if let Some(names) = &spec.award {
            let kinds = resolve(names, &AwardKind::ALL, AwardKind::name, "award", at)?;
            let rank = spec
                .rank_at_most
                .map(|r| format!(" rank≤{r}"))
                .unwrap_or_default();
            let rank_zh = spec
                .rank_at_most
                .map(|r| format!("(排名前{r})"))
                .unwrap_or_default();
            return Ok(Cond::Leaf(Leaf {
                name: format!("awards∋{{{}}}{rank}", names.join("|")),
                label_zh: format!("近3年获奖之一: {}{rank_zh}", names.join("、")),
                test: Test::Award {
                    kinds,
                    rank_at_most: spec.rank_at_most,
                },
            }));
        }
        if let Some(names) = &spec.product_field {
            let set = resolve(
                names,
                &ProductField::ALL,
                ProductField::name,
                "product field",
                at,
            )?;
            return Ok(Cond::Leaf(Leaf {
                name: format!("main_product_fields∋{{{}}}", names.join("|")),
                label_zh: format!("主导产品属于领域之一: {}", names.join("、")),
                test: Test::ProductField(set),
            }));
        }
        if let Some(reference) = &spec.reference {
            let inner = self
                .defines
                .get(reference)
                .ok_or_else(|| RulesError::UnknownName {
                    at: at.to_owned(),
                    kind: "define",
                    name: reference.clone(),
                })?;
            return self.compile_depth(inner, &format!("defines.{reference}"), depth + 1);
        }
        let (parts, is_all) = match (&spec.all, &spec.any) {
            (Some(parts), _) => (parts, true),
            (_, Some(parts)) => (parts, false),
            // The form count above guarantees one of all/any here.
            (None, None) => return Err(invalid(at, "empty condition")),
        };
        if parts.is_empty() {
            return Err(invalid(at, "all/any needs at least one condition"));
        }
        let word = if is_all { "all" } else { "any" };
        let compiled = parts
            .iter()
            .enumerate()
            .map(|(i, c)| self.compile_depth(c, &format!("{at}.{word}[{i}]"), depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if is_all {
            Cond::All(compiled)
        } else {
            Cond::Any(compiled)
        })
    }
}

fn resolve<T: Copy>(
    names: &[String],
    all: &[T],
    name_of: fn(T) -> &'static str,
    kind: &'static str,
    at: &str,
) -> Result<Vec<T>, RulesError> {
    if names.is_empty() {
        return Err(invalid(at, "an empty list matches nothing"));
    }
    names
        .iter()
        .map(|n| {
            all.iter()
                .copied()
                .find(|v| name_of(*v) == n)
                .ok_or_else(|| RulesError::UnknownName {
                    at: at.to_owned(),
                    kind,
                    name: n.clone(),
                })
        })
        .collect()
}

pub(crate) fn invalid(at: &str, reason: &str) -> RulesError {
    RulesError::Invalid {
        at: at.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Award, TitleHeld};

    fn compile(text: &str) -> Result<Cond, RulesError> {
        #[derive(serde::Deserialize)]
        struct Wrap {
            when: CondSpec,
            #[serde(default)]
            defines: BTreeMap<String, CondSpec>,
        }
        let w: Wrap = toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))?;
        CondCompiler {
            defines: &w.defines,
        }
        .compile(&w.when, "when")
    }

    #[test]
    fn three_valued_and_or() {
        let u = Tri::unknown(FieldSet::of(Field::Revenue));
        assert_eq!(Tri::TRUE.and(u).truth, Truth::Unknown);
        assert_eq!(Tri::FALSE.and(u), Tri::FALSE);
        assert_eq!(Tri::TRUE.or(u), Tri::TRUE);
        assert_eq!(Tri::FALSE.or(u), u);
    }

    #[test]
    fn comparison_with_level_names_and_missing_data() {
        let c = compile("when = { measure = \"rd_institution_level\", at_least = \"provincial\" }")
            .expect("compiles");
        let mut p = EnterpriseProfile::default();
        assert_eq!(
            c.eval(&Inputs::new(&p)),
            Tri::unknown(FieldSet::of(Field::RdInstitutionLevel))
        );
        p.rd_institution_level = Some(crate::RdInstitutionLevel::City);
        assert_eq!(c.eval(&Inputs::new(&p)), Tri::FALSE);
        p.rd_institution_level = Some(crate::RdInstitutionLevel::Provincial);
        assert_eq!(c.eval(&Inputs::new(&p)), Tri::TRUE);
    }

    #[test]
    fn titles_expire_and_need_a_date() {
        let c = compile("when = { title = [\"specialized_sme\"] }").expect("compiles");
        let mut p = EnterpriseProfile {
            titles: Some(vec![TitleHeld {
                title: TitleKind::SpecializedSme,
                edition: None,
                expires_on: "2026-06-30".parse().ok(),
            }]),
            ..Default::default()
        };
        assert_eq!(
            c.eval(&Inputs::new(&p)),
            Tri::unknown(FieldSet::of(Field::AsOf))
        );
        p.as_of = "2026-06-30".parse().ok();
        assert_eq!(c.eval(&Inputs::new(&p)), Tri::TRUE);
        p.as_of = "2026-07-01".parse().ok();
        assert_eq!(c.eval(&Inputs::new(&p)), Tri::FALSE);
        p.titles = Some(vec![]);
        assert_eq!(c.eval(&Inputs::new(&p)), Tri::FALSE);
    }

    #[test]
    fn award_rank_limits_and_explain() {
        let c = compile(
            "when = { any = [ { award = [\"national_st\"], rank_at_most = 3 }, { ref = \"big_rd\" } ] }\n\
             [defines.big_rd]\nmeasure = \"rd_avg_2y\"\nat_least = 1000\n",
        )
        .expect("compiles");
        let mut p = EnterpriseProfile {
            awards: Some(vec![Award {
                kind: AwardKind::NationalSt,
                rank: Some(4),
            }]),
            rd_spend: Some(900.0),
            rd_spend_prev: Some(1000.0),
            ..Default::default()
        };
        assert_eq!(c.eval(&Inputs::new(&p)), Tri::FALSE);
        let mut out = Vec::new();
        c.explain(&Inputs::new(&p), &mut |leaf, value| {
            out.push((leaf.name.clone(), value))
        });
        assert_eq!(
            out,
            [
                ("awards∋{national_st} rank≤3".to_owned(), Some(0.0)),
                ("rd_avg_2y≥1000".to_owned(), Some(950.0))
            ]
        );
        p.awards = Some(vec![Award {
            kind: AwardKind::NationalSt,
            rank: None,
        }]);
        assert_eq!(
            c.eval(&Inputs::new(&p)),
            Tri::unknown(FieldSet::of(Field::Awards))
        );
    }

    #[test]
    fn malformed_conditions_are_rejected() {
        for bad in [
            "when = { measure = \"revenue\" }",
            "when = { measure = \"revenue\", at_least = 1, at_most = 2 }",
            "when = { measure = \"revenu\", at_least = 1 }",
            "when = { measure = \"revenue\", at_least = \"provincial\" }",
            "when = { flag = \"own_brand\", at_least = 1 }",
            "when = { title = [\"duke\"] }",
            "when = { any = [] }",
            "when = { ref = \"nowhere\" }",
            "when = { flag = \"own_brand\", title = [\"little_giant\"] }",
            "when = { ref = \"a\" }\n[defines.a]\nref = \"a\"\n",
        ] {
            assert!(compile(bad).is_err(), "accepted: {bad}");
        }
    }
}
