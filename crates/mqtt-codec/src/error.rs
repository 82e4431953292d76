//! Decode and encode errors. The kind decides what the endpoint does: every decode error closes
//! the connection (the stream can no longer be trusted), and the kind picks the MQTT 5.0 reason
//! code sent in the DISCONNECT (or CONNACK) first.

use crate::reason;

/// What class of fault the bytes had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes do not form a packet: bad lengths, bad UTF-8, reserved bits set, trailing bytes.
    Malformed,
    /// A well-formed packet the protocol forbids here: a second CONNECT, a packet before
    /// CONNECT, a duplicated property, a wildcard in a topic name, QoS 2 on an endpoint that
    /// offers QoS 0 and 1.
    ProtocolViolation,
    /// The packet is larger than the maximum packet size (decided from the fixed header, before
    /// the body is buffered).
    PacketTooLarge,
    /// CONNECT names a protocol level other than 4 (3.1.1) or 5 (5.0).
    UnsupportedProtocolVersion,
    /// A PUBLISH or SUBSCRIBE asks for QoS 2, which this endpoint does not offer.
    QosNotSupported,
    /// A topic name or filter that is empty or places wildcards wrongly.
    InvalidTopic,
}

/// A decode failure: its kind and a fixed description of the rule broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {detail}")]
pub struct DecodeError {
    /// The class of fault.
    pub kind: ErrorKind,
    /// Which rule was broken.
    pub detail: &'static str,
}

impl DecodeError {
    pub(crate) fn malformed(detail: &'static str) -> Self {
        Self {
            kind: ErrorKind::Malformed,
            detail,
        }
    }

    pub(crate) fn protocol(detail: &'static str) -> Self {
        Self {
            kind: ErrorKind::ProtocolViolation,
            detail,
        }
    }

    pub(crate) fn new(kind: ErrorKind, detail: &'static str) -> Self {
        Self { kind, detail }
    }

    /// The MQTT 5.0 reason code for a DISCONNECT (or CONNACK) reporting this error.
    pub fn reason_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Malformed => reason::MALFORMED_PACKET,
            ErrorKind::ProtocolViolation => reason::PROTOCOL_ERROR,
            ErrorKind::PacketTooLarge => reason::PACKET_TOO_LARGE,
            ErrorKind::UnsupportedProtocolVersion => reason::UNSUPPORTED_PROTOCOL_VERSION,
            ErrorKind::QosNotSupported => reason::QOS_NOT_SUPPORTED,
            ErrorKind::InvalidTopic => reason::TOPIC_NAME_INVALID,
        }
    }
}

/// An encode failure: a field does not fit the wire format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A string or binary field longer than 65,535 bytes.
    #[error("field longer than 65535 bytes")]
    FieldTooLong,
    /// The packet's remaining length exceeds 268,435,455 bytes.
    #[error("packet larger than the MQTT maximum")]
    PacketTooLarge,
    /// A QoS 0 PUBLISH must have no packet id, a QoS 1 one a non-zero id.
    #[error("packet id does not match the QoS")]
    PacketId,
}
