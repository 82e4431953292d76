//! `shangyun-devices` — devices as a domain, without SQL or HTTP.
//!
//! * [`DeviceDirectory`]: what the device endpoint asks (authenticate a connect, a gateway's
//!   sub-devices, provisioning, attributes), as a dyn-compatible trait;
//!   [`MemoryDirectory`] implements it in memory, `shangyun-device-store` over SQL.
//! * Credentials: access tokens are 128-bit random and found by SHA-256 ([`secret`]); MQTT
//!   passwords are argon2id with a verified-login cache ([`credentials`]).
//! * Provisioning in ThingsBoard's message shapes ([`provision`]).
//! * Server-side RPC as the API calls it ([`DeviceRpc`], implemented by the device endpoint).

pub mod alarms;
pub mod attributes;
pub mod credentials;
mod directory;
mod identity;
mod memory;
pub mod presence;
pub mod provision;
pub mod rpc;
pub mod secret;
pub mod thing_model;

pub use alarms::{Alarm, AlarmEngine, AlarmEvent, AlarmRule, RuleBook, Severity};
pub use attributes::{AttributeSet, Attributes, SharedAttributesUpdate};
pub use directory::{BoxFuture, DeviceDirectory, DirectoryError};
pub use identity::{Credential, DeviceId, DeviceIdentity, check_device_name};
pub use memory::{MemoryDirectory, NewDevice};
pub use presence::{Presence, PresenceChange, PresenceRecord};
pub use provision::{
    CredentialsType, ProvisionError, ProvisionRequest, ProvisionResponse, ProvisionStatus,
};
pub use rpc::{DeviceRpc, RpcCall, RpcError};
pub use thing_model::{ThingModel, ThingModelError};
