//! `shangyun-device-store` — devices in SQLite (embedded default) or PostgreSQL.
//!
//! [`DeviceStore`] holds devices, their credentials (token hashes, argon2 MQTT passwords),
//! provisioning keys, device types (thing models), attributes, presence, alarm rules per
//! device, alarm history and an audit log of every management write; it implements
//! [`shangyun_devices::DeviceDirectory`] for the device endpoint. It may share the registry's
//! database (own migrations table `_devices_migrations`); when the registry's `enterprises`
//! table is there, a device's enterprise must exist in it.

mod control;
mod db;
mod directory;
mod error;
mod manage;
mod records;
mod runtime;
mod state;

pub use error::{DeviceStoreError, DeviceStoreResult};
pub use records::{
    AlarmFilter, AlarmRecord, AuditRecord, CredentialKind, CredentialSpec, DeviceFilter,
    DeviceRecord, Issued, NewDeviceSpec, ProvisionKeyRecord,
};
pub use runtime::{DeviceRuntime, RuntimeCounters, RuntimeOptions};

use db::Db;
use parking_lot::RwLock;
use shangyun_devices::credentials::PasswordCache;
use shangyun_devices::{DeviceIdentity, SharedAttributesUpdate, ThingModel};
use shangyun_store::DatabaseLocation;
use std::collections::HashMap;
use std::sync::Arc;

/// The device store. Cheap to clone.
#[derive(Clone)]
pub struct DeviceStore {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    target: String,
    /// Serialises write transactions (SQLite allows one writer; queueing here avoids busy
    /// upgrades).
    write: tokio::sync::Mutex<()>,
    passwords: PasswordCache,
    shared_tx: tokio::sync::broadcast::Sender<SharedAttributesUpdate>,
    types: RwLock<HashMap<String, ThingModel>>,
    has_registry: bool,
    /// Token hash → identity, so that reconnects do not each cost a query. Dropped per device
    /// by this process's rotations and revocations at once; a change made by another process
    /// (the CLI, another node) takes effect within [`TOKEN_CACHE_TTL`].
    tokens:
        RwLock<HashMap<shangyun_devices::secret::TokenHash, (DeviceIdentity, std::time::Instant)>>,
}

/// How long a cached token lookup is trusted.
pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(30);
/// Cached tokens before the cache starts over.
const TOKEN_CACHE_MAX: usize = 1_000_000;

impl std::fmt::Debug for DeviceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceStore")
            .field("target", &self.inner.target)
            .finish_non_exhaustive()
    }
}

impl DeviceStore {
    /// Opens the store at a `--database` value (path, `sqlite:` or `postgres://` URL), applies
    /// migrations and installs the built-in device types.
    pub async fn open(database: &str) -> DeviceStoreResult<Self> {
        let location = DatabaseLocation::parse(database)
            .map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
        Self::open_location(&location).await
    }

    pub async fn open_location(location: &DatabaseLocation) -> DeviceStoreResult<Self> {
        let (db, target) = Db::open(location).await?;
        let has_registry = db
            .has_registry()
            .await
            .map_err(|e| DeviceStoreError::db(&target, e))?;
        let store = DeviceStore {
            inner: Arc::new(Inner {
                db,
                target,
                write: tokio::sync::Mutex::new(()),
                passwords: PasswordCache::default(),
                shared_tx: tokio::sync::broadcast::channel(4096).0,
                types: RwLock::new(HashMap::new()),
                has_registry,
                tokens: RwLock::new(HashMap::new()),
            }),
        };
        store.install_builtin_types().await?;
        store.reload_types().await?;
        Ok(store)
    }

    /// The database, for messages (no password).
    pub fn target(&self) -> &str {
        &self.inner.target
    }

    /// Whether device enterprises are checked against the registry in this database.
    pub fn checks_registry(&self) -> bool {
        self.inner.has_registry
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.inner.db.close().await;
    }

    fn err(&self, e: sqlx::Error) -> DeviceStoreError {
        DeviceStoreError::db(&self.inner.target, e)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
