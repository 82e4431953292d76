//! Strict validation: each rule broken gives the error kind the endpoint acts on.

use shangyun_mqtt_codec::*;

fn v311(bytes: &[u8]) -> Result<Option<(Packet, usize)>, DecodeError> {
    decode(bytes, Protocol::V311, 1024)
}

fn kind(bytes: &[u8], protocol: Protocol) -> ErrorKind {
    decode(bytes, protocol, 1024).expect_err("must fail").kind
}

fn connect_bytes(level: u8, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', level, flags, 0, 60];
    if level == 5 {
        body.push(0);
    }
    body.extend_from_slice(payload);
    let mut out = vec![0x10, body.len() as u8];
    out.extend_from_slice(&body);
    out
}

#[test]
fn connect_with_token_decodes() {
    let bytes = connect_bytes(4, 0x82, &[0, 1, b'c', 0, 3, b't', b'o', b'k']);
    let (p, used) = v311(&bytes).expect("ok").expect("whole");
    assert_eq!(used, bytes.len());
    let Packet::Connect(c) = p else {
        panic!("not a connect")
    };
    assert_eq!(c.username.as_deref(), Some("tok"));
    assert_eq!(c.client_id, "c");
    assert!(c.clean_start);
}

#[test]
fn connect_faults_have_their_kinds() {
    // Reserved flag bit.
    assert_eq!(
        kind(&connect_bytes(4, 0x03, &[0, 0]), Protocol::V311),
        ErrorKind::Malformed
    );
    // Level 3 and MQTT 3.1.
    assert_eq!(
        kind(&connect_bytes(3, 0x02, &[0, 0]), Protocol::V311),
        ErrorKind::UnsupportedProtocolVersion
    );
    // 3.1.1 password without user name.
    assert_eq!(
        kind(&connect_bytes(4, 0x42, &[0, 0, 0, 1, b'p']), Protocol::V311),
        ErrorKind::Malformed
    );
    // Will QoS without a will.
    assert_eq!(
        kind(&connect_bytes(4, 0x0A, &[0, 0]), Protocol::V311),
        ErrorKind::Malformed
    );
    // Trailing bytes after the payload.
    assert_eq!(
        kind(&connect_bytes(4, 0x02, &[0, 0, 9]), Protocol::V311),
        ErrorKind::Malformed
    );
    // Client id with U+0000 and invalid UTF-8.
    assert_eq!(
        kind(&connect_bytes(4, 0x02, &[0, 1, 0]), Protocol::V311),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind(&connect_bytes(4, 0x02, &[0, 1, 0xFF]), Protocol::V311),
        ErrorKind::Malformed
    );
}

#[test]
fn publish_faults_have_their_kinds() {
    // Wildcard in the topic name.
    assert_eq!(
        kind(&[0x30, 5, 0, 3, b'a', b'/', b'+'], Protocol::V311),
        ErrorKind::InvalidTopic
    );
    // QoS 2 is not offered; QoS 3 is malformed; DUP on QoS 0 is malformed.
    assert_eq!(
        kind(&[0x34, 5, 0, 1, b'a', 0, 1], Protocol::V311),
        ErrorKind::QosNotSupported
    );
    assert_eq!(
        kind(&[0x36, 5, 0, 1, b'a', 0, 1], Protocol::V311),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind(&[0x38, 3, 0, 1, b'a'], Protocol::V311),
        ErrorKind::Malformed
    );
    // Packet id 0 at QoS 1.
    assert_eq!(
        kind(&[0x32, 5, 0, 1, b'a', 0, 0], Protocol::V311),
        ErrorKind::ProtocolViolation
    );
    // 5.0: a property not allowed in PUBLISH (session expiry), and one given twice.
    assert_eq!(
        kind(&[0x30, 9, 0, 1, b'a', 5, 0x11, 0, 0, 0, 1], Protocol::V5),
        ErrorKind::ProtocolViolation
    );
    assert_eq!(
        kind(&[0x30, 8, 0, 1, b'a', 4, 0x01, 0, 0x01, 0], Protocol::V5),
        ErrorKind::ProtocolViolation
    );
    // 5.0: payload marked UTF-8 that is not.
    assert_eq!(
        kind(&[0x30, 7, 0, 1, b'a', 2, 0x01, 1, 0xFF], Protocol::V5),
        ErrorKind::Malformed
    );
}

#[test]
fn size_limit_is_checked_from_the_fixed_header() {
    // A PUBLISH announcing 100,000 bytes is refused after 4 bytes.
    let err = decode(&[0x30, 0xA0, 0x8D, 0x06], Protocol::V311, 1024).expect_err("too large");
    assert_eq!(err.kind, ErrorKind::PacketTooLarge);
    assert_eq!(err.reason_code(), reason::PACKET_TOO_LARGE);
    // A fifth length byte is malformed.
    assert_eq!(
        kind(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], Protocol::V311),
        ErrorKind::Malformed
    );
    // Incomplete header or body: need more.
    assert_eq!(v311(&[0x30]).expect("more"), None);
    assert_eq!(v311(&[0x30, 0x80]).expect("more"), None);
    assert_eq!(v311(&[0x30, 5, 0, 3]).expect("more"), None);
}

#[test]
fn subscribe_and_other_fixed_header_rules() {
    // SUBSCRIBE flags must be 0010.
    assert_eq!(
        kind(&[0x80, 6, 0, 1, 0, 1, b'a', 1], Protocol::V311),
        ErrorKind::Malformed
    );
    // Reserved option bits in 3.1.1; a bad filter; no filters.
    assert_eq!(
        kind(&[0x82, 6, 0, 1, 0, 1, b'a', 0x05], Protocol::V311),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind(&[0x82, 7, 0, 1, 0, 2, b'#', b'a', 1], Protocol::V311),
        ErrorKind::InvalidTopic
    );
    assert_eq!(
        kind(&[0x82, 2, 0, 1], Protocol::V311),
        ErrorKind::ProtocolViolation
    );
    // QoS 2 asked is granted as 1.
    let (p, _) = v311(&[0x82, 6, 0, 1, 0, 1, b'a', 2])
        .expect("ok")
        .expect("whole");
    let Packet::Subscribe(s) = p else {
        panic!("not subscribe")
    };
    assert_eq!(s.filters[0].1.qos, QoS::AtLeastOnce);
    // PINGREQ with flags; AUTH in 3.1.1; PUBREL; packet type 0.
    assert_eq!(kind(&[0xC1, 0], Protocol::V311), ErrorKind::Malformed);
    assert_eq!(kind(&[0xF0, 0], Protocol::V311), ErrorKind::Malformed);
    assert_eq!(
        kind(&[0x62, 2, 0, 1], Protocol::V311),
        ErrorKind::QosNotSupported
    );
    assert_eq!(kind(&[0x00, 0], Protocol::V311), ErrorKind::Malformed);
}

#[test]
fn v5_short_forms_decode() {
    // PUBACK with only a packet id; DISCONNECT with no body; PUBACK with a reason only.
    assert_eq!(
        decode(&[0x40, 2, 0, 7], Protocol::V5).expect("ok"),
        Some((
            Packet::PubAck(PubAck {
                packet_id: 7,
                reason: 0,
                properties: Properties::default()
            }),
            4
        ))
    );
    assert!(matches!(
        decode(&[0xE0, 0], Protocol::V5).expect("ok"),
        Some((Packet::Disconnect(Disconnect { reason: 0, .. }), 2))
    ));
    assert!(matches!(
        decode(&[0x40, 3, 0, 7, 0x99], Protocol::V5).expect("ok"),
        Some((Packet::PubAck(PubAck { reason: 0x99, .. }), 5))
    ));

    fn decode(b: &[u8], p: Protocol) -> Result<Option<(Packet, usize)>, DecodeError> {
        shangyun_mqtt_codec::decode(b, p, 1024)
    }
}

#[test]
fn fuzz_findings_stay_fixed() {
    // cargo-fuzz: a 3.1.1 UNSUBACK with codes decoded, then re-encoded without them.
    assert_eq!(
        kind(&[0xB0, 3, 0xB5, 0x5B, 3], Protocol::V311),
        ErrorKind::Malformed
    );
}
