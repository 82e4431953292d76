//! Where accepted points go: anything that can queue batches in call order and say when they
//! are durable. The embedded store implements it here; the PostgreSQL layout can through a
//! small adapter (see the crate README).

use shangyun_tsdb::{Batch, Tsdb, TsdbError, ValidationError};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Resolves once the submitted batches are durable; `Err` (a reason for the log) means they
/// are not stored and must never be acknowledged.
pub type SinkFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A submit refused at once.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SinkError {
    /// The store's validation refused a batch; nothing is stored.
    #[error("invalid batch: {0}")]
    Invalid(ValidationError),
    /// The store cannot take writes (closed, failed fsync earlier, …).
    #[error("the telemetry store failed: {0}")]
    Failed(String),
}

/// A durable destination for telemetry.
pub trait TelemetrySink: Send + Sync + 'static {
    /// Queues `batches` (in call order, synchronously) as one durable unit and returns a future
    /// that resolves once they are durable.
    fn submit(&self, batches: &[Batch]) -> Result<SinkFuture, SinkError>;
}

impl TelemetrySink for Tsdb {
    fn submit(&self, batches: &[Batch]) -> Result<SinkFuture, SinkError> {
        match self.append_all(batches) {
            Ok(ack) => Ok(Box::pin(async move {
                ack.await.map(|_seq| ()).map_err(|e| e.to_string())
            })),
            Err(TsdbError::Invalid(v)) => Err(SinkError::Invalid(v)),
            Err(other) => Err(SinkError::Failed(other.to_string())),
        }
    }
}

impl<T: TelemetrySink> TelemetrySink for Arc<T> {
    fn submit(&self, batches: &[Batch]) -> Result<SinkFuture, SinkError> {
        (**self).submit(batches)
    }
}
