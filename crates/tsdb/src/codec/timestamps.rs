//! Timestamps: first value, first delta, then delta-of-deltas packed.

use super::bits::{BitReader, BitWriter};
use super::packed::{pack_signed, unpack_signed};
use crate::bytes::{Reader, put_bytes, put_ivarint};

/// Appends the encoding of `ts` (its length is stored by the caller).
pub fn encode(ts: &[i64], out: &mut Vec<u8>) {
    let Some(&first) = ts.first() else {
        return;
    };
    put_ivarint(out, first);
    let Some(&second) = ts.get(1) else {
        return;
    };
    let mut prev_delta = second.wrapping_sub(first);
    put_ivarint(out, prev_delta);
    let dods: Vec<i64> = ts
        .windows(2)
        .skip(1)
        .map(|w| {
            let delta = w[1].wrapping_sub(w[0]);
            let dod = delta.wrapping_sub(prev_delta);
            prev_delta = delta;
            dod
        })
        .collect();
    let mut w = BitWriter::new();
    pack_signed(&dods, &mut w);
    put_bytes(out, &w.finish());
}

/// Decodes `n` timestamps. `None` on malformed input.
pub fn decode(r: &mut Reader<'_>, n: usize) -> Option<Vec<i64>> {
    let mut ts = Vec::with_capacity(n.min(1 << 16));
    if n == 0 {
        return Some(ts);
    }
    let first = r.ivarint()?;
    ts.push(first);
    if n == 1 {
        return Some(ts);
    }
    let mut delta = r.ivarint()?;
    let mut cur = first.wrapping_add(delta);
    ts.push(cur);
    let packed = r.bytes()?;
    let mut dods = Vec::with_capacity(n - 2);
    unpack_signed(&mut BitReader::new(packed), n - 2, &mut dods)?;
    for dod in dods {
        delta = delta.wrapping_add(dod);
        cur = cur.wrapping_add(delta);
        ts.push(cur);
    }
    Some(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(ts: &[i64]) -> usize {
        let mut out = Vec::new();
        encode(ts, &mut out);
        assert_eq!(
            decode(&mut Reader::new(&out), ts.len()).as_deref(),
            Some(ts)
        );
        out.len()
    }

    #[test]
    fn regular_and_irregular() {
        assert_eq!(round_trip(&[]), 0);
        round_trip(&[5]);
        round_trip(&[5, 3]);
        round_trip(&[0, i64::MAX, i64::MIN, 7]);
        let regular: Vec<i64> = (0..1000).map(|i| 1_700_000_000_000 + i * 1000).collect();
        // 6-byte first value, 2-byte delta, 1 length byte, 8 groups of 14 header bits.
        assert_eq!(round_trip(&regular), 6 + 2 + 1 + 14);
    }
}
