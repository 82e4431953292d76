//! The two check-character algorithms, GB 32100 (mod 31) and GB 11714 (mod 11).

use crate::alphabet::{org_body_value, uscc_char, uscc_value};
use crate::error::{CharClass, IdError};
use crate::normalize::normalized_chars;

/// Weights of USCC positions 1–17: 3^(i−1) mod 31 (GB 32100-2015). The check character
/// itself has weight 1: a valid code has Σ value·weight ≡ 0 (mod 31) over all 18 positions.
pub const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of organization-code positions 1–8 (GB 11714).
pub const ORG_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Up to `N` normalised characters of an input and how many there were in all.
pub(crate) struct Collected<const N: usize> {
    pub chars: [char; N],
    pub len: usize,
    pub all_ascii_digits: bool,
}

pub(crate) fn collect<const N: usize>(input: &str) -> Collected<N> {
    let mut chars = ['\0'; N];
    let mut len = 0;
    let mut all_ascii_digits = true;
    for c in normalized_chars(input) {
        if let Some(slot) = chars.get_mut(len) {
            *slot = c;
        }
        all_ascii_digits &= c.is_ascii_digit();
        len += 1;
    }
    Collected {
        chars,
        len,
        all_ascii_digits,
    }
}

/// USCC check for 17 characters already known to be in the alphabet.
pub(crate) fn uscc_check_of(first17: &[char]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(&c, w)| uscc_value(c).unwrap_or(0) * w)
        .sum();
    uscc_char(31 - sum % 31)
}

/// GB 11714 check for 8 characters already known to be digits or A–Z.
pub(crate) fn org_check_of(body: &[char]) -> char {
    let sum: u32 = body
        .iter()
        .zip(ORG_CODE_WEIGHTS)
        .map(|(&c, w)| org_body_value(c).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('?'),
    }
}

/// The check character (position 18) of a USCC from its first 17 characters.
///
/// Input is [normalised](crate::normalize) first. Only the alphabet is checked here, not
/// the structure (use [`Uscc::parse`](crate::Uscc::parse) for that).
///
/// ```
/// assert_eq!(shangyun_ids::uscc_check_character("91350100M000100Y4"), Ok('3'));
/// assert_eq!(shangyun_ids::uscc_check_character("91110108551385082"), Ok('Q'));
/// ```
pub fn uscc_check_character(first17: &str) -> Result<char, IdError> {
    let got = collect::<17>(first17);
    if got.len != 17 {
        return Err(IdError::BadLength {
            len: got.len,
            expected: 17,
            hint: None,
        });
    }
    for (i, &c) in got.chars.iter().enumerate() {
        if uscc_value(c).is_none() {
            return Err(bad_character(i + 1, c, CharClass::UsccAlphabet));
        }
    }
    Ok(uscc_check_of(&got.chars))
}

/// The check character (position 9) of an organization code from its 8-character body.
///
/// ```
/// assert_eq!(shangyun_ids::org_code_check_character("M000100Y"), Ok('4'));
/// assert_eq!(shangyun_ids::org_code_check_character("55138508"), Ok('2'));
/// ```
pub fn org_code_check_character(body: &str) -> Result<char, IdError> {
    let got = collect::<8>(body);
    if got.len != 8 {
        return Err(IdError::BadLength {
            len: got.len,
            expected: 8,
            hint: None,
        });
    }
    for (i, &c) in got.chars.iter().enumerate() {
        if org_body_value(c).is_none() {
            return Err(bad_character(i + 1, c, CharClass::DigitOrLetter));
        }
    }
    Ok(org_check_of(&got.chars))
}

pub(crate) fn bad_character(position: usize, found: char, allowed: CharClass) -> IdError {
    let suggestion = match allowed {
        // I and O are legal in an organization-code body, so nothing to suggest there.
        CharClass::DigitOrLetter => None,
        CharClass::Digit | CharClass::UsccAlphabet => crate::alphabet::look_alike_digit(found),
    };
    IdError::BadCharacter {
        position,
        found,
        allowed,
        suggestion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uscc_weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        for &weight in &USCC_WEIGHTS {
            assert_eq!(weight, w);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn known_good_uscc_check_characters() {
        assert_eq!(uscc_check_character("91350100M000100Y4"), Ok('3'));
        assert_eq!(uscc_check_character("91110108551385082"), Ok('Q'));
        assert_eq!(uscc_check_character("91330100799655058"), Ok('B'));
    }

    #[test]
    fn known_good_org_code_check_characters() {
        assert_eq!(org_code_check_character("M000100Y"), Ok('4'));
        assert_eq!(org_code_check_character("55138508"), Ok('2'));
        assert_eq!(org_code_check_character("79965505"), Ok('8'));
    }

    /// Both ends of the GB 11714 mapping: remainder 1 → 10 → X, remainder 0 → 11 → 0.
    #[test]
    fn org_check_maps_ten_to_x_and_eleven_to_zero() {
        // 1·3 + 0… = 3 → 11 − 3 = 8
        assert_eq!(org_code_check_character("10000000"), Ok('8'));
        // 4·3 = 12 ≡ 1 → 10 → X
        assert_eq!(org_code_check_character("40000000"), Ok('X'));
        // Σ = 0 → 11 → 0
        assert_eq!(org_code_check_character("00000000"), Ok('0'));
        // 2·2 = 4 → 7 (last weight)
        assert_eq!(org_code_check_character("00000002"), Ok('7'));
    }

    #[test]
    fn uscc_check_zero_sum_gives_zero_not_31() {
        assert_eq!(uscc_check_character("00000000000000000"), Ok('0'));
        // 1·1 = 1 → 30 → Y, the last character of the alphabet
        assert_eq!(uscc_check_character("10000000000000000"), Ok('Y'));
    }

    #[test]
    fn rejects_wrong_length_and_characters() {
        assert_eq!(
            uscc_check_character("9135"),
            Err(IdError::BadLength {
                len: 4,
                expected: 17,
                hint: None
            })
        );
        assert_eq!(
            uscc_check_character("91350100M0001OOY4"),
            Err(IdError::BadCharacter {
                position: 14,
                found: 'O',
                allowed: CharClass::UsccAlphabet,
                suggestion: Some('0')
            })
        );
        assert!(matches!(
            org_code_check_character("M00010/Y"),
            Err(IdError::BadCharacter {
                position: 7,
                found: '/',
                ..
            })
        ));
    }
}
