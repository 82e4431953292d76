//! Input clean-up: what people paste is rarely the bare 18 characters.

/// Normalises an identifier as typed or pasted: full-width forms (ＡＢＣ１２３, the
/// ideographic space) become ASCII, white space, hyphens/dashes and invisible characters
/// (zero-width space, byte-order mark) are dropped, and ASCII letters are upper-cased.
///
/// Nothing else is changed: in particular the letter `O` is *not* turned into `0`; parsing
/// reports it as a bad character with that suggestion instead, so a wrong code is never
/// silently "repaired" into a different valid one.
///
/// ```
/// assert_eq!(shangyun_ids::normalize(" ９１３５０１００ｍ000100-y43\u{3000}"), "91350100M000100Y43");
/// assert_eq!(shangyun_ids::normalize("M000100Y-4"), "M000100Y4");
/// ```
pub fn normalize(input: &str) -> String {
    normalized_chars(input).collect()
}

/// The characters of [`normalize`] without allocating.
pub(crate) fn normalized_chars(input: &str) -> impl Iterator<Item = char> + '_ {
    input
        .chars()
        .map(fold_width)
        .filter(|&c| !is_separator(c))
        .map(|c| c.to_ascii_uppercase())
}

/// Full-width ASCII forms (U+FF01–U+FF5E) map to ASCII; the ideographic space to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Characters people put between the groups of a code, or that ride along invisibly.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'..='\u{2015}' // hyphen, non-breaking hyphen, figure/en/em dash, bar
                | '\u{2212}' // minus sign
                | '\u{FE58}' | '\u{FE63}' // small em dash, small hyphen-minus
                | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' // zero-width, BOM
        )
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_full_width_digits_letters_and_ideographic_space() {
        assert_eq!(
            normalize("９１１１０１０８５５１３８５０８２ｑ"),
            "91110108551385082Q"
        );
        assert_eq!(normalize("Ａ\u{3000}Ｂ"), "AB");
    }

    #[test]
    fn drops_spaces_tabs_hyphens_dashes_and_invisibles() {
        assert_eq!(
            normalize("\u{FEFF}9 1\t350100－M000100Y\u{2014}4\u{200B}3\r\n"),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn upper_cases_but_keeps_letter_o() {
        assert_eq!(normalize("91350100m0o0100y43"), "91350100M0O0100Y43");
    }

    #[test]
    fn keeps_other_characters_for_the_parser_to_report() {
        assert_eq!(normalize("91é/"), "91é/");
    }
}
