//! Counters of the endpoint, readable at any time (monitoring, tests, the benchmark).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Live counters.
#[derive(Debug, Default)]
pub struct Stats {
    pub(crate) connections_accepted: AtomicU64,
    pub(crate) connections_open: AtomicU64,
    pub(crate) auth_refused: AtomicU64,
    pub(crate) publishes: AtomicU64,
    pub(crate) points_durable: AtomicU64,
    pub(crate) malformed_payloads: AtomicU64,
    pub(crate) not_authorized: AtomicU64,
    pub(crate) protocol_errors: AtomicU64,
    pub(crate) takeovers: AtomicU64,
    pub(crate) keep_alive_timeouts: AtomicU64,
    pub(crate) store_failures: AtomicU64,
    pub(crate) provisioned: AtomicU64,
    pub(crate) provision_refused: AtomicU64,
}

/// A copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub connections_accepted: u64,
    pub connections_open: u64,
    /// CONNECTs refused for bad credentials.
    pub auth_refused: u64,
    /// PUBLISH packets received from devices.
    pub publishes: u64,
    /// Points whose durable ack was received.
    pub points_durable: u64,
    /// Payloads refused by the ThingsBoard decoder or the store's validation.
    pub malformed_payloads: u64,
    /// PUBLISHes to topics the device may not use (another device's, gateway API for a
    /// non-gateway, unknown topics).
    pub not_authorized: u64,
    /// Connections closed for a malformed packet or a protocol violation.
    pub protocol_errors: u64,
    /// Sessions closed because the same client id connected again.
    pub takeovers: u64,
    pub keep_alive_timeouts: u64,
    /// Appends or acks the store failed (the PUBLISH is not acknowledged; the connection
    /// closes so the device retries).
    pub store_failures: u64,
    /// Devices created by provisioning sessions (user name `provision`).
    pub provisioned: u64,
    /// Provisioning requests refused (bad key or secret, malformed, name or credentials in
    /// use, store unavailable): nothing created.
    pub provision_refused: u64,
}

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    /// Reads every counter.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            connections_accepted: self.connections_accepted.load(Relaxed),
            connections_open: self.connections_open.load(Relaxed),
            auth_refused: self.auth_refused.load(Relaxed),
            publishes: self.publishes.load(Relaxed),
            points_durable: self.points_durable.load(Relaxed),
            malformed_payloads: self.malformed_payloads.load(Relaxed),
            not_authorized: self.not_authorized.load(Relaxed),
            protocol_errors: self.protocol_errors.load(Relaxed),
            takeovers: self.takeovers.load(Relaxed),
            keep_alive_timeouts: self.keep_alive_timeouts.load(Relaxed),
            store_failures: self.store_failures.load(Relaxed),
            provisioned: self.provisioned.load(Relaxed),
            provision_refused: self.provision_refused.load(Relaxed),
        }
    }
}
