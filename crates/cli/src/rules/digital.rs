use crate::output;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(_args: Args) -> ExitCode {
    output::usage_error("not built yet")
}
