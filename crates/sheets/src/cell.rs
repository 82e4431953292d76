//! One cell as a spreadsheet stores it, before anyone interprets it.

use chrono::NaiveDateTime;
use serde::Serialize;
use std::fmt;

/// A cell's value with the type the file gave it.
///
/// CSV has no types: every non-empty CSV field is [`Cell::Text`]. XLSX cells keep Excel's
/// types, so a code typed into a cell formatted as a number arrives as [`Cell::Number`] and
/// the importer can tell that Excel has dropped its leading zeros.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Cell {
    /// No value (absent from the file, an empty CSV field, or a formula with no cached value).
    Empty,
    /// Text, as stored (never trimmed here).
    Text(String),
    /// A number.
    Number(f64),
    /// A number that Excel displays as a percentage: `35%` is stored as `0.35`, and this
    /// holds `0.35`.
    Percent(f64),
    /// A number that Excel displays as a date or a date-time.
    Date(NaiveDateTime),
    /// TRUE / FALSE.
    Bool(bool),
    /// An Excel error value such as `#DIV/0!` or `#N/A`.
    Error(String),
}

impl Cell {
    /// True for [`Cell::Empty`] and for text that is only white space.
    ///
    /// ```
    /// use shangyun_sheets::Cell;
    /// assert!(Cell::Text(" \u{3000}".into()).is_blank());
    /// assert!(!Cell::Number(0.0).is_blank());
    /// ```
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// How the cell would read in a report: text as is, numbers without a trailing `.0`,
/// percentages as `35%`, dates as `2020-01-02` (with the time only when it is not midnight).
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(text) => f.write_str(text),
            Cell::Number(number) => write!(f, "{number}"),
            Cell::Percent(fraction) => write!(f, "{}%", fraction * 100.0),
            Cell::Date(date_time) => {
                if date_time.time() == chrono::NaiveTime::MIN {
                    write!(f, "{}", date_time.date())
                } else {
                    write!(f, "{date_time}")
                }
            }
            Cell::Bool(true) => f.write_str("TRUE"),
            Cell::Bool(false) => f.write_str("FALSE"),
            Cell::Error(code) => f.write_str(code),
        }
    }
}

/// The column letter Excel shows for a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
///
/// ```
/// use shangyun_sheets::column_letter;
/// assert_eq!(column_letter(0), "A");
/// assert_eq!(column_letter(27), "AB");
/// assert_eq!(column_letter(16_383), "XFD"); // Excel's last column
/// ```
pub fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn column_letters_at_the_carry_edges() {
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(51), "AZ");
        assert_eq!(column_letter(52), "BA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn display_reads_like_the_sheet() {
        assert_eq!(Cell::Number(1234.0).to_string(), "1234");
        assert_eq!(Cell::Number(0.5).to_string(), "0.5");
        assert_eq!(Cell::Percent(0.35).to_string(), "35%");
        let midnight = NaiveDate::from_ymd_opt(2020, 1, 2)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(Cell::Date);
        assert_eq!(
            midnight.map(|c| c.to_string()).as_deref(),
            Some("2020-01-02")
        );
        assert_eq!(Cell::Empty.to_string(), "");
    }
}
