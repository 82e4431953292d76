//! Rows that repeat an earlier row of the same file: the same USCC and year again.
//!
//! Memory grows with the number of distinct (USCC, year) pairs and USCCs: 32 bytes an entry
//! (a packed 16-byte key, the first row and a fingerprint), plus the hash tables' spare
//! capacity, and while one grows its old and new tables both. Measured peak with
//! `examples/throughput` (`--file` against `--file-no-dedupe`, demo files): 138 MiB for 1m
//! rows, 237 MiB for 2m, so 120–145 bytes a row, the part of an import's memory that grows
//! with the file.
//! Records are not kept: only fingerprints, so a conflict names the earlier row, not the
//! field that differs.

use shangyun_registry::{AnnualFigures, Enterprise};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// What an earlier row says about this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// First time this USCC and year are seen.
    New,
    /// The same USCC and year, with exactly the same data, at `first_row`.
    Identical { first_row: usize },
    /// The same USCC and year, with different data, at `first_row`.
    Conflict { first_row: usize },
    /// The same USCC (another year) with other enterprise details at `first_row`.
    FirmConflict { first_row: usize },
}

#[derive(Clone, Copy)]
struct Seen {
    row: u32,
    fingerprint: u64,
}

#[derive(Default)]
pub(crate) struct Duplicates {
    /// (USCC, year) → the row that first gave them and a fingerprint of that row.
    years: HashMap<u128, Seen, BuildHasherDefault<KeyHasher>>,
    /// USCC → the row that first gave the enterprise and a fingerprint of its identity.
    firms: HashMap<u128, Seen, BuildHasherDefault<KeyHasher>>,
}

const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A normalised USCC in 90 bits (18 characters × 5 bits); `None` for anything else.
fn pack(uscc: &str) -> Option<u128> {
    let bytes = uscc.as_bytes();
    if bytes.len() != 18 {
        return None;
    }
    bytes.iter().try_fold(0u128, |acc, b| {
        let v = USCC_ALPHABET.iter().position(|a| a == b)?;
        Some(acc << 5 | v as u128)
    })
}

fn year_key(packed: u128, year: Option<i32>) -> u128 {
    let year_bits = year.map_or(0, |y| 0x1_0000 | u128::from(y as u16));
    packed << 17 | year_bits
}

/// Identity of the enterprise: what must agree between two years of the same USCC.
/// Contacts may change from one year's row to the next.
fn identity_fingerprint(e: &Enterprise) -> u64 {
    let mut h = Fingerprint::default();
    (
        &e.name,
        &e.registered_region,
        &e.operating_region,
        &e.industry,
        e.founded,
    )
        .hash(&mut h);
    h.finish()
}

fn row_fingerprint(identity: u64, e: &Enterprise, f: Option<&AnnualFigures>) -> u64 {
    let mut h = Fingerprint::default();
    identity.hash(&mut h);
    (&e.contact_name, &e.contact_phone, &e.contact_email).hash(&mut h);
    if let Some(f) = f {
        let floats = [
            f.revenue,
            f.main_business_revenue,
            f.assets,
            f.rd_spend,
            f.net_profit,
            f.debt_ratio,
            f.energy_kwh,
        ];
        for x in floats {
            x.map(f64::to_bits).hash(&mut h);
        }
        (
            f.employees,
            f.rd_staff,
            f.ip_class1,
            f.ip_class1_high_value,
            f.ip_class2,
        )
            .hash(&mut h);
    }
    h.finish()
}

impl Duplicates {
    /// Checks a valid row and, when it is new, remembers it.
    pub(crate) fn check(
        &mut self,
        row: usize,
        e: &Enterprise,
        f: Option<&AnnualFigures>,
    ) -> Verdict {
        let Some(packed) = pack(&e.uscc) else {
            return Verdict::New;
        };
        let row32 = u32::try_from(row).unwrap_or(u32::MAX);
        let key = year_key(packed, f.map(|f| f.year));
        let identity = identity_fingerprint(e);
        let whole = row_fingerprint(identity, e, f);
        if let Some(seen) = self.years.get(&key) {
            let first_row = seen.row as usize;
            return if seen.fingerprint == whole {
                Verdict::Identical { first_row }
            } else {
                Verdict::Conflict { first_row }
            };
        }
        if let Some(seen) = self.firms.get(&packed)
            && seen.fingerprint != identity
        {
            return Verdict::FirmConflict {
                first_row: seen.row as usize,
            };
        }
        self.firms.entry(packed).or_insert(Seen {
            row: row32,
            fingerprint: identity,
        });
        self.years.insert(
            key,
            Seen {
                row: row32,
                fingerprint: whole,
            },
        );
        Verdict::New
    }
}

/// A 64-bit fingerprint of a record, a word at a time (multiply–xorshift). Two different
/// rows get the same fingerprint with a chance of about 2⁻⁶⁴, which would make a conflict
/// pass as an identical repeat.
#[derive(Default)]
struct Fingerprint(u64);

impl Fingerprint {
    fn add(&mut self, word: u64) {
        let x = (self.0 ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

impl Hasher for Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n) | 0x100);
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    }
}

/// A quick hasher for the packed keys (they are already well spread; SipHash would cost more
/// than the rest of the duplicate check).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517C_C1B7_2722_0A95);
        }
    }

    fn write_u128(&mut self, v: u128) {
        // splitmix64 finaliser over the two halves.
        let mut x = (v as u64) ^ ((v >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.0 = x ^ (x >> 31);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(uscc: &str, name: &str) -> Enterprise {
        Enterprise {
            uscc: uscc.into(),
            name: name.into(),
            registered_region: "350102".into(),
            operating_region: None,
            industry: "3911".into(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        }
    }

    fn year(uscc: &str, year: i32, employees: i64) -> AnnualFigures {
        AnnualFigures {
            uscc: uscc.into(),
            year,
            employees: Some(employees),
            ..AnnualFigures::default()
        }
    }

    const A: &str = "91350100M000100Y43";
    const B: &str = "91110108551385082Q";

    #[test]
    fn packing_is_exact_and_refuses_other_text() {
        assert_ne!(pack(A), pack(B));
        assert!(pack(A).is_some());
        assert_eq!(pack("91350100M000100Y4"), None);
        assert_eq!(pack("91350100M000100Y4O"), None); // O is not in the alphabet
    }

    #[test]
    fn verdicts() {
        let mut d = Duplicates::default();
        let e = firm(A, "甲");
        assert_eq!(d.check(2, &e, Some(&year(A, 2024, 10))), Verdict::New);
        assert_eq!(
            d.check(3, &e, Some(&year(A, 2024, 10))),
            Verdict::Identical { first_row: 2 }
        );
        assert_eq!(
            d.check(4, &e, Some(&year(A, 2024, 11))),
            Verdict::Conflict { first_row: 2 }
        );
        assert_eq!(d.check(5, &e, Some(&year(A, 2023, 9))), Verdict::New);
        let renamed = firm(A, "乙");
        assert_eq!(
            d.check(6, &renamed, Some(&year(A, 2022, 9))),
            Verdict::FirmConflict { first_row: 2 }
        );
        let other = firm(B, "丙");
        assert_eq!(d.check(7, &other, Some(&year(B, 2024, 10))), Verdict::New);
        assert_eq!(d.check(8, &other, None), Verdict::New);
        assert_eq!(
            d.check(9, &other, None),
            Verdict::Identical { first_row: 8 }
        );
    }
}
