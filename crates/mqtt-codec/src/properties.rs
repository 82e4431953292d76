//! MQTT 5.0 properties: decoding with the per-packet allowed set (a property outside it, or a
//! single-valued one given twice, is a protocol error), and encoding.

use crate::error::{DecodeError, EncodeError};
use crate::packet::Properties;
use crate::wire::{Reader, put_binary, put_str, put_u16, put_u32, put_varint};

pub(crate) const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
pub(crate) const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
pub(crate) const CONTENT_TYPE: u8 = 0x03;
pub(crate) const RESPONSE_TOPIC: u8 = 0x08;
pub(crate) const CORRELATION_DATA: u8 = 0x09;
pub(crate) const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
pub(crate) const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
pub(crate) const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
pub(crate) const SERVER_KEEP_ALIVE: u8 = 0x13;
pub(crate) const AUTHENTICATION_METHOD: u8 = 0x15;
pub(crate) const AUTHENTICATION_DATA: u8 = 0x16;
pub(crate) const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
pub(crate) const WILL_DELAY_INTERVAL: u8 = 0x18;
pub(crate) const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
pub(crate) const RESPONSE_INFORMATION: u8 = 0x1A;
pub(crate) const SERVER_REFERENCE: u8 = 0x1C;
pub(crate) const REASON_STRING: u8 = 0x1F;
pub(crate) const RECEIVE_MAXIMUM: u8 = 0x21;
pub(crate) const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
pub(crate) const TOPIC_ALIAS: u8 = 0x23;
pub(crate) const MAXIMUM_QOS: u8 = 0x24;
pub(crate) const RETAIN_AVAILABLE: u8 = 0x25;
pub(crate) const USER_PROPERTY: u8 = 0x26;
pub(crate) const MAXIMUM_PACKET_SIZE: u8 = 0x27;
pub(crate) const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
pub(crate) const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
pub(crate) const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;

/// Which properties each packet kind may carry (MQTT 5.0, 2.2.2.2).
pub(crate) mod allowed {
    use super::*;
    pub const CONNECT: &[u8] = &[
        SESSION_EXPIRY_INTERVAL,
        AUTHENTICATION_METHOD,
        AUTHENTICATION_DATA,
        REQUEST_PROBLEM_INFORMATION,
        REQUEST_RESPONSE_INFORMATION,
        RECEIVE_MAXIMUM,
        TOPIC_ALIAS_MAXIMUM,
        USER_PROPERTY,
        MAXIMUM_PACKET_SIZE,
    ];
    pub const WILL: &[u8] = &[
        PAYLOAD_FORMAT_INDICATOR,
        MESSAGE_EXPIRY_INTERVAL,
        CONTENT_TYPE,
        RESPONSE_TOPIC,
        CORRELATION_DATA,
        WILL_DELAY_INTERVAL,
        USER_PROPERTY,
    ];
    pub const CONNACK: &[u8] = &[
        SESSION_EXPIRY_INTERVAL,
        ASSIGNED_CLIENT_IDENTIFIER,
        SERVER_KEEP_ALIVE,
        AUTHENTICATION_METHOD,
        AUTHENTICATION_DATA,
        RESPONSE_INFORMATION,
        SERVER_REFERENCE,
        REASON_STRING,
        RECEIVE_MAXIMUM,
        TOPIC_ALIAS_MAXIMUM,
        MAXIMUM_QOS,
        RETAIN_AVAILABLE,
        USER_PROPERTY,
        MAXIMUM_PACKET_SIZE,
        WILDCARD_SUBSCRIPTION_AVAILABLE,
        SUBSCRIPTION_IDENTIFIER_AVAILABLE,
        SHARED_SUBSCRIPTION_AVAILABLE,
    ];
    pub const PUBLISH: &[u8] = &[
        PAYLOAD_FORMAT_INDICATOR,
        MESSAGE_EXPIRY_INTERVAL,
        CONTENT_TYPE,
        RESPONSE_TOPIC,
        CORRELATION_DATA,
        SUBSCRIPTION_IDENTIFIER,
        TOPIC_ALIAS,
        USER_PROPERTY,
    ];
    pub const ACK: &[u8] = &[REASON_STRING, USER_PROPERTY];
    pub const SUBSCRIBE: &[u8] = &[SUBSCRIPTION_IDENTIFIER, USER_PROPERTY];
    pub const UNSUBSCRIBE: &[u8] = &[USER_PROPERTY];
    pub const DISCONNECT: &[u8] = &[
        SESSION_EXPIRY_INTERVAL,
        SERVER_REFERENCE,
        REASON_STRING,
        USER_PROPERTY,
    ];
    pub const AUTH: &[u8] = &[
        AUTHENTICATION_METHOD,
        AUTHENTICATION_DATA,
        REASON_STRING,
        USER_PROPERTY,
    ];
}

fn once<T>(slot: &mut Option<T>, value: T) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(DecodeError::protocol("property given twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn flag(r: &mut Reader<'_>) -> Result<u8, DecodeError> {
    let v = r.u8()?;
    if v > 1 {
        return Err(DecodeError::protocol("boolean property other than 0 or 1"));
    }
    Ok(v)
}

/// Reads a property length and the properties it covers.
pub(crate) fn decode(r: &mut Reader<'_>, allowed: &[u8]) -> Result<Properties, DecodeError> {
    let len = r.varint()? as usize;
    let body = r.bytes(len)?;
    let mut r = Reader::new(body);
    let mut p = Properties::default();
    while !r.is_empty() {
        let id = r.varint()?;
        let id = u8::try_from(id).map_err(|_| DecodeError::protocol("unknown property"))?;
        if !allowed.contains(&id) {
            return Err(DecodeError::protocol("property not allowed in this packet"));
        }
        match id {
            PAYLOAD_FORMAT_INDICATOR => once(&mut p.payload_format_indicator, flag(&mut r)?)?,
            MESSAGE_EXPIRY_INTERVAL => once(&mut p.message_expiry_interval, r.u32()?)?,
            CONTENT_TYPE => once(&mut p.content_type, r.string()?)?,
            RESPONSE_TOPIC => {
                let t = r.string()?;
                crate::topic::check_name(&t)?;
                once(&mut p.response_topic, t)?
            }
            CORRELATION_DATA => once(&mut p.correlation_data, r.binary()?)?,
            SUBSCRIPTION_IDENTIFIER => {
                let v = r.varint()?;
                if v == 0 {
                    return Err(DecodeError::protocol("subscription identifier 0"));
                }
                p.subscription_identifiers.push(v);
            }
            SESSION_EXPIRY_INTERVAL => once(&mut p.session_expiry_interval, r.u32()?)?,
            ASSIGNED_CLIENT_IDENTIFIER => once(&mut p.assigned_client_identifier, r.string()?)?,
            SERVER_KEEP_ALIVE => once(&mut p.server_keep_alive, r.u16()?)?,
            AUTHENTICATION_METHOD => once(&mut p.authentication_method, r.string()?)?,
            AUTHENTICATION_DATA => once(&mut p.authentication_data, r.binary()?)?,
            REQUEST_PROBLEM_INFORMATION => once(&mut p.request_problem_information, flag(&mut r)?)?,
            WILL_DELAY_INTERVAL => once(&mut p.will_delay_interval, r.u32()?)?,
            REQUEST_RESPONSE_INFORMATION => {
                once(&mut p.request_response_information, flag(&mut r)?)?
            }
            RESPONSE_INFORMATION => once(&mut p.response_information, r.string()?)?,
            SERVER_REFERENCE => once(&mut p.server_reference, r.string()?)?,
            REASON_STRING => once(&mut p.reason_string, r.string()?)?,
            RECEIVE_MAXIMUM => {
                let v = r.u16()?;
                if v == 0 {
                    return Err(DecodeError::protocol("receive maximum 0"));
                }
                once(&mut p.receive_maximum, v)?
            }
            TOPIC_ALIAS_MAXIMUM => once(&mut p.topic_alias_maximum, r.u16()?)?,
            TOPIC_ALIAS => {
                let v = r.u16()?;
                if v == 0 {
                    return Err(DecodeError::protocol("topic alias 0"));
                }
                once(&mut p.topic_alias, v)?
            }
            MAXIMUM_QOS => once(&mut p.maximum_qos, flag(&mut r)?)?,
            RETAIN_AVAILABLE => once(&mut p.retain_available, flag(&mut r)?)?,
            USER_PROPERTY => {
                let k = r.string()?;
                let v = r.string()?;
                p.user_properties.push((k, v));
            }
            MAXIMUM_PACKET_SIZE => {
                let v = r.u32()?;
                if v == 0 {
                    return Err(DecodeError::protocol("maximum packet size 0"));
                }
                once(&mut p.maximum_packet_size, v)?
            }
            WILDCARD_SUBSCRIPTION_AVAILABLE => {
                once(&mut p.wildcard_subscription_available, flag(&mut r)?)?
            }
            SUBSCRIPTION_IDENTIFIER_AVAILABLE => {
                once(&mut p.subscription_identifier_available, flag(&mut r)?)?
            }
            SHARED_SUBSCRIPTION_AVAILABLE => {
                once(&mut p.shared_subscription_available, flag(&mut r)?)?
            }
            _ => return Err(DecodeError::protocol("unknown property")),
        }
    }
    Ok(p)
}

/// Writes the property length and the properties that are set.
pub(crate) fn encode(out: &mut Vec<u8>, p: &Properties) -> Result<(), EncodeError> {
    let mut b = Vec::new();
    let byte = |b: &mut Vec<u8>, id: u8, v: Option<u8>| {
        if let Some(v) = v {
            b.push(id);
            b.push(v);
        }
    };
    let two = |b: &mut Vec<u8>, id: u8, v: Option<u16>| {
        if let Some(v) = v {
            b.push(id);
            put_u16(b, v);
        }
    };
    let four = |b: &mut Vec<u8>, id: u8, v: Option<u32>| {
        if let Some(v) = v {
            b.push(id);
            put_u32(b, v);
        }
    };
    fn text(b: &mut Vec<u8>, id: u8, v: &Option<String>) -> Result<(), EncodeError> {
        if let Some(v) = v {
            b.push(id);
            put_str(b, v)?;
        }
        Ok(())
    }
    byte(&mut b, PAYLOAD_FORMAT_INDICATOR, p.payload_format_indicator);
    four(&mut b, MESSAGE_EXPIRY_INTERVAL, p.message_expiry_interval);
    text(&mut b, CONTENT_TYPE, &p.content_type)?;
    text(&mut b, RESPONSE_TOPIC, &p.response_topic)?;
    if let Some(v) = &p.correlation_data {
        b.push(CORRELATION_DATA);
        put_binary(&mut b, v)?;
    }
    for id in &p.subscription_identifiers {
        b.push(SUBSCRIPTION_IDENTIFIER);
        put_varint(&mut b, *id)?;
    }
    four(&mut b, SESSION_EXPIRY_INTERVAL, p.session_expiry_interval);
    text(
        &mut b,
        ASSIGNED_CLIENT_IDENTIFIER,
        &p.assigned_client_identifier,
    )?;
    two(&mut b, SERVER_KEEP_ALIVE, p.server_keep_alive);
    text(&mut b, AUTHENTICATION_METHOD, &p.authentication_method)?;
    if let Some(v) = &p.authentication_data {
        b.push(AUTHENTICATION_DATA);
        put_binary(&mut b, v)?;
    }
    byte(
        &mut b,
        REQUEST_PROBLEM_INFORMATION,
        p.request_problem_information,
    );
    four(&mut b, WILL_DELAY_INTERVAL, p.will_delay_interval);
    byte(
        &mut b,
        REQUEST_RESPONSE_INFORMATION,
        p.request_response_information,
    );
    text(&mut b, RESPONSE_INFORMATION, &p.response_information)?;
    text(&mut b, SERVER_REFERENCE, &p.server_reference)?;
    text(&mut b, REASON_STRING, &p.reason_string)?;
    two(&mut b, RECEIVE_MAXIMUM, p.receive_maximum);
    two(&mut b, TOPIC_ALIAS_MAXIMUM, p.topic_alias_maximum);
    two(&mut b, TOPIC_ALIAS, p.topic_alias);
    byte(&mut b, MAXIMUM_QOS, p.maximum_qos);
    byte(&mut b, RETAIN_AVAILABLE, p.retain_available);
    for (k, v) in &p.user_properties {
        b.push(USER_PROPERTY);
        put_str(&mut b, k)?;
        put_str(&mut b, v)?;
    }
    four(&mut b, MAXIMUM_PACKET_SIZE, p.maximum_packet_size);
    byte(
        &mut b,
        WILDCARD_SUBSCRIPTION_AVAILABLE,
        p.wildcard_subscription_available,
    );
    byte(
        &mut b,
        SUBSCRIPTION_IDENTIFIER_AVAILABLE,
        p.subscription_identifier_available,
    );
    byte(
        &mut b,
        SHARED_SUBSCRIPTION_AVAILABLE,
        p.shared_subscription_available,
    );
    let len = u32::try_from(b.len()).map_err(|_| EncodeError::PacketTooLarge)?;
    put_varint(out, len)?;
    out.extend_from_slice(&b);
    Ok(())
}
