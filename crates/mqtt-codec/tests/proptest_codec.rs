//! Property tests: the decoder never panics on any bytes (whole, cut at any point, or mutated
//! from valid packets), and every packet we can build round-trips through encode and decode in
//! both protocol versions, also when fed one byte at a time.

use proptest::prelude::*;
use shangyun_mqtt_codec::*;

const MAX: u32 = 64 * 1024;

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/_ 中文-]{0,24}"
}

fn topic_name() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(/[a-z0-9$]{1,8}){0,4}"
}

fn props(v5: bool) -> impl Strategy<Value = Properties> {
    (
        proptest::option::of(text()),
        proptest::collection::vec((text(), text()), 0..3),
    )
        .prop_map(move |(reason, user)| {
            if !v5 {
                return Properties::default();
            }
            Properties {
                reason_string: reason,
                user_properties: user,
                ..Properties::default()
            }
        })
}

fn packet(v5: bool) -> impl Strategy<Value = Packet> {
    let qos = prop_oneof![Just(QoS::AtMostOnce), Just(QoS::AtLeastOnce)];
    prop_oneof![
        (
            text(),
            any::<u16>(),
            any::<bool>(),
            proptest::option::of(text()),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
            proptest::option::of((topic_name(), proptest::collection::vec(any::<u8>(), 0..8)))
        )
            .prop_map(
                move |(client_id, keep_alive, clean, user, password, will)| {
                    let username = user.or_else(|| password.as_ref().map(|_| "u".to_owned()));
                    Packet::Connect(Box::new(Connect {
                        protocol: if v5 { Protocol::V5 } else { Protocol::V311 },
                        clean_start: clean,
                        keep_alive,
                        properties: if v5 {
                            Properties {
                                session_expiry_interval: Some(30),
                                receive_maximum: Some(10),
                                ..Properties::default()
                            }
                        } else {
                            Properties::default()
                        },
                        client_id,
                        will: will.map(|(topic, payload)| Will {
                            topic,
                            payload,
                            qos: QoS::AtLeastOnce,
                            retain: false,
                            properties: Properties::default(),
                        }),
                        username,
                        password,
                    }))
                }
            ),
        (any::<bool>(), 0u8..6).prop_map(|(sp, code)| Packet::ConnAck(ConnAck {
            session_present: sp,
            code,
            properties: Properties::default()
        })),
        (
            topic_name(),
            qos.clone(),
            1u16..,
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 0..64),
            props(v5)
        )
            .prop_map(|(topic, qos, id, retain, payload, mut properties)| {
                // PUBLISH has no reason string; carry the text as a content type instead.
                properties.content_type = properties.reason_string.take();
                Packet::Publish(Publish {
                    dup: false,
                    qos,
                    retain,
                    topic,
                    packet_id: if qos == QoS::AtMostOnce { 0 } else { id },
                    properties,
                    payload,
                })
            }),
        (
            1u16..,
            prop_oneof![Just(0u8), Just(0x10), Just(0x99)],
            props(v5)
        )
            .prop_map(
                move |(packet_id, reason, properties)| Packet::PubAck(PubAck {
                    packet_id,
                    reason: if v5 { reason } else { 0 },
                    properties
                })
            ),
        (1u16.., proptest::collection::vec((topic_name(), qos), 1..4)).prop_map(
            |(packet_id, f)| Packet::Subscribe(Subscribe {
                packet_id,
                properties: Properties::default(),
                filters: f
                    .into_iter()
                    .map(|(t, q)| (t, SubOptions::qos(q)))
                    .collect(),
            })
        ),
        (
            1u16..,
            proptest::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0x80)], 1..4)
        )
            .prop_map(|(packet_id, codes)| Packet::SubAck(SubAck {
                packet_id,
                properties: Properties::default(),
                codes
            })),
        (1u16.., proptest::collection::vec(topic_name(), 1..3)).prop_map(|(packet_id, filters)| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                properties: Properties::default(),
                filters,
            })
        }),
        (1u16..).prop_map(move |packet_id| Packet::UnsubAck(UnsubAck {
            packet_id,
            properties: Properties::default(),
            codes: if v5 { vec![0] } else { vec![] },
        })),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        (prop_oneof![Just(0u8), Just(0x8E)]).prop_map(move |reason| Packet::Disconnect(
            Disconnect {
                reason: if v5 { reason } else { 0 },
                properties: Properties::default()
            }
        )),
    ]
}

fn version(v5: bool) -> Protocol {
    if v5 { Protocol::V5 } else { Protocol::V311 }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decoder_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), v5 in any::<bool>()) {
        let mut rest = &bytes[..];
        while let Ok(Some((_, used))) = decode(rest, version(v5), MAX) {
            prop_assert!(used > 0 && used <= rest.len());
            rest = &rest[used..];
        }
    }

    #[test]
    fn packets_round_trip((v5, p) in any::<bool>().prop_flat_map(|v5| (Just(v5), packet(v5)))) {
        let protocol = version(v5);
        // The generated packet's own version rules for CONNECT.
        let protocol = match &p { Packet::Connect(c) => c.protocol, _ => protocol };
        let mut bytes = Vec::new();
        p.encode(protocol, &mut bytes).expect("encode");
        let (back, used) = decode(&bytes, protocol, MAX).expect("decode").expect("whole");
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(&back, &p);
        // Incremental: every proper prefix asks for more.
        for cut in 0..bytes.len() {
            prop_assert_eq!(decode(&bytes[..cut], protocol, MAX).expect("prefix"), None);
        }
    }

    #[test]
    fn mutated_packets_decode_or_fail_cleanly(
        p in any::<bool>().prop_flat_map(packet),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        v5 in any::<bool>(),
    ) {
        let mut bytes = Vec::new();
        p.encode(version(v5), &mut bytes).expect("encode");
        for (at, x) in flips {
            let i = at % bytes.len();
            bytes[i] ^= x;
        }
        let _ = decode(&bytes, version(v5), MAX);
    }
}
