//! Conversions between stored columns and domain values shared by both backends: JSON
//! columns, tier names, counts.

use crate::backend::NewAudit;
use crate::error::{StoreError, StoreResult};
use crate::filter::{tier_from_key, tier_key};
use crate::plan::DerivedRow;
use crate::records::AuditEntry;
use chrono::{DateTime, NaiveDate, Utc};
use shangyun_registry::{Derived, Explanation, TierDerived, Title};

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

/// A stored tier verdict: `[tier, edition, outcome]` — positional, because the column holds
/// six of them for every enterprise and year. Rows written before explanations were
/// recomputed on read carry the explanation as a fourth element, which is used as is.
#[derive(serde::Deserialize)]
pub(crate) struct StoredVerdict(
    String,
    String,
    String,
    #[serde(default)] Option<Explanation>,
);

/// The `tiers` column's JSON text.
pub(crate) fn encode_tiers(tiers: &[TierDerived], uscc: &str) -> StoreResult<String> {
    let stored: Vec<_> = tiers
        .iter()
        .map(|t| (tier_key(t.tier), &t.edition, &t.outcome))
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
        .map(|StoredVerdict(tier, edition, outcome, explanation)| {
            let tier = tier_from_key(&tier)
                .ok_or_else(|| StoreError::corrupt("tier verdict", uscc, &tier))?;
            Ok(TierDerived {
                tier,
                edition,
                outcome,
                explanation: explanation.unwrap_or_else(Explanation::null),
            })
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
