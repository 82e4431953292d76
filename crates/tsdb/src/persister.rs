//! The persister: writes frozen buffers as chunk files (one per owner and day), publishes them
//! in the index, snapshots the latest-value table, then lets the WAL delete the sealed
//! segments. Jobs run strictly in freeze order so that newer data always gets a higher file
//! generation; a failed job is retried, never skipped.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use shangyun_tsdb_wal::Wal;

use crate::buffer::FrozenBuffer;
use crate::chunk::ChunkWriter;
use crate::compactor::compact_partition;
use crate::error::{TsdbError, io};
use crate::model::{Owner, SeriesKey, Value};
use crate::open::LATEST_FILE;
use crate::partition::day_of;
use crate::persisted::{sync_dir, write_chunk_file};
use crate::store::Inner;

pub(crate) fn run(inner: &Arc<Inner>, wal: &Wal) {
    let mut retry_delay = Duration::from_millis(100);
    loop {
        let job = {
            let mut jobs = inner.jobs.lock();
            while jobs.queue.is_empty() && !jobs.stop {
                inner.jobs_changed.wait(&mut jobs);
            }
            if jobs.stop {
                return;
            }
            match jobs.queue.front() {
                Some(j) => j.clone(),
                None => continue,
            }
        };
        match persist(inner, &job) {
            Ok(partitions) => {
                retry_delay = Duration::from_millis(100);
                // Only with a snapshot covering them may the WAL forget these records (the
                // latest table of the next open comes from the snapshot plus the WAL). A
                // failure here only leaves segments to be replayed again, idempotently.
                match write_latest_snapshot(inner) {
                    Ok(()) => {
                        let _ = wal.remove_through(job.through_seq).wait();
                    }
                    Err(e) => inner.jobs.lock().last_error = Some(e.to_string()),
                }
                {
                    let mut jobs = inner.jobs.lock();
                    jobs.queue.pop_front();
                }
                inner.jobs_changed.notify_all();
                inner.counters.persists.fetch_add(1, Ordering::Relaxed);
                for (owner, day) in partitions {
                    if let Err(e) = compact_if_needed(inner, &owner, day) {
                        inner.jobs.lock().last_error = Some(e.to_string());
                    }
                }
            }
            Err(e) => {
                inner
                    .counters
                    .persist_errors
                    .fetch_add(1, Ordering::Relaxed);
                {
                    let mut jobs = inner.jobs.lock();
                    jobs.failures += 1;
                    jobs.last_error = Some(e.to_string());
                    inner.jobs_changed.notify_all();
                    if !jobs.stop {
                        inner.jobs_changed.wait_for(&mut jobs, retry_delay);
                    }
                }
                retry_delay = (retry_delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

fn compact_if_needed(inner: &Inner, owner: &Owner, day: i64) -> Result<(), TsdbError> {
    let files = inner
        .index
        .read()
        .partitions()
        .remove(&(owner.clone(), day))
        .unwrap_or_default();
    if files.len() >= inner.config.compact_after_files.max(2) {
        let _m = inner.maintenance.lock();
        compact_partition(inner, owner, day)?;
    }
    Ok(())
}

/// Writes one frozen buffer; returns the partitions written.
fn persist(inner: &Inner, job: &Arc<FrozenBuffer>) -> Result<Vec<(Owner, i64)>, TsdbError> {
    let mut m = inner.maintenance.lock();
    let mut partitions: BTreeMap<(Owner, i64), ChunkWriter> = BTreeMap::new();
    let max_block = inner.config.max_block_points.max(1);
    for (device, dev) in &job.buffer.devices {
        for (key, series) in &dev.series {
            let points = series.all();
            let series_key = SeriesKey {
                device: device.clone(),
                key: key.clone(),
            };
            for day_run in points.chunk_by(|a, b| day_of(a.0) == day_of(b.0)) {
                let Some(first) = day_run.first() else {
                    continue;
                };
                let writer = partitions
                    .entry((dev.owner.clone(), day_of(first.0)))
                    .or_default();
                for block in day_run.chunks(max_block) {
                    let ts: Vec<i64> = block.iter().map(|p| p.0).collect();
                    let vals: Vec<Value> = block.iter().map(|p| p.1.clone()).collect();
                    writer.add_block(&series_key, &ts, &vals);
                }
            }
        }
    }
    let generation = m.next_gen;
    let mut written = Vec::new();
    let mut keys = Vec::new();
    for ((owner, day), writer) in partitions {
        let f = write_chunk_file(&inner.chunks_dir, &owner, day, (generation, 0), &[], writer)?;
        written.push(f);
        keys.push((owner, day));
    }
    m.next_gen += 1;
    {
        let mut index = inner.index.write();
        for f in written {
            index.add(f);
        }
    }
    inner.buffers.write().frozen.retain(|f| f.id != job.id);
    Ok(keys)
}

fn write_latest_snapshot(inner: &Inner) -> Result<(), TsdbError> {
    let bytes = inner.latest.read().encode();
    let path = inner.root.join(LATEST_FILE);
    let tmp = inner.root.join(format!("{LATEST_FILE}.tmp"));
    std::fs::write(&tmp, &bytes).map_err(io("write latest snapshot", &tmp))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io("fsync latest snapshot", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(io("rename latest snapshot", &path))?;
    sync_dir(&inner.root)
}
