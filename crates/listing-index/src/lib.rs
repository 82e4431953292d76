//! `shangyun-listing-index` — the registry's listing keys in memory, for search.
//!
//! A registry search is "the first `limit` enterprises in some order (USCC, name or region,
//! either direction) after a cursor that meet a filter (region subtree, industries, latest
//! size class and tier flags, a name fragment)". In SQL, a selective filter inside a large
//! region walks thousands of index entries with a lookup each; here the same walk reads one
//! packed `u64` per enterprise, so a province of 100k firms is walked in about a millisecond.
//!
//! The index is a snapshot of what the store holds, kept exact by the store (every write hands
//! the new keys over); it answers with USCCs in order, and the store reads those rows. It is
//! pure: no I/O, no SQL, no async, no clock.
//!
//! Layout (per enterprise, ~100 bytes plus its name): the USCC (18 bytes), the packed keys
//! and a 64-bit signature of the name's characters (16), the name's place in one byte arena
//! (8 + the name), a hash map entry USCC → slot, and five sort orders of 4-byte slot numbers:
//! USCC, name, region (a subtree is a contiguous range), and province-then-USCC and
//! province-then-name (a province is a contiguous range; a city or county inside it is tested
//! per row, and once the walk has taken as many steps as the city or county holds, its own
//! rows are tested and sorted instead). Each sorted run keeps, per 64 positions, the OR of the
//! rows' tier and size flags, so a filter on a rare flag skips whole blocks. At 1m demo firms
//! the whole index is ~141 bytes per enterprise.
//!
//! ```
//! use shangyun_listing_index::{Listing, ListingIndex, Query, SortBy};
//!
//! let firms = [("A1", "杭州甲科技有限公司", "330106"), ("B2", "宁波乙贸易有限公司", "330201")];
//! let index = ListingIndex::build(firms.iter().map(|(uscc, name, region)| Listing {
//!     uscc, name, region, industry: "6511", latest: None,
//! }));
//! let page = index.query(&Query {
//!     region: Some("33".into()),
//!     name_contains: Some("科技".into()),
//!     sort: SortBy::Name,
//!     limit: 20,
//!     ..Query::default()
//! });
//! assert_eq!(page, Some(vec!["A1".to_owned()]));
//! ```

mod index;
mod keys;
mod query;

pub use index::{ListingIndex, ListingIndexBuilder};
pub use keys::{Latest, Listing, SizeClass, Tiers};
pub use query::{After, Query, SortBy};

#[cfg(test)]
mod tests;
