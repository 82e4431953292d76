//! The runtime: presence flushed in batches, alarm events from the channel and from no-data
//! ticks recorded, state loaded back on the next start.

mod support;

use shangyun_device_store::{
    AlarmFilter, CredentialSpec, DeviceRuntime, NewDeviceSpec, RuntimeOptions,
};
use std::time::Duration;
use support::{TestDb, TestResult};

on_both!(runtime_flushes_and_restores);

async fn runtime_flushes_and_restores(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (dev, _) = store
        .add_device(
            NewDeviceSpec {
                name: "cnc-1".into(),
                enterprise: Some("91350100M000100Y43".into()),
                device_type: Some("cnc-machine".into()),
                ..NewDeviceSpec::default()
            },
            CredentialSpec::GenerateToken,
            "admin",
        )
        .await?;
    let options = RuntimeOptions {
        flush_every: Duration::from_millis(50),
        ..RuntimeOptions::default()
    };
    let rt = DeviceRuntime::start(store.clone(), options.clone()).await?;
    let now = shangyun_device_store::now_ms();
    rt.presence.on_connect(&dev, now);
    let raised = rt.alarms.on_points(&dev, &[("spindle_temp", now, 95.0)]);
    assert_eq!(raised.len(), 1);
    rt.alarm_events.send(raised).await?;
    // wait for a flush
    let mut flushed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let active = store
            .list_alarms(&AlarmFilter {
                active_only: true,
                ..AlarmFilter::default()
            })
            .await?;
        let rec = store.device_record(dev.id).await?.ok_or("gone")?;
        if active.len() == 1 && rec.online {
            flushed = true;
            break;
        }
    }
    assert!(flushed, "presence and alarm not flushed");
    rt.shutdown().await;
    // a new runtime restores the active alarm: the same high value raises nothing new
    let rt = DeviceRuntime::start(store.clone(), options).await?;
    assert_eq!(rt.alarms.active(dev.id).len(), 1);
    assert!(
        rt.alarms
            .on_points(&dev, &[("spindle_temp", now + 1, 96.0)])
            .is_empty()
    );
    assert!(rt.presence.state(dev.id, now + 1).is_some());
    rt.shutdown().await;
    Ok(())
}
