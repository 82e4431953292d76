//! The one conformance suite (crates/tsdb-api/src/conformance.rs) against both stores in one
//! run: the embedded store in a temp dir, PostgreSQL in a fresh schema per test.

mod embedded {
    shangyun_tsdb_api::conformance_suite!(shangyun_tsdb_api::conformance::EmbeddedFixture::new());
}

mod postgres {
    use shangyun_tsdb_postgres::test_support::TestSchema;

    shangyun_tsdb_api::conformance_suite!(TestSchema::create(4).await.expect("test schema"));
}
