//! GB/T 4754-2017 list: published counts, look-ups with and without the letter, tree walks.

use shangyun_codes::{IndustryCodeError, IndustryLevel, IndustryList, ListErrorKind};

fn codes<'a>(nodes: impl IntoIterator<Item = &'a shangyun_codes::Industry>) -> Vec<String> {
    nodes.into_iter().map(|n| n.code().to_string()).collect()
}

#[test]
fn embedded_list_has_the_published_counts() {
    let list = IndustryList::embedded();
    assert_eq!(list.count(IndustryLevel::Section), 20);
    assert_eq!(list.count(IndustryLevel::Division), 97);
    assert_eq!(list.count(IndustryLevel::Group), 473);
    assert_eq!(list.count(IndustryLevel::Class), 1382);
    assert_eq!(list.len(), 20 + 97 + 473 + 1382);
}

#[test]
fn every_class_has_group_division_section_above_it() {
    let list = IndustryList::embedded();
    for class in list.iter().filter(|n| n.level() == IndustryLevel::Class) {
        let levels: Vec<_> = list.ancestors(class).map(|n| n.level()).collect();
        assert_eq!(
            levels,
            [
                IndustryLevel::Group,
                IndustryLevel::Division,
                IndustryLevel::Section
            ],
            "{}",
            class.code()
        );
        assert_eq!(list.descendants(class).len(), 0);
    }
}

#[test]
fn looks_up_any_level_with_or_without_the_letter() {
    let list = IndustryList::embedded();
    for (input, code, name, level, ancestors) in [
        (
            "C3311",
            "C3311",
            "金属结构制造",
            IndustryLevel::Class,
            vec!["C331", "C33", "C"],
        ),
        (
            "3311",
            "C3311",
            "金属结构制造",
            IndustryLevel::Class,
            vec!["C331", "C33", "C"],
        ),
        (
            "c331",
            "C331",
            "结构性金属制品制造",
            IndustryLevel::Group,
            vec!["C33", "C"],
        ),
        (
            "33",
            "C33",
            "金属制品业",
            IndustryLevel::Division,
            vec!["C"],
        ),
        ("C", "C", "制造业", IndustryLevel::Section, vec![]),
        (
            "0111",
            "A0111",
            "稻谷种植",
            IndustryLevel::Class,
            vec!["A011", "A01", "A"],
        ),
        (
            "5910",
            "G5910",
            "装卸搬运",
            IndustryLevel::Class,
            vec!["G591", "G59", "G"],
        ),
        (
            "K7010",
            "K7010",
            "房地产开发经营",
            IndustryLevel::Class,
            vec!["K701", "K70", "K"],
        ),
        (
            "970",
            "T970",
            "国际组织",
            IndustryLevel::Group,
            vec!["T97", "T"],
        ),
    ] {
        let node = list.get(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(node.code().to_string(), code, "{input}");
        assert_eq!(node.name(), name, "{input}");
        assert_eq!(node.level(), level, "{input}");
        assert_eq!(codes(list.ancestors(node)), ancestors, "{input}");
        assert_eq!(
            node.parent_code().map(|c| c.to_string()),
            ancestors.first().map(|s| s.to_string()),
            "{input}"
        );
    }
    let class = list.get("3311").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(class.standard_code().to_string(), "3311");
}

#[test]
fn children_and_descendants() {
    let list = IndustryList::embedded();
    let division = list.get("C33").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        codes(list.children(division)),
        [
            "C331", "C332", "C333", "C334", "C335", "C336", "C337", "C338", "C339"
        ]
    );
    let section = list.get("K").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes(list.children(section)), ["K70"]);
    assert_eq!(
        codes(list.descendants(section)),
        [
            "K70", "K701", "K7010", "K702", "K7020", "K703", "K7030", "K704", "K7040", "K709",
            "K7090"
        ]
    );
    let sections: Vec<_> = list
        .iter()
        .filter(|n| n.level() == IndustryLevel::Section)
        .collect();
    let total: usize = sections.iter().map(|s| list.descendants(s).len()).sum();
    assert_eq!(total, 97 + 473 + 1382);
}

#[test]
fn wrong_codes_are_told_apart() {
    let list = IndustryList::embedded();
    assert!(matches!(list.get(""), Err(IndustryCodeError::Empty)));
    assert!(matches!(
        list.get("33111"),
        Err(IndustryCodeError::Malformed { .. })
    ));
    assert!(matches!(
        list.get("C3319"),
        Err(IndustryCodeError::NotFound { .. })
    ));
    assert!(matches!(
        list.get("U"),
        Err(IndustryCodeError::NotFound { .. })
    ));
    assert_eq!(
        list.get("A3311").err().map(|e| e.to_string()).as_deref(),
        Some("industry code A3311: 3311 belongs to section C, not A")
    );
}

#[test]
fn parse_errors_name_line_and_column() {
    const H: &str = "code\tname\tparent\tlevel\n";
    let err = |text: &str| match IndustryList::parse("test", text) {
        Ok(_) => panic!("accepted: {text:?}"),
        Err(e) => (e.line, e.column, e.kind),
    };
    assert!(matches!(
        err(&format!("{H}A\t农业\t\tsection\n01\t农业\tA\tgroup\n")),
        (3, 4, ListErrorKind::LevelMismatch { .. })
    ));
    assert!(matches!(
        err(&format!("{H}A\t农业\t\tsection\n0x\t农业\tA\tdivision\n")),
        (3, 1, ListErrorKind::BadCode { .. })
    ));
    assert!(matches!(
        err(&format!(
            "{H}A\t农业\t\tsection\n01\t农业\tA\tdivision\n011\t谷物\t02\tgroup\n"
        )),
        (4, 3, ListErrorKind::BadParent { .. })
    ));
    assert!(matches!(
        err(&format!("{H}A\t农业\t\tsection\n011\t谷物\t01\tgroup\n")),
        (3, 3, ListErrorKind::UnknownParent { .. })
    ));
    assert!(matches!(
        err(&format!("{H}A\t农业\t\tsection\nA\t农业\t\tsection\n")),
        (3, 1, ListErrorKind::Duplicate { first_line: 2, .. })
    ));
    assert!(matches!(
        err(&format!(
            "{H}A\t农业\t\tsection\n01\t农业\tA\tdivision\tx\n"
        )),
        (3, 0, ListErrorKind::FieldCount { found: 5 })
    ));
}

#[test]
fn nodes_serialize_with_full_codes() {
    let list = IndustryList::embedded();
    let json = serde_json::to_value(list.get("3311").ok()).unwrap_or_default();
    assert_eq!(json["code"], "C3311");
    assert_eq!(json["parent"], "C331");
    assert_eq!(json["level"], "class");
}
