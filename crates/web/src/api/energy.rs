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
    By, EnergyRequest, EnergyView, EvidenceView, ViewError, WindowError, default_window,
    energy_view, evidence_view, parse_date,
};

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

/// The energy report of a visible enterprise (shared with the console page).
pub async fn energy_of(
    state: &AppState,
    access: &Access,
    uscc: &str,
    request: &EnergyRequest,
) -> Result<EnergyView, ApiError> {
    let file = load_visible(&state.registry, &access.scope, uscc).await?;
    let tsdb = telemetry(state)?;
    energy_view(
        &state.registry,
        device_store(state)?,
        tsdb,
        &file.enterprise.uscc,
        request,
    )
    .await
    .map_err(view_error)
}

/// The evidence of a visible enterprise (shared with the console page).
pub async fn evidence_of(
    state: &AppState,
    access: &Access,
    uscc: &str,
) -> Result<EvidenceView, ApiError> {
    let file = load_visible(&state.registry, &access.scope, uscc).await?;
    let tsdb = telemetry(state)?;
    evidence_view(
        &state.registry,
        device_store(state)?,
        tsdb,
        &file.enterprise.uscc,
        now_ms(),
    )
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
    Ok(Json(energy_of(&state, &access, &uscc, &request).await?))
}

pub async fn evidence(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(uscc): Path<String>,
) -> Result<Json<EvidenceView>, ApiError> {
    Ok(Json(evidence_of(&state, &access, &uscc).await?))
}
