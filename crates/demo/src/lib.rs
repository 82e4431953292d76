//! `shangyun-demo` — a synthetic enterprise registry that looks like the real one.
//!
//! [`generate`] yields enterprises with two or three years of figures, spread roughly as
//! China's SMEs are: 广东, 江苏, 浙江 and 山东 heavy; manufacturing and trade heavy across
//! hundreds of industry classes; mostly micro and small, few medium, rare large (employees
//! and revenue drawn log-normally per industry group). Every USCC is valid (both check
//! characters computed by `shangyun_rules::ids`) and its region part is the registered
//! county; names read like Chinese company names (地名 + 字号 + 行业 + 有限公司).
//!
//! Deterministic: enterprise *i* of seed *s* is drawn from its own ChaCha8 stream seeded from
//! (s, i), so the same seed gives the same registry, and a smaller `n` gives a prefix of a
//! larger one. No clock, no thread RNG. (The same data is guaranteed for the same crate
//! version; a change of the tables or of the ChaCha crate's major version may change it.)
//!
//! [`write_csv`] / [`write_xlsx`] write N rows in the import format, for demos and the
//! million-row import benchmark.
//!
//! The weights in `tables.rs` are rough, for realism only — not statistics to quote.

mod firm;
mod random;
mod tables;
mod write;

pub use firm::LAST_YEAR;
pub use write::{IMPORT_HEADERS, Written, import_columns, import_row, write_csv, write_xlsx};

use shangyun_registry::{AnnualFigures, Enterprise};

/// The synthetic registry of `seed`: `n` enterprises, each with its yearly figures (oldest
/// first, ending in [`LAST_YEAR`]).
///
/// ```
/// let firms: Vec<_> = shangyun_demo::generate(3, 7).collect();
/// assert_eq!(firms.len(), 3);
/// let (firm, years) = &firms[0];
/// assert_eq!(&firm.uscc[2..8], firm.registered_region); // region part = registered region
/// assert!(firm.name.ends_with("有限公司"));
/// assert!((1..=3).contains(&years.len()));
/// assert_eq!(years.last().map(|y| y.year), Some(shangyun_demo::LAST_YEAR));
/// // The same seed gives the same data.
/// assert_eq!(shangyun_demo::generate(3, 7).collect::<Vec<_>>(), firms);
/// ```
pub fn generate(n: usize, seed: u64) -> Generator {
    Generator {
        next: 0,
        n: n as u64,
        seed,
    }
}

/// The iterator of [`generate`].
#[derive(Debug, Clone)]
pub struct Generator {
    next: u64,
    n: u64,
    seed: u64,
}

impl Iterator for Generator {
    type Item = (Enterprise, Vec<AnnualFigures>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.n {
            return None;
        }
        let item = firm::make(self.seed, self.next);
        self.next += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.n - self.next) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generator {}
