//! The import journal's statements, written once for both backends. The SQL is portable
//! (`$N` placeholders, which sqlx-sqlite binds by number too; `CASE` instead of SQLite's
//! two-argument `max` / PostgreSQL's `GREATEST`), so the only difference between the backends
//! is the connection type, which the macro takes from the `Backend` impl it is expanded in.

/// Expands, inside `impl Backend for …`, to the journal methods of [`Backend`]
/// (`insert_import`, `imports_by_hash`, `get_import`, `advance_import`, `finish_import`).
/// The impl's type must have `fn err(&self, sqlx::Error) -> StoreError`.
///
/// [`Backend`]: crate::backend::Backend
macro_rules! journal_statements {
    () => {
        async fn insert_import(
            &self,
            conn: &mut $crate::backend::Conn<Self>,
            file_name: &str,
            file_hash: &str,
            actor: &str,
            now: chrono::DateTime<chrono::Utc>,
        ) -> $crate::error::StoreResult<$crate::records::ImportJournal> {
            let row = sqlx::query(
                "INSERT INTO imports (file_name, file_hash, actor, started_at) \
                 VALUES ($1, $2, $3, $4) RETURNING *",
            )
            .bind(file_name)
            .bind(file_hash)
            .bind(actor)
            .bind(now)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
            $crate::journal::journal_from!(row).map_err(|e| self.err(e))
        }

        async fn imports_by_hash(
            &self,
            conn: &mut $crate::backend::Conn<Self>,
            file_hash: Option<&str>,
        ) -> $crate::error::StoreResult<Vec<$crate::records::ImportJournal>> {
            let rows = match file_hash {
                Some(hash) => {
                    sqlx::query("SELECT * FROM imports WHERE file_hash = $1 ORDER BY id DESC")
                        .bind(hash)
                        .fetch_all(&mut *conn)
                        .await
                }
                None => {
                    sqlx::query("SELECT * FROM imports ORDER BY id DESC")
                        .fetch_all(&mut *conn)
                        .await
                }
            }
            .map_err(|e| self.err(e))?;
            rows.iter()
                .map(|row| $crate::journal::journal_from!(row).map_err(|e| self.err(e)))
                .collect()
        }

        async fn get_import(
            &self,
            conn: &mut $crate::backend::Conn<Self>,
            id: i64,
        ) -> $crate::error::StoreResult<Option<$crate::records::ImportJournal>> {
            let row = sqlx::query("SELECT * FROM imports WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| self.err(e))?;
            row.map(|r| $crate::journal::journal_from!(r).map_err(|e| self.err(e)))
                .transpose()
        }

        async fn advance_import(
            &self,
            conn: &mut $crate::backend::Conn<Self>,
            progress: &$crate::records::BatchProgress,
        ) -> $crate::error::StoreResult<bool> {
            let done = sqlx::query(
                "UPDATE imports SET rows_through = CASE WHEN rows_through > $1 \
                 THEN rows_through ELSE $1 END, rows_ok = rows_ok + $2, \
                 rows_bad = rows_bad + $3 WHERE id = $4",
            )
            .bind($crate::rows::signed(progress.rows_through))
            .bind($crate::rows::signed(progress.rows_ok))
            .bind($crate::rows::signed(progress.rows_bad))
            .bind(progress.import_id)
            .execute(&mut *conn)
            .await
            .map_err(|e| self.err(e))?;
            Ok(done.rows_affected() == 1)
        }

        async fn finish_import(
            &self,
            conn: &mut $crate::backend::Conn<Self>,
            id: i64,
            now: chrono::DateTime<chrono::Utc>,
        ) -> $crate::error::StoreResult<bool> {
            let done = sqlx::query("UPDATE imports SET finished_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(|e| self.err(e))?;
            Ok(done.rows_affected() == 1)
        }
    };
}

/// A journal entry from a row of `imports` (`SELECT *`), as `Result<_, sqlx::Error>`.
macro_rules! journal_from {
    ($row:expr) => {{
        use sqlx::Row as _;
        let row = &$row;
        (|| -> Result<$crate::records::ImportJournal, sqlx::Error> {
            Ok($crate::records::ImportJournal {
                id: row.try_get("id")?,
                file_name: row.try_get("file_name")?,
                file_hash: row.try_get("file_hash")?,
                actor: row.try_get("actor")?,
                started_at: row.try_get("started_at")?,
                finished_at: row.try_get("finished_at")?,
                rows_through: $crate::rows::count(row.try_get("rows_through")?),
                rows_ok: $crate::rows::count(row.try_get("rows_ok")?),
                rows_bad: $crate::rows::count(row.try_get("rows_bad")?),
            })
        })()
    }};
}

pub(crate) use {journal_from, journal_statements};
