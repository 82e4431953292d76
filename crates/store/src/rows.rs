//! Conversions between stored columns and domain values shared by both backends: JSON
//! columns, tier names, counts.

use crate::backend::NewAudit;
use crate::error::{StoreError, StoreResult};
use crate::filter::{tier_from_key, tier_key};
use crate::plan::DerivedRow;
use crate::records::AuditEntry;
use chrono::{DateTime, NaiveDate, Utc};
use shangyun_registry::{Derived, Explanation, Tier, TierDerived, Title};

/// A stored count (never negative) as `u64`.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A count as the signed integer SQL stores.
pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_json<T: serde::Serialize + ?Sized>(
    value: &T,
    what: &'static str,
    key: &str,
) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(what, key, e))
}

/// The `tiers` JSON column of a derived row, encoded once (the size explanation is already
/// JSON text).
pub(crate) struct EncodedDerived {
    pub tiers: String,
}

impl EncodedDerived {
    pub fn new(row: &DerivedRow) -> StoreResult<Self> {
        Ok(EncodedDerived {
            tiers: encode_tiers(&row.derived.tiers, &row.derived.uscc)?,
        })
    }
}

/// Explanations are not stored: they are derived, the rules that made them are
/// deterministic, and at ~1 KB per enterprise-year they were most of what an import wrote.
/// Readers recompute them (see `flows::explain`); this JSON `null` marks a value to recompute.
pub(crate) const EXPLAINED_ON_READ: &str = "null";

/// A stored tier verdict, as one element of the `tiers` JSON array (six per enterprise and
/// year, so their size is most of a derived row):
///
/// * compact, what is written: one string `<tier letter><edition year><outcome letter>`,
///   e.g. `"i2022n"` for tier `innovative`, edition `tier-2022-innovative`, outcome
///   `not-enough-data` — used when the edition id has the rule crate's form
///   `tier-<year>-<tier>` and the outcome is one of the three known ones;
/// * positional `[tier, edition, outcome]` otherwise (any edition id or outcome), and in rows
///   written before the compact form; rows written before explanations were recomputed on
///   read carry the explanation as a fourth element, which is used as is.
pub(crate) enum StoredVerdict {
    Compact(String),
    Positional(String, String, String, Option<Explanation>),
}

// By hand rather than `#[serde(untagged)]`: an untagged enum buffers its input, and the
// explanation (a `RawValue`) cannot be read from a buffer.
impl<'de> serde::Deserialize<'de> for StoredVerdict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StoredVerdict;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a tier verdict: a compact string or [tier, edition, outcome]")
            }

            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<StoredVerdict, E> {
                Ok(StoredVerdict::Compact(code.to_owned()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StoredVerdict, A::Error> {
                let mut part = |i: usize| {
                    seq.next_element::<String>()?
                        .ok_or_else(|| serde::de::Error::invalid_length(i, &self))
                };
                let (tier, edition, outcome) = (part(0)?, part(1)?, part(2)?);
                let explanation = seq.next_element::<Explanation>()?;
                Ok(StoredVerdict::Positional(
                    tier,
                    edition,
                    outcome,
                    explanation,
                ))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

const TIER_LETTERS: [(char, Tier); 3] = [
    ('i', Tier::Innovative),
    ('s', Tier::Specialized),
    ('l', Tier::LittleGiant),
];
const OUTCOME_LETTERS: [(char, &str); 3] = [
    ('e', "eligible"),
    ('x', "not-eligible"),
    ('n', "not-enough-data"),
];

/// Appends the compact form of a verdict to `out`, when it has one (else leaves `out` as is).
fn push_compact_verdict(out: &mut String, verdict: &TierDerived) -> bool {
    let Some((tier_letter, _)) = TIER_LETTERS.iter().find(|(_, t)| *t == verdict.tier) else {
        return false;
    };
    let Some((outcome_letter, _)) = OUTCOME_LETTERS.iter().find(|(_, o)| *o == verdict.outcome)
    else {
        return false;
    };
    let year = verdict
        .edition
        .strip_prefix("tier-")
        .and_then(|rest| rest.strip_suffix(tier_key(verdict.tier)))
        .and_then(|rest| rest.strip_suffix('-'));
    let Some(year) = year.filter(|y| !y.is_empty() && y.bytes().all(|b| b.is_ascii_digit())) else {
        return false;
    };
    out.push(*tier_letter);
    out.push_str(year);
    out.push(*outcome_letter);
    true
}

/// A compact verdict back into tier, edition and outcome.
fn expand_verdict(code: &str) -> Option<(Tier, String, &'static str)> {
    let mut chars = code.chars();
    let first = chars.next()?;
    let last = chars.next_back()?;
    let year = chars.as_str();
    let (_, tier) = TIER_LETTERS.iter().find(|(c, _)| *c == first)?;
    let (_, outcome) = OUTCOME_LETTERS.iter().find(|(c, _)| *c == last)?;
    if year.is_empty() || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let edition = format!("tier-{year}-{}", tier_key(*tier));
    Some((*tier, edition, *outcome))
}

/// The `tiers` column's JSON text. Written directly when every verdict is compact (its
/// letters and digits need no escaping): six per enterprise-year, on the writer's path.
pub(crate) fn encode_tiers(tiers: &[TierDerived], uscc: &str) -> StoreResult<String> {
    let mut out = String::with_capacity(2 + tiers.len() * 9);
    out.push('[');
    for (i, verdict) in tiers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        if !push_compact_verdict(&mut out, verdict) {
            return encode_tiers_mixed(tiers, uscc);
        }
        out.push('"');
    }
    out.push(']');
    Ok(out)
}

/// The `tiers` column when some verdict has no compact form.
fn encode_tiers_mixed(tiers: &[TierDerived], uscc: &str) -> StoreResult<String> {
    let stored: Vec<serde_json::Value> = tiers
        .iter()
        .map(|t| {
            let mut code = String::new();
            if push_compact_verdict(&mut code, t) {
                serde_json::Value::String(code)
            } else {
                serde_json::json!([tier_key(t.tier), t.edition, t.outcome])
            }
        })
        .collect();
    to_json(&stored, "tier verdicts", uscc)
}

/// Verdicts as stored, back into the domain type.
pub(crate) fn decode_tiers(
    stored: Vec<StoredVerdict>,
    uscc: &str,
) -> StoreResult<Vec<TierDerived>> {
    stored
        .into_iter()
        .map(|verdict| match verdict {
            StoredVerdict::Compact(code) => {
                let (tier, edition, outcome) = expand_verdict(&code)
                    .ok_or_else(|| StoreError::corrupt("tier verdict", uscc, &code))?;
                Ok(TierDerived {
                    tier,
                    edition: edition.into(),
                    outcome: outcome.into(),
                    explanation: Explanation::null(),
                })
            }
            StoredVerdict::Positional(tier, edition, outcome, explanation) => {
                let tier = tier_from_key(&tier)
                    .ok_or_else(|| StoreError::corrupt("tier verdict", uscc, &tier))?;
                Ok(TierDerived {
                    tier,
                    edition: edition.into(),
                    outcome: outcome.into(),
                    explanation: explanation.unwrap_or_else(Explanation::null),
                })
            }
        })
        .collect()
}

/// The JSON columns of an audit entry.
pub(crate) struct EncodedAudit {
    pub before: Option<String>,
    pub after: Option<String>,
}

impl EncodedAudit {
    pub fn new(entry: &NewAudit) -> StoreResult<Self> {
        let encode = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .map(|v| to_json(v, "audit entry", &entry.entity_key))
                .transpose()
        };
        Ok(EncodedAudit {
            before: encode(&entry.before)?,
            after: encode(&entry.after)?,
        })
    }
}

/// A `titles` row as read, before the tier name is checked.
pub(crate) struct TitleParts {
    pub uscc: String,
    pub tier: String,
    pub issued: NaiveDate,
    pub expires: NaiveDate,
    pub edition: String,
}

impl TitleParts {
    pub fn into_title(self) -> StoreResult<Title> {
        let tier = tier_from_key(&self.tier)
            .ok_or_else(|| StoreError::corrupt("title tier", &self.uscc, &self.tier))?;
        Ok(Title {
            uscc: self.uscc,
            tier,
            issued: self.issued,
            expires: self.expires,
            edition: self.edition,
        })
    }
}

/// A `derived` row as read, JSON still text.
pub(crate) struct DerivedParts {
    pub uscc: String,
    pub year: i32,
    pub size_class: Option<String>,
    pub size_edition: String,
    pub size_explanation: String,
    pub tiers: String,
}

impl DerivedParts {
    pub fn into_derived(self) -> StoreResult<Derived> {
        let size_explanation = Explanation::from_json(self.size_explanation)
            .map_err(|e| StoreError::corrupt("size explanation", &self.uscc, e))?;
        let stored: Vec<StoredVerdict> = serde_json::from_str(&self.tiers)
            .map_err(|e| StoreError::corrupt("tier verdicts", &self.uscc, e))?;
        let tiers = decode_tiers(stored, &self.uscc)?;
        Ok(Derived {
            uscc: self.uscc,
            year: self.year,
            size_class: self.size_class,
            size_edition: self.size_edition,
            size_explanation,
            tiers,
        })
    }
}

/// An `audit_log` row as read.
pub(crate) struct AuditParts {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditParts {
    pub fn into_entry(self) -> StoreResult<AuditEntry> {
        let key = self.entity_key.clone();
        let decode = |text: Option<String>| {
            text.map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| StoreError::corrupt("audit entry", &key, e))
        };
        Ok(AuditEntry {
            id: self.id,
            at: self.at,
            actor: self.actor,
            action: self.action,
            entity: self.entity,
            before: decode(self.before)?,
            after: decode(self.after)?,
            entity_key: self.entity_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(tier: Tier, edition: &str, outcome: &str) -> TierDerived {
        TierDerived {
            tier,
            edition: edition.to_owned().into(),
            outcome: outcome.to_owned().into(),
            explanation: Explanation::null(),
        }
    }

    fn round_trip(tiers: &[TierDerived]) -> (String, Vec<TierDerived>) {
        let text = encode_tiers(tiers, "X").expect("encodes");
        let stored: Vec<StoredVerdict> = serde_json::from_str(&text).expect("is JSON");
        (text, decode_tiers(stored, "X").expect("decodes"))
    }

    #[test]
    fn rule_crate_editions_are_stored_compactly_and_come_back_whole() {
        let tiers = vec![
            verdict(Tier::Innovative, "tier-2022-innovative", "not-enough-data"),
            verdict(Tier::Specialized, "tier-2026-specialized", "not-eligible"),
            verdict(Tier::LittleGiant, "tier-2026-little-giant", "eligible"),
        ];
        let (text, back) = round_trip(&tiers);
        assert_eq!(text, r#"["i2022n","s2026x","l2026e"]"#);
        assert_eq!(back, tiers);
    }

    #[test]
    fn other_editions_and_outcomes_are_stored_in_full() {
        let tiers = vec![
            verdict(Tier::Innovative, "zj-2025-innovative", "eligible"),
            verdict(Tier::Specialized, "tier-2026-innovative", "eligible"),
            verdict(Tier::LittleGiant, "tier-2026-little-giant", "withdrawn"),
            verdict(Tier::Innovative, "tier--innovative", "eligible"),
        ];
        let (text, back) = round_trip(&tiers);
        assert!(text.starts_with(r#"[["innovative","zj-2025-innovative","eligible"],"#));
        assert_eq!(back, tiers);
    }

    #[test]
    fn a_compact_verdict_before_a_full_one_is_kept_compact() {
        let tiers = vec![
            verdict(Tier::Innovative, "tier-2022-innovative", "eligible"),
            verdict(Tier::Specialized, "zj-2025-specialized", "not-eligible"),
        ];
        let (text, back) = round_trip(&tiers);
        assert_eq!(
            text,
            r#"["i2022e",["specialized","zj-2025-specialized","not-eligible"]]"#
        );
        assert_eq!(back, tiers);
        assert_eq!(round_trip(&[]).0, "[]");
    }

    #[test]
    fn rows_written_in_earlier_forms_still_read() {
        let old = r#"[["innovative","tier-2022-innovative","eligible",{"why":"old"}],
                      ["specialized","tier-2022-specialized","not-eligible"],"l2022n"]"#;
        let stored: Vec<StoredVerdict> = serde_json::from_str(old).expect("is JSON");
        let back = decode_tiers(stored, "X").expect("decodes");
        assert_eq!(back[0].explanation.to_value()["why"], "old");
        assert_eq!(back[1].outcome, "not-eligible");
        assert_eq!(back[2].edition, "tier-2022-little-giant");
    }

    #[test]
    fn a_damaged_compact_verdict_is_reported() {
        let stored: Vec<StoredVerdict> = serde_json::from_str(r#"["q2022n"]"#).expect("is JSON");
        assert!(matches!(
            decode_tiers(stored, "X"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
