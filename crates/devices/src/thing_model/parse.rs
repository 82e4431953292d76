//! Reading a thing-model TOML file and checking it.

use super::{EnergyRole, ThingModel, ValueKind};
use std::collections::HashSet;

/// A refused thing-model file: which file, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {message}")]
pub struct ThingModelError {
    pub file: String,
    /// `line 3, column 7` for a syntax error, else a field path such as `properties[2].unit`.
    pub field: String,
    pub message: String,
}

/// Parses and checks one thing-model file. Never panics, whatever `text` holds.
pub fn parse(file: &str, text: &str) -> Result<ThingModel, ThingModelError> {
    let model: ThingModel = toml::from_str(text).map_err(|e| {
        let field = match e.span() {
            Some(span) => {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {column}")
            }
            None => "file".to_owned(),
        };
        ThingModelError {
            file: file.to_owned(),
            field,
            message: e.message().to_owned(),
        }
    })?;
    check(&model).map_err(|(field, message)| ThingModelError {
        file: file.to_owned(),
        field,
        message,
    })?;
    Ok(model)
}

/// Whether `name` is a valid device-type name or rule id: `a-z 0-9 -`, 1–64, no leading `-`.
pub(crate) fn slug_ok(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `key` is a valid telemetry key: 1–64 bytes, no control characters or spaces.
pub(crate) fn key_ok(key: &str) -> bool {
    (1..=64).contains(&key.len()) && !key.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn check(m: &ThingModel) -> Result<(), (String, String)> {
    let err = |f: &str, msg: String| Err((f.to_owned(), msg));
    if !slug_ok(&m.name) {
        return err(
            "name",
            format!(
                "{:?} is not a device-type name (1–64 of a-z, 0-9 and -)",
                m.name
            ),
        );
    }
    if m.title.trim().is_empty() {
        return err("title", "must not be empty".into());
    }
    if !(10..=7 * 86_400).contains(&m.inactivity_timeout_s) {
        return err(
            "inactivity_timeout_s",
            format!("{} is outside 10 s ..= 7 days", m.inactivity_timeout_s),
        );
    }
    let mut links = HashSet::new();
    for (i, l) in m.business_links.iter().enumerate() {
        if !links.insert(l) {
            return err(
                &format!("business_links[{i}]"),
                format!("{:?} is listed twice", l.as_str()),
            );
        }
    }
    let mut keys = HashSet::new();
    let mut energy_roles = HashSet::new();
    for (i, p) in m.properties.iter().enumerate() {
        let at = |f: &str| format!("properties[{i}].{f}");
        if !key_ok(&p.key) {
            return err(
                &at("key"),
                format!("{:?} is not a telemetry key (1–64 bytes, no spaces)", p.key),
            );
        }
        if !keys.insert(p.key.as_str()) {
            return err(&at("key"), format!("{:?} is defined twice", p.key));
        }
        if p.name.trim().is_empty() {
            return err(&at("name"), "must not be empty".into());
        }
        let numeric = matches!(p.kind, ValueKind::Float | ValueKind::Integer);
        for (f, v) in [("min", p.min), ("max", p.max)] {
            if let Some(v) = v {
                if !numeric {
                    return err(&at(f), "only numeric properties have a range".into());
                }
                if !v.is_finite() {
                    return err(&at(f), "must be a finite number".into());
                }
            }
        }
        if let (Some(lo), Some(hi)) = (p.min, p.max)
            && lo > hi
        {
            return err(&at("min"), format!("min {lo} is above max {hi}"));
        }
        if let Some(role) = p.energy {
            if !numeric {
                return err(&at("energy"), "an energy meter must be numeric".into());
            }
            let want = match role {
                EnergyRole::CumulativeKwh => "kWh",
                EnergyRole::PowerKw => "kW",
            };
            if p.unit.as_deref() != Some(want) {
                return err(
                    &at("unit"),
                    format!(
                        "an energy property of role {role:?} must have unit {want:?}, not {:?}",
                        p.unit.as_deref().unwrap_or("")
                    ),
                );
            }
            if !energy_roles.insert(role) {
                return err(
                    &at("energy"),
                    format!("only one property may have energy role {role:?}"),
                );
            }
        }
    }
    let mut rule_ids = HashSet::new();
    for (i, r) in m.alarms.iter().enumerate() {
        let at = |f: &str| format!("alarms[{i}].{f}");
        if !rule_ids.insert(r.id.as_str()) {
            return err(&at("id"), format!("{:?} is defined twice", r.id));
        }
        if r.key != "*" {
            match m.property(&r.key) {
                None => {
                    return err(
                        &at("key"),
                        format!("{:?} is not a property of this device type", r.key),
                    );
                }
                Some(p)
                    if r.condition.is_threshold()
                        && !matches!(p.kind, ValueKind::Float | ValueKind::Integer) =>
                {
                    return err(
                        &at("key"),
                        format!("{:?} is not numeric; thresholds need numbers", r.key),
                    );
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}
