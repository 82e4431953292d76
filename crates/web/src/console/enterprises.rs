//! `GET /` and `GET /enterprises`: the registry list with search and filters. With
//! `HX-Request` only the result table is sent (htmx swaps it in); without JavaScript the
//! form is an ordinary GET.

use super::i18n::Lang;
use super::layout::{error_page, respond, shell};
use crate::access::Access;
use crate::api::enterprises::query_pairs;
use crate::labels;
use crate::routes::{self, Action, Permission};
use crate::scope::Scope;
use crate::search::{self, ResultPage, Search};
use crate::state::AppState;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shangyun_registry::Tier;
use shangyun_rules::codes::{RegionLevel, RegionList};

pub async fn home(Extension(access): Extension<Access>) -> Response {
    let lang = access.lang;
    let may_list = access
        .principal
        .as_ref()
        .is_some_and(|p| routes::permission(Action::ListEnterprises, p.role) != Permission::Deny);
    if may_list {
        return Redirect::to("/enterprises").into_response();
    }
    let body = html! {
        section.card {
            h1 { (lang.t("欢迎", "Welcome")) }
            p { (lang.t("您的角色暂无可用的功能页面。", "There are no pages for your role yet.")) }
        }
    };
    respond(
        StatusCode::OK,
        shell(lang, Some(&access), lang.t("首页", "Start"), body),
    )
}

pub async fn list(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = access.lang;
    let params = match query_pairs(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return error_page(lang, Some(&access), &e),
    };
    let mut params = params;
    params.retain(|(k, _)| k != "lang");
    if !params.iter().any(|(k, _)| k == "total") {
        params.push(("total".to_owned(), "true".to_owned()));
    }
    let outcome = match search::parse(&params, &access.scope) {
        Ok(parsed) => search::run(&state.registry, &access.scope, &parsed)
            .await
            .map(|page| (parsed, page)),
        Err(e) => Err(e),
    };
    let results = match &outcome {
        Ok((parsed, result)) => results(lang, parsed, result, &params),
        Err(e) => html! {
            div #results {
                p.error { (lang.t(&e.message_zh, &e.message_en)) }
                @for f in &e.fields { p.error { code { (f.field) } ": " (f.message) } }
            }
        },
    };
    let status = outcome
        .as_ref()
        .map_or_else(|e| e.status, |_| StatusCode::OK);
    if headers.contains_key("HX-Request") {
        return respond(status, results);
    }
    let get = |name: &str| {
        params
            .iter()
            .find_map(|(k, v)| (k == name).then(|| v.clone()))
            .unwrap_or_default()
    };
    let body = html! {
        section.card {
            h1 { (lang.t("企业名录（一企一档）", "Enterprise registry")) }
            form.filters #filters method="get" action="/enterprises"
                hx-get="/enterprises" hx-target="#results" hx-swap="outerHTML" hx-push-url="true" {
                label { (lang.t("名称或统一社会信用代码", "Name or USCC"))
                    input #q type="search" name="q" value=(get("q")) maxlength="100"; }
                label { (lang.t("地区", "Region"))
                    select name="region" { (region_options(lang, &access.scope, &get("region"))) } }
                label { (lang.t("行业代码", "Industry code"))
                    input name="industry" value=(get("industry")) placeholder="65, C39" size="10"; }
                label { (lang.t("企业规模", "Size class"))
                    select name="size" {
                        option value="" { (lang.t("全部", "all")) }
                        @for class in shangyun_store::SIZE_CLASSES {
                            @let (zh, en) = labels::size_class(class);
                            option value=(class) selected[get("size") == class] { (lang.t(zh, en)) }
                        }
                    } }
                label { (lang.t("梯度培育（符合条件）", "Tier (eligible)"))
                    select name="tier" {
                        option value="" { (lang.t("全部", "all")) }
                        @for (key, tier) in [("innovative", Tier::Innovative), ("specialized", Tier::Specialized), ("little-giant", Tier::LittleGiant)] {
                            @let (zh, en) = labels::tier(tier);
                            option value=(key) selected[get("tier") == key] { (lang.t(zh, en)) }
                        }
                    } }
                button.primary type="submit" { (lang.t("查询", "Search")) }
            }
        }
        section.card { (results) }
    };
    respond(
        status,
        shell(lang, Some(&access), lang.t("企业名录", "Registry"), body),
    )
}

fn results(
    lang: Lang,
    parsed: &Search,
    result: &ResultPage,
    params: &[(String, String)],
) -> Markup {
    let next_link = result.next_after.as_ref().map(|after| {
        link(
            "/enterprises",
            params,
            &["after", "total"],
            ("after", after),
        )
    });
    let export_link = |format: &str| {
        link(
            "/export",
            params,
            &["after", "total", "limit", "format"],
            ("format", format),
        )
    };
    html! {
        div #results {
            p.export {
                (lang.t("按当前条件导出：", "Export with these filters: "))
                a #export-xlsx href=(export_link("xlsx")) download { "XLSX" } " · "
                a #export-csv href=(export_link("csv")) download { "CSV" }
            }
            p.muted {
                @if let Some(total) = result.total {
                    (lang.t("共 ", "")) (total) (lang.t(" 家企业", " enterprises"))
                }
                @if parsed.q.is_some() && result.total.is_none() {
                    (lang.t("按名称查找（逐页扫描）", "name search (scanning page by page)"))
                }
            }
            @if result.items.is_empty() {
                p #no-results { (lang.t("没有符合条件的企业。", "No enterprises match.")) }
            } @else {
                table #enterprise-table {
                    tr {
                        th { (lang.t("统一社会信用代码", "USCC")) }
                        th { (lang.t("名称", "Name")) }
                        th { (lang.t("注册地", "Region")) }
                        th { (lang.t("行业", "Industry")) }
                        th { (lang.t("规模", "Size")) }
                        th { (lang.t("符合条件的梯度", "Eligible tiers")) }
                    }
                    @for item in &result.items {
                        tr {
                            td { a href={ "/enterprises/" (item.uscc) } { code { (item.uscc) } } }
                            td { a href={ "/enterprises/" (item.uscc) } { (item.name) } }
                            td { (item.region.path_zh.as_deref().unwrap_or(&item.region.code)) }
                            td { (item.industry.code) " " (item.industry.name_zh.as_deref().unwrap_or("")) }
                            td {
                                @if let Some(class) = &item.size_class {
                                    @let (zh, en) = labels::size_class(class);
                                    (lang.t(zh, en))
                                } @else { "—" }
                                @if let Some(y) = item.year { span.muted { " (" (y) ")" } }
                            }
                            td {
                                @for tier in &item.eligible_for {
                                    @let (zh, en) = labels::tier(*tier);
                                    span.badge.eligible { (lang.t(zh, en)) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(href) = next_link {
                p { a #next-page href=(href) { (lang.t("下一页 →", "Next page →")) } }
            }
        }
    }
}

/// `path?` the current parameters without `drop`, plus `add`.
fn link(path: &str, params: &[(String, String)], drop: &[&str], add: (&str, &str)) -> String {
    let mut p: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    p.push(add);
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&p).unwrap_or_default()
    )
}

/// The region choices a scope allows: its own subtree down two levels.
fn region_options(lang: Lang, scope: &Scope, selected: &str) -> Markup {
    let list = RegionList::embedded();
    let (top_label, regions): (String, Vec<&shangyun_rules::codes::Region>) = match scope {
        Scope::Region { code, .. } => match list.find(code) {
            Some(root) => {
                let mut v = vec![root];
                v.extend(
                    list.descendants(root)
                        .into_iter()
                        .filter(|r| r.is_current()),
                );
                (
                    format!("{}{}", lang.t("辖区全部：", "all of "), root.name()),
                    v,
                )
            }
            None => (code.clone(), Vec::new()),
        },
        _ => (
            lang.t("全国", "all regions").to_owned(),
            list.iter()
                .filter(|r| r.is_current() && r.level() != RegionLevel::County)
                .collect(),
        ),
    };
    html! {
        option value="" { (top_label) }
        @for r in regions {
            @let indent = match r.level() { RegionLevel::Province => "", RegionLevel::Prefecture => "\u{3000}", RegionLevel::County => "\u{3000}\u{3000}" };
            option value=(r.code()) selected[r.code() == selected] { (indent) (r.name()) " " (r.code()) }
        }
    }
}
