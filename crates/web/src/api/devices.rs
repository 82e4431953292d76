//! Devices, provisioning keys, device types and alarms under `/api/v1` (设备管理). Access was
//! decided by the table in `routes.rs`; here the scope narrows the data: an enterprise user
//! manages its own enterprises' devices, an officer reads devices of enterprises registered in
//! its region, an administrator sees everything. Every write is audited by the device store
//! with the account's name; secrets are returned once and never logged.

use crate::access::Access;
use crate::api::enterprises::{load_visible, query_pairs};
use crate::api::read_json;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shangyun_device_store::{
    AlarmFilter, AlarmRecord, CredentialSpec, DeviceFilter, DeviceRecord, DeviceStore,
    DeviceStoreError, NewDeviceSpec, ProvisionKeyRecord,
};
use shangyun_devices::{Attributes, DeviceDirectory, DeviceId, ThingModel};

impl From<DeviceStoreError> for ApiError {
    fn from(e: DeviceStoreError) -> ApiError {
        match e {
            DeviceStoreError::Invalid(m) => {
                ApiError::bad_request("invalid-device", "设备信息无效", "invalid device data")
                    .with_field("body", m)
            }
            DeviceStoreError::UnknownEnterprise(u) => ApiError::bad_request(
                "unknown-enterprise",
                "企业未登记",
                "the enterprise is not in the registry",
            )
            .with_field("enterprise", u),
            DeviceStoreError::Conflict(m) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "名称或凭证已被使用",
                "the name or the credentials are in use",
            )
            .with_field("body", m),
            DeviceStoreError::NotFound(what) => ApiError::not_found("该对象", &what),
            other => ApiError::internal(other),
        }
    }
}

pub(crate) fn store(state: &AppState) -> Result<&DeviceStore, ApiError> {
    state.device_store.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "devices-unavailable",
            "设备管理未启用",
            "device management is not running on this server",
        )
    })
}

/// The account, for the audit log.
pub(crate) fn actor(access: &Access) -> String {
    access
        .principal
        .as_ref()
        .map_or_else(|| "anonymous".to_owned(), |p| format!("user:{}", p.name))
}

/// The device filter a scope allows, narrowed by a requested enterprise.
fn scoped_filter(scope: &Scope, requested: Option<String>) -> Result<DeviceFilter, ApiError> {
    let requested = requested.map(|e| shangyun_rules::ids::normalize(&e));
    let mut f = DeviceFilter::default();
    match scope {
        Scope::All => f.enterprises = requested.map(|e| vec![e]),
        Scope::Region { prefix, .. } => {
            f.region_prefix = Some(prefix.clone());
            f.enterprises = requested.map(|e| vec![e]);
        }
        Scope::Enterprises(mine) => match requested {
            Some(e) if !mine.contains(&e) => return Err(ApiError::out_of_scope()),
            Some(e) => f.enterprises = Some(vec![e]),
            None => f.enterprises = Some(mine.clone()),
        },
        Scope::Provider(_) | Scope::Nothing => return Err(ApiError::out_of_scope()),
    }
    Ok(f)
}

/// 403 unless the scope sees an enterprise (a device without one: administrators only).
async fn check_enterprise(
    state: &AppState,
    scope: &Scope,
    enterprise: Option<&str>,
) -> Result<(), ApiError> {
    match (scope, enterprise) {
        (Scope::All, _) => Ok(()),
        (_, None) => Err(ApiError::out_of_scope()),
        (_, Some(uscc)) => load_visible(&state.registry, scope, uscc).await.map(|_| ()),
    }
}

/// Loads a device the scope may see: 404 when absent, 403 out of scope.
pub(crate) async fn visible_device(
    state: &AppState,
    access: &Access,
    id: i64,
) -> Result<DeviceRecord, ApiError> {
    let record = store(state)?
        .device_record(DeviceId(id))
        .await?
        .ok_or_else(|| ApiError::not_found("该设备", "device"))?;
    check_enterprise(state, &access.scope, record.identity.enterprise.as_deref()).await?;
    Ok(record)
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn number<T: std::str::FromStr>(
    pairs: &[(String, String)],
    key: &str,
) -> Result<Option<T>, ApiError> {
    param(pairs, key)
        .map(|v| {
            v.parse().map_err(|_| {
                ApiError::bad_request(
                    "invalid-query",
                    "查询参数格式错误",
                    "malformed query parameter",
                )
                .with_field(key, format!("{v:?} is not a number"))
            })
        })
        .transpose()
}

/// `GET /api/v1/devices?enterprise=&type=&name=&gateway=&limit=&offset=`.
pub async fn list(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<DeviceRecord>>, ApiError> {
    let pairs = query_pairs(raw.as_deref())?;
    let mut filter = scoped_filter(
        &access.scope,
        param(&pairs, "enterprise").map(str::to_owned),
    )?;
    filter.device_type = param(&pairs, "type").map(str::to_owned);
    filter.name_like = param(&pairs, "name").map(str::to_owned);
    filter.gateway = number(&pairs, "gateway")?;
    filter.limit = number::<u32>(&pairs, "limit")?
        .unwrap_or(100)
        .clamp(1, 1000);
    filter.offset = number(&pairs, "offset")?.unwrap_or(0);
    Ok(Json(store(&state)?.list_devices(&filter).await?))
}

/// `GET /api/v1/devices/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<i64>,
) -> Result<Json<DeviceRecord>, ApiError> {
    Ok(Json(visible_device(&state, &access, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDeviceBody {
    name: String,
    enterprise: Option<String>,
    device_type: Option<String>,
    #[serde(default)]
    is_gateway: bool,
    label: Option<String>,
    /// `{"type": "access_token"}` (default), `{"type": "access_token", "token": "…"}`,
    /// `{"type": "mqtt_basic", "client_id", "username", "password"}` or `{"type": "none"}`.
    credentials: Option<CredentialsBody>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CredentialsBody {
    AccessToken {
        token: Option<String>,
    },
    MqttBasic {
        client_id: Option<String>,
        username: Option<String>,
        password: Option<String>,
    },
    None,
}

/// `POST /api/v1/devices` — 201 with the credentials issued (a token is shown once).
pub async fn create(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let b: NewDeviceBody = read_json(body, state.options.body_limit).await?;
    let enterprise = b.enterprise.as_deref().map(shangyun_rules::ids::normalize);
    check_enterprise(&state, &access.scope, enterprise.as_deref()).await?;
    let credential = match b.credentials {
        None | Some(CredentialsBody::AccessToken { token: None }) => CredentialSpec::GenerateToken,
        Some(CredentialsBody::AccessToken { token: Some(t) }) => CredentialSpec::Token(t),
        Some(CredentialsBody::MqttBasic {
            client_id,
            username,
            password,
        }) => CredentialSpec::Basic {
            client_id,
            username,
            password,
        },
        Some(CredentialsBody::None) => CredentialSpec::None,
    };
    let spec = NewDeviceSpec {
        name: b.name,
        enterprise,
        device_type: b.device_type,
        is_gateway: b.is_gateway,
        label: b.label,
    };
    let (device, issued) = store(&state)?
        .add_device(spec, credential, &actor(&access))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"device": device, "issued": issued})),
    ))
}

/// `POST /api/v1/devices/{id}/token/rotate` — a new access token, shown once.
pub async fn rotate_token(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    visible_device(&state, &access, id).await?;
    let token = store(&state)?
        .rotate_token(DeviceId(id), &actor(&access))
        .await?;
    Ok(Json(serde_json::json!({"device": id, "token": token})))
}

/// `POST /api/v1/devices/{id}/revoke` — every credential removed.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<i64>,
) -> Result<Json<DeviceRecord>, ApiError> {
    visible_device(&state, &access, id).await?;
    let s = store(&state)?;
    s.revoke_credentials(DeviceId(id), &actor(&access)).await?;
    Ok(Json(visible_device(&state, &access, id).await?))
}

/// `POST /api/v1/devices/{id}/attributes` — shared attributes, pushed to the device when it
/// is connected.
pub async fn set_shared_attributes(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<i64>,
    body: Body,
) -> Result<StatusCode, ApiError> {
    visible_device(&state, &access, id).await?;
    let attrs: Attributes = read_json(body, state.options.body_limit).await?;
    store(&state)?
        .shared_attributes_set(DeviceId(id), attrs)
        .await
        .map_err(ApiError::internal)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionKeyBody {
    enterprise: Option<String>,
    device_type: Option<String>,
}

/// `POST /api/v1/provision-keys` — 201 with key and secret (the secret shown once).
pub async fn create_provision_key(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    body: Body,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let b: ProvisionKeyBody = read_json(body, state.options.body_limit).await?;
    let enterprise = b.enterprise.as_deref().map(shangyun_rules::ids::normalize);
    check_enterprise(&state, &access.scope, enterprise.as_deref()).await?;
    let (key, secret) = store(&state)?
        .add_provision_key(
            enterprise.as_deref(),
            b.device_type.as_deref(),
            &actor(&access),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"provisionDeviceKey": key, "provisionDeviceSecret": secret})),
    ))
}

/// `GET /api/v1/provision-keys?enterprise=` — keys without secrets.
pub async fn list_provision_keys(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ProvisionKeyRecord>>, ApiError> {
    let pairs = query_pairs(raw.as_deref())?;
    let filter = scoped_filter(
        &access.scope,
        param(&pairs, "enterprise").map(str::to_owned),
    )?;
    let keys = store(&state)?.list_provision_keys(None).await?;
    let mut out = Vec::new();
    for k in keys {
        let visible = match (&filter.enterprises, &k.enterprise) {
            (Some(list), Some(e)) => list.contains(e),
            (Some(_), None) => false,
            (None, _) => matches!(access.scope, Scope::All),
        };
        if visible {
            out.push(k);
        }
    }
    Ok(Json(out))
}

/// `GET /api/v1/device-types` — the thing models.
pub async fn types(State(state): State<AppState>) -> Result<Json<Vec<ThingModel>>, ApiError> {
    Ok(Json(store(&state)?.device_types()))
}

/// `GET /api/v1/alarms?active=true&device=&enterprise=&limit=`.
pub async fn alarms(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<AlarmRecord>>, ApiError> {
    let pairs = query_pairs(raw.as_deref())?;
    let scope = scoped_filter(
        &access.scope,
        param(&pairs, "enterprise").map(str::to_owned),
    )?;
    let device: Option<i64> = number(&pairs, "device")?;
    if let Some(d) = device {
        visible_device(&state, &access, d).await?;
    }
    let filter = AlarmFilter {
        device,
        enterprises: scope.enterprises,
        region_prefix: scope.region_prefix,
        active_only: matches!(param(&pairs, "active"), Some("true" | "1")),
        limit: number::<u32>(&pairs, "limit")?
            .unwrap_or(100)
            .clamp(1, 1000),
    };
    Ok(Json(store(&state)?.list_alarms(&filter).await?))
}

/// `POST /api/v1/alarms/{id}/ack`.
pub async fn ack_alarm(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<i64>,
) -> Result<Json<AlarmRecord>, ApiError> {
    let s = store(&state)?;
    let alarm = s
        .alarm(id)
        .await?
        .ok_or_else(|| ApiError::not_found("该告警", "alarm"))?;
    check_enterprise(&state, &access.scope, alarm.enterprise.as_deref()).await?;
    let now = shangyun_device_store::now_ms();
    Ok(Json(s.acknowledge_alarm(id, &actor(&access), now).await?))
}
