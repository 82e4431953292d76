//! The ingest core against the real embedded store and the in-memory device directory.

use shangyun_devices::{
    AlarmEngine, AlarmEvent, AlarmRule, DeviceDirectory, DeviceIdentity, MemoryDirectory,
    NewDevice, Presence, RuleBook,
};
use shangyun_ingest::{Ingest, IngestConfig, IngestError, SinkError, SinkFuture, TelemetrySink};
use shangyun_tsdb::{Batch, Config, DeviceId, SeriesKey, Tsdb, Value};
use std::sync::Arc;

const USCC: &str = "91350100M000100Y43";
const NOW: i64 = 1_700_000_000_000;

struct Setup {
    _dir: tempfile::TempDir,
    db: Arc<Tsdb>,
    directory: Arc<MemoryDirectory>,
    ingest: Ingest,
    meter: DeviceIdentity,
    gateway: DeviceIdentity,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, _) = Tsdb::open(dir.path(), Config::default()).expect("open");
    let db = Arc::new(db);
    let directory = Arc::new(MemoryDirectory::new());
    let (meter, _) = directory
        .add_device(NewDevice {
            enterprise: Some(USCC.into()),
            ..NewDevice::named("meter-1")
        })
        .expect("meter");
    let (gateway, _) = directory
        .add_device(NewDevice {
            enterprise: Some(USCC.into()),
            ..NewDevice::gateway("gw-1")
        })
        .expect("gateway");
    let ingest = Ingest::new(
        db.clone(),
        directory.clone() as Arc<dyn DeviceDirectory>,
        IngestConfig::default(),
    );
    Setup {
        _dir: dir,
        db,
        directory,
        ingest,
        meter,
        gateway,
    }
}

fn dev(d: &DeviceIdentity) -> DeviceId {
    DeviceId::Num(d.id.0 as u64)
}

#[tokio::test]
async fn telemetry_is_durable_and_queryable_when_the_future_resolves() {
    let s = setup();
    let durable = s
        .ingest
        .telemetry(
            &s.meter,
            br#"[{"ts":1699999999000,"values":{"kwh":1234.5,"on":true}},{"t":21,"pos":{"a":[1]}}]"#,
            NOW,
        )
        .expect("accepted");
    let stored = durable.await.expect("durable");
    assert_eq!((stored.points, stored.devices), (4, 1));
    let kwh =
        s.db.range(&SeriesKey::new(dev(&s.meter), "kwh"), 0, i64::MAX)
            .expect("range");
    assert_eq!(kwh.points, vec![(1_699_999_999_000, Value::F64(1234.5))]);
    // No "ts": stamped with the receive time. JSON values are stored as compact text.
    let t =
        s.db.range(&SeriesKey::new(dev(&s.meter), "t"), 0, i64::MAX)
            .expect("range");
    assert_eq!(t.points, vec![(NOW, Value::I64(21))]);
    let pos = s.db.latest_value(&SeriesKey::new(dev(&s.meter), "pos"));
    assert_eq!(pos, Some((NOW, Value::Str(r#"{"a":[1]}"#.into()))));
    let c = s.ingest.counters();
    assert_eq!(
        (
            c.messages_accepted,
            c.points_accepted,
            c.server_time_records
        ),
        (1, 4, 1)
    );
}

#[tokio::test]
async fn a_redelivered_message_is_stored_once() {
    let s = setup();
    let payload = br#"{"ts":1699999999000,"values":{"kwh":1.5}}"#;
    s.ingest
        .telemetry(&s.meter, payload, NOW)
        .expect("1")
        .await
        .expect("1");
    s.ingest
        .telemetry(&s.meter, payload, NOW + 5)
        .expect("2")
        .await
        .expect("2");
    let kwh =
        s.db.range(&SeriesKey::new(dev(&s.meter), "kwh"), 0, i64::MAX)
            .expect("range");
    assert_eq!(kwh.points.len(), 1, "same (device, key, ts) is one point");
}

#[tokio::test]
async fn malformed_payloads_are_counted_by_code_and_store_nothing() {
    let s = setup();
    for bad in [
        &b"{"[..],
        b"42",
        br#"{"a":null}"#,
        br#"{"ts":-5,"values":{"a":1}}"#,
    ] {
        let e = s.ingest.telemetry(&s.meter, bad, NOW).expect_err("refused");
        assert!(matches!(e, IngestError::Malformed(_)), "{e}");
        assert!(e.is_client_fault());
    }
    let c = s.ingest.counters();
    assert_eq!(c.malformed_total(), 4);
    assert_eq!(c.malformed.get("json"), Some(&1));
    assert_eq!(c.malformed.get("timestamp"), Some(&1));
    assert_eq!(s.db.stats().points_applied, 0);
    // An empty object is accepted and stores nothing.
    let stored = s
        .ingest
        .telemetry(&s.meter, b"{}", NOW)
        .expect("ok")
        .await
        .expect("ok");
    assert_eq!(stored.points, 0);
}

#[tokio::test]
async fn gateway_telemetry_is_filed_under_each_sub_device() {
    let s = setup();
    let durable = s
        .ingest
        .gateway_telemetry(
            &s.gateway,
            br#"{"Device A":[{"ts":1699999999000,"values":{"t":1}}],"Device B":[{"ts":1699999999000,"values":{"t":2}},{"ts":1699999999500,"values":{"t":3}}]}"#,
            NOW,
        )
        .await
        .expect("accepted");
    assert_eq!(durable.await.expect("durable").devices, 2);
    let a = s
        .ingest
        .sub_device(&s.gateway, "Device A", None)
        .await
        .expect("a");
    let b = s
        .ingest
        .sub_device(&s.gateway, "Device B", None)
        .await
        .expect("b");
    assert_eq!(a.gateway, Some(s.gateway.id));
    assert_eq!(a.enterprise.as_deref(), Some(USCC));
    let tb =
        s.db.range(&SeriesKey::new(dev(&b), "t"), 0, i64::MAX)
            .expect("range");
    assert_eq!(tb.points.len(), 2);
    let ta =
        s.db.range(&SeriesKey::new(dev(&a), "t"), 0, i64::MAX)
            .expect("range");
    assert_eq!(ta.points, vec![(1_699_999_999_000, Value::I64(1))]);
}

#[tokio::test]
async fn gateways_publish_only_for_their_own_sub_devices() {
    let s = setup();
    // The meter is not a gateway.
    let e = s
        .ingest
        .gateway_telemetry(&s.meter, br#"{"X":{"t":1}}"#, NOW)
        .await
        .expect_err("not a gateway");
    assert!(matches!(e, IngestError::NotAGateway(_)));
    // "meter-1" exists in the same enterprise and is not the gateway's sub-device: the whole
    // message is refused, including the legitimate device in it.
    let e = s
        .ingest
        .gateway_telemetry(
            &s.gateway,
            br#"{"Device A":{"t":1},"meter-1":{"t":666}}"#,
            NOW,
        )
        .await
        .expect_err("foreign device");
    assert!(
        matches!(e, IngestError::NotYourDevice { ref name } if name == "meter-1"),
        "{e}"
    );
    assert_eq!(s.db.stats().points_applied, 0);
    assert_eq!(
        s.ingest.counters().rejected.get("not-your-device"),
        Some(&1)
    );
}

#[tokio::test]
async fn client_attributes_go_to_the_directory() {
    let s = setup();
    s.ingest
        .attributes(&s.meter, br#"{"firmwareVersion":"2.1.0","slots":4}"#, NOW)
        .await
        .expect("stored");
    let got = s
        .directory
        .attributes_get(s.meter.id, None, None)
        .await
        .expect("read");
    assert_eq!(
        got.client.get("firmwareVersion"),
        Some(&serde_json::json!("2.1.0"))
    );
    assert_eq!(got.client.get("slots"), Some(&serde_json::json!(4)));
    s.ingest
        .gateway_attributes(&s.gateway, br#"{"Device A":{"model":"X1"}}"#, NOW)
        .await
        .expect("stored");
    let a = s
        .ingest
        .sub_device(&s.gateway, "Device A", None)
        .await
        .expect("a");
    let got = s
        .directory
        .attributes_get(a.id, None, None)
        .await
        .expect("read");
    assert_eq!(got.client.get("model"), Some(&serde_json::json!("X1")));
    assert!(s.ingest.attributes(&s.meter, b"[1]", NOW).await.is_err());
    assert_eq!(s.ingest.counters().attribute_messages, 2);
}

struct BrokenSink;

impl TelemetrySink for BrokenSink {
    fn submit(&self, _batches: &[Batch]) -> Result<SinkFuture, SinkError> {
        Ok(Box::pin(async { Err("disk on fire".to_owned()) }))
    }
}

#[tokio::test]
async fn a_failed_write_is_never_reported_durable() {
    let s = setup();
    let ingest = Ingest::new(
        Arc::new(BrokenSink),
        s.directory.clone() as Arc<dyn DeviceDirectory>,
        IngestConfig::default(),
    );
    let e = ingest
        .telemetry(&s.meter, br#"{"t":1}"#, NOW)
        .expect("queued")
        .await
        .expect_err("not durable");
    assert!(matches!(e, IngestError::NotDurable(_)));
    assert!(!e.is_client_fault());
    let c = ingest.counters();
    assert_eq!(
        (c.messages_accepted, c.rejected.get("not-durable")),
        (0, Some(&1))
    );
}

#[tokio::test]
async fn presence_and_alarms_follow_accepted_messages() {
    let s = setup();
    let presence = Arc::new(Presence::new(600_000));
    let rule: AlarmRule = serde_json::from_value(serde_json::json!(
        {"id": "hot", "key": "t", "above": 80.0, "severity": "major"}
    ))
    .expect("rule");
    let mut book = RuleBook::new();
    book.set_device_rules(s.meter.id, vec![rule]);
    let alarms = Arc::new(AlarmEngine::new(book));
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let ingest = s
        .ingest
        .clone()
        .with_presence(presence.clone())
        .with_alarms(alarms, tx);
    ingest
        .telemetry(&s.meter, br#"{"t":95.5}"#, NOW)
        .expect("ok")
        .await
        .expect("ok");
    assert!(presence.is_online(s.meter.id, NOW));
    let events = rx.try_recv().expect("an alarm event");
    assert!(
        matches!(events.as_slice(), [AlarmEvent::Raised(_)]),
        "{events:?}"
    );
    // Sub-devices named in a gateway message are online too.
    ingest
        .gateway_telemetry(&s.gateway, br#"{"Device C":{"t":1}}"#, NOW)
        .await
        .expect("ok")
        .await
        .expect("ok");
    let c = ingest
        .sub_device(&s.gateway, "Device C", None)
        .await
        .expect("c");
    assert!(presence.is_online(c.id, NOW));
    assert!(presence.is_online(s.gateway.id, NOW));
}
