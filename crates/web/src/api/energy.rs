//! `GET /api/v1/enterprises/{uscc}/energy` (energy and carbon, the factor beside every
//! figure) and `GET /api/v1/enterprises/{uscc}/evidence` (measured answers for the digital
//! level). The figures are `shangyun-enterprise-energy`'s, the same the CLI prints.

use crate::access::Access;
use crate::api::enterprises::{load_visible, query_pairs};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use shangyun_enterprise_energy::meters::{DEFAULT_TZ, calendar::local_date};
use shangyun_enterprise_energy::{
    By, EnergyRequest, EnergyView, EnterpriseDevices, EvidenceView, ViewError, WindowError,
    default_window, energy_view_of, enterprise_devices, evidence_view_of, parse_date,
};
use shangyun_store::EnterpriseFile;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The telemetry store, or 503 when the server runs without one.
fn telemetry(state: &AppState) -> Result<&shangyun_tsdb::Tsdb, ApiError> {
    state.telemetry.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "telemetry-off",
            "本服务器未开启时序数据存储",
            "this server runs without the time-series store",
        )
    })
}

fn device_store(state: &AppState) -> Result<&shangyun_device_store::DeviceStore, ApiError> {
    state
        .device_store
        .as_ref()
        .ok_or_else(|| ApiError::internal("the device store is not open"))
}

/// A view error in the API's shape.
pub fn view_error(e: ViewError) -> ApiError {
    match e {
        ViewError::UnknownEnterprise(_) => ApiError::not_found("该企业", "enterprise"),
        ViewError::Window(w) => window_error(&w),
        ViewError::Telemetry(reason) => {
            eprintln!("shangyun-web: time-series store: {reason}");
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "telemetry-unavailable",
                "暂时无法读取时序数据，请稍后重试",
                "cannot read the time-series store now; retry later",
            );
            e.retry_after = Some(1);
            e
        }
        other => ApiError::internal(other),
    }
}

fn window_error(w: &WindowError) -> ApiError {
    let field = match w {
        WindowError::BadDate { field, .. } => *field,
        WindowError::Reversed { .. } | WindowError::TooLong { .. } => "from",
        WindowError::BadBy(_) => "by",
    };
    ApiError::bad_request("invalid-query", "查询参数无效", "invalid query parameter")
        .with_field(field, w.to_string())
}

/// `from`, `to` (local dates, inclusive; default the last twelve months) and `by`.
pub fn energy_request(params: &[(String, String)]) -> Result<EnergyRequest, ApiError> {
    let get = |name: &str| {
        params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let today = local_date(DEFAULT_TZ, now_ms());
    let (default_from, default_to) = default_window(today);
    let from = get("from")
        .map(|v| parse_date("from", v))
        .transpose()
        .map_err(|e| window_error(&e))?;
    let to = get("to")
        .map(|v| parse_date("to", v))
        .transpose()
        .map_err(|e| window_error(&e))?;
    let by = get("by")
        .map(By::parse)
        .transpose()
        .map_err(|e| window_error(&e))?
        .unwrap_or_default();
    let to = to.unwrap_or(default_to);
    let from = from.unwrap_or(if to == default_to {
        default_from
    } else {
        default_window(to).0
    });
    Ok(EnergyRequest { from, to, by })
}

/// The enterprise's devices as the energy and evidence views need them.
pub async fn devices_of(
    state: &AppState,
    file: &EnterpriseFile,
) -> Result<EnterpriseDevices, ApiError> {
    enterprise_devices(
        device_store(state)?,
        telemetry(state)?,
        &file.enterprise.uscc,
    )
    .await
    .map_err(view_error)
}

/// The energy report of an enterprise the caller may see (shared with the console page).
pub async fn energy_of(
    state: &AppState,
    file: &EnterpriseFile,
    devices: &EnterpriseDevices,
    request: &EnergyRequest,
) -> Result<EnergyView, ApiError> {
    energy_view_of(file, devices, telemetry(state)?, request)
        .await
        .map_err(view_error)
}

/// The evidence of an enterprise the caller may see (shared with the console page).
pub async fn evidence_of(
    state: &AppState,
    file: &EnterpriseFile,
    devices: &EnterpriseDevices,
) -> Result<EvidenceView, ApiError> {
    evidence_view_of(file, devices, telemetry(state)?, now_ms())
        .await
        .map_err(view_error)
}

pub async fn energy(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(uscc): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<EnergyView>, ApiError> {
    let params = query_pairs(raw.as_deref())?;
    let request = energy_request(&params)?;
    let file = load_visible(&state.registry, &access.scope, &uscc).await?;
    let devices = devices_of(&state, &file).await?;
    Ok(Json(energy_of(&state, &file, &devices, &request).await?))
}

pub async fn evidence(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(uscc): Path<String>,
) -> Result<Json<EvidenceView>, ApiError> {
    let file = load_visible(&state.registry, &access.scope, &uscc).await?;
    let devices = devices_of(&state, &file).await?;
    Ok(Json(evidence_of(&state, &file, &devices).await?))
}
