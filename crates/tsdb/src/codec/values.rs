//! A block's value column: one codec per block, chosen from the values.

use super::bits::{BitReader, BitWriter};
use super::floats::{decimal_exponent, gorilla_decode, gorilla_encode, scaled, unscaled};
use super::packed::{pack, pack_signed, unpack, unpack_signed};
use crate::bytes::{Reader, put_bytes, put_ivarint};
use crate::model::Value;

/// The codec of a value column, stored as its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ColumnCodec {
    /// Floats that are exact decimals: scaled integers, packed deltas.
    Decimal = 0,
    /// Other floats: Gorilla XOR.
    Gorilla = 1,
    /// Integers: packed deltas.
    Int = 2,
    /// Booleans: packed changes.
    Bool = 3,
    /// Text: length-prefixed.
    Text = 4,
    /// Kinds mixed within the block: tagged plain values.
    Mixed = 5,
}

/// Appends the column for `values`; returns the codec chosen.
pub fn encode(values: &[Value], out: &mut Vec<u8>) -> ColumnCodec {
    if let Some(floats) = collect(values, |v| match v {
        Value::F64(f) => Some(*f),
        _ => None,
    }) {
        if let Some(e) = decimal_exponent(&floats) {
            let ints: Vec<i64> = floats.iter().map(|&f| scaled(f, e).unwrap_or(0)).collect();
            out.push(ColumnCodec::Decimal as u8);
            out.push(e as u8);
            encode_ints(&ints, out);
            return ColumnCodec::Decimal;
        }
        out.push(ColumnCodec::Gorilla as u8);
        put_bytes(out, &gorilla_encode(&floats));
        return ColumnCodec::Gorilla;
    }
    if let Some(ints) = collect(values, |v| match v {
        Value::I64(i) => Some(*i),
        _ => None,
    }) {
        out.push(ColumnCodec::Int as u8);
        encode_ints(&ints, out);
        return ColumnCodec::Int;
    }
    if let Some(bools) = collect(values, |v| match v {
        Value::Bool(b) => Some(u64::from(*b)),
        _ => None,
    }) {
        out.push(ColumnCodec::Bool as u8);
        let mut prev = 0;
        let changes: Vec<u64> = bools
            .iter()
            .map(|&b| {
                let c = b ^ prev;
                prev = b;
                c
            })
            .collect();
        let mut w = BitWriter::new();
        pack(&changes, &mut w);
        put_bytes(out, &w.finish());
        return ColumnCodec::Bool;
    }
    if values.iter().all(|v| matches!(v, Value::Str(_))) {
        out.push(ColumnCodec::Text as u8);
        for v in values {
            if let Value::Str(s) = v {
                put_bytes(out, s.as_bytes());
            }
        }
        return ColumnCodec::Text;
    }
    out.push(ColumnCodec::Mixed as u8);
    for v in values {
        match v {
            Value::F64(f) => {
                out.push(0);
                out.extend_from_slice(&f.to_le_bytes());
            }
            Value::I64(i) => {
                out.push(1);
                put_ivarint(out, *i);
            }
            Value::Bool(b) => out.push(2 + u8::from(*b)),
            Value::Str(s) => {
                out.push(4);
                put_bytes(out, s.as_bytes());
            }
        }
    }
    ColumnCodec::Mixed
}

fn collect<T>(values: &[Value], f: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    values.iter().map(f).collect()
}

fn encode_ints(ints: &[i64], out: &mut Vec<u8>) {
    let Some((&first, _)) = ints.split_first() else {
        return;
    };
    put_ivarint(out, first);
    let deltas: Vec<i64> = ints.windows(2).map(|w| w[1].wrapping_sub(w[0])).collect();
    let mut w = BitWriter::new();
    pack_signed(&deltas, &mut w);
    put_bytes(out, &w.finish());
}

fn decode_ints(r: &mut Reader<'_>, n: usize) -> Option<Vec<i64>> {
    let mut out = Vec::with_capacity(n.min(1 << 16));
    if n == 0 {
        return Some(out);
    }
    let mut cur = r.ivarint()?;
    out.push(cur);
    let packed = r.bytes()?;
    let mut deltas = Vec::with_capacity(n - 1);
    unpack_signed(&mut BitReader::new(packed), n - 1, &mut deltas)?;
    for d in deltas {
        cur = cur.wrapping_add(d);
        out.push(cur);
    }
    Some(out)
}

/// Decodes a column of `n` values. `None` on malformed input; never panics.
pub fn decode(r: &mut Reader<'_>, n: usize) -> Option<Vec<Value>> {
    let codec = r.u8()?;
    let values = match codec {
        0 => {
            let e = u32::from(r.u8()?);
            decode_ints(r, n)?
                .into_iter()
                .map(|i| unscaled(i, e).map(Value::F64))
                .collect::<Option<Vec<_>>>()?
        }
        1 => gorilla_decode(r.bytes()?, n)?
            .into_iter()
            .map(Value::F64)
            .collect(),
        2 => decode_ints(r, n)?.into_iter().map(Value::I64).collect(),
        3 => {
            let mut changes = Vec::with_capacity(n.min(1 << 16));
            unpack(&mut BitReader::new(r.bytes()?), n, &mut changes)?;
            let mut cur = 0;
            let mut out = Vec::with_capacity(changes.len());
            for c in changes {
                if c > 1 {
                    return None;
                }
                cur ^= c;
                out.push(Value::Bool(cur == 1));
            }
            out
        }
        4 => (0..n)
            .map(|_| r.str().map(|s| Value::Str(s.to_owned())))
            .collect::<Option<Vec<_>>>()?,
        5 => (0..n)
            .map(|_| match r.u8()? {
                0 => Some(Value::F64(f64::from_bits(r.u64_le()?))),
                1 => Some(Value::I64(r.ivarint()?)),
                2 => Some(Value::Bool(false)),
                3 => Some(Value::Bool(true)),
                4 => Some(Value::Str(r.str()?.to_owned())),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(values: &[Value], want: ColumnCodec) -> usize {
        let mut out = Vec::new();
        assert_eq!(encode(values, &mut out), want);
        let back = decode(&mut Reader::new(&out), values.len()).expect("decodes");
        assert_eq!(back.len(), values.len());
        for (a, b) in back.iter().zip(values) {
            assert!(a.same_bits(b), "{a:?} != {b:?}");
        }
        out.len()
    }

    #[test]
    fn each_codec_round_trips() {
        let kwh: Vec<Value> = (0..1000)
            .map(|i| Value::F64(12345.67 + f64::from(i / 4) * 0.01))
            .collect();
        let rounded: Vec<Value> = kwh
            .iter()
            .map(|v| match v {
                Value::F64(f) => Value::F64((f * 100.0).round() / 100.0),
                other => other.clone(),
            })
            .collect();
        let size = round_trip(&rounded, ColumnCodec::Decimal);
        // One bit per delta (0 or 1) plus 14 header bits per group of 128 and a few bytes.
        assert!(
            size <= 1000 / 8 + 8 * 14 / 8 + 10,
            "{size} bytes for 1000 slowly rising kWh values"
        );
        round_trip(
            &[Value::F64(0.1 + 0.2), Value::F64(-0.0)],
            ColumnCodec::Gorilla,
        );
        round_trip(
            &[Value::I64(i64::MIN), Value::I64(i64::MAX), Value::I64(0)],
            ColumnCodec::Int,
        );
        round_trip(
            &[Value::Bool(true), Value::Bool(true), Value::Bool(false)],
            ColumnCodec::Bool,
        );
        round_trip(
            &[Value::Str("开".into()), Value::Str(String::new())],
            ColumnCodec::Text,
        );
        round_trip(
            &[
                Value::I64(21),
                Value::F64(21.5),
                Value::Bool(true),
                Value::Str("x".into()),
            ],
            ColumnCodec::Mixed,
        );
    }
}
