//! `shangyun-tsdb-postgres` — telemetry on PostgreSQL for clustered deployments, behind the
//! same API as the embedded store ([`shangyun_tsdb_api::TelemetryStore`]) and held to the same
//! conformance suite.
//!
//! Layout (see the README for the byte counts):
//!
//! * `ts_series(id int4, owner, device_is_num, device, key)` — one row per series; points
//!   carry the 4-byte id instead of the names.
//! * `ts_points(ts int8, f float8, i int8, series_id int4, b bool, s text)`, primary key
//!   `(series_id, ts)`, range-partitioned by UTC day (`ts_points_yyyymmdd`, created on
//!   demand, listed in `ts_partitions`). One value column is set per row (float, integer,
//!   boolean or text); the others are NULL and cost one bit.
//! * `ts_latest(series_id, ts, f, i, b, s)` — the newest point per series.
//!
//! Writes are one transaction per call: series ids resolved (cached), then one multi-row
//! `INSERT … SELECT FROM UNNEST(arrays) ON CONFLICT (series_id, ts) DO UPDATE … WHERE the
//! value differs`, so a redelivered point changes nothing and a corrected one replaces it
//! (last write wins), then the same for `ts_latest` where the timestamp is not older. Rows are
//! sent sorted by (series, ts) so concurrent writers lock in the same order; a deadlock or
//! serialization failure is retried.

mod error;
mod pack;
mod query;
mod retention;
mod schema;
pub mod test_support;
mod values;
mod write;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

pub use error::PgTsdbError;
pub use pack::PackReport;
pub use schema::{packed_table_bytes, points_table_bytes};
pub use shangyun_tsdb_api::{RetentionSummary, StoreError, TelemetryStore};

use shangyun_tsdb_api::{
    AggregateResult, Batch, DeviceId, LatestValue, RangeResult, RetentionRule, SeriesKey, Value,
};

/// A series as the tables key it: (device is a number, device text, key).
pub(crate) type SeriesName = (bool, String, String);

pub(crate) fn series_name(device: &DeviceId, key: &str) -> SeriesName {
    match device {
        DeviceId::Num(n) => (true, n.to_string(), key.to_owned()),
        DeviceId::Name(s) => (false, s.clone(), key.to_owned()),
    }
}

#[derive(Default)]
pub(crate) struct Caches {
    /// Series name → (id, owner).
    pub series: HashMap<SeriesName, (i32, String)>,
    /// Days whose partition is known to exist.
    pub days: HashSet<i64>,
}

/// The PostgreSQL telemetry store. Every method takes `&self`; `clone()` is cheap and shares
/// the pool and the caches (for futures that must be `'static`).
#[derive(Clone)]
pub struct PgTsdb {
    pub(crate) pool: PgPool,
    pub(crate) caches: Arc<Mutex<Caches>>,
}

impl std::fmt::Debug for PgTsdb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgTsdb").finish_non_exhaustive()
    }
}

impl PgTsdb {
    /// Connects to `url` (a `postgres://` URL; put the schema in
    /// `?options[search_path]=<schema>`) with up to `max_connections`, and creates the tables
    /// if they are missing (safe when several nodes start at once).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, PgTsdbError> {
        let options = PgConnectOptions::from_str(url).map_err(PgTsdbError::Url)?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (whose connections' `search_path` selects the schema).
    pub async fn from_pool(pool: PgPool) -> Result<Self, PgTsdbError> {
        schema::create(&pool).await?;
        Ok(Self {
            pool,
            caches: Arc::new(Mutex::new(Caches::default())),
        })
    }

    /// Packs every day partition that closed before the UTC day of `now_ms` into compressed
    /// blocks and drops it (see `src/pack.rs`). Run it from a maintenance task (hourly, say);
    /// `flush()` runs it with the wall clock.
    pub async fn pack_closed_days(&self, now_ms: i64) -> Result<PackReport, PgTsdbError> {
        pack::pack_closed_days(self, now_ms).await
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl TelemetryStore for PgTsdb {
    async fn write(&self, batches: &[Batch]) -> Result<(), StoreError> {
        Ok(write::write(self, batches).await?)
    }

    async fn range(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
    ) -> Result<RangeResult, StoreError> {
        Ok(query::range(self, series, start, end).await?)
    }

    async fn aggregate(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
        interval_ms: i64,
    ) -> Result<AggregateResult, StoreError> {
        Ok(query::aggregate(self, series, start, end, interval_ms).await?)
    }

    async fn latest(&self, device: &DeviceId) -> Result<Vec<LatestValue>, StoreError> {
        Ok(query::latest(self, device).await?)
    }

    async fn latest_value(&self, series: &SeriesKey) -> Result<Option<(i64, Value)>, StoreError> {
        Ok(query::latest_value(self, series).await?)
    }

    async fn flush(&self) -> Result<(), StoreError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        self.pack_closed_days(now).await?;
        Ok(())
    }

    async fn enforce_retention(
        &self,
        rules: &[RetentionRule],
        now_ms: i64,
    ) -> Result<RetentionSummary, StoreError> {
        Ok(retention::enforce(self, rules, now_ms).await?)
    }

    async fn stored_bytes(&self) -> Result<u64, StoreError> {
        Ok(schema::stored_bytes(&self.pool).await?)
    }
}
