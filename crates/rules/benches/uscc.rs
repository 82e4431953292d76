//! Benchmark placeholder: filled in with the uscc crate.
fn main() {}
