//! External-broker mode for clustered deployments: shangyun nodes subscribe to an existing
//! broker (Mosquitto here, EMQX in production) with a shared subscription
//! (`$share/<group>/<prefix>/+/v1/#`) at QoS 1, so the nodes split the load; each PUBLISH goes
//! through the ingest core and is acknowledged only after its points are durable.
//!
//! Exactly once per (device, key, timestamp): the broker redelivers what a node did not
//! acknowledge (a crash, a lost connection), and the store's upsert on (series, ts) makes the
//! second write a no-op — the PostgreSQL layout ([`sink::PgSink`]) when several nodes share
//! the data, or each node's embedded store (last write wins per timestamp) when each node
//! keeps its own. Messages without `ts` are stamped on receipt, so a redelivery of one is a
//! second point at a later time: at least once, not exactly once (see the README).
//!
//! Architecture invariant: a PUBACK is sent only after the message's `Durable` resolved `Ok`
//! (or the message was refused for good); PUBACKs go out in the order PUBLISHes arrived.

pub mod cli;
pub mod node;
pub mod sink;
pub mod topic;

pub use node::{BridgeConfig, BridgeError, NodeStats, run};
pub use sink::PgSink;
