//! A value in the four value columns (exactly one set) and back.

use shangyun_tsdb_api::Value;

/// Column arrays of a multi-row insert.
#[derive(Default)]
pub(crate) struct Columns {
    pub series: Vec<i32>,
    pub ts: Vec<i64>,
    pub f: Vec<Option<f64>>,
    pub i: Vec<Option<i64>>,
    pub b: Vec<Option<bool>>,
    pub s: Vec<Option<String>>,
}

impl Columns {
    pub fn push(&mut self, series: i32, ts: i64, value: &Value) {
        self.series.push(series);
        self.ts.push(ts);
        let (f, i, b, s) = match value {
            Value::F64(v) => (Some(*v), None, None, None),
            Value::I64(v) => (None, Some(*v), None, None),
            Value::Bool(v) => (None, None, Some(*v), None),
            Value::Str(v) => (None, None, None, Some(v.clone())),
        };
        self.f.push(f);
        self.i.push(i);
        self.b.push(b);
        self.s.push(s);
    }

    pub fn len(&self) -> usize {
        self.ts.len()
    }
}

/// The value of a row's columns; `None` when none is set (a row no writer of ours makes).
pub(crate) fn from_columns(
    f: Option<f64>,
    i: Option<i64>,
    b: Option<bool>,
    s: Option<String>,
) -> Option<Value> {
    if let Some(v) = f {
        Some(Value::F64(v))
    } else if let Some(v) = i {
        Some(Value::I64(v))
    } else if let Some(v) = b {
        Some(Value::Bool(v))
    } else {
        s.map(Value::Str)
    }
}
