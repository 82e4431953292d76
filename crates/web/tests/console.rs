//! The console: zh-CN by default, English on request (remembered), the registry list with
//! filters (full page and htmx fragment), and the enterprise file with its verdicts.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{TestApp, TestResult, body_text, firm_a, firm_c};

#[tokio::test]
async fn chinese_by_default_english_on_request_and_remembered() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, page) = t.get(None, "/login").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("lang=\"zh-CN\"") && page.contains("登录"),
        "{page}"
    );

    let response = t
        .send(Request::get("/login?lang=en").body(Body::empty())?)
        .await?;
    let cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sy_lang="))
        .ok_or("language not remembered")?
        .to_owned();
    let page = body_text(response).await?;
    assert!(
        page.contains("lang=\"en\"") && page.contains("Sign in"),
        "{page}"
    );

    let lang = cookie.split(';').next().unwrap_or_default().to_owned();
    let again = t
        .send(
            Request::get("/login")
                .header(header::COOKIE, lang)
                .body(Body::empty())?,
        )
        .await?;
    assert!(body_text(again).await?.contains("Sign in"));
    Ok(())
}

#[tokio::test]
async fn registry_list_filters_and_htmx_fragment() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, page) = t.get(Some("zhejiang"), "/enterprises").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("htmx.min.js") && page.contains("hx-get=\"/enterprises\""));
    assert!(page.contains(&firm_a()) && !page.contains(&firm_c()));
    assert!(page.contains("共 2 家企业"), "{page}");
    // The region choices stay inside the officer's province.
    assert!(page.contains("330106") && !page.contains("value=\"320000\""));

    let (cookie, _) = t.session("admin").await?;
    let fragment = t
        .send(
            Request::get("/enterprises?industry=C33")
                .header(header::COOKIE, cookie)
                .header("HX-Request", "true")
                .body(Body::empty())?,
        )
        .await?;
    let html = body_text(fragment).await?;
    assert!(html.starts_with("<div id=\"results\">"), "{html}");
    assert!(html.contains(&firm_c()) && !html.contains(&firm_a()));

    let (status, page) = t.get(Some("admin"), "/enterprises?size=tiny").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("筛选条件无效"));
    Ok(())
}

#[tokio::test]
async fn enterprise_page_shows_identity_figures_and_verdicts_with_editions() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, page) = t
        .get(Some("xihu"), &format!("/enterprises/{}", firm_a()))
        .await?;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "杭州甲科技有限公司",
        "浙江省 杭州市 西湖区",
        "6511",
        "从业人员",
        "企业规模划型",
        "2011",
        "tier-2022-specialized",
        "tier-2026-specialized",
        "专精特新中小企业",
    ] {
        assert!(page.contains(expected), "missing {expected}");
    }
    let (_, english) = t
        .get(Some("xihu"), &format!("/enterprises/{}?lang=en", firm_a()))
        .await?;
    assert!(english.contains("Size class") && english.contains("Tier verdicts"));
    Ok(())
}

#[tokio::test]
async fn providers_and_experts_get_a_start_page_not_the_registry() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, page) = t.get(Some("expert"), "/").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("href=\"/enterprises\""));
    let (cookie, _) = t.session("admin").await?;
    let home = t
        .send(
            Request::get("/")
                .header(header::COOKIE, cookie)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    Ok(())
}

#[tokio::test]
async fn the_api_page_and_htmx_are_served_from_the_binary() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, js) = t.get(None, "/assets/htmx.min.js").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(js.starts_with("var htmx=function()"));
    let (status, docs) = t.get(None, "/api/v1/docs").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(docs.contains("/api/v1/enterprises/{uscc}"));
    assert!(
        !docs.contains("http://") && !docs.contains("https://"),
        "no external assets"
    );
    Ok(())
}
