//! `GET /export?…&format=xlsx|csv`: the registry list's current filters (the same parameters
//! as `/enterprises`, narrowed to the caller's scope) as a download, in the import columns
//! (`shangyun_export`), so the file imports again unchanged.

use super::imports::attachment;
use super::layout::error_page;
use crate::access::Access;
use crate::accounts::secret;
use crate::api::enterprises::query_pairs;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::search;
use crate::state::AppState;
use axum::extract::{Extension, RawQuery, State};
use axum::response::Response;
use shangyun_export::{ExportError, export, export_files};
use shangyun_sheets::OutputFormat;

pub async fn download(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = access.lang;
    match write(&state, &access, raw.as_deref()).await {
        Ok((name, content_type, bytes)) => attachment(&name, content_type, bytes),
        Err(e) => error_page(lang, Some(&access), &e),
    }
}

async fn write(
    state: &AppState,
    access: &Access,
    raw: Option<&str>,
) -> Result<(String, &'static str, Vec<u8>), ApiError> {
    let params = query_pairs(raw)?;
    let format = match params
        .iter()
        .find_map(|(k, v)| (k == "format").then_some(v.as_str()))
    {
        None | Some("xlsx") => OutputFormat::Xlsx,
        Some("csv") => OutputFormat::Csv,
        Some(other) => {
            return Err(
                ApiError::bad_request("invalid-filter", "筛选条件无效", "invalid filter")
                    .with_field(
                        "format",
                        format!("须为 xlsx 或 csv / must be xlsx or csv (got '{other}')"),
                    ),
            );
        }
    };
    let parsed = search::parse(&params, &access.scope)?;
    let (ext, content_type) = match format {
        OutputFormat::Xlsx => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        OutputFormat::Csv => ("csv", "text/csv; charset=utf-8"),
    };
    let dir = state.options.data_dir.join("exports");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(ApiError::internal)?;
    let out = dir.join(format!(
        "{}.{ext}",
        secret::random_hex().map_err(ApiError::internal)?
    ));
    let one_uscc = parsed.q.as_deref().and_then(search::as_uscc).is_some();
    let mut filter = parsed.filter.clone();
    if !one_uscc {
        filter.name_contains.clone_from(&parsed.q);
    }
    let written = match &access.scope {
        // An enterprise user's own few files, or one USCC: loaded and checked like a search.
        Scope::Enterprises(_) | Scope::All | Scope::Region { .. }
            if one_uscc || matches!(access.scope, Scope::Enterprises(_)) =>
        {
            let mut parsed = parsed.clone();
            parsed.limit = search::MAX_LIMIT;
            let mut files = Vec::new();
            for item in search::run(&state.registry, &access.scope, &parsed)
                .await?
                .items
            {
                if let Some(file) = state.registry.get(&item.uscc).await? {
                    files.push(file);
                }
            }
            let target = out.clone();
            tokio::task::spawn_blocking(move || export_files(files, &target, format))
                .await
                .map_err(ApiError::internal)?
        }
        Scope::All | Scope::Region { .. } | Scope::Enterprises(_) => {
            export(&state.registry, &filter, &out, format, |_, _| {}).await
        }
        Scope::Provider(_) | Scope::Nothing => return Err(ApiError::out_of_scope()),
    };
    let result = match written {
        Ok(_) => tokio::fs::read(&out).await.map_err(ApiError::internal),
        Err(ExportError::TooManyRows) => Err(ApiError::bad_request(
            "too-many-rows",
            "超过 Excel 单个工作表的行数上限（1,048,576 行）：请导出为 CSV 或加筛选条件",
            "more rows than one Excel worksheet holds (1,048,576): export CSV or narrow the filter",
        )),
        Err(ExportError::Store(e)) => Err(e.into()),
        Err(e) => Err(ApiError::internal(e)),
    };
    let _ = tokio::fs::remove_file(&out).await;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    Ok((format!("企业名录-{stamp}.{ext}"), content_type, result?))
}
