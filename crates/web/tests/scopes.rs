//! Tenancy as the issue states it: a 浙江 officer cannot read a 江苏 firm, an enterprise user
//! cannot read another enterprise, a county officer sees only its county — in the file, in
//! search results and in the audit log.

mod support;

use axum::http::StatusCode;
use serde_json::Value;
use support::{TestApp, TestResult, firm_a, firm_b, firm_c};

fn usccs(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["uscc"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn province_officer_reads_its_province_and_not_another() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, _) = t
        .get_json(
            Some("zhejiang"),
            &format!("/api/v1/enterprises/{}", firm_a()),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = t
        .get_json(
            Some("zhejiang"),
            &format!("/api/v1/enterprises/{}", firm_c()),
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "out-of-scope");
    let (status, body) = t
        .get(Some("zhejiang"), &format!("/enterprises/{}", firm_c()))
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("南京丙制造"), "{body}");

    let (_, page) = t
        .get_json(Some("zhejiang"), "/api/v1/enterprises?total=true")
        .await?;
    assert_eq!(usccs(&page), vec![firm_b(), firm_a()]);
    assert_eq!(page["total"], 2);
    let (status, body) = t
        .get_json(Some("zhejiang"), "/api/v1/enterprises?region=320000")
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Searching a foreign USCC finds nothing rather than leaking it.
    let (_, page) = t
        .get_json(
            Some("zhejiang"),
            &format!("/api/v1/enterprises?q={}", firm_c()),
        )
        .await?;
    assert!(usccs(&page).is_empty());

    let (_, page) = t.get_json(Some("jiangsu"), "/api/v1/enterprises").await?;
    assert_eq!(usccs(&page), vec![firm_c()]);
    Ok(())
}

#[tokio::test]
async fn county_officer_sees_only_its_county() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (_, page) = t.get_json(Some("xihu"), "/api/v1/enterprises").await?;
    assert_eq!(usccs(&page), vec![firm_a()]);
    // Asking for the whole province narrows to the county.
    let (_, page) = t
        .get_json(Some("xihu"), "/api/v1/enterprises?region=330000")
        .await?;
    assert_eq!(usccs(&page), vec![firm_a()]);
    let (status, _) = t
        .get_json(Some("xihu"), "/api/v1/enterprises?region=330102")
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t
        .get_json(Some("xihu"), &format!("/api/v1/enterprises/{}", firm_b()))
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = t.get_json(Some("xihu"), "/api/v1/audit").await?;
    let keys: Vec<&str> = page["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["entity_key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, vec![firm_a().as_str()], "{page}");
    Ok(())
}

#[tokio::test]
async fn enterprise_user_reads_only_its_enterprise() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, file) = t
        .get_json(Some("ent-a"), &format!("/api/v1/enterprises/{}", firm_a()))
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["enterprise"]["uscc"], firm_a());
    for other in [firm_b(), firm_c(), "91000000000000000X".to_owned()] {
        let (status, _) = t
            .get_json(Some("ent-a"), &format!("/api/v1/enterprises/{other}"))
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{other}");
    }
    let (_, page) = t
        .get_json(Some("ent-a"), "/api/v1/enterprises?region=320000")
        .await?;
    assert!(usccs(&page).is_empty());
    let (_, page) = t.get_json(Some("ent-a"), "/api/v1/enterprises").await?;
    assert_eq!(usccs(&page), vec![firm_a()]);
    let (status, _) = t.get_json(Some("ent-a"), "/api/v1/audit").await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn ministry_and_admin_see_everything() -> TestResult {
    let t = TestApp::sqlite().await?;
    for user in ["ministry", "admin"] {
        let (_, page) = t
            .get_json(Some(user), "/api/v1/enterprises?total=true")
            .await?;
        assert_eq!(page["total"], 3, "{user}");
        let (_, audit) = t.get_json(Some(user), "/api/v1/audit").await?;
        let about_firms = audit["items"]
            .as_array()
            .map(|a| a.iter().filter(|e| e["entity"] == "enterprise").count());
        assert_eq!(about_firms, Some(3), "{user}");
    }
    Ok(())
}

#[tokio::test]
async fn filters_and_paging() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (_, page) = t
        .get_json(Some("admin"), "/api/v1/enterprises?industry=65")
        .await?;
    assert_eq!(usccs(&page), vec![firm_b(), firm_a()]);
    let (_, page) = t
        .get_json(Some("admin"), "/api/v1/enterprises?industry=C33")
        .await?;
    assert_eq!(usccs(&page), vec![firm_c()]);
    let (_, page) = t
        .get_json(Some("admin"), "/api/v1/enterprises?size=micro")
        .await?;
    assert!(usccs(&page).is_empty(), "{page}");
    let (_, page) = t
        .get_json(Some("admin"), "/api/v1/enterprises?q=甲科技")
        .await?;
    assert_eq!(usccs(&page), vec![firm_a()]);
    let (_, first) = t
        .get_json(Some("admin"), "/api/v1/enterprises?limit=2")
        .await?;
    assert_eq!(usccs(&first).len(), 2);
    let after = first["next_after"].as_str().ok_or("no cursor")?.to_owned();
    let (_, second) = t
        .get_json(
            Some("admin"),
            &format!("/api/v1/enterprises?limit=2&after={after}"),
        )
        .await?;
    assert_eq!(usccs(&second).len(), 1);
    assert!(second["next_after"].is_null());
    let (status, err) = t
        .get_json(
            Some("admin"),
            "/api/v1/enterprises?size=tiny&limit=0&sort=turnover",
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = err["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, vec!["size", "limit", "sort"], "{err}");
    assert!(err["message_zh"].is_string() && err["message_en"].is_string());
    Ok(())
}

#[tokio::test]
async fn sorted_listings_page_both_ways() -> TestResult {
    let t = TestApp::sqlite().await?;
    // Names in byte order: 南 (U+5357) < 杭 (U+676D); regions 320102 < 330102 < 330106.
    for (query, want) in [
        ("sort=name", vec![firm_c(), firm_b(), firm_a()]),
        ("sort=-name", vec![firm_a(), firm_b(), firm_c()]),
        ("sort=name&order=desc", vec![firm_a(), firm_b(), firm_c()]),
        ("sort=region", vec![firm_c(), firm_b(), firm_a()]),
        ("sort=-uscc", {
            let mut v = vec![firm_a(), firm_b(), firm_c()];
            v.sort();
            v.reverse();
            v
        }),
    ] {
        let mut seen = Vec::new();
        let mut url = format!("/api/v1/enterprises?{query}&limit=2");
        loop {
            let (status, page) = t.get_json(Some("admin"), &url).await?;
            assert_eq!(status, StatusCode::OK, "{url}: {page}");
            seen.extend(usccs(&page));
            match page["next_after"].as_str() {
                Some(next) => url = format!("/api/v1/enterprises?{query}&limit=2&after={next}"),
                None => break,
            }
        }
        assert_eq!(seen, want, "{query}");
    }
    // A cursor from another order is refused, not misread.
    let (_, page) = t
        .get_json(Some("admin"), "/api/v1/enterprises?sort=name&limit=1")
        .await?;
    let cursor = page["next_after"].as_str().ok_or("no cursor")?.to_owned();
    let (status, err) = t
        .get_json(
            Some("admin"),
            &format!("/api/v1/enterprises?sort=region&after={cursor}"),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    // A province officer's sorted name search stays in the province.
    let (_, page) = t
        .get_json(Some("jiangsu"), "/api/v1/enterprises?sort=-name&q=有限公司")
        .await?;
    assert_eq!(usccs(&page), vec![firm_c()]);
    Ok(())
}

#[tokio::test]
async fn the_enterprise_file_explains_size_and_tiers() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (_, file) = t
        .get_json(Some("admin"), &format!("/api/v1/enterprises/{}", firm_a()))
        .await?;
    let derived = &file["derived"][0];
    assert_eq!(derived["size_edition"], "2011");
    assert!(derived["size_class"].is_string(), "{derived}");
    assert!(derived["size_explanation"].is_object());
    let tiers = derived["tiers"].as_array().ok_or("no tiers")?;
    assert_eq!(tiers.len(), 6);
    assert!(tiers.iter().all(|t| {
        t["edition"]
            .as_str()
            .is_some_and(|e| e.starts_with("tier-"))
    }));
    assert_eq!(
        file["labels"]["registered_region"]["path_zh"],
        "浙江省 杭州市 西湖区"
    );
    let (status, _) = t
        .get_json(Some("admin"), "/api/v1/enterprises/91330106MA27XK7R9Z")
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}
