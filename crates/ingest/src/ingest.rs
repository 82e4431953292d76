//! The ingest core: (authenticated device, payload, receive time) → decode → batches → store,
//! returning a [`Durable`] future that resolves when the points are durable.

use crate::children::ChildCache;
use crate::convert::{attribute_map, batch};
use crate::counters::{Counters, Live};
use crate::error::IngestError;
use crate::sink::{SinkError, TelemetrySink};
use shangyun_devices::{AlarmEngine, AlarmEvent, DeviceDirectory, DeviceIdentity, Presence};
use shangyun_thingsboard as tb;
use shangyun_tsdb::{Batch, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// Tuning.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Bounds on payloads.
    pub limits: tb::Limits,
    /// How long a resolved gateway sub-device is trusted before asking the directory again.
    pub child_cache_ttl: Duration,
    /// Most cached sub-devices (all gateways).
    pub child_cache_capacity: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            limits: tb::Limits::default(),
            child_cache_ttl: Duration::from_secs(60),
            child_cache_capacity: 200_000,
        }
    }
}

/// What a durable message stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Stored {
    /// Points made durable.
    pub points: usize,
    /// Devices they belong to.
    pub devices: usize,
}

/// Resolves once the message's points are durable (`Ok`), or with the reason they are not
/// (`Err`: never acknowledge). `'static`: hold it while reading the next message.
pub struct Durable(Pin<Box<dyn Future<Output = Result<Stored, IngestError>> + Send>>);

impl Durable {
    fn ready(stored: Stored) -> Self {
        Durable(Box::pin(std::future::ready(Ok(stored))))
    }
}

impl Future for Durable {
    type Output = Result<Stored, IngestError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for Durable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Durable")
    }
}

struct Shared {
    sink: Arc<dyn TelemetrySink>,
    directory: Arc<dyn DeviceDirectory>,
    config: IngestConfig,
    children: ChildCache,
    presence: Option<Arc<Presence>>,
    alarms: Option<(Arc<AlarmEngine>, mpsc::Sender<Vec<AlarmEvent>>)>,
    live: Arc<Live>,
}

/// The ingest core, shared by the MQTT endpoint, HTTP ingest and the bridge. Cheap to clone.
#[derive(Clone)]
pub struct Ingest(Arc<Shared>);

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("counters", &self.counters())
            .finish()
    }
}

impl Ingest {
    /// Ingest into `sink`, with devices from `directory`.
    pub fn new(
        sink: Arc<dyn TelemetrySink>,
        directory: Arc<dyn DeviceDirectory>,
        config: IngestConfig,
    ) -> Self {
        let children = ChildCache::new(config.child_cache_ttl, config.child_cache_capacity);
        Ingest(Arc::new(Shared {
            sink,
            directory,
            config,
            children,
            presence: None,
            alarms: None,
            live: Arc::new(Live::default()),
        }))
    }

    fn shared_mut(&mut self) -> &mut Shared {
        // Builders run before the value is shared; a clone taken earlier keeps its own copy.
        if Arc::get_mut(&mut self.0).is_none() {
            let s = &self.0;
            self.0 = Arc::new(Shared {
                sink: s.sink.clone(),
                directory: s.directory.clone(),
                config: s.config.clone(),
                children: ChildCache::new(s.config.child_cache_ttl, s.config.child_cache_capacity),
                presence: s.presence.clone(),
                alarms: s.alarms.clone(),
                live: s.live.clone(),
            });
        }
        Arc::get_mut(&mut self.0).expect("just made unique")
    }

    /// Also record presence (online/offline) for every accepted message.
    pub fn with_presence(mut self, presence: Arc<Presence>) -> Self {
        self.shared_mut().presence = Some(presence);
        self
    }

    /// Also evaluate alarm rules on numeric points; events go to `events` (never waited for:
    /// a full channel drops them and counts `alarm_events_dropped`).
    pub fn with_alarms(
        mut self,
        alarms: Arc<AlarmEngine>,
        events: mpsc::Sender<Vec<AlarmEvent>>,
    ) -> Self {
        self.shared_mut().alarms = Some((alarms, events));
        self
    }

    /// The payload limits in force.
    pub fn limits(&self) -> &tb::Limits {
        &self.0.config.limits
    }

    /// The device directory.
    pub fn directory(&self) -> &Arc<dyn DeviceDirectory> {
        &self.0.directory
    }

    /// Counters since start.
    pub fn counters(&self) -> Counters {
        self.0.live.snapshot()
    }

    /// Records activity only (a message that carries no telemetry: attribute request, RPC
    /// reply).
    pub fn activity(&self, device: &DeviceIdentity, now_ms: i64) {
        if let Some(p) = &self.0.presence {
            p.on_activity(device, now_ms);
        }
    }

    fn refuse<T>(&self, e: IngestError) -> Result<T, IngestError> {
        self.0.live.refused(&e);
        Err(e)
    }

    /// A decoder's result, its error counted as malformed.
    fn decoded<T>(&self, r: Result<T, tb::DecodeError>) -> Result<T, IngestError> {
        r.or_else(|e| self.refuse(IngestError::Malformed(e)))
    }

    /// Client attributes of one device into the directory (nothing to do when empty).
    async fn store_attributes(
        &self,
        device: &DeviceIdentity,
        values: &[tb::KeyValue],
    ) -> Result<(), IngestError> {
        if values.is_empty() {
            return Ok(());
        }
        if let Err(e) = self
            .0
            .directory
            .client_attributes_set(device.id, attribute_map(values))
            .await
        {
            return self.refuse(e.into());
        }
        Live::add(&self.0.live.attribute_messages, 1);
        Ok(())
    }

    /// Telemetry of `device` itself (`v1/devices/me/telemetry`, HTTP `/telemetry`).
    /// Synchronous up to the store's queue, so calls are stored in call order; await the
    /// returned [`Durable`] before acknowledging.
    pub fn telemetry(
        &self,
        device: &DeviceIdentity,
        payload: &[u8],
        received_ms: i64,
    ) -> Result<Durable, IngestError> {
        let records = self.decoded(tb::decode_telemetry(payload, &self.0.config.limits))?;
        let (batch, server_time) = batch(device, records, received_ms);
        Live::add(&self.0.live.server_time_records, server_time);
        let batches: Vec<Batch> = if batch.points.is_empty() {
            Vec::new()
        } else {
            vec![batch]
        };
        let durable = self.submit(&batches)?;
        self.after_accept(&[(device, batches.first())], received_ms);
        Ok(durable)
    }

    /// Client attributes of `device` (`v1/devices/me/attributes`, HTTP `/attributes`): stored
    /// in the directory before this returns.
    pub async fn attributes(
        &self,
        device: &DeviceIdentity,
        payload: &[u8],
        received_ms: i64,
    ) -> Result<(), IngestError> {
        let values = self.decoded(tb::decode_attributes(payload, &self.0.config.limits))?;
        self.activity(device, received_ms);
        self.store_attributes(device, &values).await
    }

    /// A gateway's sub-device by name: found or created by the directory, then cached.
    pub async fn sub_device(
        &self,
        gateway: &DeviceIdentity,
        name: &str,
        device_type: Option<&str>,
    ) -> Result<DeviceIdentity, IngestError> {
        if !gateway.is_gateway {
            return self.refuse(IngestError::NotAGateway(gateway.id.0));
        }
        if device_type.is_none()
            && let Some(hit) = self.0.children.get(gateway.id, name)
        {
            return Ok(hit);
        }
        match self
            .0
            .directory
            .gateway_child(gateway, name, device_type)
            .await
        {
            Ok(child) => {
                self.0.children.put(gateway.id, name, child.clone());
                Ok(child)
            }
            Err(e) => self.refuse(e.into()),
        }
    }

    /// `v1/gateway/telemetry`: every sub-device's points in one durable unit.
    pub async fn gateway_telemetry(
        &self,
        gateway: &DeviceIdentity,
        payload: &[u8],
        received_ms: i64,
    ) -> Result<Durable, IngestError> {
        if !gateway.is_gateway {
            return self.refuse(IngestError::NotAGateway(gateway.id.0));
        }
        let devices = self.decoded(tb::decode_gateway_telemetry(payload, &self.0.config.limits))?;
        let mut children = Vec::with_capacity(devices.len());
        let mut batches: Vec<Batch> = Vec::with_capacity(devices.len());
        let mut server_time = 0;
        for d in devices {
            let child = self.sub_device(gateway, &d.device, None).await?;
            let (b, st) = batch(&child, d.records, received_ms);
            server_time += st;
            // Keep the pairing with `children` for alarms even when a device sent no points.
            children.push((child, b.points.len()));
            batches.push(b);
        }
        Live::add(&self.0.live.server_time_records, server_time);
        batches.retain(|b| !b.points.is_empty());
        let durable = self.submit(&batches)?;
        let mut seen: Vec<(&DeviceIdentity, Option<&Batch>)> = vec![(gateway, None)];
        let mut stored = batches.iter();
        for (child, points) in &children {
            seen.push((child, if *points > 0 { stored.next() } else { None }));
        }
        self.after_accept(&seen, received_ms);
        Ok(durable)
    }

    /// `v1/gateway/attributes`: client attributes of several sub-devices.
    pub async fn gateway_attributes(
        &self,
        gateway: &DeviceIdentity,
        payload: &[u8],
        received_ms: i64,
    ) -> Result<(), IngestError> {
        if !gateway.is_gateway {
            return self.refuse(IngestError::NotAGateway(gateway.id.0));
        }
        let devices = self.decoded(tb::decode_gateway_attributes(
            payload,
            &self.0.config.limits,
        ))?;
        self.activity(gateway, received_ms);
        for d in devices {
            let child = self.sub_device(gateway, &d.device, None).await?;
            self.activity(&child, received_ms);
            self.store_attributes(&child, &d.values).await?;
        }
        Ok(())
    }

    /// `v1/gateway/connect`: the sub-device (created if new, with the given type) is online.
    pub async fn gateway_connect(
        &self,
        gateway: &DeviceIdentity,
        payload: &[u8],
        received_ms: i64,
    ) -> Result<DeviceIdentity, IngestError> {
        let d = self.decoded(tb::decode_gateway_device(payload, &self.0.config.limits))?;
        let child = self
            .sub_device(gateway, &d.device, d.device_type.as_deref())
            .await?;
        if let Some(p) = &self.0.presence {
            p.on_activity(gateway, received_ms);
            p.on_connect(&child, received_ms);
        }
        Ok(child)
    }

    /// `v1/gateway/disconnect`: the sub-device is offline.
    pub async fn gateway_disconnect(
        &self,
        gateway: &DeviceIdentity,
        payload: &[u8],
        received_ms: i64,
    ) -> Result<DeviceIdentity, IngestError> {
        let d = self.decoded(tb::decode_gateway_device(payload, &self.0.config.limits))?;
        let child = self.sub_device(gateway, &d.device, None).await?;
        if let Some(p) = &self.0.presence {
            p.on_activity(gateway, received_ms);
            p.on_disconnect(&child, received_ms);
        }
        Ok(child)
    }

    /// Hands batches to the sink and wraps its future with the counters.
    fn submit(&self, batches: &[Batch]) -> Result<Durable, IngestError> {
        let stored = Stored {
            points: batches.iter().map(|b| b.points.len()).sum(),
            devices: batches.len(),
        };
        if batches.is_empty() {
            Live::add(&self.0.live.messages_accepted, 1);
            return Ok(Durable::ready(stored));
        }
        let future = match self.0.sink.submit(batches) {
            Ok(f) => f,
            Err(SinkError::Invalid(v)) => return self.refuse(IngestError::Invalid(v)),
            Err(SinkError::Failed(reason)) => return self.refuse(IngestError::NotDurable(reason)),
        };
        let live = self.0.live.clone();
        Ok(Durable(Box::pin(async move {
            match future.await {
                Ok(()) => {
                    live.messages_accepted.fetch_add(1, Ordering::Relaxed);
                    live.points_accepted
                        .fetch_add(stored.points as u64, Ordering::Relaxed);
                    Ok(stored)
                }
                Err(reason) => {
                    let e = IngestError::NotDurable(reason);
                    live.refused(&e);
                    Err(e)
                }
            }
        })))
    }

    /// Presence and alarms for an accepted message: in memory, after the append was queued,
    /// never part of the durable future.
    fn after_accept(&self, devices: &[(&DeviceIdentity, Option<&Batch>)], now_ms: i64) {
        if let Some(p) = &self.0.presence {
            for (d, _) in devices {
                p.on_activity(d, now_ms);
            }
        }
        let Some((engine, events)) = &self.0.alarms else {
            return;
        };
        for (device, batch) in devices {
            let Some(batch) = batch else { continue };
            let numeric: Vec<(&str, i64, f64)> = batch
                .points
                .iter()
                .filter_map(|p| match p.value {
                    Value::F64(v) => Some((p.key.as_str(), p.ts, v)),
                    Value::I64(v) => Some((p.key.as_str(), p.ts, v as f64)),
                    _ => None,
                })
                .collect();
            if numeric.is_empty() {
                continue;
            }
            let raised = engine.on_points(device, &numeric);
            if !raised.is_empty() && events.try_send(raised).is_err() {
                Live::add(&self.0.live.alarm_events_dropped, 1);
            }
        }
    }
}
