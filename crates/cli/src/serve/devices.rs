//! `shangyun serve`: the equipment-to-cloud half in the same process — the
//! device store (same database as the registry), its runtime (presence, alarms), the embedded
//! time-series store in `<data_dir>/tsdb`, one ingest core shared by the MQTT device endpoint
//! and the HTTP device API (`POST /api/v1/{token}/telemetry|attributes`, `/api/v1/provision`);
//! server-side RPC from the API (`POST /api/v1/devices/{id}/rpc`) through the endpoint's hub.

use shangyun_device_endpoint::{Endpoint, EndpointConfig};
use shangyun_device_store::{DeviceRuntime, RuntimeOptions};
use shangyun_devices::DeviceDirectory;
use shangyun_ingest::{Ingest, IngestConfig};
use shangyun_store::DatabaseLocation;
use shangyun_web::{AppState, WebOptions};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the MQTT device endpoint listens: plain TCP, TLS (address, certificate chain PEM,
/// key PEM), or both.
pub struct MqttListeners {
    pub plain: Option<SocketAddr>,
    pub tls: Option<(SocketAddr, (PathBuf, PathBuf))>,
}

/// Serves the web server (with the HTTP device API) on `listen` and, when given, the MQTT
/// device endpoint on `mqtt`.
pub fn serve_with_devices(
    location: &DatabaseLocation,
    web: WebOptions,
    listen: SocketAddr,
    mqtt: MqttListeners,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let tsdb_dir = web.data_dir.join("tsdb");
        let state = AppState::open(location, web)
            .await
            .map_err(|e| e.to_string())?;
        // The web state opened the device store on the registry's database: share it.
        let store = state
            .device_store
            .clone()
            .ok_or("the device store is not open")?;
        let devices = DeviceRuntime::start(store.clone(), RuntimeOptions::default())
            .await
            .map_err(|e| format!("device runtime: {e}"))?;
        let (tsdb, report) = shangyun_tsdb::Tsdb::open(&tsdb_dir, Default::default())
            .map_err(|e| format!("time-series store {}: {e}", tsdb_dir.display()))?;
        eprintln!(
            "时序库 / time-series store {}: replayed {} WAL records, {} torn tails truncated, {} damaged chunk files",
            tsdb_dir.display(),
            report.wal.records,
            report.wal.truncated_tails.len(),
            report.damaged_chunk_files.len()
        );
        let directory: Arc<dyn DeviceDirectory> = Arc::new(store);
        // The same store serves the energy, carbon and evidence routes.
        let tsdb = Arc::new(tsdb);
        let ingest = Ingest::new(tsdb.clone(), directory, IngestConfig::default())
            .with_presence(devices.presence.clone())
            .with_alarms(devices.alarms.clone(), devices.alarm_events.clone());
        let endpoint = Endpoint::new(
            ingest.clone(),
            EndpointConfig::default(),
            Some(devices.presence.clone()),
        );
        let mut state = state.with_devices(ingest).with_telemetry(tsdb);
        if mqtt.plain.is_some() || mqtt.tls.is_some() {
            // Server-side RPC from the API goes through this endpoint's hub.
            state = state.with_rpc(Arc::new(endpoint.clone()));
        }
        if let Some(addr) = mqtt.plain {
            let listener =
                Endpoint::bind(addr).map_err(|e| format!("MQTT listener {addr}: {e}"))?;
            eprintln!("MQTT 设备接入 / MQTT device endpoint: {addr}");
            let endpoint = endpoint.clone();
            tokio::spawn(async move { endpoint.serve(listener).await });
        }
        if let Some((addr, (cert, key))) = mqtt.tls {
            let acceptor = shangyun_device_endpoint::tls_acceptor(&cert, &key)?;
            let listener =
                Endpoint::bind(addr).map_err(|e| format!("MQTTS listener {addr}: {e}"))?;
            eprintln!("MQTT over TLS 设备接入 / MQTTS device endpoint: {addr}");
            tokio::spawn(async move { endpoint.serve_tls(listener, acceptor).await });
        }
        let served = shangyun_web::serve(state, listen).await;
        devices.shutdown().await;
        served.map_err(|e| e.to_string())
    })
}
