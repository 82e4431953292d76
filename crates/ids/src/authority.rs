//! The registering-authority / entity-type table (positions 1–2), read from TOML data.

use crate::alphabet::uscc_value;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The table that ships with the crate: GB 32100-2015 as the reference notes give it.
const EMBEDDED_TOML: &str = include_str!("../data/gb32100_2015_authority_types.toml");

static EMBEDDED: LazyLock<Result<AuthorityTable, TableError>> =
    LazyLock::new(|| AuthorityTable::from_toml(EMBEDDED_TOML));

/// How sure the project is of a rule edition's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Official text, or several independent sources agree.
    Firm,
    /// One detailed source citing the official document.
    Likely,
    /// Conflicting or thin sources.
    Unsure,
}

/// Which official document a table encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// Stable id named in every result, e.g. `GB32100-2015`.
    pub id: String,
    /// Document number, e.g. `GB 32100-2015`.
    pub document: String,
    /// Official (Chinese) title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// How sure the content is.
    pub confidence: Confidence,
    /// Date in force, `YYYY-MM-DD`.
    pub effective: String,
    /// Caveats about the content.
    #[serde(default)]
    pub notes: String,
}

/// One entity type (机构类别, position 2) under an authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityType {
    /// Position-2 character.
    pub code: char,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Whether entities of this type are enterprises of the SME programme (9-1 and 9-3).
    #[serde(default)]
    pub programme_enterprise: bool,
}

/// One registering authority (登记管理部门, position 1) and its entity types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Position-1 character.
    pub code: char,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The entity types this authority registers.
    pub types: Vec<EntityType>,
}

/// The authority/type pairs of one edition of GB 32100.
///
/// ```
/// let table = shangyun_ids::AuthorityTable::embedded()?;
/// assert_eq!(table.edition().id, "GB32100-2015");
/// let (authority, entity_type) = table.lookup('9', '1').ok_or("no 9-1")?;
/// assert_eq!((authority.name_zh.as_str(), entity_type.name_zh.as_str()), ("工商（市场监管）", "企业"));
/// assert!(entity_type.programme_enterprise);
/// assert!(table.lookup('9', '9').is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityTable {
    edition: Edition,
    #[serde(rename = "authority")]
    authorities: Vec<Authority>,
}

/// Why an authority/type table was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Not valid TOML, or not the expected shape.
    #[error("authority table is not valid TOML of the expected shape: {0}")]
    Toml(String),
    /// Well-formed but inconsistent.
    #[error("authority table is inconsistent: {0}")]
    Invalid(String),
}

impl From<TableError> for crate::IdError {
    fn from(e: TableError) -> Self {
        crate::IdError::RuleData {
            reason: e.to_string(),
        }
    }
}

impl AuthorityTable {
    /// The table embedded in the crate (GB 32100-2015), parsed once.
    pub fn embedded() -> Result<&'static AuthorityTable, TableError> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// Reads a table in the format of `data/gb32100_2015_authority_types.toml`, e.g. a newer
    /// amendment supplied by the caller. Codes must be USCC-alphabet characters, unique.
    pub fn from_toml(text: &str) -> Result<AuthorityTable, TableError> {
        let table: AuthorityTable =
            toml::from_str(text).map_err(|e| TableError::Toml(e.to_string()))?;
        table.check()?;
        Ok(table)
    }

    fn check(&self) -> Result<(), TableError> {
        let mut seen = Vec::new();
        for authority in &self.authorities {
            if uscc_value(authority.code).is_none() || seen.contains(&authority.code) {
                return Err(TableError::Invalid(format!(
                    "authority code '{}' is repeated or outside the USCC alphabet",
                    authority.code
                )));
            }
            seen.push(authority.code);
            let mut types_seen = Vec::new();
            for entity_type in &authority.types {
                if uscc_value(entity_type.code).is_none() || types_seen.contains(&entity_type.code)
                {
                    return Err(TableError::Invalid(format!(
                        "entity type '{}-{}' is repeated or outside the USCC alphabet",
                        authority.code, entity_type.code
                    )));
                }
                types_seen.push(entity_type.code);
            }
            if authority.types.is_empty() {
                return Err(TableError::Invalid(format!(
                    "authority '{}' has no entity types",
                    authority.code
                )));
            }
        }
        Ok(())
    }

    /// The edition this table encodes.
    pub fn edition(&self) -> &Edition {
        &self.edition
    }

    /// All authorities, in table order.
    pub fn authorities(&self) -> &[Authority] {
        &self.authorities
    }

    /// The authority with position-1 character `code`.
    pub fn authority(&self, code: char) -> Option<&Authority> {
        self.authorities.iter().find(|a| a.code == code)
    }

    /// The authority and entity type of a position-1/position-2 pair.
    pub fn lookup(&self, authority: char, entity_type: char) -> Option<(&Authority, &EntityType)> {
        let a = self.authority(authority)?;
        let t = a.types.iter().find(|t| t.code == entity_type)?;
        Some((a, t))
    }

    /// Every valid pair, in table order (for generators and tests).
    pub fn pairs(&self) -> impl Iterator<Item = (&Authority, &EntityType)> {
        self.authorities
            .iter()
            .flat_map(|a| a.types.iter().map(move |t| (a, t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static AuthorityTable {
        match AuthorityTable::embedded() {
            Ok(t) => t,
            Err(e) => panic!("embedded table must parse: {e}"),
        }
    }

    /// The pairs exactly as standards.md §4.1 lists them.
    #[test]
    fn embedded_pairs_match_the_reference_table() {
        let expected: &[(char, &str)] = &[
            ('1', "1239"),
            ('2', "19"),
            ('3', "123459"),
            ('4', "19"),
            ('5', "1239"),
            ('6', "129"),
            ('7', "129"),
            ('8', "19"),
            ('9', "123"),
            ('A', "19"),
            ('N', "1239"),
            ('Y', "1"),
        ];
        let got: Vec<(char, String)> = table()
            .authorities()
            .iter()
            .map(|a| (a.code, a.types.iter().map(|t| t.code).collect()))
            .collect();
        let want: Vec<(char, String)> = expected.iter().map(|(a, t)| (*a, t.to_string())).collect();
        assert_eq!(got, want);
        assert_eq!(table().pairs().count(), 36);
    }

    #[test]
    fn only_9_1_and_9_3_are_programme_enterprises() {
        let flagged: Vec<(char, char)> = table()
            .pairs()
            .filter(|(_, t)| t.programme_enterprise)
            .map(|(a, t)| (a.code, t.code))
            .collect();
        assert_eq!(flagged, vec![('9', '1'), ('9', '3')]);
    }

    #[test]
    fn names_from_the_reference_are_kept() {
        let name = |a, t| table().lookup(a, t).map(|(_, t)| t.name_zh.clone());
        assert_eq!(name('5', '1').as_deref(), Some("社会团体"));
        assert_eq!(name('3', '1').as_deref(), Some("律师执业机构"));
        assert_eq!(name('9', '2').as_deref(), Some("个体工商户"));
        assert_eq!(name('9', '3').as_deref(), Some("农民专业合作社"));
    }

    #[test]
    fn edition_is_named_and_firm() {
        let e = table().edition();
        assert_eq!(e.document, "GB 32100-2015");
        assert_eq!(e.confidence, Confidence::Firm);
    }

    #[test]
    fn refuses_repeated_and_out_of_alphabet_codes() {
        let head = "[edition]\nid='x'\ndocument='x'\ntitle='x'\ntitle_en='x'\nconfidence='firm'\neffective='2015-10-01'\n";
        let one = "[[authority]]\ncode='9'\nname_zh='a'\nname_en='a'\ntypes=[{code='1',name_zh='b',name_en='b'}]\n";
        assert!(AuthorityTable::from_toml(&format!("{head}{one}")).is_ok());
        assert!(matches!(
            AuthorityTable::from_toml(&format!("{head}{one}{one}")),
            Err(TableError::Invalid(_))
        ));
        let bad = one.replace("code='9'", "code='O'");
        assert!(matches!(
            AuthorityTable::from_toml(&format!("{head}{bad}")),
            Err(TableError::Invalid(_))
        ));
        assert!(matches!(
            AuthorityTable::from_toml("nonsense ="),
            Err(TableError::Toml(_))
        ));
    }
}
