//! Progress of a long load on stderr: a bar with rows/s on a terminal; otherwise (a log, a
//! pipe, a test) a plain line after the first committed batch and then every few seconds.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often a plain progress line is printed at most.
const PLAIN_EVERY: Duration = Duration::from_secs(2);

/// Shared by the reading thread (rows read, position in the file) and the writer (rows
/// committed).
pub struct Meter {
    bar: Option<ProgressBar>,
    started: Instant,
    read: AtomicU64,
    committed: AtomicU64,
    /// When the last plain line was printed; `None` before the first.
    last_line: Mutex<Option<Instant>>,
    /// What the rows are called in messages, zh then en.
    noun: (&'static str, &'static str),
}

impl Meter {
    /// A meter whose bar runs to `total` units of the file (bytes or rows; 0 when unknown).
    pub fn new(label: &str, total: u64, noun: (&'static str, &'static str)) -> Meter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{label} {{bar:32}} {{percent:>3}}% {{msg}} eta {{eta}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Meter {
            bar,
            started: Instant::now(),
            read: AtomicU64::new(0),
            committed: AtomicU64::new(0),
            last_line: Mutex::new(None),
            noun,
        }
    }

    /// Rows read so far and the position in the file (in the bar's units).
    pub fn read(&self, rows: u64, position: u64) {
        self.read.store(rows, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_position(position);
            bar.set_message(self.short_message());
        }
    }

    /// A batch ending at data row `through` is committed.
    pub fn committed(&self, through: u64) {
        self.committed.store(through, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            // The reader runs a few batches ahead: keep the committed count moving too.
            bar.set_message(self.short_message());
            return;
        }
        let now = Instant::now();
        let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| now.duration_since(t) < PLAIN_EVERY) {
            return;
        }
        *last = Some(now);
        eprintln!("进度 progress: {}", self.message());
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn rate(&self) -> f64 {
        let seconds = self.started.elapsed().as_secs_f64();
        if seconds > 0.0 {
            self.read.load(Ordering::Relaxed) as f64 / seconds
        } else {
            0.0
        }
    }

    fn short_message(&self) -> String {
        let read = self.read.load(Ordering::Relaxed);
        let committed = self.committed.load(Ordering::Relaxed);
        let (zh, en) = self.noun;
        format!(
            "{read} {zh} {en} · {:.0} {en}/s · 已提交 committed {committed}",
            self.rate()
        )
    }

    fn message(&self) -> String {
        let read = self.read.load(Ordering::Relaxed);
        let committed = self.committed.load(Ordering::Relaxed);
        let (zh, en) = self.noun;
        format!(
            "已读 {read} {zh} / read {read} {en}; 已提交 {committed} {zh} / committed \
             {committed} {en}; {:.0} {en}/s",
            self.rate()
        )
    }
}
