//! Printing amounts the way the standard writes them: `2000`, not `2000.0`.

use serde::Serializer;
use std::fmt;

/// Largest integer an f64 holds exactly (2^53).
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

fn as_integer(v: f64) -> Option<i64> {
    // In range and whole, so the cast is exact.
    (v.fract() == 0.0 && v.abs() <= EXACT_INTEGER_LIMIT).then_some(v as i64)
}

/// Serializes whole numbers as JSON integers and others as floats.
pub(crate) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    match as_integer(*value) {
        Some(i) => serializer.serialize_i64(i),
        None => serializer.serialize_f64(*value),
    }
}

/// `Display` for an amount: whole numbers without decimals, others with up to two.
pub(crate) struct Amount(pub f64);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match as_integer(self.0) {
            Some(i) => write!(f, "{i}"),
            None => {
                let text = format!("{:.2}", self.0);
                f.write_str(text.trim_end_matches('0').trim_end_matches('.'))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    #[test]
    fn amounts_print_like_the_standard() {
        assert_eq!(Amount(2000.0).to_string(), "2000");
        assert_eq!(Amount(1999.99).to_string(), "1999.99");
        assert_eq!(Amount(1999.5).to_string(), "1999.5");
        assert_eq!(Amount(0.0).to_string(), "0");
    }
}
