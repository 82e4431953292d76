//! `GET /enterprises/{uscc}`: the enterprise file (一企一档) — identity, titles, annual
//! figures, and per year the size class and tier verdicts with edition and explanation.

use super::i18n::Lang;
use super::layout::{error_page, respond, shell};
use crate::access::Access;
use crate::api::enterprises::load_visible;
use crate::labels;
use crate::state::AppState;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde_json::Value;
use shangyun_registry::{AnnualFigures, Derived, Explanation};

pub async fn page_handler(state: &AppState, access: &Access, uscc: &str) -> Response {
    let lang = access.lang;
    let file = match load_visible(&state.registry, &access.scope, uscc).await {
        Ok(f) => f,
        Err(e) => return error_page(lang, Some(access), &e),
    };
    let e = &file.enterprise;
    let region = labels::region(&e.registered_region);
    let industry = labels::industry(&e.industry);
    let dash = || "—".to_owned();
    let energy = super::energy_section::sections(state, lang, &file).await;
    let body = html! {
        section.card #identity {
            h1 { (e.name) }
            table {
                tr { th { (lang.t("统一社会信用代码", "USCC")) } td { code { (e.uscc) } } }
                tr { th { (lang.t("注册地", "Registered region")) } td { (region.code) " " (region.path_zh.clone().unwrap_or_default()) } }
                @if let Some(op) = &e.operating_region {
                    @let op = labels::region(op);
                    tr { th { (lang.t("经营地", "Operating region")) } td { (op.code) " " (op.path_zh.clone().unwrap_or_default()) } }
                }
                tr { th { (lang.t("所属行业", "Industry")) } td { (industry.code) " " (industry.name_zh.clone().unwrap_or_default()) } }
                tr { th { (lang.t("成立日期", "Founded")) } td { (e.founded.map(|d| d.to_string()).unwrap_or_else(dash)) } }
                tr { th { (lang.t("联系人", "Contact")) } td {
                    (e.contact_name.clone().unwrap_or_else(dash)) " "
                    (e.contact_phone.clone().unwrap_or_default()) " "
                    (e.contact_email.clone().unwrap_or_default())
                } }
            }
        }
        section.card #titles {
            h2 { (lang.t("称号", "Titles")) }
            @if file.titles.is_empty() {
                p.muted { (lang.t("无记录", "none recorded")) }
            } @else {
                table {
                    tr { th { (lang.t("梯度", "Tier")) } th { (lang.t("认定日期", "Issued")) } th { (lang.t("有效期至", "Expires")) } th { (lang.t("版本", "Edition")) } }
                    @for t in &file.titles {
                        @let (zh, en) = labels::tier(t.tier);
                        tr { td { (lang.t(zh, en)) } td { (t.issued) } td { (t.expires) } td { (t.edition) } }
                    }
                }
            }
        }
        (energy)
        @for figures in file.figures.iter().rev() {
            section.card.year id={ "year-" (figures.year) } {
                h2 { (figures.year) (lang.t(" 年度", "")) }
                (figures_table(lang, figures))
                @if let Some(d) = file.derived.iter().find(|d| d.year == figures.year) {
                    (verdicts(lang, d))
                }
            }
        }
        @if file.figures.is_empty() {
            section.card { p.muted { (lang.t("尚无年度数据，无法划型或判定梯度。", "No annual figures yet: no size class or tier verdicts.")) } }
        }
    };
    respond(StatusCode::OK, shell(lang, Some(access), &e.name, body))
}

pub async fn page(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(uscc): Path<String>,
) -> Response {
    page_handler(&state, &access, &uscc).await
}

fn figures_table(lang: Lang, f: &AnnualFigures) -> Markup {
    fn show<T: std::fmt::Display>(v: Option<T>) -> String {
        v.map(|v| v.to_string()).unwrap_or_else(|| "—".to_owned())
    }
    let rows: [(&str, &str, String); 12] = [
        ("从业人员（人）", "Employees", show(f.employees)),
        ("营业收入（万元）", "Revenue (10k CNY)", show(f.revenue)),
        (
            "主营业务收入（万元）",
            "Main business revenue (10k CNY)",
            show(f.main_business_revenue),
        ),
        ("资产总额（万元）", "Total assets (10k CNY)", show(f.assets)),
        ("研发费用（万元）", "R&D spend (10k CNY)", show(f.rd_spend)),
        ("研发人员（人）", "R&D staff", show(f.rd_staff)),
        ("净利润（万元）", "Net profit (10k CNY)", show(f.net_profit)),
        ("资产负债率（%）", "Debt ratio (%)", show(f.debt_ratio)),
        ("Ⅰ类知识产权", "Class-I IP", show(f.ip_class1)),
        (
            "其中高价值",
            "of which high-value",
            show(f.ip_class1_high_value),
        ),
        ("Ⅱ类知识产权", "Class-II IP", show(f.ip_class2)),
        ("能耗（千瓦时）", "Energy (kWh)", show(f.energy_kwh)),
    ];
    html! {
        table.figures {
            @for (zh, en, value) in rows {
                tr { th { (lang.t(zh, en)) } td { (value) } }
            }
        }
    }
}

fn verdicts(lang: Lang, d: &Derived) -> Markup {
    let (class_zh, class_en) = labels::size_class(d.size_class.as_deref().unwrap_or(""));
    html! {
        h3 { (lang.t("企业规模划型", "Size class")) }
        p.size {
            strong { (lang.t(class_zh, class_en)) }
            span.muted { " · " (lang.t("标准版本 ", "edition ")) (d.size_edition) }
        }
        (explanation(lang, &d.size_explanation))
        h3 { (lang.t("梯度培育判定", "Tier verdicts")) }
        table.tiers {
            tr { th { (lang.t("梯度", "Tier")) } th { (lang.t("标准版本", "Edition")) } th { (lang.t("结论", "Outcome")) } th { (lang.t("依据", "Why")) } }
            @for t in &d.tiers {
                @let (tzh, ten) = labels::tier(t.tier);
                @let (ozh, oen) = labels::outcome(&t.outcome);
                tr {
                    td { (lang.t(tzh, ten)) }
                    td { code { (t.edition) } }
                    td { span class={ "badge " (t.outcome) } { (lang.t(ozh, oen)) } }
                    td { (explanation(lang, &t.explanation)) }
                }
            }
        }
    }
}

/// An explanation's fields as a definition list in the page's language; tokens without a
/// label (condition ids, group ids) as stored, nested values as compact JSON.
fn explanation(lang: Lang, e: &Explanation) -> Markup {
    let value = e.to_value();
    html! {
        @if let Some(map) = value.as_object() {
            dl.explanation {
                @for (key, v) in map {
                    @if !v.is_null() {
                        dt {
                            @match labels::explanation_key(key) {
                                Some((zh, en)) => (lang.t(zh, en)),
                                None => code { (key) },
                            }
                        }
                        dd { (render_value(lang, v)) }
                    }
                }
            }
        } @else if !value.is_null() {
            p { (render_value(lang, &value)) }
        }
    }
}

fn render_value(lang: Lang, v: &Value) -> String {
    match v {
        Value::String(s) => match labels::explanation_value(s) {
            Some((zh, en)) => lang.t(zh, en).to_owned(),
            None => s.clone(),
        },
        Value::Array(items) => items
            .iter()
            .map(|item| render_value(lang, item))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
