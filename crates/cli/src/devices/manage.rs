//! add, list, show, token rotate, revoke, set-mqtt.

use crate::output;
use clap::{Args, Subcommand};
use shangyun_device_store::{
    CredentialKind, CredentialSpec, DeviceFilter, DeviceRecord, DeviceStore, DeviceStoreError,
    Issued, NewDeviceSpec,
};
use shangyun_devices::DeviceId;
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Args)]
pub struct AddArgs {
    /// Device name, unique within its enterprise.
    name: String,
    /// Owning enterprise (USCC).
    #[arg(long)]
    enterprise: Option<String>,
    /// Device type (see `shangyun devices types list`).
    #[arg(long = "type", value_name = "TYPE")]
    device_type: Option<String>,
    /// The device is a gateway (publishes for sub-devices).
    #[arg(long)]
    gateway: bool,
    #[arg(long)]
    label: Option<String>,
    /// Use this access token instead of a random one (16–128 characters).
    #[arg(long, conflicts_with_all = ["mqtt_client_id", "mqtt_user", "no_credentials"])]
    token: Option<String>,
    /// MQTT Basic credentials instead of a token: client id …
    #[arg(long)]
    mqtt_client_id: Option<String>,
    /// … and/or user name; the password is read from the first line of stdin.
    #[arg(long)]
    mqtt_user: Option<String>,
    /// Read an MQTT password from stdin (needs --mqtt-user).
    #[arg(long, requires = "mqtt_user")]
    mqtt_password_stdin: bool,
    /// Register without credentials.
    #[arg(long)]
    no_credentials: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    enterprise: Option<String>,
    #[arg(long = "type", value_name = "TYPE")]
    device_type: Option<String>,
    /// Only sub-devices of this gateway id.
    #[arg(long)]
    gateway_id: Option<i64>,
    /// Name contains.
    #[arg(long)]
    name: Option<String>,
    #[arg(long, default_value_t = 100)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    /// Device id.
    id: i64,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a new access token; the old one stops working at once.
    Rotate(ShowArgs),
}

#[derive(Args)]
pub struct SetMqttArgs {
    id: i64,
    #[arg(long)]
    client_id: Option<String>,
    #[arg(long)]
    user: Option<String>,
    /// Read the password from the first line of stdin (needs --user).
    #[arg(long, requires = "user")]
    password_stdin: bool,
}

fn read_password() -> Result<String, DeviceStoreError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| DeviceStoreError::Invalid(format!("cannot read the password: {e}")))?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        return Err(DeviceStoreError::Invalid(
            "the password on stdin is empty".into(),
        ));
    }
    Ok(p)
}

pub async fn add(
    store: &DeviceStore,
    actor: &str,
    a: AddArgs,
) -> Result<ExitCode, DeviceStoreError> {
    let credential = if a.no_credentials {
        CredentialSpec::None
    } else if let Some(t) = a.token {
        CredentialSpec::Token(t)
    } else if a.mqtt_client_id.is_some() || a.mqtt_user.is_some() {
        CredentialSpec::Basic {
            client_id: a.mqtt_client_id,
            username: a.mqtt_user,
            password: if a.mqtt_password_stdin {
                Some(read_password()?)
            } else {
                None
            },
        }
    } else {
        CredentialSpec::GenerateToken
    };
    let spec = NewDeviceSpec {
        name: a.name,
        enterprise: a.enterprise,
        device_type: a.device_type,
        is_gateway: a.gateway,
        label: a.label,
    };
    let (identity, issued) = store.add_device(spec, credential, actor).await?;
    let value = serde_json::json!({"device": identity, "issued": issued});
    output::emit(a.json, &value, || {
        let mut s = format!("registered device {} ({})", identity.id, identity.name);
        match &issued {
            Issued::AccessToken { token } => s.push_str(&format!(
                "\naccess token (shown once; only its hash is stored): {token}"
            )),
            Issued::MqttBasic {
                client_id,
                username,
            } => s.push_str(&format!(
                "\nMQTT Basic: client id {} user {}",
                client_id.as_deref().unwrap_or("-"),
                username.as_deref().unwrap_or("-")
            )),
            Issued::None => s.push_str("\nno credentials yet"),
        }
        s
    });
    Ok(ExitCode::SUCCESS)
}

fn credential_name(k: CredentialKind) -> &'static str {
    match k {
        CredentialKind::AccessToken => "access_token",
        CredentialKind::MqttBasic => "mqtt_basic",
        CredentialKind::None => "none",
    }
}

pub(super) fn line(d: &DeviceRecord) -> String {
    format!(
        "{:>6}  {:<24} {:<20} {:<26} {:<12} {}{}",
        d.identity.id.0,
        d.identity.name,
        d.identity.enterprise.as_deref().unwrap_or("-"),
        d.identity.device_type.as_deref().unwrap_or("-"),
        credential_name(d.credentials),
        if d.online { "online" } else { "offline" },
        if d.identity.is_gateway {
            "  gateway"
        } else {
            ""
        },
    )
}

pub async fn list(store: &DeviceStore, a: ListArgs) -> Result<ExitCode, DeviceStoreError> {
    let filter = DeviceFilter {
        enterprises: a.enterprise.map(|e| vec![e]),
        device_type: a.device_type,
        gateway: a.gateway_id,
        name_like: a.name,
        limit: a.limit,
        offset: a.offset,
        ..DeviceFilter::default()
    };
    let devices = store.list_devices(&filter).await?;
    output::emit(a.json, &devices, || {
        let mut s = format!(
            "{:>6}  {:<24} {:<20} {:<26} {:<12} state",
            "id", "name", "enterprise", "type", "credentials"
        );
        for d in &devices {
            s.push('\n');
            s.push_str(&line(d));
        }
        s.push_str(&format!("\n{} device(s)", devices.len()));
        s
    });
    Ok(ExitCode::SUCCESS)
}

async fn record(store: &DeviceStore, id: i64) -> Result<DeviceRecord, DeviceStoreError> {
    store
        .device_record(DeviceId(id))
        .await?
        .ok_or_else(|| DeviceStoreError::NotFound(format!("device {id}")))
}

pub async fn show(store: &DeviceStore, a: ShowArgs) -> Result<ExitCode, DeviceStoreError> {
    let d = record(store, a.id).await?;
    output::emit(a.json, &d, || {
        format!(
            "device {}\nname        {}\nenterprise  {}\ntype        {}\ngateway     {}\ncredentials {}{}\nstate       {}{}",
            d.identity.id,
            d.identity.name,
            d.identity.enterprise.as_deref().unwrap_or("-"),
            d.identity.device_type.as_deref().unwrap_or("-"),
            match (d.identity.is_gateway, d.identity.gateway) {
                (true, _) => "is a gateway".to_owned(),
                (false, Some(g)) => format!("sub-device of {g}"),
                (false, None) => "-".to_owned(),
            },
            credential_name(d.credentials),
            d.client_id
                .as_deref()
                .map(|c| format!(" (client id {c})"))
                .unwrap_or_default(),
            if d.online { "online" } else { "offline" },
            d.last_activity_ms
                .map(|t| format!(", last activity {t} ms"))
                .unwrap_or_default(),
        )
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn token(
    store: &DeviceStore,
    actor: &str,
    c: TokenCommand,
) -> Result<ExitCode, DeviceStoreError> {
    let TokenCommand::Rotate(a) = c;
    let token = store.rotate_token(DeviceId(a.id), actor).await?;
    output::emit(
        a.json,
        &serde_json::json!({"device": a.id, "token": token}),
        || format!("new access token for device {} (shown once): {token}", a.id),
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn revoke(
    store: &DeviceStore,
    actor: &str,
    a: ShowArgs,
) -> Result<ExitCode, DeviceStoreError> {
    store.revoke_credentials(DeviceId(a.id), actor).await?;
    output::emit(
        a.json,
        &serde_json::json!({"device": a.id, "revoked": true}),
        || format!("device {}: every credential revoked", a.id),
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn set_mqtt(
    store: &DeviceStore,
    actor: &str,
    a: SetMqttArgs,
) -> Result<ExitCode, DeviceStoreError> {
    let password = if a.password_stdin {
        Some(read_password()?)
    } else {
        None
    };
    store
        .set_basic(
            DeviceId(a.id),
            a.client_id.as_deref(),
            a.user.as_deref(),
            password.as_deref(),
            actor,
        )
        .await?;
    output::print_line(&format!("device {}: MQTT Basic credentials set", a.id));
    Ok(ExitCode::SUCCESS)
}
