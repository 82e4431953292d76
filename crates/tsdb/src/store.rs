//! The store: the stages wired together.
//!
//! `append` → [`crate::validate`] → WAL record ([`crate::wal_record`]) → group commit →
//! [`Applier`] puts the durable batch into the write buffer and the latest table → the ack is
//! released. When the WAL seals a segment the active buffer freezes and the persister thread
//! writes it as chunk files, then deletes the sealed segments.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Condvar, Mutex, RwLock};
use shangyun_tsdb_wal::{Commit, Record, Wal, WalConfig, WalSink, WalStats};

use crate::buffer::{FrozenBuffer, WriteBuffer};
use crate::error::{TsdbError, io};
use crate::latest::LatestTable;
use crate::model::Batch;
use crate::open::{OpenReport, load_chunks, load_latest};
use crate::persisted::PersistedIndex;
use crate::validate::validate;
use crate::wal_record::{decode_batches, encode_batches};

/// Tuning of the store.
#[derive(Debug, Clone)]
pub struct Config {
    /// WAL segment size and age; a sealed segment is what triggers a persist.
    pub wal: WalConfig,
    /// Most points per persisted block (longer series runs are split).
    pub max_block_points: usize,
    /// A partition (owner, day) with this many files is compacted into one after a persist.
    pub compact_after_files: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            wal: WalConfig::default(),
            max_block_points: 16_384,
            compact_after_files: 4,
        }
    }
}

/// A durability acknowledgement: resolves to the batch's WAL sequence number once the
/// `fdatasync` covering it has returned and the points are queryable. `.await` it in async
/// code, or call `wait()` on a plain thread.
pub type Ack = Commit;

/// Counters since open.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TsdbStats {
    /// The WAL's counters (groups = fsyncs of records).
    pub wal: WalStats,
    /// Batches made durable and applied.
    pub batches_applied: u64,
    /// Points made durable and applied.
    pub points_applied: u64,
    /// Points in write buffers (active and frozen).
    pub buffered_points: u64,
    /// Frozen buffers waiting for the persister.
    pub frozen_buffers: usize,
    /// Chunk files.
    pub chunk_files: usize,
    /// Their bytes.
    pub chunk_bytes: u64,
    /// Persists done.
    pub persists: u64,
    /// Persist attempts that failed (retried).
    pub persist_errors: u64,
    /// Compactions done.
    pub compactions: u64,
    /// Damaged blocks met by queries or compaction (skipped).
    pub corrupt_blocks: u64,
    /// WAL records that could not be decoded or validated at replay (skipped).
    pub bad_records: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub batches_applied: AtomicU64,
    pub points_applied: AtomicU64,
    pub persists: AtomicU64,
    pub persist_errors: AtomicU64,
    pub compactions: AtomicU64,
    pub corrupt_blocks: AtomicU64,
    pub bad_records: AtomicU64,
}

pub(crate) struct Buffers {
    pub active: WriteBuffer,
    pub frozen: Vec<Arc<FrozenBuffer>>,
    pub next_frozen_id: u64,
}

#[derive(Default)]
pub(crate) struct Jobs {
    pub queue: VecDeque<Arc<FrozenBuffer>>,
    pub stop: bool,
    pub failures: u64,
    pub last_error: Option<String>,
}

pub(crate) struct Maintenance {
    pub next_gen: u64,
}

pub(crate) struct Inner {
    pub root: PathBuf,
    pub chunks_dir: PathBuf,
    pub config: Config,
    pub buffers: RwLock<Buffers>,
    pub latest: RwLock<LatestTable>,
    pub index: RwLock<PersistedIndex>,
    pub jobs: Mutex<Jobs>,
    pub jobs_changed: Condvar,
    pub maintenance: Mutex<Maintenance>,
    pub counters: Counters,
}

/// The WAL's sink: applies durable batches to the write buffer and the latest table.
struct Applier {
    inner: Arc<Inner>,
    /// True while the WAL replays at open.
    replaying: bool,
}

impl WalSink for Applier {
    fn apply(&mut self, records: &[Record<'_>]) {
        let mut decoded = Vec::with_capacity(records.len());
        let mut bad = 0;
        for r in records {
            match decode_batches(r.payload) {
                Ok(batches) => {
                    for b in batches {
                        // Replayed records are re-validated: a record written by a buggy or
                        // foreign writer must not poison the buffer. Live records passed
                        // `append`'s validation a moment ago.
                        if !self.replaying || validate(&b).is_ok() {
                            decoded.push((r.seq, b));
                        } else {
                            bad += 1;
                        }
                    }
                }
                Err(_) => bad += 1,
            }
        }
        let c = &self.inner.counters;
        if bad > 0 {
            c.bad_records.fetch_add(bad, Ordering::Relaxed);
        }
        {
            let mut latest = self.inner.latest.write();
            for (seq, b) in &decoded {
                latest.apply(*seq, b);
            }
        }
        let points: usize = decoded.iter().map(|(_, b)| b.points.len()).sum();
        c.batches_applied
            .fetch_add(decoded.len() as u64, Ordering::Relaxed);
        c.points_applied.fetch_add(points as u64, Ordering::Relaxed);
        let mut buffers = self.inner.buffers.write();
        for (_, b) in decoded {
            buffers.active.insert(b);
        }
    }

    fn recovered(&mut self) {
        self.replaying = false;
    }

    fn sealed(&mut self, through_seq: u64) {
        let frozen = {
            let mut buffers = self.inner.buffers.write();
            let id = buffers.next_frozen_id;
            buffers.next_frozen_id += 1;
            let frozen = Arc::new(FrozenBuffer {
                id,
                through_seq,
                buffer: std::mem::take(&mut buffers.active),
            });
            buffers.frozen.push(frozen.clone());
            frozen
        };
        self.inner.jobs.lock().queue.push_back(frozen);
        self.inner.jobs_changed.notify_all();
    }
}

/// The embedded time-series store. Share it behind an `Arc`; every method takes `&self`.
///
/// ```
/// use shangyun_tsdb::{Batch, Config, Owner, Point, SeriesKey, Tsdb, Value};
/// let dir = tempfile::tempdir()?;
/// let (db, report) = Tsdb::open(dir.path(), Config::default())?;
/// assert!(report.wal.is_clean());
/// let batch = Batch {
///     owner: Owner::new("91350100M000100Y43")?,
///     device: 42.into(),
///     points: vec![Point::new("kwh", 1_700_000_000_000, 1234.56), Point::new("on", 1_700_000_000_000, true)],
/// };
/// let seq = db.append(&batch)?.wait()?; // returns once fdatasync covered the batch
/// assert_eq!(seq, 1);
/// let points = db.range(&SeriesKey::new(42, "kwh"), 0, i64::MAX)?;
/// assert_eq!(points.points, vec![(1_700_000_000_000, Value::F64(1234.56))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Tsdb {
    pub(crate) inner: Arc<Inner>,
    wal: Option<Arc<Wal>>,
    persister: Option<JoinHandle<()>>,
    /// An exclusive lock on `<dir>/LOCK` for as long as the store is open: two writers
    /// appending to one WAL would interleave records. The OS drops it with the process,
    /// so a `kill -9` leaves nothing to clean up.
    _lock: std::fs::File,
}

impl std::fmt::Debug for Tsdb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tsdb")
            .field("root", &self.inner.root)
            .finish()
    }
}

impl Tsdb {
    /// Opens (creating if needed) a store in `dir`: loads the chunk index and the latest-value
    /// snapshot, replays the WAL into the write buffer, and starts the WAL writer and the
    /// persister. Damage found on the way is reported, not fatal.
    pub fn open(dir: &Path, config: Config) -> Result<(Self, OpenReport), TsdbError> {
        let chunks_dir = dir.join("chunks");
        std::fs::create_dir_all(&chunks_dir).map_err(io("create directory", &chunks_dir))?;
        let lock = lock_dir(dir)?;
        let mut report = OpenReport::default();
        let index = load_chunks(&chunks_dir, &mut report)?;
        let latest = load_latest(dir, &index, &mut report);
        let next_gen = index.max_gen() + 1;
        let mut wal_config = config.wal.clone();
        wal_config.min_next_seq = wal_config.min_next_seq.max(latest.applied_seq + 1);
        let inner = Arc::new(Inner {
            root: dir.to_path_buf(),
            chunks_dir,
            config,
            buffers: RwLock::new(Buffers {
                active: WriteBuffer::default(),
                frozen: Vec::new(),
                next_frozen_id: 0,
            }),
            latest: RwLock::new(latest),
            index: RwLock::new(index),
            jobs: Mutex::new(Jobs::default()),
            jobs_changed: Condvar::new(),
            maintenance: Mutex::new(Maintenance { next_gen }),
            counters: Counters::default(),
        });
        let (wal, wal_report) = Wal::open(
            &dir.join("wal"),
            wal_config,
            Box::new(Applier {
                inner: inner.clone(),
                replaying: true,
            }),
        )?;
        report.wal = wal_report;
        report.bad_records = inner.counters.bad_records.load(Ordering::Relaxed);
        report.replayed_points = inner.counters.points_applied.load(Ordering::Relaxed);
        let wal = Arc::new(wal);
        let persister = {
            let inner = inner.clone();
            let wal = wal.clone();
            std::thread::Builder::new()
                .name("tsdb-persister".into())
                .spawn(move || crate::persister::run(&inner, &wal))
                .map_err(io("spawn persister thread", dir))?
        };
        Ok((
            Self {
                inner,
                wal: Some(wal),
                persister: Some(persister),
                _lock: lock,
            },
            report,
        ))
    }

    fn wal(&self) -> Result<&Wal, TsdbError> {
        self.wal.as_deref().ok_or(TsdbError::Closed)
    }

    /// Validates a batch and queues it for the WAL. The [`Ack`] resolves after the fsync
    /// that covers it; only then are the points durable (and queryable). A refused batch is an
    /// `Err` at once and nothing of it is stored.
    pub fn append(&self, batch: &Batch) -> Result<Ack, TsdbError> {
        self.append_all(std::slice::from_ref(batch))
    }

    /// Like [`Tsdb::append`] for several batches (a gateway message for several devices):
    /// one WAL record, durable all together or not at all.
    pub fn append_all(&self, batches: &[Batch]) -> Result<Ack, TsdbError> {
        if batches.is_empty() {
            return Err(crate::ValidationError::Empty.into());
        }
        for b in batches {
            validate(b)?;
        }
        let refs: Vec<&Batch> = batches.iter().collect();
        let estimate: usize = batches.iter().map(|b| 16 + b.points.len() * 24).sum();
        let mut payload = Vec::with_capacity(estimate);
        encode_batches(&refs, &mut payload);
        Ok(self.wal()?.submit(payload)?)
    }

    /// Seals the WAL's current segment and waits until everything appended before the call
    /// is in chunk files and its WAL segments are deleted. Blocks; in async code call it
    /// through `spawn_blocking`.
    pub fn persist(&self) -> Result<(), TsdbError> {
        let through = self.wal()?.rotate().wait()?;
        let mut jobs = self.inner.jobs.lock();
        let failures_before = jobs.failures;
        while jobs.queue.iter().any(|j| j.through_seq <= through) {
            if jobs.failures != failures_before {
                return Err(TsdbError::Persist(
                    jobs.last_error.clone().unwrap_or_default(),
                ));
            }
            if jobs.stop {
                return Err(TsdbError::Closed);
            }
            self.inner
                .jobs_changed
                .wait_for(&mut jobs, Duration::from_millis(200));
        }
        Ok(())
    }

    /// Counters since open.
    pub fn stats(&self) -> TsdbStats {
        let c = &self.inner.counters;
        let (buffered_points, frozen_buffers) = {
            let b = self.inner.buffers.read();
            (
                (b.active.points() + b.frozen.iter().map(|f| f.buffer.points()).sum::<usize>())
                    as u64,
                b.frozen.len(),
            )
        };
        let (chunk_files, chunk_bytes) = {
            let ix = self.inner.index.read();
            let files = ix.files();
            (files.len(), files.iter().map(|f| f.bytes).sum())
        };
        TsdbStats {
            wal: self.wal.as_ref().map(|w| w.stats()).unwrap_or_default(),
            batches_applied: c.batches_applied.load(Ordering::Relaxed),
            points_applied: c.points_applied.load(Ordering::Relaxed),
            buffered_points,
            frozen_buffers,
            chunk_files,
            chunk_bytes,
            persists: c.persists.load(Ordering::Relaxed),
            persist_errors: c.persist_errors.load(Ordering::Relaxed),
            compactions: c.compactions.load(Ordering::Relaxed),
            corrupt_blocks: c.corrupt_blocks.load(Ordering::Relaxed),
            bad_records: c.bad_records.load(Ordering::Relaxed),
        }
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        &self.inner.root
    }

    /// Stops the persister (a persist in progress finishes) and the WAL writer (queued
    /// records are committed). Buffered points stay in the WAL for the next open. Dropping
    /// the store does the same.
    pub fn close(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.inner.jobs.lock().stop = true;
        self.inner.jobs_changed.notify_all();
        if let Some(p) = self.persister.take() {
            let _ = p.join();
        }
        // The persister held the other reference; this drop joins the WAL writer.
        self.wal = None;
    }
}

impl Drop for Tsdb {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Takes the store directory's exclusive lock, or says who holds it.
fn lock_dir(dir: &Path) -> Result<std::fs::File, TsdbError> {
    let path = dir.join("LOCK");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("open lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(TsdbError::InUse(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io("lock", &path)(e)),
    }
}
