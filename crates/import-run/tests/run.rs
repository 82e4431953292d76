//! The import run as a library: a generated file into a fresh SQLite registry, progress
//! callbacks, the admission hook, a re-run, and a file refused before the database is used.

use shangyun_import::IssueKind;
use shangyun_import_run::{Admit, ImportFile, ImportOptions, Progress, RunError};
use shangyun_store::{Registry, RegistryFilter};
use std::sync::{Arc, Mutex};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn registry(dir: &tempfile::TempDir) -> Result<Registry, shangyun_store::StoreError> {
    Registry::open(&dir.path().join("registry.db").to_string_lossy()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_imported_with_progress_and_a_rerun_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("demo.csv");
    let written = shangyun_demo::write_csv(&csv, 2_500, 7)?;
    let registry = registry(&dir).await?;
    let options = ImportOptions {
        transaction_rows: 500,
        ..ImportOptions::default()
    };
    let file = ImportFile::open(&csv, options.clone()).await?;
    assert!(file.unknown_columns().is_empty());
    assert_eq!(file.file_hash().len(), 64);
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let outcome = file
        .run(&registry, move |p| {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(*p)
        })
        .await?;
    assert_eq!(outcome.summary.rows, written.rows);
    assert_eq!(outcome.summary.imported, written.rows);
    assert_eq!(outcome.stored.figures_inserted as usize, written.rows);
    assert_eq!(outcome.resumed_after_row, None);
    assert!(outcome.report.xlsx.is_none(), "no problem, no report");
    let count = registry.count(&RegistryFilter::default()).await?;
    assert_eq!(count as usize, written.enterprises);

    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let last = seen.last().ok_or("no progress reported")?;
    assert_eq!(last.rows_committed, written.rows as u64);
    assert_eq!(last.rows_read, written.rows as u64);
    assert!(
        seen.windows(2)
            .all(|w| w[0].rows_committed <= w[1].rows_committed)
    );
    assert!(seen.iter().any(|p| p.total_rows_estimate.is_some()));

    let again = ImportFile::open(&csv, options).await?;
    let rerun = again.run(&registry, |_| {}).await?;
    assert_eq!(rerun.earlier_runs, 1);
    assert_eq!(
        rerun.stored.figures_inserted + rerun.stored.figures_updated,
        0
    );
    assert_eq!(rerun.stored.figures_unchanged as usize, written.rows);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_rows_are_rejected_and_reported() -> TestResult {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("two.csv");
    std::fs::write(
        &csv,
        "统一社会信用代码,企业名称,注册地区划代码,行业代码,年度,从业人员\n\
         91110108551385082Q,甲公司,110108,6511,2024,10\n\
         91350100M000100Y43,乙公司,350102,3911,2024,20\n",
    )?;
    let registry = registry(&dir).await?;
    let admit: Admit = Arc::new(|e| {
        if e.registered_region.starts_with("11") {
            Ok(())
        } else {
            Err("超出辖区 / out of scope".to_owned())
        }
    });
    let report = (dir.path().join("r.xlsx"), dir.path().join("r.csv"));
    let options = ImportOptions {
        admit: Some(admit),
        report: Some(report.clone()),
        name: Some("上传.csv".to_owned()),
        ..ImportOptions::default()
    };
    let outcome = ImportFile::open(&csv, options)
        .await?
        .run(&registry, |_| {})
        .await?;
    let text = std::fs::read_to_string(&report.1)?;
    assert_eq!(
        (outcome.summary.imported, outcome.summary.rejected),
        (1, 1),
        "{text}"
    );
    assert!(registry.get("91110108551385082Q").await?.is_some());
    assert!(registry.get("91350100M000100Y43").await?.is_none());
    assert!(text.contains(IssueKind::OutOfScope.key()), "{text}");
    assert!(text.contains("out of scope"), "{text}");
    let journal = registry.imports(None).await?;
    assert_eq!(journal[0].file_name, "上传.csv");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_no_spreadsheet_is_refused_at_open() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("photo.csv");
    std::fs::write(&path, [0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe, 0, 1, 2])?;
    match ImportFile::open(&path, ImportOptions::default()).await {
        Err(RunError::File {
            rows_before: None, ..
        }) => Ok(()),
        Err(other) => Err(format!("unexpected error: {other}").into()),
        Ok(_) => Err("a binary file was accepted".into()),
    }
}

/// The writer puts batches that are already waiting into one transaction, up to the row limit,
/// and commits before it waits for the next: the write lock is never held while it waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_batches_share_a_transaction_and_none_is_held_open_while_waiting() -> TestResult {
    use shangyun_import_run::{Batch, WriterTimings, write_batches};
    use shangyun_registry::{AnnualFigures, Enterprise};
    use shangyun_store::EnterpriseRecord;

    let dir = tempfile::tempdir()?;
    let registry = registry(&dir).await?;
    let observer = registry.clone();
    let import_id = registry.begin_import("w.csv", "writer").await?.journal.id;
    // Batch k holds enterprises 2k and 2k+1: data rows 2k+1 and 2k+2.
    let batch = |k: u32| {
        let records = (2 * k..2 * k + 2)
            .map(|n| {
                let uscc = format!("91330106{n:09}Y");
                let firm = Enterprise {
                    uscc: uscc.clone(),
                    name: format!("企业{n}有限公司"),
                    registered_region: "330106".to_owned(),
                    operating_region: None,
                    industry: "6511".to_owned(),
                    founded: None,
                    contact_name: None,
                    contact_phone: None,
                    contact_email: None,
                };
                let figures = AnnualFigures {
                    uscc,
                    year: 2024,
                    employees: Some(10 + i64::from(n)),
                    ..AnnualFigures::default()
                };
                EnterpriseRecord::new(firm, vec![figures])
            })
            .collect();
        Batch::new(records, u64::from(2 * k + 2), 2, 0)
    };
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    for k in 0..3 {
        tx.send(batch(k)).await?;
    }
    let mut timings = WriterTimings::default();
    let mut committed = Vec::new();
    let writer = write_batches(&registry, import_id, rx, 4, &mut timings, |p| {
        committed.push(p.rows_through)
    });
    let driver = async {
        // Batches 0 and 1 fill a transaction (4 rows); batch 2 is alone when the channel
        // runs dry, and must be committed before the writer waits for batch 3.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while observer.imports(Some("writer")).await?[0].rows_through < 6 {
            if std::time::Instant::now() > deadline {
                return Err("batch 2 was not committed while the writer waited".into());
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        tx.send(batch(3)).await?;
        drop(tx);
        Ok::<(), Box<dyn std::error::Error>>(())
    };
    let (written, driven) = tokio::join!(writer, driver);
    driven?;
    assert_eq!(written?.enterprises_inserted, 8);
    assert_eq!(committed, vec![2, 4, 6, 8]);
    assert_eq!((timings.batches, timings.commits), (4, 3));
    assert_eq!(registry.count(&RegistryFilter::default()).await?, 8);
    Ok(())
}
