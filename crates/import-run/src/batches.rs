//! Batches of records on their way into the store, shared by the import run and
//! `shangyun demo`: a builder that cuts the row stream into batches (never between two rows
//! of one enterprise) and derives their values on the producer's thread, and the writer that
//! commits them through the store's import protocol.

use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_store::{
    BatchProgress, EnterpriseRecord, ImportTransaction, PreparedBatch, Registry, StoreResult,
    UpsertSummary,
};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Batches buffered between the reader and the writer. One is enough: reading, validating
/// and deriving take less than half of the writer's time (1m rows into SQLite: 11 s of
/// 31 s), so the reader is always a batch ahead; memory holds at most three batches
/// (building, queued, being written; ~1 KB a row with its derived values).
pub const BATCHES_IN_FLIGHT: usize = 1;

/// Data rows per transaction unless the caller says otherwise. Every commit writes each page
/// it touched to the WAL once, and USCC keys are random, so a transaction touches pages all
/// over every index: larger transactions write each page fewer times (1m rows into SQLite:
/// 27.8 s with a transaction per 50k-row batch, 24.2–24.3 s with up to 200k rows per
/// transaction). The write lock is held that long: about 5 s for 200k rows.
pub const DEFAULT_TRANSACTION_ROWS: u32 = 200_000;

/// How long a transaction takes more batches: no new batch joins one that has held the
/// registry's write lock this long. Other writers wait for that lock meanwhile (an edit made
/// in the console gives up after 5 s), and on a slow machine or a large registry 200k rows
/// can take longer than that.
pub const TRANSACTION_HOLD: Duration = Duration::from_secs(2);

/// Data rows per batch at most: what is read, derived and held in memory at once (up to
/// three batches, ~1 KB a row). A transaction of more rows takes several batches.
pub const BATCH_ROWS: u32 = 50_000;

/// One batch: the records of a run of data rows, derived as if new, and where that run ends
/// in the file.
#[derive(Debug)]
pub struct Batch {
    /// The records with their derived values ([`PreparedBatch::assuming_new`]: the store keeps
    /// them for the enterprises not stored yet and derives the others anew under its write
    /// lock); an error when a record breaks the store's invariants.
    pub prepared: StoreResult<PreparedBatch>,
    /// The last data row (1-based ordinal among data rows) this batch covers.
    pub rows_through: u64,
    /// Rows that gave a record.
    pub rows_ok: u64,
    /// Rows that did not (rejected, or an identical repeat that was skipped).
    pub rows_bad: u64,
}

impl Batch {
    /// A batch of `records` (sorted here into key order and derived: call it on the
    /// producer's thread, not the writer's) covering data rows up to `rows_through`.
    pub fn new(
        mut records: Vec<EnterpriseRecord>,
        rows_through: u64,
        rows_ok: u64,
        rows_bad: u64,
    ) -> Batch {
        sort_by_key_order(&mut records);
        Batch {
            prepared: PreparedBatch::assuming_new(records),
            rows_through,
            rows_ok,
            rows_bad,
        }
    }
}

/// Cuts a stream of row outcomes into [`Batch`]es of about `limit` rows.
///
/// A batch is closed only where the enterprise changes: the rows of one enterprise (its years)
/// usually follow each other, and keeping them in one batch lets the store derive each
/// enterprise once, from all its years, instead of re-deriving it in the next batch.
pub struct BatchBuilder {
    limit: u64,
    current: Pending,
    rows: u64,
}

/// The batch being filled.
struct Pending {
    records: Vec<EnterpriseRecord>,
    rows_through: u64,
    rows_ok: u64,
    rows_bad: u64,
}

impl BatchBuilder {
    pub fn new(limit: u32) -> BatchBuilder {
        BatchBuilder {
            limit: u64::from(limit.max(1)),
            current: empty_batch(0),
            rows: 0,
        }
    }

    /// Adds data row `ordinal` (its record, or `None` for a row not imported). Returns the
    /// batch closed before this row, if one was.
    pub fn push(
        &mut self,
        ordinal: u64,
        record: Option<(Enterprise, Option<AnnualFigures>)>,
    ) -> Option<Batch> {
        let continues_enterprise = match (&record, self.current.records.last()) {
            (Some((firm, _)), Some(last)) => last.enterprise.uscc == firm.uscc,
            _ => false,
        };
        let closed = if self.rows >= self.limit && !continues_enterprise {
            Some(self.take())
        } else {
            None
        };
        self.rows += 1;
        self.current.rows_through = ordinal;
        match record {
            Some((firm, figures)) => {
                self.current.rows_ok += 1;
                self.add(firm, figures);
            }
            None => self.current.rows_bad += 1,
        }
        closed
    }

    /// The last, partly filled batch (`None` when no row was pushed since the last one).
    pub fn finish(mut self) -> Option<Batch> {
        (self.rows > 0).then(|| self.take())
    }

    fn take(&mut self) -> Batch {
        self.rows = 0;
        let through = self.current.rows_through;
        let full = std::mem::replace(&mut self.current, empty_batch(through));
        Batch::new(full.records, full.rows_through, full.rows_ok, full.rows_bad)
    }

    /// Merges consecutive rows of one enterprise into one record, as the store's upsert
    /// would (the later row's identity wins, a year replaces the same year); rows of one
    /// enterprise that are not consecutive are merged by the store.
    fn add(&mut self, firm: Enterprise, figures: Option<AnnualFigures>) {
        if let Some(last) = self.current.records.last_mut()
            && last.enterprise.uscc == firm.uscc
        {
            last.enterprise = firm;
            if let Some(f) = figures {
                last.figures.retain(|old| old.year != f.year);
                last.figures.push(f);
            }
            return;
        }
        self.current
            .records
            .push(EnterpriseRecord::new(firm, figures.into_iter().collect()));
    }
}

/// Orders a batch's records by USCC, the leading key of every table the store writes: the
/// inserts then walk each B-tree in order instead of jumping between random pages, which
/// matters once the database outgrows the page cache. The sort is stable, so repeated rows of
/// one enterprise keep their file order (the later still wins).
pub fn sort_by_key_order(records: &mut [EnterpriseRecord]) {
    records.sort_by(|a, b| a.enterprise.uscc.cmp(&b.enterprise.uscc));
}

fn empty_batch(through: u64) -> Pending {
    Pending {
        records: Vec::new(),
        rows_through: through,
        rows_ok: 0,
        rows_bad: 0,
    }
}

/// Where the writer's time went, for `SHANGYUN_IMPORT_TIMINGS=1`.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriterTimings {
    /// Waiting for the reader's next batch.
    pub waiting: Duration,
    /// In the store (writing and committing).
    pub store: Duration,
    pub batches: u64,
    pub commits: u64,
}

/// Commits every batch received, in order, under the import journal `import_id`: several
/// batches share a transaction, up to `rows_per_transaction` data rows or
/// [`TRANSACTION_HOLD`], as long as the next batch is already waiting (the write lock is not
/// held while the reader catches up).
/// `on_commit` is called for each batch after its commit. Ends when the sender is dropped
/// (or at the first store error, which rolls back the open transaction; dropping the
/// receiver then stops the sender).
pub async fn write_batches(
    registry: &Registry,
    import_id: i64,
    mut batches: mpsc::Receiver<Batch>,
    rows_per_transaction: u64,
    timings: &mut WriterTimings,
    mut on_commit: impl FnMut(&BatchProgress),
) -> StoreResult<UpsertSummary> {
    let mut total = UpsertSummary::default();
    let mut open: Option<OpenTransaction> = None;
    loop {
        let batch = match batches.try_recv() {
            Ok(batch) => batch,
            Err(mpsc::error::TryRecvError::Empty) => {
                if let Some(done) = open.take() {
                    done.commit(timings, &mut on_commit).await?;
                }
                let waited = Instant::now();
                let Some(batch) = batches.recv().await else {
                    break;
                };
                timings.waiting += waited.elapsed();
                batch
            }
            Err(mpsc::error::TryRecvError::Disconnected) => break,
        };
        timings.batches += 1;
        let in_store = Instant::now();
        let progress = BatchProgress {
            import_id,
            rows_through: batch.rows_through,
            rows_ok: batch.rows_ok,
            rows_bad: batch.rows_bad,
        };
        let prepared = batch.prepared?;
        let transaction = match &mut open {
            Some(t) => t,
            None => open.insert(OpenTransaction {
                transaction: registry.begin_import_transaction().await?,
                batches: Vec::new(),
                opened: Instant::now(),
            }),
        };
        total.add(&transaction.transaction.write(&progress, prepared).await?);
        transaction.batches.push(progress);
        let full = transaction.rows() >= rows_per_transaction
            || transaction.opened.elapsed() >= TRANSACTION_HOLD;
        timings.store += in_store.elapsed();
        if full && let Some(done) = open.take() {
            done.commit(timings, &mut on_commit).await?;
        }
    }
    if let Some(done) = open.take() {
        done.commit(timings, &mut on_commit).await?;
    }
    Ok(total)
}

/// The writer's open transaction and the batches in it.
struct OpenTransaction<'r> {
    transaction: ImportTransaction<'r>,
    batches: Vec<BatchProgress>,
    /// When it took the write lock.
    opened: Instant,
}

impl OpenTransaction<'_> {
    /// Data rows in the transaction's batches.
    fn rows(&self) -> u64 {
        self.batches.iter().map(|p| p.rows_ok + p.rows_bad).sum()
    }

    async fn commit(
        self,
        timings: &mut WriterTimings,
        on_commit: &mut impl FnMut(&BatchProgress),
    ) -> StoreResult<()> {
        let started = Instant::now();
        self.transaction.commit().await?;
        timings.store += started.elapsed();
        timings.commits += 1;
        self.batches.iter().for_each(on_commit);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(uscc: &str, year: i32) -> Option<(Enterprise, Option<AnnualFigures>)> {
        let firm = Enterprise {
            uscc: uscc.to_owned(),
            name: format!("{uscc} 有限公司"),
            registered_region: "330106".to_owned(),
            operating_region: None,
            industry: "6511".to_owned(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        };
        let figures = AnnualFigures {
            uscc: uscc.to_owned(),
            year,
            ..AnnualFigures::default()
        };
        Some((firm, Some(figures)))
    }

    #[test]
    fn batches_close_only_between_enterprises() {
        let mut builder = BatchBuilder::new(2);
        let mut closed = Vec::new();
        let rows = [
            row("A", 2022),
            row("A", 2023),
            row("A", 2024), // the limit is reached, but A goes on
            row("B", 2024), // closes [A]
            None,           // a bad row
            row("C", 2023), // closes [B, bad]
            row("C", 2023), // the same year again: replaces it
        ];
        for (i, r) in rows.into_iter().enumerate() {
            closed.extend(builder.push(i as u64 + 1, r));
        }
        closed.extend(builder.finish());
        type Shape<'a> = (Vec<(&'a str, usize)>, u64, u64, u64);
        let shape: Vec<Shape> = closed
            .iter()
            .map(|b| {
                (
                    b.prepared
                        .as_ref()
                        .expect("valid records")
                        .records()
                        .iter()
                        .map(|r| (r.enterprise.uscc.as_str(), r.figures.len()))
                        .collect(),
                    b.rows_through,
                    b.rows_ok,
                    b.rows_bad,
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (vec![("A", 3)], 3, 3, 0),
                (vec![("B", 1)], 5, 1, 1),
                (vec![("C", 1)], 7, 2, 0),
            ]
        );
    }

    #[test]
    fn a_run_of_bad_rows_still_makes_batches() {
        let mut builder = BatchBuilder::new(2);
        let mut closed = Vec::new();
        for i in 1..=5 {
            closed.extend(builder.push(i, None));
        }
        closed.extend(builder.finish());
        let through: Vec<u64> = closed.iter().map(|b| b.rows_through).collect();
        assert_eq!(through, vec![2, 4, 5]);
        assert!(
            closed
                .iter()
                .all(|b| b.prepared.as_ref().is_ok_and(|p| p.is_empty()))
        );
    }

    #[test]
    fn nothing_pushed_gives_no_batch() {
        assert!(BatchBuilder::new(10).finish().is_none());
    }
}
