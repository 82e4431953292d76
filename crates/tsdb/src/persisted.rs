//! The persisted side: chunk files on disk and the in-memory index of their blocks, rebuilt
//! from the files' index footers at open.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::chunk::{
    BlockMeta, ChunkError, ChunkIndex, ChunkWriter, DecodedBlock, FileRank, decode_block,
    decode_index, index_location,
};
use crate::error::{TsdbError, io};
use crate::model::{Owner, SeriesKey};
use crate::partition::{file_name, partition_dir};

/// An open chunk file. The open handle keeps the bytes readable for queries in flight even
/// after compaction or retention unlinks the file; the disk space is freed when the last
/// handle is dropped.
#[derive(Debug)]
pub struct ChunkFile {
    /// Path at open time.
    pub path: PathBuf,
    file: File,
    /// Its index footer.
    pub index: ChunkIndex,
    /// File size in bytes.
    pub bytes: u64,
}

/// Why a chunk file could not be opened.
#[derive(Debug)]
pub enum OpenChunkError {
    /// Reading failed.
    Io(std::io::Error),
    /// The footer is damaged.
    Damaged(ChunkError),
}

impl ChunkFile {
    /// Opens a chunk file and reads its index footer.
    pub fn open(path: &Path) -> Result<Self, OpenChunkError> {
        let file = File::open(path).map_err(OpenChunkError::Io)?;
        let bytes = file.metadata().map_err(OpenChunkError::Io)?.len();
        let mut tail = [0u8; 16];
        if bytes >= 16 {
            file.read_exact_at(&mut tail, bytes - 16)
                .map_err(OpenChunkError::Io)?;
        }
        let (start, len, crc) = index_location(bytes, &tail).map_err(OpenChunkError::Damaged)?;
        let mut ix = vec![0u8; len as usize];
        file.read_exact_at(&mut ix, start)
            .map_err(OpenChunkError::Io)?;
        let index = decode_index(&ix, crc, start).map_err(OpenChunkError::Damaged)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            index,
            bytes,
        })
    }

    /// The raw bytes of block `i`.
    pub fn block_bytes(&self, meta: &BlockMeta) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; meta.len as usize];
        self.file.read_exact_at(&mut buf, meta.offset)?;
        Ok(buf)
    }

    /// Reads and decodes block `i`, checking its checksum.
    pub fn read_block(&self, i: usize) -> Result<DecodedBlock, ChunkError> {
        let meta = self.index.blocks.get(i).ok_or(ChunkError::Malformed {
            what: "block",
            offset: 0,
        })?;
        let bytes = self.block_bytes(meta).map_err(|_| ChunkError::Malformed {
            what: "block",
            offset: meta.offset,
        })?;
        decode_block(&bytes, meta.offset)
    }

    /// Partition key.
    pub fn partition(&self) -> (Owner, i64) {
        (self.index.owner.clone(), self.index.day)
    }
}

/// A block reference: file and block number.
pub type BlockRef = (Arc<ChunkFile>, usize);

/// Every persisted file, and per series the blocks that hold it.
#[derive(Debug, Default)]
pub struct PersistedIndex {
    files: BTreeMap<(Owner, i64, FileRank), Arc<ChunkFile>>,
    series: HashMap<SeriesKey, Vec<BlockRef>>,
}

impl PersistedIndex {
    /// Adds a file.
    pub fn add(&mut self, f: Arc<ChunkFile>) {
        for (i, b) in f.index.blocks.iter().enumerate() {
            self.series
                .entry(b.series.clone())
                .or_default()
                .push((f.clone(), i));
        }
        let key = (f.index.owner.clone(), f.index.day, f.index.rank);
        self.files.insert(key, f);
    }

    /// Removes a file (queries holding it keep reading it).
    pub fn remove(&mut self, f: &Arc<ChunkFile>) {
        self.files
            .remove(&(f.index.owner.clone(), f.index.day, f.index.rank));
        for b in &f.index.blocks {
            if let Some(refs) = self.series.get_mut(&b.series) {
                refs.retain(|(g, _)| !Arc::ptr_eq(g, f));
                if refs.is_empty() {
                    self.series.remove(&b.series);
                }
            }
        }
    }

    /// Blocks of `series` overlapping `[start, end)`.
    pub fn blocks(&self, series: &SeriesKey, start: i64, end: i64) -> Vec<BlockRef> {
        self.series
            .get(series)
            .map(|refs| {
                refs.iter()
                    .filter(|(f, i)| {
                        f.index
                            .blocks
                            .get(*i)
                            .is_some_and(|b| b.max_ts >= start && b.min_ts < end)
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Files grouped by partition, each group in rank order.
    pub fn partitions(&self) -> BTreeMap<(Owner, i64), Vec<Arc<ChunkFile>>> {
        let mut out: BTreeMap<(Owner, i64), Vec<Arc<ChunkFile>>> = BTreeMap::new();
        for ((owner, day, _), f) in &self.files {
            out.entry((owner.clone(), *day))
                .or_default()
                .push(f.clone());
        }
        out
    }

    /// Every file.
    pub fn files(&self) -> Vec<Arc<ChunkFile>> {
        self.files.values().cloned().collect()
    }

    /// Highest generation present.
    pub fn max_gen(&self) -> u64 {
        self.files.keys().map(|k| k.2.0).max().unwrap_or(0)
    }

    /// Highest sub-rank among files of generation `gen` in a partition.
    pub fn max_sub(&self, owner: &Owner, day: i64, generation: u64) -> u32 {
        self.files
            .keys()
            .filter(|(o, d, r)| o == owner && *d == day && r.0 == generation)
            .map(|k| k.2.1)
            .max()
            .unwrap_or(0)
    }
}

/// Writes a chunk file atomically: temporary file, fsync, rename, fsync of the directory.
pub fn write_chunk_file(
    root: &Path,
    owner: &Owner,
    day: i64,
    rank: FileRank,
    replaces: &[FileRank],
    writer: ChunkWriter,
) -> Result<Arc<ChunkFile>, TsdbError> {
    let dir = partition_dir(root, owner.as_str(), day);
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir).map_err(io("create partition directory", &dir))?;
        // New directories must be durable in their parents before files in them count.
        if let Some(owner_dir) = dir.parent() {
            sync_dir(owner_dir)?;
            if let Some(root_dir) = owner_dir.parent() {
                sync_dir(root_dir)?;
            }
        }
    }
    let (bytes, index) = writer.finish(owner, day, rank, replaces);
    let path = dir.join(file_name(rank));
    let tmp = path.with_extension("chunk.tmp");
    std::fs::write(&tmp, &bytes).map_err(io("write chunk file", &tmp))?;
    File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io("fsync chunk file", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(io("rename chunk file", &path))?;
    sync_dir(&dir)?;
    let file = File::open(&path).map_err(io("open chunk file", &path))?;
    Ok(Arc::new(ChunkFile {
        path,
        file,
        index,
        bytes: bytes.len() as u64,
    }))
}

/// Makes a directory's entries durable.
pub fn sync_dir(dir: &Path) -> Result<(), TsdbError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("fsync directory", dir))
}
