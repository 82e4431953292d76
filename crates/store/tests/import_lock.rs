//! SQLite does not queue writers: one waiting for the write lock sleeps and tries again. An
//! import leaves the lock free for a moment between its transactions, so that an edit made
//! meanwhile (the console, another process) gets in instead of waiting for the whole import.

mod support;

use shangyun_store::Registry;
use std::time::{Duration, Instant};
use support::TestResult;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_waiting_during_an_import_gets_in_between_its_transactions() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("registry.db");
    let importer = Registry::open(&path.to_string_lossy()).await?;
    // Its own connections, as another process or the server's pool would have.
    let editor = Registry::open(&path.to_string_lossy()).await?;

    let first = importer.begin_import_transaction().await?;
    let edit = tokio::spawn(async move {
        let result = editor
            .upsert(&support::record(1, "330106", "6511", &[]))
            .await;
        result.map(|_| Instant::now())
    });
    // Long enough for the edit to be waiting in SQLite's busy handler, which by then sleeps
    // 100 ms between tries.
    tokio::time::sleep(Duration::from_millis(400)).await;
    first.commit().await?;

    // The import goes on: four more transactions of 200 ms each (well inside the edit's 5 s
    // busy timeout, so without the pause it would still succeed, after all of them).
    let mut began = Vec::new();
    for _ in 0..4 {
        let next = importer.begin_import_transaction().await?;
        began.push(Instant::now());
        tokio::time::sleep(Duration::from_millis(200)).await;
        next.commit().await?;
    }
    let edited = edit.await??;
    assert!(
        edited < began[3],
        "the edit waited for the whole import ({:?} after its last transaction began)",
        edited - began[3]
    );
    assert!(importer.get(&support::uscc(1, "330106")).await?.is_some());
    Ok(())
}
