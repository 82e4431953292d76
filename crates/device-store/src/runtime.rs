//! The device runtime a server runs beside the endpoint: presence and the alarm engine
//! loaded from the store, and one background task that every `flush_every` writes presence
//! in one batch, records alarm events (from the ingest path's channel and from no-data
//! ticks) in one transaction, and never does a write per message.

use crate::error::DeviceStoreResult;
use crate::{DeviceStore, now_ms};
use shangyun_devices::DeviceId;
use shangyun_devices::alarms::{AlarmEngine, AlarmEvent, RuleBook};
use shangyun_devices::presence::{DEFAULT_INACTIVITY_TIMEOUT_MS, Presence};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How the runtime behaves.
#[derive(Debug, Clone)]
pub struct RuntimeOptions {
    /// How often presence is flushed and no-data alarms are checked.
    pub flush_every: Duration,
    /// Inactivity timeout of devices without a type.
    pub default_timeout_ms: u64,
    /// Capacity of the alarm-event channel (batches); a full channel drops on the ingest side.
    pub alarm_channel: usize,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        Self {
            flush_every: Duration::from_secs(2),
            default_timeout_ms: DEFAULT_INACTIVITY_TIMEOUT_MS,
            alarm_channel: 1024,
        }
    }
}

/// What the runtime has done, for `/metrics`-style reporting.
#[derive(Debug, Default)]
pub struct RuntimeCounters {
    pub presence_flushes: AtomicU64,
    pub presence_records: AtomicU64,
    pub alarm_events: AtomicU64,
    pub flush_errors: AtomicU64,
}

/// Presence + alarms + their flusher. Hand `presence`, `alarms` and `alarm_events` to the
/// ingest core (`Ingest::with_presence`, `Ingest::with_alarms`).
pub struct DeviceRuntime {
    pub presence: Arc<Presence>,
    pub alarms: Arc<AlarmEngine>,
    pub alarm_events: mpsc::Sender<Vec<AlarmEvent>>,
    pub counters: Arc<RuntimeCounters>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl DeviceRuntime {
    /// Loads device types (timeouts, rules), per-device rules, presence and active alarms,
    /// and starts the flusher.
    pub async fn start(store: DeviceStore, options: RuntimeOptions) -> DeviceStoreResult<Self> {
        store.warm_token_cache().await?;
        let presence = Arc::new(Presence::new(options.default_timeout_ms));
        let types = store.device_types();
        for t in &types {
            presence.set_type_timeout(&t.name, t.inactivity_timeout_ms());
        }
        let mut book = RuleBook::from_models(&types);
        for (device, rules) in store.device_alarm_rules().await? {
            book.set_device_rules(device, rules);
        }
        let identities = store.all_identities().await?;
        let type_of: HashMap<DeviceId, String> = identities
            .iter()
            .filter_map(|d| d.device_type.clone().map(|t| (d.id, t)))
            .collect();
        let saved = store.load_presence().await?;
        presence.load(&saved, &type_of);
        let alarms = Arc::new(AlarmEngine::new(book));
        let mut active: HashMap<DeviceId, Vec<_>> = HashMap::new();
        for a in store.active_alarms().await? {
            active.entry(a.device).or_default().push(a);
        }
        let last_seen: HashMap<DeviceId, i64> = saved
            .iter()
            .filter_map(|r| r.last_activity_ms.map(|t| (r.device, t)))
            .collect();
        let now = now_ms();
        for d in &identities {
            alarms.watch(
                d,
                last_seen.get(&d.id).copied().unwrap_or(now),
                active.remove(&d.id).unwrap_or_default(),
            );
        }
        let (tx, rx) = mpsc::channel(options.alarm_channel.max(1));
        let (stop, stop_rx) = watch::channel(false);
        let counters = Arc::new(RuntimeCounters::default());
        let task = tokio::spawn(flusher(
            store,
            presence.clone(),
            alarms.clone(),
            rx,
            stop_rx,
            options.flush_every,
            counters.clone(),
        ));
        Ok(Self {
            presence,
            alarms,
            alarm_events: tx,
            counters,
            stop,
            task,
        })
    }

    /// Stops the flusher after a last flush.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        drop(self.alarm_events);
        let _ = self.task.await;
    }
}

async fn flusher(
    store: DeviceStore,
    presence: Arc<Presence>,
    alarms: Arc<AlarmEngine>,
    mut events: mpsc::Receiver<Vec<AlarmEvent>>,
    mut stop: watch::Receiver<bool>,
    every: Duration,
    counters: Arc<RuntimeCounters>,
) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let stopping = tokio::select! {
            _ = interval.tick() => false,
            _ = stop.changed() => true,
        };
        let now = now_ms();
        let mut batch: Vec<AlarmEvent> = Vec::new();
        while let Ok(mut e) = events.try_recv() {
            batch.append(&mut e);
        }
        batch.extend(alarms.tick(now));
        if !batch.is_empty() {
            match store.record_alarm_events(&batch).await {
                Ok(()) => {
                    counters
                        .alarm_events
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                }
                Err(_) => {
                    counters.flush_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        presence.tick(now);
        let dirty = presence.take_dirty(now);
        if !dirty.is_empty() {
            match store.save_presence(&dirty).await {
                Ok(()) => {
                    counters.presence_flushes.fetch_add(1, Ordering::Relaxed);
                    counters
                        .presence_records
                        .fetch_add(dirty.len() as u64, Ordering::Relaxed);
                }
                Err(_) => {
                    counters.flush_errors.fetch_add(1, Ordering::Relaxed);
                    presence.restore_dirty(&dirty);
                }
            }
        }
        if stopping {
            break;
        }
    }
}
