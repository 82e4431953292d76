//! MQTT 3.1.1 and 5.0 packets for shangyun's device endpoint. Pure: no I/O, no async.
//!
//! - [`decode`] reads one packet from the start of a byte buffer: `Ok(None)` while the packet is
//!   incomplete, the packet and its length once whole. The maximum packet size is enforced from
//!   the fixed header ([`frame_len`]), before the body is buffered.
//! - Validation is strict (reserved bits, UTF-8 without U+0000, property sets per packet,
//!   wildcards, packet id 0, trailing bytes) and every fault is a [`DecodeError`] whose
//!   [`ErrorKind`] separates malformed bytes from protocol violations; [`DecodeError::reason_code`]
//!   gives the 5.0 reason code to report it with.
//! - [`Packet::encode`] writes a packet as 3.1.1 or 5.0.
//!
//! QoS 2 is not offered: a QoS 2 PUBLISH or a PUBREC/PUBREL/PUBCOMP decodes to
//! `ErrorKind::QosNotSupported`; a subscription asking QoS 2 is granted QoS 1.
//!
//! Invariant: no input makes the decoder panic (property tests in `tests/`, cargo-fuzz targets
//! in `fuzz/`).

mod decode;
mod encode;
mod error;
mod packet;
mod properties;
pub mod reason;
pub mod topic;
mod wire;

pub use decode::{decode, frame_len};
pub use error::{DecodeError, EncodeError, ErrorKind};
pub use packet::{
    Auth, ConnAck, Connect, Disconnect, Packet, Properties, Protocol, PubAck, Publish, QoS, SubAck,
    SubOptions, Subscribe, UnsubAck, Unsubscribe, Will,
};
