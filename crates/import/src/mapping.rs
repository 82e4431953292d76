//! The column mapping (`data/columns.toml`): header spellings → field and unit.

use crate::field::Field;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use thiserror::Error;

const EMBEDDED: &str = include_str!("../data/columns.toml");

/// How a column's cells are parsed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 统一社会信用代码 (GB 32100).
    Uscc,
    /// The enterprise name: required text, one line, bounded length.
    Name,
    /// Free text.
    Text,
    /// A phone number (warned about when it does not look like one).
    Phone,
    /// An e-mail address (warned about when it does not look like one).
    Email,
    /// A GB/T 2260 region code.
    Region,
    /// A GB/T 4754-2017 industry code.
    Industry,
    /// A calendar date.
    Date,
    /// A calendar year.
    Year,
    /// A whole number (persons, items).
    Count,
    /// A quantity with a unit (money, energy).
    Amount,
    /// A percentage, 0–100.
    Percent,
}

/// One unit a column may be given in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Chinese label, e.g. `万元`.
    pub label: String,
    /// English label.
    pub label_en: String,
    /// Multiply a value in this unit by `factor` to get the field's unit.
    pub factor: f64,
    /// How a header writes the unit (normalised like headers).
    pub spellings: Vec<String>,
}

/// One registry field as the mapping describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSpec {
    /// The field.
    pub field: Field,
    /// The canonical Chinese header (without unit).
    pub zh: String,
    /// The English name.
    pub en: String,
    /// How cells are parsed.
    pub kind: Kind,
    /// Whether the column must be present and every row must have a value.
    #[serde(default)]
    pub required: bool,
    /// Header spellings (without unit).
    pub names: Vec<String>,
    /// Unit ids the column may be given in; the first is the field's own unit.
    #[serde(default)]
    pub units: Vec<String>,
    /// The unit assumed when the header gives none.
    #[serde(default)]
    pub bare_unit: Option<String>,
    /// Whether assuming `bare_unit` deserves a warning.
    #[serde(default)]
    pub warn_bare: bool,
    /// Smallest plausible value (in the field's unit).
    #[serde(default)]
    pub min: Option<f64>,
    /// Largest plausible value (in the field's unit).
    #[serde(default)]
    pub max: Option<f64>,
    /// Notes for the documentation, Chinese.
    #[serde(default)]
    pub note_zh: Option<String>,
    /// Notes for the documentation, English.
    #[serde(default)]
    pub note_en: Option<String>,
}

/// The mapping file's identification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingEdition {
    /// Edition id, e.g. `import-columns-2026-1`.
    pub id: String,
    /// Chinese title.
    pub title: String,
    /// English title.
    pub title_en: String,
}

#[derive(Deserialize)]
struct MappingFile {
    edition: MappingEdition,
    units: BTreeMap<String, Unit>,
    columns: Vec<ColumnSpec>,
}

/// What a header was recognised as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaderMatch {
    /// The field it feeds.
    pub field: Field,
    /// The unit id the values are in (`None` for fields without units).
    pub unit: Option<String>,
    /// Multiply a cell value by this to get the field's unit.
    pub factor: f64,
    /// True when the header gave no unit and the column's `warn_bare` asks for a warning.
    pub unit_assumed: bool,
}

/// A broken mapping file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MappingError {
    /// Not valid TOML or not the expected shape.
    #[error("column mapping: {0}")]
    Toml(String),
    /// A column names a unit the file does not define.
    #[error("column mapping: field `{field}` uses unknown unit `{unit}`")]
    UnknownUnit {
        /// The field.
        field: &'static str,
        /// The unit id.
        unit: String,
    },
    /// A field appears twice.
    #[error("column mapping: field `{0}` is described twice")]
    DuplicateField(&'static str),
    /// A field is not described.
    #[error("column mapping: field `{0}` is missing")]
    MissingField(&'static str),
    /// Two fields (or units) claim the same header spelling.
    #[error("column mapping: header `{header}` would mean both `{first}` and `{second}`")]
    Collision {
        /// The normalised header.
        header: String,
        /// One meaning.
        first: String,
        /// The other.
        second: String,
    },
}

/// The column mapping: which headers feed which field, in which unit.
///
/// ```
/// use shangyun_import::{Field, Mapping};
///
/// let mapping = Mapping::embedded();
/// let m = mapping.lookup("营业收入（元）").ok_or("not found")?;
/// assert_eq!(m.field, Field::Revenue);
/// assert_eq!(m.factor, 0.0001); // to 万元
/// assert_eq!(mapping.lookup("Credit Code").map(|m| m.field), Some(Field::Uscc));
/// assert!(mapping.lookup("备注").is_none());
/// # Ok::<(), &str>(())
/// ```
#[derive(Debug, Clone)]
pub struct Mapping {
    edition: MappingEdition,
    units: BTreeMap<String, Unit>,
    columns: Vec<ColumnSpec>,
    index: HashMap<String, HeaderMatch>,
}

impl Mapping {
    /// The mapping shipped in `data/columns.toml`, parsed once.
    ///
    /// # Panics
    /// Only if the embedded file is broken, which this crate's tests rule out.
    pub fn embedded() -> &'static Mapping {
        static MAPPING: OnceLock<Mapping> = OnceLock::new();
        MAPPING.get_or_init(|| match Mapping::from_toml(EMBEDDED) {
            Ok(mapping) => mapping,
            Err(e) => panic!("embedded column mapping is broken: {e}"),
        })
    }

    /// Parses a mapping in the format of `data/columns.toml` and checks it: every field
    /// described once, units defined, no header spelling with two meanings.
    pub fn from_toml(text: &str) -> Result<Mapping, MappingError> {
        let file: MappingFile =
            toml::from_str(text).map_err(|e| MappingError::Toml(e.to_string()))?;
        let mut seen = [false; Field::ALL.len()];
        for column in &file.columns {
            let slot = &mut seen[column.field.index()];
            if *slot {
                return Err(MappingError::DuplicateField(column.field.key()));
            }
            *slot = true;
            for unit in column.units.iter().chain(&column.bare_unit) {
                if !file.units.contains_key(unit) {
                    return Err(MappingError::UnknownUnit {
                        field: column.field.key(),
                        unit: unit.clone(),
                    });
                }
            }
        }
        if let Some(missing) = Field::ALL.iter().find(|f| !seen[f.index()]) {
            return Err(MappingError::MissingField(missing.key()));
        }
        let index = build_index(&file.units, &file.columns)?;
        let mut columns = file.columns;
        columns.sort_by_key(|c| c.field);
        Ok(Mapping {
            edition: file.edition,
            units: file.units,
            columns,
            index,
        })
    }

    /// The mapping's edition.
    pub fn edition(&self) -> &MappingEdition {
        &self.edition
    }

    /// Every column, in [`Field::ALL`] order.
    pub fn columns(&self) -> &[ColumnSpec] {
        &self.columns
    }

    /// The description of one field.
    pub fn column(&self, field: Field) -> &ColumnSpec {
        // `from_toml` checked that every field is there, sorted in `Field` order.
        &self.columns[field.index()]
    }

    /// A unit by id.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)
    }

    /// What a header means, if anything.
    pub fn lookup(&self, header: &str) -> Option<&HeaderMatch> {
        self.index.get(&normalize_header(header))
    }
}

fn build_index(
    units: &BTreeMap<String, Unit>,
    columns: &[ColumnSpec],
) -> Result<HashMap<String, HeaderMatch>, MappingError> {
    let mut index: HashMap<String, HeaderMatch> = HashMap::new();
    let mut insert = |key: String, value: HeaderMatch| -> Result<(), MappingError> {
        match index.get(&key) {
            Some(existing) if existing.field != value.field || existing.unit != value.unit => {
                Err(MappingError::Collision {
                    header: key,
                    first: format!("{} {:?}", existing.field.key(), existing.unit),
                    second: format!("{} {:?}", value.field.key(), value.unit),
                })
            }
            Some(_) => Ok(()),
            None => {
                index.insert(key, value);
                Ok(())
            }
        }
    };
    for column in columns {
        for name in &column.names {
            let name = normalize_header(name);
            let bare_factor = column
                .bare_unit
                .as_ref()
                .and_then(|u| units.get(u))
                .map_or(1.0, |u| u.factor);
            insert(
                name.clone(),
                HeaderMatch {
                    field: column.field,
                    unit: column.bare_unit.clone(),
                    factor: bare_factor,
                    unit_assumed: column.warn_bare,
                },
            )?;
            for unit_id in &column.units {
                let Some(unit) = units.get(unit_id) else {
                    continue;
                };
                for spelling in &unit.spellings {
                    insert(
                        format!("{name}{}", normalize_header(spelling)),
                        HeaderMatch {
                            field: column.field,
                            unit: Some(unit_id.clone()),
                            factor: unit.factor,
                            unit_assumed: false,
                        },
                    )?;
                }
            }
        }
    }
    Ok(index)
}

/// The form headers are compared in: full-width forms folded to ASCII, Roman numerals Ⅰ/Ⅱ
/// spelled `i`/`ii`, ASCII letters lower-cased, and spaces, line breaks, brackets, `*`, `:`,
/// `_`, `-`, `/`, `.` and `·` removed.
///
/// ```
/// use shangyun_import::normalize_header;
/// assert_eq!(normalize_header(" *营业收入\n（万元） "), "营业收入万元");
/// assert_eq!(normalize_header("Revenue (10k Yuan)"), "revenue10kyuan");
/// assert_eq!(normalize_header("Ⅰ类知识产权"), normalize_header("I类 知识产权"));
/// ```
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        match c {
            'Ⅰ' | 'ⅰ' => out.push('i'),
            'Ⅱ' | 'ⅱ' => out.push_str("ii"),
            'Ⅲ' | 'ⅲ' => out.push_str("iii"),
            '(' | ')' | '[' | ']' | '{' | '}' | '【' | '】' | '〔' | '〕' | '<' | '>' | '《'
            | '》' | '*' | ':' | '_' | '-' | '/' | '.' | '·' | '、' | '\'' | '"' | '“' | '”' =>
                {}
            c if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}' => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_mapping_loads() {
        let mapping = Mapping::from_toml(EMBEDDED);
        assert!(mapping.is_ok(), "{mapping:?}");
    }

    #[test]
    fn units_convert_to_the_fields_unit() {
        let m = Mapping::embedded();
        let cases = [
            ("营业收入(万元)", Field::Revenue, 1.0, false),
            ("营业收入（元）", Field::Revenue, 0.0001, false),
            ("营业收入/千元", Field::Revenue, 0.1, false),
            ("营业收入(亿元)", Field::Revenue, 10000.0, false),
            ("营业收入", Field::Revenue, 1.0, true),
            ("Revenue (yuan)", Field::Revenue, 0.0001, false),
            ("能耗(万千瓦时)", Field::EnergyKwh, 10000.0, false),
            ("能耗(kWh)", Field::EnergyKwh, 1.0, false),
            ("从业人员(人)", Field::Employees, 1.0, false),
            ("从业人员", Field::Employees, 1.0, false),
            ("资产负债率(%)", Field::DebtRatio, 1.0, false),
        ];
        for (header, field, factor, assumed) in cases {
            let found = m.lookup(header);
            assert_eq!(
                found.map(|h| (h.field, h.factor, h.unit_assumed)),
                Some((field, factor, assumed)),
                "{header}"
            );
        }
    }

    #[test]
    fn aliases_in_both_languages() {
        let m = Mapping::embedded();
        for (header, field) in [
            ("统一社会信用代码", Field::Uscc),
            ("信用代码", Field::Uscc),
            ("USCC", Field::Uscc),
            ("credit code", Field::Uscc),
            ("企业名称", Field::Name),
            ("Name", Field::Name),
            ("注册地区划代码", Field::RegisteredRegion),
            ("region", Field::RegisteredRegion),
            ("行业代码", Field::Industry),
            ("Industry", Field::Industry),
            ("成立日期", Field::Founded),
            ("年度", Field::Year),
            ("高价值Ⅰ类", Field::IpClass1HighValue),
            ("Ⅱ类知识产权", Field::IpClass2),
            ("E-mail", Field::ContactEmail),
        ] {
            assert_eq!(m.lookup(header).map(|h| h.field), Some(field), "{header}");
        }
    }

    #[test]
    fn a_collision_is_refused() {
        let text = EMBEDDED.replace("names = [\"联系人\",", "names = [\"企业名称\", \"联系人\",");
        assert!(matches!(
            Mapping::from_toml(&text),
            Err(MappingError::Collision { .. })
        ));
    }

    #[test]
    fn a_missing_field_is_refused() {
        let start = EMBEDDED.find("[[columns]]\nfield = \"contact_email\"");
        let Some(start) = start else {
            panic!("fixture text changed");
        };
        assert_eq!(
            Mapping::from_toml(&EMBEDDED[..start]).err(),
            Some(MappingError::MissingField("contact_email"))
        );
    }
}
