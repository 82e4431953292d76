//! The README's table of configuration keys is generated from `config::KEYS` (the one
//! definition of every key): this test fails when they differ. Regenerate with
//! `SHANGYUN_BLESS=1 cargo test -p shangyun-web --test config`.

use shangyun_web::config::markdown_table;

const BEGIN: &str =
    "<!-- config-keys:begin (generated from src/config.rs by tests/config.rs) -->\n";
const END: &str = "<!-- config-keys:end -->";

#[test]
fn the_readme_lists_every_configuration_key_as_the_code_defines_it() -> Result<(), String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let (before, rest) = readme
        .split_once(BEGIN)
        .ok_or("README.md lacks the config-keys:begin marker")?;
    let (current, after) = rest
        .split_once(END)
        .ok_or("README.md lacks the config-keys:end marker")?;
    let wanted = markdown_table();
    if current == wanted {
        return Ok(());
    }
    if std::env::var("SHANGYUN_BLESS").as_deref() == Ok("1") {
        let updated = format!("{before}{BEGIN}{wanted}{END}{after}");
        return std::fs::write(&path, updated).map_err(|e| e.to_string());
    }
    Err(format!(
        "README.md's key table is stale; run SHANGYUN_BLESS=1 cargo test -p shangyun-web --test config\n\
         expected:\n{wanted}\nfound:\n{current}"
    ))
}
