//! The conformance suite against the embedded store (the PostgreSQL run is in
//! crates/tsdb-postgres/tests/conformance.rs, same cases).

use shangyun_tsdb::{Config, Tsdb};

struct Fresh {
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
