//! The few distributions the generator needs, over a seeded ChaCha stream (never the thread
//! RNG: the same seed must give the same registry).

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

pub(crate) struct Random(ChaCha8Rng);

/// splitmix64: spreads (seed, index) into independent stream seeds.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl Random {
    /// The stream of enterprise `index` under `seed`: each enterprise draws from its own
    /// stream, so the first n enterprises are the same whatever the total.
    pub(crate) fn for_item(seed: u64, index: u64) -> Random {
        Random(ChaCha8Rng::seed_from_u64(
            mix(seed) ^ mix(index.wrapping_add(1) << 1),
        ))
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in 0..n (0 < n < 2³²), by multiply-shift (no modulo bias worth the name).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (((self.0.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability p.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and log-scale spread.
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// An index drawn with probability proportional to `cumulative[i] - cumulative[i-1]`.
    pub(crate) fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = self.unit() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len().saturating_sub(1))
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }
}

/// Running sums of weights, for [`Random::weighted`].
pub(crate) fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    weights
        .into_iter()
        .scan(0.0, |sum, w| {
            *sum += w;
            Some(*sum)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_index_give_the_same_stream() {
        let mut a = Random::for_item(7, 3);
        let mut b = Random::for_item(7, 3);
        let mut c = Random::for_item(7, 4);
        let (x, y, z) = (a.unit(), b.unit(), c.unit());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn weighted_choice_follows_the_weights() {
        let weights = cumulative([1.0, 0.0, 3.0]);
        let mut r = Random::for_item(1, 1);
        let mut counts = [0usize; 3];
        for _ in 0..40_000 {
            counts[r.weighted(&weights)] += 1;
        }
        assert_eq!(counts[1], 0);
        let share = counts[2] as f64 / 40_000.0;
        assert!((0.73..0.77).contains(&share), "{counts:?}");
    }

    #[test]
    fn normal_has_mean_zero_and_unit_spread() {
        let mut r = Random::for_item(2, 2);
        let xs: Vec<f64> = (0..50_000).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.03, "{var}");
    }
}
