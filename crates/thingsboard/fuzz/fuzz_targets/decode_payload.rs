//! Every ThingsBoard payload decoder on arbitrary bytes, with default and tight limits.
//! `cargo +nightly fuzz run decode_payload -- -max_total_time=60` (from crates/thingsboard).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shangyun_thingsboard::*;

fuzz_target!(|data: &[u8]| {
    let tight = Limits {
        max_payload_bytes: 4096,
        max_values: 16,
        max_key_len: 16,
        max_text_bytes: 64,
        max_depth: 4,
        max_devices: 4,
    };
    for limits in [Limits::default(), tight] {
        let _ = decode_telemetry(data, &limits);
        let _ = decode_attributes(data, &limits);
        let _ = decode_attribute_request(data, &limits);
        let _ = decode_rpc_request(data, &limits);
        let _ = decode_rpc_response(data, &limits);
        let _ = decode_provision_request(data, &limits);
        let _ = decode_gateway_device(data, &limits);
        let _ = decode_gateway_telemetry(data, &limits);
        let _ = decode_gateway_attributes(data, &limits);
        let _ = decode_gateway_attribute_request(data, &limits);
        let _ = decode_gateway_rpc_response(data, &limits);
    }
    if let Ok(topic) = std::str::from_utf8(data) {
        let _ = Topic::parse_any(topic);
    }
});
