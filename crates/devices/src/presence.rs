//! Online/offline state from last activity, kept in memory on the hot path and flushed in
//! batches (never one SQL write per message).
//!
//! Rule: a device is **online** when its last activity is within its device type's
//! inactivity timeout **and** no disconnect came after that activity. Activity is any message
//! from the device; for a gateway's sub-device, any gateway message naming it (telemetry,
//! attributes, `v1/gateway/connect`) is the sub-device's own activity. A gateway's disconnect
//! is a disconnect of every sub-device that was online through it (ThingsBoard sends the same
//! disconnect events); a sub-device comes back with its next message.

use crate::identity::{DeviceId, DeviceIdentity};
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// ThingsBoard's default inactivity timeout: 10 minutes.
pub const DEFAULT_INACTIVITY_TIMEOUT_MS: u64 = 600_000;

const SHARDS: usize = 64;

/// One device's state, as flushed to the store and read back at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceRecord {
    pub device: DeviceId,
    /// The gateway it reports through, if a sub-device.
    pub gateway: Option<DeviceId>,
    pub last_activity_ms: Option<i64>,
    pub last_connect_ms: Option<i64>,
    pub last_disconnect_ms: Option<i64>,
    /// Online when the record was taken.
    pub online: bool,
}

/// A device turned online or offline (found by [`Presence::tick`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PresenceChange {
    Online { device: DeviceId, at_ms: i64 },
    Offline { device: DeviceId, at_ms: i64 },
}

#[derive(Debug, Clone)]
struct Entry {
    gateway: Option<DeviceId>,
    last_activity_ms: Option<i64>,
    last_connect_ms: Option<i64>,
    last_disconnect_ms: Option<i64>,
    timeout_ms: u64,
    dirty: bool,
    /// What the last `tick` reported.
    reported_online: bool,
}

impl Entry {
    fn online(&self, now_ms: i64) -> bool {
        match self.last_activity_ms {
            None => false,
            Some(a) => {
                let fresh = (a as i128) + (self.timeout_ms as i128) > now_ms as i128;
                fresh && self.last_disconnect_ms.is_none_or(|d| d < a)
            }
        }
    }

    fn record(&self, device: DeviceId, now_ms: i64) -> PresenceRecord {
        PresenceRecord {
            device,
            gateway: self.gateway,
            last_activity_ms: self.last_activity_ms,
            last_connect_ms: self.last_connect_ms,
            last_disconnect_ms: self.last_disconnect_ms,
            online: self.online(now_ms),
        }
    }
}

#[derive(Default)]
struct Shard {
    entries: HashMap<DeviceId, Entry>,
    dirty: Vec<DeviceId>,
}

/// Last activity of every device; see the module comment for the rule.
pub struct Presence {
    shards: Box<[Mutex<Shard>]>,
    default_timeout_ms: u64,
    /// Inactivity timeout per device type name (from the thing models).
    type_timeouts: RwLock<HashMap<String, u64>>,
    /// Sub-devices seen per gateway.
    children: Mutex<HashMap<DeviceId, HashSet<DeviceId>>>,
}

impl Default for Presence {
    fn default() -> Self {
        Self::new(DEFAULT_INACTIVITY_TIMEOUT_MS)
    }
}

impl Presence {
    /// Empty, with `default_timeout_ms` for devices whose type sets none.
    pub fn new(default_timeout_ms: u64) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            default_timeout_ms,
            type_timeouts: RwLock::new(HashMap::new()),
            children: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the inactivity timeout of a device type (applies to devices seen afterwards and,
    /// at the next activity, to known ones).
    pub fn set_type_timeout(&self, device_type: &str, timeout_ms: u64) {
        self.type_timeouts
            .write()
            .insert(device_type.to_owned(), timeout_ms);
    }

    fn shard(&self, device: DeviceId) -> &Mutex<Shard> {
        // Fibonacci hashing spreads sequential ids over the shards.
        let h = (device.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58;
        &self.shards[h as usize % SHARDS]
    }

    fn timeout_of(&self, device: &DeviceIdentity) -> u64 {
        device
            .device_type
            .as_deref()
            .and_then(|t| self.type_timeouts.read().get(t).copied())
            .unwrap_or(self.default_timeout_ms)
    }

    fn touch(&self, device: &DeviceIdentity, now_ms: i64, connect: bool) {
        let mut shard = self.shard(device.id).lock();
        let shard = &mut *shard;
        let entry = match shard.entries.get_mut(&device.id) {
            Some(e) => e,
            None => {
                if let Some(gw) = device.gateway {
                    self.children
                        .lock()
                        .entry(gw)
                        .or_default()
                        .insert(device.id);
                }
                shard.entries.entry(device.id).or_insert(Entry {
                    gateway: device.gateway,
                    last_activity_ms: None,
                    last_connect_ms: None,
                    last_disconnect_ms: None,
                    timeout_ms: self.timeout_of(device),
                    dirty: false,
                    reported_online: false,
                })
            }
        };
        if entry.last_activity_ms.is_none_or(|a| a < now_ms) {
            entry.last_activity_ms = Some(now_ms);
        }
        if connect {
            entry.last_connect_ms = Some(now_ms);
            entry.timeout_ms = self.timeout_of(device);
        }
        if !entry.dirty {
            entry.dirty = true;
            shard.dirty.push(device.id);
        }
    }

    /// A message from `device` (or, for a sub-device, a gateway message naming it). The hot
    /// path: one sharded lock, one map update.
    pub fn on_activity(&self, device: &DeviceIdentity, now_ms: i64) {
        self.touch(device, now_ms, false);
    }

    /// The device connected (MQTT CONNECT accepted, or `v1/gateway/connect` for a
    /// sub-device). Counts as activity.
    pub fn on_connect(&self, device: &DeviceIdentity, now_ms: i64) {
        self.touch(device, now_ms, true);
    }

    /// The device's connection closed (or `v1/gateway/disconnect` for a sub-device). For a
    /// gateway, every sub-device online through it is disconnected too.
    pub fn on_disconnect(&self, device: &DeviceIdentity, now_ms: i64) {
        self.disconnect_one(device.id, now_ms, false);
        if device.is_gateway {
            let children: Vec<DeviceId> = self
                .children
                .lock()
                .get(&device.id)
                .map(|c| c.iter().copied().collect())
                .unwrap_or_default();
            for child in children {
                self.disconnect_one(child, now_ms, true);
            }
        }
    }

    fn disconnect_one(&self, device: DeviceId, now_ms: i64, only_if_online: bool) {
        let mut shard = self.shard(device).lock();
        let shard = &mut *shard;
        let Some(entry) = shard.entries.get_mut(&device) else {
            return;
        };
        if only_if_online && !entry.online(now_ms) {
            return;
        }
        entry.last_disconnect_ms = Some(now_ms);
        if !entry.dirty {
            entry.dirty = true;
            shard.dirty.push(device);
        }
    }

    /// The device's state now, `None` if never seen.
    pub fn state(&self, device: DeviceId, now_ms: i64) -> Option<PresenceRecord> {
        self.shard(device)
            .lock()
            .entries
            .get(&device)
            .map(|e| e.record(device, now_ms))
    }

    /// Whether the device is online now.
    pub fn is_online(&self, device: DeviceId, now_ms: i64) -> bool {
        self.state(device, now_ms).is_some_and(|r| r.online)
    }

    /// Devices that turned online or offline since the previous tick (timeouts included);
    /// call every few seconds. Offline changes are dated at the moment the rule turned.
    pub fn tick(&self, now_ms: i64) -> Vec<PresenceChange> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            let mut shard = shard.lock();
            for (id, e) in shard.entries.iter_mut() {
                let online = e.online(now_ms);
                if online == e.reported_online {
                    continue;
                }
                e.reported_online = online;
                out.push(if online {
                    PresenceChange::Online {
                        device: *id,
                        at_ms: e.last_activity_ms.unwrap_or(now_ms),
                    }
                } else {
                    let timed_out = e
                        .last_activity_ms
                        .map(|a| a.saturating_add(e.timeout_ms as i64))
                        .unwrap_or(now_ms);
                    let at = e.last_disconnect_ms.unwrap_or(timed_out).min(timed_out);
                    PresenceChange::Offline {
                        device: *id,
                        at_ms: at,
                    }
                });
            }
        }
        out.sort_by_key(|c| match c {
            PresenceChange::Online { device, .. } | PresenceChange::Offline { device, .. } => {
                *device
            }
        });
        out
    }

    /// The records changed since the last call, for one batched write to the store. If that
    /// write fails, hand them back with [`Presence::restore_dirty`].
    pub fn take_dirty(&self, now_ms: i64) -> Vec<PresenceRecord> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            let mut shard = shard.lock();
            let dirty = std::mem::take(&mut shard.dirty);
            for id in dirty {
                if let Some(e) = shard.entries.get_mut(&id) {
                    e.dirty = false;
                    out.push(e.record(id, now_ms));
                }
            }
        }
        out
    }

    /// Marks devices dirty again after a failed flush.
    pub fn restore_dirty(&self, records: &[PresenceRecord]) {
        for r in records {
            let mut shard = self.shard(r.device).lock();
            let shard = &mut *shard;
            if let Some(e) = shard.entries.get_mut(&r.device)
                && !e.dirty
            {
                e.dirty = true;
                shard.dirty.push(r.device);
            }
        }
    }

    /// Loads state saved by an earlier run (start-up). Connections did not survive the
    /// restart, so a device is online only if its last activity is still fresh.
    pub fn load(&self, records: &[PresenceRecord], device_types: &HashMap<DeviceId, String>) {
        for r in records {
            let timeout = device_types
                .get(&r.device)
                .and_then(|t| self.type_timeouts.read().get(t).copied())
                .unwrap_or(self.default_timeout_ms);
            if let Some(gw) = r.gateway {
                self.children.lock().entry(gw).or_default().insert(r.device);
            }
            self.shard(r.device).lock().entries.insert(
                r.device,
                Entry {
                    gateway: r.gateway,
                    last_activity_ms: r.last_activity_ms,
                    last_connect_ms: r.last_connect_ms,
                    last_disconnect_ms: r.last_disconnect_ms,
                    timeout_ms: timeout,
                    dirty: false,
                    reported_online: r.online,
                },
            );
        }
    }

    /// Number of devices known.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(id: i64, gateway: Option<i64>, is_gateway: bool) -> DeviceIdentity {
        DeviceIdentity {
            id: DeviceId(id),
            name: format!("d{id}"),
            enterprise: None,
            device_type: Some("meter".into()),
            is_gateway,
            gateway: gateway.map(DeviceId),
        }
    }

    #[test]
    fn online_until_the_type_timeout() {
        let p = Presence::new(600_000);
        p.set_type_timeout("meter", 60_000);
        let d = dev(1, None, false);
        assert!(!p.is_online(d.id, 0));
        p.on_activity(&d, 1_000);
        assert!(p.is_online(d.id, 60_999));
        assert!(!p.is_online(d.id, 61_000));
        assert_eq!(
            p.tick(2_000),
            vec![PresenceChange::Online {
                device: d.id,
                at_ms: 1_000
            }]
        );
        assert_eq!(p.tick(3_000), vec![]);
        assert_eq!(
            p.tick(100_000),
            vec![PresenceChange::Offline {
                device: d.id,
                at_ms: 61_000
            }]
        );
    }

    #[test]
    fn disconnect_is_offline_until_next_activity() {
        let p = Presence::default();
        let d = dev(1, None, false);
        p.on_connect(&d, 10);
        p.on_disconnect(&d, 20);
        assert!(!p.is_online(d.id, 21));
        p.on_activity(&d, 30);
        assert!(p.is_online(d.id, 31));
    }

    #[test]
    fn gateway_disconnect_takes_its_online_children_offline() {
        let p = Presence::default();
        let gw = dev(1, None, true);
        let (a, b) = (dev(2, Some(1), false), dev(3, Some(1), false));
        p.on_connect(&gw, 0);
        p.on_activity(&a, 5);
        p.on_activity(&b, 6);
        assert!(p.is_online(a.id, 7) && p.is_online(b.id, 7));
        p.on_disconnect(&gw, 10);
        assert!(!p.is_online(gw.id, 11));
        assert!(!p.is_online(a.id, 11) && !p.is_online(b.id, 11));
        // the gateway reconnects and reports for `a` only
        p.on_connect(&gw, 20);
        p.on_activity(&a, 21);
        assert!(p.is_online(a.id, 22));
        assert!(!p.is_online(b.id, 22));
    }

    #[test]
    fn a_sub_device_reporting_keeps_itself_online_not_via_gateway_keepalive() {
        let p = Presence::new(1_000);
        let gw = dev(1, None, true);
        let a = dev(2, Some(1), false);
        p.on_connect(&gw, 0);
        p.on_activity(&a, 0);
        p.on_activity(&gw, 5_000);
        assert!(p.is_online(gw.id, 5_001));
        assert!(!p.is_online(a.id, 5_001), "silent sub-device times out");
    }

    #[test]
    fn dirty_records_are_taken_once_and_restorable() {
        let p = Presence::default();
        let d = dev(1, None, false);
        for t in 0..100 {
            p.on_activity(&d, t);
        }
        let taken = p.take_dirty(100);
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].last_activity_ms, Some(99));
        assert!(p.take_dirty(100).is_empty());
        p.restore_dirty(&taken);
        assert_eq!(p.take_dirty(100).len(), 1);
    }

    #[test]
    fn late_activity_does_not_move_last_activity_back() {
        let p = Presence::default();
        let d = dev(1, None, false);
        p.on_activity(&d, 100);
        p.on_activity(&d, 50);
        assert_eq!(
            p.state(d.id, 101).and_then(|r| r.last_activity_ms),
            Some(100)
        );
    }
}
