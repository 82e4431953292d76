//! Which enterprises a listing or export covers, and its translation into SQL that both
//! backends run (only the placeholder syntax differs).

use crate::error::{StoreError, StoreResult};
use chrono::NaiveDate;
use shangyun_registry::Tier;

/// The size classes stored in `Derived::size_class`.
pub const SIZE_CLASSES: [&str; 4] = ["large", "medium", "small", "micro"];

/// A filter over the registry. Empty lists and `None` mean "no condition"; a list means "any
/// of these". All conditions must hold.
///
/// Size class and tier eligibility are per year: they are read from the derived values of
/// `year`, or of each enterprise's latest year on file when `year` is `None`.
///
/// ```
/// use shangyun_store::RegistryFilter;
/// use shangyun_registry::Tier;
///
/// let zhejiang_small_software = RegistryFilter {
///     region: Some("330000".into()),          // 浙江省 and everything under it
///     industries: vec!["65".into()],          // division 65 软件和信息技术服务业
///     size_classes: vec!["small".into(), "micro".into()],
///     eligible_for: vec![Tier::Specialized],
///     ..RegistryFilter::default()
/// };
/// assert!(zhejiang_small_software.validate().is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryFilter {
    /// GB/T 2260 code of a province (`330000` or `33`), prefecture (`330100` or `3301`) or
    /// county (`330106`): the registered region must lie in its subtree.
    pub region: Option<String>,
    /// GB/T 4754-2017 code prefixes without or with the section letter (`65`, `651`, `I6511`).
    pub industries: Vec<String>,
    /// Any of `large`, `medium`, `small`, `micro`.
    pub size_classes: Vec<String>,
    /// Eligible (under any evaluated edition) for any of these tiers.
    pub eligible_for: Vec<Tier>,
    /// Not ruled out for any of these tiers: eligible, or not enough data to decide (no
    /// recorded figure fails). The registry lacks most qualitative conditions, so this is the
    /// list of candidates (培育对象) a programme office follows up.
    pub candidate_for: Vec<Tier>,
    /// Holds a title of any of these tiers (valid on `title_valid_on`, when given).
    pub holds_title: Vec<Tier>,
    pub title_valid_on: Option<NaiveDate>,
    /// The year whose derived values `size_classes`, `eligible_for` and `candidate_for` read.
    pub year: Option<i32>,
    /// The name contains this text (exact, case-sensitive substring). The listing index
    /// searches names in memory; the SQL path tests the other conditions' rows one by one.
    pub name_contains: Option<String>,
}

impl RegistryFilter {
    /// Checks every code and class name, so that a typo is an error and not an empty export.
    pub fn validate(&self) -> StoreResult<()> {
        self.compile(Placeholder::Question).map(|_| ())
    }

    /// The `WHERE` condition (over `enterprises e`) and its bind values in order. A region
    /// subtree is a range of codes, which the `registered_region` index walks.
    pub(crate) fn compile(&self, style: Placeholder) -> StoreResult<Compiled> {
        let mut out = Compiled {
            sql: String::from("TRUE"),
            binds: Vec::new(),
            style,
        };
        if let Some(region) = &self.region {
            let prefix = region_prefix(region)?;
            region_condition(&mut out, prefix);
        }
        if !self.industries.is_empty() {
            let mut parts = Vec::new();
            for code in &self.industries {
                let prefix = industry_prefix(code)?;
                let upper = prefix_upper_bound(&prefix);
                let (a, b) = (out.bind(Bind::Text(prefix)), out.bind(Bind::Text(upper)));
                // SQLite has no industry index (migration 0007): a division looks narrow to a
                // planner without per-value statistics but holds thousands of firms to sort,
                // while walking the region or sort order finds a page of them after a few
                // thousand rows. PostgreSQL has the statistics and the index.
                parts.push(format!("(e.industry >= {a} AND e.industry < {b})"));
            }
            out.sql += &format!(" AND ({})", parts.join(" OR "));
        }
        let year = |out: &mut Compiled| match self.year {
            Some(y) => format!("d.year = {}", out.bind(Bind::Int(i64::from(y)))),
            None => format!("d.is_latest = {}", out.bind(Bind::Bool(true))),
        };
        if !self.size_classes.is_empty() || !self.candidate_for.is_empty() {
            let mut conditions = vec!["d.uscc = e.uscc".to_owned(), year(&mut out)];
            if !self.size_classes.is_empty() {
                let mut marks = Vec::new();
                for class in &self.size_classes {
                    let class = class.trim().to_ascii_lowercase();
                    if !SIZE_CLASSES.contains(&class.as_str()) {
                        return Err(StoreError::InvalidFilter {
                            reason: format!(
                                "size class '{class}' is not one of large, medium, small, micro"
                            ),
                        });
                    }
                    marks.push(out.bind(Bind::Text(class)));
                }
                conditions.push(format!("d.size_class IN ({})", marks.join(", ")));
            }
            if !self.candidate_for.is_empty() {
                let any: Vec<String> = self
                    .candidate_for
                    .iter()
                    .map(|t| format!("d.{} IN ('eligible', 'not-enough-data')", tier_column(*t)))
                    .collect();
                conditions.push(format!("({})", any.join(" OR ")));
            }
            out.sql += &format!(
                " AND EXISTS (SELECT 1 FROM derived d WHERE {})",
                conditions.join(" AND ")
            );
        }
        if !self.eligible_for.is_empty() {
            // Eligible firms are few and each tier has a partial index of them: gathered
            // first, they drive the listing instead of a probe per walked row.
            let mut selects = Vec::new();
            for tier in &self.eligible_for {
                let year = year(&mut out);
                selects.push(format!(
                    "SELECT d.uscc FROM derived d WHERE d.{} = 'eligible' AND {year}",
                    tier_column(*tier)
                ));
            }
            out.sql += &format!(" AND e.uscc IN ({})", selects.join(" UNION ALL "));
        }
        if let Some(needle) = self.name_contains.as_deref().filter(|n| !n.is_empty()) {
            let condition = crate::search::name_condition(&mut out, needle)?;
            out.sql += &condition;
        }
        if !self.holds_title.is_empty() {
            let marks: Vec<String> = self
                .holds_title
                .iter()
                .map(|t| out.bind(Bind::Text(tier_key(*t).to_owned())))
                .collect();
            let mut conditions = vec![
                "t.uscc = e.uscc".to_owned(),
                format!("t.tier IN ({})", marks.join(", ")),
            ];
            if let Some(day) = self.title_valid_on {
                let a = out.bind(Bind::Date(day));
                let b = out.bind(Bind::Date(day));
                conditions.push(format!("t.issued <= {a} AND t.expires >= {b}"));
            }
            out.sql += &format!(
                " AND EXISTS (SELECT 1 FROM titles t WHERE {})",
                conditions.join(" AND ")
            );
        }
        Ok(out)
    }
}

/// How a backend writes bind placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholder {
    /// SQLite: `?1`, `?2`, …
    Question,
    /// PostgreSQL: `$1`, `$2`, …
    Dollar,
}

/// A value bound into a compiled filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
}

/// A compiled condition: SQL text plus the values of its placeholders.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub sql: String,
    pub binds: Vec<Bind>,
    pub(crate) style: Placeholder,
}

impl Compiled {
    /// An empty condition (`sql` to be written) in `style`.
    pub fn new(style: Placeholder) -> Compiled {
        Compiled {
            sql: String::new(),
            binds: Vec::new(),
            style,
        }
    }

    /// Appends a bind value and returns its placeholder.
    pub fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        let n = self.binds.len();
        match self.style {
            Placeholder::Question => format!("?{n}"),
            Placeholder::Dollar => format!("${n}"),
        }
    }
}

/// A region subtree: a county is its code, a province or city the range of codes starting
/// with its leading digits.
fn region_condition(out: &mut Compiled, prefix: String) {
    if prefix.len() == 6 {
        let code = out.bind(Bind::Text(prefix));
        out.sql += &format!(" AND e.registered_region = {code}");
        return;
    }
    let upper = prefix_upper_bound(&prefix);
    let lower = out.bind(Bind::Text(prefix));
    let upper = out.bind(Bind::Text(upper));
    out.sql += &format!(" AND e.registered_region >= {lower} AND e.registered_region < {upper}");
}

/// The column of `derived` holding a tier's summary outcome. Fixed names, never user input.
pub(crate) fn tier_column(tier: Tier) -> &'static str {
    match tier {
        Tier::Innovative => "tier_innovative",
        Tier::Specialized => "tier_specialized",
        Tier::LittleGiant => "tier_little_giant",
    }
}

/// The stored text of a tier (its serde name).
pub(crate) fn tier_key(tier: Tier) -> &'static str {
    match tier {
        Tier::Innovative => "innovative",
        Tier::Specialized => "specialized",
        Tier::LittleGiant => "little-giant",
    }
}

pub(crate) fn tier_from_key(key: &str) -> Option<Tier> {
    match key {
        "innovative" => Some(Tier::Innovative),
        "specialized" => Some(Tier::Specialized),
        "little-giant" => Some(Tier::LittleGiant),
        _ => None,
    }
}

/// `330100` → `3301`: a GB/T 2260 code names its subtree by dropping trailing `00` pairs.
pub(crate) fn region_prefix(code: &str) -> StoreResult<String> {
    let code = code.trim();
    let bad = |why: &str| StoreError::InvalidFilter {
        reason: format!("region '{code}' {why}"),
    };
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("must be digits (a GB/T 2260 code such as 330100)"));
    }
    if !matches!(code.len(), 2 | 4 | 6) {
        return Err(bad("must have 2, 4 or 6 digits"));
    }
    let mut prefix = code;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    if prefix == "00" {
        return Err(bad("is not a region"));
    }
    Ok(prefix.to_owned())
}

/// `I6511` → `6511`; `65` → `65`. Stored industry codes carry no section letter.
pub(crate) fn industry_prefix(code: &str) -> StoreResult<String> {
    let code = code.trim();
    let digits = code
        .strip_prefix(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(code);
    if digits.is_empty() {
        return Err(StoreError::InvalidFilter {
            reason: format!(
                "industry '{code}' is a section letter; give its divisions (e.g. 13 to 43 for C)"
            ),
        });
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(2..=4).contains(&digits.len()) {
        return Err(StoreError::InvalidFilter {
            reason: format!("industry '{code}' must be a 2- to 4-digit GB/T 4754-2017 code"),
        });
    }
    Ok(digits.to_owned())
}

/// The smallest string greater than every string starting with `prefix` (digits only, so the
/// last byte can simply be incremented: '9' + 1 = ':').
pub(crate) fn prefix_upper_bound(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    if let Some(last) = bytes.last_mut() {
        *last += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_subtrees() {
        for (code, want) in [
            ("330000", Some("33")),
            ("330100", Some("3301")),
            ("330106", Some("330106")),
            ("33", Some("33")),
            ("3301", Some("3301")),
            ("429004", Some("429004")),
            ("000000", None),
            ("33010", None),
            ("33a100", None),
            ("", None),
        ] {
            assert_eq!(region_prefix(code).ok().as_deref(), want, "{code}");
        }
    }

    #[test]
    fn industry_prefixes() {
        for (code, want) in [
            ("65", Some("65")),
            ("I6511", Some("6511")),
            ("651", Some("651")),
            ("C", None),
            ("6", None),
            ("65111", None),
            ("6x", None),
        ] {
            assert_eq!(industry_prefix(code).ok().as_deref(), want, "{code}");
        }
    }

    #[test]
    fn upper_bounds_cover_exactly_the_prefix() {
        let upper = prefix_upper_bound("3309");
        assert_eq!(upper, "330:");
        assert!("330999" < upper.as_str() && "3309" >= "3309");
        assert!("331000" > upper.as_str());
    }

    #[test]
    fn compiled_placeholders_count_binds() -> StoreResult<()> {
        let filter = RegistryFilter {
            region: Some("330100".into()),
            industries: vec!["65".into(), "C39".into()],
            size_classes: vec!["Small".into()],
            eligible_for: vec![Tier::Specialized],
            candidate_for: vec![Tier::LittleGiant],
            holds_title: vec![Tier::Innovative],
            title_valid_on: NaiveDate::from_ymd_opt(2025, 1, 1),
            year: Some(2024),
            name_contains: None,
        };
        let c = filter.compile(Placeholder::Dollar)?;
        // region 2, industries 4, year + size class (EXISTS), year (eligible IN), title 1 + 2.
        assert_eq!(c.binds.len(), 2 + 4 + 2 + 1 + 1 + 2);
        assert!(c.sql.contains("$12"), "{}", c.sql);
        assert!(c.sql.contains("d.tier_specialized = 'eligible'"));
        assert!(
            c.sql
                .contains("d.tier_little_giant IN ('eligible', 'not-enough-data')")
        );
        assert_eq!(c.binds[6], Bind::Int(2024));
        assert_eq!(c.binds[7], Bind::Text("small".into()));
        assert_eq!(c.binds[8], Bind::Int(2024));
        // The city is a range of codes, for the registered_region index.
        assert!(
            c.sql
                .contains("e.registered_region >= $1 AND e.registered_region < $2"),
            "{}",
            c.sql
        );
        Ok(())
    }

    #[test]
    fn unknown_size_class_is_an_error() {
        let filter = RegistryFilter {
            size_classes: vec!["tiny".into()],
            ..RegistryFilter::default()
        };
        assert!(filter.validate().is_err());
    }
}
