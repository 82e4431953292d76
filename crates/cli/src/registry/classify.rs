//! `shangyun classify`: recompute every derived value (size class, tier verdicts) with the
//! rule editions built into this binary — run it after a rule update.

use super::open;
use crate::output;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
#[command(after_help = "\
Reads every enterprise's figures and titles, recomputes size class and tier verdicts for \
every year on file, and stores them with the edition ids (one transaction per batch; an \
interrupted run can simply be started again). Shows a progress bar with rows/s on a \
terminal. Exit status: 0 done, 2 the database cannot be opened or is locked.")]
pub struct Args {
    /// Enterprises per transaction.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..))]
    batch: u32,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    database: String,
    enterprises: u64,
    derived_written: u64,
    seconds: f64,
    enterprises_per_second: f64,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let session = match open::open(database, true) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "划型与梯度重算 classify {bar:40} {human_pos}/{human_len} 企业 enterprises \
             {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let progress_bar = bar.clone();
    let outcome = session
        .runtime
        .block_on(session.registry.classify_all(args.batch, move |p| {
            progress_bar.set_length(p.total);
            progress_bar.set_position(p.done);
        }));
    bar.finish_and_clear();
    let summary = match outcome {
        Ok(s) => s,
        Err(e) => return open::store_error(e),
    };
    let seconds = started.elapsed().as_secs_f64();
    let report = Report {
        database: session.registry.location().display_target(),
        enterprises: summary.enterprises,
        derived_written: summary.derived_written,
        seconds,
        enterprises_per_second: if seconds > 0.0 {
            summary.enterprises as f64 / seconds
        } else {
            0.0
        },
    };
    output::emit(args.json, &report, || {
        format!(
            "已重算 {} 家企业、{} 个企业年度 / recomputed {} enterprises, {} enterprise-years \
             in {:.1} s ({:.0} enterprises/s)",
            report.enterprises,
            report.derived_written,
            report.enterprises,
            report.derived_written,
            report.seconds,
            report.enterprises_per_second
        )
    });
    ExitCode::from(output::OK)
}
