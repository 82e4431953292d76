//! Telemetry and client attributes of one device (`v1/devices/me/telemetry`,
//! `v1/devices/me/attributes`, `POST /api/v1/{token}/telemetry|attributes`).

use crate::error::DecodeError;
use crate::limits::Limits;
use crate::loc::Loc;
use crate::node::Node;
use crate::value::{Budget, KeyValue, key_values};

/// Latest timestamp accepted: 9999-12-31T23:59:59.999Z in ms (the store's bound too).
pub const MAX_TS: i64 = 253_402_300_799_999;

/// Values sharing one timestamp.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TsRecord {
    /// Milliseconds since the epoch; `None` when the device sent none (`{"k": v}`): the
    /// receiver stamps it with its receive time.
    pub ts: Option<i64>,
    /// The values.
    pub values: Vec<KeyValue>,
}

/// Decodes a telemetry payload: `{"k": v, …}` (server time), `{"ts": ms, "values": {…}}`, or
/// an array of those. An object is the timestamped form exactly when it has both `ts` and
/// `values` (as in ThingsBoard); it may then have no other key.
///
/// ```
/// use shangyun_thingsboard::{decode_telemetry, Limits, TbValue};
/// let records = decode_telemetry(br#"[{"ts":1700000000000,"values":{"t":21.5}},{"on":true}]"#,
///                                &Limits::default())?;
/// assert_eq!(records[0].ts, Some(1_700_000_000_000));
/// assert_eq!(records[0].values[0].value, TbValue::Double(21.5));
/// assert_eq!(records[1].ts, None);
/// # Ok::<(), shangyun_thingsboard::DecodeError>(())
/// ```
pub fn decode_telemetry(payload: &[u8], limits: &Limits) -> Result<Vec<TsRecord>, DecodeError> {
    if payload.len() <= limits.max_payload_bytes
        && let Some(records) = crate::fast::telemetry(payload, limits)
    {
        return Ok(records);
    }
    decode_slow(payload, limits)
}

/// The full decoder: every shape, and every error worded.
pub(crate) fn decode_slow(payload: &[u8], limits: &Limits) -> Result<Vec<TsRecord>, DecodeError> {
    let root = parse(payload, limits)?;
    let mut budget = Budget::new(limits);
    records(root, &Loc::Root, limits, &mut budget)
}

/// Decodes client attributes: `{"name": value, …}`.
///
/// ```
/// use shangyun_thingsboard::{decode_attributes, Limits, TbValue};
/// let attrs = decode_attributes(br#"{"firmwareVersion":"2.1.0","cfg":{"a":[1]}}"#,
///                               &Limits::default())?;
/// assert_eq!(attrs[0].value, TbValue::Str("2.1.0".into()));
/// assert_eq!(attrs[1].value, TbValue::Json(r#"{"a":[1]}"#.into()));
/// # Ok::<(), shangyun_thingsboard::DecodeError>(())
/// ```
pub fn decode_attributes(payload: &[u8], limits: &Limits) -> Result<Vec<KeyValue>, DecodeError> {
    let root = parse(payload, limits)?;
    let mut budget = Budget::new(limits);
    match root {
        Node::Obj(entries) => key_values(entries, &Loc::Root, limits, &mut budget),
        _ => Err(DecodeError::shape(
            "$",
            "an object of attribute names to values",
        )),
    }
}

/// Checks the size, then parses.
pub(crate) fn parse(payload: &[u8], limits: &Limits) -> Result<Node, DecodeError> {
    if payload.len() > limits.max_payload_bytes {
        return Err(DecodeError::TooLarge {
            size: payload.len(),
            limit: limits.max_payload_bytes,
        });
    }
    Ok(Node::parse(payload)?)
}

/// The records of a telemetry value: an object or an array of objects.
pub(crate) fn records(
    node: Node,
    loc: &Loc,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Vec<TsRecord>, DecodeError> {
    match node {
        Node::Obj(entries) => Ok(vec![record(entries, loc, limits, budget)?]),
        Node::Arr(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Node::Obj(entries) => {
                        out.push(record(entries, &Loc::Index(loc, i), limits, budget)?);
                    }
                    _ => {
                        return Err(DecodeError::shape(
                            Loc::Index(loc, i).render(),
                            "an object ({\"k\": v} or {\"ts\": ms, \"values\": {…}})",
                        ));
                    }
                }
            }
            Ok(out)
        }
        _ => Err(DecodeError::shape(
            loc.render(),
            "an object or an array of objects ({\"k\": v} or {\"ts\": ms, \"values\": {…}})",
        )),
    }
}

fn record(
    entries: Vec<(String, Node)>,
    loc: &Loc,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<TsRecord, DecodeError> {
    let has = |k: &str| entries.iter().any(|(key, _)| key == k);
    if !(has("ts") && has("values")) {
        return Ok(TsRecord {
            ts: None,
            values: key_values(entries, loc, limits, budget)?,
        });
    }
    let mut ts = None;
    let mut values = None;
    for (key, node) in entries {
        match key.as_str() {
            "ts" => ts = Some(timestamp(&node, loc)?),
            "values" => values = Some(node),
            _ => {
                return Err(DecodeError::shape(
                    loc.render(),
                    "a timestamped record with only \"ts\" and \"values\"",
                ));
            }
        }
    }
    let vloc = Loc::Field(loc, "values");
    match values {
        Some(Node::Obj(entries)) => Ok(TsRecord {
            ts,
            values: key_values(entries, &vloc, limits, budget)?,
        }),
        _ => Err(DecodeError::shape(
            vloc.render(),
            "an object of keys to values",
        )),
    }
}

/// An integer number of milliseconds in 0..=MAX_TS.
pub(crate) fn timestamp(node: &Node, loc: &Loc) -> Result<i64, DecodeError> {
    match node {
        Node::Int(ts) if (0..=MAX_TS).contains(ts) => Ok(*ts),
        other => Err(DecodeError::Timestamp {
            path: Loc::Field(loc, "ts").render(),
            got: other.to_json().chars().take(64).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::TbValue;

    fn ok(s: &str) -> Vec<TsRecord> {
        decode_telemetry(s.as_bytes(), &Limits::default()).expect(s)
    }

    fn err(s: &str) -> DecodeError {
        decode_telemetry(s.as_bytes(), &Limits::default()).expect_err(s)
    }

    #[test]
    fn the_three_forms() {
        let r = ok(r#"{"temperature":42,"humidity":73.5,"on":false,"mode":"auto"}"#);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].ts, None);
        let vals: Vec<_> = r[0].values.iter().map(|kv| kv.value.clone()).collect();
        assert_eq!(
            vals,
            vec![
                TbValue::Long(42),
                TbValue::Double(73.5),
                TbValue::Bool(false),
                TbValue::Str("auto".into())
            ]
        );
        let r = ok(r#"{"ts":1451649600512,"values":{"key1":"value1","key2":2}}"#);
        assert_eq!(r[0].ts, Some(1451649600512));
        assert_eq!(r[0].values.len(), 2);
        let r = ok(r#"[{"ts":1,"values":{"a":1}},{"ts":2,"values":{"a":2}},{"b":3}]"#);
        assert_eq!(
            r.iter().map(|r| r.ts).collect::<Vec<_>>(),
            vec![Some(1), Some(2), None]
        );
        assert!(ok("{}")[0].values.is_empty());
        assert!(ok("[]").is_empty());
        // "ts" without "values" is an ordinary key, as in ThingsBoard.
        assert_eq!(ok(r#"{"ts":5}"#)[0].values[0].key, "ts");
    }

    #[test]
    fn json_values_are_kept_as_compact_text() {
        let r = ok(r#"{"pos": {"lat": 1.5, "lon": [2, 3]}}"#);
        assert_eq!(
            r[0].values[0].value,
            TbValue::Json(r#"{"lat":1.5,"lon":[2,3]}"#.into())
        );
    }

    #[test]
    fn refusals_are_typed() {
        assert!(matches!(err("{"), DecodeError::Json { line: 1, .. }));
        assert!(matches!(err("42"), DecodeError::Shape { .. }));
        assert!(matches!(err("[1]"), DecodeError::Shape { path, .. } if path == "$[0]"));
        assert!(matches!(err(r#"{"a":null}"#), DecodeError::Null { .. }));
        assert!(matches!(err(r#"{"":1}"#), DecodeError::Key { .. }));
        assert!(matches!(err(r#"{"a\u0001":1}"#), DecodeError::Key { .. }));
        assert!(matches!(
            err(r#"{"ts":-1,"values":{"a":1}}"#),
            DecodeError::Timestamp { .. }
        ));
        assert!(matches!(
            err(r#"{"ts":1.5,"values":{"a":1}}"#),
            DecodeError::Timestamp { .. }
        ));
        assert!(matches!(
            err(r#"{"ts":253402300800000,"values":{"a":1}}"#),
            DecodeError::Timestamp { .. }
        ));
        assert!(matches!(
            err(r#"{"ts":1,"values":5}"#),
            DecodeError::Shape { path, .. } if path == "$.values"
        ));
        assert!(matches!(
            err(r#"{"ts":1,"values":{},"x":1}"#),
            DecodeError::Shape { .. }
        ));
        let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(17), "]".repeat(17));
        assert!(matches!(err(&deep), DecodeError::TooDeep { depth: 17, .. }));
        let too_deep_for_serde = format!(r#"{{"a":{}1{}}}"#, "[".repeat(500), "]".repeat(500));
        assert!(matches!(err(&too_deep_for_serde), DecodeError::Json { .. }));
    }

    #[test]
    fn limits_bite_at_their_edge() {
        let limits = Limits {
            max_values: 3,
            max_key_len: 4,
            max_text_bytes: 5,
            max_payload_bytes: 100,
            ..Limits::default()
        };
        let d = |s: &str| decode_telemetry(s.as_bytes(), &limits);
        assert!(d(r#"[{"a":1,"b":2},{"c":3}]"#).is_ok());
        assert!(matches!(
            d(r#"[{"a":1,"b":2},{"c":3,"d":4}]"#),
            Err(DecodeError::TooManyValues { count: 4, limit: 3 })
        ));
        assert!(d(r#"{"abcd":1}"#).is_ok());
        assert!(matches!(d(r#"{"abcde":1}"#), Err(DecodeError::Key { .. })));
        assert!(d(r#"{"a":"12345"}"#).is_ok());
        assert!(matches!(
            d(r#"{"a":"123456"}"#),
            Err(DecodeError::TextTooLong { len: 6, .. })
        ));
        assert!(matches!(
            d(r#"{"a":[1,2,3]}"#),
            Err(DecodeError::TextTooLong { len: 7, .. })
        ));
        let big = format!(r#"{{"a":"{}"}}"#, "x".repeat(100));
        assert!(matches!(
            d(&big),
            Err(DecodeError::TooLarge { limit: 100, .. })
        ));
    }

    #[test]
    fn attributes_must_be_an_object() {
        let l = Limits::default();
        assert!(decode_attributes(b"[]", &l).is_err());
        assert_eq!(
            decode_attributes(br#"{"fw":"1.0","n":3}"#, &l)
                .expect("ok")
                .len(),
            2
        );
    }
}
