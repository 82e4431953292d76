//! The payload of one WAL record: one or more batches.
//!
//! ```text
//! version u8 = 1 | n_batches varint | batch*
//! batch  = owner str | device | n_points varint | point*
//! device = 0 varint(u64) | 1 str
//! point  = key str | ts zigzag-varint (delta from the previous point of the batch) | value
//! value  = 0 f64 LE | 1 zigzag-varint i64 | 2 (false) | 3 (true) | 4 str
//! str    = varint length | UTF-8 bytes
//! ```

use crate::bytes::{Reader, put_bytes, put_ivarint, put_uvarint};
use crate::model::{Batch, DeviceId, Owner, Point, Value};

const VERSION: u8 = 1;

/// Why a WAL payload could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum RecordDecodeError {
    /// Unknown format version.
    #[error("unknown WAL payload version {0}")]
    Version(u8),
    /// The bytes end early or a field is malformed.
    #[error("malformed WAL payload at byte {0}")]
    Malformed(usize),
    /// Bytes remain after the last batch.
    #[error("{0} stray bytes after the last batch")]
    Trailing(usize),
}

/// Encodes batches as one WAL payload.
pub fn encode_batches(batches: &[&Batch], out: &mut Vec<u8>) {
    out.push(VERSION);
    put_uvarint(out, batches.len() as u64);
    for b in batches {
        put_bytes(out, b.owner.as_str().as_bytes());
        match &b.device {
            DeviceId::Num(n) => {
                out.push(0);
                put_uvarint(out, *n);
            }
            DeviceId::Name(s) => {
                out.push(1);
                put_bytes(out, s.as_bytes());
            }
        }
        put_uvarint(out, b.points.len() as u64);
        let mut prev_ts = 0i64;
        for p in &b.points {
            put_bytes(out, p.key.as_bytes());
            put_ivarint(out, p.ts.wrapping_sub(prev_ts));
            prev_ts = p.ts;
            match &p.value {
                Value::F64(v) => {
                    out.push(0);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                Value::I64(v) => {
                    out.push(1);
                    put_ivarint(out, *v);
                }
                Value::Bool(false) => out.push(2),
                Value::Bool(true) => out.push(3),
                Value::Str(s) => {
                    out.push(4);
                    put_bytes(out, s.as_bytes());
                }
            }
        }
    }
}

/// Decodes a WAL payload. Never panics, whatever the bytes; the result has not been through
/// [`crate::validate`] (replay re-validates).
///
/// ```
/// use shangyun_tsdb::{decode_batches, encode_batches, Batch, Owner, Point};
/// let b = Batch { owner: Owner::new("E1")?, device: 3.into(), points: vec![Point::new("kwh", 1000, 12.5)] };
/// let mut bytes = Vec::new();
/// encode_batches(&[&b], &mut bytes);
/// assert_eq!(decode_batches(&bytes), Ok(vec![b]));
/// assert!(decode_batches(&bytes[..bytes.len() - 1]).is_err());
/// # Ok::<(), shangyun_tsdb::ValidationError>(())
/// ```
pub fn decode_batches(bytes: &[u8]) -> Result<Vec<Batch>, RecordDecodeError> {
    let mut r = Reader::new(bytes);
    let bad = |r: &Reader<'_>| RecordDecodeError::Malformed(r.position());
    let version = r.u8().ok_or(RecordDecodeError::Malformed(0))?;
    if version != VERSION {
        return Err(RecordDecodeError::Version(version));
    }
    let n = r.count().ok_or_else(|| bad(&r))?;
    let mut batches = Vec::with_capacity(n);
    for _ in 0..n {
        let owner = r.str().ok_or_else(|| bad(&r))?;
        let device = match r.u8().ok_or_else(|| bad(&r))? {
            0 => DeviceId::Num(r.uvarint().ok_or_else(|| bad(&r))?),
            1 => DeviceId::Name(r.str().ok_or_else(|| bad(&r))?.to_owned()),
            _ => return Err(bad(&r)),
        };
        let count = r.count().ok_or_else(|| bad(&r))?;
        let mut points = Vec::with_capacity(count);
        let mut prev_ts = 0i64;
        for _ in 0..count {
            let key = r.str().ok_or_else(|| bad(&r))?.to_owned();
            let ts = prev_ts.wrapping_add(r.ivarint().ok_or_else(|| bad(&r))?);
            prev_ts = ts;
            let value = match r.u8().ok_or_else(|| bad(&r))? {
                0 => Value::F64(f64::from_bits(r.u64_le().ok_or_else(|| bad(&r))?)),
                1 => Value::I64(r.ivarint().ok_or_else(|| bad(&r))?),
                2 => Value::Bool(false),
                3 => Value::Bool(true),
                4 => Value::Str(r.str().ok_or_else(|| bad(&r))?.to_owned()),
                _ => return Err(bad(&r)),
            };
            points.push(Point { key, ts, value });
        }
        batches.push(Batch {
            owner: Owner::unchecked(owner.to_owned()),
            device,
            points,
        });
    }
    if r.remaining() > 0 {
        return Err(RecordDecodeError::Trailing(r.remaining()));
    }
    Ok(batches)
}
