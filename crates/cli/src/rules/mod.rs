//! `shangyun rules …`: every official rule, one module per subcommand.

mod digital;
mod industry;
mod region;
mod size;
mod tier;
mod uscc;

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Validate 统一社会信用代码 (USCC) or 组织机构代码; reads stdin when no code is given.
    Uscc(uscc::Args),
    /// Look up a GB/T 2260 region code or search by Chinese name.
    Region(region::Args),
    /// Look up a GB/T 4754-2017 industry code and its size-class group.
    Industry(industry::Args),
    /// Classify an enterprise as 大/中/小/微 (2011 rules).
    Size(size::Args),
    /// Evaluate tier eligibility (创新型 / 专精特新 / 小巨人) for an annual profile.
    Tier(tier::Args),
    /// Score a digital-level questionnaire (2024 index).
    Digital(digital::Args),
}

pub fn run(cmd: RulesCommand) -> ExitCode {
    match cmd {
        RulesCommand::Uscc(a) => uscc::run(a),
        RulesCommand::Region(a) => region::run(a),
        RulesCommand::Industry(a) => industry::run(a),
        RulesCommand::Size(a) => size::run(a),
        RulesCommand::Tier(a) => tier::run(a),
        RulesCommand::Digital(a) => digital::run(a),
    }
}
