//! Finding regions by Chinese name, tolerant of the administrative suffix (市, 县, 自治区 …).

use crate::region::Region;

/// Suffixes that people add or leave out when naming a division; longest first so that
/// `自治州` is removed whole rather than just `州`.
const SUFFIXES: [&str; 18] = [
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
    "州",
    "镇",
    "乡",
];

/// Minimum characters left after removing a suffix: `东区` must not shrink to `东` and match half
/// the country.
const MIN_STEM_CHARS: usize = 2;

/// `name` without one trailing administrative suffix, if at least two characters remain.
fn stem(name: &str) -> &str {
    SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|rest| rest.chars().count() >= MIN_STEM_CHARS)
        .unwrap_or(name)
}

/// Match quality, lower is better.
fn rank(name: &str, query: &str, query_stem: &str) -> Option<u8> {
    if name == query {
        Some(0)
    } else if stem(name) == query_stem {
        Some(1)
    } else if name.starts_with(query) || name.starts_with(query_stem) {
        Some(2)
    } else if name.contains(query) || name.contains(query_stem) {
        Some(3)
    } else {
        None
    }
}

pub(crate) fn search<'a>(regions: &'a [Region], query: &str) -> Vec<&'a Region> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    let query_stem = stem(query);
    let mut hits: Vec<(u8, &Region)> = regions
        .iter()
        .filter_map(|r| rank(r.name(), query, query_stem).map(|q| (q, r)))
        .collect();
    hits.sort_by(|(qa, a), (qb, b)| (qa, a.level(), a.code()).cmp(&(qb, b.level(), b.code())));
    hits.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn stem_removes_one_suffix_but_keeps_two_characters() {
        assert_eq!(stem("杭州市"), "杭州");
        assert_eq!(stem("延边朝鲜族自治州"), "延边朝鲜族");
        assert_eq!(stem("香港特别行政区"), "香港");
        assert_eq!(stem("东区"), "东区");
        assert_eq!(stem("杭州"), "杭州");
    }
}
