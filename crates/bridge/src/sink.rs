//! The PostgreSQL telemetry layout as an ingest sink: the store several bridge nodes share.
//! Its upsert on (series, ts) makes a redelivered message, on this node or another, a no-op.

use shangyun_ingest::{SinkError, SinkFuture, TelemetrySink};
use shangyun_tsdb::{Batch, validate};
use shangyun_tsdb_api::TelemetryStore;
use shangyun_tsdb_postgres::PgTsdb;

/// Writes through [`PgTsdb::write`] (one transaction per message), started at once on the
/// runtime so that several messages are in flight while acks are still released in order.
#[derive(Clone, Debug)]
pub struct PgSink(pub PgTsdb);

impl TelemetrySink for PgSink {
    fn submit(&self, batches: &[Batch]) -> Result<SinkFuture, SinkError> {
        for b in batches {
            validate(b).map_err(SinkError::Invalid)?;
        }
        let db = self.0.clone();
        let owned = batches.to_vec();
        let write = async move { db.write(&owned).await.map_err(|e| e.to_string()) };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let task = rt.spawn(write);
                Ok(Box::pin(async move {
                    task.await.map_err(|e| format!("write task failed: {e}"))?
                }))
            }
            Err(_) => Ok(Box::pin(write)),
        }
    }
}
