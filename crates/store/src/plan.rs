//! Deciding what a batch changes, without SQL: compare the submitted records with what is
//! stored, keep only real changes, and recompute derived values for every enterprise touched.
//! Both backends write the plan this module makes, so they agree on every count.

use crate::error::{StoreError, StoreResult};
use crate::records::{EnterpriseRecord, UpsertSummary};
use serde_json::json;
use shangyun_registry::derive::derive_outcomes;
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Title};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// What is stored for the enterprises of a batch.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Existing {
    pub enterprises: HashMap<String, Enterprise>,
    /// Per USCC, any order.
    pub figures: HashMap<String, Vec<AnnualFigures>>,
    pub titles: HashMap<String, Vec<Title>>,
}

impl Existing {
    /// Whether `self` and `other` hold the same stored state for `uscc` (figures and titles
    /// in any order): values derived against one hold for the other.
    pub fn same_for(&self, other: &Existing, uscc: &str) -> bool {
        fn sorted<T: Clone, K: Ord>(rows: Option<&Vec<T>>, key: impl Fn(&T) -> K) -> Vec<T> {
            let mut rows = rows.cloned().unwrap_or_default();
            rows.sort_by_key(key);
            rows
        }
        let figures = |e: &Existing| sorted(e.figures.get(uscc), |f| f.year);
        let titles = |e: &Existing| {
            sorted(e.titles.get(uscc), |t| {
                (crate::filter::tier_key(t.tier), t.issued)
            })
        };
        self.enterprises.get(uscc) == other.enterprises.get(uscc)
            && figures(self) == figures(other)
            && titles(self) == titles(other)
    }
}

/// A derived row as written: the values plus whether its year is the enterprise's latest.
#[derive(Debug, Clone)]
pub(crate) struct DerivedRow {
    pub derived: Derived,
    pub is_latest: bool,
}

impl DerivedRow {
    /// The summary outcome of one tier over the editions evaluated: `eligible` when any says
    /// so, else `not-enough-data` when any says that, else `not-eligible`; `not-evaluated`
    /// when no edition of the tier ran.
    pub fn tier_summary(&self, tier: shangyun_registry::Tier) -> &'static str {
        let outcomes = self.derived.tiers.iter().filter(|t| t.tier == tier);
        let mut summary = "not-evaluated";
        for verdict in outcomes {
            match verdict.outcome.as_ref() {
                "eligible" => return "eligible",
                "not-enough-data" => summary = "not-enough-data",
                _ if summary == "not-evaluated" => summary = "not-eligible",
                _ => {}
            }
        }
        summary
    }
}

/// One enterprise's change, for the per-record audit log.
#[derive(Debug, Clone)]
pub(crate) struct RecordChange {
    pub uscc: String,
    pub action: &'static str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// Rows to write, split by whether their enterprise was stored when the batch was planned:
/// the rows of an unstored one are all new and go in without a conflict clause.
#[derive(Debug)]
pub(crate) struct ByStored<T> {
    pub unstored: Vec<T>,
    pub stored: Vec<T>,
}

impl<T> Default for ByStored<T> {
    fn default() -> Self {
        ByStored {
            unstored: Vec::new(),
            stored: Vec::new(),
        }
    }
}

impl<T> ByStored<T> {
    fn side(&mut self, stored: bool) -> &mut Vec<T> {
        if stored {
            &mut self.stored
        } else {
            &mut self.unstored
        }
    }

    /// Every row, unstored enterprises' first.
    pub fn into_all(self) -> impl Iterator<Item = T> {
        self.unstored.into_iter().chain(self.stored)
    }
}

#[cfg(test)]
impl<T> ByStored<T> {
    fn iter(&self) -> impl Iterator<Item = &T> {
        self.unstored.iter().chain(&self.stored)
    }

    fn len(&self) -> usize {
        self.unstored.len() + self.stored.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything a batch writes.
#[derive(Debug, Default)]
pub(crate) struct BatchPlan<'a> {
    pub enterprises: ByStored<&'a Enterprise>,
    pub figures: ByStored<&'a AnnualFigures>,
    pub titles: Vec<&'a Title>,
    pub derived: ByStored<DerivedRow>,
    pub changes: Vec<RecordChange>,
    pub summary: UpsertSummary,
}

/// Checks the invariants the store relies on and merges records of the same USCC (the later
/// one wins field by field of the contract: enterprise replaced, figures and titles by key).
pub(crate) fn normalize(records: &[EnterpriseRecord]) -> StoreResult<Cow<'_, [EnterpriseRecord]>> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(records.len());
    let mut duplicated = false;
    for record in records {
        check_record(record)?;
        duplicated |= !seen.insert(record.enterprise.uscc.as_str());
    }
    if !duplicated {
        return Ok(Cow::Borrowed(records));
    }
    let mut merged: Vec<EnterpriseRecord> = Vec::with_capacity(seen.len());
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(seen.len());
    for record in records {
        match position.get(record.enterprise.uscc.as_str()) {
            Some(&i) => {
                let target = &mut merged[i];
                target.enterprise = record.enterprise.clone();
                for f in &record.figures {
                    target.figures.retain(|old| old.year != f.year);
                    target.figures.push(f.clone());
                }
                for t in &record.titles {
                    target
                        .titles
                        .retain(|old| (old.tier, old.issued) != (t.tier, t.issued));
                    target.titles.push(t.clone());
                }
            }
            None => {
                position.insert(record.enterprise.uscc.as_str(), merged.len());
                merged.push(record.clone());
            }
        }
    }
    Ok(Cow::Owned(merged))
}

fn check_record(record: &EnterpriseRecord) -> StoreResult<()> {
    let uscc = &record.enterprise.uscc;
    let bad = |reason: String| StoreError::InvalidRecord {
        uscc: uscc.clone(),
        reason,
    };
    if uscc.trim().is_empty() {
        return Err(bad("the USCC is empty".to_owned()));
    }
    if let Some(f) = record.figures.iter().find(|f| &f.uscc != uscc) {
        return Err(bad(format!("figures of {} belong to {}", f.year, f.uscc)));
    }
    if let Some(t) = record.titles.iter().find(|t| &t.uscc != uscc) {
        return Err(bad(format!("a title belongs to {}", t.uscc)));
    }
    for f in &record.figures {
        let reals = [
            ("revenue", f.revenue),
            ("main_business_revenue", f.main_business_revenue),
            ("assets", f.assets),
            ("rd_spend", f.rd_spend),
            ("net_profit", f.net_profit),
            ("debt_ratio", f.debt_ratio),
            ("energy_kwh", f.energy_kwh),
        ];
        if let Some((name, _)) = reals
            .iter()
            .find(|(_, v)| v.is_some_and(|v| !v.is_finite()))
        {
            return Err(bad(format!("{name} of {} is not a finite number", f.year)));
        }
    }
    let mut years = HashSet::new();
    if let Some(f) = record.figures.iter().find(|f| !years.insert(f.year)) {
        return Err(bad(format!("year {} appears twice", f.year)));
    }
    Ok(())
}

/// Derived rows computed ahead of planning, per USCC.
pub(crate) type Precomputed = HashMap<String, Vec<DerivedRow>>;

/// The derived rows `plan_batch` would compute for `records` against `existing`.
pub(crate) fn derive_changed(records: &[EnterpriseRecord], existing: &Existing) -> Precomputed {
    let plan = plan_batch(records, existing, false, None);
    let mut out: Precomputed = HashMap::with_capacity(records.len());
    for row in plan.derived.into_all() {
        out.entry(row.derived.uscc.clone()).or_default().push(row);
    }
    out
}

/// Compares `records` (normalised: one per USCC) with `existing` and plans the writes.
/// `per_record_audit` also collects before/after values of every changed enterprise.
/// Derived rows found in `precomputed` (computed against the same `existing`) are used
/// instead of deriving again.
pub(crate) fn plan_batch<'a>(
    records: &'a [EnterpriseRecord],
    existing: &Existing,
    per_record_audit: bool,
    mut precomputed: Option<&mut Precomputed>,
) -> BatchPlan<'a> {
    let mut plan = BatchPlan::default();
    for record in records {
        let uscc = record.enterprise.uscc.as_str();
        let old_enterprise = existing.enterprises.get(uscc);
        let old_figures: &[AnnualFigures] =
            existing.figures.get(uscc).map(Vec::as_slice).unwrap_or(&[]);
        let old_titles: &[Title] = existing.titles.get(uscc).map(Vec::as_slice).unwrap_or(&[]);

        let enterprise_changed = old_enterprise != Some(&record.enterprise);
        match old_enterprise {
            None => plan.summary.enterprises_inserted += 1,
            Some(_) if enterprise_changed => plan.summary.enterprises_updated += 1,
            Some(_) => plan.summary.enterprises_unchanged += 1,
        }
        let stored = old_enterprise.is_some();
        if enterprise_changed {
            plan.enterprises.side(stored).push(&record.enterprise);
        }

        let mut changed_figures: Vec<(&AnnualFigures, Option<&AnnualFigures>)> = Vec::new();
        for f in &record.figures {
            let old = old_figures.iter().find(|o| o.year == f.year);
            match old {
                None => plan.summary.figures_inserted += 1,
                Some(o) if o != f => plan.summary.figures_updated += 1,
                Some(_) => {
                    plan.summary.figures_unchanged += 1;
                    continue;
                }
            }
            plan.figures.side(stored).push(f);
            changed_figures.push((f, old));
        }

        let mut changed_titles: Vec<(&Title, Option<&Title>)> = Vec::new();
        for t in &record.titles {
            let old = old_titles
                .iter()
                .find(|o| o.tier == t.tier && o.issued == t.issued);
            match old {
                None => plan.summary.titles_inserted += 1,
                Some(o) if o != t => plan.summary.titles_updated += 1,
                Some(_) => continue,
            }
            plan.titles.push(t);
            changed_titles.push((t, old));
        }

        if !enterprise_changed && changed_figures.is_empty() && changed_titles.is_empty() {
            continue;
        }

        let ready = precomputed.as_deref_mut().and_then(|p| p.remove(uscc));
        let rows = match ready {
            Some(rows) => rows,
            None => {
                let figures = merge_by(old_figures, &record.figures, |a, b| a.year == b.year);
                let titles = merge_by(old_titles, &record.titles, |a, b| {
                    a.tier == b.tier && a.issued == b.issued
                });
                derived_rows(&record.enterprise, &figures, &titles)
            }
        };
        plan.summary.derived_written += rows.len() as u64;
        plan.derived.side(stored).extend(rows);

        if per_record_audit {
            plan.changes.push(RecordChange {
                uscc: uscc.to_owned(),
                action: if old_enterprise.is_some() {
                    "update"
                } else {
                    "insert"
                },
                before: json!({
                    "enterprise": old_enterprise.filter(|_| enterprise_changed),
                    "figures": changed_figures.iter().filter_map(|(_, o)| *o).collect::<Vec<_>>(),
                    "titles": changed_titles.iter().filter_map(|(_, o)| *o).collect::<Vec<_>>(),
                }),
                after: json!({
                    "enterprise": Some(&record.enterprise).filter(|_| enterprise_changed),
                    "figures": changed_figures.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                    "titles": changed_titles.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                }),
            });
        }
    }
    plan
}

/// Derived rows for every year of `figures`, the latest year flagged; without explanations,
/// which are recomputed on read (`rows::EXPLAINED_ON_READ`).
pub(crate) fn derived_rows(
    enterprise: &Enterprise,
    figures: &[AnnualFigures],
    titles: &[Title],
) -> Vec<DerivedRow> {
    let latest = figures.iter().map(|f| f.year).max();
    derive_outcomes(enterprise, figures, titles)
        .into_iter()
        .map(|derived| DerivedRow {
            is_latest: Some(derived.year) == latest,
            derived,
        })
        .collect()
}

/// `old` with every element that `same` matches in `new` replaced, plus the rest of `new`.
/// Borrows `new` when nothing is stored (the common case of a first import).
fn merge_by<'a, T: Clone>(old: &[T], new: &'a [T], same: impl Fn(&T, &T) -> bool) -> Cow<'a, [T]> {
    if old.is_empty() {
        return Cow::Borrowed(new);
    }
    let mut merged: Vec<T> = old
        .iter()
        .filter(|o| !new.iter().any(|n| same(o, n)))
        .cloned()
        .collect();
    merged.extend(new.iter().cloned());
    Cow::Owned(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enterprise(uscc: &str, name: &str) -> Enterprise {
        Enterprise {
            uscc: uscc.to_owned(),
            name: name.to_owned(),
            registered_region: "330106".to_owned(),
            operating_region: None,
            industry: "6511".to_owned(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        }
    }

    fn figures(uscc: &str, year: i32, employees: i64) -> AnnualFigures {
        AnnualFigures {
            uscc: uscc.to_owned(),
            year,
            employees: Some(employees),
            ..AnnualFigures::default()
        }
    }

    #[test]
    fn duplicates_merge_later_wins() -> StoreResult<()> {
        let records = vec![
            EnterpriseRecord::new(enterprise("A", "old"), vec![figures("A", 2023, 1)]),
            EnterpriseRecord::new(enterprise("B", "b"), vec![]),
            EnterpriseRecord::new(
                enterprise("A", "new"),
                vec![figures("A", 2023, 2), figures("A", 2024, 3)],
            ),
        ];
        let merged = normalize(&records)?;
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].enterprise.name, "new");
        let employees: Vec<_> = merged[0].figures.iter().map(|f| f.employees).collect();
        assert_eq!(employees, vec![Some(2), Some(3)]);
        Ok(())
    }

    #[test]
    fn foreign_figures_are_refused() {
        let records = vec![EnterpriseRecord::new(
            enterprise("A", "a"),
            vec![figures("B", 2023, 1)],
        )];
        assert!(matches!(
            normalize(&records),
            Err(StoreError::InvalidRecord { .. })
        ));
    }

    #[test]
    fn unchanged_rows_are_not_written() {
        let records = vec![EnterpriseRecord::new(
            enterprise("A", "a"),
            vec![figures("A", 2023, 5), figures("A", 2024, 6)],
        )];
        let mut existing = Existing::default();
        existing
            .enterprises
            .insert("A".into(), enterprise("A", "a"));
        existing.figures.insert(
            "A".into(),
            vec![figures("A", 2022, 4), figures("A", 2023, 5)],
        );
        let plan = plan_batch(&records, &existing, true, None);
        assert_eq!(plan.summary.enterprises_unchanged, 1);
        assert_eq!(plan.summary.figures_unchanged, 1);
        assert_eq!(plan.summary.figures_inserted, 1);
        assert_eq!(plan.figures.len(), 1);
        assert!(plan.enterprises.is_empty());
        // All three years are re-derived, and only 2024 is the latest.
        let years: Vec<_> = plan
            .derived
            .iter()
            .map(|d| (d.derived.year, d.is_latest))
            .collect();
        assert_eq!(years.len(), 3);
        assert!(years.contains(&(2024, true)) && years.contains(&(2022, false)));
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, "update");
    }

    #[test]
    fn identical_batch_plans_nothing() {
        let records = vec![EnterpriseRecord::new(
            enterprise("A", "a"),
            vec![figures("A", 2023, 5)],
        )];
        let mut existing = Existing::default();
        existing
            .enterprises
            .insert("A".into(), enterprise("A", "a"));
        existing
            .figures
            .insert("A".into(), vec![figures("A", 2023, 5)]);
        let plan = plan_batch(&records, &existing, true, None);
        assert!(plan.enterprises.is_empty() && plan.figures.is_empty());
        assert!(plan.derived.is_empty() && plan.changes.is_empty());
    }
}
