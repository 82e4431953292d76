//! `GET /audit`: the audit log within the officer's region.

use super::layout::{error_page, respond, shell};
use crate::access::Access;
use crate::api::audit::{entries, parse};
use crate::api::enterprises::query_pairs;
use crate::state::AppState;
use axum::extract::{Extension, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

pub async fn page(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = access.lang;
    let parsed = query_pairs(raw.as_deref()).and_then(|p| parse(&p));
    let request = match parsed {
        Ok(x) => x,
        Err(e) => return error_page(lang, Some(&access), &e),
    };
    let items = match entries(&state.registry, &access.scope, &request).await {
        Ok(items) => items,
        Err(e) => return error_page(lang, Some(&access), &e),
    };
    let body = html! {
        section.card {
            h1 { (lang.t("审计日志", "Audit log")) }
            @if items.is_empty() {
                p { (lang.t("暂无记录。", "No entries.")) }
            } @else {
                table #audit-table {
                    tr {
                        th { (lang.t("时间", "When")) } th { (lang.t("操作人", "Who")) }
                        th { (lang.t("操作", "Action")) } th { (lang.t("对象", "Entity")) }
                        th { (lang.t("变更前", "Before")) } th { (lang.t("变更后", "After")) }
                    }
                    @for e in &items {
                        tr {
                            td { (e.at.format("%Y-%m-%d %H:%M:%S")) } td { (e.actor) }
                            td { (e.action) }
                            td { @if e.entity == "enterprise" { a href={ "/enterprises/" (e.entity_key) } { (e.entity_key) } } @else { (e.entity) " " (e.entity_key) } }
                            td { details { summary { "JSON" } pre { (e.before.as_ref().map(|v| v.to_string()).unwrap_or_default()) } } }
                            td { details { summary { "JSON" } pre { (e.after.as_ref().map(|v| v.to_string()).unwrap_or_default()) } } }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        shell(lang, Some(&access), lang.t("审计日志", "Audit log"), body),
    )
}
