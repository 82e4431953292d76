//! What part of the registry a request may see, and how that narrows a search.

use crate::accounts::{Principal, Role};
use crate::error::ApiError;

/// The data a granted request is limited to (computed from the account by the authorization
/// layer; handlers never look at the role themselves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every region and enterprise.
    All,
    /// Enterprises registered in this region subtree (the GB/T 2260 prefix: `33`, `3301`,
    /// `330106`).
    Region { code: String, prefix: String },
    /// These enterprises only (normalised USCCs).
    Enterprises(Vec<String>),
    /// The provider's own records (no registry data yet).
    Provider(String),
    /// No data (roles allowed an action without data, e.g. `/me`).
    Nothing,
}

impl Scope {
    /// The scope of `principal` for a data action.
    pub fn of(principal: &Principal) -> Scope {
        match principal.role {
            Role::Admin => Scope::All,
            Role::Officer => match principal
                .region
                .as_deref()
                .and_then(|code| region_prefix(code).map(|prefix| (code.to_owned(), prefix)))
            {
                Some((code, prefix)) => Scope::Region { code, prefix },
                // No region = ministry level. A stored region that no longer parses would
                // widen the scope, so it yields nothing instead.
                None if principal.region.is_none() => Scope::All,
                None => Scope::Nothing,
            },
            Role::Enterprise => Scope::Enterprises(principal.enterprises.clone()),
            Role::Provider => principal
                .provider
                .clone()
                .map_or(Scope::Nothing, Scope::Provider),
            Role::Expert => Scope::Nothing,
        }
    }

    /// Whether an enterprise with this USCC registered in `region` is visible.
    pub fn sees_enterprise(&self, uscc: &str, region: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Region { prefix, .. } => region.starts_with(prefix.as_str()),
            Scope::Enterprises(usccs) => usccs.iter().any(|u| u == uscc),
            Scope::Provider(_) | Scope::Nothing => false,
        }
    }

    /// The region filter to apply when the request asked for `requested`: the deeper of the
    /// two when one contains the other; 403 when they are disjoint.
    pub fn narrow_region(&self, requested: Option<&str>) -> Result<Option<String>, ApiError> {
        match self {
            Scope::Region { code, prefix } => match requested {
                None => Ok(Some(code.clone())),
                Some(asked) => {
                    let asked_prefix = region_prefix(asked).ok_or_else(|| bad_region(asked))?;
                    if asked_prefix.starts_with(prefix.as_str()) {
                        Ok(Some(asked.to_owned()))
                    } else if prefix.starts_with(asked_prefix.as_str()) {
                        Ok(Some(code.clone()))
                    } else {
                        Err(ApiError::out_of_scope().with_field(
                            "region",
                            format!("{asked} 不在 {code} 辖区内 / {asked} is outside {code}"),
                        ))
                    }
                }
            },
            _ => match requested {
                Some(asked) if region_prefix(asked).is_none() => Err(bad_region(asked)),
                other => Ok(other.map(str::to_owned)),
            },
        }
    }
}

fn bad_region(asked: &str) -> ApiError {
    ApiError::bad_request("invalid-filter", "筛选条件无效", "invalid filter").with_field(
        "region",
        format!("'{asked}' 不是 GB/T 2260 行政区划代码 / is not a GB/T 2260 region code"),
    )
}

/// `330100` → `3301`: a GB/T 2260 code names its subtree by dropping trailing `00` pairs.
/// `None` for anything that is not 2, 4 or 6 digits naming a region.
///
/// ```
/// use shangyun_web::scope::region_prefix;
/// assert_eq!(region_prefix("330000").as_deref(), Some("33"));
/// assert_eq!(region_prefix("330106").as_deref(), Some("330106"));
/// assert_eq!(region_prefix("000000"), None);
/// assert_eq!(region_prefix("33' OR 1=1"), None);
/// ```
pub fn region_prefix(code: &str) -> Option<String> {
    let code = code.trim();
    if !code.bytes().all(|b| b.is_ascii_digit()) || !matches!(code.len(), 2 | 4 | 6) {
        return None;
    }
    let mut prefix = code;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    (prefix != "00").then(|| prefix.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Scope {
        Scope::Region {
            code: code.to_owned(),
            prefix: region_prefix(code).unwrap_or_default(),
        }
    }

    #[test]
    fn province_officer_sees_its_province_only() {
        let zj = region("330000");
        assert!(zj.sees_enterprise("x", "330106"));
        assert!(!zj.sees_enterprise("x", "320102"));
    }

    #[test]
    fn county_officer_sees_its_county_only() {
        let county = region("330106");
        assert!(county.sees_enterprise("x", "330106"));
        assert!(!county.sees_enterprise("x", "330102"));
        assert!(!county.sees_enterprise("x", "330100"));
    }

    #[test]
    fn narrowing_takes_the_deeper_region_or_refuses() -> Result<(), ApiError> {
        let zj = region("330000");
        assert_eq!(zj.narrow_region(None)?.as_deref(), Some("330000"));
        assert_eq!(zj.narrow_region(Some("330100"))?.as_deref(), Some("330100"));
        let county = region("330106");
        assert_eq!(
            county.narrow_region(Some("330000"))?.as_deref(),
            Some("330106")
        );
        let refused = zj.narrow_region(Some("320000"));
        assert_eq!(refused.map_err(|e| e.code), Err("out-of-scope"));
        let injected = zj.narrow_region(Some("33' OR '1'='1"));
        assert_eq!(injected.map_err(|e| e.code), Err("invalid-filter"));
        Ok(())
    }

    #[test]
    fn enterprise_scope_is_its_usccs() {
        let mine = Scope::Enterprises(vec!["A".into()]);
        assert!(mine.sees_enterprise("A", "330106"));
        assert!(!mine.sees_enterprise("B", "330106"));
    }
}
