//! Parsing a GB/T 4754 industry code as people write it: `C3311`, `3311`, `C33`, `331`, `C`,
//! with or without the section letter, lower case and full-width characters accepted.

use serde::{Serialize, Serializer};
use std::fmt;
use thiserror::Error;

/// A syntactically valid industry code: an optional section letter `A`–`Z` and 0, 2, 3 or 4
/// digits (division, group, class). Whether it exists is up to the list; see
/// [`IndustryList::get`](crate::IndustryList::get).
///
/// ```
/// use shangyun_codes::IndustryCode;
/// let code: IndustryCode = "c3311".parse()?;
/// assert_eq!(code.to_string(), "C3311");
/// assert_eq!("３３１１".parse::<IndustryCode>()?.to_string(), "3311");
/// # Ok::<(), shangyun_codes::IndustryCodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndustryCode {
    section: Option<u8>,
    digits: u8,
    number: u16,
}

impl IndustryCode {
    /// A code from its parts; `digits` must be 0, 2, 3 or 4 and `number` fit in them.
    pub fn new(section: Option<char>, digits: u8, number: u16) -> Option<Self> {
        let section = match section {
            Some(c) if c.is_ascii_uppercase() => Some(c as u8),
            Some(_) => return None,
            None => None,
        };
        let fits = match digits {
            0 => number == 0 && section.is_some(),
            2 => number < 100,
            3 => number < 1000,
            4 => number < 10_000,
            _ => false,
        };
        fits.then_some(Self {
            section,
            digits,
            number,
        })
    }

    /// The section letter if the code carries one.
    pub fn section(self) -> Option<char> {
        self.section.map(char::from)
    }

    /// Number of digits after the letter: 0 (section only), 2 (division), 3 (group), 4 (class).
    pub fn digits(self) -> u8 {
        self.digits
    }

    /// The digits as a number (`0331` → 331); 0 for a bare section.
    pub fn number(self) -> u16 {
        self.number
    }

    /// The same code with the section letter set.
    pub fn with_section(self, section: char) -> Self {
        Self {
            section: section.is_ascii_uppercase().then_some(section as u8),
            ..self
        }
    }

    /// The same code without the section letter.
    pub fn without_section(self) -> Self {
        Self {
            section: None,
            ..self
        }
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.section {
            write!(f, "{}", char::from(s))?;
        }
        if self.digits > 0 {
            write!(
                f,
                "{:0width$}",
                self.number,
                width = usize::from(self.digits)
            )?;
        }
        Ok(())
    }
}

impl Serialize for IndustryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why an industry code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IndustryCodeError {
    /// Nothing given.
    #[error("empty industry code")]
    Empty,
    /// Not a letter and/or 2–4 digits.
    #[error(
        "`{input}` is not an industry code: expected a section letter A–T and/or 2, 3 or 4 digits (e.g. C3311, 3311, C33, C)"
    )]
    Malformed {
        /// The input as given.
        input: String,
    },
    /// Well formed but not in the list.
    #[error("industry code {code} is not in {edition}")]
    NotFound {
        /// The code as parsed.
        code: String,
        /// The list's edition.
        edition: String,
    },
    /// The letter does not match the digits (e.g. `A3311`: 33 is in section C).
    #[error("industry code {code}: {digits} belongs to section {actual}, not {given}")]
    SectionMismatch {
        /// The code as parsed.
        code: String,
        /// The digits part.
        digits: String,
        /// The letter given.
        given: char,
        /// The letter the digits belong to.
        actual: char,
    },
}

impl std::str::FromStr for IndustryCode {
    type Err = IndustryCodeError;

    /// Accepts surrounding spaces, a lower-case letter and full-width letters and digits
    /// (common when codes are typed with a Chinese input method). Allocation-free unless the
    /// input is rejected.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(IndustryCodeError::Empty);
        }
        let malformed = || IndustryCodeError::Malformed {
            input: trimmed.to_owned(),
        };
        let mut chars = trimmed.chars().map(to_half_width).peekable();
        let section = match chars.peek() {
            Some(c) if c.is_ascii_alphabetic() => {
                let s = c.to_ascii_uppercase();
                chars.next();
                Some(s)
            }
            _ => None,
        };
        let mut digits = 0u8;
        let mut number = 0u16;
        for c in chars {
            match c.to_digit(10) {
                Some(d) if digits < 4 => {
                    digits += 1;
                    // `d` < 10 and at most 4 digits: fits in u16.
                    number = number * 10 + d as u16;
                }
                _ => return Err(malformed()),
            }
        }
        if digits == 1 {
            return Err(malformed());
        }
        Self::new(section, digits, number).ok_or_else(malformed)
    }
}

/// Full-width ASCII forms (U+FF01–U+FF5E) to ASCII; anything else unchanged.
fn to_half_width(c: char) -> char {
    match u32::from(c) {
        cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_written_forms() {
        for (input, shown) in [
            ("C3311", "C3311"),
            ("3311", "3311"),
            (" c3311 ", "C3311"),
            ("Ｃ３３１１", "C3311"),
            ("0111", "0111"),
            ("A011", "A011"),
            ("01", "01"),
            ("C", "C"),
        ] {
            let code: IndustryCode = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(code.to_string(), shown, "{input}");
        }
    }

    #[test]
    fn rejects_other_shapes() {
        assert_eq!("".parse::<IndustryCode>(), Err(IndustryCodeError::Empty));
        for input in ["3", "C3", "33111", "C33-1", "CC33", "33C", "３３一"] {
            assert!(
                matches!(
                    input.parse::<IndustryCode>(),
                    Err(IndustryCodeError::Malformed { .. })
                ),
                "{input}"
            );
        }
    }
}
