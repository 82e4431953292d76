//! Device attributes: client attributes (reported by the device) and shared attributes (set
//! by the platform, pushed to the device).

use crate::identity::DeviceId;
use serde::{Deserialize, Serialize};

/// A JSON object of attributes.
pub type Attributes = serde_json::Map<String, serde_json::Value>;

/// The answer to an attribute request, in ThingsBoard's shape
/// `{"client": {…}, "shared": {…}}` (an empty side is left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributeSet {
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub client: Attributes,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub shared: Attributes,
}

/// Shared attributes changed by the platform: what a connected device subscribed to
/// `v1/devices/me/attributes` receives (`values`, as one JSON object).
#[derive(Debug, Clone, PartialEq)]
pub struct SharedAttributesUpdate {
    pub device: DeviceId,
    pub values: Attributes,
}

/// Which keys of a stored map a request selects. ThingsBoard semantics: when neither
/// `clientKeys` nor `sharedKeys` is given, everything is returned; when only one is given,
/// only that side is. `Some(&[])` selects all of that side.
pub fn select(stored: &Attributes, keys: Option<&[String]>, neither_given: bool) -> Attributes {
    match keys {
        None if neither_given => stored.clone(),
        None => Attributes::new(),
        Some([]) => stored.clone(),
        Some(keys) => keys
            .iter()
            .filter_map(|k| stored.get(k).map(|v| (k.clone(), v.clone())))
            .collect(),
    }
}

/// Splits ThingsBoard's comma-separated key list (`"a,b"`), dropping empty entries.
pub fn parse_key_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_follows_thingsboard() {
        let mut m = Attributes::new();
        m.insert("a".into(), 1.into());
        m.insert("b".into(), 2.into());
        assert_eq!(select(&m, None, true).len(), 2);
        assert_eq!(select(&m, None, false).len(), 0);
        assert_eq!(select(&m, Some(&["b".into(), "z".into()]), false).len(), 1);
        assert_eq!(parse_key_list(" a, ,b"), vec!["a", "b"]);
    }
}
