//! `shangyun serve --config FILE`: the file, the environment and the flags combine with flag >
//! environment > file, and a mistyped key stops the server naming it.

mod common;

use common::{TestResult, describe, shangyun, text};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[test]
fn a_flag_beats_the_environment_which_beats_the_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let config = dir.path().join("shangyun.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:1\"\ndata_dir = \"{}\"\nupload_limit = \"8MiB\"\n",
            data.display()
        ),
    )?;
    // The environment's address would fail to parse; the flag's (port 0) wins over both.
    let mut child = shangyun()
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", "127.0.0.1:0"])
        .env("SHANGYUN_LISTEN", "not an address")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line?;
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("console:") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("http://127.0.0.1:"), "{seen}");
    assert!(
        !seen.contains("127.0.0.1:1/"),
        "the file's address was used: {seen}"
    );
    // The file's data_dir was used for the embedded database.
    assert!(data.join("registry.db").exists(), "{seen}");
    Ok(())
}

#[test]
fn an_unknown_key_or_a_bad_value_stops_serve_naming_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("shangyun.toml");
    std::fs::write(&config, "listn = \"0.0.0.0:80\"\n")?;
    let out = shangyun()
        .args(["serve", "--config"])
        .arg(&config)
        .output()?;
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(text(&out.stderr).contains("'listn'"), "{}", describe(&out));

    std::fs::write(&config, "body_limit = \"lots\"\n")?;
    let out = shangyun()
        .args(["serve", "--config"])
        .arg(&config)
        .output()?;
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = text(&out.stderr);
    assert!(
        err.contains("'body_limit'") && err.contains("shangyun.toml"),
        "{err}"
    );
    Ok(())
}

#[test]
fn serve_help_lists_a_flag_for_every_key() -> TestResult {
    let out = shangyun().args(["serve", "--help"]).output()?;
    let help = text(&out.stdout);
    for key in shangyun_web::config::KEYS {
        assert!(
            help.contains(&format!("--{}", key.flag)),
            "--{} missing:\n{help}",
            key.flag
        );
    }
    Ok(())
}
