//! Compression of one series block: timestamps by delta-of-delta, values by a codec chosen
//! per block from the values themselves.
//!
//! - Timestamps: first value and first delta as varints, then delta-of-deltas zigzagged and
//!   bit-packed in groups of 128 ([`packed`]). Regular sampling costs 7 bits per 128 points.
//! - Floats that are exact decimals with at most 9 digits after the point (what meters send:
//!   `12345.67`, `21.3`, `0`/`1`) are scaled to integers and stored as packed deltas
//!   ([`floats::decimal_exponent`]); other floats use Gorilla XOR ([`floats::gorilla_encode`]).
//! - Integers: packed deltas. Booleans: packed changes. Text and mixed kinds: plain.
//!
//! Every decoder takes untrusted bytes and returns `None` instead of panicking.

pub mod bits;
pub mod floats;
pub mod packed;
pub mod timestamps;
pub mod values;
