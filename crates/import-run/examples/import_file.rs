//! Imports one file with the library, no CLI around it: for profiling the run.
//!
//!   cargo run --release -p shangyun-import-run --example import_file -- FILE DATABASE
//!
//! `TRANSACTION_ROWS=N` sets the data rows per transaction.
//! `GENERATE_ROWS=N` first writes a demo CSV of N rows (seed 1) to FILE. Prints rows, seconds and rows/s, and the stage timings.

use shangyun_import_run::{ImportFile, ImportOptions};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(database)) = (args.next(), args.next()) else {
        return Err("usage: import_file FILE DATABASE".into());
    };
    if let Ok(rows) = std::env::var("GENERATE_ROWS") {
        let written = shangyun_demo::write_csv(&file, rows.parse()?, 1)?;
        println!("wrote {} rows to {file}", written.rows);
    }
    let registry = shangyun_store::Registry::open(&database).await?;
    let options = ImportOptions {
        transaction_rows: match std::env::var("TRANSACTION_ROWS") {
            Ok(n) => n.parse()?,
            Err(_) => ImportOptions::default().transaction_rows,
        },
        ..ImportOptions::default()
    };
    let outcome = ImportFile::open(&file, options)
        .await?
        .run(&registry, |_| {})
        .await?;
    let rows = outcome.summary.rows;
    println!(
        "{rows} rows in {:.2} s = {:.0} rows/s; reader CPU {:?}, reader blocked {:?}; writer waiting {:?}, in store {:?}",
        outcome.seconds,
        rows as f64 / outcome.seconds,
        outcome.reader_timings.cpu,
        outcome.reader_timings.blocked,
        outcome.writer_timings.waiting,
        outcome.writer_timings.store,
    );
    Ok(())
}
