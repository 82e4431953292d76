//! The shared shape of the code-list files: a header, then `code<TAB>name<TAB>parent<TAB>level`.

use crate::list_error::{ListError, ListErrorKind};

/// The header every code list starts with.
pub(crate) const HEADER: [&str; 4] = ["code", "name", "parent", "level"];

/// One data line, split into its four fields, with its 1-based line number.
pub(crate) struct Row<'a> {
    pub line: usize,
    pub code: &'a str,
    pub name: &'a str,
    pub parent: &'a str,
    pub level: &'a str,
}

/// Splits `text` into rows after checking the header. Blank lines and lines starting with `#`
/// are skipped so that a maintainer can annotate a list; a UTF-8 BOM and CRLF endings are accepted
/// because lists exported from spreadsheets on Windows carry them.
pub(crate) fn rows(text: &str) -> Result<Vec<Row<'_>>, ListError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(ListError {
            line: 1,
            column: 0,
            kind: ListErrorKind::Empty,
        });
    };
    let found: Vec<&str> = header.split('\t').map(str::trim).collect();
    if found != HEADER {
        return Err(ListError {
            line: header_line,
            column: 0,
            kind: ListErrorKind::BadHeader {
                found: header.to_owned(),
            },
        });
    }
    lines
        .map(|(line, l)| {
            let fields: Vec<&str> = l.split('\t').map(str::trim).collect();
            match fields[..] {
                [code, name, parent, level] => {
                    if name.is_empty() {
                        return Err(ListError {
                            line,
                            column: 2,
                            kind: ListErrorKind::EmptyName,
                        });
                    }
                    Ok(Row {
                        line,
                        code,
                        name,
                        parent,
                        level,
                    })
                }
                _ => Err(ListError {
                    line,
                    column: 0,
                    kind: ListErrorKind::FieldCount {
                        found: fields.len(),
                    },
                }),
            }
        })
        .collect()
}
