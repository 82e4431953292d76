//! The alarm engine: fed with numeric points on the ingest path and a clock tick; keeps at
//! most one active alarm per (device, rule); raises, clears and acknowledges; returns events
//! for the store to record (it does no I/O itself).

use super::rule::{AlarmRule, Condition, Severity};
use crate::identity::{DeviceId, DeviceIdentity};
use crate::thing_model::ThingModel;
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Which rules apply to which devices: per device type, and per device (a device rule with
/// the same id as a type rule replaces it, so one machine can have its own threshold).
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    by_type: HashMap<String, Vec<Arc<AlarmRule>>>,
    by_device: HashMap<DeviceId, Vec<Arc<AlarmRule>>>,
}

impl RuleBook {
    pub fn new() -> Self {
        Self::default()
    }

    /// The rules of every thing model.
    pub fn from_models(models: &[ThingModel]) -> Self {
        let mut book = Self::new();
        for m in models {
            book.set_type_rules(&m.name, m.alarms.clone());
        }
        book
    }

    pub fn set_type_rules(&mut self, device_type: &str, rules: Vec<AlarmRule>) {
        self.by_type.insert(
            device_type.to_owned(),
            rules.into_iter().map(Arc::new).collect(),
        );
    }

    pub fn set_device_rules(&mut self, device: DeviceId, rules: Vec<AlarmRule>) {
        if rules.is_empty() {
            self.by_device.remove(&device);
        } else {
            self.by_device
                .insert(device, rules.into_iter().map(Arc::new).collect());
        }
    }

    /// The rules that apply to `device`.
    pub fn rules_for(&self, device: &DeviceIdentity) -> Vec<Arc<AlarmRule>> {
        let own = self.by_device.get(&device.id);
        let typed = device
            .device_type
            .as_deref()
            .and_then(|t| self.by_type.get(t));
        let mut out: Vec<Arc<AlarmRule>> = own.cloned().unwrap_or_default();
        for r in typed.into_iter().flatten() {
            if !out.iter().any(|o| o.id == r.id) {
                out.push(r.clone());
            }
        }
        out
    }

    fn has_rules(&self, device: &DeviceIdentity) -> bool {
        self.by_device.contains_key(&device.id)
            || device
                .device_type
                .as_deref()
                .is_some_and(|t| self.by_type.get(t).is_some_and(|r| !r.is_empty()))
    }
}

/// An alarm, active or cleared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub device: DeviceId,
    /// The rule's id.
    pub rule: String,
    pub key: String,
    pub severity: Severity,
    /// What happened, e.g. `temperature 91.2 > 85`.
    pub message: String,
    pub raised_at_ms: i64,
    /// The value that raised it (none for no-data).
    pub value: Option<f64>,
    pub cleared_at_ms: Option<i64>,
    pub acknowledged_at_ms: Option<i64>,
    pub acknowledged_by: Option<String>,
}

/// What the engine decided; the store records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AlarmEvent {
    Raised(Alarm),
    Cleared(Alarm),
    Acknowledged(Alarm),
}

impl AlarmEvent {
    pub fn alarm(&self) -> &Alarm {
        match self {
            Self::Raised(a) | Self::Cleared(a) | Self::Acknowledged(a) => a,
        }
    }
}

struct DeviceState {
    identity: DeviceIdentity,
    /// Active alarms by rule id.
    active: HashMap<String, Alarm>,
    /// Timestamp of the newest point each threshold rule evaluated (older points are late
    /// and do not flip an alarm).
    last_eval: HashMap<String, i64>,
    /// Newest point per key, and under "*" of any key.
    last_seen: HashMap<String, i64>,
    /// Since when the device is watched (no-data counts from here when nothing was seen).
    since_ms: i64,
}

impl DeviceState {
    fn new(identity: &DeviceIdentity, since_ms: i64) -> Self {
        Self {
            identity: identity.clone(),
            active: HashMap::new(),
            last_eval: HashMap::new(),
            last_seen: HashMap::new(),
            since_ms,
        }
    }
}

const SHARDS: usize = 64;

/// The engine. All methods take `&self` and are safe from many ingest threads.
pub struct AlarmEngine {
    rules: RwLock<RuleBook>,
    shards: Box<[Mutex<HashMap<DeviceId, DeviceState>>]>,
}

impl AlarmEngine {
    pub fn new(rules: RuleBook) -> Self {
        Self {
            rules: RwLock::new(rules),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Replaces the rule book (active alarms of removed rules stay until acknowledged and
    /// cleared by hand in the store).
    pub fn set_rules(&self, rules: RuleBook) {
        *self.rules.write() = rules;
    }

    /// Changes one device's own rules.
    pub fn set_device_rules(&self, device: DeviceId, rules: Vec<AlarmRule>) {
        self.rules.write().set_device_rules(device, rules);
    }

    fn shard(&self, device: DeviceId) -> &Mutex<HashMap<DeviceId, DeviceState>> {
        let h = (device.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58;
        &self.shards[h as usize % SHARDS]
    }

    /// Starts watching a device for no-data rules before it sends anything (start-up: every
    /// device with its last activity from the presence records), and restores its active
    /// alarms from the store.
    pub fn watch(&self, device: &DeviceIdentity, last_seen_ms: i64, active: Vec<Alarm>) {
        let mut shard = self.shard(device.id).lock();
        let state = shard
            .entry(device.id)
            .or_insert_with(|| DeviceState::new(device, last_seen_ms));
        for a in active {
            state.active.insert(a.rule.clone(), a);
        }
    }

    /// Numeric points of one device (key, timestamp ms, value), in the order received.
    /// Returns the alarms raised and cleared; nothing is allocated when no rule applies.
    pub fn on_points(
        &self,
        device: &DeviceIdentity,
        points: &[(&str, i64, f64)],
    ) -> Vec<AlarmEvent> {
        let rules = {
            let book = self.rules.read();
            if !book.has_rules(device) {
                return Vec::new();
            }
            book.rules_for(device)
        };
        let mut events = Vec::new();
        let mut shard = self.shard(device.id).lock();
        let state = shard.entry(device.id).or_insert_with(|| {
            DeviceState::new(device, points.iter().map(|p| p.1).min().unwrap_or(0))
        });
        if state.identity.device_type != device.device_type {
            state.identity = device.clone();
        }
        for &(key, ts, v) in points {
            for any in [key, "*"] {
                let seen = state.last_seen.entry(any.to_owned()).or_insert(ts);
                *seen = (*seen).max(ts);
            }
            for rule in &rules {
                if rule.key != key && rule.key != "*" {
                    continue;
                }
                if let Condition::NoData { .. } = rule.condition {
                    if let Some(mut a) = state.active.remove(&rule.id) {
                        a.cleared_at_ms = Some(ts);
                        events.push(AlarmEvent::Cleared(a));
                    }
                    continue;
                }
                if !v.is_finite() {
                    continue;
                }
                let last = state.last_eval.entry(rule.id.clone()).or_insert(i64::MIN);
                if ts < *last {
                    continue;
                }
                *last = ts;
                let active = state.active.contains_key(&rule.id);
                let violated = rule.condition.violated(v, active, rule.hysteresis);
                if violated && !active {
                    let alarm = raise(device.id, rule, ts, Some(v));
                    state.active.insert(rule.id.clone(), alarm.clone());
                    events.push(AlarmEvent::Raised(alarm));
                } else if !violated
                    && active
                    && let Some(mut a) = state.active.remove(&rule.id)
                {
                    a.cleared_at_ms = Some(ts);
                    events.push(AlarmEvent::Cleared(a));
                }
            }
        }
        events
    }

    /// Raises no-data alarms that are due at `now_ms`; call every few seconds.
    pub fn tick(&self, now_ms: i64) -> Vec<AlarmEvent> {
        let book = self.rules.read().clone();
        let mut events = Vec::new();
        for shard in self.shards.iter() {
            let mut shard = shard.lock();
            for state in shard.values_mut() {
                for rule in book.rules_for(&state.identity) {
                    let Condition::NoData { minutes } = rule.condition else {
                        continue;
                    };
                    if state.active.contains_key(&rule.id) {
                        continue;
                    }
                    let last = state
                        .last_seen
                        .get(&rule.key)
                        .copied()
                        .unwrap_or(state.since_ms);
                    let due = last.saturating_add(i64::from(minutes) * 60_000);
                    if now_ms >= due {
                        let alarm = raise(state.identity.id, &rule, due, None);
                        state.active.insert(rule.id.clone(), alarm.clone());
                        events.push(AlarmEvent::Raised(alarm));
                    }
                }
            }
        }
        events
    }

    /// Acknowledges the active alarm of (device, rule); `None` if there is none.
    pub fn acknowledge(
        &self,
        device: DeviceId,
        rule: &str,
        by: &str,
        now_ms: i64,
    ) -> Option<AlarmEvent> {
        let mut shard = self.shard(device).lock();
        let alarm = shard.get_mut(&device)?.active.get_mut(rule)?;
        if alarm.acknowledged_at_ms.is_none() {
            alarm.acknowledged_at_ms = Some(now_ms);
            alarm.acknowledged_by = Some(by.to_owned());
        }
        Some(AlarmEvent::Acknowledged(alarm.clone()))
    }

    /// The active alarms of a device.
    pub fn active(&self, device: DeviceId) -> Vec<Alarm> {
        let shard = self.shard(device).lock();
        let mut out: Vec<Alarm> = shard
            .get(&device)
            .map(|s| s.active.values().cloned().collect())
            .unwrap_or_default();
        out.sort_by(|a, b| a.rule.cmp(&b.rule));
        out
    }
}

fn raise(device: DeviceId, rule: &AlarmRule, at_ms: i64, value: Option<f64>) -> Alarm {
    let what = match value {
        Some(v) => format!("{} {v} {}", rule.key, rule.condition.describe()),
        None => format!("{}: {}", rule.key, rule.condition.describe()),
    };
    Alarm {
        device,
        rule: rule.id.clone(),
        key: rule.key.clone(),
        severity: rule.severity,
        message: match &rule.message {
            Some(m) => format!("{m} ({what})"),
            None => what,
        },
        raised_at_ms: at_ms,
        value,
        cleared_at_ms: None,
        acknowledged_at_ms: None,
        acknowledged_by: None,
    }
}
