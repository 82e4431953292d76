//! Errors of the device store.

use shangyun_devices::{DirectoryError, ProvisionError};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum DeviceStoreError {
    /// The database failed or is unreachable (message without password).
    #[error("device database {target}: {message}")]
    Database { target: String, message: String },
    /// Input the store refuses (bad name, bad credentials, unknown device type …).
    #[error("{0}")]
    Invalid(String),
    /// Something named does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A unique name or credential is taken.
    #[error("{0}")]
    Conflict(String),
    /// The enterprise is not in the registry.
    #[error("enterprise {0} is not in the registry")]
    UnknownEnterprise(String),
}

pub type DeviceStoreResult<T> = Result<T, DeviceStoreError>;

impl DeviceStoreError {
    pub(crate) fn db(target: &str, e: sqlx::Error) -> Self {
        DeviceStoreError::Database {
            target: target.to_owned(),
            message: e.to_string(),
        }
    }
}

/// Whether `e` is a unique-constraint violation.
pub(crate) fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl From<DeviceStoreError> for DirectoryError {
    fn from(e: DeviceStoreError) -> Self {
        match e {
            DeviceStoreError::Database { .. } => DirectoryError::Backend(e.to_string()),
            other => DirectoryError::Invalid(other.to_string()),
        }
    }
}

impl From<DeviceStoreError> for ProvisionError {
    fn from(e: DeviceStoreError) -> Self {
        match e {
            DeviceStoreError::Database { .. } => ProvisionError::Backend(e.to_string()),
            DeviceStoreError::Conflict(m) => ProvisionError::Invalid(m),
            other => ProvisionError::Invalid(other.to_string()),
        }
    }
}
