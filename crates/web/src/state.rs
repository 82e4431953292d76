//! What every handler shares.

use crate::accounts::Accounts;
use crate::db::Db;
use crate::error::WebError;
use crate::throttle::Throttle;
use shangyun_store::{DatabaseLocation, OpenOptions, Registry};
use std::sync::Arc;

/// Tunables of the server. `Default` is right for `127.0.0.1` without TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebOptions {
    /// Mark cookies `Secure` (set when the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// The largest request body accepted (uploads excepted); larger ones get 413.
    pub body_limit: usize,
    /// The largest import file accepted; larger uploads get 413.
    pub upload_limit: usize,
    /// Where uploaded import files and their error reports are kept (`imports/` inside).
    pub data_dir: std::path::PathBuf,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            secure_cookies: false,
            body_limit: 1024 * 1024,
            upload_limit: 64 * 1024 * 1024,
            data_dir: std::path::PathBuf::from(shangyun_store::DEFAULT_DATA_DIR),
        }
    }
}

/// The registry, the account tables, the login throttle and the options.
#[derive(Clone, Debug)]
pub struct AppState {
    pub registry: Registry,
    pub accounts: Accounts,
    pub throttle: Arc<Throttle>,
    pub options: Arc<WebOptions>,
    /// The device ingest core behind `POST /api/v1/{token}/telemetry|attributes`; `None` when
    /// the server runs without telemetry (those routes then answer 503).
    pub devices: Option<shangyun_ingest::Ingest>,
    /// Device management (`/api/v1/devices…`, alarms): the device store on the registry's
    /// database.
    pub device_store: Option<shangyun_device_store::DeviceStore>,
    /// The embedded time-series store the ingest core writes to, for energy, carbon and
    /// evidence; `None` when the server runs without telemetry (those routes then answer 503).
    pub telemetry: Option<Arc<shangyun_tsdb::Tsdb>>,
    /// Import jobs started from the console.
    pub jobs: Arc<crate::jobs::ImportJobs>,
    /// Server-side RPC to devices connected to this node (the MQTT endpoint's hub); `None`
    /// when the endpoint does not run here (`POST /api/v1/devices/{id}/rpc` then answers 503).
    pub rpc: Option<DeviceRpcHandle>,
}

/// The device endpoint's RPC, shared by the handlers.
#[derive(Clone)]
pub struct DeviceRpcHandle(pub Arc<dyn shangyun_devices::DeviceRpc>);

impl std::fmt::Debug for DeviceRpcHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceRpcHandle")
    }
}

impl AppState {
    /// Serves the HTTP device API through `ingest`.
    pub fn with_devices(mut self, ingest: shangyun_ingest::Ingest) -> Self {
        self.devices = Some(ingest);
        self
    }

    /// Sends server-side RPC through `rpc` (the device endpoint of this process).
    pub fn with_rpc(mut self, rpc: Arc<dyn shangyun_devices::DeviceRpc>) -> Self {
        self.rpc = Some(DeviceRpcHandle(rpc));
        self
    }

    /// Reads energy and evidence from `tsdb` (the store the ingest core writes to).
    pub fn with_telemetry(mut self, tsdb: Arc<shangyun_tsdb::Tsdb>) -> Self {
        self.telemetry = Some(tsdb);
        self
    }

    /// Opens the registry at `location` (migrating it) and the account tables beside it.
    pub async fn open(location: &DatabaseLocation, options: WebOptions) -> Result<Self, WebError> {
        let registry = Registry::open_location(
            location,
            &OpenOptions {
                actor: "web".to_owned(),
                ..OpenOptions::default()
            },
        )
        .await?;
        Self::with_registry(registry, options).await
    }

    /// Uses an already opened registry; opens the account tables on the same database.
    pub async fn with_registry(registry: Registry, options: WebOptions) -> Result<Self, WebError> {
        let db = Db::open(registry.location()).await?;
        let device_store = shangyun_device_store::DeviceStore::open_location(registry.location())
            .await
            .map_err(|e| WebError::Database {
                target: registry.location().display_target(),
                reason: e.to_string(),
            })?;
        Ok(AppState {
            registry,
            accounts: Accounts::new(db),
            throttle: Arc::new(Throttle::default()),
            options: Arc::new(options),
            devices: None,
            device_store: Some(device_store),
            telemetry: None,
            jobs: Arc::default(),
            rpc: None,
        })
    }
}
