//! The server's configuration: one table of keys ([`KEYS`]), each settable by a TOML file
//! (`shangyun serve --config FILE`), an environment variable and a flag. Precedence: flag >
//! environment > file > default. The CLI builds its flags from this table and the README's
//! table is generated from it (`tests/config.rs` checks it), so a key is defined once.
//!
//! ```
//! use shangyun_web::config::{Overrides, resolve};
//!
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("shangyun.toml");
//! std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nupload_limit = \"8MiB\"\n")?;
//! let env = |name: &str| (name == "SHANGYUN_LISTEN").then(|| "127.0.0.1:9001".to_owned());
//! let flags = Overrides::from([("upload_limit", "1024".to_owned())]);
//! let config = resolve(Some(&file), env, &flags)?;
//! assert_eq!(config.listen.port(), 9001); // environment beats the file
//! assert_eq!(config.web.upload_limit, 1024); // a flag beats both
//!
//! std::fs::write(&file, "listn = \"0.0.0.0:9000\"\n")?;
//! let typo = resolve(Some(&file), |_| None, &Overrides::new()).map_err(|e| e.to_string());
//! assert!(typo.is_err_and(|e| e.contains("'listn'")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::state::WebOptions;
use shangyun_store::{DATABASE_FILE_NAME, DEFAULT_DATA_DIR, DatabaseLocation};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// How a key's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `HOST:PORT`.
    Address,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off` in the environment).
    Switch,
    /// A number of bytes, optionally with `KiB`, `MiB` or `GiB`.
    Bytes,
    /// A file system path.
    Path,
    /// An SQLite path or a `postgres://` URL.
    Database,
}

/// One configuration key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The name in the TOML file.
    pub name: &'static str,
    /// The environment variable.
    pub env: &'static str,
    /// The command-line flag (without `--`).
    pub flag: &'static str,
    pub kind: Kind,
    /// The default as text (`None`: derived, see `default_doc`).
    pub default: Option<&'static str>,
    /// The default as documented.
    pub default_doc: &'static str,
    /// What it sets (English; shown in `--help` and the README).
    pub meaning: &'static str,
}

/// Every key the server reads. The README table and the CLI flags are made from this.
pub static KEYS: &[Key] = &[
    Key {
        name: "database",
        env: "SHANGYUN_DATABASE",
        flag: "database",
        kind: Kind::Database,
        default: None,
        default_doc: "`registry.db` in `data_dir`",
        meaning: "the registry: an SQLite path or `postgres://USER@HOST:PORT/DB`; the account tables live beside it",
    },
    Key {
        name: "data_dir",
        env: "SHANGYUN_DATA",
        flag: "data-dir",
        kind: Kind::Path,
        default: Some(DEFAULT_DATA_DIR),
        default_doc: "`./shangyun-data`",
        meaning: "the data directory: the embedded database (unless `database` says otherwise), uploaded import files and their error reports (`imports/`)",
    },
    Key {
        name: "listen",
        env: "SHANGYUN_LISTEN",
        flag: "listen",
        kind: Kind::Address,
        default: Some("127.0.0.1:8080"),
        default_doc: "`127.0.0.1:8080`",
        meaning: "address and port to listen on",
    },
    Key {
        name: "secure_cookies",
        env: "SHANGYUN_SECURE_COOKIES",
        flag: "secure-cookies",
        kind: Kind::Switch,
        default: Some("false"),
        default_doc: "`false`",
        meaning: "mark cookies `Secure` (set when users reach the server over HTTPS)",
    },
    Key {
        name: "body_limit",
        env: "SHANGYUN_BODY_LIMIT",
        flag: "body-limit",
        kind: Kind::Bytes,
        default: Some("1MiB"),
        default_doc: "`1MiB`",
        meaning: "largest request body accepted (uploads excepted); larger ones get 413",
    },
    Key {
        name: "upload_limit",
        env: "SHANGYUN_UPLOAD_LIMIT",
        flag: "upload-limit",
        kind: Kind::Bytes,
        default: Some("64MiB"),
        default_doc: "`64MiB`",
        meaning: "largest import file accepted by the console; larger uploads get 413 and a page saying so",
    },
];

/// Values given on the command line, by key name.
pub type Overrides = BTreeMap<&'static str, String>;

/// The server's resolved configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    pub database: DatabaseLocation,
    pub listen: SocketAddr,
    pub web: WebOptions,
}

/// A configuration that cannot be used; always names the key (or file) and where it came
/// from.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("the configuration file {path} is not valid TOML: {reason}")]
    Syntax { path: String, reason: String },
    #[error("unknown key '{key}' in {path} (known keys: {known})")]
    UnknownKey {
        key: String,
        path: String,
        known: String,
    },
    #[error("'{key}' ({origin}): {reason}")]
    Invalid {
        key: &'static str,
        origin: String,
        reason: String,
    },
}

/// The key named `name`.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// Resolves every key: `flags` over `env` over the `file` over the defaults.
pub fn resolve(
    file: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
    flags: &Overrides,
) -> Result<ServeConfig, ConfigError> {
    let from_file = match file {
        Some(path) => read_file(path)?,
        None => BTreeMap::new(),
    };
    let mut chosen: BTreeMap<&'static str, (String, String)> = BTreeMap::new();
    for k in KEYS {
        let value = if let Some(v) = flags.get(k.name) {
            Some((v.clone(), format!("--{}", k.flag)))
        } else if let Some(v) = env(k.env).filter(|v| !v.trim().is_empty()) {
            Some((v, k.env.to_owned()))
        } else if let Some(v) = from_file.get(k.name) {
            Some((
                v.clone(),
                file.map(|p| p.display().to_string()).unwrap_or_default(),
            ))
        } else {
            k.default.map(|d| (d.to_owned(), "default".to_owned()))
        };
        if let Some(v) = value {
            chosen.insert(k.name, v);
        }
    }
    let get = |name: &'static str| chosen.get(name).cloned();
    let invalid = |key: &'static str, origin: &str, reason: String| ConfigError::Invalid {
        key,
        origin: origin.to_owned(),
        reason,
    };
    let (data_dir, _) = get("data_dir").unwrap_or_default();
    let data_dir = PathBuf::from(data_dir);
    let database = match get("database") {
        Some((v, origin)) => {
            DatabaseLocation::parse(&v).map_err(|e| invalid("database", &origin, e.to_string()))?
        }
        None => DatabaseLocation::Sqlite {
            path: data_dir.join(DATABASE_FILE_NAME),
        },
    };
    let listen = match get("listen") {
        Some((v, origin)) => v
            .trim()
            .parse::<SocketAddr>()
            .map_err(|e| invalid("listen", &origin, format!("'{v}' is not HOST:PORT ({e})")))?,
        None => SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    let switch = |name: &'static str| -> Result<bool, ConfigError> {
        let (v, origin) = get(name).unwrap_or_default();
        parse_switch(&v)
            .ok_or_else(|| invalid(name, &origin, format!("'{v}' is not true or false")))
    };
    let bytes = |name: &'static str| -> Result<usize, ConfigError> {
        let (v, origin) = get(name).unwrap_or_default();
        parse_bytes(&v).ok_or_else(|| {
            invalid(
                name,
                &origin,
                format!("'{v}' is not a size in bytes (e.g. 1048576, 512KiB, 64MiB, 1GiB)"),
            )
        })
    };
    Ok(ServeConfig {
        database,
        listen,
        web: WebOptions {
            secure_cookies: switch("secure_cookies")?,
            body_limit: bytes("body_limit")?,
            upload_limit: bytes("upload_limit")?,
            data_dir,
        },
    })
}

/// The file's keys as text, refusing unknown keys and values of the wrong TOML type.
fn read_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Syntax {
            path: shown.clone(),
            reason: e.message().to_owned(),
        })?;
    let mut values = BTreeMap::new();
    for (name, value) in table {
        let Some(k) = key(&name) else {
            return Err(ConfigError::UnknownKey {
                key: name,
                path: shown,
                known: KEYS.iter().map(|k| k.name).collect::<Vec<_>>().join(", "),
            });
        };
        let text = match (k.kind, &value) {
            (Kind::Switch, toml::Value::Boolean(b)) => b.to_string(),
            (Kind::Bytes, toml::Value::Integer(n)) if *n >= 0 => n.to_string(),
            (Kind::Bytes | Kind::Address | Kind::Path | Kind::Database, toml::Value::String(s)) => {
                s.clone()
            }
            _ => {
                return Err(ConfigError::Invalid {
                    key: k.name,
                    origin: shown,
                    reason: format!("expected {}, found {}", expected(k.kind), value.type_str()),
                });
            }
        };
        values.insert(name, text);
    }
    Ok(values)
}

fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Switch => "true or false",
        Kind::Bytes => "a number of bytes or a string such as \"64MiB\"",
        Kind::Address => "a string \"HOST:PORT\"",
        Kind::Path | Kind::Database => "a string",
    }
}

/// `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` (any case).
pub fn parse_switch(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `1048576`, `512KiB`, `64MiB`, `1GiB` (also `K`, `M`, `G`, `KB`, `MB`, `GB`, binary).
///
/// ```
/// use shangyun_web::config::parse_bytes;
/// assert_eq!(parse_bytes("64MiB"), Some(64 << 20));
/// assert_eq!(parse_bytes("1024"), Some(1024));
/// assert_eq!(parse_bytes("1.5MiB"), None);
/// assert_eq!(parse_bytes("99999999999999999999GiB"), None);
/// ```
pub fn parse_bytes(v: &str) -> Option<usize> {
    let v = v.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(split);
    let n: usize = digits.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return None,
    };
    n.checked_mul(1usize.checked_shl(shift)?)
}

/// The README's table of keys, generated from [`KEYS`].
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| key (TOML) | environment | flag | default | meaning |\n| --- | --- | --- | --- | --- |\n",
    );
    for k in KEYS {
        out.push_str(&format!(
            "| `{}` | `{}` | `--{}` | {} | {} |\n",
            k.name, k.env, k.flag, k.default_doc, k.meaning
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_need_no_configuration() -> Result<(), ConfigError> {
        let c = resolve(None, no_env, &Overrides::new())?;
        assert_eq!(c.listen, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(
            c.database,
            DatabaseLocation::Sqlite {
                path: PathBuf::from("shangyun-data/registry.db")
            }
        );
        assert_eq!(c.web.body_limit, 1 << 20);
        assert_eq!(c.web.upload_limit, 64 << 20);
        assert!(!c.web.secure_cookies);
        Ok(())
    }

    #[test]
    fn every_key_has_a_distinct_name_env_and_flag_and_a_valid_default() {
        for (i, a) in KEYS.iter().enumerate() {
            assert!(a.env.starts_with("SHANGYUN_"), "{}", a.name);
            for b in &KEYS[i + 1..] {
                assert!(a.name != b.name && a.env != b.env && a.flag != b.flag);
            }
        }
        // The defaults themselves parse (resolve with nothing set reads every one).
        assert!(resolve(None, no_env, &Overrides::new()).is_ok());
    }

    #[test]
    fn data_dir_moves_the_embedded_database_unless_database_is_set() -> Result<(), ConfigError> {
        let env = |n: &str| (n == "SHANGYUN_DATA").then(|| "/srv/sy".to_owned());
        let c = resolve(None, env, &Overrides::new())?;
        assert_eq!(
            c.database,
            DatabaseLocation::Sqlite {
                path: PathBuf::from("/srv/sy/registry.db")
            }
        );
        assert_eq!(c.web.data_dir, PathBuf::from("/srv/sy"));
        let flags = Overrides::from([("database", "/elsewhere/r.db".to_owned())]);
        let c = resolve(None, env, &flags)?;
        assert_eq!(
            c.database,
            DatabaseLocation::Sqlite {
                path: PathBuf::from("/elsewhere/r.db")
            }
        );
        Ok(())
    }

    #[test]
    fn bad_values_name_the_key_and_where_they_came_from() {
        let env = |n: &str| (n == "SHANGYUN_BODY_LIMIT").then(|| "lots".to_owned());
        let e = resolve(None, env, &Overrides::new()).map_err(|e| e.to_string());
        assert!(
            e.as_ref()
                .is_err_and(|e| e.contains("'body_limit'") && e.contains("SHANGYUN_BODY_LIMIT")),
            "{e:?}"
        );
        let flags = Overrides::from([("secure_cookies", "maybe".to_owned())]);
        let e = resolve(None, no_env, &flags).map_err(|e| e.to_string());
        assert!(e.is_err_and(|e| e.contains("--secure-cookies")));
    }
}
