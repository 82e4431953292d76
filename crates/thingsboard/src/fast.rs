//! A fast path for the telemetry every meter sends: one object, `{"k": v, …}` or
//! `{"ts": ms, "values": {"k": v, …}}`, with plain ASCII keys and scalar values. It scans the
//! bytes once, with no parse tree (serde_json into a tree was a fifth of the endpoint's
//! instructions per message). Anything else — escapes, non-ASCII keys, nulls, arrays, nested
//! values, duplicate top-level keys, a payload at a limit's edge, any fault — answers `None`,
//! and the caller decodes it with the full decoder, which also words every error. So for
//! every payload it accepts, the result equals the full decoder's (tested against it).

use crate::limits::Limits;
use crate::telemetry::{MAX_TS, TsRecord};
use crate::value::{KeyValue, TbValue};

/// The records of `payload` when it has one of the common shapes; `None` otherwise.
pub(crate) fn telemetry(payload: &[u8], limits: &Limits) -> Option<Vec<TsRecord>> {
    // Validated once: every slice below starts and ends at an ASCII byte, a char boundary.
    let text = std::str::from_utf8(payload).ok()?;
    let mut s = Scan {
        text,
        b: payload,
        i: 0,
        limits,
    };
    s.ws();
    s.eat(b'{')?;
    let mut ts = None;
    let mut values = None;
    let mut flat: Vec<KeyValue> = Vec::new();
    let mut others = false;
    let mut first = true;
    loop {
        s.ws();
        if s.eat(b'}').is_some() {
            break;
        }
        if !first {
            s.eat(b',')?;
            s.ws();
        }
        first = false;
        let key = s.key()?;
        s.ws();
        s.eat(b':')?;
        s.ws();
        match key {
            "values" if s.peek()? == b'{' => {
                if values.is_some() {
                    return None;
                }
                s.i += 1;
                values = Some(s.object()?);
            }
            _ => {
                let value = s.scalar()?;
                if key == "ts" {
                    if ts.is_some() {
                        return None;
                    }
                    ts = Some(value.clone());
                } else if key == "values" {
                    return None;
                } else {
                    others = true;
                }
                flat.push(KeyValue {
                    key: key.to_owned(),
                    value,
                });
            }
        }
    }
    s.ws();
    if s.i != s.b.len() {
        return None;
    }
    let record = match (ts, values) {
        (Some(TbValue::Long(ts)), Some(values)) if !others && (0..=MAX_TS).contains(&ts) => {
            TsRecord {
                ts: Some(ts),
                values,
            }
        }
        (None, None) => {
            // No "ts" and no "values": every entry is a value (a lone "ts" is a value too,
            // but that case is rare enough to leave to the full decoder).
            TsRecord {
                ts: None,
                values: flat,
            }
        }
        _ => return None,
    };
    (record.values.len() < limits.max_values).then(|| vec![record])
}

struct Scan<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    limits: &'a Limits,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A flat object's entries, after its `{`: scalars only.
    fn object(&mut self) -> Option<Vec<KeyValue>> {
        let mut out = Vec::with_capacity(4);
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(out);
        }
        loop {
            self.ws();
            let key = self.key()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let value = self.scalar()?;
            out.push(KeyValue {
                key: key.to_owned(),
                value,
            });
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// A key of printable ASCII without escapes, within the length limit.
    fn key(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                0x20..=0x7e if self.b[self.i] != b'\\' => self.i += 1,
                _ => return None,
            }
        }
        let key = self.text.get(start..self.i)?;
        self.i += 1;
        if key.is_empty() || key.len() > self.limits.max_key_len {
            return None;
        }
        Some(key)
    }

    /// A number, `true`, `false`, or a string without escapes within the text limit.
    fn scalar(&mut self) -> Option<TbValue> {
        match self.peek()? {
            b't' => self.word(b"true", TbValue::Bool(true)),
            b'f' => self.word(b"false", TbValue::Bool(false)),
            b'"' => {
                self.i += 1;
                let start = self.i;
                loop {
                    match self.peek()? {
                        b'"' => break,
                        b'\\' | 0x00..=0x1f => return None,
                        _ => self.i += 1,
                    }
                }
                let text = self.text.get(start..self.i)?;
                self.i += 1;
                if text.len() > self.limits.max_text_bytes {
                    return None;
                }
                Some(TbValue::Str(text.to_owned()))
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, w: &[u8], v: TbValue) -> Option<TbValue> {
        self.b.get(self.i..self.i + w.len()).filter(|s| *s == w)?;
        self.i += w.len();
        Some(v)
    }

    /// A JSON number: an integer that fits `i64` is a `Long`, a fraction or exponent a finite
    /// `Double`, correctly rounded as serde_json (with `float_roundtrip`) rounds it.
    fn number(&mut self) -> Option<TbValue> {
        let start = self.i;
        let negative = self.eat(b'-').is_some();
        // The digits as one integer (the mantissa), while it stays exact in an f64.
        let mut mantissa: u64 = 0;
        let mut exact = true;
        let mut digits = |s: &mut Self| {
            let from = s.i;
            while let Some(d @ b'0'..=b'9') = s.peek() {
                match mantissa.checked_mul(10).map(|m| m + u64::from(d - b'0')) {
                    Some(m) if m < 1 << 53 => mantissa = m,
                    _ => exact = false,
                }
                s.i += 1;
            }
            s.i - from
        };
        let int_start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return None;
        }
        let mut fraction = 0;
        let mut float = false;
        if self.eat(b'.').is_some() {
            float = true;
            fraction = digits(self);
            if fraction == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            exact = false;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let from = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == from {
                return None;
            }
        }
        if !float {
            // Beyond 2^53 the text decides (beyond i64 the full decoder's rules, u64 →
            // double, apply); serde_json reads `-0` as the double -0.0.
            let i = if exact {
                let m = mantissa as i64;
                if negative { -m } else { m }
            } else {
                self.text.get(start..self.i)?.parse::<i64>().ok()?
            };
            if negative && i == 0 {
                return None;
            }
            return Some(TbValue::Long(i));
        }
        let text = self.text.get(start..self.i)?;
        let f = if exact && fraction <= 22 {
            // Both exact in an f64, so one division rounds correctly (Clinger's fast path).
            let f = mantissa as f64 / POW10[fraction];
            if negative { -f } else { f }
        } else {
            text.parse().ok()?
        };
        f.is_finite().then_some(TbValue::Double(f))
    }
}

/// 10^0 ..= 10^22, each exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::decode_slow;

    /// Every payload the fast path takes decodes as the full decoder decodes it.
    fn same(payload: &str) -> bool {
        let l = Limits::default();
        match telemetry(payload.as_bytes(), &l) {
            Some(fast) => {
                let slow = decode_slow(payload.as_bytes(), &l).expect(payload);
                assert_eq!(fast, slow, "{payload}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn common_shapes_take_the_fast_path_and_agree() {
        for p in [
            r#"{"ts":1700000000000,"values":{"voltage":220.5,"current":5.07,"kwh":1000.01}}"#,
            r#"{"values":{"a":1},"ts":5}"#,
            r#" { "ts" : 0 , "values" : { } } "#,
            r#"{"temperature":42,"humidity":73.5,"on":false,"mode":"auto","ok":true}"#,
            r#"{}"#,
            r#"{"a":-7,"b":-1.5e3,"c":1E-2,"d":9223372036854775807,"e":-9223372036854775808}"#,
            r#"{"a":0.1,"b":1e308,"c":2.2250738585072014e-308,"d":"水温"}"#,
            r#"{"ts":1,"values":{"a":1,"a":2}}"#,
            r#"{"a":9007199254740991,"b":9007199254740992,"c":-9007199254740993,"d":-9223372036854775807}"#,
        ] {
            assert!(same(p), "not fast: {p}");
        }
    }

    #[test]
    fn anything_else_goes_to_the_full_decoder() {
        for p in [
            r#"[{"ts":1,"values":{"a":1}}]"#,
            r#"{"a":null}"#,
            r#"{"a":[1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"{"a\n":1}"#,
            r#"{"a\"b":1}"#,
            r#"{"é":1}"#,
            r#"{"":1}"#,
            r#"{"a":"x\"y"}"#,
            r#"{"a":01}"#,
            r#"{"a":-0}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":1e400}"#,
            r#"{"a":9223372036854775808}"#,
            r#"{"a":-9223372036854775809}"#,
            r#"{"ts":5}"#,
            r#"{"values":{"a":1}}"#,
            r#"{"ts":1.5,"values":{"a":1}}"#,
            r#"{"ts":-1,"values":{"a":1}}"#,
            r#"{"ts":253402300800000,"values":{"a":1}}"#,
            r#"{"ts":1,"values":{"a":1},"x":2}"#,
            r#"{"ts":1,"ts":2,"values":{"a":1}}"#,
            r#"{"ts":1,"values":{"a":{}}}"#,
            r#"{"ts":1,"values":5}"#,
            r#"{"a":1,}"#,
            r#"{"a":1"#,
            r#"{"a":1}x"#,
            r#"{"a":tru}"#,
            "{\"a\":\"\u{1}\"}",
        ] {
            assert!(!same(p), "fast path took {p}");
        }
    }

    proptest::proptest! {
        #[test]
        fn near_miss_payloads_agree(
            p in r#" ?\{( ?"(ts|values|[a-z\\"é\n]{0,3})" ?: ?(-?[0-9]{1,3}(\.[0-9]{0,2})?([eE][-+]?[0-9]{0,3})?|true|false|nul|null|"[a-z\\ é]{0,3}"|\{\}|\{"a":1\}|\[\]) ?,?){0,4}\} ?"#
        ) {
            same(&p);
        }
    }

    #[test]
    fn limits_at_their_edge_go_to_the_full_decoder() {
        let l = Limits {
            max_values: 2,
            max_key_len: 3,
            max_text_bytes: 2,
            ..Limits::default()
        };
        assert!(telemetry(br#"{"a":1}"#, &l).is_some());
        assert!(telemetry(br#"{"a":1,"b":2}"#, &l).is_none());
        assert!(telemetry(br#"{"abcd":1}"#, &l).is_none());
        assert!(telemetry(br#"{"a":"abc"}"#, &l).is_none());
    }

    #[test]
    fn decimals_agree_at_every_length() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = x.to_string();
            let int_len = 1 + (x % 12) as usize;
            let frac_len = 1 + ((x >> 8) % 20) as usize;
            let (int, frac) = digits.split_at(int_len.min(digits.len() - 1));
            let int = int.trim_start_matches('0');
            let int = if int.is_empty() { "0" } else { int };
            let frac = &frac[..frac_len.min(frac.len())];
            let sign = if x & 1 == 1 { "-" } else { "" };
            assert!(same(&format!(r#"{{"v":{sign}{int}.{frac}}}"#)));
        }
    }

    #[test]
    fn meter_like_payloads_agree() {
        for k in 0..2000u64 {
            let v = 2200 + (k * 7) % 50;
            let c = 500 + (k * 3) % 100;
            let p = format!(
                r#"{{"ts":{},"values":{{"voltage":{}.{},"current":{}.{:02},"kwh":{}.{:02},"n":{},"x":{}e-{}}}}}"#,
                1_700_000_000_000 + k * 1000,
                v / 10,
                v % 10,
                c / 100,
                c % 100,
                100_000 + k,
                k % 100,
                k,
                k * 13 % 7,
                k % 300
            );
            assert!(same(&p), "{p}");
        }
    }
}
