//! Benchmark placeholder: filled in with the size crate.
fn main() {}
