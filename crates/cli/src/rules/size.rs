//! `shangyun rules size`: classify an enterprise as 大/中/小/微 under the 2011 rules.

use crate::output;
use serde::Serialize;
use shangyun_rules::size::{Metrics, SizeEdition, SizeError, SizeOutcome};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
Rules: 《中小企业划型标准规定》(工信部联企业〔2011〕300号), industry scope per 国统字〔2017〕213号.
Give the metrics the industry's group uses; a missing one is reported, never guessed.
Example (the NBS worked example): shangyun rules size --industry C3311 --employees 500 --revenue 1500
Exit status: 0 classified, 1 cannot classify (missing metric, industry not covered, code too \
broad or unknown), 2 usage error (bad flag or value).")]
pub struct Args {
    /// GB/T 4754-2017 industry code, with or without the section letter (C3311 or 3311).
    #[arg(long, value_name = "CODE")]
    industry: String,
    /// X 从业人员: employees (persons).
    #[arg(long, value_name = "N")]
    employees: Option<u32>,
    /// Y 营业收入: revenue in 万元 (10,000 yuan).
    #[arg(long, value_name = "WAN", allow_negative_numbers = true)]
    revenue: Option<f64>,
    /// Z 资产总额: total assets in 万元.
    #[arg(long, value_name = "WAN", allow_negative_numbers = true)]
    assets: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'e> {
    #[serde(flatten)]
    outcome: SizeOutcome<'e>,
    explanation: String,
}

#[derive(Serialize)]
struct Failure {
    outcome: &'static str,
    industry: String,
    error: String,
}

pub fn run(args: Args) -> ExitCode {
    let metrics = Metrics {
        employees: args.employees,
        revenue_wan: args.revenue,
        assets_wan: args.assets,
    };
    match SizeEdition::edition_2011().classify(&args.industry, &metrics) {
        Ok(outcome) => {
            let report = Report {
                outcome,
                explanation: outcome.to_string(),
            };
            output::emit(args.json, &report, || report.explanation.clone());
            ExitCode::from(match outcome {
                SizeOutcome::Classified(_) => output::OK,
                _ => output::INVALID,
            })
        }
        Err(e @ SizeError::InvalidMetric { .. }) => output::usage_error(e),
        Err(e @ SizeError::Industry(_)) => {
            if args.json {
                let body = Failure {
                    outcome: "unknown_industry",
                    industry: args.industry.trim().to_owned(),
                    error: e.to_string(),
                };
                output::emit(true, &body, String::new);
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::from(output::INVALID)
        }
    }
}
