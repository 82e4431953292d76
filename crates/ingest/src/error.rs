//! Why a message was not accepted.

use shangyun_devices::DirectoryError;
use shangyun_thingsboard::DecodeError;
use shangyun_tsdb::ValidationError;

/// A message ingest refused or could not make durable. Nothing of it is stored (a gateway
/// message is one unit: all its sub-devices or none).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IngestError {
    /// The payload is not a valid ThingsBoard payload for its topic.
    #[error("malformed payload: {0}")]
    Malformed(DecodeError),
    /// The store's validation refused it.
    #[error("invalid telemetry: {0}")]
    Invalid(ValidationError),
    /// A device that is not a gateway used the gateway API.
    #[error("device {0} is not a gateway")]
    NotAGateway(i64),
    /// A gateway named a device that is not its sub-device.
    #[error("device {name:?} is not a sub-device of this gateway")]
    NotYourDevice {
        /// The name it used.
        name: String,
    },
    /// The device no longer exists (deleted while connected).
    #[error("device {0} does not exist")]
    UnknownDevice(i64),
    /// The directory refused a name or value.
    #[error("refused by the device directory: {0}")]
    Refused(String),
    /// The device directory is unavailable.
    #[error("the device directory failed: {0}")]
    Directory(String),
    /// The store could not make the points durable: they are not stored; never acknowledge.
    #[error("not stored: {0}")]
    NotDurable(String),
}

impl IngestError {
    /// The counter label: `malformed-<decode code>` or the rejection reason.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Invalid(_) => "invalid",
            Self::NotAGateway(_) => "not-a-gateway",
            Self::NotYourDevice { .. } => "not-your-device",
            Self::UnknownDevice(_) => "unknown-device",
            Self::Refused(_) => "refused",
            Self::Directory(_) => "directory-unavailable",
            Self::NotDurable(_) => "not-durable",
        }
    }

    /// Whether the sender is at fault (HTTP 4xx; MQTT: reject the message), as opposed to the
    /// server (HTTP 503; MQTT: no ack, the device retries).
    pub fn is_client_fault(&self) -> bool {
        !matches!(self, Self::Directory(_) | Self::NotDurable(_))
    }
}

impl From<DirectoryError> for IngestError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::UnknownDevice(id) => Self::UnknownDevice(id.0),
            DirectoryError::NotAGateway(id) => Self::NotAGateway(id.0),
            DirectoryError::NotYourDevice { name, .. } => Self::NotYourDevice { name },
            DirectoryError::Invalid(reason) => Self::Refused(reason),
            DirectoryError::Backend(reason) => Self::Directory(reason),
        }
    }
}
