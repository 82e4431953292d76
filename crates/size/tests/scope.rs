//! Which industries fall in which 2011 group (GB/T 4754-2017 scope per 国统字〔2017〕213号).

use shangyun_codes::{IndustryCodeError, IndustryLevel, IndustryList};
use shangyun_size::{GroupMatch, SizeEdition};

#[derive(Debug, PartialEq)]
enum Expect {
    Group(u8),
    NotCovered,
    Several(Vec<u8>, bool),
}

fn resolve(code: &str) -> Expect {
    match SizeEdition::edition_2011().group_for(code) {
        Ok(found) => match found.matched {
            GroupMatch::Group { group } => Expect::Group(group.number),
            GroupMatch::NotCovered { .. } => Expect::NotCovered,
            GroupMatch::SeveralGroups { spans } => Expect::Several(
                spans.groups().map(|g| g.number).collect(),
                spans.exclusions().next().is_some(),
            ),
        },
        Err(e) => panic!("{code}: {e}"),
    }
}

#[test]
fn codes_map_to_the_groups_of_the_table() {
    use Expect::*;
    for (code, expected) in [
        ("A", Group(1)),
        ("0111", Group(1)),
        ("05", Group(1)),
        ("B", Group(2)),
        ("0610", Group(2)),
        ("C", Group(2)),
        ("3311", Group(2)),
        ("D4411", Group(2)),
        ("E", Group(3)),
        ("4710", Group(3)),
        ("51", Group(4)),
        ("5111", Group(4)),
        ("52", Group(5)),
        ("F", Several(vec![4, 5], false)),
        ("53", NotCovered),
        ("5311", NotCovered),
        ("54", Group(6)),
        ("55", Group(6)),
        ("56", Group(6)),
        ("57", Group(6)),
        ("58", Group(6)),
        ("591", Group(6)),
        ("G5910", Group(6)),
        ("592", Group(7)),
        ("5990", Group(7)),
        ("59", Several(vec![6, 7], false)),
        ("60", Group(8)),
        ("G", Several(vec![6, 7, 8], true)),
        ("61", Group(9)),
        ("62", Group(10)),
        ("H", Several(vec![9, 10], false)),
        ("63", Group(11)),
        ("64", Group(11)),
        ("65", Group(12)),
        ("I", Several(vec![11, 12], false)),
        ("J", NotCovered),
        ("6621", NotCovered),
        ("7010", Group(13)),
        ("701", Group(13)),
        ("702", Group(14)),
        ("703", Group(16)),
        ("709", Group(16)),
        ("704", NotCovered),
        ("K", Several(vec![13, 14, 16], true)),
        ("L", Group(15)),
        ("7111", Group(15)),
        ("72", Group(15)),
        ("M", Group(16)),
        ("N", Group(16)),
        ("O", Group(16)),
        ("P", NotCovered),
        ("84", NotCovered),
        ("8411", NotCovered),
        ("85", Group(16)),
        ("Q", Several(vec![16], true)),
        ("R", Group(16)),
        ("S", NotCovered),
        ("T", NotCovered),
        ("9700", NotCovered),
    ] {
        assert_eq!(resolve(code), expected, "{code}");
    }
}

#[test]
fn every_class_resolves_to_one_group_or_not_covered() {
    let list = IndustryList::embedded();
    let mut groups = 0;
    let mut not_covered = 0;
    for class in list.iter().filter(|n| n.level() == IndustryLevel::Class) {
        match resolve(&class.code().to_string()) {
            Expect::Group(_) => groups += 1,
            Expect::NotCovered => not_covered += 1,
            other => panic!("{}: {other:?}", class.code()),
        }
    }
    assert_eq!(groups + not_covered, 1382);
    // J (66–69), P (83), 84, S (91–96), T (97), 53 and 704 are out of scope.
    let out_of_scope = list
        .iter()
        .filter(|n| n.level() == IndustryLevel::Class)
        .filter(|n| {
            let c = n.code().to_string();
            matches!(n.section(), 'J' | 'P' | 'S' | 'T')
                || c.starts_with("Q84")
                || c.starts_with("G53")
                || c.starts_with("K704")
        })
        .count();
    assert_eq!(not_covered, out_of_scope);
}

#[test]
fn codes_are_accepted_with_or_without_the_letter() {
    let edition = SizeEdition::edition_2011();
    let with = edition.group_for("C3311").map(|f| f.industry.to_string());
    let without = edition.group_for("3311").map(|f| f.industry.to_string());
    assert_eq!(with, Ok("C3311".to_string()));
    assert_eq!(without, with);
    assert!(matches!(
        edition.group_for("A3311"),
        Err(IndustryCodeError::SectionMismatch { .. })
    ));
    assert!(matches!(
        edition.group_for("3319"),
        Err(IndustryCodeError::NotFound { .. })
    ));
    assert!(matches!(
        edition.group_for("U"),
        Err(IndustryCodeError::NotFound { .. })
    ));
    assert!(matches!(
        edition.group_for("00"),
        Err(IndustryCodeError::NotFound { .. })
    ));
    assert!(matches!(
        edition.group_for("C33-11"),
        Err(IndustryCodeError::Malformed { .. })
    ));
}
