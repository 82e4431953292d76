//! Import throughput and memory on generated registries: rows/s and peak RSS of each phase.
//!
//! ```sh
//! cargo run --release -p shangyun-import --example throughput -- 100000 1000000
//! cargo run --release -p shangyun-import --example throughput -- --xlsx 1000000
//! ```
//!
//! Phases per size: write the demo CSV (not part of the import), read it with
//! shangyun-sheets only, then read + map + parse + validate + duplicate check with
//! shangyun-import (everything short of the database). With `--xlsx` the same for an XLSX
//! written with inline strings (as shangyun writes) and one with a shared-string table (as
//! Excel, WPS, LibreOffice and openpyxl write). Peak RSS is VmHWM from /proc/self/status,
//! reset before each phase through /proc/self/clear_refs; CPU time is this thread's, from
//! /proc/thread-self/schedstat (the wall time includes waiting on a shared machine). One
//! thread. Memory freed by one phase may stay with the process and show in the next phase's
//! figure; for clean figures run one phase per process: `--file PATH` (or
//! `--file-no-dedupe PATH`) imports an existing file only, `--write-shared-strings PATH ROWS`
//! writes the shared-string XLSX.

use shangyun_import::Importer;
use shangyun_sheets::SheetReader;
use std::path::Path;
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak-RSS counter to the current RSS (Linux: "5" to clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time of this thread so far (the machine is shared: wall time includes waiting).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

struct Clock {
    wall: Instant,
    cpu: f64,
}

fn start() -> Clock {
    reset_peak();
    Clock {
        wall: Instant::now(),
        cpu: cpu_seconds(),
    }
}

fn report(rows: usize, phase: &str, clock: Clock) {
    let wall = clock.wall.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - clock.cpu;
    let peak = peak_rss_kib().map_or("?".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
    println!(
        "{rows:>9}  {phase:<44} {wall:>6.2} s wall {:>9.0} rows/s | {cpu:>6.2} s CPU {:>9.0} rows/CPU-s | peak RSS {peak}",
        rows as f64 / wall,
        rows as f64 / cpu
    );
}

fn read_only(path: &Path) -> Result<usize> {
    let mut sheet = SheetReader::open(path)?;
    let mut n: usize = 0;
    for row in sheet.rows()? {
        row?;
        n += 1;
    }
    Ok(n.saturating_sub(1))
}

fn import(path: &Path) -> Result<(usize, usize)> {
    import_with(path, true)
}

fn import_with(path: &Path, duplicates: bool) -> Result<(usize, usize)> {
    let mut sheet = SheetReader::open(path)?;
    let importer = Importer::new().check_duplicates(duplicates);
    let mut import = importer.start(sheet.rows()?)?;
    for outcome in &mut import {
        outcome?;
    }
    let s = import.summary();
    Ok((s.imported, s.rejected))
}

/// An XLSX with a shared-string table, the way Excel writes one (rust_xlsxwriter's
/// low-memory mode streams rows but keeps the string table).
fn write_shared_strings_xlsx(path: &Path, rows: usize, seed: u64) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook.add_worksheet_with_low_memory()?;
    for (col, header) in shangyun_demo::IMPORT_HEADERS.iter().enumerate() {
        sheet.write_string(0, col as u16, *header)?;
    }
    let mut row = 1u32;
    'firms: for (firm, years) in shangyun_demo::generate(rows, seed) {
        for figures in &years {
            if row as usize > rows {
                break 'firms;
            }
            for (col, cell) in shangyun_demo::import_row(&firm, figures).iter().enumerate() {
                let col = col as u16;
                match cell {
                    shangyun_sheets::Cell::Text(t) => {
                        sheet.write_string_with_format(row, col, t, &text)?;
                    }
                    shangyun_sheets::Cell::Number(n) => {
                        sheet.write_number(row, col, *n)?;
                    }
                    shangyun_sheets::Cell::Date(d) => {
                        sheet.write_datetime_with_format(row, col, d, &date)?;
                    }
                    _ => {}
                }
            }
            row += 1;
        }
    }
    workbook.save(path)?;
    Ok(())
}

fn main() -> Result<()> {
    let mut xlsx = false;
    let mut sizes = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--xlsx" {
            xlsx = true;
        } else if arg == "--file" || arg == "--file-no-dedupe" {
            // Only import an existing file, in a process of its own (clean peak RSS).
            let path = std::path::PathBuf::from(args.next().ok_or("--file needs a path")?);
            let dedupe = arg == "--file";
            let t = start();
            let (ok, bad) = import_with(&path, dedupe)?;
            let phase = if dedupe {
                "import of the file"
            } else {
                "import of the file, no duplicate check"
            };
            report(ok + bad, phase, t);
            return Ok(());
        } else if arg == "--write-shared-strings" {
            let path = std::path::PathBuf::from(args.next().ok_or("needs a path")?);
            let rows: usize = args.next().ok_or("needs a row count")?.parse()?;
            let t = start();
            write_shared_strings_xlsx(&path, rows, 1)?;
            report(rows, "write XLSX with shared strings", t);
            return Ok(());
        } else {
            sizes.push(arg.parse::<usize>()?);
        }
    }
    if sizes.is_empty() {
        sizes.push(1_000_000);
    }
    let dir = tempfile::tempdir()?;
    println!("     rows  phase                                        time         throughput");
    for rows in sizes {
        let csv = dir.path().join(format!("demo-{rows}.csv"));
        let t = start();
        shangyun_demo::write_csv(&csv, rows, 1)?;
        report(rows, "write demo CSV", t);
        println!(
            "           ({} MB on disk)",
            std::fs::metadata(&csv)?.len() / 1_000_000
        );

        let t = start();
        let read = read_only(&csv)?;
        report(read, "CSV: read rows (sheets only)", t);

        let t = start();
        let (ok, bad) = import(&csv)?;
        report(ok + bad, "CSV: read + map + parse + validate + dedupe", t);
        assert_eq!((ok, bad), (rows, 0), "every generated row must import");

        let t = start();
        let (ok, bad) = import_with(&csv, false)?;
        report(ok + bad, "CSV: the same without the duplicate check", t);

        if xlsx {
            let inline = dir.path().join(format!("demo-{rows}.xlsx"));
            let t = start();
            shangyun_demo::write_xlsx(&inline, rows, 1)?;
            report(rows, "write demo XLSX (inline strings)", t);
            let t = start();
            let (ok, bad) = import(&inline)?;
            report(ok + bad, "XLSX inline strings: full import", t);

            let shared = dir.path().join(format!("demo-{rows}-sst.xlsx"));
            let t = start();
            write_shared_strings_xlsx(&shared, rows, 1)?;
            report(rows, "write XLSX with shared strings", t);
            let t = start();
            let (ok, bad) = import(&shared)?;
            report(ok + bad, "XLSX shared strings: full import", t);
        }
    }
    Ok(())
}
