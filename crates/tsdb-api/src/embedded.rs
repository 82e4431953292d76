//! The embedded store behind the shared API: thin calls into `shangyun_tsdb::Tsdb`.

use shangyun_tsdb::Tsdb;

use crate::{
    AggregateResult, Batch, DeviceId, LatestValue, RangeResult, RetentionRule, RetentionSummary,
    SeriesKey, StoreError, TelemetryStore, Value,
};

impl TelemetryStore for Tsdb {
    async fn write(&self, batches: &[Batch]) -> Result<(), StoreError> {
        self.append_all(batches)?.await?;
        Ok(())
    }

    async fn range(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
    ) -> Result<RangeResult, StoreError> {
        Ok(Tsdb::range(self, series, start, end)?)
    }

    async fn aggregate(
        &self,
        series: &SeriesKey,
        start: i64,
        end: i64,
        interval_ms: i64,
    ) -> Result<AggregateResult, StoreError> {
        Ok(Tsdb::aggregate(self, series, start, end, interval_ms)?)
    }

    async fn latest(&self, device: &DeviceId) -> Result<Vec<LatestValue>, StoreError> {
        Ok(Tsdb::latest(self, device))
    }

    async fn latest_value(&self, series: &SeriesKey) -> Result<Option<(i64, Value)>, StoreError> {
        Ok(Tsdb::latest_value(self, series))
    }

    async fn flush(&self) -> Result<(), StoreError> {
        // `persist` waits on a WAL commit with a blocking receive, which tokio refuses on a
        // runtime thread: run it on a plain thread (this worker blocks until it is done).
        std::thread::scope(|s| s.spawn(|| self.persist()).join())
            .map_err(|_| StoreError::from("persist thread panicked"))??;
        Ok(())
    }

    async fn enforce_retention(
        &self,
        rules: &[RetentionRule],
        now_ms: i64,
    ) -> Result<RetentionSummary, StoreError> {
        let r = Tsdb::enforce_retention(self, rules, now_ms)?;
        Ok(RetentionSummary {
            points_dropped: r.points_dropped,
            bytes_before: r.bytes_before,
            bytes_after: r.bytes_after,
            detail: format!(
                "{} chunk files deleted, {} rewritten, {} blocks and {} partition directories removed",
                r.files_deleted, r.files_rewritten, r.blocks_dropped, r.directories_removed
            ),
        })
    }

    async fn stored_bytes(&self) -> Result<u64, StoreError> {
        Ok(self.stats().chunk_bytes)
    }
}
