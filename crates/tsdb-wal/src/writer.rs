//! The group-commit writer: one thread takes everything queued, writes it with one `write`
//! and makes it durable with one `fdatasync`; a second thread, the applier, hands each durable
//! group to the sink and then releases its acks. The two overlap: while the applier applies
//! group k, the writer already syncs group k + 1. Everything the sink sees (groups, seals,
//! rotate replies) goes through the applier's queue, so it sees it in log order.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::error::{CommitError, WalError};
use crate::frame::{MAX_PAYLOAD_LEN, encode_frame};
use crate::recovery::{RecoveryReport, recover};
use crate::segment::{encode_segment_header, segment_file_name};
use crate::{Record, WalSink};

/// Tuning of the WAL.
#[derive(Debug, Clone)]
pub struct WalConfig {
    /// A segment is closed (sealed) once it holds this many bytes.
    pub segment_bytes: u64,
    /// A segment holding records is sealed after this long even if it is small, so that the
    /// store persists and recovery replays little.
    pub max_segment_age: Duration,
    /// The first sequence number of this run is at least this (the store passes one above
    /// the sequence its snapshots already cover, in case the log directory was emptied).
    pub min_next_seq: u64,
}

impl Default for WalConfig {
    fn default() -> Self {
        Self {
            segment_bytes: 64 << 20,
            max_segment_age: Duration::from_secs(600),
            min_next_seq: 1,
        }
    }
}

/// Counters since open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WalStats {
    /// Records made durable.
    pub records: u64,
    /// Their payload bytes.
    pub payload_bytes: u64,
    /// Groups committed (each one write and one `fdatasync`).
    pub groups: u64,
    /// Every fsync issued (groups, new segment files, directories).
    pub fsyncs: u64,
    /// Largest group, in records.
    pub max_group_records: u64,
    /// Segments sealed.
    pub segments_sealed: u64,
    /// Segments deleted by [`Wal::remove_through`].
    pub segments_removed: u64,
    /// Time spent in the groups' `write` + `fdatasync` calls, in microseconds.
    pub sync_micros: u64,
    /// Time spent handing groups to the sink (applying to the write buffer), in microseconds.
    pub apply_micros: u64,
}

/// A pending result from the WAL writer: the sequence number once the record (or command) is
/// durable. Await it in async code, or call [`Commit::wait`] on a plain thread.
#[derive(Debug)]
#[must_use = "a record is acknowledged only when its Commit resolves"]
pub struct Commit {
    rx: oneshot::Receiver<Result<u64, CommitError>>,
}

impl Commit {
    fn ready(result: Result<u64, CommitError>) -> Self {
        let (tx, rx) = oneshot::channel();
        let _ = tx.send(result);
        Self { rx }
    }

    /// Blocks the calling thread until the result is known.
    ///
    /// Do not call it on an async runtime's worker thread (tokio refuses); `.await` the
    /// `Commit` there instead.
    pub fn wait(self) -> Result<u64, CommitError> {
        self.rx.blocking_recv().unwrap_or(Err(CommitError::Closed))
    }

    /// The result if it is already known, without blocking.
    pub fn try_result(&mut self) -> Option<Result<u64, CommitError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(CommitError::Closed)),
        }
    }
}

impl Future for Commit {
    type Output = Result<u64, CommitError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.rx)
            .poll(cx)
            .map(|r| r.unwrap_or(Err(CommitError::Closed)))
    }
}

type Reply = oneshot::Sender<Result<u64, CommitError>>;

struct Pending {
    payload: Vec<u8>,
    reply: Reply,
}

enum Command {
    Rotate(Reply),
    RemoveThrough(u64, Reply),
}

#[derive(Default)]
struct Queue {
    items: Vec<Pending>,
    commands: Vec<Command>,
    closing: bool,
    writer_idle: bool,
    failed: Option<CommitError>,
}

#[derive(Default)]
struct Counters {
    records: AtomicU64,
    payload_bytes: AtomicU64,
    groups: AtomicU64,
    fsyncs: AtomicU64,
    max_group_records: AtomicU64,
    segments_sealed: AtomicU64,
    segments_removed: AtomicU64,
    sync_micros: AtomicU64,
    apply_micros: AtomicU64,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    counters: Counters,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic elsewhere while holding the lock leaves the queue consistent (plain pushes).
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The write-ahead log. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Wal {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    applier: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Wal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wal").field("stats", &self.stats()).finish()
    }
}

impl Wal {
    /// Opens (creating if needed) the WAL in `dir`: recovers every segment into `sink`, seals
    /// them, and starts a fresh segment and the writer thread.
    pub fn open(
        dir: &Path,
        config: WalConfig,
        mut sink: Box<dyn WalSink>,
    ) -> Result<(Self, RecoveryReport), WalError> {
        std::fs::create_dir_all(dir).map_err(|source| WalError::Io {
            op: "create directory",
            path: dir.to_path_buf(),
            source,
        })?;
        let (recovered, report) = recover(dir, sink.as_mut())?;
        let next_seq = report.next_seq.max(config.min_next_seq);
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            counters: Counters::default(),
        });
        if !recovered.is_empty() {
            sink.sealed(report.last_seq);
        }
        sink.recovered();
        let segment = Segment::create(dir, next_seq, &shared.counters)?;
        let (to_applier, applier_rx) = mpsc::channel();
        let applier = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("tsdb-wal-applier".into())
                .spawn(move || run_applier(sink, applier_rx, &shared))
                .map_err(|source| WalError::Io {
                    op: "spawn applier thread",
                    path: dir.to_path_buf(),
                    source,
                })?
        };
        let mut writer = Writer {
            dir: dir.to_path_buf(),
            config,
            shared: shared.clone(),
            to_applier,
            segment,
            sealed: recovered.into_iter().collect(),
            next_seq,
            frame_buf: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("tsdb-wal-writer".into())
            .spawn(move || writer.run())
            .map_err(|source| WalError::Io {
                op: "spawn writer thread",
                path: dir.to_path_buf(),
                source,
            })?;
        Ok((
            Self {
                shared,
                thread: Some(thread),
                applier: Some(applier),
            },
            report,
        ))
    }

    /// Queues a record. The returned [`Commit`] resolves to its sequence number after the
    /// `fdatasync` that covers it, and after the sink has seen it.
    pub fn submit(&self, payload: Vec<u8>) -> Result<Commit, WalError> {
        if payload.len() > MAX_PAYLOAD_LEN {
            return Err(WalError::RecordTooLarge {
                len: payload.len(),
                max: MAX_PAYLOAD_LEN,
            });
        }
        let (reply, rx) = oneshot::channel();
        let mut q = self.shared.lock();
        if let Some(e) = &q.failed {
            return Err(WalError::Failed(e.clone()));
        }
        if q.closing {
            return Err(WalError::Closed);
        }
        q.items.push(Pending { payload, reply });
        let wake = q.writer_idle;
        q.writer_idle = false;
        drop(q);
        if wake {
            self.shared.wake.notify_one();
        }
        Ok(Commit { rx })
    }

    /// Seals the current segment (if it holds records). Resolves to the last sealed sequence
    /// number; the sink's [`WalSink::sealed`] has run by then.
    pub fn rotate(&self) -> Commit {
        self.command(Command::Rotate)
    }

    /// Deletes sealed segments whose records all have `seq <= through_seq`. Resolves to the
    /// number of segments deleted.
    pub fn remove_through(&self, through_seq: u64) -> Commit {
        self.command(|reply| Command::RemoveThrough(through_seq, reply))
    }

    fn command(&self, make: impl FnOnce(Reply) -> Command) -> Commit {
        let (reply, rx) = oneshot::channel();
        let mut q = self.shared.lock();
        if q.closing {
            return Commit::ready(Err(CommitError::Closed));
        }
        q.commands.push(make(reply));
        q.writer_idle = false;
        drop(q);
        self.shared.wake.notify_one();
        Commit { rx }
    }

    /// Counters since open.
    pub fn stats(&self) -> WalStats {
        let c = &self.shared.counters;
        WalStats {
            records: c.records.load(Ordering::Relaxed),
            payload_bytes: c.payload_bytes.load(Ordering::Relaxed),
            groups: c.groups.load(Ordering::Relaxed),
            fsyncs: c.fsyncs.load(Ordering::Relaxed),
            max_group_records: c.max_group_records.load(Ordering::Relaxed),
            segments_sealed: c.segments_sealed.load(Ordering::Relaxed),
            segments_removed: c.segments_removed.load(Ordering::Relaxed),
            sync_micros: c.sync_micros.load(Ordering::Relaxed),
            apply_micros: c.apply_micros.load(Ordering::Relaxed),
        }
    }

    /// Stops accepting records, commits what is queued and stops the writer thread.
    /// Dropping the `Wal` does the same.
    pub fn close(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.lock().closing = true;
        self.shared.wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // The writer's end of the applier queue is gone now; the applier drains and stops.
        if let Some(t) = self.applier.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Wal {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct Segment {
    path: PathBuf,
    file: File,
    first_seq: u64,
    last_seq: Option<u64>,
    bytes: u64,
    created: Instant,
}

impl Segment {
    fn create(dir: &Path, first_seq: u64, counters: &Counters) -> Result<Self, WalError> {
        let path = dir.join(segment_file_name(first_seq));
        let io = |op: &'static str| {
            let path = path.clone();
            move |source| WalError::Io { op, path, source }
        };
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&path)
            .map_err(io("create segment"))?;
        let header = encode_segment_header(first_seq);
        file.write_all(&header)
            .map_err(io("write segment header"))?;
        file.sync_data().map_err(io("fsync segment"))?;
        sync_dir(dir)?;
        counters.fsyncs.fetch_add(2, Ordering::Relaxed);
        Ok(Self {
            path,
            file,
            first_seq,
            last_seq: None,
            bytes: header.len() as u64,
            created: Instant::now(),
        })
    }
}

/// Makes a directory's entries (created, renamed, removed files) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), WalError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| WalError::Io {
            op: "fsync directory",
            path: dir.to_path_buf(),
            source,
        })
}

struct Writer {
    dir: PathBuf,
    config: WalConfig,
    shared: Arc<Shared>,
    to_applier: mpsc::Sender<ToApplier>,
    segment: Segment,
    sealed: VecDeque<(u64, u64, PathBuf)>,
    next_seq: u64,
    frame_buf: Vec<u8>,
}

impl Writer {
    fn run(&mut self) {
        let mut group: Vec<Pending> = Vec::new();
        loop {
            let (commands, closing) = {
                let mut q = self.shared.lock();
                while q.items.is_empty() && q.commands.is_empty() && !q.closing {
                    let timeout = self.age_timeout();
                    q.writer_idle = true;
                    let (guard, waited) = self
                        .shared
                        .wake
                        .wait_timeout(q, timeout)
                        .unwrap_or_else(|e| e.into_inner());
                    q = guard;
                    q.writer_idle = false;
                    if waited.timed_out() && self.segment_too_old() {
                        break;
                    }
                }
                std::mem::swap(&mut group, &mut q.items);
                (std::mem::take(&mut q.commands), q.closing)
            };
            if !group.is_empty() {
                self.commit_group(&mut group);
            }
            if self.segment.bytes >= self.config.segment_bytes || self.segment_too_old() {
                let _ = self.rotate();
            }
            for command in commands {
                match command {
                    Command::Rotate(reply) => match self.rotate() {
                        // Replied through the applier: after the seal it may have queued.
                        Ok(seq) => self.send_to_applier(ToApplier::Reply(reply, seq)),
                        Err(e) => {
                            let _ = reply.send(Err(e));
                        }
                    },
                    Command::RemoveThrough(seq, reply) => {
                        let _ = reply.send(self.remove_through(seq));
                    }
                }
            }
            if closing {
                let q = self.shared.lock();
                if q.items.is_empty() && q.commands.is_empty() {
                    return;
                }
            }
        }
    }

    fn age_timeout(&self) -> Duration {
        if self.segment.last_seq.is_none() {
            return self.config.max_segment_age.max(Duration::from_millis(1));
        }
        self.config
            .max_segment_age
            .saturating_sub(self.segment.created.elapsed())
            .max(Duration::from_millis(1))
    }

    fn segment_too_old(&self) -> bool {
        self.segment.last_seq.is_some()
            && self.segment.created.elapsed() >= self.config.max_segment_age
    }

    fn commit_group(&mut self, group: &mut Vec<Pending>) {
        if let Some(e) = self.shared.lock().failed.clone() {
            for p in group.drain(..) {
                let _ = p.reply.send(Err(e.clone()));
            }
            return;
        }
        self.frame_buf.clear();
        let first = self.next_seq;
        for (i, p) in group.iter().enumerate() {
            encode_frame(first + i as u64, &p.payload, &mut self.frame_buf);
        }
        let sync_started = Instant::now();
        let written = self
            .segment
            .file
            .write_all(&self.frame_buf)
            .map_err(|e| ("write segment", e))
            .and_then(|()| {
                self.segment
                    .file
                    .sync_data()
                    .map_err(|e| ("fdatasync segment", e))
            });
        if let Err((op, e)) = written {
            let err = CommitError::Io {
                op,
                path: self.segment.path.clone(),
                message: e.to_string(),
            };
            // After a failed fsync the page cache may be dropped silently: never retry and
            // claim durability. Every later submit fails until the store is reopened.
            self.shared.lock().failed = Some(err.clone());
            for p in group.drain(..) {
                let _ = p.reply.send(Err(err.clone()));
            }
            return;
        }
        let sync_micros = sync_started.elapsed().as_micros() as u64;
        let n = group.len() as u64;
        self.next_seq += n;
        self.segment.last_seq = Some(self.next_seq - 1);
        self.segment.bytes += self.frame_buf.len() as u64;
        let c = &self.shared.counters;
        c.records.fetch_add(n, Ordering::Relaxed);
        c.groups.fetch_add(1, Ordering::Relaxed);
        c.fsyncs.fetch_add(1, Ordering::Relaxed);
        c.max_group_records.fetch_max(n, Ordering::Relaxed);
        c.sync_micros.fetch_add(sync_micros, Ordering::Relaxed);
        let payload_bytes: usize = group.iter().map(|p| p.payload.len()).sum();
        c.payload_bytes
            .fetch_add(payload_bytes as u64, Ordering::Relaxed);
        self.send_to_applier(ToApplier::Group {
            first_seq: first,
            items: std::mem::take(group),
        });
    }

    fn send_to_applier(&self, message: ToApplier) {
        // The applier only stops after the writer; a send cannot fail while we run. If it
        // did, the message's reply senders drop and their Commits resolve to `Closed`.
        let _ = self.to_applier.send(message);
    }

    /// Seals the current segment and opens the next. Returns the last sealed sequence number.
    fn rotate(&mut self) -> Result<u64, CommitError> {
        let last_committed = self.next_seq - 1;
        let Some(last) = self.segment.last_seq else {
            return Ok(last_committed);
        };
        let next =
            Segment::create(&self.dir, self.next_seq, &self.shared.counters).map_err(|e| {
                CommitError::Io {
                    op: "create segment",
                    path: self.dir.join(segment_file_name(self.next_seq)),
                    message: e.to_string(),
                }
            })?;
        let old = std::mem::replace(&mut self.segment, next);
        self.sealed.push_back((old.first_seq, last, old.path));
        self.shared
            .counters
            .segments_sealed
            .fetch_add(1, Ordering::Relaxed);
        self.send_to_applier(ToApplier::Sealed(last));
        Ok(last)
    }

    fn remove_through(&mut self, through_seq: u64) -> Result<u64, CommitError> {
        let mut removed = 0;
        while let Some((_, last, path)) = self.sealed.front() {
            if *last > through_seq {
                break;
            }
            if let Err(e) = std::fs::remove_file(path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                return Err(CommitError::Io {
                    op: "remove segment",
                    path: path.clone(),
                    message: e.to_string(),
                });
            }
            self.sealed.pop_front();
            removed += 1;
        }
        if removed > 0 {
            sync_dir(&self.dir).map_err(|e| CommitError::Io {
                op: "fsync directory",
                path: self.dir.clone(),
                message: e.to_string(),
            })?;
            let c = &self.shared.counters;
            c.fsyncs.fetch_add(1, Ordering::Relaxed);
            c.segments_removed.fetch_add(removed, Ordering::Relaxed);
        }
        Ok(removed)
    }
}

enum ToApplier {
    /// A durable group: apply, then ack.
    Group { first_seq: u64, items: Vec<Pending> },
    /// Records up to this sequence are in sealed segments.
    Sealed(u64),
    /// A reply to release once everything before it was applied.
    Reply(Reply, u64),
}

fn run_applier(mut sink: Box<dyn WalSink>, rx: mpsc::Receiver<ToApplier>, shared: &Shared) {
    for message in rx {
        match message {
            ToApplier::Group { first_seq, items } => {
                let started = Instant::now();
                let records: Vec<Record<'_>> = items
                    .iter()
                    .enumerate()
                    .map(|(i, p)| Record {
                        seq: first_seq + i as u64,
                        payload: &p.payload,
                    })
                    .collect();
                sink.apply(&records);
                drop(records);
                shared
                    .counters
                    .apply_micros
                    .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
                for (i, p) in items.into_iter().enumerate() {
                    let _ = p.reply.send(Ok(first_seq + i as u64));
                }
            }
            ToApplier::Sealed(through) => sink.sealed(through),
            ToApplier::Reply(reply, seq) => {
                let _ = reply.send(Ok(seq));
            }
        }
    }
}
