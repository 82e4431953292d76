//! A console upload as an import job: the file is kept in `data_dir/imports/<id>/`, the run
//! is `shangyun_import_run` on a task of its own (the reading runs on its thread), progress
//! and counts go to the job record, the error report lands beside the upload. The store
//! audits every committed batch under the uploader's name.
//!
//! **Scope:** a row is admitted only when the uploader may see the enterprise — its
//! registered region inside the officer's subtree, and, when the USCC is already on file,
//! the stored registration too (an officer cannot move a firm of another region into his
//! own by importing it). Any other row is rejected like an invalid one: it goes to the error
//! report with the reason, nothing of it is written.

use crate::jobs::{ImportJob, JobOutcome, Phase};
use crate::scope::Scope;
use shangyun_import_run::{Admit, ImportFile, ImportOptions, Progress};
use shangyun_registry::Enterprise;
use shangyun_store::Registry;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The file names a job's directory holds.
pub const REPORT_XLSX: &str = "errors.xlsx";
pub const REPORT_CSV: &str = "errors.csv";

/// What may be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFormat {
    Csv,
    Xlsx,
}

impl UploadFormat {
    /// From the uploaded file's name (`.csv` or `.xlsx`, any case).
    pub fn of_name(name: &str) -> Option<UploadFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(UploadFormat::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(UploadFormat::Xlsx)
        } else {
            None
        }
    }

    /// The name the upload is stored under inside the job's directory.
    pub fn stored_name(self) -> &'static str {
        match self {
            UploadFormat::Csv => "upload.csv",
            UploadFormat::Xlsx => "upload.xlsx",
        }
    }
}

/// The directory of job `id`.
pub fn job_dir(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join("imports").join(id)
}

/// The rule rows must pass for `scope`, and a counter of the rows it refused. `None`: every
/// row is admitted (admins and ministry officers).
pub fn admission(
    scope: &Scope,
    registry: &Registry,
    runtime: tokio::runtime::Handle,
) -> (Option<Admit>, Arc<AtomicUsize>) {
    let refused = Arc::new(AtomicUsize::new(0));
    let scope = match scope {
        Scope::All => return (None, refused),
        other => other.clone(),
    };
    let registry = registry.clone();
    let counter = Arc::clone(&refused);
    let admit: Admit = Arc::new(move |e: &Enterprise| {
        let verdict = admit_row(&scope, e, || {
            // On the import's reading thread (not a runtime thread): a blocking lookup.
            runtime
                .block_on(registry.get(&e.uscc))
                .map(|found| found.map(|f| f.enterprise.registered_region))
                .map_err(|err| err.to_string())
        });
        if verdict.is_err() {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        verdict
    });
    (Some(admit), refused)
}

/// The verdict on one row: its own region, then the stored registration of its USCC.
fn admit_row(
    scope: &Scope,
    e: &Enterprise,
    stored_region: impl FnOnce() -> Result<Option<String>, String>,
) -> Result<(), String> {
    let outside = |region: &str| match scope {
        Scope::Region { code, .. } => format!(
            "超出辖区：注册地 {region} 不在您的管辖范围 {code} 内，未导入 / out of scope: \
             registered region {region} is outside your region {code}; not imported"
        ),
        _ => "超出权限：您不能导入该企业 / out of scope: you may not import this enterprise"
            .to_owned(),
    };
    if !scope.sees_enterprise(&e.uscc, &e.registered_region) {
        return Err(outside(&e.registered_region));
    }
    match stored_region()? {
        Some(stored) if !scope.sees_enterprise(&e.uscc, &stored) => Err(format!(
            "超出辖区：该企业已登记在 {stored}，不在您的管辖范围内，未导入 / out of scope: this \
             enterprise is registered in {stored}, outside your region; not imported"
        )),
        _ => Ok(()),
    }
}

/// What a job needs to run.
pub struct JobRun {
    pub job: Arc<ImportJob>,
    pub upload: PathBuf,
    /// The registry acting as the uploader (audit entries carry the name).
    pub registry: Registry,
    pub scope: Scope,
    pub year: Option<i32>,
}

/// Runs the import and records where it got; never panics, a failure ends in
/// [`Phase::Failed`].
pub async fn run(job_run: JobRun) {
    let JobRun {
        job,
        upload,
        registry,
        scope,
        year,
    } = job_run;
    let (admit, refused) = admission(&scope, &registry, tokio::runtime::Handle::current());
    let options = ImportOptions {
        year,
        name: Some(job.file_name.clone()),
        report: Some((job.dir.join(REPORT_XLSX), job.dir.join(REPORT_CSV))),
        admit,
        // One batch per transaction: people editing records through the console meanwhile
        // wait for the registry's write lock at most one batch long.
        transaction_rows: shangyun_import_run::BATCH_ROWS,
    };
    let file = match ImportFile::open(&upload, options).await {
        Ok(f) => f,
        Err(e) => {
            let message = e
                .to_string()
                .replace(&upload.display().to_string(), &job.file_name);
            job.update(|s| s.phase = Phase::Failed(message));
            return;
        }
    };
    let watched = Arc::clone(&job);
    let outcome = file
        .run(&registry, move |p: &Progress| {
            watched.update(|s| {
                s.rows_read = p.rows_read;
                s.rows_committed = p.rows_committed;
                s.rows_bad = p.rows_bad;
                s.total_rows = p.total_rows_estimate;
            });
        })
        .await;
    match outcome {
        Ok(done) => job.update(|s| {
            s.phase = Phase::Finished;
            s.rows_read = done.summary.rows as u64;
            s.total_rows = Some(done.summary.rows as u64);
            s.outcome = Some(JobOutcome {
                rows: done.summary.rows,
                imported: done.summary.imported,
                rejected: done.summary.rejected,
                out_of_scope: refused.load(Ordering::Relaxed),
                errors: done.report.errors,
                warnings: done.report.warnings,
                unknown_columns: done.unknown_columns.clone(),
                report_xlsx: done.report.xlsx.clone(),
                report_csv: done.report.csv.clone(),
            });
        }),
        Err(e) => {
            let message = e
                .to_string()
                .replace(&upload.display().to_string(), &job.file_name);
            job.update(|s| s.phase = Phase::Failed(message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(region: &str) -> Enterprise {
        Enterprise {
            uscc: "91330106MA27XK7R3B".into(),
            name: "x".into(),
            registered_region: region.into(),
            operating_region: None,
            industry: "6511".into(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        }
    }

    fn zhejiang() -> Scope {
        Scope::Region {
            code: "330000".into(),
            prefix: "33".into(),
        }
    }

    #[test]
    fn a_row_in_the_region_and_new_is_admitted() {
        assert_eq!(admit_row(&zhejiang(), &firm("330106"), || Ok(None)), Ok(()));
    }

    #[test]
    fn a_row_outside_the_region_is_refused_with_the_reason() {
        let verdict = admit_row(&zhejiang(), &firm("320102"), || Ok(None));
        assert!(verdict.is_err_and(|m| m.contains("320102") && m.contains("330000")));
    }

    #[test]
    fn a_firm_stored_elsewhere_cannot_be_moved_in() {
        let verdict = admit_row(&zhejiang(), &firm("330106"), || Ok(Some("320102".into())));
        assert!(verdict.is_err_and(|m| m.contains("320102")));
        let moved_within = admit_row(&zhejiang(), &firm("330106"), || Ok(Some("330102".into())));
        assert_eq!(moved_within, Ok(()));
    }

    #[test]
    fn a_failed_lookup_refuses_the_row() {
        let verdict = admit_row(&zhejiang(), &firm("330106"), || Err("locked".into()));
        assert_eq!(verdict, Err("locked".to_owned()));
    }

    #[test]
    fn upload_names_decide_the_format() {
        assert_eq!(UploadFormat::of_name("名录.XLSX"), Some(UploadFormat::Xlsx));
        assert_eq!(UploadFormat::of_name("a.csv"), Some(UploadFormat::Csv));
        assert_eq!(UploadFormat::of_name("a.xls"), None);
        assert_eq!(UploadFormat::of_name("csv"), None);
    }
}
