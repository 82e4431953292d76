//! Every decoder takes any bytes without panicking, and what the telemetry decoder accepts
//! survives a round trip through the encoder.

use proptest::prelude::*;
use shangyun_thingsboard::*;

fn all_decoders(bytes: &[u8], limits: &Limits) {
    let _ = decode_telemetry(bytes, limits);
    let _ = decode_attributes(bytes, limits);
    let _ = decode_attribute_request(bytes, limits);
    let _ = decode_rpc_request(bytes, limits);
    let _ = decode_rpc_response(bytes, limits);
    let _ = decode_provision_request(bytes, limits);
    let _ = decode_gateway_device(bytes, limits);
    let _ = decode_gateway_telemetry(bytes, limits);
    let _ = decode_gateway_attributes(bytes, limits);
    let _ = decode_gateway_attribute_request(bytes, limits);
    let _ = decode_gateway_rpc_response(bytes, limits);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = Topic::parse_any(text);
    }
}

/// JSON-ish text: random structure from the characters JSON is made of, so that the decoders
/// get past the parser often.
fn jsonish() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        "[a-z\"\\\\ts]{0,6}".prop_map(|s| format!("{s:?}")),
        Just("\"ts\"".to_owned()),
        Just("\"values\"".to_owned()),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z ]{0,4}|ts|values|device|id|method", inner), 0..5)
                .prop_map(|v| {
                    let body: Vec<String> = v.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                    format!("{{{}}}", body.join(","))
                }),
        ]
    })
}

fn small_limits() -> Limits {
    Limits {
        max_payload_bytes: 512,
        max_values: 8,
        max_key_len: 8,
        max_text_bytes: 32,
        max_depth: 3,
        max_devices: 3,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        all_decoders(&bytes, &Limits::default());
        all_decoders(&bytes, &small_limits());
    }

    #[test]
    fn jsonish_text_never_panics(text in jsonish()) {
        all_decoders(text.as_bytes(), &Limits::default());
        all_decoders(text.as_bytes(), &small_limits());
    }

    #[test]
    fn accepted_telemetry_respects_the_limits(text in jsonish()) {
        let limits = small_limits();
        if let Ok(records) = decode_telemetry(text.as_bytes(), &limits) {
            let count: usize = records.iter().map(|r| r.values.len()).sum();
            prop_assert!(count <= limits.max_values);
            for r in &records {
                if let Some(ts) = r.ts { prop_assert!((0..=MAX_TS).contains(&ts)); }
                for kv in &r.values {
                    prop_assert!(!kv.key.is_empty() && kv.key.len() <= limits.max_key_len);
                    if let TbValue::Str(s) | TbValue::Json(s) = &kv.value {
                        prop_assert!(s.len() <= limits.max_text_bytes);
                    }
                }
            }
        }
    }

    #[test]
    fn attributes_round_trip(entries in prop::collection::vec(("[a-zA-Z_]{1,10}", prop_oneof![
        any::<i64>().prop_map(TbValue::Long),
        any::<bool>().prop_map(TbValue::Bool),
        (-1e12f64..1e12).prop_map(TbValue::Double),
        "\\PC{0,20}".prop_map(TbValue::Str),
    ]), 1..10)) {
        let mut seen = std::collections::HashSet::new();
        let values: Vec<KeyValue> = entries
            .into_iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .map(|(key, value)| KeyValue { key, value })
            .collect();
        let bytes = encode::shared_attributes_update(&values);
        let mut back = decode_attributes(&bytes, &Limits::default()).expect("own output decodes");
        let mut want = values.clone();
        back.sort_by(|a, b| a.key.cmp(&b.key));
        want.sort_by(|a, b| a.key.cmp(&b.key));
        for (b, w) in back.iter().zip(&want) {
            match (&b.value, &w.value) {
                // An integral double is written as e.g. "3.0" and read back as a double.
                (TbValue::Double(x), TbValue::Double(y)) => prop_assert_eq!(x.to_bits(), y.to_bits()),
                (x, y) => prop_assert_eq!(x, y),
            }
        }
        prop_assert_eq!(back.len(), want.len());
    }
}
