//! Opening a store: the chunk files and the latest-value snapshot. Damage is reported in the
//! [`OpenReport`] and skipped, never fatal.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use shangyun_tsdb_wal::RecoveryReport;

use crate::chunk::FileRank;
use crate::error::{TsdbError, io};
use crate::latest::LatestTable;
use crate::partition::parse_file_name;
use crate::persisted::{ChunkFile, OpenChunkError, PersistedIndex, sync_dir};

/// File name of the latest-value snapshot.
pub const LATEST_FILE: &str = "latest.snap";

/// What opening the store found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OpenReport {
    /// WAL recovery: records replayed, damage skipped, torn tail truncated.
    pub wal: RecoveryReport,
    /// Points replayed from the WAL into the write buffer.
    pub replayed_points: u64,
    /// WAL records that were intact but could not be decoded or validated (skipped).
    pub bad_records: u64,
    /// Chunk files loaded.
    pub chunk_files: usize,
    /// Chunk files whose index footer is damaged or unreadable (left in place, not used).
    pub damaged_chunk_files: Vec<DamagedFile>,
    /// Files removed because a compacted or rewritten file replaces them (a crash between
    /// writing the new file and deleting the old ones).
    pub replaced_files_removed: Vec<PathBuf>,
    /// Temporary files of an interrupted write, removed.
    pub temp_files_removed: Vec<PathBuf>,
    /// How the latest-value table was loaded.
    pub latest: LatestLoad,
}

/// A chunk file that could not be used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DamagedFile {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub error: String,
}

/// Where the latest-value table came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub enum LatestLoad {
    /// No snapshot and no chunk files: a new store.
    #[default]
    Empty,
    /// From the snapshot.
    Snapshot,
    /// The snapshot was missing or damaged: rebuilt from the chunk files.
    Rebuilt,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TsdbError> {
    for entry in std::fs::read_dir(dir).map_err(io("list directory", dir))? {
        let entry = entry.map_err(io("list directory", dir))?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

pub(crate) fn load_chunks(
    chunks_dir: &Path,
    report: &mut OpenReport,
) -> Result<PersistedIndex, TsdbError> {
    let mut paths = Vec::new();
    walk(chunks_dir, &mut paths)?;
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".tmp") {
            std::fs::remove_file(&path).map_err(io("remove temporary file", &path))?;
            report.temp_files_removed.push(path);
            continue;
        }
        if parse_file_name(name).is_none() {
            continue;
        }
        match ChunkFile::open(&path) {
            Ok(f) => files.push(Arc::new(f)),
            Err(e) => report.damaged_chunk_files.push(DamagedFile {
                path,
                error: match e {
                    OpenChunkError::Io(e) => e.to_string(),
                    OpenChunkError::Damaged(e) => e.to_string(),
                },
            }),
        }
    }
    // A file listed as replaced by another file of its partition is a leftover.
    let replaced: std::collections::HashSet<(String, i64, FileRank)> = files
        .iter()
        .flat_map(|f| {
            f.index
                .replaces
                .iter()
                .map(|r| (f.index.owner.as_str().to_owned(), f.index.day, *r))
        })
        .collect();
    let mut index = PersistedIndex::default();
    let mut dirs_touched = Vec::new();
    for f in files {
        let key = (f.index.owner.as_str().to_owned(), f.index.day, f.index.rank);
        if replaced.contains(&key) {
            std::fs::remove_file(&f.path).map_err(io("remove replaced file", &f.path))?;
            if let Some(d) = f.path.parent() {
                dirs_touched.push(d.to_path_buf());
            }
            report.replaced_files_removed.push(f.path.clone());
            continue;
        }
        index.add(f);
        report.chunk_files += 1;
    }
    for d in dirs_touched {
        sync_dir(&d)?;
    }
    Ok(index)
}

pub(crate) fn load_latest(
    root: &Path,
    index: &PersistedIndex,
    report: &mut OpenReport,
) -> LatestTable {
    if let Some(table) = std::fs::read(root.join(LATEST_FILE))
        .ok()
        .and_then(|b| LatestTable::decode(&b))
    {
        report.latest = LatestLoad::Snapshot;
        return table;
    }
    let mut table = LatestTable::default();
    let files = index.files();
    if files.is_empty() {
        return table;
    }
    report.latest = LatestLoad::Rebuilt;
    // Per series, the block reaching furthest in time holds its latest point.
    let mut best: std::collections::HashMap<crate::model::SeriesKey, (i64, Arc<ChunkFile>, usize)> =
        std::collections::HashMap::new();
    for f in &files {
        for (i, b) in f.index.blocks.iter().enumerate() {
            let better = best.get(&b.series).is_none_or(|(t, g, _)| {
                b.max_ts > *t || (b.max_ts == *t && f.index.rank > g.index.rank)
            });
            if better {
                best.insert(b.series.clone(), (b.max_ts, f.clone(), i));
            }
        }
    }
    for (series, (_, f, i)) in best {
        if let Ok(block) = f.read_block(i)
            && let (Some(ts), Some(v)) = (block.ts.last(), block.values.last())
        {
            table.offer(&series.device, &series.key, *ts, v.clone());
        }
    }
    table
}
