//! Industry code → group, compiled once per edition into flat tables so that a look-up is a
//! parse plus one array index (no hashing, no allocation).

use crate::edition::{EditionError, Exclusion, IndustryGroup, SizeEdition};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use shangyun_codes::{Industry, IndustryCode, IndustryCodeError, IndustryLevel, IndustryList};
use std::collections::HashMap;

/// Groups and exclusions are kept in 32-bit masks.
const MAX_ENTRIES: usize = 32;

/// What one industry code resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Not a code of the classification.
    Unknown,
    /// Every class below the code is in this group.
    Group(u8),
    /// Every class below the code is in this exclusion.
    NotCovered(u8),
    /// The classes below the code fall into several groups or exclusions: `spans[i]`.
    Several(u16),
}

/// Which groups and exclusions a broad code spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    groups: u32,
    exclusions: u32,
}

impl Span {
    fn count(self) -> u32 {
        self.groups.count_ones() + self.exclusions.count_ones()
    }
}

/// The compiled tables: one per code length.
#[derive(Debug, Clone)]
pub(crate) struct IndustryLookup {
    sections: [Slot; 26],
    divisions: Vec<Slot>,
    groups: Vec<Slot>,
    classes: Vec<Slot>,
    /// The section letter of each division, 0 where there is no such division.
    section_of_division: [u8; 100],
    spans: Vec<Span>,
    edition: String,
}

/// Where a scope prefix came from, for error messages.
#[derive(Clone, Copy)]
enum Owner {
    Group(usize),
    Exclusion(usize),
}

impl Owner {
    fn describe(self, groups: &[IndustryGroup]) -> String {
        match self {
            Owner::Group(i) => format!("group {} {}", groups[i].number, groups[i].name_zh),
            Owner::Exclusion(i) => format!("not_covered entry {}", i + 1),
        }
    }

    fn span(self) -> Span {
        match self {
            Owner::Group(i) => Span {
                groups: 1 << i,
                exclusions: 0,
            },
            Owner::Exclusion(i) => Span {
                groups: 0,
                exclusions: 1 << i,
            },
        }
    }
}

/// The key a node is indexed by: sections by letter, others by digits.
fn key(node: &Industry) -> IndustryCode {
    match node.level() {
        IndustryLevel::Section => node.code(),
        _ => node.code().without_section(),
    }
}

impl IndustryLookup {
    pub(crate) fn build(
        groups: &[IndustryGroup],
        exclusions: &[Exclusion],
        industries: &IndustryList,
    ) -> Result<Self, EditionError> {
        for (what, count) in [
            ("groups", groups.len()),
            ("not_covered entries", exclusions.len()),
        ] {
            if count > MAX_ENTRIES {
                return Err(EditionError::TooMany {
                    what,
                    count,
                    max: MAX_ENTRIES,
                });
            }
        }
        let owners = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (Owner::Group(i), &g.scope))
            .chain(
                exclusions
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (Owner::Exclusion(i), &e.scope)),
            );
        let mut rules: HashMap<IndustryCode, Owner> = HashMap::new();
        for (owner, scope) in owners {
            if scope.is_empty() {
                return Err(EditionError::EmptyScope {
                    owner: owner.describe(groups),
                });
            }
            for prefix in scope {
                let node = industries
                    .get(prefix)
                    .map_err(|source| EditionError::BadPrefix {
                        owner: owner.describe(groups),
                        prefix: prefix.clone(),
                        source,
                    })?;
                if let Some(first) = rules.insert(key(node), owner) {
                    return Err(EditionError::DuplicatePrefix {
                        prefix: prefix.clone(),
                        first: first.describe(groups),
                        second: owner.describe(groups),
                    });
                }
            }
        }

        // Resolve each leaf by its most specific prefix, then let every ancestor collect the
        // spans of its leaves.
        let mut span_of: HashMap<IndustryCode, Span> = HashMap::new();
        for leaf in industries
            .iter()
            .filter(|n| industries.children(n).next().is_none())
        {
            let owner = std::iter::once(leaf)
                .chain(industries.ancestors(leaf))
                .find_map(|n| rules.get(&key(n)).copied())
                .ok_or_else(|| EditionError::Unmapped {
                    code: leaf.code().to_string(),
                    name: leaf.name().to_owned(),
                })?;
            let bit = owner.span();
            for n in std::iter::once(leaf).chain(industries.ancestors(leaf)) {
                let s = span_of.entry(key(n)).or_default();
                s.groups |= bit.groups;
                s.exclusions |= bit.exclusions;
            }
        }

        let mut lookup = IndustryLookup {
            sections: [Slot::Unknown; 26],
            divisions: vec![Slot::Unknown; 100],
            groups: vec![Slot::Unknown; 1000],
            classes: vec![Slot::Unknown; 10_000],
            section_of_division: [0; 100],
            spans: Vec::new(),
            edition: industries.edition().to_owned(),
        };
        for node in industries.iter() {
            let span = span_of.get(&key(node)).copied().unwrap_or_default();
            let slot = if span.count() > 1 {
                let i = match lookup.spans.iter().position(|s| *s == span) {
                    Some(i) => i,
                    None => {
                        lookup.spans.push(span);
                        lookup.spans.len() - 1
                    }
                };
                Slot::Several(u16::try_from(i).unwrap_or(u16::MAX))
            } else if span.groups != 0 {
                Slot::Group(index_of_bit(span.groups))
            } else if span.exclusions != 0 {
                Slot::NotCovered(index_of_bit(span.exclusions))
            } else {
                Slot::Unknown
            };
            let code = node.code();
            let n = usize::from(code.number());
            match node.level() {
                IndustryLevel::Section => {
                    let letter = node.section();
                    if letter.is_ascii_uppercase() {
                        lookup.sections[usize::from(letter as u8 - b'A')] = slot;
                    }
                }
                IndustryLevel::Division => {
                    lookup.divisions[n] = slot;
                    lookup.section_of_division[n] = node.section() as u8;
                }
                IndustryLevel::Group => lookup.groups[n] = slot,
                IndustryLevel::Class => lookup.classes[n] = slot,
            }
        }
        Ok(lookup)
    }

    /// Resolves a parsed code: its full form (with the section letter) and its slot.
    fn resolve(&self, code: IndustryCode) -> Result<(IndustryCode, Slot), IndustryCodeError> {
        let not_found = || IndustryCodeError::NotFound {
            code: code.to_string(),
            edition: self.edition.clone(),
        };
        let n = usize::from(code.number());
        let (letter, slot) = match code.digits() {
            0 => {
                let letter = code.section().ok_or_else(not_found)?;
                let slot = self.sections[usize::from(letter as u8 - b'A')];
                (letter, slot)
            }
            digits => {
                let division = match digits {
                    2 => n,
                    3 => n / 10,
                    _ => n / 100,
                };
                let letter = self.section_of_division[division];
                if letter == 0 {
                    return Err(not_found());
                }
                let table = match digits {
                    2 => &self.divisions,
                    3 => &self.groups,
                    _ => &self.classes,
                };
                (char::from(letter), table[n])
            }
        };
        if slot == Slot::Unknown {
            return Err(not_found());
        }
        match code.section() {
            Some(given) if given != letter => Err(IndustryCodeError::SectionMismatch {
                code: code.to_string(),
                digits: code.without_section().to_string(),
                given,
                actual: letter,
            }),
            _ => Ok((code.with_section(letter), slot)),
        }
    }
}

fn index_of_bit(mask: u32) -> u8 {
    // mask != 0 and < 2^32, so trailing_zeros < 32.
    mask.trailing_zeros() as u8
}

/// What an industry code falls under in an edition.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroupMatch<'e> {
    /// One group (every class below the code is in it).
    Group {
        /// The group.
        group: &'e IndustryGroup,
    },
    /// Outside the edition's scope.
    NotCovered {
        /// Why.
        exclusion: &'e Exclusion,
    },
    /// A broad code whose classes fall into several groups (e.g. `G`, `59`, `K70`): give a
    /// more specific code.
    SeveralGroups {
        /// The groups and exclusions it spans.
        spans: SeveralGroups<'e>,
    },
}

/// The groups and exclusions a broad code spans.
#[derive(Debug, Clone, Copy)]
pub struct SeveralGroups<'e> {
    edition: &'e SizeEdition,
    span: Span,
}

impl<'e> SeveralGroups<'e> {
    /// The groups, in the standard's order.
    pub fn groups(&self) -> impl Iterator<Item = &'e IndustryGroup> + 'e {
        let mask = self.span.groups;
        self.edition
            .groups
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1 << i) != 0)
            .map(|(_, g)| g)
    }

    /// The exclusions (parts not covered), if any.
    pub fn exclusions(&self) -> impl Iterator<Item = &'e Exclusion> + 'e {
        let mask = self.span.exclusions;
        self.edition
            .not_covered
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1 << i) != 0)
            .map(|(_, e)| e)
    }
}

impl Serialize for SeveralGroups<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SeveralGroups", 2)?;
        s.serialize_field("groups", &self.groups().collect::<Vec<_>>())?;
        s.serialize_field("not_covered", &self.exclusions().collect::<Vec<_>>())?;
        s.end()
    }
}

/// An industry code resolved against an edition.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GroupLookup<'e> {
    /// The code in full form, with its section letter (`3311` → `C3311`).
    pub industry: IndustryCode,
    /// What it falls under.
    #[serde(flatten)]
    pub matched: GroupMatch<'e>,
}

impl SizeEdition {
    /// The group an industry code falls under: any level, with or without the section letter.
    ///
    /// ```
    /// use shangyun_size::{GroupMatch, SizeEdition};
    /// let edition = SizeEdition::edition_2011();
    /// let found = edition.group_for("5910")?;
    /// assert_eq!(found.industry.to_string(), "G5910");
    /// assert!(matches!(found.matched, GroupMatch::Group { group } if group.name_zh == "交通运输业"));
    /// assert!(matches!(edition.group_for("J66")?.matched, GroupMatch::NotCovered { .. }));
    /// assert!(matches!(edition.group_for("59")?.matched, GroupMatch::SeveralGroups { .. }));
    /// # Ok::<(), shangyun_codes::IndustryCodeError>(())
    /// ```
    pub fn group_for(&self, industry_code: &str) -> Result<GroupLookup<'_>, IndustryCodeError> {
        let code: IndustryCode = industry_code.parse()?;
        self.group_for_code(code)
    }

    /// As [`group_for`](Self::group_for), for a parsed code.
    pub fn group_for_code(&self, code: IndustryCode) -> Result<GroupLookup<'_>, IndustryCodeError> {
        let (industry, slot) = self.lookup.resolve(code)?;
        let matched = match slot {
            Slot::Group(i) => self
                .groups
                .get(usize::from(i))
                .map(|group| GroupMatch::Group { group }),
            Slot::NotCovered(i) => self
                .not_covered
                .get(usize::from(i))
                .map(|exclusion| GroupMatch::NotCovered { exclusion }),
            Slot::Several(i) => {
                self.lookup
                    .spans
                    .get(usize::from(i))
                    .map(|&span| GroupMatch::SeveralGroups {
                        spans: SeveralGroups {
                            edition: self,
                            span,
                        },
                    })
            }
            Slot::Unknown => None,
        };
        matched
            .map(|matched| GroupLookup { industry, matched })
            .ok_or_else(|| IndustryCodeError::NotFound {
                code: industry.to_string(),
                edition: self.lookup.edition.clone(),
            })
    }
}
