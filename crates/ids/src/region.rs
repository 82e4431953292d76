//! Region existence is the caller's business: this crate does not embed the code lists.

use serde::Serialize;

/// What a region list says about a six-digit GB/T 2260 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionStatus {
    /// In the current list.
    Current,
    /// Existed once but has since been retired. A USCC keeps its region code for life, so
    /// this is valid, with a warning.
    Retired,
    /// Never a region code: the USCC is rejected with [`IdError::UnknownRegion`](crate::IdError::UnknownRegion).
    Unknown,
}

/// Answers whether a region code exists; implemented for any `Fn(&str) -> RegionStatus`.
pub trait RegionLookup {
    /// Status of the six-digit region code `code`.
    fn region_status(&self, code: &str) -> RegionStatus;
}

impl<F: Fn(&str) -> RegionStatus> RegionLookup for F {
    fn region_status(&self, code: &str) -> RegionStatus {
        self(code)
    }
}
