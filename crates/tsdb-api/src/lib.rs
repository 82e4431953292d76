//! `shangyun-tsdb-api` — the query and write API shared by the telemetry stores, so the
//! endpoint, energy and evidence code can run on the embedded store ([`shangyun_tsdb::Tsdb`])
//! or on PostgreSQL (`shangyun-tsdb-postgres`) unchanged, and one conformance suite
//! ([`conformance`]) holds both to the same behaviour.
//!
//! Semantics every store keeps (the embedded store's, see `crates/tsdb/README.md`):
//! a series is `(device, key)`; a point written again with the same `(device, key, ts)` is
//! stored once and the last write wins; ranges are `[start, end)`, sorted; aggregate buckets
//! start at multiples of the interval since the epoch, empty ones omitted, `count` counts
//! every point and min/max/sum/avg only numbers; `latest` keeps the newest timestamp (a later
//! write of the same timestamp replaces it, an older one arriving late does not); retention
//! deletes an owner's / key prefix's data by whole UTC days older than `now - keep`, the most
//! specific rule winning, and leaves the latest table alone.

pub mod conformance;
mod embedded;

use std::future::Future;

pub use shangyun_tsdb::{
    AggregateResult, Batch, Bucket, DeviceId, LatestValue, Owner, Point, RangeResult,
    RetentionRule, SeriesKey, Value,
};

/// Any failure of a store (its own error type, boxed).
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// What retention did, in terms every store can report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionSummary {
    /// Points deleted.
    pub points_dropped: u64,
    /// Bytes of telemetry storage before.
    pub bytes_before: u64,
    /// Bytes after.
    pub bytes_after: u64,
    /// What the store did, for people (files deleted, partitions dropped, rows deleted …).
    pub detail: String,
}

/// A telemetry store: writes that are durable when they return, and the queries.
pub trait TelemetryStore: Send + Sync {
    /// Stores batches; durable when it returns `Ok`. Idempotent per `(device, key, ts)`: a
    /// repeated write (broker redelivery, a second node) stores the point once; a different
    /// value for the same `(device, key, ts)` replaces it. A refused batch stores nothing.
    fn write(&self, batches: &[Batch]) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Points of `series` with `start <= ts < end`, sorted, one per timestamp.
    fn range(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
    ) -> impl Future<Output = Result<RangeResult, StoreError>> + Send;

    /// Aggregates per interval of `interval_ms` (≥ 1) aligned to the epoch.
    fn aggregate(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
        interval_ms: i64,
    ) -> impl Future<Output = Result<AggregateResult, StoreError>> + Send;

    /// The newest value of every key of `device`, sorted by key (byte order).
    fn latest(
        &self,
        device: &DeviceId,
    ) -> impl Future<Output = Result<Vec<LatestValue>, StoreError>> + Send;

    /// The newest `(ts, value)` of one series.
    fn latest_value(
        &self,
        series: &SeriesKey,
    ) -> impl Future<Output = Result<Option<(i64, Value)>, StoreError>> + Send;

    /// Moves everything written so far to where retention acts on it (the embedded store
    /// persists its write buffer; PostgreSQL has nothing to do). Blocks the calling thread on
    /// the embedded store.
    fn flush(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Applies retention `rules` at `now_ms`.
    fn enforce_retention(
        &self,
        rules: &[RetentionRule],
        now_ms: i64,
    ) -> impl Future<Output = Result<RetentionSummary, StoreError>> + Send;

    /// Bytes the telemetry occupies on disk (indexes included).
    fn stored_bytes(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
