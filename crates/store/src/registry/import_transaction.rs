//! [`ImportTransaction`]: one write transaction that an import fills with several batches.
//!
//! Each commit writes every page it dirtied to the WAL (SQLite) once, and USCC keys are
//! random, so a batch dirties pages all over every index: the fewer commits, the fewer times
//! each page is written (1m rows into SQLite: 27.8 s with a transaction per 50k-row batch,
//! 24.2–24.3 s with up to 200k rows per transaction). Batches stay small, so memory does not
//! grow with the transaction.

use super::{Backends, Registry};
use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use crate::flows::{self, AuditMode, PreparedBatch};
use crate::postgres::PgBackend;
use crate::records::{BatchProgress, UpsertSummary};
use crate::sqlite::SqliteBackend;

/// An open write transaction of an import, holding the registry's write lock until
/// [`commit`](ImportTransaction::commit). Dropped without a commit, it rolls back: the
/// journal then still says where the import resumes.
pub struct ImportTransaction<'r> {
    registry: &'r Registry,
    open: Open<'r>,
    /// What the batches wrote, for the listing index after the commit.
    usccs: Vec<String>,
}

enum Open<'r> {
    Sqlite(&'r SqliteBackend, sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(&'r PgBackend, sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Registry {
    /// Starts a write transaction for import batches; see [`ImportTransaction`]. Waits for
    /// another writer's lock as every write does.
    pub async fn begin_import_transaction(&self) -> StoreResult<ImportTransaction<'_>> {
        let open = match &*self.backend {
            Backends::Sqlite(b) => Open::Sqlite(b, b.begin_import_write().await?),
            Backends::Postgres(b) => Open::Postgres(b, b.begin_write().await?),
        };
        Ok(ImportTransaction {
            registry: self,
            open,
            usccs: Vec::new(),
        })
    }
}

impl ImportTransaction<'_> {
    /// Writes a prepared batch and advances its import journal, as
    /// [`Registry::commit_import_batch`] does, but leaves the transaction open.
    pub async fn write(
        &mut self,
        progress: &BatchProgress,
        batch: PreparedBatch,
    ) -> StoreResult<UpsertSummary> {
        self.usccs.extend(batch.usccs());
        let actor = &*self.registry.actor;
        let mode = AuditMode::ImportBatch(progress);
        match &mut self.open {
            Open::Sqlite(b, tx) => flows::write_prepared_in(*b, tx, actor, batch, mode).await,
            Open::Postgres(b, tx) => flows::write_prepared_in(*b, tx, actor, batch, mode).await,
        }
    }

    /// Commits every batch written, then brings them into the listing index.
    pub async fn commit(self) -> StoreResult<()> {
        match self.open {
            Open::Sqlite(b, mut tx) => {
                b.end_import_write(&mut tx).await?;
                tx.commit()
                    .await
                    .map_err(|e| StoreError::from_sqlx(b.target(), e))?;
                b.import_committed();
                Ok(())
            }
            Open::Postgres(b, tx) => tx
                .commit()
                .await
                .map_err(|e| StoreError::from_sqlx(b.target(), e)),
        }?;
        self.registry.relist(self.usccs).await;
        Ok(())
    }
}
