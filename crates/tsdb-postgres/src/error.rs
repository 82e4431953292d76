//! Errors of the PostgreSQL store.

/// Something the PostgreSQL store could not do.
#[derive(Debug, thiserror::Error)]
pub enum PgTsdbError {
    /// The batch was refused before anything was written (same rules as the embedded store).
    #[error("invalid batch: {0}")]
    Invalid(#[from] shangyun_tsdb::ValidationError),
    /// The connection URL could not be parsed.
    #[error("bad PostgreSQL URL: {0}")]
    Url(sqlx::Error),
    /// The server refused or failed a statement; nothing of the write is stored.
    #[error("PostgreSQL: {0}")]
    Db(#[from] sqlx::Error),
    /// A query's interval is not positive.
    #[error("aggregation interval must be at least 1 ms, got {0}")]
    Interval(i64),
    /// A stored row broke the layout's rules (no value column set).
    #[error("stored row of series {series_id} at {ts} has no value")]
    Corrupt {
        /// The series id.
        series_id: i32,
        /// The timestamp.
        ts: i64,
    },
}

impl PgTsdbError {
    /// A transient conflict between concurrent writers worth retrying: deadlock detected
    /// (40P01), serialization failure (40001), a unique violation from racing inserts (23505),
    /// or a row with no partition (23514: another node's retention dropped it).
    pub(crate) fn retryable(&self) -> bool {
        match self {
            PgTsdbError::Db(sqlx::Error::Database(e)) => {
                matches!(
                    e.code().as_deref(),
                    Some("40P01" | "40001" | "23505" | "23514")
                )
            }
            _ => false,
        }
    }
}
