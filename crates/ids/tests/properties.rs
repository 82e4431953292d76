//! Property tests over random valid codes: round trips, and that the check characters
//! catch every single substitution and every adjacent transposition.

use proptest::prelude::*;
use shangyun_ids::{AuthorityTable, IdError, USCC_ALPHABET, USCC_WEIGHTS, Uscc};

/// All valid authority/type pairs of the embedded table.
fn pairs() -> Vec<(char, char)> {
    AuthorityTable::embedded()
        .map(|t| t.pairs().map(|(a, e)| (a.code, e.code)).collect())
        .unwrap_or_default()
}

fn alphabet_char() -> impl Strategy<Value = char> {
    let chars: Vec<char> = USCC_ALPHABET.chars().collect();
    proptest::sample::select(chars)
}

/// The parts of a random valid USCC: pair, region digits, organization-code body.
fn parts() -> impl Strategy<Value = ((char, char), String, String)> {
    (
        proptest::sample::select(pairs()),
        "[0-9]{6}",
        proptest::collection::vec(alphabet_char(), 8)
            .prop_map(|v| v.into_iter().collect::<String>()),
    )
}

fn valid_code() -> impl Strategy<Value = String> {
    parts().prop_filter_map("composable", |((a, t), region, body)| {
        Uscc::compose(a, t, &region, &body)
            .ok()
            .map(|u| u.to_string())
    })
}

/// Σ value·weight over all 18 positions, the check character weighing 1: an independent
/// statement of GB 32100's rule, not a call into the crate's check code.
fn weighted_sum_mod_31(code: &str) -> Option<u32> {
    let weights = USCC_WEIGHTS.iter().copied().chain([1]);
    let mut sum = 0;
    for (c, w) in code.chars().zip(weights) {
        sum += USCC_ALPHABET.find(c)? as u32 * w;
    }
    Some(sum % 31)
}

/// Decorates a code the way people type it: lower case, full width, spaces, hyphens.
fn decorate(code: &str, style: &[u8]) -> String {
    let mut out = String::new();
    for (c, &s) in code.chars().zip(style.iter().cycle()) {
        let c = if s & 1 == 1 {
            c.to_ascii_lowercase()
        } else {
            c
        };
        let c = if s & 2 == 2 {
            char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
        } else {
            c
        };
        out.push(c);
        match s >> 2 & 3 {
            1 => out.push(' '),
            2 => out.push('-'),
            3 => out.push('\u{3000}'),
            _ => {}
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_codes_round_trip_through_text(((a, t), region, body) in parts()) {
        let uscc = Uscc::compose(a, t, &region, &body)?;
        let text = uscc.to_string();
        prop_assert_eq!(weighted_sum_mod_31(&text), Some(0));
        let parsed = Uscc::parse(&text)?;
        prop_assert_eq!(parsed.authority().code, a);
        prop_assert_eq!(parsed.entity_type().code, t);
        prop_assert_eq!(parsed.region_code(), region.as_str());
        let org = parsed.org_code();
        prop_assert_eq!(org.body(), body.as_str());
        prop_assert_eq!(parsed.check_character(), uscc.check_character());
        prop_assert_eq!(parsed, uscc);
    }

    #[test]
    fn decorated_codes_normalise_back(code in valid_code(), style in proptest::collection::vec(any::<u8>(), 1..18)) {
        let messy = decorate(&code, &style);
        prop_assert_eq!(Uscc::parse(&messy)?.to_string(), code);
    }

    #[test]
    fn every_single_substitution_is_caught(code in valid_code()) {
        let chars: Vec<char> = code.chars().collect();
        for i in 0..chars.len() {
            for other in USCC_ALPHABET.chars().filter(|&c| c != chars[i]) {
                let mut mutated = chars.clone();
                mutated[i] = other;
                let mutated: String = mutated.into_iter().collect();
                prop_assert!(Uscc::parse(&mutated).is_err(), "{} → {} accepted", code, mutated);
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_of_different_characters_is_caught(code in valid_code()) {
        let chars: Vec<char> = code.chars().collect();
        for i in 0..chars.len() - 1 {
            if chars[i] == chars[i + 1] {
                continue;
            }
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let swapped: String = swapped.into_iter().collect();
            prop_assert!(Uscc::parse(&swapped).is_err(), "{} → {} accepted", code, swapped);
        }
    }

    /// Positions 1–17 legal but position 18 replaced: the error names the right check.
    #[test]
    fn bad_check_character_names_the_original(code in valid_code(), replacement in alphabet_char()) {
        let expected = code.chars().last().unwrap_or('?');
        prop_assume!(replacement != expected);
        let mutated: String = code.chars().take(17).chain([replacement]).collect();
        prop_assert_eq!(
            Uscc::parse(&mutated),
            Err(IdError::BadCheckCharacter { position: 18, expected, found: replacement })
        );
    }

    /// Whatever is typed, parsing returns and never panics.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _ = Uscc::parse(&text);
        let _ = shangyun_ids::OrgCode::parse(&text);
        let _ = shangyun_ids::check_identifier(&text, None);
    }
}
