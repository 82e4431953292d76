//! Import jobs: one record per upload, owned by the uploader (nobody else sees it, admins
//! included — the audit log is where others read what was imported). The run itself is
//! `shangyun_import_run`; a job only keeps where it got and where its files are.
//!
//! Records live in memory (a restart forgets the list, not the data: committed batches and
//! the audit entries are in the database, and the uploaded file and its error report stay in
//! `data_dir/imports/<id>/`). At most [`KEEP_PER_USER`] records per user are kept.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Finished jobs remembered per user (the oldest finished ones are forgotten first).
pub const KEEP_PER_USER: usize = 20;

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "phase", content = "message")]
pub enum Phase {
    /// Reading and committing rows.
    Running,
    /// Every row read: see the outcome.
    Finished,
    /// Stopped: the file cannot be imported, or the database refused (what is committed
    /// stays; importing the same file again continues after it).
    Failed(String),
}

/// Counts and report files of a finished run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobOutcome {
    pub rows: usize,
    pub imported: usize,
    pub rejected: usize,
    /// Rows refused because they lie outside the uploader's scope (also in `rejected`).
    pub out_of_scope: usize,
    pub errors: usize,
    pub warnings: usize,
    pub unknown_columns: Vec<String>,
    #[serde(skip)]
    pub report_xlsx: Option<PathBuf>,
    #[serde(skip)]
    pub report_csv: Option<PathBuf>,
}

/// A job's state, copied out for a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub phase: Phase,
    pub rows_read: u64,
    pub rows_committed: u64,
    pub rows_bad: u64,
    /// Rows the file holds (estimated for CSV until the end).
    pub total_rows: Option<u64>,
    pub outcome: Option<JobOutcome>,
}

impl JobStatus {
    /// Per cent done, 0 to 100, from the rows read against the estimate.
    pub fn percent(&self) -> u8 {
        if self.phase != Phase::Running {
            return 100;
        }
        match self.total_rows {
            Some(total) if total > 0 => {
                u8::try_from((self.rows_read.saturating_mul(100) / total).min(99)).unwrap_or(99)
            }
            _ => 0,
        }
    }
}

/// One upload.
#[derive(Debug)]
pub struct ImportJob {
    /// 128 random bits in hex: not guessable, and checked against the owner anyway.
    pub id: String,
    pub owner: i64,
    /// The name the user gave the file.
    pub file_name: String,
    pub created: DateTime<Utc>,
    /// `data_dir/imports/<id>/`: the upload and its error report.
    pub dir: PathBuf,
    status: Mutex<JobStatus>,
}

impl ImportJob {
    pub fn status(&self) -> JobStatus {
        self.status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Applies `change` to the status.
    pub fn update(&self, change: impl FnOnce(&mut JobStatus)) {
        let mut guard = self.status.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut guard);
    }
}

/// Every user's jobs.
#[derive(Debug, Default)]
pub struct ImportJobs {
    jobs: Mutex<Vec<Arc<ImportJob>>>,
}

impl ImportJobs {
    /// Records a new running job.
    pub fn add(&self, id: String, owner: i64, file_name: String, dir: PathBuf) -> Arc<ImportJob> {
        let job = Arc::new(ImportJob {
            id,
            owner,
            file_name,
            created: Utc::now(),
            dir,
            status: Mutex::new(JobStatus {
                phase: Phase::Running,
                rows_read: 0,
                rows_committed: 0,
                rows_bad: 0,
                total_rows: None,
                outcome: None,
            }),
        });
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.push(Arc::clone(&job));
        // Forget the owner's oldest finished jobs beyond the limit.
        let mine = jobs.iter().filter(|j| j.owner == owner).count();
        if mine > KEEP_PER_USER {
            let mut excess = mine - KEEP_PER_USER;
            jobs.retain(|j| {
                let forget = excess > 0 && j.owner == owner && j.status().phase != Phase::Running;
                if forget {
                    excess -= 1;
                }
                !forget
            });
        }
        job
    }

    /// The job `id` if `owner` uploaded it.
    pub fn get(&self, id: &str, owner: i64) -> Option<Arc<ImportJob>> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter()
            .find(|j| j.id == id && j.owner == owner)
            .cloned()
    }

    /// `owner`'s jobs, newest first.
    pub fn of(&self, owner: i64) -> Vec<Arc<ImportJob>> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter()
            .rev()
            .filter(|j| j.owner == owner)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_visible_to_its_owner_only() {
        let jobs = ImportJobs::default();
        jobs.add("a1".into(), 1, "x.csv".into(), PathBuf::from("/tmp/a1"));
        assert!(jobs.get("a1", 1).is_some());
        assert!(jobs.get("a1", 2).is_none());
        assert!(jobs.of(2).is_empty());
    }

    #[test]
    fn old_finished_jobs_are_forgotten_running_ones_kept() {
        let jobs = ImportJobs::default();
        let first = jobs.add("j0".into(), 1, "x.csv".into(), PathBuf::new());
        for i in 1..=KEEP_PER_USER + 3 {
            let j = jobs.add(format!("j{i}"), 1, "x.csv".into(), PathBuf::new());
            j.update(|s| s.phase = Phase::Finished);
        }
        let mine = jobs.of(1);
        assert_eq!(mine.len(), KEEP_PER_USER);
        // The first one still runs: it is kept although it is the oldest.
        assert!(mine.iter().any(|j| Arc::ptr_eq(j, &first)));
    }

    #[test]
    fn percent_counts_against_the_estimate_and_ends_at_100() {
        let mut s = JobStatus {
            phase: Phase::Running,
            rows_read: 50,
            rows_committed: 0,
            rows_bad: 0,
            total_rows: Some(200),
            outcome: None,
        };
        assert_eq!(s.percent(), 25);
        s.rows_read = 400; // a CSV estimate that was low
        assert_eq!(s.percent(), 99);
        s.phase = Phase::Finished;
        assert_eq!(s.percent(), 100);
    }
}
