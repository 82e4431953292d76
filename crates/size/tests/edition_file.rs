//! The loader rejects edition files that would make the evaluator guess.

use shangyun_codes::IndustryList;
use shangyun_size::{EditionError, SizeEdition};

const EDITION_2011: &str = include_str!("../editions/size-2011.toml");

fn load(text: &str) -> Result<SizeEdition, EditionError> {
    SizeEdition::from_toml(text, IndustryList::embedded())
}

/// The shipped file with one replacement, which must apply.
fn edited(from: &str, to: &str) -> String {
    assert!(
        EDITION_2011.contains(from),
        "fixture text {from:?} not in the file"
    );
    EDITION_2011.replacen(from, to, 1)
}

#[test]
fn the_shipped_file_loads_with_16_groups_and_its_notes() {
    let edition = load(EDITION_2011).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(edition.groups().len(), 16);
    assert_eq!(edition.not_covered().len(), 7);
    assert_eq!(edition.info().effective, "2011-06-18");
    assert!(edition.info().notes.iter().any(|n| n.contains("704")));
    let numbers: Vec<u8> = edition.groups().iter().map(|g| g.number).collect();
    assert_eq!(numbers, (1..=16).collect::<Vec<u8>>());
}

#[test]
fn an_unmapped_class_is_rejected() {
    let text = edited("scope = [\"T\"]", "scope = [\"S\"]");
    // Now S appears twice and T in nothing: the duplicate is found first.
    assert!(matches!(
        load(&text),
        Err(EditionError::DuplicatePrefix { .. })
    ));
    let text = edited(
        "[[not_covered]]\nscope = [\"T\"]\nreason_zh = \"国际组织不在2011年划型标准范围内\"\nreason_en = \"International organisations are outside the 2011 rules\"\n",
        "",
    );
    match load(&text) {
        Err(EditionError::Unmapped { code, .. }) => assert_eq!(code, "T9700"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_prefixes_and_thresholds_are_rejected() {
    assert!(matches!(
        load(&edited("scope = [\"51\"]", "scope = [\"51\", \"C99\"]")),
        Err(EditionError::BadPrefix { .. })
    ));
    assert!(matches!(
        load(&edited(
            "scope = [\"51\"]",
            "scope = [\"51\", \"5111\", \"F51\"]"
        )),
        Err(EditionError::DuplicatePrefix { .. })
    ));
    assert!(matches!(
        load(&edited(
            "{ metric = \"revenue\", large = 20000, medium = 500, small = 50 }",
            "{ metric = \"revenue\", large = 20000, medium = 500, small = 5000 }"
        )),
        Err(EditionError::BadThresholds { number: 1, .. })
    ));
    assert!(matches!(
        load(&edited(
            "{ metric = \"revenue\", large = 20000, medium = 500, small = 50 }",
            "{ metric = \"revenue\", large = 20000, medium = 500, small = -1 }"
        )),
        Err(EditionError::BadThresholds { number: 1, .. })
    ));
    assert!(matches!(
        load(&edited(
            "thresholds = [{ metric = \"revenue\", large = 20000, medium = 500, small = 50 }]",
            "thresholds = []"
        )),
        Err(EditionError::BadThresholds { number: 1, .. })
    ));
    assert!(matches!(
        load(&edited("number = 2\n", "number = 1\n")),
        Err(EditionError::DuplicateGroup { number: 1, .. })
    ));
    assert!(matches!(
        load(&edited("id = \"2011\"", "id = \"2011\"\nrevision = 2")),
        Err(EditionError::Toml(_))
    ));
    assert!(matches!(
        load(&edited("id = \"2011\"", "id = \"\"")),
        Err(EditionError::EmptyField("id"))
    ));
}
