//! Typed values: what a telemetry key or attribute holds.

use crate::error::DecodeError;
use crate::limits::Limits;
use crate::loc::Loc;
use crate::node::Node;

/// A value as ThingsBoard types it. How each is stored as telemetry: `Long` and `Double` as
/// numbers (an integer literal such as `21` stays an integer, `21.0` is a double), `Bool` as a
/// boolean, `Str` as text, and `Json` (an object or array) as its compact JSON text in a text
/// series — see the crate README, "Non-numeric telemetry".
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum TbValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Long(i64),
    /// Any other number (finite: JSON has no NaN or infinity).
    Double(f64),
    /// A string.
    Str(String),
    /// An object or array, as compact JSON text.
    Json(String),
}

/// One named value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KeyValue {
    /// The key (1 ..= [`Limits::max_key_len`] bytes, no control characters).
    pub key: String,
    /// Its value.
    pub value: TbValue,
}

/// Counts values across one payload against [`Limits::max_values`].
pub(crate) struct Budget {
    pub(crate) used: usize,
    pub(crate) limit: usize,
}

impl Budget {
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            used: 0,
            limit: limits.max_values,
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<(), DecodeError> {
        self.used += n;
        if self.used > self.limit {
            return Err(DecodeError::TooManyValues {
                count: self.used,
                limit: self.limit,
            });
        }
        Ok(())
    }
}

pub(crate) fn key_ok(key: &str, limits: &Limits) -> bool {
    (1..=limits.max_key_len).contains(&key.len()) && !key.chars().any(char::is_control)
}

pub(crate) fn key_error(path: &str, key: &str, limits: &Limits) -> DecodeError {
    DecodeError::Key {
        path: path.to_owned(),
        key: key.chars().take(64).collect(),
        limit: limits.max_key_len,
    }
}

/// Turns the entries of a `{"key": value, …}` object into key-values, checking keys, nulls,
/// text length and depth.
pub(crate) fn key_values(
    entries: Vec<(String, Node)>,
    loc: &Loc,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Vec<KeyValue>, DecodeError> {
    budget.take(entries.len())?;
    let mut out = Vec::with_capacity(entries.len());
    for (key, node) in entries {
        if !key_ok(&key, limits) {
            return Err(key_error(&loc.render(), &key, limits));
        }
        let value = typed(node, &key, loc, limits)?;
        out.push(KeyValue { key, value });
    }
    Ok(out)
}

fn typed(node: Node, key: &str, loc: &Loc, limits: &Limits) -> Result<TbValue, DecodeError> {
    let long_text = |len: usize| DecodeError::TextTooLong {
        path: loc.render(),
        key: key.to_owned(),
        len,
        limit: limits.max_text_bytes,
    };
    Ok(match node {
        Node::Bool(b) => TbValue::Bool(b),
        Node::Int(i) => TbValue::Long(i),
        Node::Float(f) => TbValue::Double(f),
        Node::Str(s) if s.len() > limits.max_text_bytes => return Err(long_text(s.len())),
        Node::Str(s) => TbValue::Str(s),
        Node::Null => {
            return Err(DecodeError::Null {
                path: loc.render(),
                key: key.to_owned(),
            });
        }
        nested @ (Node::Arr(_) | Node::Obj(_)) => {
            let depth = nested.depth();
            if depth > limits.max_depth {
                return Err(DecodeError::TooDeep {
                    path: Loc::Member(loc, key).render(),
                    depth,
                    limit: limits.max_depth,
                });
            }
            let json = nested.to_json();
            if json.len() > limits.max_text_bytes {
                return Err(long_text(json.len()));
            }
            TbValue::Json(json)
        }
    })
}
