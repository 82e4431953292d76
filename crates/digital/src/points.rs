//! Points as exact thousandths, so that sums such as 13 × 0.7 + 0.9 are exactly 10 and a
//! score is compared with a threshold without floating-point drift.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Add;

/// A number of points, stored in thousandths of a point (the index uses 0.7, 1.25, 1.875).
///
/// ```
/// use shangyun_digital::Points;
/// let p = Points::from_thousandths(57_500);
/// assert_eq!(p.to_string(), "57.5");
/// assert_eq!(p.as_f64(), 57.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(u32);

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(0);

    /// Points from a count of thousandths of a point.
    pub const fn from_thousandths(thousandths: u32) -> Points {
        Points(thousandths)
    }

    /// The count of thousandths of a point.
    pub const fn thousandths(self) -> u32 {
        self.0
    }

    /// The points as a float, for display and JSON.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// Exact conversion of a decimal from a data file; `None` unless the value is finite,
    /// non-negative and a whole number of thousandths.
    pub fn from_decimal(value: f64) -> Option<Points> {
        if !value.is_finite() || value < 0.0 {
            return None;
        }
        let scaled = value * 1000.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1e-6 || rounded > f64::from(u32::MAX) {
            return None;
        }
        // In range and integral, checked just above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(Points(rounded as u32))
    }

    /// Sum, saturating (index maxima are far below the limit).
    pub fn saturating_add(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        self.saturating_add(other)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Points::saturating_add)
    }
}

impl fmt::Display for Points {
    /// Shortest decimal form: `60`, `57.5`, `1.875` (honours width and alignment).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        if frac == 0 {
            return f.pad(&whole.to_string());
        }
        let digits = format!("{frac:03}");
        f.pad(&format!("{whole}.{}", digits.trim_end_matches('0')))
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Points {
    /// Data files write points as decimals (`0.7`, `1.875`); anything finer than a thousandth
    /// is refused rather than rounded.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Points::from_decimal(value).ok_or_else(|| {
            D::Error::custom(format!(
                "{value} is not a non-negative whole number of thousandths of a point"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Points;

    #[test]
    fn decimals_from_the_index_are_exact() {
        assert_eq!(Points::from_decimal(0.7), Some(Points(700)));
        assert_eq!(Points::from_decimal(1.875), Some(Points(1875)));
        assert_eq!(Points::from_decimal(7.5), Some(Points(7500)));
        let links: Points = std::iter::repeat_n(Points(700), 13).sum();
        assert_eq!(links + Points(900), Points(10_000));
    }

    #[test]
    fn rejects_what_is_not_a_whole_thousandth() {
        assert_eq!(Points::from_decimal(0.0005), None);
        assert_eq!(Points::from_decimal(-1.0), None);
        assert_eq!(Points::from_decimal(f64::NAN), None);
    }

    #[test]
    fn displays_shortest_form() {
        assert_eq!(Points(60_000).to_string(), "60");
        assert_eq!(Points(57_500).to_string(), "57.5");
        assert_eq!(Points(1_875).to_string(), "1.875");
        assert_eq!(Points(59_990).to_string(), "59.99");
        assert_eq!(Points(0).to_string(), "0");
        assert_eq!(format!("[{:>6}]", Points(57_500)), "[  57.5]");
    }
}
