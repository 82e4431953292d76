//! ThingsBoard telemetry records → the store's batches. (To be replaced by the shared ingest
//! core once it exists, so that HTTP and MQTT file points the same way.)

use shangyun_devices::DeviceIdentity;
use shangyun_thingsboard::{KeyValue, TbValue, TsRecord};
use shangyun_tsdb::{Batch, DeviceId, Owner, Point, Value};

/// The store's owner for a device: its enterprise, or the platform owner.
pub(crate) fn owner(device: &DeviceIdentity, platform: &str) -> Option<Owner> {
    Owner::new(device.enterprise.as_deref().unwrap_or(platform)).ok()
}

fn value(v: TbValue) -> Value {
    match v {
        TbValue::Bool(b) => Value::Bool(b),
        TbValue::Long(n) => Value::I64(n),
        TbValue::Double(f) => Value::F64(f),
        TbValue::Str(s) | TbValue::Json(s) => Value::Str(s),
    }
}

/// One batch of a device's records; records without a timestamp get `now_ms`.
pub(crate) fn batch(
    owner: Owner,
    device: &DeviceIdentity,
    records: Vec<TsRecord>,
    now_ms: i64,
) -> Batch {
    let mut points = Vec::with_capacity(records.iter().map(|r| r.values.len()).sum());
    for r in records {
        let ts = r.ts.unwrap_or(now_ms);
        for KeyValue { key, value: v } in r.values {
            points.push(Point {
                key,
                ts,
                value: value(v),
            });
        }
    }
    Batch {
        owner,
        device: DeviceId::Num(device.id.0 as u64),
        points,
    }
}

/// ThingsBoard key-values as a JSON object (client attributes).
pub(crate) fn attributes(values: &[KeyValue]) -> serde_json::Map<String, serde_json::Value> {
    values
        .iter()
        .map(|kv| {
            (
                kv.key.clone(),
                shangyun_thingsboard::encode::value_json(&kv.value),
            )
        })
        .collect()
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
