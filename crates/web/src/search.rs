//! Registry search shared by the API and the console: parameters in, a scoped
//! [`RegistryFilter`] and one page of summaries out.
//!
//! `q` is a USCC (exact) or part of a name (the store's name index). `sort` is `uscc`, `name`
//! or `region`, `-` in front (or `order=desc`) for descending; paging is by the opaque cursor
//! `next_after` (keyset, so every page costs the same).

use crate::error::ApiError;
use crate::labels;
use crate::scope::Scope;
use serde::Serialize;
use shangyun_registry::Tier;
use shangyun_store::{
    EnterpriseFile, ListedEnterprise, Registry, RegistryFilter, SIZE_CLASSES, SearchRequest, Sort,
    SortKey,
};
/// Page size bounds.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// A parsed, validated search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub q: Option<String>,
    pub filter: RegistryFilter,
    pub after: Option<String>,
    pub limit: u32,
    pub with_total: bool,
    pub sort: Sort,
}

/// Reads query parameters (repeated or comma-separated lists). Every problem becomes a field
/// error of one 400 response.
pub fn parse(params: &[(String, String)], scope: &Scope) -> Result<Search, ApiError> {
    let mut search = Search {
        limit: DEFAULT_LIMIT,
        ..Search::default()
    };
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    let mut region = None;
    let mut descending = None;
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for (key, value) in params {
        let value = value.trim();
        match key.as_str() {
            "q" if !value.is_empty() => {
                if value.chars().any(char::is_control) {
                    fields.push((
                        "q",
                        "不能含控制字符 / must not contain control characters".to_owned(),
                    ));
                } else {
                    search.q = Some(value.chars().take(100).collect());
                }
            }
            "region" if !value.is_empty() => region = Some(value.to_owned()),
            "industry" => search.filter.industries.extend(list(value)),
            "size" => {
                for class in list(value) {
                    let class = class.to_ascii_lowercase();
                    if SIZE_CLASSES.contains(&class.as_str()) {
                        search.filter.size_classes.push(class);
                    } else {
                        fields.push((
                            "size",
                            format!("须为 large、medium、small 或 micro / must be large, medium, small or micro (got '{class}')"),
                        ));
                    }
                }
            }
            "tier" | "candidate" => {
                for key_name in list(value) {
                    match labels::tier_from_key(&key_name) {
                        Some(t) if key == "tier" => search.filter.eligible_for.push(t),
                        Some(t) => search.filter.candidate_for.push(t),
                        None => fields.push((
                            if key == "tier" { "tier" } else { "candidate" },
                            format!("须为 innovative、specialized 或 little-giant / must be innovative, specialized or little-giant (got '{key_name}')"),
                        )),
                    }
                }
            }
            "year" if !value.is_empty() => match value.parse::<i32>() {
                Ok(y) if (1949..=2100).contains(&y) => search.filter.year = Some(y),
                _ => fields.push(("year", "须为年份 / must be a year".to_owned())),
            },
            "after" | "cursor" if !value.is_empty() => search.after = Some(value.to_owned()),
            "limit" if !value.is_empty() => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => search.limit = n,
                _ => fields.push((
                    "limit",
                    format!("须为 1 至 {MAX_LIMIT} / must be 1 to {MAX_LIMIT}"),
                )),
            },
            "sort" if !value.is_empty() => {
                let (desc, name) = match value.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, value),
                };
                match SortKey::parse(name) {
                    Some(key) => {
                        search.sort.key = key;
                        if desc {
                            descending = Some(true);
                        }
                    }
                    None => fields.push((
                        "sort",
                        format!("须为 uscc、name 或 region（可加前缀 -）/ must be uscc, name or region, optionally prefixed with - (got '{name}')"),
                    )),
                }
            }
            "order" if !value.is_empty() => match value {
                "asc" => descending = descending.or(Some(false)),
                "desc" => descending = Some(true),
                _ => fields.push(("order", "须为 asc 或 desc / must be asc or desc".to_owned())),
            },
            "total" => search.with_total = matches!(value, "1" | "true"),
            _ => {}
        }
    }
    for code in &search.filter.industries {
        let digits = code
            .strip_prefix(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(code);
        if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            fields.push((
                "industry",
                format!("'{code}' 不是 GB/T 4754-2017 代码 / is not a GB/T 4754-2017 code (2 to 4 digits)"),
            ));
        }
    }
    search.sort.descending = descending.unwrap_or(false);
    // A bare USCC (the first API version's cursor) continues a USCC-ordered listing.
    if let Some(after) = search.after.take() {
        search.after = Some(if after.contains('.') {
            after
        } else {
            format!(
                "uscc.{}.{}.",
                if search.sort.descending { "d" } else { "a" },
                shangyun_rules::ids::normalize(&after)
            )
        });
    }
    let narrowed = scope.narrow_region(region.as_deref());
    match narrowed {
        Ok(r) => search.filter.region = r,
        Err(e) if e.code == "out-of-scope" => return Err(e),
        Err(e) => fields.extend(e.fields.into_iter().map(|f| ("region", f.message))),
    }
    if fields.is_empty() {
        Ok(search)
    } else {
        let mut err = ApiError::bad_request("invalid-filter", "筛选条件无效", "invalid filter");
        for (field, message) in fields {
            err = err.with_field(field, message);
        }
        Err(err)
    }
}

/// One enterprise in a result list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub uscc: String,
    pub name: String,
    pub region: labels::RegionLabel,
    pub industry: labels::IndustryLabel,
    /// The latest year on file, whose verdicts follow.
    pub year: Option<i32>,
    pub size_class: Option<String>,
    /// Tiers the latest year is eligible for (under any evaluated edition).
    pub eligible_for: Vec<Tier>,
}

impl Summary {
    pub fn of(file: &EnterpriseFile) -> Summary {
        let latest = file.derived.iter().max_by_key(|d| d.year);
        let mut eligible_for: Vec<Tier> = latest
            .map(|d| {
                d.tiers
                    .iter()
                    .filter(|t| t.outcome == "eligible")
                    .map(|t| t.tier)
                    .collect()
            })
            .unwrap_or_default();
        eligible_for.dedup();
        Summary {
            uscc: file.enterprise.uscc.clone(),
            name: file.enterprise.name.clone(),
            region: labels::region(&file.enterprise.registered_region),
            industry: labels::industry(&file.enterprise.industry),
            year: latest.map(|d| d.year),
            size_class: latest.and_then(|d| d.size_class.clone()),
            eligible_for,
        }
    }

    /// From a search result row (the stored latest verdicts).
    pub fn listed(item: ListedEnterprise) -> Summary {
        let e = item.enterprise;
        Summary {
            region: labels::region(&e.registered_region),
            industry: labels::industry(&e.industry),
            uscc: e.uscc,
            name: e.name,
            year: item.year,
            size_class: item.size_class,
            eligible_for: item.eligible_for,
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultPage {
    pub items: Vec<Summary>,
    /// Pass as `after` for the next page; `None` on the last.
    pub next_after: Option<String>,
    /// How many match (only with `total=true`).
    pub total: Option<u64>,
}

/// Runs a parsed search within `scope`.
pub async fn run(
    registry: &Registry,
    scope: &Scope,
    search: &Search,
) -> Result<ResultPage, ApiError> {
    search.filter.validate()?;
    // An exact USCC: one lookup, then the same scope and filter checks as a listing.
    if let Some(uscc) = search.q.as_deref().and_then(as_uscc) {
        let items = match registry.get(&uscc).await? {
            Some(file) if visible(scope, &file) && matches(&search.filter, &file) => {
                vec![Summary::of(&file)]
            }
            _ => Vec::new(),
        };
        return Ok(ResultPage {
            total: search.with_total.then_some(items.len() as u64),
            items,
            next_after: None,
        });
    }
    let name = search.q.as_deref();
    // Enterprise users: their own few files, filtered here.
    if let Scope::Enterprises(usccs) = scope {
        let mut items = Vec::new();
        for uscc in usccs {
            if let Some(file) = registry.get(uscc).await?
                && matches(&search.filter, &file)
                && name.is_none_or(|n| name_matches(&file, n))
            {
                items.push(Summary::of(&file));
            }
        }
        return Ok(ResultPage {
            total: search.with_total.then_some(items.len() as u64),
            items,
            next_after: None,
        });
    }
    if !matches!(scope, Scope::All | Scope::Region { .. }) {
        return Err(ApiError::out_of_scope());
    }
    let mut filter = search.filter.clone();
    filter.name_contains = name.map(str::to_owned);
    let page = registry
        .search(&SearchRequest {
            filter: filter.clone(),
            sort: search.sort,
            cursor: search.after.clone(),
            limit: search.limit,
        })
        .await?;
    let total = if search.with_total {
        Some(registry.count(&filter).await?)
    } else {
        None
    };
    Ok(ResultPage {
        items: page.items.into_iter().map(Summary::listed).collect(),
        next_after: page.next_cursor,
        total,
    })
}

fn name_matches(file: &EnterpriseFile, needle: &str) -> bool {
    file.enterprise.name.contains(needle)
}

/// `q` read as a USCC: 18 characters of the USCC alphabet after normalising.
pub fn as_uscc(q: &str) -> Option<String> {
    let n = shangyun_rules::ids::normalize(q);
    (n.chars().count() == 18
        && n.chars()
            .all(|c| shangyun_rules::ids::USCC_ALPHABET.contains(c)))
    .then_some(n)
}

fn visible(scope: &Scope, file: &EnterpriseFile) -> bool {
    scope.sees_enterprise(&file.enterprise.uscc, &file.enterprise.registered_region)
}

/// The filter applied to one file in memory (for lookups that bypass the store's query):
/// region, industry, and size class / eligibility of the filter's year or the latest year.
fn matches(filter: &RegistryFilter, file: &EnterpriseFile) -> bool {
    let e = &file.enterprise;
    if let Some(region) = &filter.region {
        match crate::scope::region_prefix(region) {
            Some(prefix) if e.registered_region.starts_with(&prefix) => {}
            _ => return false,
        }
    }
    if !filter.industries.is_empty()
        && !filter.industries.iter().any(|code| {
            let digits = code
                .strip_prefix(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(code);
            e.industry.starts_with(digits)
        })
    {
        return false;
    }
    let year = match filter.year {
        Some(y) => file.derived.iter().find(|d| d.year == y),
        None => file.derived.iter().max_by_key(|d| d.year),
    };
    let needs_year = !filter.size_classes.is_empty()
        || !filter.eligible_for.is_empty()
        || !filter.candidate_for.is_empty();
    if !needs_year {
        return true;
    }
    let Some(d) = year else { return false };
    let size_ok = filter.size_classes.is_empty()
        || d.size_class
            .as_ref()
            .is_some_and(|c| filter.size_classes.contains(c));
    let eligible_ok = filter.eligible_for.is_empty()
        || d.tiers
            .iter()
            .any(|t| filter.eligible_for.contains(&t.tier) && t.outcome == "eligible");
    let candidate_ok = filter.candidate_for.is_empty()
        || d.tiers.iter().any(|t| {
            filter.candidate_for.contains(&t.tier)
                && matches!(t.outcome.as_ref(), "eligible" | "not-enough-data")
        });
    size_ok && eligible_ok && candidate_ok
}
