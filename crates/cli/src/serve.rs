//! `shangyun serve`: the HTTP API and the browser console in one process, on the registry
//! named by `--database`. On an empty account table it creates `admin` and prints a one-time
//! password to stderr, once. `shangyun serve add-user` creates further accounts.
//!
//! Configuration: `--config FILE` (TOML), the environment and the flags, flag > environment >
//! file > default. The flags are made from `shangyun_web::config::KEYS`, the one definition
//! of every key.

mod devices;

use crate::output;
use clap::{Arg, ArgAction, ArgMatches};
use shangyun_store::DatabaseLocation;
use shangyun_web::config::{self, KEYS, Kind, Overrides};
use shangyun_web::{NewUser, Role};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A TOML file of configuration keys (see crates/web/README.md); flags and the
    /// environment override it.
    #[arg(long, env = "SHANGYUN_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    keys: ConfigFlags,
    /// Also run the MQTT device endpoint (ThingsBoard device API) on this address, with the
    /// device store, the time-series store in `<data_dir>/tsdb` and the HTTP device API; off
    /// when not given (e.g. 127.0.0.1:1884; 1883 is usually a broker's).
    #[arg(long, env = "SHANGYUN_MQTT_LISTEN", value_name = "HOST:PORT")]
    mqtt_listen: Option<std::net::SocketAddr>,
    /// Also (or only) the MQTT device endpoint over TLS on this address (e.g. 0.0.0.0:8883);
    /// needs --mqtt-tls-cert and --mqtt-tls-key.
    #[arg(long, env = "SHANGYUN_MQTTS_LISTEN", value_name = "HOST:PORT", requires_all = ["mqtt_tls_cert", "mqtt_tls_key"])]
    mqtts_listen: Option<std::net::SocketAddr>,
    /// PEM certificate chain for --mqtts-listen.
    #[arg(long, env = "SHANGYUN_MQTT_TLS_CERT", value_name = "FILE")]
    mqtt_tls_cert: Option<PathBuf>,
    /// PEM private key for --mqtts-listen.
    #[arg(long, env = "SHANGYUN_MQTT_TLS_KEY", value_name = "FILE")]
    mqtt_tls_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<ServeCommand>,
}

/// One flag per configuration key (`--database` is the binary's global flag).
struct ConfigFlags(Overrides);

fn flag_keys() -> impl Iterator<Item = &'static config::Key> {
    KEYS.iter().filter(|k| k.name != "database")
}

impl clap::FromArgMatches for ConfigFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Overrides::new();
        for k in flag_keys() {
            if k.kind == Kind::Switch {
                if matches.get_flag(k.flag) {
                    given.insert(k.name, "true".to_owned());
                }
            } else if let Some(v) = matches.get_one::<String>(k.flag) {
                given.insert(k.name, v.clone());
            }
        }
        Ok(ConfigFlags(given))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for ConfigFlags {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for k in flag_keys() {
            let help = format!(
                "{} [env: {}] [file key: {}] [default: {}]",
                k.meaning.replace('`', ""),
                k.env,
                k.name,
                k.default_doc.replace('`', "")
            );
            let arg = Arg::new(k.flag).long(k.flag).help(help);
            cmd = cmd.arg(match k.kind {
                Kind::Switch => arg.action(ArgAction::SetTrue),
                Kind::Address => arg.action(ArgAction::Set).value_name("HOST:PORT"),
                Kind::Bytes => arg.action(ArgAction::Set).value_name("BYTES"),
                Kind::Path => arg.action(ArgAction::Set).value_name("DIR"),
                Kind::Database => arg.action(ArgAction::Set).value_name("URL"),
            });
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
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
    let mut flags = args.keys.0;
    // The global --database (or SHANGYUN_DATABASE, which clap reads for it): both outrank
    // the file.
    if let Some(given) = database {
        flags.insert("database", given.to_owned());
    }
    let resolved = config::resolve(
        args.config.as_deref(),
        |name| std::env::var(name).ok(),
        &flags,
    );
    let resolved = match resolved {
        Ok(c) => c,
        Err(e) => return output::usage_error(e),
    };
    match args.command {
        Some(ServeCommand::AddUser(user)) => add_user(&resolved.database, user),
        None => {
            let mqtt = devices::MqttListeners {
                plain: args.mqtt_listen,
                tls: args
                    .mqtts_listen
                    .zip(args.mqtt_tls_cert.zip(args.mqtt_tls_key)),
            };
            // The HTTP device API and the time-series store are always on; the MQTT
            // listeners only when asked for (a port is a deployment decision).
            let served = devices::serve_with_devices(
                &resolved.database,
                resolved.web,
                resolved.listen,
                mqtt,
            );
            match served {
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
