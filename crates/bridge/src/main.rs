//! `shangyun-bridge`: one node of external-broker mode (see the crate README); the same as
//! `shangyun bridge`.
//!
//! ```sh
//! shangyun-bridge --client-id node-a --directory postgres://…/shangyun \
//!     --postgres 'postgres://…/shangyun' --broker mqtt://127.0.0.1:1883
//! ```

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "shangyun external-broker node: shared subscription at QoS 1, ack after durable")]
struct Cli {
    #[command(flatten)]
    args: shangyun_bridge::cli::Args,
}

fn main() -> ExitCode {
    shangyun_bridge::cli::main(Cli::parse().args)
}
