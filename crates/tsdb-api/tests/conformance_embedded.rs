//! The conformance suite against the embedded store (crates/tsdb-postgres/tests/conformance.rs
//! runs the same cases against both stores in one run).

shangyun_tsdb_api::conformance_suite!(shangyun_tsdb_api::conformance::EmbeddedFixture::new());
