//! Benchmark placeholder: filled in with the tier crate.
fn main() {}
