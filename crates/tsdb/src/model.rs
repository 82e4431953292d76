//! What the store holds: points of series, a series being (device, key), grouped in batches
//! that belong to an owner (the enterprise the device belongs to).

use std::fmt;

/// Who owns a device's data (an enterprise's USCC or another id). Retention is set per owner,
/// and persisted files are partitioned by owner so that deleting an owner's old data deletes
/// whole files. 1–64 ASCII letters, digits, `-` or `_` (it names a directory).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Owner(String);

impl Owner {
    /// Checks and wraps an owner id.
    ///
    /// ```
    /// use shangyun_tsdb::Owner;
    /// assert!(Owner::new("91350100M000100Y43").is_ok());
    /// assert!(Owner::new("../etc").is_err());
    /// ```
    pub fn new(id: impl Into<String>) -> Result<Self, crate::ValidationError> {
        let id = id.into();
        if crate::validate::owner_ok(&id) {
            Ok(Self(id))
        } else {
            Err(crate::ValidationError::Owner { owner: id })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn unchecked(id: String) -> Self {
        Self(id)
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A device: the platform's numeric id or a name (a gateway's sub-device name, say).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum DeviceId {
    /// Numeric id.
    Num(u64),
    /// Name, 1–256 bytes.
    Name(String),
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Num(n) => write!(f, "{n}"),
            Self::Name(s) => f.write_str(s),
        }
    }
}

impl From<u64> for DeviceId {
    fn from(n: u64) -> Self {
        Self::Num(n)
    }
}

impl From<&str> for DeviceId {
    fn from(s: &str) -> Self {
        Self::Name(s.to_owned())
    }
}

/// One series: a device's telemetry key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct SeriesKey {
    /// The device.
    pub device: DeviceId,
    /// The telemetry key, e.g. `temperature`.
    pub key: String,
}

impl SeriesKey {
    /// A series of `device` named `key`.
    pub fn new(device: impl Into<DeviceId>, key: impl Into<String>) -> Self {
        Self {
            device: device.into(),
            key: key.into(),
        }
    }
}

/// A telemetry value. Numbers keep their JSON kind: `21` is `I64`, `21.5` is `F64`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A float (finite).
    F64(f64),
    /// An integer.
    I64(i64),
    /// A boolean.
    Bool(bool),
    /// Text, at most 64 KiB.
    Str(String),
}

impl Value {
    /// The value as a number for min/max/sum/avg: floats and integers; `None` for booleans
    /// and text.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::F64(v) => Some(*v),
            Self::I64(v) => Some(*v as f64),
            Self::Bool(_) | Self::Str(_) => None,
        }
    }

    /// Bit-exact equality (so `0.0` and `-0.0` differ), used when checking round trips.
    pub fn same_bits(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::F64(a), Self::F64(b)) => a.to_bits() == b.to_bits(),
            _ => self == other,
        }
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::F64(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::I64(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Str(v.to_owned())
    }
}

/// One sample of a key of the batch's device.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Point {
    /// The telemetry key.
    pub key: String,
    /// Milliseconds since the Unix epoch (UTC), 0 ..= year 9999.
    pub ts: i64,
    /// The value.
    pub value: Value,
}

impl Point {
    /// A point of `key` at `ts` ms.
    pub fn new(key: impl Into<String>, ts: i64, value: impl Into<Value>) -> Self {
        Self {
            key: key.into(),
            ts,
            value: value.into(),
        }
    }
}

/// Points of one device, as one telemetry message brings them. The unit of durability: a
/// batch is acknowledged whole or not at all.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Batch {
    /// The device's owner.
    pub owner: Owner,
    /// The device.
    pub device: DeviceId,
    /// Its points (1 ..= 10,000).
    pub points: Vec<Point>,
}
