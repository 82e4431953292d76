//! Versioned migrations, embedded in the binary, one folder per backend. sqlx records each
//! applied version with a checksum in `_sqlx_migrations`, so applying them again is a no-op and
//! an edited, already-applied migration is refused.
//!
//! To change the schema, add `NNNN_what.sql` to BOTH folders and list it in `migrations()`.
//! Never edit an applied file.

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// (version, description, SQLite text, PostgreSQL text).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "registry",
        include_str!("../migrations/sqlite/0001_registry.sql"),
        include_str!("../migrations/postgres/0001_registry.sql"),
    ),
    (
        2,
        "search",
        include_str!("../migrations/sqlite/0002_search.sql"),
        include_str!("../migrations/postgres/0002_search.sql"),
    ),
    (
        3,
        "listing",
        include_str!("../migrations/sqlite/0003_listing.sql"),
        include_str!("../migrations/postgres/0003_listing.sql"),
    ),
    (
        4,
        "listing changes",
        include_str!("../migrations/sqlite/0004_listing_changes.sql"),
        include_str!("../migrations/postgres/0004_listing_changes.sql"),
    ),
    (
        5,
        "search in memory",
        include_str!("../migrations/sqlite/0005_search_in_memory.sql"),
        include_str!("../migrations/postgres/0005_search_in_memory.sql"),
    ),
    (
        6,
        "children checked by the store",
        include_str!("../migrations/sqlite/0006_children_checked_by_the_store.sql"),
        include_str!("../migrations/postgres/0006_children_checked_by_the_store.sql"),
    ),
    (
        7,
        "write-cheap indices",
        include_str!("../migrations/sqlite/0007_write_cheap_indices.sql"),
        include_str!("../migrations/postgres/0007_write_cheap_indices.sql"),
    ),
];

/// The backend a migration set is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Sqlite,
    Postgres,
}

/// The migrator for one backend.
pub(crate) fn migrator(flavour: Flavour) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, description, sqlite, postgres)| {
            let sql = match flavour {
                Flavour::Sqlite => sqlite,
                Flavour::Postgres => postgres,
            };
            Migration::new(
                version,
                description.into(),
                MigrationType::Simple,
                SqlStr::from_static(sql),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// The newest schema version this program knows.
pub fn latest_schema_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}
