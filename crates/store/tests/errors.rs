//! Opening and using a database that is not there, not writable, locked or unreachable gives
//! a precise error with a next step, never a panic.

mod support;

use shangyun_store::{DatabaseLocation, OpenOptions, Registry, StoreError};
use sqlx::Connection;
use std::time::Duration;
use support::{TestDb, TestResult, record};

fn quick() -> OpenOptions {
    OpenOptions {
        wait: Duration::from_millis(300),
        ..OpenOptions::default()
    }
}

#[tokio::test]
async fn unsupported_url_is_a_bad_url() {
    for given in [
        "mysql://root@localhost/db",
        "",
        "sqlite://",
        "postgres://h:port/x",
    ] {
        let outcome = Registry::open(given).await;
        assert!(
            matches!(outcome, Err(StoreError::BadUrl { .. })),
            "{given}: {outcome:?}"
        );
    }
}

#[tokio::test]
async fn a_path_below_a_file_is_unwritable() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "not a directory")?;
    let outcome = Registry::open(&file.join("sub").join("registry.db").to_string_lossy()).await;
    let err = outcome.err().ok_or("opened below a file")?;
    assert!(matches!(err, StoreError::Unwritable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("--database"),
        "says what to do: {err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_named() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("registry.db");
    std::fs::write(&path, "企业名称,统一社会信用代码\n".repeat(200))?;
    let err = Registry::open(&path.to_string_lossy())
        .await
        .err()
        .ok_or("opened a CSV as a database")?;
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_locked_sqlite_database_says_locked() -> TestResult {
    let db = TestDb::sqlite().await?;
    let DatabaseLocation::Sqlite { path } = &db.location else {
        return Err("expected SQLite".into());
    };
    // Another program holds the write lock (an sqlite3 shell inside a transaction).
    let mut other =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?;
    sqlx::raw_sql("BEGIN EXCLUSIVE").execute(&mut other).await?;

    let registry = Registry::open_location(
        &db.location,
        &OpenOptions {
            migrate: false,
            ..quick()
        },
    )
    .await?;
    let err = registry
        .upsert(&record(1, "330106", "6511", &[(2024, 10, 100.0)]))
        .await
        .err()
        .ok_or("wrote through an exclusive lock")?;
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    assert!(err.to_string().contains("locked"), "{err}");

    sqlx::raw_sql("ROLLBACK").execute(&mut other).await?;
    registry
        .upsert(&record(1, "330106", "6511", &[(2024, 10, 100.0)]))
        .await?;
    Ok(())
}

#[tokio::test]
async fn an_unreachable_server_is_unreachable() -> TestResult {
    // Port 9 (discard) on loopback: nothing listens there.
    let location = DatabaseLocation::parse("postgres://postgres@127.0.0.1:9/test")?;
    let err = Registry::open_location(&location, &quick())
        .await
        .err()
        .ok_or("connected to nothing")?;
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("pg_isready"), "{err}");
    Ok(())
}

#[tokio::test]
async fn missing_database_and_unknown_role_are_told_apart() -> TestResult {
    if std::env::var("SHANGYUN_SKIP_POSTGRES").as_deref() == Ok("1") {
        return Ok(());
    }
    let base = support::postgres_url();
    let (server, _) = base.rsplit_once('/').ok_or("URL without database")?;
    let missing = DatabaseLocation::parse(&format!("{server}/shangyun_no_such_database"))?;
    let err = Registry::open_location(&missing, &quick())
        .await
        .err()
        .ok_or("opened a missing database")?;
    assert!(matches!(err, StoreError::NoSuchDatabase { .. }), "{err:?}");

    let host = server.rsplit_once('@').map_or(server, |(_, host)| host);
    let stranger = DatabaseLocation::parse(&format!(
        "postgres://shangyun_no_such_role:secret@{host}/test"
    ))?;
    let err = Registry::open_location(&stranger, &quick())
        .await
        .err()
        .ok_or("logged in as nobody")?;
    assert!(matches!(err, StoreError::AuthFailed { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("secret"),
        "password must not be shown: {err}"
    );
    Ok(())
}
