//! Benchmark placeholder: filled in with the digital crate.
fn main() {}
