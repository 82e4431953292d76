//! Table tests: known-good codes from standards.md §4.1/§4.2, one test per fault, the
//! common input faults, and the authority/type table edges.

use shangyun_ids::{
    AuthorityTable, CharClass, IdError, IdKind, LengthHint, RegionStatus, Uscc, Warning,
    check_identifier,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const KNOWN_GOOD: [(&str, &str, &str); 3] = [
    ("91350100M000100Y43", "350100", "M000100Y4"),
    ("91110108551385082Q", "110108", "551385082"),
    ("91330100799655058B", "330100", "799655058"),
];

#[test]
fn known_good_codes_split_into_parts() -> TestResult {
    for (code, region, org) in KNOWN_GOOD {
        let uscc = Uscc::parse(code)?;
        assert_eq!(uscc.as_str(), code);
        assert_eq!(uscc.authority().code, '9');
        assert_eq!(uscc.entity_type().code, '1');
        assert_eq!(uscc.entity_type().name_zh, "企业");
        assert_eq!(uscc.region_code(), region);
        assert_eq!(uscc.org_code().as_str(), org);
        assert_eq!(Some(uscc.check_character()), code.chars().last());
        assert!(uscc.is_programme_enterprise());
        assert_eq!(uscc.edition().id, "GB32100-2015");
    }
    Ok(())
}

#[test]
fn common_input_faults_are_normalised() -> TestResult {
    for messy in [
        "91350100m000100y43",
        " 9135 0100 M000 100Y 43 ",
        "91-350100-M000100Y-43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "9135\u{3000}0100M000100Y43",
        "\u{FEFF}91350100M000100Y43\r",
    ] {
        assert_eq!(
            Uscc::parse(messy)?.as_str(),
            "91350100M000100Y43",
            "input {messy:?}"
        );
    }
    Ok(())
}

#[test]
fn letter_o_for_zero_is_reported_with_a_suggestion_not_repaired() {
    assert_eq!(
        Uscc::parse("91350100MOOO100Y43"),
        Err(IdError::BadCharacter {
            position: 10,
            found: 'O',
            allowed: CharClass::UsccAlphabet,
            suggestion: Some('0'),
        })
    );
    assert_eq!(
        Uscc::parse("9135O100M000100Y43"),
        Err(IdError::BadCharacter {
            position: 5,
            found: 'O',
            allowed: CharClass::Digit,
            suggestion: Some('0')
        })
    );
    assert_eq!(
        Uscc::parse("91350100M000I00Y43"),
        Err(IdError::BadCharacter {
            position: 13,
            found: 'I',
            allowed: CharClass::UsccAlphabet,
            suggestion: Some('1'),
        })
    );
}

#[test]
fn letters_s_v_z_and_symbols_are_bad_characters_without_suggestion() {
    for (code, position, found) in [
        ("91350100M000100S43", 16, 'S'),
        ("91350100V000100Y43", 9, 'V'),
        ("Z1350100M000100Y43", 1, 'Z'),
        ("91350100M000100Y4é", 18, 'é'),
        ("91350100M000/00Y43", 13, '/'),
    ] {
        assert!(
            matches!(Uscc::parse(code), Err(IdError::BadCharacter { position: p, found: f, suggestion: None, .. }) if p == position && f == found),
            "{code}: {:?}",
            Uscc::parse(code)
        );
    }
}

#[test]
fn letters_in_the_region_are_bad_characters() {
    // 'A' is in the alphabet but positions 3–8 are digits only.
    assert_eq!(
        Uscc::parse("913501A0M000100Y43"),
        Err(IdError::BadCharacter {
            position: 7,
            found: 'A',
            allowed: CharClass::Digit,
            suggestion: None
        })
    );
    assert!(Uscc::parse("91350100M000100Y43").is_ok());
}

#[test]
fn length_edges_17_18_19_and_hints() {
    assert_eq!(
        Uscc::parse("91350100M000100Y4"),
        Err(IdError::BadLength {
            len: 17,
            expected: 18,
            hint: None
        })
    );
    assert!(Uscc::parse("91350100M000100Y43").is_ok());
    assert_eq!(
        Uscc::parse("91350100M000100Y430"),
        Err(IdError::BadLength {
            len: 19,
            expected: 18,
            hint: None
        })
    );
    assert_eq!(
        Uscc::parse(""),
        Err(IdError::BadLength {
            len: 0,
            expected: 18,
            hint: None
        })
    );
    assert_eq!(
        Uscc::parse("330 100 400 012 345"),
        Err(IdError::BadLength {
            len: 15,
            expected: 18,
            hint: Some(LengthHint::OldRegistrationNumber)
        })
    );
    // 15 characters that are not all digits are not a registration number.
    assert_eq!(
        Uscc::parse("33010040001234A"),
        Err(IdError::BadLength {
            len: 15,
            expected: 18,
            hint: None
        })
    );
    assert_eq!(
        Uscc::parse("M000100Y-4"),
        Err(IdError::BadLength {
            len: 9,
            expected: 18,
            hint: Some(LengthHint::OrganizationCode)
        })
    );
}

#[test]
fn wrong_check_character_names_the_expected_one() {
    assert_eq!(
        Uscc::parse("91350100M000100Y4Y"),
        Err(IdError::BadCheckCharacter {
            position: 18,
            expected: '3',
            found: 'Y'
        })
    );
    assert_eq!(
        Uscc::parse("91330100799655058C"),
        Err(IdError::BadCheckCharacter {
            position: 18,
            expected: 'B',
            found: 'C'
        })
    );
}

#[test]
fn wrong_embedded_org_code_check_is_its_own_fault() -> TestResult {
    // Position 17 changed from 4 to 5, position 18 recomputed so only the GB 11714 check fails.
    let first17 = "91350100M000100Y5";
    let check = shangyun_ids::uscc_check_character(first17)?;
    assert_eq!(
        Uscc::parse(&format!("{first17}{check}")),
        Err(IdError::BadOrgCodeCheck {
            expected: '4',
            found: '5'
        })
    );
    Ok(())
}

/// A code whose two check characters are right but whose positions 1–2 are `a`,`t`.
fn with_pair(a: char, t: char) -> String {
    let first17 = format!("{a}{t}350100M000100Y4");
    let check = shangyun_ids::uscc_check_character(&first17).unwrap_or('?');
    format!("{first17}{check}")
}

#[test]
fn every_pair_in_the_table_parses_and_neighbours_do_not() -> TestResult {
    let table = AuthorityTable::embedded()?;
    for (authority, entity_type) in table.pairs() {
        let uscc = Uscc::parse(&with_pair(authority.code, entity_type.code))?;
        assert_eq!(uscc.authority().code, authority.code);
        assert_eq!(uscc.entity_type().name_zh, entity_type.name_zh);
    }
    // Edges of the table: 9 has types 1–3 only, 3 goes up to 5 then 9, Y has only 1.
    for (a, t, authority_known) in [
        ('9', '4', true),
        ('9', '9', true),
        ('9', '0', true),
        ('3', '6', true),
        ('Y', '2', true),
        ('B', '1', false),
        ('0', '1', false),
    ] {
        assert_eq!(
            Uscc::parse(&with_pair(a, t)),
            Err(IdError::UnknownAuthorityType {
                authority: a,
                entity_type: t,
                authority_known
            }),
            "{a}-{t}"
        );
    }
    assert!(Uscc::parse(&with_pair('3', '5')).is_ok());
    Ok(())
}

#[test]
fn non_programme_types_are_flagged_programme_types_are_not() -> TestResult {
    let flagged = |a, t| -> Result<bool, IdError> {
        Ok(Uscc::parse(&with_pair(a, t))?
            .warnings()
            .iter()
            .any(|w| matches!(w, Warning::NotProgrammeEnterprise { .. })))
    };
    assert!(!flagged('9', '1')?);
    assert!(flagged('9', '2')?);
    assert!(!flagged('9', '3')?);
    assert!(flagged('5', '1')?);
    assert!(flagged('N', '3')?);
    assert!(flagged('Y', '1')?);
    Ok(())
}

#[test]
fn region_lookup_decides_unknown_and_retired() -> TestResult {
    let regions = |code: &str| match code {
        "350100" => RegionStatus::Current,
        "330100" => RegionStatus::Retired,
        _ => RegionStatus::Unknown,
    };
    let current = Uscc::validate_with("91350100M000100Y43", &regions)?;
    assert_eq!(current.region_status(), Some(RegionStatus::Current));
    assert!(current.warnings().is_empty());

    let retired = Uscc::validate_with("91330100799655058B", &regions)?;
    assert_eq!(
        retired.warnings(),
        vec![Warning::RetiredRegion {
            code: "330100".into()
        }]
    );

    assert_eq!(
        Uscc::validate_with("91110108551385082Q", &regions),
        Err(IdError::UnknownRegion {
            code: "110108".into()
        })
    );
    // Structure-only parse leaves the region unchecked.
    assert_eq!(Uscc::parse("91110108551385082Q")?.region_status(), None);
    Ok(())
}

#[test]
fn faults_are_reported_in_the_documented_order() {
    // Bad check character wins over an unknown pair and a bad org check.
    assert!(matches!(
        Uscc::parse("B4350100M000100Y5X"),
        Err(IdError::BadCheckCharacter { .. })
    ));
    // A bad character wins over a bad check character.
    assert!(matches!(
        Uscc::parse("91350100MOOO100Y4X"),
        Err(IdError::BadCharacter { position: 10, .. })
    ));
}

#[test]
fn compose_round_trips_and_checks_its_parts() -> TestResult {
    // Expected value from python-stdnum's calc_check_digit, not from this crate.
    let uscc = Uscc::compose('9', '3', "110108", "55138508")?;
    assert_eq!(uscc.as_str(), "93110108551385082J");
    assert_eq!(Uscc::parse(uscc.as_str())?, uscc);
    assert!(matches!(
        Uscc::compose('9', '1', "11010", "55138508"),
        Err(IdError::BadLength {
            len: 5,
            expected: 6,
            ..
        })
    ));
    assert!(matches!(
        Uscc::compose('9', '4', "110108", "55138508"),
        Err(IdError::UnknownAuthorityType { .. })
    ));
    Ok(())
}

#[test]
fn report_detects_kind_by_length_and_explains() -> TestResult {
    let r = check_identifier("91350100M000100Y43", None);
    assert!(r.valid);
    assert_eq!(r.kind, Some(IdKind::Uscc));
    assert_eq!(r.expected_check_character, Some('3'));

    let r = check_identifier("M000100Y-4", None);
    assert!(r.valid);
    assert_eq!(r.kind, Some(IdKind::OrgCode));
    assert_eq!(
        r.org_code.map(|c| c.to_string()).as_deref(),
        Some("M000100Y4")
    );

    let r = check_identifier("330100400012345", None);
    assert!(!r.valid);
    assert_eq!(r.kind, None);
    let json = serde_json::to_value(&r)?;
    assert_eq!(json["error"]["kind"], "bad_length");
    assert_eq!(json["error"]["hint"], "old_registration_number");
    assert!(
        json["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("注册号"))
    );

    let r = check_identifier("511100005000000071", None);
    let json = serde_json::to_value(&r)?;
    assert_eq!(json["valid"], true, "{json}");
    assert_eq!(json["uscc"]["entity_type"]["name_zh"], "社会团体");
    assert_eq!(json["warnings"][0]["kind"], "not_programme_enterprise");
    Ok(())
}
