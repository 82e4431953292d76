//! The MQTT packet decoder on arbitrary bytes, both protocol versions, decoding packet after
//! packet as the endpoint does; a decoded packet must re-encode and decode to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shangyun_mqtt_codec::{Packet, Protocol, decode};

fuzz_target!(|data: &[u8]| {
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut rest = data;
        while let Ok(Some((packet, used))) = decode(rest, protocol, 1 << 20) {
            assert!(used > 0 && used <= rest.len());
            rest = &rest[used..];
            let own = match &packet {
                Packet::Connect(c) => c.protocol,
                _ => protocol,
            };
            let mut bytes = Vec::new();
            if packet.encode(own, &mut bytes).is_ok() {
                let again = decode(&bytes, own, 1 << 21);
                assert!(matches!(again, Ok(Some((ref p, n))) if *p == packet && n == bytes.len()));
            }
        }
    }
});
