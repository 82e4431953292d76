//! `GET /api/v1/audit`: the audit log, newest first, limited to the caller's region.
//!
//! The store's audit query knows no regions yet, so a region officer's view is filtered here:
//! entries about enterprises registered in the region (import and registry-wide entries are
//! for ministry officers and admins).

use super::enterprises::{load_visible, query_pairs};
use crate::access::Access;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, RawQuery, State};
use serde::Serialize;
use shangyun_store::{AuditEntry, AuditQuery, Registry};
use std::collections::HashMap;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Serialize)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
}

/// Reads `uscc` and `limit`.
pub fn parse(params: &[(String, String)]) -> Result<(Option<String>, u32), ApiError> {
    let mut uscc = None;
    let mut limit = DEFAULT_LIMIT;
    for (k, v) in params {
        match k.as_str() {
            "uscc" if !v.trim().is_empty() => uscc = Some(shangyun_rules::ids::normalize(v)),
            "limit" if !v.trim().is_empty() => match v.trim().parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => limit = n,
                _ => {
                    return Err(ApiError::bad_request(
                        "invalid-filter",
                        "筛选条件无效",
                        "invalid filter",
                    )
                    .with_field(
                        "limit",
                        format!("须为 1 至 {MAX_LIMIT} / must be 1 to {MAX_LIMIT}"),
                    ));
                }
            },
            _ => {}
        }
    }
    Ok((uscc, limit))
}

/// The entries the scope may read.
pub async fn entries(
    registry: &Registry,
    scope: &Scope,
    uscc: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEntry>, ApiError> {
    if let Some(uscc) = uscc {
        let file = load_visible(registry, scope, uscc).await?;
        return Ok(registry
            .audit(&AuditQuery {
                entity_key: Some(file.enterprise.uscc),
                limit: Some(limit),
            })
            .await?);
    }
    match scope {
        Scope::All => Ok(registry
            .audit(&AuditQuery {
                entity_key: None,
                limit: Some(limit),
            })
            .await?),
        Scope::Region { .. } => {
            // Read a bounded window of the newest entries and keep those in the region.
            let window = (limit * 4).min(2_000);
            let all = registry
                .audit(&AuditQuery {
                    entity_key: None,
                    limit: Some(window),
                })
                .await?;
            let mut region_of: HashMap<String, Option<String>> = HashMap::new();
            let mut kept = Vec::new();
            for entry in all {
                if entry.entity != "enterprise" {
                    continue;
                }
                if !region_of.contains_key(&entry.entity_key) {
                    let region = registry
                        .get(&entry.entity_key)
                        .await?
                        .map(|f| f.enterprise.registered_region);
                    region_of.insert(entry.entity_key.clone(), region);
                }
                let visible = region_of
                    .get(&entry.entity_key)
                    .and_then(|r| r.as_deref())
                    .is_some_and(|r| scope.sees_enterprise(&entry.entity_key, r));
                if visible {
                    kept.push(entry);
                    if kept.len() >= limit as usize {
                        break;
                    }
                }
            }
            Ok(kept)
        }
        _ => Err(ApiError::out_of_scope()),
    }
}

pub async fn list(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let (uscc, limit) = parse(&query_pairs(raw.as_deref())?)?;
    let items = entries(&state.registry, &access.scope, uscc.as_deref(), limit).await?;
    Ok(Json(AuditPage { items }))
}
