//! shangyun's embedded durable time-series store for device telemetry.
//!
//! A write goes through stages named as the data flows (see the crate README for the on-disk
//! format):
//!
//! 1. [`validate`] — refuse what must never be stored (bad keys, NaN, timestamps outside
//!    1970..=9999) before anything else happens;
//! 2. WAL ([`shangyun_tsdb_wal`]) — the batch becomes one CRC32C-checked record; one
//!    `fdatasync` covers every writer waiting in the same group;
//! 3. write buffer ([`buffer`]) and latest-value table ([`latest`]) — the durable batch is
//!    applied before its [`Ack`] resolves, so an acknowledged point is queryable at once;
//! 4. persister (`src/persister.rs`) — when the WAL seals a segment, the frozen buffer becomes
//!    compressed, checksummed chunk files per owner and UTC day ([`chunk`], [`codec`]),
//!    written atomically; then the sealed WAL segments are deleted;
//! 5. compaction and retention ([`Tsdb::compact`], [`Tsdb::enforce_retention`]) — merge a
//!    partition's files; delete expired files and directories.
//!
//! Queries ([`Tsdb::range`], [`Tsdb::aggregate`], [`Tsdb::latest`]) merge chunk files and
//! buffers with last-write-wins per timestamp.
//!
//! Architecture invariants: an [`Ack`] resolves only after the fsync covering its batch; a
//! point visible to a query is durable; damage found at open or by a query is reported and
//! skipped, never a panic; every decoder of bytes from disk ([`decode_frame`],
//! [`decode_batches`], [`decode_block`], [`decode_chunk_file`]) takes any `&[u8]`.

pub mod buffer;
mod bytes;
pub mod chunk;
pub mod codec;
mod compactor;
mod error;
pub mod latest;
mod model;
mod open;
pub mod partition;
mod persisted;
mod persister;
mod query;
mod retention;
mod store;
mod validate;
mod wal_record;

pub use chunk::{
    BlockMeta, ChunkError, ChunkIndex, ChunkWriter, DecodedBlock, decode_block, decode_chunk_file,
};
pub use error::TsdbError;
pub use model::{Batch, DeviceId, Owner, Point, SeriesKey, Value};
pub use open::{DamagedFile, LatestLoad, OpenReport};
pub use query::{AggregateResult, Bucket, LatestValue, RangeResult};
pub use retention::{RetentionReport, RetentionRule};
pub use shangyun_tsdb_wal::{CommitError, RecoveryReport, WalConfig, WalStats, decode_frame};
pub use store::{Ack, Config, Tsdb, TsdbStats};
pub use validate::{
    MAX_NAME_LEN, MAX_POINTS_PER_BATCH, MAX_TEXT_LEN, MAX_TS, ValidationError, validate,
};
pub use wal_record::{RecordDecodeError, decode_batches, encode_batches};
