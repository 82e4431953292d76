//! Retention: deletes persisted data older than the rule that applies to it, freeing disk.
//!
//! Files are partitioned by owner and UTC day, so an owner-wide rule deletes whole files and
//! directories. A key-prefix rule drops the matching series' blocks: a file left with no
//! block is deleted, a file with some left is rewritten (blocks copied as they are, no
//! re-encoding) and the old one deleted. A day counts as expired when all of it is older than
//! `now - keep`. Points still in the write buffer are not touched; they are checked once they
//! are persisted.

use std::sync::Arc;

use crate::chunk::ChunkWriter;
use crate::compactor::replace_files;
use crate::error::TsdbError;
use crate::model::{Owner, SeriesKey};
use crate::partition::{DAY_MS, partition_dir};
use crate::persisted::{ChunkFile, sync_dir, write_chunk_file};
use crate::store::Tsdb;

/// How long to keep data. The most specific matching rule applies: one naming an owner beats
/// one that does not, then the longer key prefix wins. Data no rule matches is kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionRule {
    /// Only this owner's data (`None`: every owner).
    pub owner: Option<Owner>,
    /// Only keys starting with this (`None`: every key).
    pub key_prefix: Option<String>,
    /// Milliseconds to keep.
    pub keep_ms: i64,
}

/// What retention did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetentionReport {
    /// Files deleted whole.
    pub files_deleted: usize,
    /// Files rewritten without the expired blocks.
    pub files_rewritten: usize,
    /// Blocks dropped.
    pub blocks_dropped: usize,
    /// Points dropped.
    pub points_dropped: u64,
    /// Bytes of chunk files before.
    pub bytes_before: u64,
    /// Bytes of chunk files after.
    pub bytes_after: u64,
    /// Partition directories removed.
    pub directories_removed: usize,
}

fn rule_for<'r>(
    rules: &'r [RetentionRule],
    owner: &Owner,
    series: &SeriesKey,
) -> Option<&'r RetentionRule> {
    rules
        .iter()
        .filter(|r| r.owner.as_ref().is_none_or(|o| o == owner))
        .filter(|r| {
            r.key_prefix
                .as_deref()
                .is_none_or(|p| series.key.starts_with(p))
        })
        .max_by_key(|r| {
            (
                r.owner.is_some(),
                r.key_prefix.as_deref().map_or(0, str::len),
            )
        })
}

impl Tsdb {
    /// Applies retention `rules` at time `now_ms`.
    ///
    /// ```
    /// use shangyun_tsdb::{Batch, Config, Owner, Point, RetentionRule, Tsdb};
    /// let dir = tempfile::tempdir()?;
    /// let (db, _) = Tsdb::open(dir.path(), Config::default())?;
    /// let owner = Owner::new("E1")?;
    /// db.append(&Batch { owner: owner.clone(), device: 1.into(), points: vec![Point::new("t", 0, 1.0)] })?.wait()?;
    /// db.persist()?;
    /// let day = 86_400_000;
    /// let rule = RetentionRule { owner: Some(owner), key_prefix: None, keep_ms: 30 * day };
    /// assert_eq!(db.enforce_retention(&[rule.clone()], 30 * day)?.files_deleted, 0);
    /// assert_eq!(db.enforce_retention(&[rule], 31 * day)?.files_deleted, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enforce_retention(
        &self,
        rules: &[RetentionRule],
        now_ms: i64,
    ) -> Result<RetentionReport, TsdbError> {
        let inner = &self.inner;
        let _m = inner.maintenance.lock();
        let files: Vec<Arc<ChunkFile>> = inner.index.read().files();
        let mut report = RetentionReport {
            bytes_before: files.iter().map(|f| f.bytes).sum(),
            ..RetentionReport::default()
        };
        let mut emptied_dirs = Vec::new();
        for f in files {
            let day_end = (f.index.day + 1).saturating_mul(DAY_MS);
            let expired: Vec<bool> = f
                .index
                .blocks
                .iter()
                .map(|b| {
                    rule_for(rules, &f.index.owner, &b.series)
                        .is_some_and(|r| day_end <= now_ms.saturating_sub(r.keep_ms))
                })
                .collect();
            let dropped = expired.iter().filter(|e| **e).count();
            if dropped == 0 {
                continue;
            }
            report.blocks_dropped += dropped;
            report.points_dropped += f
                .index
                .blocks
                .iter()
                .zip(&expired)
                .filter(|(_, e)| **e)
                .map(|(b, _)| u64::from(b.count))
                .sum::<u64>();
            let new = if dropped == f.index.blocks.len() {
                report.files_deleted += 1;
                None
            } else {
                let mut w = ChunkWriter::new();
                for (b, _) in f.index.blocks.iter().zip(&expired).filter(|(_, e)| !**e) {
                    let bytes = f
                        .block_bytes(b)
                        .map_err(crate::error::io("read block", &f.path))?;
                    w.copy_block(b, &bytes);
                }
                let (owner, day) = f.partition();
                let sub = inner.index.read().max_sub(&owner, day, f.index.rank.0) + 1;
                report.files_rewritten += 1;
                Some(write_chunk_file(
                    &inner.chunks_dir,
                    &owner,
                    day,
                    (f.index.rank.0, sub),
                    &[f.index.rank],
                    w,
                )?)
            };
            if new.is_none() {
                emptied_dirs.push(partition_dir(
                    &inner.chunks_dir,
                    f.index.owner.as_str(),
                    f.index.day,
                ));
            }
            replace_files(inner, std::slice::from_ref(&f), new)?;
        }
        emptied_dirs.sort();
        emptied_dirs.dedup();
        for dir in emptied_dirs {
            // Only directories left empty go; remove_dir refuses non-empty ones.
            if std::fs::remove_dir(&dir).is_ok() {
                report.directories_removed += 1;
                if let Some(owner_dir) = dir.parent() {
                    if std::fs::remove_dir(owner_dir).is_ok() {
                        sync_dir(&inner.chunks_dir)?;
                    } else {
                        sync_dir(owner_dir)?;
                    }
                }
            }
        }
        report.bytes_after = inner.index.read().files().iter().map(|f| f.bytes).sum();
        Ok(report)
    }

    /// Compacts every partition that has two or more files. Blocks the caller.
    pub fn compact(&self) -> Result<usize, TsdbError> {
        let _m = self.inner.maintenance.lock();
        let partitions: Vec<(Owner, i64)> =
            self.inner.index.read().partitions().into_keys().collect();
        let mut done = 0;
        for (owner, day) in partitions {
            if crate::compactor::compact_partition(&self.inner, &owner, day)? {
                done += 1;
            }
        }
        Ok(done)
    }
}
