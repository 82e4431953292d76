//! Management writes and reads: devices, credentials, provisioning keys, device types. Every
//! write runs in one transaction with its audit entry.

use crate::db::{BeginWrite, on_db};
use crate::error::{DeviceStoreError, DeviceStoreResult, is_unique};
use crate::records::{
    CredentialKind, CredentialSpec, DeviceFilter, DeviceRecord, Issued, NewDeviceSpec,
    ProvisionKeyRecord,
};
use crate::{DeviceStore, now_ms};
use shangyun_devices::credentials::{ProvisionKey, StoredBasic, check_chosen_token};
use shangyun_devices::secret::{self, TokenHash};
use shangyun_devices::thing_model::{self, ThingModel};
use shangyun_devices::{DeviceId, DeviceIdentity, check_device_name};
use sqlx::AssertSqlSafe;

/// Columns of a [`DeviceIdentity`] from `devices d`.
macro_rules! id_cols {
    () => {
        "d.id, d.name, d.enterprise, d.device_type, d.is_gateway, d.gateway_id"
    };
}
pub(crate) use id_cols;

pub(crate) type IdRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    bool,
    Option<i64>,
);

pub(crate) fn identity(r: IdRow) -> DeviceIdentity {
    DeviceIdentity {
        id: DeviceId(r.0),
        name: r.1,
        enterprise: r.2,
        device_type: r.3,
        is_gateway: r.4,
        gateway: r.5.map(DeviceId),
    }
}

/// Writes one audit row inside transaction `$tx`.
macro_rules! audit {
    ($tx:expr, $actor:expr, $action:expr, $device:expr, $enterprise:expr, $detail:expr) => {
        sqlx::query(
            "INSERT INTO device_audit (at_ms, actor, action, device_id, enterprise, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($crate::now_ms())
        .bind($actor)
        .bind($action)
        .bind($device)
        .bind($enterprise)
        .bind(serde_json::Value::to_string(&$detail))
        .execute(&mut *$tx)
        .await
    };
}
pub(crate) use audit;

/// Inserts prepared credentials for device `$id` inside transaction `$tx`.
macro_rules! write_credential {
    ($tx:expr, $id:expr, $prepared:expr) => {
        match $prepared {
            $crate::manage::Prepared::Token(_, hash) => {
                sqlx::query(
                    "INSERT INTO device_tokens (token_hash, device_id, created_ms) VALUES ($1, $2, $3)",
                )
                .bind(hash.to_vec())
                .bind($id)
                .bind($crate::now_ms())
                .execute(&mut *$tx)
                .await?;
            }
            $crate::manage::Prepared::Basic(b) => {
                sqlx::query(
                    "INSERT INTO device_basic (device_id, client_id, username, password_phc, created_ms) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind($id)
                .bind(&b.client_id)
                .bind(&b.username)
                .bind(&b.password_phc)
                .bind($crate::now_ms())
                .execute(&mut *$tx)
                .await?;
            }
            $crate::manage::Prepared::None => {}
        }
    };
}
pub(crate) use write_credential;

type KeyRow = (String, Option<String>, Option<String>, bool, i64);
type KeySecretRow = (String, Vec<u8>, Option<String>, Option<String>, bool);

enum Bind {
    Text(String),
    Int(i64),
}

type RecordRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    bool,
    Option<i64>,
    Option<String>,
    i64,
    bool,
    bool,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<i64>,
);

const RECORD_SELECT: &str = concat!(
    "SELECT ",
    id_cols!(),
    ", d.label, d.created_ms, t.device_id IS NOT NULL, b.device_id IS NOT NULL, b.client_id, \
     b.username, p.online, p.last_activity_ms \
     FROM devices d \
     LEFT JOIN device_tokens t ON t.device_id = d.id \
     LEFT JOIN device_basic b ON b.device_id = d.id \
     LEFT JOIN device_presence p ON p.device_id = d.id"
);

fn record(r: RecordRow) -> DeviceRecord {
    DeviceRecord {
        identity: identity((r.0, r.1, r.2, r.3, r.4, r.5)),
        label: r.6,
        created_ms: r.7,
        credentials: if r.8 {
            CredentialKind::AccessToken
        } else if r.9 {
            CredentialKind::MqttBasic
        } else {
            CredentialKind::None
        },
        client_id: r.10,
        username: r.11,
        online: r.12.unwrap_or(false),
        last_activity_ms: r.13,
    }
}

impl DeviceStore {
    // ---- device types ----

    /// Stores the built-in thing models (updating earlier built-in versions, never a type an
    /// administrator replaced).
    pub(crate) async fn install_builtin_types(&self) -> DeviceStoreResult<()> {
        let models =
            thing_model::builtin().map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
        let _w = self.inner.write.lock().await;
        for m in &models {
            let json =
                serde_json::to_string(m).map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
            on_db!(&self.inner.db, pool => sqlx::query(
                "INSERT INTO device_types (name, model, builtin, updated_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET model = excluded.model, updated_ms = excluded.updated_ms \
                 WHERE device_types.builtin AND device_types.model <> excluded.model",
            )
            .bind(&m.name)
            .bind(&json)
            .bind(true)
            .bind(now_ms())
            .execute(pool)
            .await
            .map(|_| ()))
            .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    pub(crate) async fn reload_types(&self) -> DeviceStoreResult<()> {
        let rows: Vec<(String, String)> = on_db!(&self.inner.db, pool =>
            sqlx::query_as("SELECT name, model FROM device_types").fetch_all(pool).await)
        .map_err(|e| self.err(e))?;
        let mut types = std::collections::HashMap::new();
        for (name, json) in rows {
            match serde_json::from_str::<ThingModel>(&json) {
                Ok(m) => {
                    types.insert(name, m);
                }
                Err(e) => {
                    return Err(DeviceStoreError::Invalid(format!(
                        "stored device type {name:?} does not parse: {e}"
                    )));
                }
            }
        }
        *self.inner.types.write() = types;
        Ok(())
    }

    /// Adds or replaces a device type (a thing model already checked by
    /// `shangyun_devices::thing_model::parse`).
    pub async fn put_device_type(&self, model: &ThingModel, actor: &str) -> DeviceStoreResult<()> {
        let json =
            serde_json::to_string(model).map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
        {
            let _w = self.inner.write.lock().await;
            on_db!(&self.inner.db, pool => {
                let mut tx = pool.begin_write().await?;
                sqlx::query(
                    "INSERT INTO device_types (name, model, builtin, updated_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (name) DO UPDATE SET model = excluded.model, builtin = excluded.builtin, \
                     updated_ms = excluded.updated_ms",
                )
                .bind(&model.name)
                .bind(&json)
                .bind(false)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
                audit!(tx, actor, "device_type.put", None::<i64>, None::<String>,
                    serde_json::json!({"name": model.name}))?;
                tx.commit().await
            })
            .map_err(|e| self.err(e))?;
        }
        self.reload_types().await
    }

    /// Every device type, by name.
    pub fn device_types(&self) -> Vec<ThingModel> {
        let mut all: Vec<ThingModel> = self.inner.types.read().values().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// One device type.
    pub fn device_type(&self, name: &str) -> Option<ThingModel> {
        self.inner.types.read().get(name).cloned()
    }

    // ---- devices ----

    /// Checks an enterprise id: normalised, a well-formed USCC, and in the registry when the
    /// registry shares this database.
    pub(crate) async fn check_enterprise(&self, given: &str) -> DeviceStoreResult<String> {
        let uscc = shangyun_ids::normalize(given);
        if self.inner.has_registry {
            let n: i64 = on_db!(&self.inner.db, pool =>
                sqlx::query_scalar("SELECT count(*) FROM enterprises WHERE uscc = $1")
                    .bind(&uscc).fetch_one(pool).await)
            .map_err(|e| self.err(e))?;
            if n == 0 {
                return Err(DeviceStoreError::UnknownEnterprise(uscc));
            }
        } else {
            shangyun_ids::Uscc::parse(&uscc)
                .map_err(|e| DeviceStoreError::Invalid(format!("enterprise {uscc:?}: {e}")))?;
        }
        Ok(uscc)
    }

    fn check_type(&self, device_type: Option<&str>) -> DeviceStoreResult<()> {
        match device_type {
            Some(t) if !self.inner.types.read().contains_key(t) => Err(DeviceStoreError::Invalid(
                format!("unknown device type {t:?} (see `shangyun devices types list`)"),
            )),
            _ => Ok(()),
        }
    }

    /// Registers a device and gives it credentials (the secret is in [`Issued`], once).
    pub async fn add_device(
        &self,
        spec: NewDeviceSpec,
        credential: CredentialSpec,
        actor: &str,
    ) -> DeviceStoreResult<(DeviceIdentity, Issued)> {
        check_device_name(&spec.name).map_err(DeviceStoreError::Invalid)?;
        let enterprise = match spec.enterprise.as_deref() {
            Some(e) => Some(self.check_enterprise(e).await?),
            None => None,
        };
        self.check_type(spec.device_type.as_deref())?;
        let prepared = prepare_credential(&credential)?;
        let _w = self.inner.write.lock().await;
        let ent_key = enterprise.clone().unwrap_or_default();
        let result = on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO devices (name, enterprise, ent_key, device_type, is_gateway, gateway_id, label, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, NULL, $6, $7) RETURNING id",
            )
            .bind(&spec.name)
            .bind(&enterprise)
            .bind(&ent_key)
            .bind(&spec.device_type)
            .bind(spec.is_gateway)
            .bind(&spec.label)
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?;
            write_credential!(tx, id, &prepared);
            audit!(tx, actor, "device.add", Some(id), &enterprise, serde_json::json!({
                "name": spec.name, "device_type": spec.device_type, "is_gateway": spec.is_gateway,
                "credentials": prepared.kind(),
            }))?;
            tx.commit().await?;
            Ok::<i64, sqlx::Error>(id)
        });
        let id = result.map_err(|e| {
            self.conflict_or(
                e,
                "a device of that name, or those credentials, exist already",
            )
        })?;
        let identity = DeviceIdentity {
            id: DeviceId(id),
            name: spec.name,
            enterprise,
            device_type: spec.device_type,
            is_gateway: spec.is_gateway,
            gateway: None,
        };
        Ok((identity, prepared.issued()))
    }

    pub(crate) fn conflict_or(&self, e: sqlx::Error, conflict: &str) -> DeviceStoreError {
        if is_unique(&e) {
            DeviceStoreError::Conflict(conflict.to_owned())
        } else {
            self.err(e)
        }
    }

    /// One device with its credential kind and presence.
    pub async fn device_record(&self, id: DeviceId) -> DeviceStoreResult<Option<DeviceRecord>> {
        let sql = format!("{RECORD_SELECT} WHERE d.id = $1");
        let row: Option<RecordRow> = on_db!(&self.inner.db, pool =>
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await)
        .map_err(|e| self.err(e))?;
        Ok(row.map(record))
    }

    /// A device by enterprise and name.
    pub async fn find_device(
        &self,
        enterprise: Option<&str>,
        name: &str,
    ) -> DeviceStoreResult<Option<DeviceRecord>> {
        let ent_key = enterprise.map(shangyun_ids::normalize).unwrap_or_default();
        let sql = format!("{RECORD_SELECT} WHERE d.ent_key = $1 AND d.name = $2");
        let row: Option<RecordRow> = on_db!(&self.inner.db, pool =>
            sqlx::query_as(AssertSqlSafe(sql)).bind(ent_key).bind(name).fetch_optional(pool).await)
        .map_err(|e| self.err(e))?;
        Ok(row.map(record))
    }

    /// Devices matching `filter`, by id.
    pub async fn list_devices(
        &self,
        filter: &DeviceFilter,
    ) -> DeviceStoreResult<Vec<DeviceRecord>> {
        let mut sql = format!("{RECORD_SELECT} WHERE 1 = 1");
        let mut binds = Vec::new();
        let next = |b: Bind, binds: &mut Vec<Bind>| {
            binds.push(b);
            binds.len()
        };
        if let Some(list) = &filter.enterprises {
            if list.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = list
                .iter()
                .map(|e| {
                    format!(
                        "${}",
                        next(Bind::Text(shangyun_ids::normalize(e)), &mut binds)
                    )
                })
                .collect();
            sql.push_str(&format!(" AND d.enterprise IN ({})", marks.join(", ")));
        }
        if let Some(prefix) = &filter.region_prefix {
            if !self.inner.has_registry {
                return Err(DeviceStoreError::Invalid(
                    "a region filter needs the registry in the same database".into(),
                ));
            }
            let n = next(Bind::Text(format!("{prefix}%")), &mut binds);
            sql.push_str(&format!(
                " AND d.enterprise IN (SELECT uscc FROM enterprises WHERE registered_region LIKE ${n})"
            ));
        }
        if let Some(t) = &filter.device_type {
            let n = next(Bind::Text(t.clone()), &mut binds);
            sql.push_str(&format!(" AND d.device_type = ${n}"));
        }
        if let Some(g) = filter.gateway {
            let n = next(Bind::Int(g), &mut binds);
            sql.push_str(&format!(" AND d.gateway_id = ${n}"));
        }
        if let Some(like) = &filter.name_like {
            let escaped = like
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let n = next(Bind::Text(format!("%{escaped}%")), &mut binds);
            sql.push_str(&format!(" AND d.name LIKE ${n} ESCAPE '\\'"));
        }
        let limit = if filter.limit == 0 {
            100
        } else {
            filter.limit.min(10_000)
        };
        sql.push_str(&format!(
            " ORDER BY d.id LIMIT {limit} OFFSET {}",
            filter.offset
        ));
        let rows: Vec<RecordRow> = on_db!(&self.inner.db, pool => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
            for b in &binds {
                q = match b {
                    Bind::Text(s) => q.bind(s.clone()),
                    Bind::Int(i) => q.bind(*i),
                };
            }
            q.fetch_all(pool).await
        })
        .map_err(|e| self.err(e))?;
        Ok(rows.into_iter().map(record).collect())
    }

    /// Replaces the device's credentials by a fresh access token (returned once).
    pub async fn rotate_token(&self, device: DeviceId, actor: &str) -> DeviceStoreResult<String> {
        let token = secret::generate_token();
        let prepared = Prepared::Token(token.clone(), secret::hash_token(&token));
        self.replace_credentials(device, &prepared, "device.token_rotate", actor)
            .await?;
        Ok(token)
    }

    /// Replaces the device's credentials by MQTT Basic ones.
    pub async fn set_basic(
        &self,
        device: DeviceId,
        client_id: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
        actor: &str,
    ) -> DeviceStoreResult<()> {
        let prepared = prepare_credential(&CredentialSpec::Basic {
            client_id: client_id.map(str::to_owned),
            username: username.map(str::to_owned),
            password: password.map(str::to_owned),
        })?;
        self.replace_credentials(device, &prepared, "device.basic_set", actor)
            .await
    }

    /// Removes every credential of the device: it cannot connect until given new ones.
    pub async fn revoke_credentials(&self, device: DeviceId, actor: &str) -> DeviceStoreResult<()> {
        self.replace_credentials(device, &Prepared::None, "device.revoke", actor)
            .await
    }

    async fn replace_credentials(
        &self,
        device: DeviceId,
        prepared: &Prepared,
        action: &str,
        actor: &str,
    ) -> DeviceStoreResult<()> {
        let _w = self.inner.write.lock().await;
        let result = on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            let enterprise: Option<Option<String>> =
                sqlx::query_scalar("SELECT enterprise FROM devices WHERE id = $1")
                    .bind(device.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(enterprise) = enterprise else {
                return Ok(false);
            };
            sqlx::query("DELETE FROM device_tokens WHERE device_id = $1").bind(device.0).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM device_basic WHERE device_id = $1").bind(device.0).execute(&mut *tx).await?;
            write_credential!(tx, device.0, prepared);
            audit!(tx, actor, action, Some(device.0), &enterprise,
                serde_json::json!({"credentials": prepared.kind()}))?;
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(true)
        });
        let found = result
            .map_err(|e| self.conflict_or(e, "those credentials are in use by another device"))?;
        if !found {
            return Err(DeviceStoreError::NotFound(format!("device {device}")));
        }
        self.forget_device(device);
        Ok(())
    }

    // ---- provisioning keys ----

    /// A new provisioning key for an enterprise and/or device type; returns (key, secret),
    /// the secret once.
    pub async fn add_provision_key(
        &self,
        enterprise: Option<&str>,
        device_type: Option<&str>,
        actor: &str,
    ) -> DeviceStoreResult<(String, String)> {
        let enterprise = match enterprise {
            Some(e) => Some(self.check_enterprise(e).await?),
            None => None,
        };
        self.check_type(device_type)?;
        let (key, secret) =
            ProvisionKey::generate(enterprise.clone(), device_type.map(str::to_owned));
        let _w = self.inner.write.lock().await;
        on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO provision_keys (key, secret_hash, enterprise, device_type, revoked, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&key.key)
            .bind(key.secret_hash.to_vec())
            .bind(&key.enterprise)
            .bind(&key.device_type)
            .bind(false)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            audit!(tx, actor, "provision_key.add", None::<i64>, &enterprise,
                serde_json::json!({"key": key.key, "device_type": device_type}))?;
            tx.commit().await
        })
        .map_err(|e| self.err(e))?;
        Ok((key.key, secret))
    }

    /// Revokes a provisioning key; `false` if there is no such key.
    pub async fn revoke_provision_key(&self, key: &str, actor: &str) -> DeviceStoreResult<bool> {
        let _w = self.inner.write.lock().await;
        on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            let ent: Option<Option<String>> = sqlx::query_scalar(
                "UPDATE provision_keys SET revoked = $1 WHERE key = $2 RETURNING enterprise",
            )
            .bind(true)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(ent) = &ent {
                audit!(tx, actor, "provision_key.revoke", None::<i64>, ent,
                    serde_json::json!({"key": key}))?;
            }
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(ent.is_some())
        })
        .map_err(|e| self.err(e))
    }

    /// Provisioning keys (without secrets), optionally of one enterprise.
    pub async fn list_provision_keys(
        &self,
        enterprise: Option<&str>,
    ) -> DeviceStoreResult<Vec<ProvisionKeyRecord>> {
        let rows: Vec<KeyRow> = on_db!(&self.inner.db, pool =>
            sqlx::query_as(
                "SELECT key, enterprise, device_type, revoked, created_ms FROM provision_keys \
                 WHERE $1 IS NULL OR enterprise = $1 ORDER BY created_ms, key",
            )
            .bind(enterprise.map(shangyun_ids::normalize))
            .fetch_all(pool)
            .await)
        .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .map(|r| ProvisionKeyRecord {
                key: r.0,
                enterprise: r.1,
                device_type: r.2,
                revoked: r.3,
                created_ms: r.4,
            })
            .collect())
    }

    pub(crate) async fn provision_key(&self, key: &str) -> DeviceStoreResult<Option<ProvisionKey>> {
        let row: Option<KeySecretRow> = on_db!(&self.inner.db, pool =>
            sqlx::query_as(
                "SELECT key, secret_hash, enterprise, device_type, revoked FROM provision_keys WHERE key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await)
        .map_err(|e| self.err(e))?;
        Ok(row.and_then(|r| {
            let secret_hash: TokenHash = r.1.try_into().ok()?;
            Some(ProvisionKey {
                key: r.0,
                secret_hash,
                enterprise: r.2,
                device_type: r.3,
                revoked: r.4,
            })
        }))
    }
}

/// Credentials checked and hashed before the transaction.
pub(crate) enum Prepared {
    Token(String, TokenHash),
    Basic(StoredBasic),
    None,
}

impl Prepared {
    fn kind(&self) -> CredentialKind {
        match self {
            Prepared::Token(..) => CredentialKind::AccessToken,
            Prepared::Basic(_) => CredentialKind::MqttBasic,
            Prepared::None => CredentialKind::None,
        }
    }

    fn issued(&self) -> Issued {
        match self {
            Prepared::Token(t, _) => Issued::AccessToken { token: t.clone() },
            Prepared::Basic(b) => Issued::MqttBasic {
                client_id: b.client_id.clone(),
                username: b.username.clone(),
            },
            Prepared::None => Issued::None,
        }
    }
}

pub(crate) fn prepare_credential(spec: &CredentialSpec) -> DeviceStoreResult<Prepared> {
    Ok(match spec {
        CredentialSpec::GenerateToken => {
            let t = secret::generate_token();
            let h = secret::hash_token(&t);
            Prepared::Token(t, h)
        }
        CredentialSpec::Token(t) => {
            check_chosen_token(t).map_err(DeviceStoreError::Invalid)?;
            Prepared::Token(t.clone(), secret::hash_token(t))
        }
        CredentialSpec::Basic {
            client_id,
            username,
            password,
        } => Prepared::Basic(
            StoredBasic::new(
                client_id.as_deref(),
                username.as_deref(),
                password.as_deref(),
            )
            .map_err(DeviceStoreError::Invalid)?,
        ),
        CredentialSpec::None => Prepared::None,
    })
}
