//! A gateway's sub-devices, cached: resolving one is a directory round trip, and a gateway
//! names the same few devices in every message. Entries expire after a TTL so that a revoked
//! or moved sub-device is noticed.

use parking_lot::Mutex;
use shangyun_devices::{DeviceId, DeviceIdentity};
use std::collections::HashMap;
use std::time::{Duration, Instant};

type Children = HashMap<String, (DeviceIdentity, Instant)>;

pub(crate) struct ChildCache {
    ttl: Duration,
    capacity: usize,
    inner: Mutex<(usize, HashMap<DeviceId, Children>)>,
}

impl ChildCache {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            inner: Mutex::new((0, HashMap::new())),
        }
    }

    pub fn get(&self, gateway: DeviceId, name: &str) -> Option<DeviceIdentity> {
        let inner = self.inner.lock();
        let (identity, at) = inner.1.get(&gateway)?.get(name)?;
        (at.elapsed() < self.ttl).then(|| identity.clone())
    }

    pub fn put(&self, gateway: DeviceId, name: &str, identity: DeviceIdentity) {
        let mut inner = self.inner.lock();
        if inner.0 >= self.capacity {
            // Bounded without tracking recency: start over.
            inner.1.clear();
            inner.0 = 0;
        }
        let previous = inner
            .1
            .entry(gateway)
            .or_default()
            .insert(name.to_owned(), (identity, Instant::now()));
        if previous.is_none() {
            inner.0 += 1;
        }
    }
}
