//! Integers bit-packed in groups of 128, each group at the width of its largest member
//! (a 7-bit width, then the values). A group of zeros costs 7 bits. Signed groups first
//! subtract the group's minimum (frame of reference), so deltas of 0 and 1 take one bit
//! where zigzag would take two.

use super::bits::{BitReader, BitWriter};
use crate::bytes::{unzigzag, zigzag};

const GROUP: usize = 128;

/// Packs `values` into `w`.
pub fn pack(values: &[u64], w: &mut BitWriter) {
    for group in values.chunks(GROUP) {
        let or = group.iter().fold(0u64, |a, v| a | v);
        let width = 64 - or.leading_zeros();
        w.write(u64::from(width), 7);
        for v in group {
            w.write(*v, width);
        }
    }
}

/// Unpacks `n` values. `None` on short or malformed input.
pub fn unpack(r: &mut BitReader<'_>, n: usize, out: &mut Vec<u64>) -> Option<()> {
    let mut left = n;
    while left > 0 {
        let take = left.min(GROUP);
        let width = u32::try_from(r.read(7)?).ok()?;
        if width > 64 {
            return None;
        }
        for _ in 0..take {
            out.push(r.read(width)?);
        }
        left -= take;
    }
    Some(())
}

fn width_of(v: u64) -> u32 {
    64 - v.leading_zeros()
}

/// Packs signed `values`: per group, its minimum (zigzag, with a 7-bit width) and the
/// offsets from it.
pub fn pack_signed(values: &[i64], w: &mut BitWriter) {
    for group in values.chunks(GROUP) {
        let min = group.iter().copied().min().unwrap_or(0);
        let zmin = zigzag(min);
        w.write(u64::from(width_of(zmin)), 7);
        w.write(zmin, width_of(zmin));
        let or = group
            .iter()
            .fold(0u64, |a, v| a | (v.wrapping_sub(min) as u64));
        let width = width_of(or);
        w.write(u64::from(width), 7);
        for v in group {
            w.write(v.wrapping_sub(min) as u64, width);
        }
    }
}

/// Unpacks `n` signed values written by [`pack_signed`].
pub fn unpack_signed(r: &mut BitReader<'_>, n: usize, out: &mut Vec<i64>) -> Option<()> {
    let mut left = n;
    while left > 0 {
        let take = left.min(GROUP);
        let min_width = u32::try_from(r.read(7)?).ok()?;
        let min = unzigzag(r.read(min_width)?);
        let width = u32::try_from(r.read(7)?).ok()?;
        if width > 64 {
            return None;
        }
        for _ in 0..take {
            out.push(min.wrapping_add(r.read(width)? as i64));
        }
        left -= take;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_zero_groups_are_tiny() {
        let values: Vec<u64> = (0..300)
            .map(|i| if i == 200 { u64::MAX } else { 0 })
            .collect();
        let mut w = BitWriter::new();
        pack(&values, &mut w);
        let bytes = w.finish();
        // Groups 1 and 3 are zeros (7 bits each); group 2 holds u64::MAX at 64 bits each.
        assert_eq!(bytes.len(), (7 + 7 + 128 * 64 + 7usize).div_ceil(8));
        let mut out = Vec::new();
        unpack(&mut BitReader::new(&bytes), values.len(), &mut out).expect("decodes");
        assert_eq!(out, values);
    }

    #[test]
    fn signed_round_trip_and_frame_of_reference() {
        let values: Vec<i64> = (0..256)
            .map(|i| i64::from(i % 2))
            .chain([i64::MIN, i64::MAX, -5])
            .collect();
        let mut w = BitWriter::new();
        pack_signed(&values, &mut w);
        let bytes = w.finish();
        let mut out = Vec::new();
        unpack_signed(&mut BitReader::new(&bytes), values.len(), &mut out).expect("decodes");
        assert_eq!(out, values);
        let mut w = BitWriter::new();
        pack_signed(&[0, 1, 1, 0], &mut w);
        // width 0 for the minimum 0, width 1, four 1-bit offsets
        assert_eq!(w.finish().len(), (7 + 7 + 4usize).div_ceil(8));
    }
}
