//! Registry search: a filter (with name fragments), a sort order and keyset paging, and the
//! region-scoped audit view. The SQL text is composed here once for both backends; each
//! backend runs it (`sqlite/read.rs`, `postgres/read.rs`).
//!
//! Paging is by keyset, never by OFFSET: the cursor carries the last row's sort key and USCC,
//! so page 1000 costs what page 1 costs, and every order is total (USCC breaks ties).

use crate::backend::{Backend, Conn};
use crate::error::{StoreError, StoreResult};
use crate::filter::{
    Bind, Compiled, Placeholder, RegistryFilter, prefix_upper_bound, region_prefix,
};
use crate::records::{AuditEntry, ListedEnterprise};
use shangyun_registry::Enterprise;

/// What a listing is ordered by (USCC always breaks ties).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Uscc,
    /// By name in code-point (UTF-8 byte) order on both backends.
    Name,
    /// By registered region code (so provinces, cities, counties group together).
    Region,
}

impl SortKey {
    pub const ALL: [SortKey; 3] = [SortKey::Uscc, SortKey::Name, SortKey::Region];

    /// The API name (`uscc`, `name`, `region`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Uscc => "uscc",
            SortKey::Name => "name",
            SortKey::Region => "region",
        }
    }

    pub fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An order: key and direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// One page of a search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    pub filter: RegistryFilter,
    pub sort: Sort,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub limit: u32,
}

/// One page of results and the cursor of the next (`None` on the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub items: Vec<ListedEnterprise>,
    pub next_cursor: Option<String>,
}

/// The position after a row: its sort key value and USCC. Written as
/// `key.dir.USCC.hex(value)`; opaque to clients, checked on the way back in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub(crate) sort: Sort,
    pub(crate) uscc: String,
    pub(crate) value: String,
}

impl Cursor {
    pub(crate) fn encode(&self) -> String {
        let hex: String = self.value.bytes().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}.{}.{}.{hex}",
            self.sort.key.as_str(),
            if self.sort.descending { "d" } else { "a" },
            self.uscc
        )
    }

    pub(crate) fn decode(text: &str, sort: Sort) -> StoreResult<Cursor> {
        let bad = || StoreError::InvalidFilter {
            reason: "cursor is not one this listing handed out (was the sort changed?)".to_owned(),
        };
        let mut parts = text.split('.');
        let (Some(key), Some(dir), Some(uscc), Some(hex), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        if SortKey::parse(key) != Some(sort.key)
            || dir != if sort.descending { "d" } else { "a" }
            || uscc.is_empty()
            || uscc.len() > 18
            || !uscc.bytes().all(|b| b.is_ascii_alphanumeric())
            || hex.len() % 2 != 0
            || hex.len() > 2048
        {
            return Err(bad());
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| bad())?;
        let value = String::from_utf8(bytes).map_err(|_| bad())?;
        if value.contains('\0') {
            return Err(bad());
        }
        Ok(Cursor {
            sort,
            uscc: uscc.to_owned(),
            value,
        })
    }

    pub(crate) fn after(sort: Sort, e: &Enterprise) -> Cursor {
        let value = match sort.key {
            SortKey::Uscc => String::new(),
            SortKey::Name => e.name.clone(),
            SortKey::Region => e.registered_region.clone(),
        };
        Cursor {
            sort,
            uscc: e.uscc.clone(),
            value,
        }
    }
}

/// The name condition of a filter, appended to the compiled `WHERE` text: an exact substring
/// test, row by row, on both backends. Name fragments are searched in the listing index; SQL
/// sees one only with a filter the index does not hold (a year, titles held), whose other
/// conditions narrow the rows first, or in the seconds before the index is built.
pub(crate) fn name_condition(out: &mut Compiled, needle: &str) -> StoreResult<String> {
    if needle.contains('\0') || needle.chars().count() > 200 {
        return Err(StoreError::InvalidFilter {
            reason: "name fragment must be at most 200 characters, without NUL".to_owned(),
        });
    }
    Ok(match out.style {
        Placeholder::Question => {
            let exact = out.bind(Bind::Text(needle.to_owned()));
            format!(" AND instr(e.name, {exact}) > 0")
        }
        Placeholder::Dollar => {
            let mut pattern = String::from("%");
            for c in needle.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            let m = out.bind(Bind::Text(pattern));
            format!(" AND e.name LIKE {m}")
        }
    })
}

/// `WHERE … ORDER BY … LIMIT …` over `enterprises e` for one page.
pub(crate) fn page_tail(request: &SearchRequest, style: Placeholder) -> StoreResult<Compiled> {
    let sort = request.sort;
    let mut c = request.filter.compile(style)?;
    let column = match (sort.key, style) {
        (SortKey::Uscc, _) => None,
        // PostgreSQL orders by the database's collation unless told; "C" is byte order, which
        // is SQLite's BINARY order, so both backends page alike.
        (SortKey::Name, Placeholder::Dollar) => Some("e.name COLLATE \"C\""),
        (SortKey::Name, Placeholder::Question) => Some("e.name"),
        (SortKey::Region, _) => Some("e.registered_region"),
    };
    let (cmp, dir) = if sort.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(text) = &request.cursor {
        let cursor = Cursor::decode(text, sort)?;
        let u = c.bind(Bind::Text(cursor.uscc));
        match column {
            None => c.sql += &format!(" AND e.uscc {cmp} {u}"),
            Some(col) => {
                let v = c.bind(Bind::Text(cursor.value));
                c.sql += &format!(" AND ({col}, e.uscc) {cmp} ({v}, {u})");
            }
        }
    }
    let limit = c.bind(Bind::Int(i64::from(request.limit.max(1))));
    // Within one county every row has the same region, so leading the order with it changes
    // nothing — except that SQLite then sees that the registered_region index, whose entries
    // end with the USCC, already yields the USCC order, instead of sorting the county.
    let county = request
        .filter
        .region
        .as_deref()
        .and_then(|r| region_prefix(r).ok())
        .is_some_and(|p| p.len() == 6);
    let lead = if county && sort.key != SortKey::Region {
        format!("e.registered_region {dir}, ")
    } else {
        String::new()
    };
    c.sql += &match column {
        None => format!(" ORDER BY {lead}e.uscc {dir} LIMIT {limit}"),
        Some(col) => format!(" ORDER BY {lead}{col} {dir}, e.uscc {dir} LIMIT {limit}"),
    };
    Ok(c)
}

/// A listing's rows: each enterprise with its latest year's derived row, if any (one row at
/// most: `is_latest` marks one year per enterprise). The page's own query carries the
/// verdicts a result list shows, so a page is one statement whatever its length.
pub(crate) const LISTING_FROM: &str = "enterprises e LEFT JOIN derived latest \
     ON latest.uscc = e.uscc AND latest.is_latest = TRUE";

/// The latest year's columns a listing reads beside the enterprise's.
pub(crate) const LATEST_COLUMNS: &str = "latest.year AS latest_year, \
     latest.size_class AS latest_size_class, latest.tier_innovative AS latest_innovative, \
     latest.tier_specialized AS latest_specialized, latest.tier_little_giant AS latest_little_giant";

/// The stored summary outcomes of the three tiers (innovative, specialized, little giant) as
/// the tiers they make eligible.
pub(crate) fn eligible_tiers(outcomes: [Option<String>; 3]) -> Vec<shangyun_registry::Tier> {
    use shangyun_registry::Tier;
    [Tier::Innovative, Tier::Specialized, Tier::LittleGiant]
        .into_iter()
        .zip(outcomes)
        .filter(|(_, outcome)| outcome.as_deref() == Some("eligible"))
        .map(|(tier, _)| tier)
        .collect()
}

/// The read statements search needs from a backend.
pub(crate) trait SearchSql: Backend {
    /// The enterprise columns and [`LATEST_COLUMNS`] `FROM` [`LISTING_FROM`] + `tail`.
    async fn select_tail(
        &self,
        conn: &mut Conn<Self>,
        tail: Compiled,
    ) -> StoreResult<Vec<ListedEnterprise>>;

    /// Audit entries about enterprises registered in `[lower, upper)`, newest first.
    async fn audit_in_regions(
        &self,
        conn: &mut Conn<Self>,
        lower: &str,
        upper: &str,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>>;

    /// The backend's placeholder style.
    fn style(&self) -> Placeholder;
}

pub(crate) async fn search<B: SearchSql>(
    backend: &B,
    request: &SearchRequest,
) -> StoreResult<SearchPage> {
    let tail = page_tail(request, backend.style())?;
    let mut tx = backend.begin_read().await?;
    let items = backend.select_tail(&mut tx, tail).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    let full = items.len() == request.limit.max(1) as usize;
    let next_cursor = items
        .last()
        .filter(|_| full)
        .map(|item| Cursor::after(request.sort, &item.enterprise).encode());
    Ok(SearchPage { items, next_cursor })
}

pub(crate) async fn audit_in_region<B: SearchSql>(
    backend: &B,
    region: &str,
    before_id: Option<i64>,
    limit: u32,
) -> StoreResult<Vec<AuditEntry>> {
    let lower = region_prefix(region)?;
    let upper = prefix_upper_bound(&lower);
    let mut tx = backend.begin_read().await?;
    let entries = backend
        .audit_in_regions(&mut tx, &lower, &upper, before_id, limit.max(1))
        .await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(backend.target(), e))?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_another_sort() {
        let sort = Sort {
            key: SortKey::Name,
            descending: true,
        };
        let c = Cursor {
            sort,
            uscc: "91330106MA27XK7R3B".into(),
            value: "杭州\"示例'科技".into(),
        };
        let text = c.encode();
        assert_eq!(Cursor::decode(&text, sort).ok(), Some(c));
        for other in [
            Sort::default(),
            Sort {
                key: SortKey::Name,
                descending: false,
            },
        ] {
            assert!(Cursor::decode(&text, other).is_err());
        }
        for junk in [
            "",
            "name.d",
            "name.d.X.zz",
            "name.d.' OR 1=1 --.00",
            "name.d.A.0",
        ] {
            assert!(Cursor::decode(junk, sort).is_err(), "{junk}");
        }
    }

    #[test]
    fn name_patterns_escape_like_wildcards() -> StoreResult<()> {
        let request = SearchRequest {
            filter: RegistryFilter {
                name_contains: Some("100%_\\".into()),
                ..RegistryFilter::default()
            },
            limit: 10,
            ..SearchRequest::default()
        };
        let c = page_tail(&request, Placeholder::Dollar)?;
        assert_eq!(c.binds[0], Bind::Text("%100\\%\\_\\\\%".into()));
        // SQLite tests with instr(): the fragment is bound as it is.
        let c = page_tail(&request, Placeholder::Question)?;
        assert_eq!(c.binds[0], Bind::Text("100%_\\".into()));
        Ok(())
    }
}
