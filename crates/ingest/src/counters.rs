//! What ingest did since start: accepted, malformed by decoder code, rejected by reason.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counters {
    /// Telemetry messages made durable.
    pub messages_accepted: u64,
    /// Points made durable.
    pub points_accepted: u64,
    /// Records without `ts`, stamped with the receive time.
    pub server_time_records: u64,
    /// Attribute messages stored in the directory.
    pub attribute_messages: u64,
    /// Malformed payloads by decoder code (`json`, `shape`, `null`, …).
    pub malformed: BTreeMap<&'static str, u64>,
    /// Other refusals and failures by reason (`invalid`, `not-your-device`, `not-durable`, …).
    pub rejected: BTreeMap<&'static str, u64>,
    /// Alarm events dropped because their channel was full (alarms never delay an ack).
    pub alarm_events_dropped: u64,
}

impl Counters {
    /// All malformed payloads.
    pub fn malformed_total(&self) -> u64 {
        self.malformed.values().sum()
    }
}

#[derive(Default)]
pub(crate) struct Live {
    pub messages_accepted: AtomicU64,
    pub points_accepted: AtomicU64,
    pub server_time_records: AtomicU64,
    pub attribute_messages: AtomicU64,
    pub alarm_events_dropped: AtomicU64,
    // Refusals are the rare path: a map behind a lock is enough.
    pub malformed: Mutex<BTreeMap<&'static str, u64>>,
    pub rejected: Mutex<BTreeMap<&'static str, u64>>,
}

impl Live {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn refused(&self, e: &crate::IngestError) {
        match e {
            crate::IngestError::Malformed(d) => {
                *self.malformed.lock().entry(d.code()).or_default() += 1
            }
            other => *self.rejected.lock().entry(other.reason()).or_default() += 1,
        }
    }

    pub fn snapshot(&self) -> Counters {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counters {
            messages_accepted: get(&self.messages_accepted),
            points_accepted: get(&self.points_accepted),
            server_time_records: get(&self.server_time_records),
            attribute_messages: get(&self.attribute_messages),
            malformed: self.malformed.lock().clone(),
            rejected: self.rejected.lock().clone(),
            alarm_events_dropped: get(&self.alarm_events_dropped),
        }
    }
}
