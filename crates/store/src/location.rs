//! Where the registry lives: an SQLite file (the embedded default) or a PostgreSQL database,
//! parsed from what the user typed after `--database`.

use crate::error::{StoreError, StoreResult};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file name of the embedded database inside a data directory.
pub const DATABASE_FILE_NAME: &str = "registry.db";

/// The data directory used when neither `--database`, `SHANGYUN_DATABASE` nor `SHANGYUN_DATA`
/// says otherwise, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "shangyun-data";

/// Which backend, and where. Parse one with [`DatabaseLocation::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// An SQLite database file; its directory is created on open.
    Sqlite { path: PathBuf },
    /// A PostgreSQL server; `url` is as given (with any password), kept private to the store.
    Postgres { url: String },
}

impl DatabaseLocation {
    /// Reads a `--database` value: `postgres://…` / `postgresql://…`, `sqlite://PATH`,
    /// `sqlite:PATH`, or a bare path. A path that names an existing directory (or ends in `/`)
    /// means `registry.db` inside it.
    ///
    /// ```
    /// use shangyun_store::DatabaseLocation;
    /// use std::path::PathBuf;
    ///
    /// assert_eq!(
    ///     DatabaseLocation::parse("sqlite://data/registry.db")?,
    ///     DatabaseLocation::Sqlite { path: PathBuf::from("data/registry.db") }
    /// );
    /// assert!(matches!(
    ///     DatabaseLocation::parse("postgres://postgres@127.0.0.1:5432/test")?,
    ///     DatabaseLocation::Postgres { .. }
    /// ));
    /// assert!(DatabaseLocation::parse("mysql://root@localhost/db").is_err());
    /// # Ok::<(), shangyun_store::StoreError>(())
    /// ```
    pub fn parse(given: &str) -> StoreResult<Self> {
        let trimmed = given.trim();
        let bad = |reason: &str| StoreError::BadUrl {
            given: given.to_owned(),
            reason: reason.to_owned(),
        };
        if trimmed.is_empty() {
            return Err(bad("it is empty"));
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            sqlx::postgres::PgConnectOptions::from_str(trimmed)
                .map_err(|e| bad(&format!("not a valid PostgreSQL URL ({e})")))?;
            return Ok(DatabaseLocation::Postgres {
                url: trimmed.to_owned(),
            });
        }
        if let Some(rest) = strip_prefix_ignore_case(trimmed, "sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let rest = rest.split('?').next().unwrap_or(rest);
            if rest.is_empty() {
                return Err(bad("no file path after sqlite://"));
            }
            if rest == ":memory:" {
                return Err(bad(
                    "in-memory databases are not supported; give a file path (a temporary one \
                     will do)",
                ));
            }
            return Ok(Self::sqlite_at(Path::new(rest)));
        }
        if let Some(scheme_end) = trimmed.find("://") {
            let scheme = &trimmed[..scheme_end];
            return Err(bad(&format!(
                "the '{scheme}' scheme is not supported (only sqlite and postgres)"
            )));
        }
        Ok(Self::sqlite_at(Path::new(trimmed)))
    }

    /// The location used when `--database` is not given: `SHANGYUN_DATABASE` if set, else
    /// `registry.db` in `SHANGYUN_DATA`, else `./shangyun-data/registry.db`.
    pub fn from_env() -> StoreResult<Self> {
        match std::env::var("SHANGYUN_DATABASE") {
            Ok(url) if !url.trim().is_empty() => Self::parse(&url),
            _ => {
                let dir = std::env::var_os("SHANGYUN_DATA")
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
                Ok(DatabaseLocation::Sqlite {
                    path: dir.join(DATABASE_FILE_NAME),
                })
            }
        }
    }

    /// A name for messages: the SQLite path, or the PostgreSQL URL without its password.
    pub fn display_target(&self) -> String {
        match self {
            DatabaseLocation::Sqlite { path } => path.display().to_string(),
            DatabaseLocation::Postgres { url } => redact_password(url),
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseLocation::Sqlite { .. } => "sqlite",
            DatabaseLocation::Postgres { .. } => "postgres",
        }
    }

    fn sqlite_at(path: &Path) -> Self {
        let as_text = path.to_string_lossy();
        let path = if path.is_dir() || as_text.ends_with('/') || as_text.ends_with('\\') {
            path.join(DATABASE_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        DatabaseLocation::Sqlite { path }
    }
}

impl std::fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display_target())
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let after = &url[scheme_end + 3..];
    let authority_end = after.find(['/', '?']).unwrap_or(after.len());
    let authority = &after[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &after[at..]
        ),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_paths() {
        let cases: &[(&str, Option<DatabaseLocation>)] = &[
            (
                "sqlite:///tmp/a.db",
                Some(DatabaseLocation::Sqlite {
                    path: "/tmp/a.db".into(),
                }),
            ),
            (
                "SQLITE:rel/a.db",
                Some(DatabaseLocation::Sqlite {
                    path: "rel/a.db".into(),
                }),
            ),
            (
                "data/x.db",
                Some(DatabaseLocation::Sqlite {
                    path: "data/x.db".into(),
                }),
            ),
            (
                "data/",
                Some(DatabaseLocation::Sqlite {
                    path: "data/registry.db".into(),
                }),
            ),
            (
                "postgresql://u@h/db",
                Some(DatabaseLocation::Postgres {
                    url: "postgresql://u@h/db".into(),
                }),
            ),
            ("", None),
            ("   ", None),
            ("sqlite://", None),
            ("sqlite::memory:", None),
            ("mysql://root@h/db", None),
            ("http://example", None),
            ("postgres://u@h:notaport/db", None),
        ];
        for (given, want) in cases {
            let got = DatabaseLocation::parse(given).ok();
            assert_eq!(&got, want, "{given}");
        }
    }

    #[test]
    fn existing_directory_means_file_inside() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let got = DatabaseLocation::parse(&dir.path().to_string_lossy())?;
        assert_eq!(
            got,
            DatabaseLocation::Sqlite {
                path: dir.path().join("registry.db")
            }
        );
        Ok(())
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_password("postgres://me:s3cret@db:5432/x?sslmode=disable"),
            "postgres://me:***@db:5432/x?sslmode=disable"
        );
        assert_eq!(redact_password("postgres://me@db/x"), "postgres://me@db/x");
        assert_eq!(
            redact_password("postgres://db:5432/x"),
            "postgres://db:5432/x"
        );
    }

    #[test]
    fn bad_url_message_says_what_to_do() {
        let err = DatabaseLocation::parse("mysql://x/y")
            .err()
            .map(|e| e.to_string());
        let text = err.unwrap_or_default();
        assert!(text.contains("mysql"), "{text}");
        assert!(text.contains("postgres://"), "{text}");
    }
}
