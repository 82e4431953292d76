//! One page of a listing: pick the order whose range covers the region, find the cursor by
//! binary search, walk testing the packed keys first and the name last.

use crate::index::{BLOCK, ListingIndex, OrderKind};
use crate::keys::{self, SizeClass, Tiers, UsccBytes};
use memchr::memmem::Finder;
use std::cmp::Ordering;

/// What a page is sorted by; the USCC breaks ties (and is the whole key for `Uscc`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Uscc,
    /// Name bytes (UTF-8, code-point order).
    Name,
    /// Registered region code.
    Region,
}

/// The position after the previous page's last row: its sort value (the name or the region
/// code; ignored for `Uscc`) and its USCC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub value: String,
    pub uscc: String,
}

/// A page request. Empty lists and `None` mean no condition; all conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// A region subtree by its code's leading digits: 2 (province), 4 (city) or 6 (county).
    pub region: Option<String>,
    /// Industry code prefixes of 2 to 4 digits; any of them.
    pub industries: Vec<String>,
    /// Latest size class any of these.
    pub size_classes: Vec<SizeClass>,
    /// Latest year eligible for any of these tiers.
    pub eligible_for: Tiers,
    /// Latest year a candidate (eligible or not enough data) for any of these.
    pub candidate_for: Tiers,
    /// The name contains this (byte substring); `None` or empty: no condition.
    pub name_contains: Option<String>,
    pub sort: SortBy,
    pub descending: bool,
    pub after: Option<After>,
    pub limit: usize,
}

/// The conditions of a query, compiled to compares on packed keys.
struct Conditions<'q> {
    /// Region code range `[lo, hi)`.
    region: Option<(u32, u32)>,
    /// Industry value range and least code length, per prefix.
    industries: Vec<(u32, u32, u32)>,
    /// Bit per size code allowed (0 = any).
    sizes: u64,
    eligible: u64,
    candidate: u64,
    name: Option<(Finder<'q>, u64)>,
}

impl Conditions<'_> {
    /// Whether a block whose summary is `bits` may hold a match (false: skip it).
    fn block_may_hold(&self, bits: u16) -> bool {
        let bits = u64::from(bits);
        (self.eligible == 0 || bits & self.eligible != 0)
            && (self.candidate == 0 || (bits >> 3) & self.candidate != 0)
            && (self.sizes == 0 || (bits >> 6) & self.sizes != 0)
    }

    /// Whether block summaries can rule anything out.
    fn uses_summaries(&self) -> bool {
        self.eligible != 0 || self.candidate != 0 || self.sizes != 0
    }

    fn hold(&self, index: &ListingIndex, slot: u32) -> bool {
        let k = index.keys[slot as usize];
        let p = k.packed;
        if p & keys::DEAD != 0
            || (self.sizes != 0 && (self.sizes >> keys::size_of(p)) & 1 == 0)
            || (self.eligible != 0 && keys::eligible_of(p) & self.eligible == 0)
            || (self.candidate != 0 && keys::candidate_of(p) & self.candidate == 0)
        {
            return false;
        }
        if let Some((lo, hi)) = self.region {
            let r = keys::region_of(p);
            if r < lo || r >= hi {
                return false;
            }
        }
        if !self.industries.is_empty() {
            let (value, len) = keys::industry_of(p);
            if !self
                .industries
                .iter()
                .any(|(lo, hi, least)| len >= *least && value >= *lo && value < *hi)
            {
                return false;
            }
        }
        match &self.name {
            None => true,
            Some((finder, signature)) => {
                k.signature & signature == *signature && finder.find(index.name(slot)).is_some()
            }
        }
    }
}

/// The cursor as the index compares it.
struct Probe<'q> {
    value: &'q [u8],
    uscc: UsccBytes,
}

impl ListingIndex {
    /// The USCCs of one page: the first `limit` enterprises in the query's order after its
    /// cursor that meet every condition. `None` when the index cannot answer (it holds keys it
    /// cannot represent, or the query has a malformed region, industry or cursor) — ask the
    /// database then.
    pub fn query(&self, query: &Query) -> Option<Vec<String>> {
        if !self.covers_everything() {
            return None;
        }
        let region = match query.region.as_deref() {
            None => None,
            Some(prefix) => Some(region_range(prefix)?),
        };
        let mut industries = Vec::with_capacity(query.industries.len());
        for prefix in &query.industries {
            industries.push(industry_range(prefix)?);
        }
        let needle = query.name_contains.as_deref().filter(|n| !n.is_empty());
        let conditions = Conditions {
            region: region.map(|(lo, hi, _)| (lo, hi)),
            industries,
            sizes: query
                .size_classes
                .iter()
                .filter(|s| **s != SizeClass::NONE)
                .fold(0, |m, s| m | 1 << s.code()),
            eligible: query.eligible_for.bits(),
            candidate: query.candidate_for.bits(),
            name: needle.map(|n| (Finder::new(n.as_bytes()), keys::signature(n))),
        };
        if !query.size_classes.is_empty() && conditions.sizes == 0 {
            return Some(Vec::new());
        }
        let probe = match &query.after {
            None => None,
            Some(after) => Some(Probe {
                value: after.value.as_bytes(),
                uscc: keys::pack_uscc(&after.uscc)?,
            }),
        };
        let kind = match (query.sort, region) {
            (SortBy::Region, _) => OrderKind::Region,
            (SortBy::Uscc, None) => OrderKind::Uscc,
            (SortBy::Name, None) => OrderKind::Name,
            // A county in region order is the county in USCC order.
            (SortBy::Uscc, Some((_, _, 6))) => OrderKind::Region,
            (SortBy::Uscc, Some(_)) => OrderKind::ProvinceUscc,
            (SortBy::Name, Some(_)) => OrderKind::ProvinceName,
        };
        let order = &self.orders[kind as usize];
        let mut walks = [order.run.as_slice(), order.pending.as_slice()]
            .map(|slots| self.window(slots, kind, region, query, probe.as_ref()));
        if conditions.uses_summaries() {
            walks[0].summary = Some(&order.summary);
        }
        let limit = query.limit.max(1);
        // A city or county listed by USCC or name walks its province. Past as many steps
        // as the city or county holds, the conditions are rare there: its own rows (a range
        // of the region order) are tested instead and the matches sorted, so the walk never
        // costs more than twice the city or county, whatever the province.
        let within = match (kind, region) {
            (OrderKind::ProvinceUscc | OrderKind::ProvinceName, Some((lo, hi, len))) if len > 2 => {
                Some((lo, hi))
            }
            _ => None,
        };
        let mut budget = within.map_or(usize::MAX, |(lo, hi)| self.region_size(lo, hi));
        let mut out = Vec::with_capacity(limit.min(1024));
        while out.len() < limit {
            if budget == 0
                && let Some((lo, hi)) = within
            {
                return Some(self.gather(lo, hi, &conditions, query, probe.as_ref(), limit));
            }
            budget = budget.saturating_sub(1);
            walks[0].skip_blocks(|bits| conditions.block_may_hold(bits));
            let next = match (walks[0].first(), walks[1].first()) {
                (None, None) => break,
                (Some(_), None) => 0,
                (None, Some(_)) => 1,
                (Some(a), Some(b)) => {
                    let a_first = (self.cmp(kind, *a, *b) == Ordering::Less) != query.descending;
                    usize::from(!a_first)
                }
            };
            let slot = walks[next].first().copied().unwrap_or_default();
            walks[next].advance();
            if conditions.hold(self, slot) {
                out.push(keys::uscc_text(&self.uscc[slot as usize]));
            }
        }
        Some(out)
    }

    /// Positions of the region order in codes `[lo, hi)`.
    fn region_size(&self, lo: u32, hi: u32) -> usize {
        let order = &self.orders[OrderKind::Region as usize];
        [&order.run, &order.pending]
            .iter()
            .map(|slots| {
                slots.partition_point(|s| self.region(*s) < hi)
                    - slots.partition_point(|s| self.region(*s) < lo)
            })
            .sum()
    }

    /// The page from the region codes `[lo, hi)` alone: every row there tested, the matches
    /// after the cursor sorted by the query's key.
    fn gather(
        &self,
        lo: u32,
        hi: u32,
        conditions: &Conditions<'_>,
        query: &Query,
        probe: Option<&Probe<'_>>,
        limit: usize,
    ) -> Vec<String> {
        let order = &self.orders[OrderKind::Region as usize];
        let after = |slot: u32| match probe {
            None => true,
            Some(p) => {
                let side = self.cmp_probe(query.sort, slot, p);
                if query.descending {
                    side == Ordering::Less
                } else {
                    side == Ordering::Greater
                }
            }
        };
        let mut hits = Vec::new();
        for slots in [&order.run, &order.pending] {
            let a = slots.partition_point(|s| self.region(*s) < lo);
            let b = slots.partition_point(|s| self.region(*s) < hi);
            hits.extend(
                slots[a..b]
                    .iter()
                    .copied()
                    .filter(|s| conditions.hold(self, *s) && after(*s)),
            );
        }
        let kind = match query.sort {
            SortBy::Name => OrderKind::Name,
            SortBy::Uscc | SortBy::Region => OrderKind::Uscc,
        };
        hits.sort_unstable_by(|a, b| {
            let order = self.cmp(kind, *a, *b);
            if query.descending {
                order.reverse()
            } else {
                order
            }
        });
        hits.iter()
            .take(limit)
            .map(|s| keys::uscc_text(&self.uscc[*s as usize]))
            .collect()
    }

    /// The part of `slots` (sorted by `kind`) inside the region's range and after the cursor,
    /// as a walk in the query's direction.
    fn window<'s>(
        &self,
        slots: &'s [u32],
        kind: OrderKind,
        region: Option<(u32, u32, usize)>,
        query: &Query,
        probe: Option<&Probe<'_>>,
    ) -> Walk<'s> {
        let (mut lo, mut hi) = (0, slots.len());
        if let Some((first, end, _)) = region {
            match kind {
                OrderKind::Region => {
                    lo = slots.partition_point(|s| self.region(*s) < first);
                    hi = slots.partition_point(|s| self.region(*s) < end);
                }
                OrderKind::ProvinceUscc | OrderKind::ProvinceName => {
                    let province = first / 10_000;
                    lo = slots.partition_point(|s| self.province(*s) < province);
                    hi = slots.partition_point(|s| self.province(*s) <= province);
                }
                OrderKind::Uscc | OrderKind::Name => {}
            }
        }
        let range = &slots[lo..hi];
        let Some(probe) = probe else {
            return Walk {
                slots: range,
                descending: query.descending,
                base: lo,
                summary: None,
            };
        };
        // Inside the range the slots are in the sort key's order.
        let sort = query.sort;
        if query.descending {
            let end = range.partition_point(|s| self.cmp_probe(sort, *s, probe) == Ordering::Less);
            Walk {
                slots: &range[..end],
                descending: true,
                base: lo,
                summary: None,
            }
        } else {
            let start =
                range.partition_point(|s| self.cmp_probe(sort, *s, probe) != Ordering::Greater);
            Walk {
                slots: &range[start..],
                descending: false,
                base: lo + start,
                summary: None,
            }
        }
    }

    /// A slot against the cursor, in the sort key's order.
    fn cmp_probe(&self, sort: SortBy, slot: u32, probe: &Probe<'_>) -> Ordering {
        let uscc = || self.uscc[slot as usize].cmp(&probe.uscc);
        match sort {
            SortBy::Uscc => uscc(),
            SortBy::Name => self.name(slot).cmp(probe.value).then_with(uscc),
            SortBy::Region => {
                let code = format_region(self.region(slot));
                code.as_slice().cmp(probe.value).then_with(uscc)
            }
        }
    }
}

/// A run of slots consumed from the front (ascending) or the back (descending).
struct Walk<'s> {
    slots: &'s [u32],
    descending: bool,
    /// The position of `slots[0]` in its run.
    base: usize,
    /// The run's block summaries, when the query can use them.
    summary: Option<&'s [u16]>,
}

impl Walk<'_> {
    /// Drops the rest of every block, at the walk's next end, whose summary rules a match
    /// out.
    fn skip_blocks(&mut self, may_hold: impl Fn(u16) -> bool) {
        let Some(summary) = self.summary else {
            return;
        };
        while let Some(n) = std::num::NonZeroUsize::new(self.slots.len()) {
            let next = if self.descending {
                self.base + n.get() - 1
            } else {
                self.base
            };
            let block = next / BLOCK;
            if summary.get(block).is_none_or(|bits| may_hold(*bits)) {
                return;
            }
            if self.descending {
                // Keep the positions before the block.
                let keep = (block * BLOCK).saturating_sub(self.base);
                self.slots = &self.slots[..keep.min(n.get())];
            } else {
                let drop = ((block + 1) * BLOCK - self.base).min(n.get());
                self.slots = &self.slots[drop..];
                self.base += drop;
            }
        }
    }

    fn first(&self) -> Option<&u32> {
        if self.descending {
            self.slots.last()
        } else {
            self.slots.first()
        }
    }

    fn advance(&mut self) {
        let n = self.slots.len();
        if n == 0 {
            return;
        }
        if self.descending {
            self.slots = &self.slots[..n - 1];
        } else {
            self.slots = &self.slots[1..];
            self.base += 1;
        }
    }
}

fn format_region(code: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    let mut rest = code;
    for b in out.iter_mut().rev() {
        *b = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out
}

/// `33` → codes `[330000, 340000)`, with the prefix length.
fn region_range(prefix: &str) -> Option<(u32, u32, usize)> {
    if !matches!(prefix.len(), 2 | 4 | 6) || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = prefix.parse().ok()?;
    let scale = 10u32.pow(6 - prefix.len() as u32);
    Some((value * scale, (value + 1) * scale, prefix.len()))
}

/// `65` → industry values `[6500, 6600)` of codes at least 2 digits long.
fn industry_range(prefix: &str) -> Option<(u32, u32, u32)> {
    if !(1..=4).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = prefix.parse().ok()?;
    let scale = 10u32.pow(4 - prefix.len() as u32);
    Some((value * scale, (value + 1) * scale, prefix.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(region_range("33"), Some((330_000, 340_000, 2)));
        assert_eq!(region_range("3301"), Some((330_100, 330_200, 4)));
        assert_eq!(region_range("330106"), Some((330_106, 330_107, 6)));
        assert_eq!(region_range("3"), None);
        assert_eq!(industry_range("65"), Some((6500, 6600, 2)));
        assert_eq!(industry_range("6511"), Some((6511, 6512, 4)));
        assert_eq!(format_region(110_101), *b"110101");
    }
}
