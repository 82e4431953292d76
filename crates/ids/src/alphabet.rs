//! The two character sets: GB 32100's 31-character alphabet and GB 11714's digits + A–Z.

/// The 统一社会信用代码 alphabet (GB 32100-2015): digits and upper-case letters without
/// I, O, S, V, Z. A character's value is its index here.
pub const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Value of each ASCII byte in the USCC alphabet, 255 when it is not in the alphabet.
const USCC_VALUES: [u8; 128] = {
    let mut table = [u8::MAX; 128];
    let mut i = 0;
    while i < USCC_CHARS.len() {
        table[USCC_CHARS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Value of `c` in the USCC alphabet (0–30), `None` for any other character.
pub(crate) fn uscc_value(c: char) -> Option<u32> {
    let code = c as usize;
    match USCC_VALUES.get(code) {
        Some(&v) if v != u8::MAX => Some(u32::from(v)),
        _ => None,
    }
}

/// Character of value `v` (taken mod 31) in the USCC alphabet.
pub(crate) fn uscc_char(v: u32) -> char {
    char::from(USCC_CHARS[(v % 31) as usize])
}

/// Value of an organization-code body character (GB 11714): 0–9, then A–Z = 10–35.
pub(crate) fn org_body_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

/// A likely intended character for a character outside the USCC alphabet: the standard
/// leaves out I and O because they are read as 1 and 0.
pub(crate) fn look_alike_digit(c: char) -> Option<char> {
    match c {
        'O' => Some('0'),
        'I' => Some('1'),
        _ => None,
    }
}
