//! Compaction: merges the files of one partition (owner, day) into one file with one block run
//! per series, applying last-write-wins across them. Small per-persist blocks become long
//! blocks that compress far better, and queries open fewer blocks.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::buffer::sort_last_wins;
use crate::chunk::{ChunkWriter, FileRank};
use crate::error::{TsdbError, io};
use crate::model::{Owner, SeriesKey, Value};
use crate::persisted::{sync_dir, write_chunk_file};
use crate::store::Inner;

/// Compacts a partition if it has two or more files. The caller holds the maintenance lock.
pub(crate) fn compact_partition(inner: &Inner, owner: &Owner, day: i64) -> Result<bool, TsdbError> {
    let files = inner
        .index
        .read()
        .partitions()
        .remove(&(owner.clone(), day))
        .unwrap_or_default();
    if files.len() < 2 {
        return Ok(false);
    }
    // Files come in rank order (oldest first), so appending in that order and keeping the
    // last of equal timestamps applies last-write-wins.
    let mut series: BTreeMap<SeriesKey, Vec<(i64, Value)>> = BTreeMap::new();
    for f in &files {
        for i in 0..f.index.blocks.len() {
            match f.read_block(i) {
                Ok(block) => series
                    .entry(block.series)
                    .or_default()
                    .extend(block.ts.into_iter().zip(block.values)),
                Err(_) => {
                    inner
                        .counters
                        .corrupt_blocks
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    let mut writer = ChunkWriter::new();
    let max_block = inner.config.max_block_points.max(1);
    for (key, mut points) in series {
        sort_last_wins(&mut points);
        for block in points.chunks(max_block) {
            let ts: Vec<i64> = block.iter().map(|p| p.0).collect();
            let vals: Vec<Value> = block.iter().map(|p| p.1.clone()).collect();
            writer.add_block(&key, &ts, &vals);
        }
    }
    let replaces: Vec<FileRank> = files.iter().map(|f| f.index.rank).collect();
    let top = replaces.iter().copied().max().unwrap_or((0, 0));
    let rank = (top.0, top.1 + 1);
    let new = if writer.is_empty() {
        None
    } else {
        Some(write_chunk_file(
            &inner.chunks_dir,
            owner,
            day,
            rank,
            &replaces,
            writer,
        )?)
    };
    replace_files(inner, &files, new)?;
    inner.counters.compactions.fetch_add(1, Ordering::Relaxed);
    Ok(true)
}

/// Swaps `old` for `new` in the index, then deletes the old files. A crash before the deletes
/// is repaired at open: the new file lists the ranks it replaces.
pub(crate) fn replace_files(
    inner: &Inner,
    old: &[Arc<crate::persisted::ChunkFile>],
    new: Option<Arc<crate::persisted::ChunkFile>>,
) -> Result<(), TsdbError> {
    {
        let mut index = inner.index.write();
        for f in old {
            index.remove(f);
        }
        if let Some(n) = new {
            index.add(n);
        }
    }
    let mut dirs = Vec::new();
    for f in old {
        if let Err(e) = std::fs::remove_file(&f.path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(io("remove chunk file", &f.path)(e));
        }
        if let Some(d) = f.path.parent()
            && !dirs.iter().any(|x: &std::path::PathBuf| x == d)
        {
            dirs.push(d.to_path_buf());
        }
    }
    for d in dirs {
        sync_dir(&d)?;
    }
    Ok(())
}
