//! `GET /api/v1/audit`: the audit log, newest first, limited to the caller's region.
//!
//! A region officer reads the entries about enterprises registered in the region (the store's
//! region-scoped query); registry-wide entries (imports, classify runs) and account entries
//! are for ministry officers and admins.

use super::enterprises::{load_visible, query_pairs};
use crate::access::Access;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, RawQuery, State};
use serde::Serialize;
use shangyun_store::{AuditEntry, AuditQuery, Registry};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Serialize)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for older entries (region view); `None` when this page is the last.
    pub next_before: Option<i64>,
}

/// What `GET /api/v1/audit` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditRequest {
    pub uscc: Option<String>,
    pub before: Option<i64>,
    pub limit: u32,
}

/// Reads `uscc`, `before` and `limit`.
pub fn parse(params: &[(String, String)]) -> Result<AuditRequest, ApiError> {
    let mut request = AuditRequest {
        limit: DEFAULT_LIMIT,
        ..AuditRequest::default()
    };
    let mut err = ApiError::bad_request("invalid-filter", "筛选条件无效", "invalid filter");
    let mut bad = false;
    for (k, v) in params {
        let v = v.trim();
        match k.as_str() {
            "uscc" if !v.is_empty() => request.uscc = Some(shangyun_rules::ids::normalize(v)),
            "before" if !v.is_empty() => match v.parse::<i64>() {
                Ok(n) if n > 0 => request.before = Some(n),
                _ => {
                    bad = true;
                    err = err.with_field("before", "须为正整数 / must be a positive integer");
                }
            },
            "limit" if !v.is_empty() => match v.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => request.limit = n,
                _ => {
                    bad = true;
                    err = err.with_field(
                        "limit",
                        format!("须为 1 至 {MAX_LIMIT} / must be 1 to {MAX_LIMIT}"),
                    );
                }
            },
            _ => {}
        }
    }
    if bad { Err(err) } else { Ok(request) }
}

/// The entries the scope may read.
pub async fn entries(
    registry: &Registry,
    scope: &Scope,
    request: &AuditRequest,
) -> Result<Vec<AuditEntry>, ApiError> {
    let limit = request.limit;
    let older = |mut entries: Vec<AuditEntry>| {
        if let Some(before) = request.before {
            entries.retain(|e| e.id < before);
        }
        entries
    };
    if let Some(uscc) = &request.uscc {
        let file = load_visible(registry, scope, uscc).await?;
        return Ok(older(
            registry
                .audit(&AuditQuery {
                    entity_key: Some(file.enterprise.uscc),
                    limit: Some(MAX_LIMIT),
                })
                .await?,
        )
        .into_iter()
        .take(limit as usize)
        .collect());
    }
    match scope {
        Scope::All => match request.before {
            None => Ok(registry
                .audit(&AuditQuery {
                    entity_key: None,
                    limit: Some(limit),
                })
                .await?),
            // The store's unscoped query has no "before"; the whole registry is a region too.
            Some(_) => Ok(older(
                registry
                    .audit(&AuditQuery {
                        entity_key: None,
                        limit: Some(MAX_LIMIT * 4),
                    })
                    .await?,
            )
            .into_iter()
            .take(limit as usize)
            .collect()),
        },
        Scope::Region { code, .. } => Ok(registry
            .audit_in_region(code, request.before, limit)
            .await?),
        _ => Err(ApiError::out_of_scope()),
    }
}

pub async fn list(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let request = parse(&query_pairs(raw.as_deref())?)?;
    let items = entries(&state.registry, &access.scope, &request).await?;
    let next_before = items
        .last()
        .filter(|_| items.len() == request.limit as usize)
        .map(|e| e.id);
    Ok(Json(AuditPage { items, next_before }))
}
