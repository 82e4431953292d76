//! `GET /imports` (upload form and one's own jobs), `POST /imports` (the upload: streamed to
//! the job's directory under `upload_limit`, then the import runs in the background),
//! `GET /imports/{id}` (the job; htmx polls its fragment every second while it runs) and
//! `GET /imports/{id}/report?format=xlsx|csv` (the error report).

use super::i18n::Lang;
use super::layout::{error_page, respond, shell};
use crate::access::{Access, CSRF_FIELD, upload_too_large};
use crate::accounts::secret;
use crate::error::ApiError;
use crate::imports::{self, JobRun, UploadFormat};
use crate::jobs::{ImportJob, Phase};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Extension, Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

pub async fn page(State(state): State<AppState>, Extension(access): Extension<Access>) -> Response {
    let lang = access.lang;
    let Ok(principal) = access.principal() else {
        return error_page(lang, Some(&access), &ApiError::unauthenticated());
    };
    let jobs = state.jobs.of(principal.id);
    let limit_mib = state.options.upload_limit as f64 / (1024.0 * 1024.0);
    let body = html! {
        section.card {
            h1 { (lang.t("导入企业名录", "Import enterprises")) }
            p { (lang.t(
                "上传 CSV 或 XLSX 文件（中文或英文表头，列见导入说明）。有问题的行不导入，写入错误报告，可下载后修改再导入；重复导入同一文件不会重复写入。",
                "Upload a CSV or XLSX file (Chinese or English headers). Rows with problems are not imported; they go to an error report you can download, fix and import again. Importing the same file again writes nothing twice.")) }
            p.muted { (lang.t("文件上限 ", "Size limit ")) (format!("{limit_mib:.1} MiB")) (lang.t(
                "。只能导入您辖区内的企业：辖区外的行记入错误报告。",
                ". Only enterprises in your region can be imported: rows outside it go to the error report.")) }
            // The CSRF field comes first: the server reads it without buffering the file.
            form.filters #import-form method="post" action="/imports" enctype="multipart/form-data" {
                input type="hidden" name=(CSRF_FIELD) value=(access.csrf());
                label { (lang.t("文件", "File")) " "
                    input #import-file type="file" name="file" accept=".csv,.xlsx" required; }
                label { (lang.t("年度（文件无“年度”列时）", "Year (when the file has no year column)")) " "
                    input type="number" name="year" min="1949" max="2100" size="6"; }
                button.primary type="submit" { (lang.t("上传并导入", "Upload and import")) }
            }
        }
        section.card #jobs {
            h2 { (lang.t("我的导入", "My imports")) }
            @if jobs.is_empty() {
                p.muted { (lang.t("暂无。", "None yet.")) }
            }
            @for job in &jobs { (job_fragment(lang, job)) }
        }
    };
    respond(
        StatusCode::OK,
        shell(lang, Some(&access), lang.t("导入", "Import"), body),
    )
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    multipart: Multipart,
) -> Response {
    let lang = access.lang;
    let Ok(principal) = access.principal().cloned() else {
        return error_page(lang, Some(&access), &ApiError::unauthenticated());
    };
    let id = match secret::random_hex() {
        Ok(hex) => hex.chars().take(32).collect::<String>(),
        Err(e) => return error_page(lang, Some(&access), &ApiError::internal(e)),
    };
    let dir = imports::job_dir(&state.options.data_dir, &id);
    let received = receive(&state, &dir, multipart).await;
    let (file_name, stored, year) = match received {
        Ok(r) => r,
        Err(e) => {
            let _ = tokio::fs::remove_dir_all(&dir).await;
            return error_page(lang, Some(&access), &e);
        }
    };
    let job = state
        .jobs
        .add(id.clone(), principal.id, file_name, dir.clone());
    tokio::spawn(imports::run(JobRun {
        job,
        upload: stored,
        registry: state.registry.with_actor(&principal.name),
        scope: access.scope.clone(),
        year,
    }));
    Redirect::to(&format!("/imports/{id}")).into_response()
}

/// Streams the form's file into `dir`: (the user's file name, the stored path, the year).
async fn receive(
    state: &AppState,
    dir: &std::path::Path,
    mut multipart: Multipart,
) -> Result<(String, std::path::PathBuf, Option<i32>), ApiError> {
    let bad = |zh: &str, en: &str| ApiError::bad_request("invalid-upload", zh, en);
    let limit = state.options.upload_limit;
    let mut file = None;
    let mut year = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(bad(
                    "上传的表单无法读取",
                    "the uploaded form cannot be read",
                ));
            }
        };
        match field.name() {
            Some("file") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).trim().to_owned())
                    .unwrap_or_default();
                if name.is_empty() {
                    return Err(bad("请选择要导入的文件", "choose a file to import"));
                }
                let Some(format) = UploadFormat::of_name(&name) else {
                    return Err(bad(
                        "只能导入 .csv 或 .xlsx 文件",
                        "only .csv and .xlsx files can be imported",
                    )
                    .with_field("file", format!("'{name}'")));
                };
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(ApiError::internal)?;
                let path = dir.join(format.stored_name());
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(ApiError::internal)?;
                let mut field = field;
                let mut size = 0usize;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            size += chunk.len();
                            if size > limit {
                                return Err(upload_too_large(limit));
                            }
                            out.write_all(&chunk).await.map_err(ApiError::internal)?;
                        }
                        Ok(None) => break,
                        Err(_) => {
                            return Err(bad("上传中断", "the upload broke off"));
                        }
                    }
                }
                out.flush().await.map_err(ApiError::internal)?;
                file = Some((name, path));
            }
            Some("year") => {
                let text = field.text().await.unwrap_or_default();
                let text = text.trim();
                if !text.is_empty() {
                    match text.parse::<i32>() {
                        Ok(y) if (1949..=2100).contains(&y) => year = Some(y),
                        _ => {
                            return Err(bad("年度无效", "invalid year")
                                .with_field("year", "须为 1949 至 2100 / must be 1949 to 2100"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let (name, path) = file.ok_or_else(|| bad("请选择要导入的文件", "choose a file to import"))?;
    Ok((name, path, year))
}

pub async fn job(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = access.lang;
    let job = match own_job(&state, &access, &id) {
        Ok(j) => j,
        Err(e) => return error_page(lang, Some(&access), &e),
    };
    let fragment = job_fragment(lang, &job);
    if headers.contains_key("HX-Request") {
        return respond(StatusCode::OK, fragment);
    }
    let body = html! {
        section.card {
            h1 { (lang.t("导入", "Import")) }
            (fragment)
            p { a href="/imports" { (lang.t("← 全部导入", "← all imports")) } }
        }
    };
    respond(
        StatusCode::OK,
        shell(lang, Some(&access), lang.t("导入", "Import"), body),
    )
}

pub async fn report(
    State(state): State<AppState>,
    Extension(access): Extension<Access>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = access.lang;
    let job = match own_job(&state, &access, &id) {
        Ok(j) => j,
        Err(e) => return error_page(lang, Some(&access), &e),
    };
    let csv = raw.as_deref().is_some_and(|q| q.contains("format=csv"));
    let outcome = job.status().outcome;
    let path = outcome.and_then(|o| if csv { o.report_csv } else { o.report_xlsx });
    let Some(path) = path else {
        return error_page(
            lang,
            Some(&access),
            &ApiError::not_found("错误报告", "error report"),
        );
    };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) => return error_page(lang, Some(&access), &ApiError::internal(e)),
    };
    let stem = job
        .file_name
        .rsplit_once('.')
        .map_or(job.file_name.as_str(), |(s, _)| s);
    let (ext, content_type) = if csv {
        ("csv", "text/csv; charset=utf-8")
    } else {
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    attachment(&format!("{stem}.errors.{ext}"), content_type, bytes)
}

/// A download: `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266).
pub fn attachment(file_name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The caller's job `id`; someone else's is "not found" (its existence is not disclosed).
fn own_job(state: &AppState, access: &Access, id: &str) -> Result<Arc<ImportJob>, ApiError> {
    let principal = access.principal()?;
    state
        .jobs
        .get(id, principal.id)
        .ok_or_else(|| ApiError::not_found("该导入任务", "import job"))
}

/// One job: progress while it runs (htmx polls it every second), counts and the report's
/// links once finished.
pub fn job_fragment(lang: Lang, job: &ImportJob) -> Markup {
    let s = job.status();
    let running = s.phase == Phase::Running;
    let url = format!("/imports/{}", job.id);
    html! {
        div.job id={ "job-" (job.id) } data-phase=(phase_key(&s.phase))
            hx-get=[running.then_some(url.as_str())]
            hx-trigger=[running.then_some("every 1s")]
            hx-swap=[running.then_some("outerHTML")] {
            p {
                strong { (job.file_name) }
                span.muted { " · " (job.created.format("%Y-%m-%d %H:%M:%S UTC")) " · " }
                @match &s.phase {
                    Phase::Running => span.badge { (lang.t("导入中", "running")) },
                    Phase::Finished => span.badge.eligible { (lang.t("已完成", "finished")) },
                    Phase::Failed(_) => span.badge.not-eligible { (lang.t("失败", "failed")) },
                }
            }
            progress max="100" value=(s.percent()) {}
            p.muted.counts {
                (lang.t("已读 ", "read ")) (s.rows_read)
                @if let Some(total) = s.total_rows { " / " (total) }
                (lang.t(" 行，已提交 ", " rows, committed ")) (s.rows_committed)
                (lang.t(" 行，问题行 ", ", rows with problems ")) (s.rows_bad)
            }
            @if let Phase::Failed(message) = &s.phase {
                p.error { (message) }
            }
            @if let Some(o) = &s.outcome {
                table.outcome {
                    tr { th { (lang.t("数据行", "Data rows")) } td.rows { (o.rows) } }
                    tr { th { (lang.t("已导入", "Imported")) } td.imported { (o.imported) } }
                    tr { th { (lang.t("未导入（有错误）", "Rejected (errors)")) } td.rejected { (o.rejected) } }
                    tr { th { (lang.t("其中超出辖区", "of which out of scope")) } td.out-of-scope { (o.out_of_scope) } }
                    tr { th { (lang.t("错误 / 警告", "Errors / warnings")) } td { (o.errors) " / " (o.warnings) } }
                    @if !o.unknown_columns.is_empty() {
                        tr { th { (lang.t("未识别的列（已忽略）", "Unknown columns (ignored)")) } td { (o.unknown_columns.join("、")) } }
                    }
                }
                @if o.report_xlsx.is_some() || o.report_csv.is_some() {
                    p.report {
                        (lang.t("错误报告：", "Error report: "))
                        @if o.report_xlsx.is_some() {
                            a.report-xlsx href={ (url) "/report?format=xlsx" } download { "XLSX" }
                        }
                        " · "
                        @if o.report_csv.is_some() {
                            a.report-csv href={ (url) "/report?format=csv" } download { "CSV" }
                        }
                    }
                } @else {
                    p { (lang.t("没有发现问题。", "No problems found.")) }
                }
            }
        }
    }
}

fn phase_key(phase: &Phase) -> &'static str {
    match phase {
        Phase::Running => "running",
        Phase::Finished => "finished",
        Phase::Failed(_) => "failed",
    }
}
