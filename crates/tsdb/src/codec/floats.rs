//! Float columns: exact decimals as scaled integers, everything else Gorilla XOR.

use super::bits::{BitReader, BitWriter};

/// Largest number of digits after the decimal point tried by [`decimal_exponent`].
pub const MAX_DECIMALS: u32 = 9;
const POW10: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const EXACT_INT_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53

/// `v * 10^e` as an integer if dividing it back by `10^e` gives `v` bit for bit.
pub fn scaled(v: f64, e: u32) -> Option<i64> {
    let scale = *POW10.get(e as usize)?;
    let m = (v * scale).round();
    // NaN fails this comparison too.
    if m.abs() >= EXACT_INT_LIMIT || m.is_nan() {
        return None;
    }
    let i = m as i64;
    ((i as f64 / scale).to_bits() == v.to_bits()).then_some(i)
}

/// The value back from its scaled integer.
pub fn unscaled(i: i64, e: u32) -> Option<f64> {
    Some(i as f64 / *POW10.get(e as usize)?)
}

/// The fewest decimals `e` such that every value is exactly `integer / 10^e` (with the
/// integer below 2^53), or `None`.
///
/// Division by an exact power of ten rounds correctly, so a value parsed from `12345.67`
/// comes back as the same double from `1234567 / 100`.
pub fn decimal_exponent(values: &[f64]) -> Option<u32> {
    (0..=MAX_DECIMALS).find(|&e| values.iter().all(|&v| scaled(v, e).is_some()))
}

/// Gorilla XOR encoding (Pelkonen et al., VLDB 2015) of a non-empty column.
pub fn gorilla_encode(values: &[f64]) -> Vec<u8> {
    let mut w = BitWriter::new();
    let Some((&first, rest)) = values.split_first() else {
        return w.finish();
    };
    w.write(first.to_bits(), 64);
    let mut prev = first.to_bits();
    let mut window: Option<(u32, u32)> = None;
    for v in rest {
        let bits = v.to_bits();
        let x = bits ^ prev;
        prev = bits;
        if x == 0 {
            w.write(0, 1);
            continue;
        }
        w.write(1, 1);
        let lead = x.leading_zeros().min(31);
        let trail = x.trailing_zeros();
        match window {
            Some((pl, pt)) if lead >= pl && trail >= pt => {
                w.write(0, 1);
                w.write(x >> pt, 64 - pl - pt);
            }
            _ => {
                let sig = 64 - lead - trail;
                w.write(1, 1);
                w.write(u64::from(lead), 5);
                w.write(u64::from(sig - 1), 6);
                w.write(x >> trail, sig);
                window = Some((lead, trail));
            }
        }
    }
    w.finish()
}

/// Decodes `n` Gorilla-encoded floats. `None` on malformed input.
pub fn gorilla_decode(bytes: &[u8], n: usize) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity(n.min(1 << 16));
    if n == 0 {
        return Some(out);
    }
    let mut r = BitReader::new(bytes);
    let mut prev = r.read(64)?;
    out.push(f64::from_bits(prev));
    let mut window: Option<(u32, u32)> = None;
    for _ in 1..n {
        if r.bit()? {
            let (lead, trail) = if r.bit()? {
                let lead = u32::try_from(r.read(5)?).ok()?;
                let sig = u32::try_from(r.read(6)?).ok()? + 1;
                let trail = 64u32.checked_sub(lead + sig)?;
                window = Some((lead, trail));
                (lead, trail)
            } else {
                window?
            };
            let x = r.read(64 - lead - trail)? << trail;
            prev ^= x;
        }
        out.push(f64::from_bits(prev));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_found_and_exact() {
        assert_eq!(decimal_exponent(&[12345.67, 12345.68, 0.0]), Some(2));
        assert_eq!(decimal_exponent(&[21.3, 21.4]), Some(1));
        assert_eq!(decimal_exponent(&[0.0, 1.0]), Some(0));
        assert_eq!(decimal_exponent(&[0.1 + 0.2]), None);
        assert_eq!(decimal_exponent(&[-0.0]), None); // -0.0 must keep its sign: Gorilla
        assert_eq!(decimal_exponent(&[1e300]), None);
        assert_eq!(decimal_exponent(&[0.123_456_789]), Some(9));
        assert_eq!(decimal_exponent(&[0.123_456_789_1]), None);
        for v in [12345.67, -3.25, 1e-9, 9e15] {
            let e = decimal_exponent(&[v]).expect("decimal");
            let i = scaled(v, e).expect("scales");
            assert_eq!(unscaled(i, e).map(f64::to_bits), Some(v.to_bits()));
        }
    }

    #[test]
    fn gorilla_round_trips_bit_exact() {
        let values = [
            1.5,
            1.5,
            -0.0,
            f64::MIN_POSITIVE,
            f64::MAX,
            0.1 + 0.2,
            3.0,
            3.000_000_1,
        ];
        let bytes = gorilla_encode(&values);
        let back = gorilla_decode(&bytes, values.len()).expect("decodes");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&values));
        assert_eq!(gorilla_decode(&bytes[..4], values.len()), None);
    }
}
