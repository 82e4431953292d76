//! Printing results: human text by default, JSON with `--json`.

use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Exit code for a valid input / eligible result.
pub const OK: u8 = 0;
/// Exit code for an invalid input / not eligible result.
pub const INVALID: u8 = 1;
/// Exit code for a usage error (bad flag, unreadable file).
pub const USAGE: u8 = 2;

/// Prints `value` as pretty JSON when `json` is set, else the human text.
pub fn emit<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    let text = if json {
        match serde_json::to_string_pretty(value) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot encode result as JSON: {e}");
                return;
            }
        }
    } else {
        human()
    };
    print_line(&text);
}

/// Writes one line to stdout. A closed pipe (`shangyun … | head`) ends the process quietly
/// instead of panicking as `println!` would.
pub fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").is_err() {
        std::process::exit(0);
    }
}

/// Reports a usage problem (unreadable file, bad JSON) and returns exit code 2.
pub fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(USAGE)
}
