//! The latest-value table: per device, key → (timestamp, value) of the newest point.
//! A point replaces the entry when its timestamp is at least the entry's (so a later write of
//! the same timestamp wins). Snapshotted at each persist with the WAL sequence it covers;
//! recovery loads the snapshot and replays only newer WAL records into it.

use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeMap;

use crate::bytes::{Reader, put_bytes, put_ivarint, put_uvarint};
use crate::model::{Batch, DeviceId, Value};

const MAGIC: &[u8; 8] = b"SYLATEST";

/// The table.
#[derive(Debug, Default)]
pub struct LatestTable {
    devices: HashMap<DeviceId, HashMap<String, (i64, Value)>>,
    /// Highest WAL sequence applied.
    pub applied_seq: u64,
    /// Records up to this sequence are already in the table (it came from a snapshot).
    snapshot_seq: u64,
}

impl LatestTable {
    /// Applies a batch of WAL record `seq` (a record may hold several batches); records at or
    /// below the loaded snapshot's sequence are already in the table and are skipped.
    pub fn apply(&mut self, seq: u64, batch: &Batch) {
        if seq <= self.snapshot_seq {
            return;
        }
        self.applied_seq = self.applied_seq.max(seq);
        let keys = match self.devices.get_mut(&batch.device) {
            Some(k) => k,
            None => self.devices.entry(batch.device.clone()).or_default(),
        };
        for p in &batch.points {
            match keys.get_mut(p.key.as_str()) {
                Some(e) if p.ts >= e.0 => *e = (p.ts, p.value.clone()),
                Some(_) => {}
                None => {
                    keys.insert(p.key.clone(), (p.ts, p.value.clone()));
                }
            }
        }
    }

    /// Sets an entry if it is newer (used when rebuilding from chunk files).
    pub fn offer(&mut self, device: &DeviceId, key: &str, ts: i64, value: Value) {
        let keys = self.devices.entry(device.clone()).or_default();
        match keys.get_mut(key) {
            Some(e) if ts > e.0 => *e = (ts, value),
            Some(_) => {}
            None => {
                keys.insert(key.to_owned(), (ts, value));
            }
        }
    }

    /// Every key of a device, sorted by key.
    pub fn device(&self, device: &DeviceId) -> BTreeMap<String, (i64, Value)> {
        self.devices
            .get(device)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// One key of a device.
    pub fn get(&self, device: &DeviceId, key: &str) -> Option<(i64, Value)> {
        self.devices.get(device)?.get(key).cloned()
    }

    /// Serializes the table.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.applied_seq.to_le_bytes());
        put_uvarint(&mut out, self.devices.len() as u64);
        for (device, keys) in &self.devices {
            match device {
                DeviceId::Num(n) => {
                    out.push(0);
                    put_uvarint(&mut out, *n);
                }
                DeviceId::Name(s) => {
                    out.push(1);
                    put_bytes(&mut out, s.as_bytes());
                }
            }
            put_uvarint(&mut out, keys.len() as u64);
            for (key, (ts, value)) in keys {
                put_bytes(&mut out, key.as_bytes());
                put_ivarint(&mut out, *ts);
                match value {
                    Value::F64(f) => {
                        out.push(0);
                        out.extend_from_slice(&f.to_le_bytes());
                    }
                    Value::I64(i) => {
                        out.push(1);
                        put_ivarint(&mut out, *i);
                    }
                    Value::Bool(b) => out.push(2 + u8::from(*b)),
                    Value::Str(s) => {
                        out.push(4);
                        put_bytes(&mut out, s.as_bytes());
                    }
                }
            }
        }
        let crc = crc32c::crc32c(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Reads a snapshot; `None` when it is damaged. Never panics.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let (body, crc) = bytes.split_last_chunk::<4>()?;
        if crc32c::crc32c(body) != u32::from_le_bytes(*crc) {
            return None;
        }
        let mut r = Reader::new(body);
        if r.take(8)? != MAGIC {
            return None;
        }
        let applied_seq = r.u64_le()?;
        let n = r.count()?;
        let mut devices = HashMap::with_capacity(n);
        for _ in 0..n {
            let device = match r.u8()? {
                0 => DeviceId::Num(r.uvarint()?),
                1 => DeviceId::Name(r.str()?.to_owned()),
                _ => return None,
            };
            let k = r.count()?;
            let mut keys = HashMap::with_capacity(k);
            for _ in 0..k {
                let key = r.str()?.to_owned();
                let ts = r.ivarint()?;
                let value = match r.u8()? {
                    0 => Value::F64(f64::from_bits(r.u64_le()?)),
                    1 => Value::I64(r.ivarint()?),
                    2 => Value::Bool(false),
                    3 => Value::Bool(true),
                    4 => Value::Str(r.str()?.to_owned()),
                    _ => return None,
                };
                keys.insert(key, (ts, value));
            }
            devices.insert(device, keys);
        }
        (r.remaining() == 0).then_some(Self {
            devices,
            applied_seq,
            snapshot_seq: applied_seq,
        })
    }
}
