//! Incremental decoding: given the bytes received so far, either a whole packet and how many
//! bytes it used, or "need more", or an error. The packet size limit is checked from the fixed
//! header alone, so an oversized packet is refused before its body is buffered.

use crate::error::{DecodeError, ErrorKind};
use crate::packet::*;
use crate::properties::{self, allowed};
use crate::topic;
use crate::wire::{Reader, read_varint};

/// The size of the packet at the start of `buf` (fixed header included), once its fixed header
/// is complete: `Ok(None)` while fewer than the header's bytes are there.
pub fn frame_len(buf: &[u8], max_packet_size: u32) -> Result<Option<usize>, DecodeError> {
    if buf.is_empty() {
        return Ok(None);
    }
    let Some((remaining, used)) = read_varint(&buf[1..])? else {
        return Ok(None);
    };
    let total = 1 + used as u64 + u64::from(remaining);
    if total > u64::from(max_packet_size) {
        return Err(DecodeError::new(
            ErrorKind::PacketTooLarge,
            "packet exceeds the maximum packet size",
        ));
    }
    Ok(Some(total as usize))
}

/// Decodes the packet at the start of `buf`. `protocol` is the connection's level (from its
/// CONNECT; a CONNECT itself carries its own). `Ok(None)`: not all of the packet is there yet.
pub fn decode(
    buf: &[u8],
    protocol: Protocol,
    max_packet_size: u32,
) -> Result<Option<(Packet, usize)>, DecodeError> {
    let Some(total) = frame_len(buf, max_packet_size)? else {
        return Ok(None);
    };
    if buf.len() < total {
        return Ok(None);
    }
    let header = buf[0];
    let body_start = total - body_len(buf, total);
    let body = &buf[body_start..total];
    let packet = decode_body(header, body, protocol)?;
    Ok(Some((packet, total)))
}

fn body_len(buf: &[u8], total: usize) -> usize {
    // `frame_len` succeeded, so the varint is complete and well-formed.
    match read_varint(&buf[1..]) {
        Ok(Some((remaining, _))) => remaining as usize,
        _ => total,
    }
}

fn flags_must_be(header: u8, want: u8) -> Result<(), DecodeError> {
    if header & 0x0F != want {
        return Err(DecodeError::malformed("reserved fixed-header flags"));
    }
    Ok(())
}

fn done(r: &Reader<'_>) -> Result<(), DecodeError> {
    if !r.is_empty() {
        return Err(DecodeError::malformed("bytes after the end of the packet"));
    }
    Ok(())
}

fn packet_id(r: &mut Reader<'_>) -> Result<u16, DecodeError> {
    let id = r.u16()?;
    if id == 0 {
        return Err(DecodeError::protocol("packet identifier 0"));
    }
    Ok(id)
}

fn qos(bits: u8) -> Result<QoS, DecodeError> {
    match bits {
        0 => Ok(QoS::AtMostOnce),
        1 => Ok(QoS::AtLeastOnce),
        2 => Err(DecodeError::new(
            ErrorKind::QosNotSupported,
            "QoS 2 is not offered",
        )),
        _ => Err(DecodeError::malformed("QoS 3")),
    }
}

fn props(r: &mut Reader<'_>, protocol: Protocol, set: &[u8]) -> Result<Properties, DecodeError> {
    match protocol {
        Protocol::V5 => properties::decode(r, set),
        Protocol::V311 => Ok(Properties::default()),
    }
}

fn decode_body(header: u8, body: &[u8], protocol: Protocol) -> Result<Packet, DecodeError> {
    let mut r = Reader::new(body);
    let packet = match header >> 4 {
        kind::CONNECT => {
            flags_must_be(header, 0)?;
            Packet::Connect(Box::new(connect(&mut r)?))
        }
        kind::CONNACK => {
            flags_must_be(header, 0)?;
            let ack_flags = r.u8()?;
            if ack_flags & 0xFE != 0 {
                return Err(DecodeError::malformed("reserved CONNACK flags"));
            }
            let code = r.u8()?;
            let properties = props(&mut r, protocol, allowed::CONNACK)?;
            Packet::ConnAck(ConnAck {
                session_present: ack_flags & 1 == 1,
                code,
                properties,
            })
        }
        kind::PUBLISH => Packet::Publish(publish(header, &mut r, protocol)?),
        kind::PUBACK => {
            flags_must_be(header, 0)?;
            let packet_id = packet_id(&mut r)?;
            let (reason, properties) = reason_and_props(&mut r, protocol, allowed::ACK)?;
            Packet::PubAck(PubAck {
                packet_id,
                reason,
                properties,
            })
        }
        kind::PUBREC | kind::PUBREL | kind::PUBCOMP => {
            return Err(DecodeError::new(
                ErrorKind::QosNotSupported,
                "QoS 2 flow packet",
            ));
        }
        kind::SUBSCRIBE => {
            flags_must_be(header, 0b0010)?;
            Packet::Subscribe(subscribe(&mut r, protocol)?)
        }
        kind::SUBACK => {
            flags_must_be(header, 0)?;
            let packet_id = packet_id(&mut r)?;
            let properties = props(&mut r, protocol, allowed::ACK)?;
            let codes = r.rest().to_vec();
            if codes.is_empty() {
                return Err(DecodeError::protocol("SUBACK without codes"));
            }
            Packet::SubAck(SubAck {
                packet_id,
                properties,
                codes,
            })
        }
        kind::UNSUBSCRIBE => {
            flags_must_be(header, 0b0010)?;
            let packet_id = packet_id(&mut r)?;
            let properties = props(&mut r, protocol, allowed::UNSUBSCRIBE)?;
            let mut filters = Vec::new();
            while !r.is_empty() {
                let f = r.string()?;
                topic::check_filter(&f)?;
                filters.push(f);
            }
            if filters.is_empty() {
                return Err(DecodeError::protocol("UNSUBSCRIBE without filters"));
            }
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                properties,
                filters,
            })
        }
        kind::UNSUBACK => {
            flags_must_be(header, 0)?;
            let packet_id = packet_id(&mut r)?;
            let properties = props(&mut r, protocol, allowed::ACK)?;
            let codes = r.rest().to_vec();
            match protocol {
                Protocol::V5 if codes.is_empty() => {
                    return Err(DecodeError::protocol("UNSUBACK without codes"));
                }
                Protocol::V311 if !codes.is_empty() => {
                    return Err(DecodeError::malformed("bytes after the end of the packet"));
                }
                _ => {}
            }
            Packet::UnsubAck(UnsubAck {
                packet_id,
                properties,
                codes,
            })
        }
        kind::PINGREQ => {
            flags_must_be(header, 0)?;
            Packet::PingReq
        }
        kind::PINGRESP => {
            flags_must_be(header, 0)?;
            Packet::PingResp
        }
        kind::DISCONNECT => {
            flags_must_be(header, 0)?;
            let (reason, properties) = reason_and_props(&mut r, protocol, allowed::DISCONNECT)?;
            Packet::Disconnect(Disconnect { reason, properties })
        }
        kind::AUTH => {
            flags_must_be(header, 0)?;
            if protocol == Protocol::V311 {
                return Err(DecodeError::malformed("AUTH in MQTT 3.1.1"));
            }
            let (reason, properties) = reason_and_props(&mut r, protocol, allowed::AUTH)?;
            Packet::Auth(Auth { reason, properties })
        }
        _ => return Err(DecodeError::malformed("reserved packet type 0")),
    };
    done(&r)?;
    Ok(packet)
}

/// 5.0 acks and DISCONNECT may end early: no reason means success, no properties means none.
fn reason_and_props(
    r: &mut Reader<'_>,
    protocol: Protocol,
    set: &[u8],
) -> Result<(u8, Properties), DecodeError> {
    if protocol == Protocol::V311 || r.is_empty() {
        return Ok((0, Properties::default()));
    }
    let reason = r.u8()?;
    if r.is_empty() {
        return Ok((reason, Properties::default()));
    }
    Ok((reason, properties::decode(r, set)?))
}

fn connect(r: &mut Reader<'_>) -> Result<Connect, DecodeError> {
    let name = r.string()?;
    let level = r.u8()?;
    if name == "MQIsdp" {
        return Err(DecodeError::new(
            ErrorKind::UnsupportedProtocolVersion,
            "MQTT 3.1 is not offered",
        ));
    }
    if name != "MQTT" {
        return Err(DecodeError::protocol("protocol name is not MQTT"));
    }
    let protocol = match level {
        4 => Protocol::V311,
        5 => Protocol::V5,
        _ => {
            return Err(DecodeError::new(
                ErrorKind::UnsupportedProtocolVersion,
                "protocol level other than 4 or 5",
            ));
        }
    };
    let flags = r.u8()?;
    if flags & 1 != 0 {
        return Err(DecodeError::malformed("reserved CONNECT flag set"));
    }
    let has_user = flags & 0x80 != 0;
    let has_password = flags & 0x40 != 0;
    let will_retain = flags & 0x20 != 0;
    let will_qos_bits = (flags >> 3) & 3;
    let has_will = flags & 0x04 != 0;
    let clean_start = flags & 0x02 != 0;
    if !has_will && (will_retain || will_qos_bits != 0) {
        return Err(DecodeError::malformed("will QoS or retain without a will"));
    }
    if protocol == Protocol::V311 && has_password && !has_user {
        return Err(DecodeError::malformed("password without user name"));
    }
    let will_qos = qos(will_qos_bits)?;
    let keep_alive = r.u16()?;
    let properties = props(r, protocol, allowed::CONNECT)?;
    let client_id = r.string()?;
    let will = if has_will {
        let properties = props(r, protocol, allowed::WILL)?;
        let topic = r.string()?;
        topic::check_name(&topic)?;
        let payload = r.binary()?;
        Some(Will {
            topic,
            payload,
            qos: will_qos,
            retain: will_retain,
            properties,
        })
    } else {
        None
    };
    let username = if has_user { Some(r.string()?) } else { None };
    let password = if has_password {
        Some(r.binary()?)
    } else {
        None
    };
    Ok(Connect {
        protocol,
        clean_start,
        keep_alive,
        properties,
        client_id,
        will,
        username,
        password,
    })
}

fn publish(header: u8, r: &mut Reader<'_>, protocol: Protocol) -> Result<Publish, DecodeError> {
    let dup = header & 0x08 != 0;
    let retain = header & 0x01 != 0;
    let qos = qos((header >> 1) & 3)?;
    if qos == QoS::AtMostOnce && dup {
        return Err(DecodeError::malformed("DUP set on a QoS 0 PUBLISH"));
    }
    let topic = r.string()?;
    let packet_id = if qos == QoS::AtMostOnce {
        0
    } else {
        packet_id(r)?
    };
    let properties = props(r, protocol, allowed::PUBLISH)?;
    // With a topic alias (5.0) the name may be empty; the endpoint does not grant aliases
    // (topic alias maximum 0), so an empty name is always invalid here.
    topic::check_name(&topic)?;
    let payload = r.rest().to_vec();
    if properties.payload_format_indicator == Some(1) && std::str::from_utf8(&payload).is_err() {
        return Err(DecodeError::new(
            ErrorKind::Malformed,
            "payload marked UTF-8 is not UTF-8",
        ));
    }
    Ok(Publish {
        dup,
        qos,
        retain,
        topic,
        packet_id,
        properties,
        payload,
    })
}

fn subscribe(r: &mut Reader<'_>, protocol: Protocol) -> Result<Subscribe, DecodeError> {
    let packet_id = packet_id(r)?;
    let properties = props(r, protocol, allowed::SUBSCRIBE)?;
    let mut filters = Vec::new();
    while !r.is_empty() {
        let filter = r.string()?;
        let options = r.u8()?;
        let reserved = match protocol {
            Protocol::V311 => 0xFC,
            Protocol::V5 => 0xC0,
        };
        if options & reserved != 0 {
            return Err(DecodeError::malformed("reserved subscription option bits"));
        }
        let retain_handling = (options >> 4) & 3;
        if retain_handling == 3 {
            return Err(DecodeError::protocol("retain handling 3"));
        }
        topic::check_filter(&filter)?;
        // QoS 2 requested is granted as QoS 1 (the SUBACK says so), not refused.
        let qos = match options & 3 {
            0 => QoS::AtMostOnce,
            1 | 2 => QoS::AtLeastOnce,
            _ => return Err(DecodeError::malformed("subscription QoS 3")),
        };
        filters.push((
            filter,
            SubOptions {
                qos,
                no_local: options & 0x04 != 0,
                retain_as_published: options & 0x08 != 0,
                retain_handling,
            },
        ));
    }
    if filters.is_empty() {
        return Err(DecodeError::protocol("SUBSCRIBE without filters"));
    }
    Ok(Subscribe {
        packet_id,
        properties,
        filters,
    })
}
