//! The ingest core of shangyun's device endpoint: what the MQTT listener, HTTP ingest
//! (`POST /api/v1/{token}/telemetry`) and the external-broker bridge all call once they know
//! which device is speaking.
//!
//! `(authenticated DeviceIdentity, ThingsBoard payload, receive time)` → decode
//! (`shangyun-thingsboard`) → one batch per device (owner = the enterprise's USCC) → the
//! store's queue ([`TelemetrySink`], the embedded `shangyun-tsdb` by default) → a [`Durable`]
//! future that resolves after the store's fsync. Client attributes go to the device directory;
//! gateway sub-devices are resolved through the directory and cached. Presence and alarm
//! evaluation happen in memory after the append is queued and never hold up or fail an ack.
//!
//! Architecture invariant: a caller acknowledges a message only after its [`Durable`]
//! resolved `Ok`; a `Durable` resolves `Ok` only after the sink's durable future did.

mod children;
pub mod convert;
mod counters;
mod error;
mod ingest;
mod provision;
mod sink;

pub use counters::Counters;
pub use error::IngestError;
pub use ingest::{Durable, Ingest, IngestConfig, Stored};
pub use provision::{ProvisionOutcome, Provisioned};
pub use sink::{SinkError, SinkFuture, TelemetrySink};
