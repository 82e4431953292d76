//! Test support for suites that run on the real PostgreSQL server, each test in a schema of
//! its own: the schema goes away when the test's handle is dropped.

use sqlx::Connection;

/// Drops `schema` (and everything in it) on the server at `admin_url`, waiting until done.
///
/// Meant for `Drop` impls of test handles. A `Drop` runs inside the test's async runtime,
/// where blocking on another future would panic, so the work runs on a thread of its own with
/// a runtime of its own. Failures are ignored: a leftover schema is harmless and the next run
/// uses new names.
pub fn drop_schema_blocking(admin_url: &str, schema: &str) {
    let (url, sql) = (
        admin_url.to_owned(),
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
    );
    let done = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(runtime) = runtime {
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&url).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await;
                }
            });
        }
    });
    let _ = done.join();
}
