//! One enterprise's listing keys as the index stores them: the USCC as 18 bytes, and region,
//! industry, size class and tier flags packed into one `u64`, so that a walk tests every
//! condition but the name with one load.

/// A USCC, zero-padded to 18 bytes. Zero sorts below every letter and digit, so byte order of
/// the padded form is byte order of the text.
pub(crate) type UsccBytes = [u8; 18];

/// `None` unless 1 to 18 digits or capital letters. (USCCs are; and only for these is byte
/// order the order of every database collation, which PostgreSQL applies to the USCC.)
pub(crate) fn pack_uscc(text: &str) -> Option<UsccBytes> {
    let bytes = text.as_bytes();
    let usual = |b: &u8| b.is_ascii_digit() || b.is_ascii_uppercase();
    if bytes.is_empty() || bytes.len() > 18 || !bytes.iter().all(usual) {
        return None;
    }
    let mut out = [0u8; 18];
    out[..bytes.len()].copy_from_slice(bytes);
    Some(out)
}

pub(crate) fn uscc_text(bytes: &UsccBytes) -> String {
    bytes
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| char::from(*b))
        .collect()
}

/// A set of the three tiers (innovative, specialized, little giant), one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tiers(u8);

impl Tiers {
    pub const NONE: Tiers = Tiers(0);
    pub const INNOVATIVE: Tiers = Tiers(1);
    pub const SPECIALIZED: Tiers = Tiers(2);
    pub const LITTLE_GIANT: Tiers = Tiers(4);

    pub fn with(self, other: Tiers) -> Tiers {
        Tiers(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn bits(self) -> u64 {
        u64::from(self.0)
    }
}

/// The stored size class of the latest year: `large`, `medium`, `small`, `micro`; any other
/// text (or none) matches no size filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SizeClass(u8);

impl SizeClass {
    pub const NONE: SizeClass = SizeClass(0);
    const NAMES: [&'static str; 4] = ["large", "medium", "small", "micro"];

    pub fn from_stored(text: Option<&str>) -> SizeClass {
        let code = text
            .and_then(|t| Self::NAMES.iter().position(|n| *n == t))
            .map_or(0, |i| i + 1);
        SizeClass(u8::try_from(code).unwrap_or(0))
    }

    pub(crate) fn code(self) -> u64 {
        u64::from(self.0)
    }
}

/// What the listing filters read from an enterprise's latest year of derived values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latest {
    pub size_class: SizeClass,
    /// Tiers whose summary outcome is `eligible`.
    pub eligible: Tiers,
    /// Tiers whose summary outcome is `eligible` or `not-enough-data`.
    pub candidate: Tiers,
}

/// One enterprise as the listing sees it (what a write hands the index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing<'a> {
    pub uscc: &'a str,
    pub name: &'a str,
    /// Registered region, a 6-digit GB/T 2260 code.
    pub region: &'a str,
    /// GB/T 4754 code, 2 to 4 digits without the section letter.
    pub industry: &'a str,
    /// `None`: no derived row for the latest year.
    pub latest: Option<Latest>,
}

// Layout of the packed keys.
const REGION_MASK: u64 = (1 << 20) - 1;
const INDUSTRY_SHIFT: u32 = 20;
const SIZE_SHIFT: u32 = 36;
const ELIGIBLE_SHIFT: u32 = 39;
const CANDIDATE_SHIFT: u32 = 42;
pub(crate) const DEAD: u64 = 1 << 45;

/// An industry code as 14 bits of value (digits right-padded with zeros to four) and 2 bits of
/// length - 1, so a prefix test is a range test plus a length test.
pub(crate) fn pack_industry(code: &str) -> Option<u64> {
    if !(1..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value = 0u64;
    for b in code.bytes() {
        value = value * 10 + u64::from(b - b'0');
    }
    for _ in code.len()..4 {
        value *= 10;
    }
    Some(value | ((code.len() as u64 - 1) << 14))
}

/// A 6-digit region code as its number.
pub(crate) fn pack_region(code: &str) -> Option<u64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    code.parse().ok()
}

/// The packed keys of `listing`, `None` when it cannot be represented (the index then declines
/// every query until that enterprise is fixed; the registry's validation makes that rare).
pub(crate) fn pack(listing: &Listing<'_>) -> Option<(UsccBytes, u64)> {
    let uscc = pack_uscc(listing.uscc)?;
    let region = pack_region(listing.region)?;
    let industry = pack_industry(listing.industry)?;
    if u32::try_from(listing.name.len()).is_err() {
        return None;
    }
    let latest = listing.latest.unwrap_or_default();
    let packed = region
        | (industry << INDUSTRY_SHIFT)
        | (latest.size_class.code() << SIZE_SHIFT)
        | (latest.eligible.bits() << ELIGIBLE_SHIFT)
        | (latest.candidate.bits() << CANDIDATE_SHIFT);
    Some((uscc, packed))
}

pub(crate) fn region_of(packed: u64) -> u32 {
    (packed & REGION_MASK) as u32
}

pub(crate) fn industry_of(packed: u64) -> (u32, u32) {
    let raw = (packed >> INDUSTRY_SHIFT) & 0xffff;
    ((raw & 0x3fff) as u32, (raw >> 14) as u32 + 1)
}

pub(crate) fn size_of(packed: u64) -> u64 {
    (packed >> SIZE_SHIFT) & 7
}

pub(crate) fn eligible_of(packed: u64) -> u64 {
    (packed >> ELIGIBLE_SHIFT) & 7
}

pub(crate) fn candidate_of(packed: u64) -> u64 {
    (packed >> CANDIDATE_SHIFT) & 7
}

/// A 64-bit signature of a name's characters (one bit per character, hashed): a name can hold
/// a fragment only if its signature covers the fragment's, which rules out most names before
/// the substring search.
pub(crate) fn signature(text: &str) -> u64 {
    text.chars().fold(0, |sig, c| {
        sig | 1 << (u32::from(c).wrapping_mul(0x9E37_79B1) >> 26)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips() {
        let listing = Listing {
            uscc: "91330106MA27XK7R3B",
            name: "杭州示例科技有限公司",
            region: "330106",
            industry: "651",
            latest: Some(Latest {
                size_class: SizeClass::from_stored(Some("micro")),
                eligible: Tiers::SPECIALIZED,
                candidate: Tiers::SPECIALIZED.with(Tiers::INNOVATIVE),
            }),
        };
        let (uscc, packed) = pack(&listing).expect("packs");
        assert_eq!(uscc_text(&uscc), listing.uscc);
        assert_eq!(region_of(packed), 330_106);
        assert_eq!(industry_of(packed), (6510, 3));
        assert_eq!(size_of(packed), 4);
        assert_eq!(eligible_of(packed), 2);
        assert_eq!(candidate_of(packed), 3);
        assert_eq!(packed & DEAD, 0);
    }

    #[test]
    fn unrepresentable_keys_are_refused() {
        let ok = Listing {
            uscc: "A1",
            name: "x",
            region: "110101",
            industry: "65",
            latest: None,
        };
        assert!(pack(&ok).is_some());
        for bad in [
            Listing { uscc: "", ..ok },
            Listing { uscc: "A-1", ..ok },
            Listing { uscc: "a1", ..ok },
            Listing {
                uscc: "1234567890123456789",
                ..ok
            },
            Listing {
                region: "11010",
                ..ok
            },
            Listing {
                region: "11010x",
                ..ok
            },
            Listing { industry: "", ..ok },
            Listing {
                industry: "65111",
                ..ok
            },
            Listing {
                industry: "I65",
                ..ok
            },
        ] {
            assert!(pack(&bad).is_none(), "{bad:?}");
        }
        assert_eq!(SizeClass::from_stored(Some("tiny")), SizeClass::NONE);
    }

    #[test]
    fn padded_usccs_sort_like_text() {
        let mut texts = ["A", "A0", "9Z", "B", "AA", "0"];
        let mut packed: Vec<UsccBytes> = texts.iter().filter_map(|t| pack_uscc(t)).collect();
        texts.sort_unstable();
        packed.sort_unstable();
        let back: Vec<String> = packed.iter().map(uscc_text).collect();
        assert_eq!(back, texts);
    }

    #[test]
    fn signatures_cover_substrings() {
        let name = signature("杭州华创科技有限公司");
        let part = signature("华创科");
        assert_eq!(name & part, part);
    }
}
