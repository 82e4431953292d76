//! `shangyun serve`: the HTTP API and the browser console in one process, on the registry
//! named by `--database`. On an empty account table it creates `admin` and prints a one-time
//! password to stderr, once. `shangyun serve add-user` creates further accounts.

use crate::output;
use shangyun_store::DatabaseLocation;
use shangyun_web::{NewUser, Role, WebOptions};
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on.
    #[arg(long, env = "SHANGYUN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Mark cookies Secure (set when users reach the server over HTTPS).
    #[arg(long, env = "SHANGYUN_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Largest request body accepted, in bytes; larger ones are refused with 413.
    #[arg(long, env = "SHANGYUN_BODY_LIMIT", default_value_t = 1024 * 1024)]
    body_limit: usize,
    #[command(subcommand)]
    command: Option<ServeCommand>,
}

#[derive(clap::Subcommand)]
enum ServeCommand {
    /// Create an account with a one-time password (printed once).
    AddUser(AddUser),
}

#[derive(clap::Args)]
struct AddUser {
    /// Sign-in name.
    name: String,
    /// admin, officer, enterprise, provider or expert.
    #[arg(long)]
    role: String,
    /// Officer: the GB/T 2260 code of the region overseen (omit for ministry level).
    #[arg(long)]
    region: Option<String>,
    /// Enterprise user: a USCC it acts for (repeat for several).
    #[arg(long = "enterprise", value_name = "USCC")]
    enterprises: Vec<String>,
    /// Provider user: the provider's identifier.
    #[arg(long)]
    provider: Option<String>,
}

pub fn run(database: Option<&str>, args: Args) -> ExitCode {
    let location = match database {
        Some(given) => DatabaseLocation::parse(given),
        None => DatabaseLocation::from_env(),
    };
    let location = match location {
        Ok(l) => l,
        Err(e) => return output::usage_error(e),
    };
    match args.command {
        Some(ServeCommand::AddUser(user)) => add_user(&location, user),
        None => {
            let options = WebOptions {
                secure_cookies: args.secure_cookies,
                body_limit: args.body_limit,
            };
            match shangyun_web::serve_blocking(&location, options, args.listen) {
                Ok(()) => ExitCode::from(output::OK),
                Err(e) => output::usage_error(e),
            }
        }
    }
}

fn add_user(location: &DatabaseLocation, user: AddUser) -> ExitCode {
    let Some(role) = Role::parse(&user.role) else {
        return output::usage_error(format!(
            "role '{}' is not one of admin, officer, enterprise, provider, expert",
            user.role
        ));
    };
    let new = NewUser {
        name: user.name,
        role,
        region: user.region,
        provider: user.provider,
        enterprises: user.enterprises,
        password: String::new(),
        must_change_password: true,
    };
    match shangyun_web::add_user_blocking(location, new) {
        Ok((principal, password)) => {
            eprintln!(
                "已创建用户 {} ({}) / created user {} ({}); 一次性密码 / one-time password:\n\n    {password}\n",
                principal.name,
                principal.role.name_zh(),
                principal.name,
                principal.role.name_en()
            );
            ExitCode::from(output::OK)
        }
        Err(e) => output::usage_error(e),
    }
}
