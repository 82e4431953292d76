//! 组织机构代码 (GB 11714): 8 body characters and a mod-11 check.

use crate::alphabet::org_body_value;
use crate::check::{bad_character, collect, org_check_of};
use crate::error::{CharClass, IdError, LengthHint};
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The standard an organization code is checked against.
pub const ORG_CODE_STANDARD: &str = "GB 11714";

/// A valid 9-character organization code (组织机构代码): body of digits/letters and a check
/// character `0`–`9` or `X`. Also positions 9–17 of every USCC.
///
/// ```
/// use shangyun_ids::OrgCode;
/// let code = OrgCode::parse("m000100y-4")?;
/// assert_eq!(code.as_str(), "M000100Y4");
/// assert_eq!(code.body(), "M000100Y");
/// assert_eq!(code.check_character(), '4');
/// assert_eq!(code.hyphenated(), "M000100Y-4");
/// assert!(OrgCode::parse("M000100Y5").is_err());
/// # Ok::<(), shangyun_ids::IdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgCode {
    /// ASCII only, by construction.
    code: [u8; 9],
}

impl OrgCode {
    /// Normalises `input` and checks length, characters and the check character.
    pub fn parse(input: &str) -> Result<OrgCode, IdError> {
        let got = collect::<9>(input);
        if got.len != 9 {
            let hint = match got.len {
                18 => Some(LengthHint::Uscc),
                15 if got.all_ascii_digits => Some(LengthHint::OldRegistrationNumber),
                _ => None,
            };
            return Err(IdError::BadLength {
                len: got.len,
                expected: 9,
                hint,
            });
        }
        for (i, &c) in got.chars.iter().enumerate() {
            if org_body_value(c).is_none() {
                return Err(bad_character(i + 1, c, CharClass::DigitOrLetter));
            }
        }
        let expected = org_check_of(&got.chars[..8]);
        if got.chars[8] != expected {
            return Err(IdError::BadCheckCharacter {
                position: 9,
                expected,
                found: got.chars[8],
            });
        }
        Ok(OrgCode::from_ascii(&got.chars))
    }

    /// Builds the code from an 8-character body, computing the check character.
    ///
    /// ```
    /// assert_eq!(shangyun_ids::OrgCode::from_body("55138508")?.as_str(), "551385082");
    /// # Ok::<(), shangyun_ids::IdError>(())
    /// ```
    pub fn from_body(body: &str) -> Result<OrgCode, IdError> {
        let check = crate::check::org_code_check_character(body)?;
        OrgCode::parse(&format!("{}{check}", crate::normalize(body)))
    }

    /// Caller guarantees 9 ASCII characters.
    pub(crate) fn from_ascii(chars: &[char]) -> OrgCode {
        let mut code = [b'0'; 9];
        for (slot, &c) in code.iter_mut().zip(chars) {
            *slot = u8::try_from(c).unwrap_or(b'?');
        }
        OrgCode { code }
    }

    /// The 9 characters, e.g. `M000100Y4`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or_default()
    }

    /// The 8-character body (本体代码).
    pub fn body(&self) -> &str {
        self.as_str().get(..8).unwrap_or_default()
    }

    /// The check character (校验码).
    pub fn check_character(&self) -> char {
        char::from(self.code[8])
    }

    /// The form printed on certificates, body and check joined by a hyphen: `M000100Y-4`.
    pub fn hyphenated(&self) -> String {
        format!("{}-{}", self.body(), self.check_character())
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgCode::parse(s)
    }
}

impl Serialize for OrgCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            code: &'a str,
            body: &'a str,
            check_character: char,
            hyphenated: String,
            standard: &'static str,
        }
        View {
            code: self.as_str(),
            body: self.body(),
            check_character: self.check_character(),
            hyphenated: self.hyphenated(),
            standard: ORG_CODE_STANDARD,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_good_codes_parse() {
        for code in ["M000100Y4", "551385082", "799655058"] {
            assert_eq!(
                OrgCode::parse(code).map(|c| c.to_string()),
                Ok(code.to_string())
            );
        }
    }

    #[test]
    fn accepts_i_o_s_v_z_in_the_body_unlike_the_uscc() {
        // GB 11714 bodies may use any capital letter: O=24, I=18, S=28, V=31, Z=35, so
        // Σ = 24·3 + 18·7 + 28·9 + 31·10 + 35·5 = 935 = 85·11 → 11 − 0 = 11 → '0'.
        let code = OrgCode::from_body("OISVZ000").map(|c| c.to_string());
        assert_eq!(code.as_deref(), Ok("OISVZ0000"));
    }

    #[test]
    fn wrong_check_names_position_9_and_the_expected_character() {
        assert_eq!(
            OrgCode::parse("M000100Y5"),
            Err(IdError::BadCheckCharacter {
                position: 9,
                expected: '4',
                found: '5'
            })
        );
        // A letter other than X where the check stands is a check fault too.
        assert_eq!(
            OrgCode::parse("55138508A"),
            Err(IdError::BadCheckCharacter {
                position: 9,
                expected: '2',
                found: 'A'
            })
        );
    }

    #[test]
    fn lengths_around_nine_and_hints() {
        assert!(matches!(
            OrgCode::parse("M000100Y"),
            Err(IdError::BadLength {
                len: 8,
                expected: 9,
                hint: None
            })
        ));
        assert!(matches!(
            OrgCode::parse("M000100Y44"),
            Err(IdError::BadLength {
                len: 10,
                expected: 9,
                hint: None
            })
        ));
        assert!(matches!(
            OrgCode::parse("91350100M000100Y43"),
            Err(IdError::BadLength {
                len: 18,
                hint: Some(LengthHint::Uscc),
                ..
            })
        ));
        assert!(matches!(
            OrgCode::parse("330100400012345"),
            Err(IdError::BadLength {
                len: 15,
                hint: Some(LengthHint::OldRegistrationNumber),
                ..
            })
        ));
    }

    #[test]
    fn bad_character_position_is_one_based() {
        assert!(matches!(
            OrgCode::parse("M0001#0Y4"),
            Err(IdError::BadCharacter {
                position: 6,
                found: '#',
                suggestion: None,
                ..
            })
        ));
    }
}
