//! The one conformance suite (crates/tsdb-api/src/conformance.rs) against both stores in one
//! run: the embedded store in a temp dir, PostgreSQL in a fresh schema per test.

mod embedded {
    use shangyun_tsdb::{Config, Tsdb};

    pub struct Fresh {
        db: Tsdb,
        _dir: tempfile::TempDir,
    }

    impl std::ops::Deref for Fresh {
        type Target = Tsdb;
        fn deref(&self) -> &Tsdb {
            &self.db
        }
    }

    fn fresh() -> Fresh {
        let dir = tempfile::tempdir().expect("tempdir");
        let (db, _) = Tsdb::open(dir.path(), Config::default()).expect("open");
        Fresh { db, _dir: dir }
    }

    shangyun_tsdb_api::conformance_suite!(fresh());
}

mod postgres {
    use shangyun_tsdb_postgres::test_support::TestSchema;

    shangyun_tsdb_api::conformance_suite!(TestSchema::create(4).await.expect("test schema"));
}
