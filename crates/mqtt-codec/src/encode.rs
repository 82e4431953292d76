//! Encoding: a packet becomes its fixed header and body, appended to a buffer. A 3.1.1
//! connection's packets leave out properties and (for acks) reason codes.

use crate::error::EncodeError;
use crate::packet::*;
use crate::properties::{self};
use crate::wire::{put_binary, put_str, put_u16, put_varint};

impl Packet {
    /// Appends the packet, as `protocol` writes it, to `out`. (A CONNECT is written at its own
    /// protocol level.)
    pub fn encode(&self, protocol: Protocol, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let v5 = protocol == Protocol::V5;
        let mut body = Vec::new();
        let header = match self {
            Packet::Connect(c) => {
                connect(c, &mut body)?;
                kind::CONNECT << 4
            }
            Packet::ConnAck(a) => {
                body.push(u8::from(a.session_present));
                body.push(a.code);
                if v5 {
                    properties::encode(&mut body, &a.properties)?;
                }
                kind::CONNACK << 4
            }
            Packet::Publish(p) => {
                put_str(&mut body, &p.topic)?;
                match (p.qos, p.packet_id) {
                    (QoS::AtMostOnce, 0) => {}
                    (QoS::AtLeastOnce, id) if id != 0 => put_u16(&mut body, id),
                    _ => return Err(EncodeError::PacketId),
                }
                if v5 {
                    properties::encode(&mut body, &p.properties)?;
                }
                body.extend_from_slice(&p.payload);
                (kind::PUBLISH << 4)
                    | (u8::from(p.dup) << 3)
                    | ((p.qos as u8) << 1)
                    | u8::from(p.retain)
            }
            Packet::PubAck(a) => {
                put_u16(&mut body, a.packet_id);
                if v5 {
                    short_reason(&mut body, a.reason, &a.properties)?;
                }
                kind::PUBACK << 4
            }
            Packet::Subscribe(s) => {
                put_u16(&mut body, s.packet_id);
                if v5 {
                    properties::encode(&mut body, &s.properties)?;
                }
                for (filter, o) in &s.filters {
                    put_str(&mut body, filter)?;
                    let mut byte = o.qos as u8;
                    if v5 {
                        byte |= (u8::from(o.no_local) << 2)
                            | (u8::from(o.retain_as_published) << 3)
                            | ((o.retain_handling & 3) << 4);
                    }
                    body.push(byte);
                }
                (kind::SUBSCRIBE << 4) | 0b0010
            }
            Packet::SubAck(a) => {
                put_u16(&mut body, a.packet_id);
                if v5 {
                    properties::encode(&mut body, &a.properties)?;
                }
                body.extend_from_slice(&a.codes);
                kind::SUBACK << 4
            }
            Packet::Unsubscribe(u) => {
                put_u16(&mut body, u.packet_id);
                if v5 {
                    properties::encode(&mut body, &u.properties)?;
                }
                for filter in &u.filters {
                    put_str(&mut body, filter)?;
                }
                (kind::UNSUBSCRIBE << 4) | 0b0010
            }
            Packet::UnsubAck(a) => {
                put_u16(&mut body, a.packet_id);
                if v5 {
                    properties::encode(&mut body, &a.properties)?;
                    body.extend_from_slice(&a.codes);
                }
                kind::UNSUBACK << 4
            }
            Packet::PingReq => kind::PINGREQ << 4,
            Packet::PingResp => kind::PINGRESP << 4,
            Packet::Disconnect(d) => {
                if v5 {
                    short_reason(&mut body, d.reason, &d.properties)?;
                }
                kind::DISCONNECT << 4
            }
            Packet::Auth(a) => {
                if v5 {
                    short_reason(&mut body, a.reason, &a.properties)?;
                }
                kind::AUTH << 4
            }
        };
        let len = u32::try_from(body.len()).map_err(|_| EncodeError::PacketTooLarge)?;
        out.push(header);
        put_varint(out, len)?;
        out.extend_from_slice(&body);
        Ok(())
    }
}

/// 5.0: a success without properties is written as nothing at all (the short form).
fn short_reason(body: &mut Vec<u8>, reason: u8, props: &Properties) -> Result<(), EncodeError> {
    if reason == 0 && props.is_empty() {
        return Ok(());
    }
    body.push(reason);
    if !props.is_empty() {
        properties::encode(body, props)?;
    }
    Ok(())
}

fn connect(c: &Connect, body: &mut Vec<u8>) -> Result<(), EncodeError> {
    let v5 = c.protocol == Protocol::V5;
    put_str(body, "MQTT")?;
    body.push(c.protocol.level());
    let mut flags = 0u8;
    if c.username.is_some() {
        flags |= 0x80;
    }
    if c.password.is_some() {
        flags |= 0x40;
    }
    if let Some(w) = &c.will {
        flags |= 0x04 | ((w.qos as u8) << 3) | (u8::from(w.retain) << 5);
    }
    if c.clean_start {
        flags |= 0x02;
    }
    body.push(flags);
    put_u16(body, c.keep_alive);
    if v5 {
        properties::encode(body, &c.properties)?;
    }
    put_str(body, &c.client_id)?;
    if let Some(w) = &c.will {
        if v5 {
            properties::encode(body, &w.properties)?;
        }
        put_str(body, &w.topic)?;
        put_binary(body, &w.payload)?;
    }
    if let Some(u) = &c.username {
        put_str(body, u)?;
    }
    if let Some(p) = &c.password {
        put_binary(body, p)?;
    }
    Ok(())
}
