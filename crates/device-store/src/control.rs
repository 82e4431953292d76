//! The audit entry of a command sent to a device (server-side RPC from the API). Nothing in
//! the store changes, so the entry is one statement of its own.

use crate::DeviceStore;
use crate::db::on_db;
use crate::error::DeviceStoreResult;
use crate::manage::audit;
use shangyun_devices::DeviceId;

impl DeviceStore {
    /// Records that `actor` sent RPC `detail` (method, params, outcome) to `device`.
    pub async fn record_rpc(
        &self,
        device: DeviceId,
        enterprise: Option<&str>,
        actor: &str,
        detail: serde_json::Value,
    ) -> DeviceStoreResult<()> {
        on_db!(&self.inner.db, pool => {
            let mut conn = pool.acquire().await?;
            audit!(conn, actor, "device.rpc", Some(device.0), enterprise, detail).map(|_| ())
        })
        .map_err(|e| self.err(e))
    }
}
