//! The index: columns per slot, five sort orders over the slots, and their upkeep.
//!
//! A slot holds one version of one enterprise's keys. Slots are appended; a slot whose
//! enterprise changed its name or region (a sort key) or was removed is marked dead and a new
//! slot is appended. A change of anything else (industry, size class, tiers) rewrites the slot
//! in place, since no order depends on it.
//!
//! Each order is a sorted `run` plus a sorted `pending` list of slots appended since the run
//! was built; a walk merges the two and skips dead slots. When `pending` outgrows
//! max(4096, run/16) it is merged into the run (linear), and when dead slots exceed a quarter
//! of the live ones the whole index is rebuilt from its live slots (n log n). So a bulk
//! import of n firms costs O(n log n) in total, never O(n²): merges happen each time the
//! index grows by 1/16, each costing the current size.

use crate::keys::{self, DEAD, Listing, UsccBytes};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// The orders kept. A region's subtree is contiguous in `Region`; a province is contiguous in
/// the `Province*` orders, which list it by USCC or by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderKind {
    Uscc = 0,
    Name = 1,
    Region = 2,
    ProvinceUscc = 3,
    ProvinceName = 4,
}

const ORDERS: [OrderKind; 5] = [
    OrderKind::Uscc,
    OrderKind::Name,
    OrderKind::Region,
    OrderKind::ProvinceUscc,
    OrderKind::ProvinceName,
];

/// A sorted run and the sorted slots added since.
#[derive(Debug, Default, Clone)]
pub(crate) struct Order {
    pub(crate) run: Vec<u32>,
    pub(crate) pending: Vec<u32>,
    /// Per block of [`BLOCK`] run positions, the OR of its slots' [`flag_bits`]: a walk
    /// for a rare flag (tier eligibility) skips the blocks without it. A superset at all
    /// times: a slot's flags are only rewritten in place when they add no bit.
    pub(crate) summary: Vec<u16>,
}

/// Run positions per summary block.
pub(crate) const BLOCK: usize = 64;

/// The bits a block summary keeps of a slot: eligible tiers (0-2), candidate tiers (3-5),
/// the size class as one bit of 6-10.
pub(crate) fn flag_bits(packed: u64) -> u16 {
    (keys::eligible_of(packed)
        | keys::candidate_of(packed) << 3
        | (1 << keys::size_of(packed)) << 6) as u16
}

/// The packed keys and the name signature of a slot, side by side so a walk's tests read one
/// cache line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keys {
    pub(crate) packed: u64,
    pub(crate) signature: u64,
}

/// Every enterprise's listing keys, in memory. See the crate documentation.
#[derive(Debug, Default, Clone)]
pub struct ListingIndex {
    pub(crate) uscc: Vec<UsccBytes>,
    pub(crate) keys: Vec<Keys>,
    /// Offset and length of each slot's name in `names`.
    pub(crate) name_at: Vec<(u32, u32)>,
    pub(crate) names: Vec<u8>,
    /// The live slot of each USCC.
    slot_of: HashMap<UsccBytes, u32>,
    /// Enterprises whose keys the index cannot represent; while any exist it answers nothing.
    irregular: HashSet<String>,
    pub(crate) orders: [Order; 5],
    dead: usize,
}

/// The slot numbers of sorted keys, in a vector of their own: collecting from `into_iter()`
/// would reuse the keys' allocation, six to eight times the size.
fn slots_of<K>(keyed: &[K], slot: impl Fn(&K) -> u32) -> Vec<u32> {
    let mut out = Vec::with_capacity(keyed.len());
    out.extend(keyed.iter().map(slot));
    out
}

/// Loads an index in parts (say, chunks of a database scan) and sorts once at the end.
#[derive(Debug, Default)]
pub struct ListingIndexBuilder {
    index: ListingIndex,
}

impl ListingIndexBuilder {
    /// Adds (or replaces) these enterprises.
    pub fn add_all<'a>(&mut self, listings: impl IntoIterator<Item = Listing<'a>>) {
        for listing in listings {
            self.index.put(&listing);
        }
    }

    /// The index of everything added.
    pub fn finish(mut self) -> ListingIndex {
        self.index.rebuild();
        self.index
    }
}

impl ListingIndex {
    /// An index of `listings` (later entries of the same USCC win).
    pub fn build<'a>(listings: impl IntoIterator<Item = Listing<'a>>) -> ListingIndex {
        let mut index = ListingIndex::default();
        for listing in listings {
            index.put(&listing);
        }
        index.rebuild();
        index
    }

    /// Enterprises listed.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// False while some stored enterprise has keys the index cannot hold (a region that is not
    /// six digits, an industry that is not 1 to 4 digits, a USCC that is not 1 to 18 digits
    /// or capital letters): the caller must then answer from the database.
    pub fn covers_everything(&self) -> bool {
        self.irregular.is_empty()
    }

    /// Bytes held (capacity, not length; the hash map estimated from its capacity).
    pub fn heap_bytes(&self) -> usize {
        let orders: usize = self
            .orders
            .iter()
            .map(|o| (o.run.capacity() + o.pending.capacity()) * 4)
            .sum();
        self.uscc.capacity() * 18
            + self.keys.capacity() * std::mem::size_of::<Keys>()
            + self.name_at.capacity() * 8
            + self.names.capacity()
            + self.slot_of.capacity() * (std::mem::size_of::<(UsccBytes, u32)>() + 1)
            + orders
    }

    /// Inserts or replaces these enterprises.
    pub fn upsert_all<'a>(&mut self, listings: impl IntoIterator<Item = Listing<'a>>) {
        for listing in listings {
            self.put(&listing);
        }
        self.maintain();
    }

    /// Removes these enterprises (unknown ones are ignored).
    pub fn remove_all<'a>(&mut self, usccs: impl IntoIterator<Item = &'a str>) {
        for uscc in usccs {
            self.irregular.remove(uscc);
            if let Some(key) = keys::pack_uscc(uscc)
                && let Some(slot) = self.slot_of.remove(&key)
            {
                self.kill(slot);
            }
        }
        self.maintain();
    }

    fn kill(&mut self, slot: u32) {
        self.keys[slot as usize].packed |= DEAD;
        self.dead += 1;
    }

    fn put(&mut self, listing: &Listing<'_>) {
        let Some((uscc, packed)) = keys::pack(listing) else {
            self.irregular.insert(listing.uscc.to_owned());
            if let Some(key) = keys::pack_uscc(listing.uscc)
                && let Some(slot) = self.slot_of.remove(&key)
            {
                self.kill(slot);
            }
            return;
        };
        if !self.irregular.is_empty() {
            self.irregular.remove(listing.uscc);
        }
        if let Some(&slot) = self.slot_of.get(&uscc) {
            let at = slot as usize;
            let same_order = keys::region_of(self.keys[at].packed) == keys::region_of(packed)
                && self.name(slot) == listing.name.as_bytes();
            let old = flag_bits(self.keys[at].packed);
            if same_order && flag_bits(packed) & !old == 0 {
                self.keys[at].packed = packed;
                return;
            }
            self.kill(slot);
        }
        let Ok(slot) = u32::try_from(self.uscc.len()) else {
            self.irregular.insert(listing.uscc.to_owned());
            return;
        };
        let Ok(start) = u32::try_from(self.names.len()) else {
            self.irregular.insert(listing.uscc.to_owned());
            return;
        };
        self.uscc.push(uscc);
        self.keys.push(Keys {
            packed,
            signature: keys::signature(listing.name),
        });
        self.name_at.push((start, listing.name.len() as u32));
        self.names.extend_from_slice(listing.name.as_bytes());
        self.slot_of.insert(uscc, slot);
        for order in &mut self.orders {
            order.pending.push(slot);
        }
    }

    /// Keeps `pending` sorted, merges it into the run when large, and rebuilds when dead slots
    /// pile up.
    fn maintain(&mut self) {
        let live = self.slot_of.len();
        if self.dead > 1024 + live / 4 {
            self.rebuild();
            return;
        }
        let pending = self.orders[0].pending.len();
        let run = self.orders[0].run.len();
        let merge = pending > 4096.max(run / 16);
        for kind in ORDERS {
            let mut order = std::mem::take(&mut self.orders[kind as usize]);
            // Stable sort: it finds the sorted prefix and merges the appended tail.
            order.pending.sort_by(|a, b| self.cmp(kind, *a, *b));
            if merge {
                order.run = self.merge(kind, &order.run, &order.pending);
                order.pending = Vec::new();
                order.summary = self.summarize(&order.run);
            }
            self.orders[kind as usize] = order;
        }
    }

    fn merge(&self, kind: OrderKind, run: &[u32], pending: &[u32]) -> Vec<u32> {
        let mut out = Vec::with_capacity(run.len() + pending.len());
        let (mut i, mut j) = (0, 0);
        while i < run.len() || j < pending.len() {
            let take_run = j == pending.len()
                || (i < run.len() && self.cmp(kind, run[i], pending[j]) == Ordering::Less);
            let slot = if take_run {
                i += 1;
                run[i - 1]
            } else {
                j += 1;
                pending[j - 1]
            };
            if self.alive(slot) {
                out.push(slot);
            }
        }
        out
    }

    /// Rebuilds every column from the live slots, renumbered in province-and-name order (so a
    /// walk of a province by name reads the columns front to back), and sorts every order.
    /// Sorts compare keys copied next to the slot numbers (the first 16 bytes of a name),
    /// going to the columns only on a tie: at a million firms several times faster.
    fn rebuild(&mut self) {
        let live: Vec<u32> = self.slot_of.values().copied().collect();
        let live = self.sorted_by_name(live, true);
        let mut fresh = ListingIndex {
            irregular: std::mem::take(&mut self.irregular),
            ..ListingIndex::default()
        };
        fresh.uscc.reserve_exact(live.len());
        fresh.keys.reserve_exact(live.len());
        fresh.name_at.reserve_exact(live.len());
        fresh.names.reserve_exact(
            live.iter()
                .map(|s| self.name_at[*s as usize].1 as usize)
                .sum(),
        );
        fresh.slot_of.reserve(live.len());
        for (new, old) in live.iter().enumerate() {
            let old = *old as usize;
            let start = fresh.names.len() as u32;
            let (from, len) = self.name_at[old];
            fresh
                .names
                .extend_from_slice(&self.names[from as usize..(from + len) as usize]);
            fresh.uscc.push(self.uscc[old]);
            fresh.keys.push(self.keys[old]);
            fresh.name_at.push((start, len));
            fresh.slot_of.insert(self.uscc[old], new as u32);
        }
        *self = fresh;
        let all: Vec<u32> = (0..self.uscc.len() as u32).collect();
        let by_uscc = |key: &dyn Fn(u32) -> u32| {
            let mut keyed: Vec<(u32, UsccBytes, u32)> = all
                .iter()
                .map(|s| (key(*s), self.uscc[*s as usize], *s))
                .collect();
            keyed.sort_unstable();
            slots_of(&keyed, |k| k.2)
        };
        let runs = [
            by_uscc(&|_| 0),
            self.sorted_by_name(all.clone(), false),
            by_uscc(&|s| self.region(s)),
            by_uscc(&|s| self.province(s)),
            all.clone(),
        ];
        for (kind, run) in ORDERS.into_iter().zip(runs) {
            self.orders[kind as usize] = Order {
                summary: self.summarize(&run),
                run,
                pending: Vec::new(),
            };
        }
    }

    fn summarize(&self, run: &[u32]) -> Vec<u16> {
        run.chunks(BLOCK)
            .map(|block| {
                block
                    .iter()
                    .fold(0, |bits, s| bits | flag_bits(self.keys[*s as usize].packed))
            })
            .collect()
    }

    /// `slots` in name order, within each province first when `by_province`.
    fn sorted_by_name(&self, slots: Vec<u32>, by_province: bool) -> Vec<u32> {
        let kind = if by_province {
            OrderKind::ProvinceName
        } else {
            OrderKind::Name
        };
        let mut keyed: Vec<(u32, u128, u32)> = slots
            .into_iter()
            .map(|s| {
                let name = self.name(s);
                let mut head = [0u8; 16];
                let n = name.len().min(16);
                head[..n].copy_from_slice(&name[..n]);
                let province = if by_province { self.province(s) } else { 0 };
                (province, u128::from_be_bytes(head), s)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| self.cmp(kind, a.2, b.2))
        });
        slots_of(&keyed, |k| k.2)
    }

    pub(crate) fn alive(&self, slot: u32) -> bool {
        self.keys[slot as usize].packed & DEAD == 0
    }

    pub(crate) fn name(&self, slot: u32) -> &[u8] {
        let (start, len) = self.name_at[slot as usize];
        &self.names[start as usize..(start + len) as usize]
    }

    pub(crate) fn region(&self, slot: u32) -> u32 {
        keys::region_of(self.keys[slot as usize].packed)
    }

    pub(crate) fn province(&self, slot: u32) -> u32 {
        self.region(slot) / 10_000
    }

    /// The total order of `kind` (USCC breaks every tie).
    pub(crate) fn cmp(&self, kind: OrderKind, a: u32, b: u32) -> Ordering {
        let uscc = || self.uscc[a as usize].cmp(&self.uscc[b as usize]);
        match kind {
            OrderKind::Uscc => uscc(),
            OrderKind::Name => self.name(a).cmp(self.name(b)).then_with(uscc),
            OrderKind::Region => self.region(a).cmp(&self.region(b)).then_with(uscc),
            OrderKind::ProvinceUscc => self.province(a).cmp(&self.province(b)).then_with(uscc),
            OrderKind::ProvinceName => self
                .province(a)
                .cmp(&self.province(b))
                .then_with(|| self.name(a).cmp(self.name(b)))
                .then_with(uscc),
        }
    }
}
