//! The device directory as the device endpoint sees it: authenticate a connect, resolve a
//! gateway's sub-devices, provision, and keep attributes. Implemented in memory
//! ([`crate::MemoryDirectory`]) and over SQLite/PostgreSQL (`shangyun-device-store`).

use crate::attributes::{AttributeSet, Attributes, SharedAttributesUpdate};
use crate::identity::{Credential, DeviceId, DeviceIdentity};
use crate::provision::{ProvisionError, ProvisionRequest, ProvisionResponse};

/// A boxed future, so the trait stays usable as `Arc<dyn DeviceDirectory>`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Why a directory call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// No such device (or it was deleted).
    #[error("no device {0}")]
    UnknownDevice(DeviceId),
    /// A device that is not a gateway used the gateway API.
    #[error("device {0} is not a gateway")]
    NotAGateway(DeviceId),
    /// A gateway named a device that exists but is not its sub-device.
    #[error("device {name:?} exists and is not a sub-device of gateway {gateway}")]
    NotYourDevice { gateway: DeviceId, name: String },
    /// A name, key or value the directory refuses.
    #[error("{0}")]
    Invalid(String),
    /// The store failed (message for logs; never contains a secret).
    #[error("the device store failed: {0}")]
    Backend(String),
}

/// What the device endpoint needs from the directory. Every method is safe to call from many
/// connections at once.
pub trait DeviceDirectory: Send + Sync + 'static {
    /// The device holding `credential`, or `None` (refuse the connect). An access token is
    /// found by its SHA-256; MQTT Basic passwords are argon2-verified once and then cached
    /// until the device's credentials change.
    fn authenticate<'a>(
        &'a self,
        credential: Credential<'a>,
    ) -> BoxFuture<'a, Result<Option<DeviceIdentity>, DirectoryError>>;

    /// Finds or creates gateway `gateway`'s sub-device `name` (ThingsBoard gateway API: the
    /// first message naming a device creates it, in the gateway's enterprise, with
    /// `device_type` or the default type). Fails with `NotAGateway` if `gateway` is not one,
    /// and `NotYourDevice` if `name` belongs to someone else: a gateway publishes only for its
    /// own sub-devices.
    fn gateway_child<'a>(
        &'a self,
        gateway: &'a DeviceIdentity,
        name: &'a str,
        device_type: Option<&'a str>,
    ) -> BoxFuture<'a, Result<DeviceIdentity, DirectoryError>>;

    /// Answers a provisioning request (see [`crate::provision`]).
    fn provision<'a>(
        &'a self,
        request: ProvisionRequest,
    ) -> BoxFuture<'a, Result<ProvisionResponse, ProvisionError>>;

    /// Merges client attributes reported by the device (`v1/devices/me/attributes`).
    fn client_attributes_set<'a>(
        &'a self,
        device: DeviceId,
        attributes: Attributes,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// Answers an attribute request (see [`crate::attributes::select`] for the key semantics).
    fn attributes_get<'a>(
        &'a self,
        device: DeviceId,
        client_keys: Option<&'a [String]>,
        shared_keys: Option<&'a [String]>,
    ) -> BoxFuture<'a, Result<AttributeSet, DirectoryError>>;

    /// Merges shared attributes set by the platform and announces them to
    /// [`DeviceDirectory::shared_updates`] subscribers.
    fn shared_attributes_set<'a>(
        &'a self,
        device: DeviceId,
        attributes: Attributes,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// A stream of shared-attribute changes made through this directory (in this process),
    /// for pushing to connected devices. A lagging receiver loses the oldest updates
    /// (`RecvError::Lagged`) and should re-read the attributes of its devices.
    fn shared_updates(&self) -> tokio::sync::broadcast::Receiver<SharedAttributesUpdate>;

    /// The device with id `id`.
    fn device<'a>(
        &'a self,
        id: DeviceId,
    ) -> BoxFuture<'a, Result<Option<DeviceIdentity>, DirectoryError>>;
}
