//! Writes a demo registry in the import format.
//! `cargo run --release -p shangyun-demo --example write_demo -- OUT.csv|OUT.xlsx ROWS [SEED]`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: write_demo OUT.csv|OUT.xlsx ROWS [SEED]")?;
    let rows: usize = args.next().ok_or("ROWS missing")?.parse()?;
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let written = if path.to_ascii_lowercase().ends_with(".xlsx") {
        shangyun_demo::write_xlsx(&path, rows, seed)?
    } else {
        shangyun_demo::write_csv(&path, rows, seed)?
    };
    println!(
        "{path}: {} rows, {} enterprises",
        written.rows, written.enterprises
    );
    Ok(())
}
