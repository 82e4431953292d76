//! GB/T 4754-2017 国民经济行业分类: 门类 (section) → 大类 (division) → 中类 (group) → 小类 (class).

use crate::industry_code::{IndustryCode, IndustryCodeError};
use crate::list_error::{ListError, ListErrorKind};
use crate::tsv;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The list shipped with the crate (see `data/PROVENANCE.md`).
const EMBEDDED_TSV: &str = include_str!("../data/gbt4754_2017.tsv");

/// Edition label of the embedded list.
pub const EMBEDDED_INDUSTRY_EDITION: &str = "GB/T 4754-2017 (incl. 第1号修改单)";

/// The level of an industry node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndustryLevel {
    /// 门类: a letter A–T.
    Section,
    /// 大类: 2 digits.
    Division,
    /// 中类: 3 digits.
    Group,
    /// 小类: 4 digits.
    Class,
}

impl IndustryLevel {
    /// The label used in the list files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Section => "section",
            Self::Division => "division",
            Self::Group => "group",
            Self::Class => "class",
        }
    }

    /// Chinese label: 门类 / 大类 / 中类 / 小类.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Section => "门类",
            Self::Division => "大类",
            Self::Group => "中类",
            Self::Class => "小类",
        }
    }

    /// Digits after the section letter at this level.
    pub fn digits(self) -> u8 {
        match self {
            Self::Section => 0,
            Self::Division => 2,
            Self::Group => 3,
            Self::Class => 4,
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "section" => Some(Self::Section),
            "division" => Some(Self::Division),
            "group" => Some(Self::Group),
            "class" => Some(Self::Class),
            _ => None,
        }
    }
}

/// One node of the classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Industry {
    /// Full code with the section letter, e.g. `C3311`, `C33`, `C`.
    code: IndustryCode,
    name: String,
    level: IndustryLevel,
    /// Parent's full code (`None` for a section).
    parent: Option<IndustryCode>,
}

impl Industry {
    /// The full code with its section letter (`C3311`); print it with `to_string()`.
    pub fn code(&self) -> IndustryCode {
        self.code
    }

    /// The code as the standard prints it: the letter for a section, digits otherwise (`3311`).
    pub fn standard_code(&self) -> IndustryCode {
        if self.level == IndustryLevel::Section {
            self.code
        } else {
            self.code.without_section()
        }
    }

    /// The section letter.
    pub fn section(&self) -> char {
        self.code.section().unwrap_or('?')
    }

    /// The Chinese name, e.g. `金属结构制造`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The level.
    pub fn level(&self) -> IndustryLevel {
        self.level
    }

    /// The parent's full code (`None` for a section).
    pub fn parent_code(&self) -> Option<IndustryCode> {
        self.parent
    }
}

/// A GB/T 4754 code list.
///
/// ```
/// use shangyun_codes::{IndustryList, IndustryLevel};
///
/// let list = IndustryList::embedded();
/// let class = list.get("3311")?;               // same as "C3311"
/// assert_eq!(class.code().to_string(), "C3311");
/// assert_eq!(class.name(), "金属结构制造");
/// assert_eq!(class.level(), IndustryLevel::Class);
/// let path: Vec<String> = list.ancestors(class).map(|n| n.code().to_string()).collect();
/// assert_eq!(path, ["C331", "C33", "C"]);
/// # Ok::<(), shangyun_codes::IndustryCodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct IndustryList {
    edition: String,
    /// In file order (the standard's order: each node followed by its subtree).
    nodes: Vec<Industry>,
    /// Code without section letter (sections keep theirs) → index.
    index: HashMap<IndustryCode, usize>,
    parents: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
}

impl IndustryList {
    /// The list embedded in the crate ([`EMBEDDED_INDUSTRY_EDITION`]), parsed once.
    ///
    /// # Panics
    /// Only if the embedded data file is broken, which the crate's tests rule out.
    pub fn embedded() -> &'static IndustryList {
        static LIST: OnceLock<IndustryList> = OnceLock::new();
        LIST.get_or_init(
            || match Self::parse(EMBEDDED_INDUSTRY_EDITION, EMBEDDED_TSV) {
                Ok(list) => list,
                Err(e) => panic!("embedded GB/T 4754 list is broken: {e}"),
            },
        )
    }

    /// Parses a list in the shipped format (`code<TAB>name<TAB>parent<TAB>level`): sections are
    /// letters, other codes digits; each parent must be the code one level up (the section for a
    /// division) and appear in the list. Errors name the line and column.
    ///
    /// ```
    /// use shangyun_codes::IndustryList;
    /// let text = "code\tname\tparent\tlevel\nA\t农、林、牧、渔业\t\tsection\n01\t农业\tA\tdivision\n";
    /// assert_eq!(IndustryList::parse("test", text)?.len(), 2);
    /// let err = IndustryList::parse("test", "code\tname\tparent\tlevel\n01\t农业\tA\tgroup\n").unwrap_err();
    /// assert_eq!((err.line, err.column), (2, 4));
    /// # Ok::<(), shangyun_codes::ListError>(())
    /// ```
    pub fn parse(edition: &str, text: &str) -> Result<IndustryList, ListError> {
        let rows = tsv::rows(text)?;
        let mut nodes: Vec<Industry> = Vec::with_capacity(rows.len());
        let mut lines: Vec<usize> = Vec::with_capacity(rows.len());
        let mut index: HashMap<IndustryCode, usize> = HashMap::with_capacity(rows.len());
        // Division/group/class → parent as written, resolved after all rows are read.
        let mut parents: Vec<Option<IndustryCode>> = Vec::with_capacity(rows.len());
        for row in &rows {
            let level = IndustryLevel::parse(row.level).ok_or_else(|| ListError {
                line: row.line,
                column: 4,
                kind: ListErrorKind::BadLevel {
                    value: row.level.to_owned(),
                    expected: "section, division, group, class",
                },
            })?;
            let code = parse_list_code(row.code, level).map_err(|kind| ListError {
                line: row.line,
                column: if matches!(kind, ListErrorKind::LevelMismatch { .. }) {
                    4
                } else {
                    1
                },
                kind,
            })?;
            let parent =
                check_parent(row.code, code, level, row.parent).map_err(|rule| ListError {
                    line: row.line,
                    column: 3,
                    kind: ListErrorKind::BadParent {
                        code: row.code.to_owned(),
                        parent: row.parent.to_owned(),
                        rule,
                    },
                })?;
            if let Some(&first) = index.get(&code) {
                return Err(ListError {
                    line: row.line,
                    column: 1,
                    kind: ListErrorKind::Duplicate {
                        code: row.code.to_owned(),
                        first_line: lines[first],
                    },
                });
            }
            index.insert(code, nodes.len());
            lines.push(row.line);
            parents.push(parent);
            nodes.push(Industry {
                code,
                name: row.name.to_owned(),
                level,
                parent: None,
            });
        }
        let mut parent_index = vec![None; nodes.len()];
        for (i, parent) in parents.iter().enumerate() {
            if let Some(p) = parent {
                let Some(&pi) = index.get(p) else {
                    return Err(ListError {
                        line: lines[i],
                        column: 3,
                        kind: ListErrorKind::UnknownParent {
                            code: nodes[i].code.to_string(),
                            parent: p.to_string(),
                        },
                    });
                };
                parent_index[i] = Some(pi);
            }
        }
        // Give every node its section letter: parents come before children only by convention,
        // so walk up rather than rely on file order.
        for i in 0..nodes.len() {
            let mut top = i;
            let mut steps = 0;
            while let Some(p) = parent_index[top] {
                top = p;
                steps += 1;
                if steps > 4 {
                    break;
                }
            }
            if let Some(letter) = nodes[top].code.section() {
                nodes[i].code = nodes[i].code.with_section(letter);
            }
        }
        for i in 0..nodes.len() {
            nodes[i].parent = parent_index[i].map(|p| nodes[p].code);
        }
        let mut children = vec![Vec::new(); nodes.len()];
        for (i, p) in parent_index.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        Ok(IndustryList {
            edition: edition.to_owned(),
            nodes,
            index,
            parents: parent_index,
            children,
        })
    }

    /// The edition label.
    pub fn edition(&self) -> &str {
        &self.edition
    }

    /// Number of nodes at all levels.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True for an empty list.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All nodes in the standard's order.
    pub fn iter(&self) -> impl Iterator<Item = &Industry> {
        self.nodes.iter()
    }

    /// Number of nodes at `level`.
    pub fn count(&self, level: IndustryLevel) -> usize {
        self.nodes.iter().filter(|n| n.level == level).count()
    }

    /// Looks a code up at any level, with or without the section letter (`C3311`, `3311`,
    /// `C33`, `C`). A letter that does not match the digits is an error, not ignored.
    pub fn get(&self, code: &str) -> Result<&Industry, IndustryCodeError> {
        let parsed: IndustryCode = code.parse()?;
        self.get_code(parsed)
    }

    /// As [`get`](Self::get), for a parsed code.
    pub fn get_code(&self, code: IndustryCode) -> Result<&Industry, IndustryCodeError> {
        let key = if code.digits() == 0 {
            code
        } else {
            code.without_section()
        };
        let node = self
            .index
            .get(&key)
            .map(|&i| &self.nodes[i])
            .ok_or_else(|| IndustryCodeError::NotFound {
                code: code.to_string(),
                edition: self.edition.clone(),
            })?;
        match code.section() {
            Some(given) if given != node.section() => Err(IndustryCodeError::SectionMismatch {
                code: code.to_string(),
                digits: key.to_string(),
                given,
                actual: node.section(),
            }),
            _ => Ok(node),
        }
    }

    /// The direct parent (`None` for a section).
    pub fn parent(&self, node: &Industry) -> Option<&Industry> {
        self.index_of(node)
            .and_then(|i| self.parents[i])
            .map(|p| &self.nodes[p])
    }

    /// The ancestors, nearest first: class → group → division → section.
    pub fn ancestors<'a>(&'a self, node: &Industry) -> impl Iterator<Item = &'a Industry> + 'a {
        let mut next = self.index_of(node).and_then(|i| self.parents[i]);
        std::iter::from_fn(move || {
            let i = next?;
            next = self.parents[i];
            Some(&self.nodes[i])
        })
    }

    /// The direct children in the standard's order.
    pub fn children<'a>(&'a self, node: &Industry) -> impl Iterator<Item = &'a Industry> + 'a {
        self.index_of(node)
            .map(|i| self.children[i].as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&c| &self.nodes[c])
    }

    /// The whole subtree below `node` (not `node` itself), depth first in the standard's order.
    pub fn descendants(&self, node: &Industry) -> Vec<&Industry> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self
            .index_of(node)
            .map(|i| self.children[i].iter().rev().copied().collect())
            .unwrap_or_default();
        while let Some(i) = stack.pop() {
            out.push(&self.nodes[i]);
            stack.extend(self.children[i].iter().rev());
        }
        out
    }

    fn index_of(&self, node: &Industry) -> Option<usize> {
        let key = if node.level == IndustryLevel::Section {
            node.code
        } else {
            node.code.without_section()
        };
        self.index.get(&key).copied()
    }
}

/// A code as the list writes it: a single letter for a section, exact-width digits otherwise.
fn parse_list_code(value: &str, level: IndustryLevel) -> Result<IndustryCode, ListErrorKind> {
    let bad = |expected| ListErrorKind::BadCode {
        value: value.to_owned(),
        expected,
    };
    let bytes = value.as_bytes();
    let code = if bytes.len() == 1 && bytes[0].is_ascii_uppercase() {
        IndustryCode::new(Some(char::from(bytes[0])), 0, 0)
    } else if (2..=4).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_digit) {
        let number = bytes.iter().fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
        // Length is 2..=4, so it fits in u8.
        IndustryCode::new(None, bytes.len() as u8, number)
    } else {
        None
    };
    let code = code.ok_or_else(|| bad("a section letter A–Z or 2, 3 or 4 digits"))?;
    if code.digits() != level.digits() {
        return Err(ListErrorKind::LevelMismatch {
            code: value.to_owned(),
            level: level.as_str(),
            rule: "section = letter, division = 2 digits, group = 3, class = 4",
        });
    }
    Ok(code)
}

/// The parent a node must have: nothing for a section, a letter for a division, the code minus
/// its last digit otherwise.
fn check_parent(
    raw: &str,
    code: IndustryCode,
    level: IndustryLevel,
    parent: &str,
) -> Result<Option<IndustryCode>, &'static str> {
    match level {
        IndustryLevel::Section if parent.is_empty() => Ok(None),
        IndustryLevel::Section => Err("a section has no parent"),
        IndustryLevel::Division => {
            let mut chars = parent.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_uppercase() => Ok(IndustryCode::new(Some(c), 0, 0)),
                _ => Err("a division's parent is its section letter"),
            }
        }
        IndustryLevel::Group | IndustryLevel::Class => {
            if Some(parent) == raw.get(..raw.len() - 1) {
                Ok(IndustryCode::new(
                    None,
                    code.digits() - 1,
                    code.number() / 10,
                ))
            } else {
                Err("a group's or class's parent is its code without the last digit")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_and_digits_must_agree() {
        let list = IndustryList::embedded();
        assert!(matches!(
            list.get("A3311"),
            Err(IndustryCodeError::SectionMismatch {
                given: 'A',
                actual: 'C',
                ..
            })
        ));
        assert!(matches!(
            list.get("C3319"),
            Err(IndustryCodeError::NotFound { .. })
        ));
    }
}
