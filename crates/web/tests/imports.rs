//! The console's import and export: an upload runs as the uploader's background job, rows
//! outside the officer's region (or of a firm registered outside it) land in the error
//! report, the report downloads, the job is the uploader's alone, oversized uploads get 413,
//! and the export follows the search filters within the caller's scope. SQLite and
//! PostgreSQL.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shangyun_web::WebOptions;
use shangyun_web::jobs::{JobStatus, Phase};
use std::time::Duration;
use support::{Error, TestApp, TestResult, body_text, firm_a, firm_c, uscc};

const BOUNDARY: &str = "----shangyunTestBoundary";

/// A firm on file in 南京 秦淮区 whose USCC passes the importer's checks (the support firms'
/// serials fail the organisation-code check, which the store does not make).
fn firm_d() -> String {
    uscc("320104", '7')
}

async fn store_firm_d(t: &TestApp) -> TestResult {
    let enterprise = shangyun_registry::Enterprise {
        uscc: firm_d(),
        name: "南京丁有限公司".into(),
        registered_region: "320104".into(),
        operating_region: None,
        industry: "3311".into(),
        founded: None,
        contact_name: None,
        contact_phone: None,
        contact_email: None,
    };
    t.state
        .registry
        .upsert(&shangyun_store::EnterpriseRecord::new(enterprise, vec![]))
        .await?;
    Ok(())
}

/// A new firm in 西湖区, one in 南京 (outside 浙江), a malformed USCC, and 南京's firm D
/// claimed for 西湖区 (a move into the officer's region).
fn mixed_csv() -> String {
    format!(
        "统一社会信用代码,企业名称,注册地区划代码,行业代码,年度,从业人员,营业收入\n\
         {new},杭州新导入科技有限公司,330106,6511,2024,50,2000\n\
         {jiangsu},南京外省有限公司,320102,6511,2024,50,2000\n\
         91330106MA27XK7R0X,校验码错误有限公司,330106,6511,2024,50,2000\n\
         {c},南京丙制造有限公司,330106,3311,2024,80,3000\n",
        new = uscc("330106", '7'),
        jiangsu = uscc("320102", '7'),
        c = firm_d(),
    )
}

/// A multipart upload body: the csrf field first (as the console's form sends it).
fn multipart(csrf: Option<&str>, file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(token) = csrf {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// POSTs an upload as `user`; (status, Location, body).
async fn upload(
    t: &TestApp,
    user: &str,
    file_name: &str,
    content: &[u8],
    with_length: bool,
) -> Result<(StatusCode, Option<String>, String), Error> {
    let (cookie, csrf) = t.session(user).await?;
    let body = multipart(Some(&csrf), file_name, content);
    let mut request = Request::post("/imports")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    let body = if with_length {
        request = request.header(header::CONTENT_LENGTH, body.len());
        Body::from(body)
    } else {
        // Chunked: no length announced, the handler has to count.
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            body.chunks(4096).map(|c| Ok(c.to_vec())).collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    };
    let response = t.send(request.body(body)?).await?;
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok((status, location, body_text(response).await?))
}

/// Waits (up to 30 s) for job `id` of `user` to leave the running phase.
async fn finished(t: &TestApp, user: &str, id: &str) -> Result<JobStatus, Error> {
    let owner = t.users.get(user).ok_or("no such user")?.id;
    for _ in 0..300 {
        let job = t.state.jobs.get(id, owner).ok_or("job not recorded")?;
        let status = job.status();
        if status.phase != Phase::Running {
            return Ok(status);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the import did not finish in 30 s".into())
}

async fn import_with_bad_rows(t: &TestApp) -> TestResult {
    store_firm_d(t).await?;
    let (status, location, body) =
        upload(t, "zhejiang", "浙江名录.csv", mixed_csv().as_bytes(), true).await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.ok_or("no redirect to the job")?;
    let id = location.trim_start_matches("/imports/").to_owned();
    let status = finished(t, "zhejiang", &id).await?;
    assert_eq!(status.phase, Phase::Finished, "{status:?}");
    let outcome = status.outcome.ok_or("no outcome")?;
    assert_eq!(
        (
            outcome.rows,
            outcome.imported,
            outcome.rejected,
            outcome.out_of_scope
        ),
        (4, 1, 3, 2),
        "{outcome:?}"
    );

    // The job page shows the counts and links the report.
    let (code, page) = t.get(Some("zhejiang"), &location).await?;
    assert_eq!(code, StatusCode::OK);
    assert!(page.contains("data-phase=\"finished\"") && page.contains("report?format=xlsx"));
    // The report names each problem row with its reason.
    let (code, report) = t
        .get(Some("zhejiang"), &format!("{location}/report?format=csv"))
        .await?;
    assert_eq!(code, StatusCode::OK);
    assert!(
        report.contains("320102") && report.contains("超出辖区"),
        "{report}"
    );
    assert!(report.contains("91330106MA27XK7R0X"), "{report}");
    assert!(report.contains("已登记在 320104"), "{report}");
    let xlsx = t
        .send(
            Request::get(format!("{location}/report?format=xlsx"))
                .header(header::COOKIE, t.session("zhejiang").await?.0)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let disposition = xlsx
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert!(body_text(xlsx).await?.starts_with("PK"), "an XLSX is a zip");

    // Only the admitted row was written; firm D stays in 南京.
    let new = t.state.registry.get(&uscc("330106", '7')).await?;
    assert!(new.is_some());
    let outsider = t.state.registry.get(&uscc("320102", '7')).await?;
    assert!(outsider.is_none());
    let d = t
        .state
        .registry
        .get(&firm_d())
        .await?
        .ok_or("firm D lost")?;
    assert_eq!(d.enterprise.registered_region, "320104");

    // The import is audited under the uploader's name.
    let audit = t
        .state
        .registry
        .audit(&shangyun_store::AuditQuery {
            entity_key: None,
            limit: Some(50),
        })
        .await?;
    assert!(
        audit
            .iter()
            .any(|e| e.entity == "import" && e.actor == "zhejiang"),
        "{audit:?}"
    );

    // The job is the uploader's alone: another officer, and the admin, get 404.
    for other in ["jiangsu", "admin"] {
        let (code, _) = t.get(Some(other), &location).await?;
        assert_eq!(code, StatusCode::NOT_FOUND, "{other}");
        let (code, _) = t
            .get(Some(other), &format!("{location}/report?format=csv"))
            .await?;
        assert_eq!(code, StatusCode::NOT_FOUND, "{other}");
    }
    // The import page lists it for its owner only.
    let (_, mine) = t.get(Some("zhejiang"), "/imports").await?;
    assert!(mine.contains("浙江名录.csv"));
    let (_, theirs) = t.get(Some("jiangsu"), "/imports").await?;
    assert!(!theirs.contains("浙江名录.csv"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_imports_in_region_rows_and_downloads_the_report_of_the_rest() -> TestResult {
    let t = TestApp::sqlite().await?;
    import_with_bad_rows(&t).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_import_and_export_work_alike() -> TestResult {
    let Some(t) = TestApp::postgres().await? else {
        return Ok(());
    };
    import_with_bad_rows(&t).await?;
    export_follows_filters_and_scope(&t).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_no_spreadsheet_fails_with_a_message() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (status, location, _) = upload(&t, "admin", "notes.csv", b"hello\nworld\n", true).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = location
        .ok_or("no job")?
        .trim_start_matches("/imports/")
        .to_owned();
    let status = finished(&t, "admin", &id).await?;
    match status.phase {
        Phase::Failed(message) => {
            assert!(message.contains("notes.csv"), "{message}");
            assert!(
                !message.contains("upload.csv"),
                "the stored path leaked: {message}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn uploads_over_the_limit_get_413_with_a_page_saying_so() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = TestApp::sqlite_with(WebOptions {
        upload_limit: 2_000,
        data_dir: dir.path().to_path_buf(),
        ..WebOptions::default()
    })
    .await?;
    let big = "统一社会信用代码,企业名称,注册地区划代码,行业代码\n".repeat(100);
    for with_length in [true, false] {
        let (status, _, page) = upload(&t, "admin", "big.csv", big.as_bytes(), with_length).await?;
        assert_eq!(
            status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "announced: {with_length}"
        );
        assert!(page.contains("文件过大") && page.contains("MiB"), "{page}");
    }
    // Nothing was kept of them.
    let imports = dir.path().join("imports");
    let left = std::fs::read_dir(&imports).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "partial uploads must be removed");
    // The ordinary body limit does not apply to uploads: a file over it but under the upload
    // limit is taken.
    let t = TestApp::sqlite_with(WebOptions {
        body_limit: 100,
        data_dir: dir.path().to_path_buf(),
        ..WebOptions::default()
    })
    .await?;
    let (status, _, page) = upload(&t, "admin", "ok.csv", mixed_csv().as_bytes(), true).await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    Ok(())
}

#[tokio::test]
async fn uploads_need_the_form_token_and_a_csv_or_xlsx_name() -> TestResult {
    let t = TestApp::sqlite().await?;
    let (cookie, _) = t.session("admin").await?;
    let forged = t
        .send(
            Request::post("/imports")
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(Some("forged"), "a.csv", b"x")))?,
        )
        .await?;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let (status, _, page) = upload(&t, "admin", "a.xls", b"x", true).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(".csv") && page.contains(".xlsx"), "{page}");
    Ok(())
}

async fn export_follows_filters_and_scope(t: &TestApp) -> TestResult {
    let get = |user: &'static str, uri: String| async move {
        let response = t
            .send(
                Request::get(uri)
                    .header(header::COOKIE, t.session(user).await?.0)
                    .body(Body::empty())?,
            )
            .await?;
        let status = response.status();
        let disposition = response
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok::<_, Error>((status, disposition, body_text(response).await?))
    };
    // A province officer: its own province, filters applied.
    let (status, disposition, csv) = get("zhejiang", "/export?format=csv".into()).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(csv.contains("统一社会信用代码") && csv.contains(&firm_a()));
    assert!(!csv.contains(&firm_c()), "a foreign firm was exported");
    let (_, _, county) = get("zhejiang", "/export?format=csv&region=330102".into()).await?;
    assert!(
        !county.contains(&firm_a()),
        "the region filter was not applied"
    );
    let (status, _, _) = get("zhejiang", "/export?format=csv&region=320000".into()).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The name search and a USCC search narrow the export like the list.
    let (_, _, named) = get("admin", "/export?format=csv&q=%E5%8D%97%E4%BA%AC".into()).await?; // 南京
    assert!(
        named.contains(&firm_c()) && !named.contains(&firm_a()),
        "{named}"
    );
    let by_code = format!("/export?format=csv&q={}", firm_a());
    let (_, _, one) = get("zhejiang", by_code).await?;
    assert!(one.contains(&firm_a()) && !one.contains(&firm_c()));
    // An enterprise user: its own firm only.
    let (status, _, own) = get("ent-a", "/export?format=csv".into()).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains(&firm_a()) && !own.contains(&firm_c()));
    // XLSX by default; a bad format is a 400 page.
    let (status, _, xlsx) = get("admin", "/export?industry=33".into()).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with("PK"));
    let (status, _, _) = get("admin", "/export?format=pdf".into()).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn export_downloads_the_search_within_the_scope() -> TestResult {
    let t = TestApp::sqlite().await?;
    export_follows_filters_and_scope(&t).await?;
    // The registry list links the export with its current filters.
    let (_, page) = t.get(Some("zhejiang"), "/enterprises?industry=65").await?;
    assert!(
        page.contains("href=\"/export?industry=65&amp;format=xlsx\""),
        "{page}"
    );
    Ok(())
}
