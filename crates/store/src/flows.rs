//! The store's operations, written once for every backend: load what is stored, plan, write,
//! audit, commit — one transaction per call.

use crate::backend::{Backend, Conn, NewAudit, Write};
use crate::error::{StoreError, StoreResult};
use crate::filter::RegistryFilter;
use crate::plan::{self, Existing};
use crate::records::{
    BatchProgress, ClassifySummary, EnterpriseFile, EnterprisePage, EnterpriseRecord,
    ImportJournal, Progress, UpsertSummary,
};
use chrono::Utc;
use serde_json::json;
use shangyun_registry::derive::derive_enterprise;
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Explanation, Title};
use std::collections::BTreeSet;

/// How a write is audited.
pub(crate) enum AuditMode<'a> {
    /// One entry per changed enterprise, with before and after values.
    PerRecord,
    /// One entry for the whole batch of an import, with counts; the journal advances in the
    /// same transaction.
    ImportBatch(&'a BatchProgress),
}

pub(crate) async fn upsert<B: Backend>(
    backend: &B,
    actor: &str,
    records: &[EnterpriseRecord],
    mode: AuditMode<'_>,
) -> StoreResult<UpsertSummary> {
    let records = plan::normalize(records)?;
    write_batch(backend, actor, &records, mode).await
}

/// Reads what is stored for `records` and derives their values, without the write lock: the
/// CPU-heavy half of a batch, which can run while the previous batch is being written.
pub(crate) async fn prepare<B: Backend>(
    backend: &B,
    records: Vec<EnterpriseRecord>,
) -> StoreResult<PreparedBatch> {
    let records = normalized(records)?;
    let usccs: Vec<&str> = records.iter().map(|r| r.enterprise.uscc.as_str()).collect();
    let mut tx = backend.begin_read().await?;
    let snapshot = load_existing(backend, &mut tx, &usccs).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    // Derivation is pure CPU: run it off the async thread so that the caller's other batch
    // keeps the database busy meanwhile.
    let (records, snapshot, derived) = tokio::task::spawn_blocking(move || {
        let derived = plan::derive_changed(&records, &snapshot);
        (records, snapshot, derived)
    })
    .await
    .map_err(|e| StoreError::corrupt("prepared batch", "batch", e))?;
    Ok(PreparedBatch {
        records,
        snapshot,
        derived,
    })
}

/// `records` checked, with the records of one USCC merged.
fn normalized(records: Vec<EnterpriseRecord>) -> StoreResult<Vec<EnterpriseRecord>> {
    Ok(match plan::normalize(&records)? {
        std::borrow::Cow::Borrowed(_) => records,
        std::borrow::Cow::Owned(merged) => merged,
    })
}

/// Writes a prepared batch. What is stored is read again under the write lock; each
/// enterprise whose stored state changed since `prepare` is derived anew, so the outcome is
/// the same as an unprepared write.
pub(crate) async fn commit_prepared<B: Backend>(
    backend: &B,
    actor: &str,
    prepared: PreparedBatch,
    mode: AuditMode<'_>,
) -> StoreResult<UpsertSummary> {
    let mut tx = backend.begin_write().await?;
    let summary = write_prepared_in(backend, &mut tx, actor, prepared, mode).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(summary)
}

/// [`commit_prepared`] inside a write transaction the caller holds open (and commits): an
/// import puts several batches into one transaction.
pub(crate) async fn write_prepared_in<B: Backend>(
    backend: &B,
    conn: &mut Conn<B>,
    actor: &str,
    prepared: PreparedBatch,
    mode: AuditMode<'_>,
) -> StoreResult<UpsertSummary> {
    let PreparedBatch {
        records,
        snapshot,
        derived,
    } = prepared;
    write_batch_in(
        backend,
        conn,
        actor,
        &records,
        mode,
        Some((snapshot, derived)),
    )
    .await
}

/// Ground truth read and derived values computed ahead of the write lock; see
/// [`Registry::prepare_batch`](crate::Registry::prepare_batch).
pub struct PreparedBatch {
    records: Vec<EnterpriseRecord>,
    /// What `derived` was computed against.
    snapshot: Existing,
    derived: plan::Precomputed,
}

impl PreparedBatch {
    /// Derives `records` as if none of them were stored, without touching the database: the
    /// producer of an import (its reading thread) runs this while the writer commits the
    /// batch before. At commit the values are kept for the enterprises still not stored and
    /// derived anew for the others, as for any prepared batch.
    pub fn assuming_new(records: Vec<EnterpriseRecord>) -> StoreResult<PreparedBatch> {
        let records = normalized(records)?;
        let snapshot = Existing::default();
        let derived = plan::derive_changed(&records, &snapshot);
        Ok(PreparedBatch {
            records,
            snapshot,
            derived,
        })
    }

    /// The batch's USCCs.
    pub(crate) fn usccs(&self) -> Vec<String> {
        self.records
            .iter()
            .map(|r| r.enterprise.uscc.clone())
            .collect()
    }

    /// The records (duplicates merged).
    pub fn records(&self) -> &[EnterpriseRecord] {
        &self.records
    }

    /// Enterprises in the batch (duplicates merged).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True for a batch without records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl std::fmt::Debug for PreparedBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBatch")
            .field("enterprises", &self.records.len())
            .finish()
    }
}

/// Writes a batch in a transaction of its own.
async fn write_batch<B: Backend>(
    backend: &B,
    actor: &str,
    records: &[EnterpriseRecord],
    mode: AuditMode<'_>,
) -> StoreResult<UpsertSummary> {
    let mut tx = backend.begin_write().await?;
    let summary = write_batch_in(backend, &mut tx, actor, records, mode, None).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(summary)
}

/// Writes a batch inside an open write transaction (see [`Backend::begin_write`]).
async fn write_batch_in<B: Backend>(
    backend: &B,
    conn: &mut Conn<B>,
    actor: &str,
    records: &[EnterpriseRecord],
    mode: AuditMode<'_>,
    prepared: Option<(Existing, plan::Precomputed)>,
) -> StoreResult<UpsertSummary> {
    let usccs: Vec<&str> = records.iter().map(|r| r.enterprise.uscc.as_str()).collect();
    let import = match mode {
        AuditMode::ImportBatch(progress) => Some(
            backend
                .get_import(conn, progress.import_id)
                .await?
                .ok_or(StoreError::NoSuchImport(progress.import_id))?,
        ),
        AuditMode::PerRecord => None,
    };

    let existing = load_existing(backend, conn, &usccs).await?;
    let mut precomputed = prepared.map(|(snapshot, mut derived)| {
        derived.retain(|uscc, _| snapshot.same_for(&existing, uscc));
        derived
    });
    let batch = plan::plan_batch(records, &existing, import.is_none(), precomputed.as_mut());
    let now = Utc::now();
    write_plan(backend, conn, &batch, now).await?;

    let audit: Vec<NewAudit> = match (&mode, &import) {
        (AuditMode::ImportBatch(progress), Some(journal)) => {
            backend.advance_import(conn, progress).await?;
            vec![NewAudit {
                action: "import-batch",
                entity: "import",
                entity_key: journal.id.to_string(),
                before: None,
                after: Some(json!({
                    "file_name": journal.file_name,
                    "file_hash": journal.file_hash,
                    "rows_through": progress.rows_through,
                    "rows_ok": progress.rows_ok,
                    "rows_bad": progress.rows_bad,
                    "changes": batch.summary,
                })),
            }]
        }
        _ => per_record_audit(batch.changes),
    };
    backend.append_audit(conn, actor, now, &audit).await?;
    Ok(batch.summary)
}

/// Adds or replaces one title of a stored enterprise, re-deriving its tier verdicts.
pub(crate) async fn add_title<B: Backend>(
    backend: &B,
    actor: &str,
    title: &Title,
) -> StoreResult<UpsertSummary> {
    let mut tx = backend.begin_write().await?;
    let conn: &mut Conn<B> = &mut tx;
    let existing = load_existing(backend, conn, &[title.uscc.as_str()]).await?;
    let enterprise = existing
        .enterprises
        .get(&title.uscc)
        .cloned()
        .ok_or_else(|| StoreError::InvalidRecord {
            uscc: title.uscc.clone(),
            reason: "no such enterprise in the registry; import it first".to_owned(),
        })?;
    let records = [EnterpriseRecord {
        enterprise,
        figures: Vec::new(),
        titles: vec![title.clone()],
    }];
    let batch = plan::plan_batch(&records, &existing, true, None);
    let now = Utc::now();
    write_plan(backend, conn, &batch, now).await?;
    backend
        .append_audit(conn, actor, now, &per_record_audit(batch.changes))
        .await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(batch.summary)
}

async fn write_plan<B: Backend>(
    backend: &B,
    conn: &mut Conn<B>,
    batch: &plan::BatchPlan<'_>,
    now: chrono::DateTime<Utc>,
) -> StoreResult<()> {
    let (enterprises, figures) = (&batch.enterprises, &batch.figures);
    backend
        .write_enterprises(conn, &enterprises.unstored, Write::New, now)
        .await?;
    backend
        .write_enterprises(conn, &enterprises.stored, Write::Upsert, now)
        .await?;
    backend
        .write_figures(conn, &figures.unstored, Write::New)
        .await?;
    backend
        .write_figures(conn, &figures.stored, Write::Upsert)
        .await?;
    backend.write_titles(conn, &batch.titles).await?;
    backend
        .write_derived(conn, &batch.derived.unstored, Write::New, now)
        .await?;
    backend
        .write_derived(conn, &batch.derived.stored, Write::Upsert, now)
        .await
}

fn per_record_audit(changes: Vec<plan::RecordChange>) -> Vec<NewAudit> {
    changes
        .into_iter()
        .map(|c| NewAudit {
            action: c.action,
            entity: "enterprise",
            entity_key: c.uscc,
            before: Some(c.before),
            after: Some(c.after),
        })
        .collect()
}

async fn load_existing<B: Backend>(
    backend: &B,
    conn: &mut Conn<B>,
    usccs: &[&str],
) -> StoreResult<Existing> {
    let mut existing = Existing {
        enterprises: backend.load_enterprises(conn, usccs).await?,
        ..Existing::default()
    };
    // Children are never stored without their enterprise: skip the lookups when a
    // batch is all new, as in a first import.
    if !existing.enterprises.is_empty() {
        let known: Vec<&str> = usccs
            .iter()
            .copied()
            .filter(|u| existing.enterprises.contains_key(*u))
            .collect();
        backend.load_children(conn, &known, &mut existing).await?;
    }
    Ok(existing)
}

/// Enterprise files for `usccs` (in that order; unknown ones skipped), read in `conn`.
pub(crate) async fn files_for<B: Backend>(
    backend: &B,
    conn: &mut Conn<B>,
    enterprises: Vec<shangyun_registry::Enterprise>,
) -> StoreResult<Vec<EnterpriseFile>> {
    let usccs: Vec<&str> = enterprises.iter().map(|e| e.uscc.as_str()).collect();
    let mut existing = Existing::default();
    backend.load_children(conn, &usccs, &mut existing).await?;
    let mut derived = backend.load_derived(conn, &usccs).await?;
    let files = enterprises
        .into_iter()
        .map(|enterprise| {
            let mut figures = existing
                .figures
                .remove(&enterprise.uscc)
                .unwrap_or_default();
            figures.sort_by_key(|f| f.year);
            let mut titles = existing.titles.remove(&enterprise.uscc).unwrap_or_default();
            titles.sort_by(|a, b| {
                crate::filter::tier_key(a.tier)
                    .cmp(crate::filter::tier_key(b.tier))
                    .then(a.issued.cmp(&b.issued))
            });
            let mut derived = derived.remove(&enterprise.uscc).unwrap_or_default();
            derived.sort_by_key(|d| d.year);
            explain(&enterprise, &figures, &titles, &mut derived);
            EnterpriseFile {
                enterprise,
                figures,
                titles,
                derived,
            }
        })
        .collect();
    Ok(files)
}

/// Fills in the explanations recomputed on read (see `rows::EXPLAINED_ON_READ`): derives the
/// enterprise again and takes each explanation from the verdict of the same year, edition and
/// outcome. A value the current rule data decides differently (rules changed since it was
/// stored, before a `classify`) gets an explanation that says so rather than a wrong one.
fn explain(
    enterprise: &Enterprise,
    figures: &[AnnualFigures],
    titles: &[Title],
    derived: &mut [Derived],
) {
    let missing = |e: &Explanation| e.as_json() == crate::rows::EXPLAINED_ON_READ;
    let any_missing = derived
        .iter()
        .any(|d| missing(&d.size_explanation) || d.tiers.iter().any(|t| missing(&t.explanation)));
    if !any_missing {
        return;
    }
    let fresh = derive_enterprise(enterprise, figures, titles);
    for stored in derived.iter_mut() {
        let now = fresh.iter().find(|f| f.year == stored.year);
        if missing(&stored.size_explanation) {
            stored.size_explanation = match now {
                Some(f)
                    if f.size_edition == stored.size_edition
                        && f.size_class == stored.size_class =>
                {
                    f.size_explanation.clone()
                }
                _ => stale_explanation(),
            };
        }
        for verdict in stored.tiers.iter_mut().filter(|t| missing(&t.explanation)) {
            verdict.explanation = now
                .and_then(|f| {
                    f.tiers.iter().find(|n| {
                        n.tier == verdict.tier
                            && n.edition == verdict.edition
                            && n.outcome == verdict.outcome
                    })
                })
                .map(|n| n.explanation.clone())
                .unwrap_or_else(stale_explanation);
        }
    }
}

fn stale_explanation() -> Explanation {
    Explanation::new(&json!({
        "stale": true,
        "zh": "存储的结果与现行规则数据不一致，请重新分类（classify）",
        "en": "the stored result differs from the current rule data; run classify",
    }))
    .unwrap_or_else(|_| Explanation::null())
}

pub(crate) async fn get<B: Backend>(
    backend: &B,
    uscc: &str,
) -> StoreResult<Option<EnterpriseFile>> {
    let mut tx = backend.begin_read().await?;
    let conn: &mut Conn<B> = &mut tx;
    let mut found = backend.load_enterprises(conn, &[uscc]).await?;
    let Some(enterprise) = found.remove(uscc) else {
        return Ok(None);
    };
    let mut files = files_for(backend, conn, vec![enterprise]).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(files.pop())
}

pub(crate) async fn page<B: Backend>(
    backend: &B,
    filter: &RegistryFilter,
    after: Option<&str>,
    limit: u32,
) -> StoreResult<EnterprisePage> {
    let limit = limit.max(1);
    let mut tx = backend.begin_read().await?;
    let conn: &mut Conn<B> = &mut tx;
    let enterprises = backend
        .select_enterprises(conn, filter, after, limit)
        .await?;
    let full = enterprises.len() == limit as usize;
    let last = enterprises.last().map(|e| e.uscc.clone());
    let files = files_for(backend, conn, enterprises).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(EnterprisePage {
        files,
        next_after: if full { last } else { None },
    })
}

pub(crate) async fn count<B: Backend>(backend: &B, filter: &RegistryFilter) -> StoreResult<u64> {
    let mut tx = backend.begin_read().await?;
    let n = backend.count_enterprises(&mut tx, filter).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(n)
}

pub(crate) async fn orphans<B: Backend>(backend: &B) -> StoreResult<u64> {
    let mut tx = backend.begin_read().await?;
    let n = backend.count_orphans(&mut tx).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(n)
}

pub(crate) async fn classify_all<B: Backend>(
    backend: &B,
    actor: &str,
    batch_size: u32,
    mut on_progress: impl FnMut(Progress),
) -> StoreResult<ClassifySummary> {
    let everything = RegistryFilter::default();
    let total = count(backend, &everything).await?;
    let mut summary = ClassifySummary {
        enterprises: 0,
        derived_written: 0,
    };
    let mut editions: BTreeSet<String> = BTreeSet::new();
    let mut after: Option<String> = None;
    on_progress(Progress { done: 0, total });
    loop {
        let mut tx = backend.begin_write().await?;
        let conn: &mut Conn<B> = &mut tx;
        let enterprises = backend
            .select_enterprises(conn, &everything, after.as_deref(), batch_size.max(1))
            .await?;
        let Some(last) = enterprises.last() else {
            break;
        };
        after = Some(last.uscc.clone());
        let usccs: Vec<&str> = enterprises.iter().map(|e| e.uscc.as_str()).collect();
        let mut existing = Existing::default();
        backend.load_children(conn, &usccs, &mut existing).await?;
        let mut rows = Vec::new();
        for e in &enterprises {
            let figures = existing
                .figures
                .get(&e.uscc)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let titles = existing
                .titles
                .get(&e.uscc)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            rows.extend(plan::derived_rows(e, figures, titles));
        }
        for row in &rows {
            if !editions.contains(&row.derived.size_edition) {
                editions.insert(row.derived.size_edition.clone());
            }
            for t in &row.derived.tiers {
                if !editions.contains(t.edition.as_ref()) {
                    editions.insert(t.edition.to_string());
                }
            }
        }
        backend
            .write_derived(conn, &rows, Write::Upsert, Utc::now())
            .await?;
        tx.commit()
            .await
            .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
        summary.enterprises += enterprises.len() as u64;
        summary.derived_written += rows.len() as u64;
        on_progress(Progress {
            done: summary.enterprises,
            total: total.max(summary.enterprises),
        });
    }
    let mut tx = backend.begin_write().await?;
    let entry = NewAudit {
        action: "classify",
        entity: "registry",
        entity_key: "*".to_owned(),
        before: None,
        after: Some(json!({
            "enterprises": summary.enterprises,
            "derived_written": summary.derived_written,
            "editions": editions,
        })),
    };
    backend
        .append_audit(&mut tx, actor, Utc::now(), &[entry])
        .await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(summary)
}

pub(crate) async fn begin_import<B: Backend>(
    backend: &B,
    actor: &str,
    file_name: &str,
    file_hash: &str,
) -> StoreResult<(ImportJournal, bool, Vec<ImportJournal>)> {
    let mut tx = backend.begin_write().await?;
    let conn: &mut Conn<B> = &mut tx;
    let runs = backend.imports_by_hash(conn, Some(file_hash)).await?;
    let (unfinished, finished): (Vec<_>, Vec<_>) =
        runs.into_iter().partition(|j| j.finished_at.is_none());
    let (journal, resumed) = match unfinished.into_iter().next() {
        Some(journal) => (journal, true),
        None => (
            backend
                .insert_import(conn, file_name, file_hash, actor, Utc::now())
                .await?,
            false,
        ),
    };
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok((journal, resumed, finished))
}

pub(crate) async fn finish_import<B: Backend>(
    backend: &B,
    actor: &str,
    import_id: i64,
) -> StoreResult<ImportJournal> {
    let mut tx = backend.begin_write().await?;
    let conn: &mut Conn<B> = &mut tx;
    if !backend.finish_import(conn, import_id, Utc::now()).await? {
        return Err(StoreError::NoSuchImport(import_id));
    }
    let journal = backend
        .get_import(conn, import_id)
        .await?
        .ok_or(StoreError::NoSuchImport(import_id))?;
    let entry = NewAudit {
        action: "import-finish",
        entity: "import",
        entity_key: import_id.to_string(),
        before: None,
        after: Some(json!({
            "file_name": journal.file_name,
            "file_hash": journal.file_hash,
            "rows_through": journal.rows_through,
            "rows_ok": journal.rows_ok,
            "rows_bad": journal.rows_bad,
        })),
    };
    backend
        .append_audit(conn, actor, Utc::now(), &[entry])
        .await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(journal)
}

pub(crate) async fn imports<B: Backend>(
    backend: &B,
    file_hash: Option<&str>,
) -> StoreResult<Vec<ImportJournal>> {
    let mut tx = backend.begin_read().await?;
    let runs = backend.imports_by_hash(&mut tx, file_hash).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(runs)
}

pub(crate) async fn audit<B: Backend>(
    backend: &B,
    query: &crate::records::AuditQuery,
) -> StoreResult<Vec<crate::records::AuditEntry>> {
    let mut tx = backend.begin_read().await?;
    let entries = backend.read_audit(&mut tx, query).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shangyun_registry::derive::derive_outcomes;

    fn enterprise() -> Enterprise {
        Enterprise {
            uscc: "91330106MA27XK7R3B".to_owned(),
            name: "示例".to_owned(),
            registered_region: "330106".to_owned(),
            operating_region: None,
            industry: "3311".to_owned(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        }
    }

    fn figures() -> Vec<AnnualFigures> {
        vec![AnnualFigures {
            uscc: "91330106MA27XK7R3B".to_owned(),
            year: 2024,
            employees: Some(500),
            revenue: Some(1500.0),
            ..AnnualFigures::default()
        }]
    }

    #[test]
    fn stored_outcomes_are_explained_on_read() {
        let mut stored = derive_outcomes(&enterprise(), &figures(), &[]);
        explain(&enterprise(), &figures(), &[], &mut stored);
        assert_eq!(stored, derive_enterprise(&enterprise(), &figures(), &[]));
    }

    #[test]
    fn an_outcome_the_rules_no_longer_give_is_marked_stale() {
        let mut stored = derive_outcomes(&enterprise(), &figures(), &[]);
        stored[0].size_class = Some("large".to_owned());
        stored[0].tiers[0].outcome = "made-up".into();
        explain(&enterprise(), &figures(), &[], &mut stored);
        assert_eq!(stored[0].size_explanation.to_value()["stale"], true);
        assert_eq!(stored[0].tiers[0].explanation.to_value()["stale"], true);
        assert_ne!(stored[0].tiers[1].explanation.to_value()["stale"], true);
    }
}
