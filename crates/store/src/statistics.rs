//! Planner statistics. Choosing between the region, industry and derived indices for the SQL
//! search path (requests the listing index does not hold) needs to know that a province holds
//! ~3% of the registry and a county ~0.03%; without statistics SQLite guesses and reads a
//! province through the wrong index. Refreshed after every import and demo load,
//! the writes that change the distribution.

use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use crate::postgres::PgBackend;
use crate::sqlite::SqliteBackend;

pub(crate) trait Statistics: Backend {
    async fn refresh_statistics(&self) -> StoreResult<()>;
}

impl Statistics for SqliteBackend {
    async fn refresh_statistics(&self) -> StoreResult<()> {
        // analysis_limit samples about this many rows per index: milliseconds on a registry
        // of millions, and close enough for choosing an index.
        let mut conn = self
            .pool()
            .acquire()
            .await
            .map_err(|e| StoreError::from_sqlx(self.target(), e))?;
        for statement in [
            "PRAGMA analysis_limit = 2000",
            "ANALYZE",
            "PRAGMA analysis_limit = 0",
        ] {
            sqlx::query(statement)
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::from_sqlx(self.target(), e))?;
        }
        Ok(())
    }
}

impl Statistics for PgBackend {
    async fn refresh_statistics(&self) -> StoreResult<()> {
        // Autovacuum would get there; a listing right after a bulk import should not wait.
        sqlx::query("ANALYZE enterprises, derived")
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::from_sqlx(self.target(), e))?;
        Ok(())
    }
}
