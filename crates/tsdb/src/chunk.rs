//! Persisted chunk files: compressed blocks of series points, each block checksummed, and an
//! index footer (checksummed too) so a file opens without reading its blocks.
//!
//! ```text
//! file   = "SYCHUNK1" | block* | index | index_len u32 | index_crc32c u32 | "SYCHKEND"
//! block  = body_len u32 | body_crc32c u32 | body
//! body   = device | key str | count varint | timestamps | value column     (see codec)
//! index  = version u8 | owner str | day zigzag | gen varint | sub varint
//!          | n_replaced varint | (gen varint, sub varint)*
//!          | n_blocks varint | (device | key str | count | min_ts | max_ts | offset | len | codec u8)*
//! device = 0 varint(u64) | 1 str
//! ```
//! Block timestamps are sorted and unique: a block holds the final state of its series for
//! the points it covers.

use crate::bytes::{Reader, put_bytes, put_ivarint, put_uvarint};
use crate::codec::{timestamps, values};
use crate::model::{DeviceId, Owner, SeriesKey, Value};

const MAGIC: &[u8; 8] = b"SYCHUNK1";
const END_MAGIC: &[u8; 8] = b"SYCHKEND";
const TAIL_LEN: usize = 16;
const INDEX_VERSION: u8 = 1;
/// Most points a block may claim (a decoder bound against hostile counts).
pub const MAX_BLOCK_POINTS: usize = 1 << 20;

/// A file's place in the "which write is newer" order: files from later persists have higher
/// generations; a compacted file takes the highest generation of its inputs and a higher sub.
pub type FileRank = (u64, u32);

/// Why a chunk file or block could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum ChunkError {
    /// The file is too short to hold a header and footer.
    #[error("chunk file too short ({0} bytes)")]
    TooShort(usize),
    /// A magic number is wrong.
    #[error("chunk file magic number is wrong")]
    BadMagic,
    /// A checksum does not match: the bytes were damaged.
    #[error("{what} checksum mismatch at byte {offset}")]
    Checksum {
        /// `block` or `index`.
        what: &'static str,
        /// Where the damaged part starts.
        offset: u64,
    },
    /// A field is malformed (after a valid checksum this means a bug or a foreign file).
    #[error("malformed {what} at byte {offset}")]
    Malformed {
        /// `block` or `index`.
        what: &'static str,
        /// Where.
        offset: u64,
    },
}

/// Where a block is and what it holds, from the index footer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlockMeta {
    /// Its series.
    pub series: SeriesKey,
    /// Points in the block.
    pub count: u32,
    /// First timestamp.
    pub min_ts: i64,
    /// Last timestamp.
    pub max_ts: i64,
    /// Offset of the block (its length field) in the file.
    pub offset: u64,
    /// Bytes of the block, length and checksum fields included.
    pub len: u32,
    /// Value codec (see [`values::ColumnCodec`]).
    pub codec: u8,
}

/// The index footer of a chunk file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChunkIndex {
    /// Owner partition.
    pub owner: Owner,
    /// UTC day (days since 1970-01-01) partition.
    pub day: i64,
    /// Rank of the file.
    pub rank: FileRank,
    /// Files this one replaces (a compaction's inputs).
    pub replaces: Vec<FileRank>,
    /// Its blocks.
    pub blocks: Vec<BlockMeta>,
}

/// One decoded block.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DecodedBlock {
    /// Its series.
    pub series: SeriesKey,
    /// Sorted, unique timestamps.
    pub ts: Vec<i64>,
    /// Values, one per timestamp.
    pub values: Vec<Value>,
}

fn put_device(out: &mut Vec<u8>, d: &DeviceId) {
    match d {
        DeviceId::Num(n) => {
            out.push(0);
            put_uvarint(out, *n);
        }
        DeviceId::Name(s) => {
            out.push(1);
            put_bytes(out, s.as_bytes());
        }
    }
}

fn read_device(r: &mut Reader<'_>) -> Option<DeviceId> {
    match r.u8()? {
        0 => Some(DeviceId::Num(r.uvarint()?)),
        1 => Some(DeviceId::Name(r.str()?.to_owned())),
        _ => None,
    }
}

/// Builds a chunk file in memory.
#[derive(Debug)]
pub struct ChunkWriter {
    buf: Vec<u8>,
    blocks: Vec<BlockMeta>,
}

impl Default for ChunkWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ChunkWriter {
    /// An empty file.
    pub fn new() -> Self {
        Self {
            buf: MAGIC.to_vec(),
            blocks: Vec::new(),
        }
    }

    /// True before the first block.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Appends a block. `ts` must be sorted and unique, one value per timestamp, at most
    /// [`MAX_BLOCK_POINTS`] points, at least one.
    pub fn add_block(&mut self, series: &SeriesKey, ts: &[i64], vals: &[Value]) {
        let (Some(&min_ts), Some(&max_ts)) = (ts.first(), ts.last()) else {
            return;
        };
        let mut body = Vec::with_capacity(64 + ts.len());
        put_device(&mut body, &series.device);
        put_bytes(&mut body, series.key.as_bytes());
        put_uvarint(&mut body, ts.len() as u64);
        timestamps::encode(ts, &mut body);
        let codec = values::encode(vals, &mut body) as u8;
        let offset = self.buf.len() as u64;
        self.push_raw_block(&body);
        self.blocks.push(BlockMeta {
            series: series.clone(),
            count: ts.len() as u32,
            min_ts,
            max_ts,
            offset,
            len: (8 + body.len()) as u32,
            codec,
        });
    }

    /// Copies a block read from another file (retention rewrites) without decoding it.
    pub fn copy_block(&mut self, meta: &BlockMeta, block_bytes: &[u8]) {
        let offset = self.buf.len() as u64;
        self.buf.extend_from_slice(block_bytes);
        self.blocks.push(BlockMeta {
            offset,
            len: block_bytes.len() as u32,
            ..meta.clone()
        });
    }

    fn push_raw_block(&mut self, body: &[u8]) {
        self.buf
            .extend_from_slice(&(body.len() as u32).to_le_bytes());
        self.buf
            .extend_from_slice(&crc32c::crc32c(body).to_le_bytes());
        self.buf.extend_from_slice(body);
    }

    /// The finished file bytes and its index.
    pub fn finish(
        mut self,
        owner: &Owner,
        day: i64,
        rank: FileRank,
        replaces: &[FileRank],
    ) -> (Vec<u8>, ChunkIndex) {
        let index = ChunkIndex {
            owner: owner.clone(),
            day,
            rank,
            replaces: replaces.to_vec(),
            blocks: self.blocks,
        };
        let mut ix = vec![INDEX_VERSION];
        put_bytes(&mut ix, owner.as_str().as_bytes());
        put_ivarint(&mut ix, day);
        put_uvarint(&mut ix, rank.0);
        put_uvarint(&mut ix, u64::from(rank.1));
        put_uvarint(&mut ix, replaces.len() as u64);
        for (g, s) in replaces {
            put_uvarint(&mut ix, *g);
            put_uvarint(&mut ix, u64::from(*s));
        }
        put_uvarint(&mut ix, index.blocks.len() as u64);
        for b in &index.blocks {
            put_device(&mut ix, &b.series.device);
            put_bytes(&mut ix, b.series.key.as_bytes());
            put_uvarint(&mut ix, u64::from(b.count));
            put_ivarint(&mut ix, b.min_ts);
            put_ivarint(&mut ix, b.max_ts);
            put_uvarint(&mut ix, b.offset);
            put_uvarint(&mut ix, u64::from(b.len));
            ix.push(b.codec);
        }
        self.buf.extend_from_slice(&ix);
        self.buf.extend_from_slice(&(ix.len() as u32).to_le_bytes());
        self.buf
            .extend_from_slice(&crc32c::crc32c(&ix).to_le_bytes());
        self.buf.extend_from_slice(END_MAGIC);
        (self.buf, index)
    }
}

/// Where the index of a chunk file starts and how long it is, from the file's last 16 bytes
/// and its length.
pub fn index_location(file_len: u64, tail: &[u8]) -> Result<(u64, u32, u32), ChunkError> {
    let min = (MAGIC.len() + TAIL_LEN) as u64;
    if file_len < min || tail.len() != TAIL_LEN {
        return Err(ChunkError::TooShort(file_len as usize));
    }
    if &tail[8..] != END_MAGIC {
        return Err(ChunkError::BadMagic);
    }
    let len = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    let crc = u32::from_le_bytes([tail[4], tail[5], tail[6], tail[7]]);
    let start = file_len
        .checked_sub(TAIL_LEN as u64 + u64::from(len))
        .filter(|&s| s >= MAGIC.len() as u64)
        .ok_or(ChunkError::Malformed {
            what: "index",
            offset: file_len - TAIL_LEN as u64,
        })?;
    Ok((start, len, crc))
}

/// Decodes an index (the bytes between the blocks and the 16-byte tail), checking `crc`.
pub fn decode_index(ix: &[u8], crc: u32, offset: u64) -> Result<ChunkIndex, ChunkError> {
    if crc32c::crc32c(ix) != crc {
        return Err(ChunkError::Checksum {
            what: "index",
            offset,
        });
    }
    let mut r = Reader::new(ix);
    let malformed = |r: &Reader<'_>| ChunkError::Malformed {
        what: "index",
        offset: offset + r.position() as u64,
    };
    (|| {
        if r.u8()? != INDEX_VERSION {
            return None;
        }
        let owner = r.str()?;
        if !crate::validate::owner_ok(owner) {
            return None;
        }
        let owner = Owner::unchecked(owner.to_owned());
        let day = r.ivarint()?;
        let rank = (r.uvarint()?, u32::try_from(r.uvarint()?).ok()?);
        let n = r.count()?;
        let mut replaces = Vec::with_capacity(n);
        for _ in 0..n {
            replaces.push((r.uvarint()?, u32::try_from(r.uvarint()?).ok()?));
        }
        let n = r.count()?;
        let mut blocks = Vec::with_capacity(n);
        for _ in 0..n {
            let device = read_device(&mut r)?;
            let key = r.str()?.to_owned();
            blocks.push(BlockMeta {
                series: SeriesKey { device, key },
                count: u32::try_from(r.uvarint()?).ok()?,
                min_ts: r.ivarint()?,
                max_ts: r.ivarint()?,
                offset: r.uvarint()?,
                len: u32::try_from(r.uvarint()?).ok()?,
                codec: r.u8()?,
            });
        }
        (r.remaining() == 0).then_some(ChunkIndex {
            owner,
            day,
            rank,
            replaces,
            blocks,
        })
    })()
    .ok_or_else(|| malformed(&r))
}

/// Decodes one block (its length and checksum fields included). Never panics.
///
/// ```
/// use shangyun_tsdb::{decode_block, ChunkWriter, Owner, SeriesKey, Value};
/// let series = SeriesKey::new(1, "temp");
/// let mut w = ChunkWriter::new();
/// w.add_block(&series, &[1000, 2000], &[Value::F64(21.5), Value::F64(21.6)]);
/// let (bytes, index) = w.finish(&Owner::new("E1")?, 0, (1, 0), &[]);
/// let meta = &index.blocks[0];
/// let block = &bytes[meta.offset as usize..][..meta.len as usize];
/// assert_eq!(decode_block(block, meta.offset)?.ts, vec![1000, 2000]);
/// let mut damaged = block.to_vec();
/// damaged[12] ^= 1;
/// assert!(decode_block(&damaged, meta.offset).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_block(bytes: &[u8], offset: u64) -> Result<DecodedBlock, ChunkError> {
    let mut r = Reader::new(bytes);
    let malformed = ChunkError::Malformed {
        what: "block",
        offset,
    };
    let (Some(len), Some(crc)) = (r.u32_le(), r.u32_le()) else {
        return Err(malformed);
    };
    let body = r.take(len as usize).ok_or(malformed.clone())?;
    if r.remaining() != 0 {
        return Err(malformed);
    }
    if crc32c::crc32c(body) != crc {
        return Err(ChunkError::Checksum {
            what: "block",
            offset,
        });
    }
    let mut r = Reader::new(body);
    (|| {
        let device = read_device(&mut r)?;
        let key = r.str()?.to_owned();
        let n = usize::try_from(r.uvarint()?).ok()?;
        if n == 0 || n > MAX_BLOCK_POINTS {
            return None;
        }
        let ts = timestamps::decode(&mut r, n)?;
        let values = values::decode(&mut r, n)?;
        (r.remaining() == 0 && ts.len() == n && values.len() == n).then_some(DecodedBlock {
            series: SeriesKey { device, key },
            ts,
            values,
        })
    })()
    .ok_or(malformed)
}

/// Decodes a whole chunk file image: its index and every block. Never panics; a damaged
/// block is an `Err` in its slot and does not hide the others.
pub fn decode_chunk_file(
    bytes: &[u8],
) -> Result<(ChunkIndex, Vec<Result<DecodedBlock, ChunkError>>), ChunkError> {
    if bytes.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(if bytes.len() < MAGIC.len() + TAIL_LEN {
            ChunkError::TooShort(bytes.len())
        } else {
            ChunkError::BadMagic
        });
    }
    let tail = bytes
        .len()
        .checked_sub(TAIL_LEN)
        .and_then(|s| bytes.get(s..))
        .ok_or(ChunkError::TooShort(bytes.len()))?;
    let (start, len, crc) = index_location(bytes.len() as u64, tail)?;
    let ix = bytes
        .get(start as usize..start as usize + len as usize)
        .ok_or(ChunkError::TooShort(bytes.len()))?;
    let index = decode_index(ix, crc, start)?;
    let blocks = index
        .blocks
        .iter()
        .map(|m| {
            let end = (m.offset as usize).checked_add(m.len as usize);
            match end.and_then(|e| bytes.get(m.offset as usize..e)) {
                Some(b) => decode_block(b, m.offset),
                None => Err(ChunkError::Malformed {
                    what: "block",
                    offset: m.offset,
                }),
            }
        })
        .collect();
    Ok((index, blocks))
}
