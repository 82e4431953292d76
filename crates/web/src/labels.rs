//! Names for codes, in zh-CN and English, shared by the API and the console.

use serde::Serialize;
use shangyun_registry::Tier;
use shangyun_rules::codes::{IndustryList, RegionList};

/// A region with its names from the province down, e.g. `浙江省 杭州市 西湖区`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionLabel {
    pub code: String,
    /// `None` when the code is not in the embedded GB/T 2260 list.
    pub path_zh: Option<String>,
}

pub fn region(code: &str) -> RegionLabel {
    let list = RegionList::embedded();
    let path_zh = list.find(code).map(|region| {
        let mut names: Vec<&str> = list.ancestors(region).map(|r| r.name()).collect();
        names.reverse();
        names.push(region.name());
        names.join(" ")
    });
    RegionLabel {
        code: code.to_owned(),
        path_zh,
    }
}

/// An industry code with its GB/T 4754-2017 name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndustryLabel {
    pub code: String,
    pub name_zh: Option<String>,
}

pub fn industry(code: &str) -> IndustryLabel {
    IndustryLabel {
        code: code.to_owned(),
        name_zh: IndustryList::embedded()
            .get(code)
            .ok()
            .map(|i| i.name().to_owned()),
    }
}

/// 大型 / large …
pub fn size_class(class: &str) -> (&'static str, &'static str) {
    match class {
        "large" => ("大型", "large"),
        "medium" => ("中型", "medium"),
        "small" => ("小型", "small"),
        "micro" => ("微型", "micro"),
        _ => ("未能划型", "not classified"),
    }
}

/// The tier's names.
pub fn tier(tier: Tier) -> (&'static str, &'static str) {
    match tier {
        Tier::Innovative => ("创新型中小企业", "innovative SME"),
        Tier::Specialized => ("专精特新中小企业", "specialised SME"),
        Tier::LittleGiant => ("专精特新\u{201c}小巨人\u{201d}", "little giant"),
    }
}

/// A tier from its API name (`innovative`, `specialized`, `little-giant`).
pub fn tier_from_key(key: &str) -> Option<Tier> {
    match key.trim() {
        "innovative" => Some(Tier::Innovative),
        "specialized" => Some(Tier::Specialized),
        "little-giant" => Some(Tier::LittleGiant),
        _ => None,
    }
}

/// A stored verdict's names.
pub fn outcome(outcome: &str) -> (&'static str, &'static str) {
    match outcome {
        "eligible" => ("符合条件", "eligible"),
        "not-eligible" => ("不符合条件", "not eligible"),
        "not-enough-data" => ("数据不足", "not enough data"),
        _ => ("未知", "unknown"),
    }
}

/// A stored explanation's field name (size class and tier verdicts); unknown fields keep
/// their key, so a new field in a rule crate still shows.
pub fn explanation_key(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "outcome" => ("结果", "outcome"),
        "group" => ("行业组", "industry group"),
        "decided_by" => ("决定指标", "decided by"),
        "missed" => ("未达到的上一档", "next class missed"),
        "missing" => ("缺少的数据", "missing data"),
        "failed" => ("未满足的条件", "failed conditions"),
        "reason" => ("原因", "reason"),
        "error" => ("错误", "error"),
        "points" => ("得分", "points"),
        "route" => ("认定路径", "route"),
        _ => return None,
    })
}

/// A value token inside an explanation (metrics, size classes, outcomes, size-rule industry
/// groups); `None` keeps the token as stored (condition ids).
pub fn explanation_value(token: &str) -> Option<(&'static str, &'static str)> {
    Some(match token {
        "employees" => ("从业人员", "employees"),
        "revenue" => ("营业收入", "revenue"),
        "assets" => ("资产总额", "assets"),
        "large" | "medium" | "small" | "micro" => size_class(token),
        "classified" => ("已划型", "classified"),
        "missing_metrics" => ("缺少划型指标", "metrics missing"),
        "not_covered" => ("不在划型标准范围内", "not covered by the size rules"),
        "industry_too_broad" => ("行业代码过粗，需 4 位小类", "industry code too broad"),
        "titles" => ("已获称号", "titles held"),
        // An industry group of the size rules (e.g. `agriculture`): named by the edition's data.
        other => {
            let group = shangyun_rules::size::SizeEdition::edition_2011()
                .groups()
                .iter()
                .find(|g| g.id == other)?;
            (group.name_zh.as_str(), group.name_en.as_str())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_rule_groups_are_named_from_the_edition_data() {
        assert_eq!(
            explanation_value("agriculture"),
            Some((
                "农、林、牧、渔业",
                "Agriculture, forestry, animal husbandry and fishery"
            ))
        );
        assert_eq!(explanation_value("industry").map(|n| n.0), Some("工业"));
        // Condition ids are not groups and stay as stored.
        assert_eq!(explanation_value("rd_spend≥100"), None);
    }
}
