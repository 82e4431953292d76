//! The write buffer: points that are durable in the WAL but not yet in chunk files, per
//! series, queryable at once. When the WAL seals a segment the active buffer is frozen and
//! handed to the persister; a frozen buffer stays queryable until its chunk files are in the
//! index.

// foldhash, not SipHash: the buffer and the latest table hash every point's key on the
// ingest path (SipHash was 5% of the instructions per MQTT message); seeded per process.
use foldhash::{HashMap, HashMapExt};

use crate::model::{Batch, DeviceId, Owner, Value};

/// Points of one series in arrival order; `sorted` stays true while they arrive in time order.
#[derive(Debug, Default)]
pub struct SeriesBuf {
    ts: Vec<i64>,
    values: Vec<Value>,
    sorted: bool,
}

impl SeriesBuf {
    fn push(&mut self, ts: i64, value: Value) {
        match self.ts.last() {
            None => self.sorted = true,
            Some(&last) if ts == last => {
                // A duplicate of the newest point (a redelivery, usually): the later write wins.
                if let Some(v) = self.values.last_mut() {
                    *v = value;
                }
                return;
            }
            Some(&last) if ts < last => self.sorted = false,
            Some(_) => {}
        }
        self.ts.push(ts);
        self.values.push(value);
    }

    /// Points in `[start, end)`, sorted by time, one per timestamp (the last written wins).
    pub fn range(&self, start: i64, end: i64) -> Vec<(i64, Value)> {
        if self.sorted {
            let lo = self.ts.partition_point(|&t| t < start);
            let hi = self.ts.partition_point(|&t| t < end);
            return (lo..hi)
                .map(|i| (self.ts[i], self.values[i].clone()))
                .collect();
        }
        let mut pts: Vec<(i64, Value)> = self
            .ts
            .iter()
            .zip(&self.values)
            .filter(|(t, _)| (start..end).contains(*t))
            .map(|(t, v)| (*t, v.clone()))
            .collect();
        sort_last_wins(&mut pts);
        pts
    }

    /// Every point, sorted, one per timestamp.
    pub fn all(&self) -> Vec<(i64, Value)> {
        self.range(i64::MIN, i64::MAX)
    }

    /// Points held (duplicates not yet removed included).
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }
}

/// Sorts by time keeping, for equal timestamps, only the last in the input order.
pub fn sort_last_wins(pts: &mut Vec<(i64, Value)>) {
    // Stable sort keeps arrival order among equal timestamps; then keep the last of each run.
    pts.sort_by_key(|p| p.0);
    let mut out: Vec<(i64, Value)> = Vec::with_capacity(pts.len());
    for p in pts.drain(..) {
        match out.last_mut() {
            Some(last) if last.0 == p.0 => *last = p,
            _ => out.push(p),
        }
    }
    *pts = out;
}

/// The buffered series of one device.
#[derive(Debug)]
pub struct DeviceBuf {
    /// Owner named by the device's latest batch; the persister partitions by it.
    pub owner: Owner,
    /// Series by key.
    pub series: HashMap<String, SeriesBuf>,
}

/// A write buffer.
#[derive(Debug, Default)]
pub struct WriteBuffer {
    /// Devices.
    pub devices: HashMap<DeviceId, DeviceBuf>,
    points: usize,
}

impl WriteBuffer {
    /// Adds a batch (already validated).
    pub fn insert(&mut self, batch: Batch) {
        let dev = match self.devices.get_mut(&batch.device) {
            Some(d) => {
                if d.owner != batch.owner {
                    d.owner = batch.owner;
                }
                d
            }
            None => self
                .devices
                .entry(batch.device)
                .or_insert_with(|| DeviceBuf {
                    owner: batch.owner,
                    series: HashMap::new(),
                }),
        };
        self.points += batch.points.len();
        for p in batch.points {
            match dev.series.get_mut(p.key.as_str()) {
                Some(s) => s.push(p.ts, p.value),
                None => dev.series.entry(p.key).or_default().push(p.ts, p.value),
            }
        }
    }

    /// The series of `device` named `key`.
    pub fn series(&self, device: &DeviceId, key: &str) -> Option<&SeriesBuf> {
        self.devices.get(device)?.series.get(key)
    }

    /// Points inserted.
    pub fn points(&self) -> usize {
        self.points
    }

    /// True when nothing was inserted.
    pub fn is_empty(&self) -> bool {
        self.points == 0
    }
}

/// A buffer sealed with its WAL segment, waiting for (or being written by) the persister.
#[derive(Debug)]
pub struct FrozenBuffer {
    /// Order of freezing: later frozen buffers hold later writes.
    pub id: u64,
    /// Every WAL record with `seq <= through_seq` is in this buffer or older storage.
    pub through_seq: u64,
    /// The points.
    pub buffer: WriteBuffer,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Point;

    #[test]
    fn out_of_order_and_duplicates_last_write_wins() {
        let mut b = WriteBuffer::default();
        let owner = Owner::unchecked("E".into());
        let pts = [
            (10, 1.0),
            (30, 3.0),
            (20, 2.0),
            (30, 3.5),
            (20, 2.5),
            (40, 4.0),
            (40, 4.5),
        ];
        for (ts, v) in pts {
            b.insert(Batch {
                owner: owner.clone(),
                device: DeviceId::Num(1),
                points: vec![Point::new("k", ts, v)],
            });
        }
        let s = b.series(&DeviceId::Num(1), "k").expect("series");
        assert_eq!(
            s.all(),
            vec![
                (10, Value::F64(1.0)),
                (20, Value::F64(2.5)),
                (30, Value::F64(3.5)),
                (40, Value::F64(4.5))
            ]
        );
        assert_eq!(
            s.range(20, 40),
            vec![(20, Value::F64(2.5)), (30, Value::F64(3.5))]
        );
    }
}
