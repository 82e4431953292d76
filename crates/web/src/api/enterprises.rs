//! `GET /api/v1/enterprises` (search) and `GET /api/v1/enterprises/{uscc}` (一企一档).

use crate::access::Access;
use crate::error::ApiError;
use crate::labels;
use crate::scope::Scope;
use crate::search;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde::Serialize;
use shangyun_store::{EnterpriseFile, Registry};

/// Query parameters as pairs (lists may repeat a key); malformed encoding is a 400 in the
/// API's error shape.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
        ApiError::bad_request(
            "invalid-query",
            "查询参数格式错误",
            "malformed query string",
        )
        .with_field("query", e.to_string())
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Result<Json<search::ResultPage>, ApiError> {
    let params = query_pairs(raw.as_deref())?;
    let parsed = search::parse(&params, &access.scope)?;
    Ok(Json(
        search::run(&state.registry, &access.scope, &parsed).await?,
    ))
}

/// The enterprise file with names for its codes.
#[derive(Debug, Serialize)]
pub struct FileView {
    #[serde(flatten)]
    pub file: EnterpriseFile,
    pub labels: FileLabels,
}

#[derive(Debug, Serialize)]
pub struct FileLabels {
    pub registered_region: labels::RegionLabel,
    pub operating_region: Option<labels::RegionLabel>,
    pub industry: labels::IndustryLabel,
}

/// Loads one enterprise the scope may see: 404 when absent, 403 when out of scope.
pub async fn load_visible(
    registry: &Registry,
    scope: &Scope,
    uscc: &str,
) -> Result<EnterpriseFile, ApiError> {
    let uscc = shangyun_rules::ids::normalize(uscc);
    if uscc.is_empty() || uscc.chars().count() > 18 {
        return Err(ApiError::not_found("该企业", "enterprise"));
    }
    // Enterprise users are refused before the lookup: whether another firm is on file is
    // none of their business.
    if let Scope::Enterprises(mine) = scope
        && !mine.contains(&uscc)
    {
        return Err(ApiError::out_of_scope());
    }
    let file = registry
        .get(&uscc)
        .await?
        .ok_or_else(|| ApiError::not_found("该企业", "enterprise"))?;
    if !scope.sees_enterprise(&file.enterprise.uscc, &file.enterprise.registered_region) {
        return Err(ApiError::out_of_scope());
    }
    Ok(file)
}

pub async fn file(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(uscc): Path<String>,
) -> Result<Json<FileView>, ApiError> {
    let file = load_visible(&state.registry, &access.scope, &uscc).await?;
    let e = &file.enterprise;
    let labels = FileLabels {
        registered_region: labels::region(&e.registered_region),
        operating_region: e.operating_region.as_deref().map(labels::region),
        industry: labels::industry(&e.industry),
    };
    Ok(Json(FileView { file, labels }))
}
