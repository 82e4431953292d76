//! Topic names (PUBLISH) and topic filters (SUBSCRIBE): MQTT 4.7 rules, and matching.

use crate::error::{DecodeError, ErrorKind};

/// A topic name: non-empty, no `+` or `#`.
pub fn check_name(topic: &str) -> Result<(), DecodeError> {
    if topic.is_empty() {
        return Err(DecodeError::new(
            ErrorKind::InvalidTopic,
            "empty topic name",
        ));
    }
    if topic.contains(['+', '#']) {
        return Err(DecodeError::new(
            ErrorKind::InvalidTopic,
            "wildcard in a topic name",
        ));
    }
    Ok(())
}

/// A topic filter: non-empty; `+` fills a whole level; `#` fills the whole last level.
pub fn check_filter(filter: &str) -> Result<(), DecodeError> {
    if filter.is_empty() {
        return Err(DecodeError::new(
            ErrorKind::InvalidTopic,
            "empty topic filter",
        ));
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i + 1 != levels.len()) {
            return Err(DecodeError::new(
                ErrorKind::InvalidTopic,
                "'#' not alone in the last level",
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(DecodeError::new(
                ErrorKind::InvalidTopic,
                "'+' not alone in its level",
            ));
        }
    }
    Ok(())
}

/// Whether `topic` matches `filter` (a valid filter; `$`-topics do not match leading wildcards).
pub fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_as_the_standard_says() {
        assert!(matches(
            "v1/devices/me/rpc/request/+",
            "v1/devices/me/rpc/request/7"
        ));
        assert!(!matches(
            "v1/devices/me/rpc/request/+",
            "v1/devices/me/rpc/request"
        ));
        assert!(matches("sport/#", "sport"));
        assert!(matches("#", "a/b"));
        assert!(!matches("#", "$SYS/x"));
        assert!(check_filter("a/#/b").is_err());
        assert!(check_filter("a/b+").is_err());
        assert!(check_filter("+/+/#").is_ok());
        assert!(check_name("a/+").is_err());
    }
}
