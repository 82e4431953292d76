//! Decoded ThingsBoard values → the store's points.

use shangyun_devices::DeviceIdentity;
use shangyun_thingsboard::{KeyValue, TbValue, TsRecord};
use shangyun_tsdb::{Batch, DeviceId, Owner, Point, Value};

/// The owner of a device without an enterprise (a platform-level device).
pub const UNASSIGNED_OWNER: &str = "unassigned";

/// A TbValue as a stored value. JSON objects and arrays are kept as their compact JSON text.
pub fn stored_value(v: TbValue) -> Value {
    match v {
        TbValue::Bool(b) => Value::Bool(b),
        TbValue::Long(i) => Value::I64(i),
        TbValue::Double(f) => Value::F64(f),
        TbValue::Str(s) | TbValue::Json(s) => Value::Str(s),
    }
}

/// The store's owner for a device: its enterprise's USCC, else [`UNASSIGNED_OWNER`]. An
/// enterprise id the store cannot use as a directory name also falls back (it was validated
/// as a USCC upstream, so this does not happen in practice).
pub fn owner_of(device: &DeviceIdentity) -> Owner {
    device
        .enterprise
        .as_deref()
        .and_then(|e| Owner::new(e).ok())
        .unwrap_or_else(|| Owner::new(UNASSIGNED_OWNER).expect("constant owner id is valid"))
}

/// The store's id of a device.
pub fn series_device(device: &DeviceIdentity) -> DeviceId {
    // Directory ids are positive row ids; a negative one would be a directory bug, kept
    // distinct rather than wrapped onto another device.
    match u64::try_from(device.id.0) {
        Ok(n) => DeviceId::Num(n),
        Err(_) => DeviceId::Name(format!("id{}", device.id.0)),
    }
}

/// One device's records as a batch; records without `ts` take `received_ms`. Returns the
/// batch and how many records had no timestamp.
pub fn batch(device: &DeviceIdentity, records: Vec<TsRecord>, received_ms: i64) -> (Batch, u64) {
    let mut server_time = 0;
    let count = records.iter().map(|r| r.values.len()).sum();
    let mut points = Vec::with_capacity(count);
    for record in records {
        let ts = match record.ts {
            Some(ts) => ts,
            None => {
                server_time += 1;
                received_ms
            }
        };
        for KeyValue { key, value } in record.values {
            points.push(Point {
                key,
                ts,
                value: stored_value(value),
            });
        }
    }
    (
        Batch {
            owner: owner_of(device),
            device: series_device(device),
            points,
        },
        server_time,
    )
}

/// Attribute values as the directory's JSON map.
pub fn attribute_map(values: &[KeyValue]) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::with_capacity(values.len());
    for kv in values {
        map.insert(
            kv.key.clone(),
            shangyun_thingsboard::encode::value_json(&kv.value),
        );
    }
    map
}
