//! Why a payload was refused. Every refusal is one of these; nothing of a refused payload is
//! kept.

/// A payload the decoder refused, with what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DecodeError {
    /// Larger than [`crate::Limits::max_payload_bytes`].
    #[error("payload of {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// The payload's length.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON (or not UTF-8, or nested deeper than serde_json allows).
    #[error("not valid JSON at line {line} column {column}: {reason}")]
    Json {
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
        /// The parser's reason.
        reason: String,
    },
    /// Valid JSON of the wrong shape, e.g. telemetry that is a number.
    #[error("at {path}: expected {expected}")]
    Shape {
        /// Where, as a JSON path (`$`, `$[2].values`, `$["Device A"]`).
        path: String,
        /// What was expected there.
        expected: &'static str,
    },
    /// A key is empty, longer than [`crate::Limits::max_key_len`] bytes or has control
    /// characters.
    #[error("at {path}: key {key:?} must be 1–{limit} bytes without control characters")]
    Key {
        /// Where.
        path: String,
        /// The key (cut to 64 characters).
        key: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// A value is `null` (there is nothing to store).
    #[error("at {path}: value of {key:?} is null")]
    Null {
        /// Where.
        path: String,
        /// Its key.
        key: String,
    },
    /// A text or JSON value is longer than [`crate::Limits::max_text_bytes`].
    #[error("at {path}: value of {key:?} has {len} bytes, over the limit of {limit}")]
    TextTooLong {
        /// Where.
        path: String,
        /// Its key.
        key: String,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A JSON value nests deeper than [`crate::Limits::max_depth`].
    #[error("at {path}: JSON nested {depth} levels deep, over the limit of {limit}")]
    TooDeep {
        /// Where.
        path: String,
        /// Its depth.
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// More values (points or attributes) in one payload than
    /// [`crate::Limits::max_values`].
    #[error("{count} values in one payload, over the limit of {limit}")]
    TooManyValues {
        /// Values counted so far.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A `ts` that is not an integer number of milliseconds in 1970..=9999.
    #[error("at {path}: ts must be milliseconds since 1970 up to year 9999, got {got}")]
    Timestamp {
        /// Where.
        path: String,
        /// The value given, as JSON.
        got: String,
    },
    /// A gateway payload names more devices than [`crate::Limits::max_devices`].
    #[error("{count} devices in one gateway payload, over the limit of {limit}")]
    TooManyDevices {
        /// Devices counted so far.
        count: usize,
        /// The limit.
        limit: usize,
    },
}

impl DecodeError {
    /// A stable kebab-case code for counters and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too-large",
            Self::Json { .. } => "json",
            Self::Shape { .. } => "shape",
            Self::Key { .. } => "key",
            Self::Null { .. } => "null",
            Self::TextTooLong { .. } => "text-too-long",
            Self::TooDeep { .. } => "too-deep",
            Self::TooManyValues { .. } => "too-many-values",
            Self::Timestamp { .. } => "timestamp",
            Self::TooManyDevices { .. } => "too-many-devices",
        }
    }

    pub(crate) fn shape(path: impl Into<String>, expected: &'static str) -> Self {
        Self::Shape {
            path: path.into(),
            expected,
        }
    }
}

impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        // serde_json's message ends with " at line L column C"; keep the reason alone.
        let text = e.to_string();
        let reason = match text.rfind(" at line ") {
            Some(i) => text[..i].to_owned(),
            None => text,
        };
        Self::Json {
            line: e.line(),
            column: e.column(),
            reason,
        }
    }
}
