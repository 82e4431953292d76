//! docs/import-columns.md is generated from data/columns.toml; this test keeps them equal.
//! After changing the mapping: `SHANGYUN_BLESS=1 cargo test -p shangyun-import --test docs`.

use shangyun_import::Mapping;
use std::path::PathBuf;

#[test]
fn import_columns_doc_matches_the_mapping() -> Result<(), std::io::Error> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/import-columns.md");
    let generated = Mapping::embedded().to_markdown();
    if std::env::var_os("SHANGYUN_BLESS").is_some() {
        std::fs::write(&path, &generated)?;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/import-columns.md is out of date: run SHANGYUN_BLESS=1 cargo test -p shangyun-import --test docs"
    );
    Ok(())
}
