//! The first stage of a write: reject what the store must never hold, before it reaches the
//! WAL. Everything that passes here can be encoded, persisted and queried.

use crate::model::{Batch, DeviceId, Value};

/// Longest device name and key, in bytes.
pub const MAX_NAME_LEN: usize = 256;
/// Longest text value, in bytes.
pub const MAX_TEXT_LEN: usize = 64 * 1024;
/// Most points in one batch.
pub const MAX_POINTS_PER_BATCH: usize = 10_000;
/// Latest accepted timestamp: 9999-12-31T23:59:59.999Z.
pub const MAX_TS: i64 = 253_402_300_799_999;

/// Why a batch was refused. Nothing of a refused batch is stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize)]
pub enum ValidationError {
    /// The owner id is not 1–64 ASCII letters, digits, `-` or `_`.
    #[error("owner id {owner:?} must be 1–64 ASCII letters, digits, '-' or '_'")]
    Owner {
        /// The id given.
        owner: String,
    },
    /// A device name is empty, too long or has control characters.
    #[error("device name {name:?} must be 1–256 bytes without control characters")]
    DeviceName {
        /// The name given.
        name: String,
    },
    /// The batch has no points.
    #[error("the batch has no points")]
    Empty,
    /// The batch has more than [`MAX_POINTS_PER_BATCH`] points.
    #[error("the batch has {count} points; at most 10,000 per batch, split it")]
    TooManyPoints {
        /// Points in the batch.
        count: usize,
    },
    /// A key is empty, too long or has control characters.
    #[error("point {index}: key {key:?} must be 1–256 bytes without control characters")]
    Key {
        /// Index of the point in the batch.
        index: usize,
        /// The key given.
        key: String,
    },
    /// A timestamp is before 1970 or after 9999.
    #[error("point {index} ({key}): timestamp {ts} ms is outside 1970..=9999")]
    Timestamp {
        /// Index of the point in the batch.
        index: usize,
        /// Its key.
        key: String,
        /// The timestamp given.
        ts: i64,
    },
    /// A float is NaN or infinite (they break min/max/avg).
    #[error("point {index} ({key}): value is not a finite number")]
    NotFinite {
        /// Index of the point in the batch.
        index: usize,
        /// Its key.
        key: String,
    },
    /// A text value is over [`MAX_TEXT_LEN`].
    #[error("point {index} ({key}): text of {len} bytes exceeds 64 KiB")]
    TextTooLong {
        /// Index of the point in the batch.
        index: usize,
        /// Its key.
        key: String,
        /// Its length.
        len: usize,
    },
}

pub(crate) fn owner_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn name_ok(s: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&s.len()) && !s.chars().any(char::is_control)
}

/// Checks a batch. The store calls it in [`crate::Tsdb::append`]; it is public so that an
/// endpoint can reject a message before doing anything else with it.
///
/// ```
/// use shangyun_tsdb::{validate, Batch, Owner, Point, ValidationError};
/// let mut batch = Batch {
///     owner: Owner::new("E1")?,
///     device: 7.into(),
///     points: vec![Point::new("temp", 1_700_000_000_000, 21.5)],
/// };
/// assert!(validate(&batch).is_ok());
/// batch.points.push(Point::new("temp", 1_700_000_001_000, f64::NAN));
/// assert!(matches!(validate(&batch), Err(ValidationError::NotFinite { index: 1, .. })));
/// # Ok::<(), shangyun_tsdb::ValidationError>(())
/// ```
pub fn validate(batch: &Batch) -> Result<(), ValidationError> {
    if !owner_ok(batch.owner.as_str()) {
        return Err(ValidationError::Owner {
            owner: batch.owner.as_str().to_owned(),
        });
    }
    if let DeviceId::Name(name) = &batch.device
        && !name_ok(name)
    {
        return Err(ValidationError::DeviceName { name: name.clone() });
    }
    if batch.points.is_empty() {
        return Err(ValidationError::Empty);
    }
    if batch.points.len() > MAX_POINTS_PER_BATCH {
        return Err(ValidationError::TooManyPoints {
            count: batch.points.len(),
        });
    }
    for (index, p) in batch.points.iter().enumerate() {
        let key = || p.key.clone();
        if !name_ok(&p.key) {
            return Err(ValidationError::Key { index, key: key() });
        }
        if !(0..=MAX_TS).contains(&p.ts) {
            return Err(ValidationError::Timestamp {
                index,
                key: key(),
                ts: p.ts,
            });
        }
        match &p.value {
            Value::F64(v) if !v.is_finite() => {
                return Err(ValidationError::NotFinite { index, key: key() });
            }
            Value::Str(s) if s.len() > MAX_TEXT_LEN => {
                return Err(ValidationError::TextTooLong {
                    index,
                    key: key(),
                    len: s.len(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Owner, Point};

    fn batch(points: Vec<Point>) -> Batch {
        Batch {
            owner: Owner::unchecked("E1".into()),
            device: DeviceId::Num(1),
            points,
        }
    }

    #[test]
    fn edges() {
        assert!(validate(&batch(vec![Point::new("k", 0, 1.0)])).is_ok());
        assert!(validate(&batch(vec![Point::new("k", MAX_TS, 1.0)])).is_ok());
        assert!(matches!(
            validate(&batch(vec![Point::new("k", -1, 1.0)])),
            Err(ValidationError::Timestamp { .. })
        ));
        assert!(matches!(
            validate(&batch(vec![Point::new("k", MAX_TS + 1, 1.0)])),
            Err(ValidationError::Timestamp { .. })
        ));
        assert!(validate(&batch(vec![Point::new("k".repeat(256), 0, 1.0)])).is_ok());
        assert!(matches!(
            validate(&batch(vec![Point::new("k".repeat(257), 0, 1.0)])),
            Err(ValidationError::Key { .. })
        ));
        assert!(matches!(
            validate(&batch(vec![Point::new("", 0, 1.0)])),
            Err(ValidationError::Key { .. })
        ));
        assert!(matches!(
            validate(&batch(vec![])),
            Err(ValidationError::Empty)
        ));
        let text = "x".repeat(MAX_TEXT_LEN);
        assert!(validate(&batch(vec![Point::new("k", 0, text.as_str())])).is_ok());
        let text = "x".repeat(MAX_TEXT_LEN + 1);
        assert!(matches!(
            validate(&batch(vec![Point::new("k", 0, text.as_str())])),
            Err(ValidationError::TextTooLong { .. })
        ));
        assert!(matches!(
            validate(&batch(vec![Point::new("k", 0, f64::INFINITY)])),
            Err(ValidationError::NotFinite { .. })
        ));
        let many = (0..=MAX_POINTS_PER_BATCH as i64)
            .map(|t| Point::new("k", t, 1.0))
            .collect();
        assert!(matches!(
            validate(&batch(many)),
            Err(ValidationError::TooManyPoints { count: 10_001 })
        ));
    }

    #[test]
    fn owner_edges() {
        assert!(owner_ok(&"a".repeat(64)));
        assert!(!owner_ok(&"a".repeat(65)));
        assert!(!owner_ok(""));
        assert!(!owner_ok("a/b"));
        assert!(!owner_ok(".."));
    }
}
