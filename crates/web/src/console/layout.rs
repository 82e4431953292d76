//! The page shell (header, navigation, language switch, sign-out) and error pages.

use super::i18n::Lang;
use crate::access::{Access, CSRF_FIELD};
use crate::error::ApiError;
use crate::routes::{self, Action, Permission};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

/// The console's stylesheet, inline (one request fewer, nothing external).
pub const CSS: &str = r#"
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
header{background:#0b4f8a;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700}header .spacer{flex:1}
header form{display:inline;margin:0}header button{background:none;border:1px solid #fff;color:#fff;border-radius:4px;cursor:pointer}
main{max-width:1200px;margin:1rem auto;padding:0 1rem}
.card{background:#fff;border-radius:6px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:.85rem}
input,select{padding:.3rem;border:1px solid #cbd2d9;border-radius:4px}
button.primary{background:#0b4f8a;color:#fff;border:0;border-radius:4px;padding:.4rem 1rem;cursor:pointer}
.badge{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.8rem;margin-right:.2rem;background:#e3f8ff;color:#035388}
.eligible{background:#e3f9e5;color:#05400a}.not-eligible{background:#ffe3e3;color:#610404}.not-enough-data{background:#fffbea;color:#513c06}
.muted{color:#7b8794;font-size:.85rem}.error{color:#ab091e}
.job{border-top:1px solid #e4e7eb;padding:.5rem 0}.job progress{width:100%;height:.8rem}table.outcome{width:auto;min-width:24rem}
.login{max-width:360px;margin:4rem auto}.login label{display:block;margin:.6rem 0}.login input{width:100%;box-sizing:border-box}
"#;

/// A full page.
pub fn shell(lang: Lang, access: Option<&Access>, title: &str, body: Markup) -> Markup {
    let principal = access.and_then(|a| a.principal.as_ref());
    let may = |action: Action| {
        principal.is_some_and(|p| routes::permission(action, p.role) != Permission::Deny)
    };
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("上云平台", "shangyun")) }
                style { (maud::PreEscaped(CSS)) }
                script src="/assets/htmx.min.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { (lang.t("上云 · 中小企业数字化转型", "shangyun · SME digital transformation")) }
                    @if may(Action::ListEnterprises) {
                        a href="/enterprises" { (lang.t("企业名录", "Registry")) }
                    }
                    @if may(Action::ViewImports) {
                        a href="/imports" { (lang.t("导入", "Import")) }
                    }
                    @if may(Action::ReadAudit) {
                        a href="/audit" { (lang.t("审计日志", "Audit log")) }
                    }
                    span.spacer {}
                    a #lang-switch href={ "?lang=" (other.query_value()) } {
                        (other.t("中文", "English"))
                    }
                    @if let (Some(p), Some(a)) = (principal, access) {
                        span.who { (p.name) " · " (lang.t(p.role.name_zh(), p.role.name_en())) }
                        form method="post" action="/logout" {
                            input type="hidden" name=(CSRF_FIELD) value=(a.csrf());
                            button type="submit" { (lang.t("退出", "Sign out")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// HTML response with a status.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// A refused console request: 401 shows the sign-in form (returning to `here`), anything
/// else an error page with the message in the page's language.
pub fn refusal_page(lang: Lang, here: &str, error: &ApiError) -> Response {
    if error.status == StatusCode::UNAUTHORIZED {
        let mut response = respond(error.status, super::login::form(lang, here, None));
        // htmx swaps fragments; a full navigation is what a signed-out user needs.
        if let Ok(v) = axum::http::HeaderValue::from_str("/login") {
            response.headers_mut().insert("HX-Redirect", v);
        }
        return response;
    }
    error_page(lang, None, error)
}

/// An error page.
pub fn error_page(lang: Lang, access: Option<&Access>, error: &ApiError) -> Response {
    let message = lang.t(&error.message_zh, &error.message_en).to_owned();
    let body = html! {
        section.card {
            h1 { (error.status.as_u16()) " " (message) }
            @for f in &error.fields {
                p.error { code { (f.field) } ": " (f.message) }
            }
            p { a href="/" { (lang.t("返回首页", "Back to the start page")) } }
        }
    };
    respond(error.status, shell(lang, access, &message, body))
}
