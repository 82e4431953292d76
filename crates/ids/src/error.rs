//! Every fault an identifier can have, each with where it is and what was expected.

use serde::Serialize;

/// Why an identifier was rejected. Positions are 1-based and count the characters of the
/// [normalised](crate::normalize) code (spaces and hyphens removed).
///
/// [`Display`](std::fmt::Display) gives the zh-CN message, then the English one;
/// [`IdError::message_zh`] and [`IdError::message_en`] give each alone.
///
/// Parsing stops at the first fault, checked in this order: length, characters, check
/// character (position 18), the organization code's own check (position 17), the
/// authority/type pair, then the region. A wrong check character usually means a typo, so
/// it is reported before any structural fault the typo may have caused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[error("{} / {}", self.message_zh(), self.message_en())]
pub enum IdError {
    /// The normalised code does not have the expected number of characters.
    BadLength {
        /// Characters found after normalisation.
        len: usize,
        /// Characters required: 18 for a USCC, 9 for an organization code.
        expected: usize,
        /// What the input looks like instead, when that is recognisable.
        hint: Option<LengthHint>,
    },
    /// A character that may not stand at this position.
    BadCharacter {
        /// 1-based position in the normalised code.
        position: usize,
        /// The character found.
        found: char,
        /// What the position admits.
        allowed: CharClass,
        /// A look-alike the writer probably meant (`O` → `0`, `I` → `1`), never applied silently.
        suggestion: Option<char>,
    },
    /// The final check character does not match the others.
    BadCheckCharacter {
        /// 1-based position of the check character (18 for a USCC, 9 for an organization code).
        position: usize,
        /// The check character computed from the other characters.
        expected: char,
        /// The check character found.
        found: char,
    },
    /// Position 17 of a USCC, the embedded organization code's check (GB 11714), is wrong.
    BadOrgCodeCheck {
        /// The check computed from positions 9–16.
        expected: char,
        /// The character found at position 17.
        found: char,
    },
    /// Positions 1–2 are not a registering-authority / entity-type pair of GB 32100.
    UnknownAuthorityType {
        /// Position 1, 登记管理部门代码.
        authority: char,
        /// Position 2, 机构类别代码.
        entity_type: char,
        /// Whether the authority itself is known (only the type is not).
        authority_known: bool,
    },
    /// Positions 3–8 are not a region code the caller's region list knows.
    UnknownRegion {
        /// The six-digit region code.
        code: String,
    },
    /// The authority/type table (embedded or supplied) could not be read.
    RuleData {
        /// What is wrong with the table.
        reason: String,
    },
}

/// What an input of the wrong length looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthHint {
    /// 15 digits: an old 工商注册号 (business registration number), not a USCC.
    OldRegistrationNumber,
    /// 9 characters: a 组织机构代码 given where a USCC was expected.
    OrganizationCode,
    /// 18 characters: a USCC given where an organization code was expected.
    Uscc,
}

/// The characters a position admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharClass {
    /// `0`–`9` (USCC positions 3–8, the region code).
    Digit,
    /// The 31-character USCC alphabet: `0`–`9` and `A`–`Y` without I, O, S, V, Z.
    UsccAlphabet,
    /// `0`–`9` and `A`–`Z` (organization-code body, GB 11714).
    DigitOrLetter,
}

impl CharClass {
    fn zh(self) -> &'static str {
        match self {
            CharClass::Digit => "数字 0–9",
            CharClass::UsccAlphabet => "数字 0–9 或大写字母（不含 I、O、S、V、Z）",
            CharClass::DigitOrLetter => "数字 0–9 或大写字母 A–Z",
        }
    }

    fn en(self) -> &'static str {
        match self {
            CharClass::Digit => "a digit 0-9",
            CharClass::UsccAlphabet => "a digit or a capital letter other than I, O, S, V, Z",
            CharClass::DigitOrLetter => "a digit or a capital letter A-Z",
        }
    }
}

impl IdError {
    /// A stable snake_case name of the variant (the `kind` field of the JSON form).
    pub fn kind(&self) -> &'static str {
        match self {
            IdError::BadLength { .. } => "bad_length",
            IdError::BadCharacter { .. } => "bad_character",
            IdError::BadCheckCharacter { .. } => "bad_check_character",
            IdError::BadOrgCodeCheck { .. } => "bad_org_code_check",
            IdError::UnknownAuthorityType { .. } => "unknown_authority_type",
            IdError::UnknownRegion { .. } => "unknown_region",
            IdError::RuleData { .. } => "rule_data",
        }
    }

    /// The message in simplified Chinese.
    ///
    /// ```
    /// let err = shangyun_ids::Uscc::parse("330100400012345").unwrap_err();
    /// assert_eq!(
    ///     err.message_zh(),
    ///     "长度为 15 位，应为 18 位（15 位数字是旧的工商注册号，请改用营业执照上的 18 位统一社会信用代码）"
    /// );
    /// ```
    pub fn message_zh(&self) -> String {
        match self {
            IdError::BadLength {
                len,
                expected,
                hint,
            } => {
                let hint = match hint {
                    Some(LengthHint::OldRegistrationNumber) => {
                        "（15 位数字是旧的工商注册号，请改用营业执照上的 18 位统一社会信用代码）"
                    }
                    Some(LengthHint::OrganizationCode) => "（9 位像是组织机构代码）",
                    Some(LengthHint::Uscc) => "（18 位像是统一社会信用代码）",
                    None => "",
                };
                format!("长度为 {len} 位，应为 {expected} 位{hint}")
            }
            IdError::BadCharacter {
                position,
                found,
                allowed,
                suggestion,
            } => {
                let tip = match suggestion {
                    Some(s) => format!("；是否应为“{s}”？"),
                    None => String::new(),
                };
                format!(
                    "第 {position} 位字符“{found}”不合法，此处只能是{}{tip}",
                    allowed.zh()
                )
            }
            IdError::BadCheckCharacter {
                position,
                expected,
                found,
            } => {
                format!(
                    "第 {position} 位校验码应为“{expected}”，实为“{found}”（代码有误，常见原因是抄错或顺序颠倒）"
                )
            }
            IdError::BadOrgCodeCheck { expected, found } => {
                format!("第 17 位（组织机构代码校验码）应为“{expected}”，实为“{found}”")
            }
            IdError::UnknownAuthorityType {
                authority,
                entity_type,
                authority_known,
            } => {
                if *authority_known {
                    format!("登记管理部门“{authority}”下没有机构类别“{entity_type}”（GB 32100）")
                } else {
                    format!(
                        "没有登记管理部门代码“{authority}”（GB 32100；机构类别“{entity_type}”）"
                    )
                }
            }
            IdError::UnknownRegion { code } => {
                format!("第 3–8 位登记管理机关行政区划码 {code} 不在行政区划代码表（GB/T 2260）中")
            }
            IdError::RuleData { reason } => {
                format!("登记管理部门与机构类别代码表无法读取：{reason}")
            }
        }
    }

    /// The message in English.
    ///
    /// ```
    /// let err = shangyun_ids::Uscc::parse("91350100M000100Y44").unwrap_err();
    /// assert_eq!(
    ///     err.message_en(),
    ///     "check character (position 18) should be '3', found '4' (the code is mistyped, often a wrong or swapped character)"
    /// );
    /// ```
    pub fn message_en(&self) -> String {
        match self {
            IdError::BadLength {
                len,
                expected,
                hint,
            } => {
                let hint = match hint {
                    Some(LengthHint::OldRegistrationNumber) => {
                        " (15 digits is an old business registration number 注册号; use the 18-character unified social credit code on the licence)"
                    }
                    Some(LengthHint::OrganizationCode) => {
                        " (9 characters looks like an organization code)"
                    }
                    Some(LengthHint::Uscc) => {
                        " (18 characters looks like a unified social credit code)"
                    }
                    None => "",
                };
                format!("length is {len}, expected {expected}{hint}")
            }
            IdError::BadCharacter {
                position,
                found,
                allowed,
                suggestion,
            } => {
                let tip = match suggestion {
                    Some(s) => format!("; did you mean '{s}'?"),
                    None => String::new(),
                };
                format!(
                    "character '{found}' at position {position} is not allowed, expected {}{tip}",
                    allowed.en()
                )
            }
            IdError::BadCheckCharacter {
                position,
                expected,
                found,
            } => format!(
                "check character (position {position}) should be '{expected}', found '{found}' (the code is mistyped, often a wrong or swapped character)"
            ),
            IdError::BadOrgCodeCheck { expected, found } => format!(
                "position 17 (the organization code's check character) should be '{expected}', found '{found}'"
            ),
            IdError::UnknownAuthorityType {
                authority,
                entity_type,
                authority_known,
            } => {
                if *authority_known {
                    format!(
                        "registering authority '{authority}' has no entity type '{entity_type}' (GB 32100)"
                    )
                } else {
                    format!(
                        "no registering authority '{authority}' (GB 32100; entity type '{entity_type}')"
                    )
                }
            }
            IdError::UnknownRegion { code } => format!(
                "region code {code} (positions 3-8) is not in the region code list (GB/T 2260)"
            ),
            IdError::RuleData { reason } => {
                format!("the authority/type table cannot be read: {reason}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_gives_both_languages() {
        let err = IdError::BadOrgCodeCheck {
            expected: '4',
            found: '5',
        };
        assert_eq!(
            err.to_string(),
            "第 17 位（组织机构代码校验码）应为“4”，实为“5” / position 17 (the organization code's check character) should be '4', found '5'"
        );
    }

    #[test]
    fn json_form_is_tagged_by_kind() {
        let err = IdError::BadCharacter {
            position: 10,
            found: 'O',
            allowed: CharClass::UsccAlphabet,
            suggestion: Some('0'),
        };
        let json = serde_json::to_value(&err).unwrap_or_default();
        assert_eq!(json["kind"], err.kind());
        assert_eq!(json["position"], 10);
        assert_eq!(json["found"], "O");
        assert_eq!(json["allowed"], "uscc_alphabet");
        assert_eq!(json["suggestion"], "0");
    }
}
