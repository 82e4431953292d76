//! [`DeviceDirectory`] over the SQL store: what the device endpoint calls.

use crate::db::{BeginWrite, on_db};
use crate::error::{DeviceStoreError, is_unique};
use crate::manage::{IdRow, audit, id_cols, identity};
use crate::{DeviceStore, now_ms};
use shangyun_devices::attributes::{self, AttributeSet, Attributes, SharedAttributesUpdate};
use shangyun_devices::credentials::{self, BasicLookup, IssuedCredential, StoredBasic};
use shangyun_devices::secret;
use shangyun_devices::{
    BoxFuture, Credential, DeviceDirectory, DeviceId, DeviceIdentity, DirectoryError,
    ProvisionError, ProvisionRequest, ProvisionResponse,
};

impl DeviceStore {
    async fn by_token(&self, token: &str) -> Result<Option<DeviceIdentity>, DeviceStoreError> {
        let hash = secret::hash_token(token);
        if let Some((identity, at)) = self.inner.tokens.read().get(&hash)
            && at.elapsed() < crate::TOKEN_CACHE_TTL
        {
            return Ok(Some(identity.clone()));
        }
        let row: Option<IdRow> = on_db!(&self.inner.db, pool => sqlx::query_as(concat!(
            "SELECT ", id_cols!(),
            " FROM device_tokens t JOIN devices d ON d.id = t.device_id WHERE t.token_hash = $1"
        ))
        .bind(hash.to_vec())
        .fetch_optional(pool)
        .await)
        .map_err(|e| self.err(e))?;
        let found = row.map(identity);
        let mut cache = self.inner.tokens.write();
        match &found {
            Some(identity) => {
                if cache.len() >= crate::TOKEN_CACHE_MAX {
                    cache.clear();
                }
                cache.insert(hash, (identity.clone(), std::time::Instant::now()));
            }
            None => {
                cache.remove(&hash);
            }
        }
        Ok(found)
    }

    /// Loads every token into the lookup cache (start-up: 50k reconnects then cost no query
    /// for TOKEN_CACHE_TTL). Returns how many.
    pub async fn warm_token_cache(&self) -> Result<usize, DeviceStoreError> {
        type Row = (
            Vec<u8>,
            i64,
            String,
            Option<String>,
            Option<String>,
            bool,
            Option<i64>,
        );
        let rows: Vec<Row> = on_db!(&self.inner.db, pool => sqlx::query_as(concat!(
            "SELECT t.token_hash, ", id_cols!(),
            " FROM device_tokens t JOIN devices d ON d.id = t.device_id"
        ))
        .fetch_all(pool)
        .await)
        .map_err(|e| self.err(e))?;
        let now = std::time::Instant::now();
        let mut cache = self.inner.tokens.write();
        let mut n = 0;
        for (hash, id, name, enterprise, device_type, is_gateway, gateway) in rows {
            if let Ok(hash) = hash.try_into() {
                let identity = identity((id, name, enterprise, device_type, is_gateway, gateway));
                cache.insert(hash, (identity, now));
                n += 1;
            }
        }
        Ok(n)
    }

    /// Drops cached lookups of `device` (its credentials changed here).
    pub(crate) fn forget_device(&self, device: DeviceId) {
        self.inner.tokens.write().retain(|_, (d, _)| d.id != device);
        self.inner.passwords.forget(device);
    }

    async fn by_basic(
        &self,
        client_id: &str,
        username: Option<&str>,
        password: Option<&[u8]>,
    ) -> Result<Option<DeviceIdentity>, DeviceStoreError> {
        let cache_key = password.map(|p| secret::basic_cache_key(client_id, username, p));
        if let Some(id) = cache_key.and_then(|k| self.inner.passwords.get(&k)) {
            return self.identity_of(id).await;
        }
        for lookup in credentials::basic_lookups(client_id, username) {
            type Row = (i64, Option<String>, Option<String>, Option<String>);
            let row: Option<Row> = match lookup {
                BasicLookup::Username(u) => on_db!(&self.inner.db, pool => sqlx::query_as(
                    "SELECT device_id, client_id, username, password_phc FROM device_basic WHERE username = $1",
                ).bind(u).fetch_optional(pool).await),
                BasicLookup::ClientId(c) => on_db!(&self.inner.db, pool => sqlx::query_as(
                    "SELECT device_id, client_id, username, password_phc FROM device_basic \
                     WHERE client_id = $1 AND username IS NULL",
                ).bind(c).fetch_optional(pool).await),
            }
            .map_err(|e| self.err(e))?;
            let Some((id, client, user, phc)) = row else {
                continue;
            };
            let stored = StoredBasic {
                client_id: client,
                username: user,
                password_phc: phc,
            };
            let ok = match password {
                // argon2 on a blocking thread: it takes milliseconds of CPU
                Some(p) if stored.password_phc.is_some() => {
                    let (cid, user, p) = (
                        client_id.to_owned(),
                        username.map(str::to_owned),
                        p.to_vec(),
                    );
                    tokio::task::spawn_blocking(move || {
                        stored.matches(&cid, user.as_deref(), Some(&p))
                    })
                    .await
                    .unwrap_or(false)
                }
                _ => stored.matches(client_id, username, password),
            };
            if ok {
                if let Some(k) = cache_key {
                    self.inner.passwords.put(k, DeviceId(id));
                }
                return self.identity_of(DeviceId(id)).await;
            }
        }
        Ok(None)
    }

    /// Every device's identity (start-up of the runtime), by id.
    pub async fn all_identities(&self) -> Result<Vec<DeviceIdentity>, DeviceStoreError> {
        let rows: Vec<IdRow> = on_db!(&self.inner.db, pool => sqlx::query_as(concat!(
            "SELECT ", id_cols!(), " FROM devices d ORDER BY d.id"
        ))
        .fetch_all(pool)
        .await)
        .map_err(|e| self.err(e))?;
        Ok(rows.into_iter().map(identity).collect())
    }

    /// The identity of device `id`.
    pub async fn identity_of(
        &self,
        id: DeviceId,
    ) -> Result<Option<DeviceIdentity>, DeviceStoreError> {
        let row: Option<IdRow> = on_db!(&self.inner.db, pool => sqlx::query_as(concat!(
            "SELECT ", id_cols!(), " FROM devices d WHERE d.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(pool)
        .await)
        .map_err(|e| self.err(e))?;
        Ok(row.map(identity))
    }

    async fn child(
        &self,
        gateway: &DeviceIdentity,
        name: &str,
        device_type: Option<&str>,
    ) -> Result<DeviceIdentity, DirectoryError> {
        let gw = self
            .identity_of(gateway.id)
            .await?
            .ok_or(DirectoryError::UnknownDevice(gateway.id))?;
        if !gw.is_gateway {
            return Err(DirectoryError::NotAGateway(gateway.id));
        }
        shangyun_devices::check_device_name(name).map_err(DirectoryError::Invalid)?;
        let ent_key = gw.enterprise.clone().unwrap_or_default();
        // an unknown type from a gateway is not stored (the device stays untyped)
        let device_type = device_type.filter(|t| self.inner.types.read().contains_key(*t));
        for _ in 0..2 {
            let row: Option<IdRow> = on_db!(&self.inner.db, pool => sqlx::query_as(concat!(
                "SELECT ", id_cols!(), " FROM devices d WHERE d.ent_key = $1 AND d.name = $2"
            ))
            .bind(&ent_key)
            .bind(name)
            .fetch_optional(pool)
            .await)
            .map_err(|e| self.err(e))?;
            if let Some(row) = row {
                let child = identity(row);
                return if child.gateway == Some(gw.id) {
                    Ok(child)
                } else {
                    Err(DirectoryError::NotYourDevice {
                        gateway: gw.id,
                        name: name.to_owned(),
                    })
                };
            }
            let _w = self.inner.write.lock().await;
            let inserted = on_db!(&self.inner.db, pool => {
                let mut tx = pool.begin_write().await?;
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO devices (name, enterprise, ent_key, device_type, is_gateway, gateway_id, label, created_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) ON CONFLICT (ent_key, name) DO NOTHING RETURNING id",
                )
                .bind(name)
                .bind(&gw.enterprise)
                .bind(&ent_key)
                .bind(device_type)
                .bind(false)
                .bind(gw.id.0)
                .bind(now_ms())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(id) = id {
                    audit!(tx, format!("gateway:{}", gw.id), "device.add", Some(id), &gw.enterprise,
                        serde_json::json!({"name": name, "device_type": device_type, "gateway": gw.id}))?;
                }
                tx.commit().await?;
                Ok::<Option<i64>, sqlx::Error>(id)
            })
            .map_err(|e| self.err(e))?;
            if let Some(id) = inserted {
                return Ok(DeviceIdentity {
                    id: DeviceId(id),
                    name: name.to_owned(),
                    enterprise: gw.enterprise.clone(),
                    device_type: device_type.map(str::to_owned),
                    is_gateway: false,
                    gateway: Some(gw.id),
                });
            }
            // another connection created it between our read and write: read again
        }
        Err(DirectoryError::Backend(format!(
            "could not create or find sub-device {name:?}"
        )))
    }

    async fn provision_now(
        &self,
        request: ProvisionRequest,
    ) -> Result<ProvisionResponse, ProvisionError> {
        let key = self
            .provision_key(&request.provision_device_key)
            .await?
            .ok_or(ProvisionError::NotFound)?;
        if !key.opens(&request.provision_device_secret) {
            return Err(ProvisionError::NotFound);
        }
        let issued = credentials::issue_for(&request)?;
        let ent_key = key.enterprise.clone().unwrap_or_default();
        let _w = self.inner.write.lock().await;
        let result = on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO devices (name, enterprise, ent_key, device_type, is_gateway, gateway_id, label, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6) RETURNING id",
            )
            .bind(&request.device_name)
            .bind(&key.enterprise)
            .bind(&ent_key)
            .bind(&key.device_type)
            .bind(false)
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?;
            let prepared = match &issued {
                IssuedCredential::AccessToken(t) => crate::manage::Prepared::Token(t.clone(), secret::hash_token(t)),
                IssuedCredential::Basic { stored, .. } => crate::manage::Prepared::Basic(stored.clone()),
            };
            crate::manage::write_credential!(tx, id, &prepared);
            audit!(tx, format!("provision:{}", key.key), "device.provision", Some(id), &key.enterprise,
                serde_json::json!({"name": request.device_name}))?;
            tx.commit().await?;
            Ok::<i64, sqlx::Error>(id)
        });
        let id = match result {
            Ok(id) => id,
            Err(e) if is_unique(&e) => {
                let exists = self
                    .find_device(key.enterprise.as_deref(), &request.device_name)
                    .await?
                    .is_some();
                return Err(if exists {
                    ProvisionError::DeviceExists(request.device_name)
                } else {
                    ProvisionError::Invalid("those credentials are in use".into())
                });
            }
            Err(e) => return Err(self.err(e).into()),
        };
        let identity = DeviceIdentity {
            id: DeviceId(id),
            name: request.device_name.clone(),
            enterprise: key.enterprise.clone(),
            device_type: key.device_type.clone(),
            is_gateway: false,
            gateway: None,
        };
        Ok(match issued {
            IssuedCredential::AccessToken(token) => {
                ProvisionResponse::access_token(identity, token)
            }
            IssuedCredential::Basic {
                client_id,
                username,
                password,
                ..
            } => ProvisionResponse::mqtt_basic(
                identity,
                &client_id,
                username.as_deref(),
                password.as_deref(),
            ),
        })
    }

    async fn set_attributes(
        &self,
        device: DeviceId,
        side: &str,
        attributes: &Attributes,
    ) -> Result<(), DeviceStoreError> {
        if self.identity_of(device).await?.is_none() {
            return Err(DeviceStoreError::NotFound(format!("device {device}")));
        }
        let now = now_ms();
        let _w = self.inner.write.lock().await;
        on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            for (k, v) in attributes {
                sqlx::query(
                    "INSERT INTO device_attributes (device_id, side, key, value, updated_ms) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (device_id, side, key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms",
                )
                .bind(device.0)
                .bind(side)
                .bind(k)
                .bind(v.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })
        .map_err(|e| self.err(e))
    }

    async fn get_attributes(
        &self,
        device: DeviceId,
        client_keys: Option<&[String]>,
        shared_keys: Option<&[String]>,
    ) -> Result<AttributeSet, DeviceStoreError> {
        if self.identity_of(device).await?.is_none() {
            return Err(DeviceStoreError::NotFound(format!("device {device}")));
        }
        let rows: Vec<(String, String, String)> = on_db!(&self.inner.db, pool => sqlx::query_as(
            "SELECT side, key, value FROM device_attributes WHERE device_id = $1 ORDER BY key",
        )
        .bind(device.0)
        .fetch_all(pool)
        .await)
        .map_err(|e| self.err(e))?;
        let (mut client, mut shared) = (Attributes::new(), Attributes::new());
        for (side, k, v) in rows {
            let v = serde_json::from_str(&v).unwrap_or(serde_json::Value::String(v));
            if side == "shared" {
                shared.insert(k, v);
            } else {
                client.insert(k, v);
            }
        }
        let neither = client_keys.is_none() && shared_keys.is_none();
        Ok(AttributeSet {
            client: attributes::select(&client, client_keys, neither),
            shared: attributes::select(&shared, shared_keys, neither),
        })
    }
}

fn not_found_to_unknown(device: DeviceId) -> impl Fn(DeviceStoreError) -> DirectoryError {
    move |e| match e {
        DeviceStoreError::NotFound(_) => DirectoryError::UnknownDevice(device),
        other => other.into(),
    }
}

impl DeviceDirectory for DeviceStore {
    fn authenticate<'a>(
        &'a self,
        credential: Credential<'a>,
    ) -> BoxFuture<'a, Result<Option<DeviceIdentity>, DirectoryError>> {
        Box::pin(async move {
            match credential {
                Credential::AccessToken(t) => Ok(self.by_token(t).await?),
                Credential::Basic {
                    client_id,
                    username,
                    password,
                } => Ok(self.by_basic(client_id, username, password).await?),
            }
        })
    }

    fn gateway_child<'a>(
        &'a self,
        gateway: &'a DeviceIdentity,
        name: &'a str,
        device_type: Option<&'a str>,
    ) -> BoxFuture<'a, Result<DeviceIdentity, DirectoryError>> {
        Box::pin(self.child(gateway, name, device_type))
    }

    fn provision<'a>(
        &'a self,
        request: ProvisionRequest,
    ) -> BoxFuture<'a, Result<ProvisionResponse, ProvisionError>> {
        Box::pin(self.provision_now(request))
    }

    fn client_attributes_set<'a>(
        &'a self,
        device: DeviceId,
        attributes: Attributes,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            self.set_attributes(device, "client", &attributes)
                .await
                .map_err(not_found_to_unknown(device))
        })
    }

    fn attributes_get<'a>(
        &'a self,
        device: DeviceId,
        client_keys: Option<&'a [String]>,
        shared_keys: Option<&'a [String]>,
    ) -> BoxFuture<'a, Result<AttributeSet, DirectoryError>> {
        Box::pin(async move {
            self.get_attributes(device, client_keys, shared_keys)
                .await
                .map_err(not_found_to_unknown(device))
        })
    }

    fn shared_attributes_set<'a>(
        &'a self,
        device: DeviceId,
        attributes: Attributes,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            self.set_attributes(device, "shared", &attributes)
                .await
                .map_err(not_found_to_unknown(device))?;
            let _ = self.inner.shared_tx.send(SharedAttributesUpdate {
                device,
                values: attributes,
            });
            Ok(())
        })
    }

    fn shared_updates(&self) -> tokio::sync::broadcast::Receiver<SharedAttributesUpdate> {
        self.inner.shared_tx.subscribe()
    }

    fn device<'a>(
        &'a self,
        id: DeviceId,
    ) -> BoxFuture<'a, Result<Option<DeviceIdentity>, DirectoryError>> {
        Box::pin(async move { Ok(self.identity_of(id).await?) })
    }
}
