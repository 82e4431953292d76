//! Queries: raw range, aggregates per interval, latest. Each merges persisted blocks, frozen
//! buffers and the active buffer.
//!
//! Duplicates (same series, same timestamp): the last write wins. "Last" is the WAL order:
//! a later WAL record beats an earlier one, and within a record a later point beats an
//! earlier one. Storage keeps that order: chunk files by generation (a later persist holds
//! later writes), then frozen buffers by freeze order, then the active buffer.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use crate::error::TsdbError;
use crate::model::{DeviceId, SeriesKey, Value};
use crate::store::Tsdb;

/// Points of a range query.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RangeResult {
    /// `(timestamp ms, value)`, sorted, one per timestamp.
    pub points: Vec<(i64, Value)>,
    /// Persisted blocks skipped because their checksum failed (their points are missing).
    pub corrupt_blocks: u32,
}

/// One aggregation interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bucket {
    /// Start of the interval (a multiple of the interval since the epoch).
    pub start: i64,
    /// Points in the interval, every kind counted.
    pub count: u64,
    /// Numeric points (floats and integers) that min/max/sum/avg cover.
    pub numeric_count: u64,
    /// Smallest numeric value.
    pub min: Option<f64>,
    /// Largest numeric value.
    pub max: Option<f64>,
    /// Sum of numeric values.
    pub sum: Option<f64>,
    /// Mean of numeric values.
    pub avg: Option<f64>,
    /// Earliest point.
    pub first: (i64, Value),
    /// Latest point.
    pub last: (i64, Value),
}

/// Aggregates of a range.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AggregateResult {
    /// Non-empty intervals, in time order.
    pub buckets: Vec<Bucket>,
    /// Persisted blocks skipped because their checksum failed.
    pub corrupt_blocks: u32,
}

/// The newest value of one key of a device.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LatestValue {
    /// The key.
    pub key: String,
    /// Its newest timestamp.
    pub ts: i64,
    /// The value at that timestamp.
    pub value: Value,
}

impl Tsdb {
    /// Points of `series` with `start <= ts < end`.
    pub fn range(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
    ) -> Result<RangeResult, TsdbError> {
        let inner = &self.inner;
        // Collect the sources under the locks, decode outside them. Buffers first, then the
        // index: the persister adds a frozen buffer's files to the index before it drops the
        // buffer, so in this order a query sees every point at least once (the other order
        // could miss a buffer persisted in between).
        let (frozen, active) = {
            let b = inner.buffers.read();
            let frozen: Vec<Vec<(i64, Value)>> = b
                .frozen
                .iter()
                .filter_map(|f| f.buffer.series(&series.device, &series.key))
                .map(|s| s.range(start, end))
                .collect();
            let active = b
                .active
                .series(&series.device, &series.key)
                .map(|s| s.range(start, end))
                .unwrap_or_default();
            (frozen, active)
        };
        let mut blocks = inner.index.read().blocks(series, start, end);
        blocks.sort_by_key(|(f, _)| f.index.rank);
        let mut corrupt_blocks = 0u32;
        let mut all: Vec<(i64, Value)> = Vec::new();
        for (f, i) in blocks {
            match f.read_block(i) {
                Ok(block) => all.extend(
                    block
                        .ts
                        .into_iter()
                        .zip(block.values)
                        .filter(|(t, _)| (start..end).contains(t)),
                ),
                Err(_) => corrupt_blocks += 1,
            }
        }
        if corrupt_blocks > 0 {
            inner
                .counters
                .corrupt_blocks
                .fetch_add(u64::from(corrupt_blocks), Ordering::Relaxed);
        }
        for f in frozen {
            all.extend(f);
        }
        all.extend(active);
        // Sources were appended oldest first; the stable sort keeps that order among equal
        // timestamps, so keeping the last of each run is last-write-wins.
        crate::buffer::sort_last_wins(&mut all);
        Ok(RangeResult {
            points: all,
            corrupt_blocks,
        })
    }

    /// Aggregates (count, min, max, sum, avg, first, last) of `series` over
    /// `start <= ts < end`, per interval of `interval_ms` aligned to the epoch.
    ///
    /// ```
    /// use shangyun_tsdb::{Batch, Config, Owner, Point, SeriesKey, Tsdb};
    /// let dir = tempfile::tempdir()?;
    /// let (db, _) = Tsdb::open(dir.path(), Config::default())?;
    /// let points = (0..120).map(|s| Point::new("t", s * 1000, s as f64)).collect();
    /// db.append(&Batch { owner: Owner::new("E1")?, device: 1.into(), points })?.wait()?;
    /// let agg = db.aggregate(&SeriesKey::new(1, "t"), 0, 120_000, 60_000)?;
    /// assert_eq!(agg.buckets.len(), 2);
    /// assert_eq!(agg.buckets[1].min, Some(60.0));
    /// assert_eq!(agg.buckets[1].avg, Some(89.5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn aggregate(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
        interval_ms: i64,
    ) -> Result<AggregateResult, TsdbError> {
        if interval_ms < 1 {
            return Err(TsdbError::Interval(interval_ms));
        }
        let range = self.range(series, start, end)?;
        let mut buckets: Vec<Bucket> = Vec::new();
        for (ts, value) in range.points {
            let bucket_start = ts.div_euclid(interval_ms) * interval_ms;
            let b = match buckets.last_mut() {
                Some(b) if b.start == bucket_start => b,
                _ => {
                    buckets.push(Bucket {
                        start: bucket_start,
                        count: 0,
                        numeric_count: 0,
                        min: None,
                        max: None,
                        sum: None,
                        avg: None,
                        first: (ts, value.clone()),
                        last: (ts, value.clone()),
                    });
                    match buckets.last_mut() {
                        Some(b) => b,
                        None => continue,
                    }
                }
            };
            b.count += 1;
            if let Some(x) = value.as_f64() {
                b.numeric_count += 1;
                b.min = Some(b.min.map_or(x, |m| m.min(x)));
                b.max = Some(b.max.map_or(x, |m| m.max(x)));
                b.sum = Some(b.sum.unwrap_or(0.0) + x);
            }
            b.last = (ts, value);
        }
        for b in &mut buckets {
            b.avg = b.sum.map(|s| s / b.numeric_count as f64);
        }
        Ok(AggregateResult {
            buckets,
            corrupt_blocks: range.corrupt_blocks,
        })
    }

    /// The newest value of every key of `device`, sorted by key.
    pub fn latest(&self, device: &DeviceId) -> Vec<LatestValue> {
        let table: BTreeMap<String, (i64, Value)> = self.inner.latest.read().device(device);
        table
            .into_iter()
            .map(|(key, (ts, value))| LatestValue { key, ts, value })
            .collect()
    }

    /// The newest `(timestamp, value)` of one series.
    pub fn latest_value(&self, series: &SeriesKey) -> Option<(i64, Value)> {
        self.inner.latest.read().get(&series.device, &series.key)
    }
}
