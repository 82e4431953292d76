//! Reading one cell as a number, a date, a year or a code, the way people type them.

use crate::issue::{IssueKind, Reason};
use chrono::{Datelike, NaiveDate};
use shangyun_sheets::Cell;
use std::borrow::Cow;

/// Why a cell could not be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub(crate) kind: IssueKind,
    pub(crate) reason: Reason,
}

impl Problem {
    pub(crate) fn new(kind: IssueKind, zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            kind,
            reason: Reason::new(zh, en),
        }
    }
}

/// A number read from a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Number {
    /// The value as written (a percentage as its number of percent: "35%" → 35).
    pub(crate) value: f64,
    /// Written with a `%` sign or shown by Excel as a percentage.
    pub(crate) percent: bool,
}

/// Placeholders people put in for "nothing": read as empty.
const NOTHING: [&str; 9] = ["-", "—", "–", "--", "/", "无", "空", "n/a", "na"];

/// Full-width digits and signs to ASCII; every kind of space removed.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2212}' => '-',
            _ => c,
        };
        if !(c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}') {
            out.push(c);
        }
    }
    out
}

/// Reads a number. `suffixes` are unit spellings the cell may end with (those of the unit
/// the header states, e.g. `万元` or `人`).
pub(crate) fn number(cell: &Cell, suffixes: &[String]) -> Result<Option<Number>, Problem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => Ok(Some(Number {
            value: *n,
            percent: false,
        })),
        Cell::Percent(fraction) => Ok(Some(Number {
            value: fraction * 100.0,
            percent: true,
        })),
        Cell::Text(text) => number_text(text, suffixes),
        Cell::Bool(_) | Cell::Date(_) => Err(not_a_number()),
        Cell::Error(code) => Err(formula_error(code)),
    }
}

fn not_a_number() -> Problem {
    Problem::new(IssueKind::NotANumber, "不是数字", "not a number")
}

pub(crate) fn formula_error(code: &str) -> Problem {
    Problem::new(
        IssueKind::NotANumber,
        format!("公式出错（{code}），请在 Excel 中修正公式"),
        format!("the formula gives an error ({code}): fix it in Excel"),
    )
}

fn number_text(text: &str, suffixes: &[String]) -> Result<Option<Number>, Problem> {
    // Fast path: plain ASCII numbers, the common case in big files.
    let trimmed = text.trim();
    if !trimmed.is_empty()
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && let Ok(value) = trimmed.parse::<f64>()
    {
        return Ok(Some(Number {
            value,
            percent: false,
        }));
    }
    let mut s = fold(text);
    if s.is_empty() || NOTHING.contains(&s.to_lowercase().as_str()) {
        return Ok(None);
    }
    for suffix in suffixes {
        if let Some(rest) = s.strip_suffix(suffix.as_str())
            && !rest.is_empty()
        {
            s = rest.to_string();
            break;
        }
    }
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true; // accounting style (1,234) = -1234
        s = inner.to_string();
    }
    let percent = s.ends_with('%');
    if percent {
        s.pop();
    }
    if s.contains(',') {
        s = strip_thousands(&s).ok_or_else(|| {
            Problem::new(
                IssueKind::NotANumber,
                "逗号位置不是千分位（如 1,234.5），无法判断数值",
                "the commas are not thousands separators (as in 1,234.5): the value is ambiguous",
            )
        })?;
    }
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && s.chars().any(|c| c.is_ascii_digit());
    let value: f64 = if plain { s.parse().ok() } else { None }.ok_or_else(|| {
        let hint_zh = if suffixes.is_empty() {
            String::new()
        } else {
            format!(
                "（可带单位“{}”）",
                suffixes.first().map_or("", String::as_str)
            )
        };
        Problem::new(
            IssueKind::NotANumber,
            format!("不是数字{hint_zh}"),
            "not a number",
        )
    })?;
    Ok(Some(Number {
        value: if negative { -value } else { value },
        percent,
    }))
}

/// `1,234,567.5` → `1234567.5`; `None` when the commas are not in groups of three.
fn strip_thousands(s: &str) -> Option<String> {
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let first_ok = groups
        .first()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = groups[1..]
        .iter()
        .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !(first_ok && rest_ok) {
        return None;
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// A whole number (persons, items): `12`, `12.0`, `1,200`, `12人`.
pub(crate) fn whole(cell: &Cell, suffixes: &[String]) -> Result<Option<f64>, Problem> {
    match number(cell, suffixes)? {
        None => Ok(None),
        Some(n) if n.percent => Err(Problem::new(
            IssueKind::NotANumber,
            "应为整数，不是百分数",
            "expected a whole number, not a percentage",
        )),
        Some(n) if n.value.fract() != 0.0 => Err(Problem::new(
            IssueKind::NotANumber,
            "应为整数",
            "expected a whole number",
        )),
        Some(n) => Ok(Some(n.value)),
    }
}

/// Days from 1899-12-30 (Excel's day 0 once its fictitious 1900-02-29 is accounted for).
fn from_serial(serial: f64) -> Option<NaiveDate> {
    let days = serial.floor();
    if !(1.0..2_958_466.0).contains(&days) || days == 60.0 {
        return None; // 60 is 1900-02-29, a day that never was
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 60.0 { days + 1.0 } else { days };
    base.checked_add_days(chrono::Days::new(days as u64))
}

fn from_yyyymmdd(n: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt((n / 10_000) as i32, (n / 100) % 100, n % 100)
}

fn invalid_date(zh: &str, en: &str) -> Problem {
    Problem::new(
        IssueKind::InvalidDate,
        format!("{zh}（可写作 2020-01-02、2020/1/2 或 2020年1月2日）"),
        format!("{en} (write 2020-01-02, 2020/1/2 or 2020年1月2日)"),
    )
}

/// A calendar date: an Excel date, an Excel serial number, `yyyymmdd`, or text with `-`,
/// `/`, `.` or 年月日.
pub(crate) fn date(cell: &Cell) -> Result<Option<NaiveDate>, Problem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(dt) => Ok(Some(dt.date())),
        Cell::Number(n) => date_number(*n).map(Some),
        Cell::Text(text) => date_text(text),
        Cell::Percent(_) | Cell::Bool(_) => Err(invalid_date("不是日期", "not a date")),
        Cell::Error(code) => Err(formula_error(code)),
    }
}

fn date_number(n: f64) -> Result<NaiveDate, Problem> {
    if n.fract() == 0.0 && (1900.0..=2100.0).contains(&n) {
        return Err(invalid_date(
            "只有年份，缺少月和日",
            "only a year, no month and day",
        ));
    }
    if n.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(&n) {
        return from_yyyymmdd(n as u32)
            .ok_or_else(|| invalid_date("不是有效日期", "not a valid date"));
    }
    from_serial(n).ok_or_else(|| invalid_date("不是日期", "not a date"))
}

/// `YYYY-MM-DD` exactly, the common case in big files, without allocating.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

fn date_text(text: &str) -> Result<Option<NaiveDate>, Problem> {
    if let Some(date) = iso_date(text.trim()) {
        return Ok(Some(date));
    }
    // Drop a time part first ("2020-01-02 00:00:00", "2020-01-02T08:30"): it starts at the
    // last space or `T` before the first colon.
    let raw = text.trim();
    let raw = match raw.find([':', '：']) {
        Some(colon) => raw[..colon]
            .rfind(|c: char| c.is_whitespace() || c == 'T')
            .map_or(raw, |cut| &raw[..cut]),
        None => raw,
    };
    let s = fold(raw);
    if s.is_empty() || NOTHING.contains(&s.as_str()) {
        return Ok(None);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.len() {
            8 => s
                .parse::<u32>()
                .ok()
                .and_then(from_yyyymmdd)
                .map(Some)
                .ok_or_else(|| invalid_date("不是有效日期", "not a valid date")),
            1..=7 => s
                .parse::<f64>()
                .map_err(|_| invalid_date("不是日期", "not a date"))
                .and_then(date_number)
                .map(Some),
            _ => Err(invalid_date("不是日期", "not a date")),
        };
    }
    let day = s.as_str();
    let unified: String = day
        .replace(['年', '月'], "-")
        .replace(['日', '号'], "")
        .replace(['/', '.'], "-");
    let parts: Vec<&str> = unified.split('-').filter(|p| !p.is_empty()).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(invalid_date("不是日期", "not a date"));
    };
    if y.len() != 4 {
        return Err(invalid_date(
            "年份应在前并写满 4 位",
            "the year must come first, with 4 digits",
        ));
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(invalid_date("不是日期", "not a date"));
    };
    NaiveDate::from_ymd_opt(y, m, d)
        .map(Some)
        .ok_or_else(|| invalid_date("不是有效日期", "not a valid date"))
}

/// A year: `2024`, `2024.0`, `2024年`, `2024年度`.
pub(crate) fn year(cell: &Cell) -> Result<Option<i32>, Problem> {
    let bad = || {
        Problem::new(
            IssueKind::InvalidYear,
            "年度应为 4 位年份，如 2024",
            "the year must be 4 digits, e.g. 2024",
        )
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if n.fract() == 0.0 && (1000.0..10000.0).contains(n) => Ok(Some(*n as i32)),
        Cell::Date(dt) => Ok(Some(dt.date().year())),
        Cell::Text(text) => {
            let s = fold(text);
            if s.is_empty() {
                return Ok(None);
            }
            let s = s.trim_end_matches('度').trim_end_matches('年');
            let s = s.strip_suffix(".0").unwrap_or(s);
            match s.parse::<i32>() {
                Ok(y) if (1000..10000).contains(&y) => Ok(Some(y)),
                _ => Err(bad()),
            }
        }
        Cell::Error(code) => Err(formula_error(code)),
        _ => Err(bad()),
    }
}

/// A code read as text. Returns the text and whether it came from a number cell (so its
/// leading zeros may be gone).
pub(crate) fn code(cell: &Cell) -> Result<Option<(String, bool)>, Problem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(text) => {
            let t = text.trim();
            Ok((!t.is_empty()).then(|| (t.to_string(), false)))
        }
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e15 => {
            Ok(Some((format!("{n:.0}"), true)))
        }
        Cell::Error(code) => Err(formula_error(code)),
        _ => Err(Problem::new(
            IssueKind::NotANumber,
            "不是代码（请将该列设为文本格式）",
            "not a code (format the column as Text)",
        )),
    }
}

/// The trimmed text of a text cell, without copying; other cells as [`text`] reads them.
pub(crate) fn peek(cell: &Cell) -> Result<Option<Cow<'_, str>>, Problem> {
    match cell {
        Cell::Text(t) => {
            let t = t.trim();
            Ok((!t.is_empty()).then_some(Cow::Borrowed(t)))
        }
        other => Ok(text(other)?.map(Cow::Owned)),
    }
}

/// [`text`], taking the cell's string instead of copying it when it needs no trimming (the
/// row is consumed by the import; this saves an allocation per text cell).
pub(crate) fn take_text(cell: &mut Cell) -> Result<Option<String>, Problem> {
    match cell {
        Cell::Text(t) if t.trim().len() == t.len() => {
            Ok((!t.is_empty()).then(|| std::mem::take(t)))
        }
        other => text(other),
    }
}

/// Text as is (trimmed); numbers as Excel shows them (a phone typed as a number).
pub(crate) fn text(cell: &Cell) -> Result<Option<String>, Problem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) => {
            let t = t.trim();
            Ok((!t.is_empty()).then(|| t.to_string()))
        }
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(Some(format!("{n:.0}"))),
        Cell::Error(code) => Err(formula_error(code)),
        other => Ok(Some(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn value(cell: Cell) -> Option<f64> {
        number(&cell, &["万元".to_string(), "万".to_string()])
            .ok()
            .flatten()
            .map(|n| n.value)
    }

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(value(t("1234.5")), Some(1234.5));
        assert_eq!(value(t("1,234.5")), Some(1234.5));
        assert_eq!(value(t("1，234.5")), Some(1234.5)); // full-width comma
        assert_eq!(value(t("１２３４．５")), Some(1234.5)); // full-width digits
        assert_eq!(value(t(" 12 345 ")), Some(12345.0)); // spaces as separators
        assert_eq!(value(t("1,234,567")), Some(1_234_567.0));
        assert_eq!(value(t("-1,234")), Some(-1234.0));
        assert_eq!(value(t("(1,234)")), Some(-1234.0));
        assert_eq!(value(t("8500万元")), Some(8500.0));
        assert_eq!(value(t("1.5E+3")), Some(1500.0));
        assert_eq!(value(Cell::Number(7.0)), Some(7.0));
        assert_eq!(value(t("—")), None);
        assert_eq!(value(t("  ")), None);
    }

    #[test]
    fn percentages_are_read_as_percent() {
        let n = number(&t("35%"), &[]);
        assert_eq!(
            n,
            Ok(Some(Number {
                value: 35.0,
                percent: true
            }))
        );
        let n = number(&t("35.5％"), &[]);
        assert_eq!(
            n,
            Ok(Some(Number {
                value: 35.5,
                percent: true
            }))
        );
        let n = number(&Cell::Percent(0.35), &[]).ok().flatten();
        assert!(n.is_some_and(|n| n.percent && (n.value - 35.0).abs() < 1e-9));
    }

    #[test]
    fn ambiguous_or_foreign_numbers_are_refused() {
        for bad in [
            "1,23", "12,34.5", "1.234,5", "abc", "inf", "NaN", "12元", "1e", "+",
        ] {
            assert!(number(&t(bad), &["万元".to_string()]).is_err(), "{bad}");
        }
        assert!(number(&Cell::Error("#DIV/0!".into()), &[]).is_err());
    }

    #[test]
    fn whole_numbers_only_for_counts() {
        assert_eq!(whole(&t("12"), &[]), Ok(Some(12.0)));
        assert_eq!(whole(&t("12人"), &["人".to_string()]), Ok(Some(12.0)));
        assert_eq!(whole(&Cell::Number(12.0), &[]), Ok(Some(12.0)));
        assert!(whole(&t("12.5"), &[]).is_err());
        assert!(whole(&t("十二"), &[]).is_err());
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_in_every_usual_spelling() {
        for s in [
            "2020-01-02",
            "2020/1/2",
            "2020.1.2",
            "2020年1月2日",
            "２０２０年１月２日",
            "20200102",
            "2020-01-02 00:00:00",
            "2020-01-02T08:30:00",
            "2020/01/02 8:30",
            "43832",
        ] {
            assert_eq!(date(&t(s)).ok().flatten(), ymd(2020, 1, 2), "{s}");
        }
        assert_eq!(date(&Cell::Number(43832.0)).ok().flatten(), ymd(2020, 1, 2));
        assert_eq!(
            date(&Cell::Number(20200102.0)).ok().flatten(),
            ymd(2020, 1, 2)
        );
    }

    #[test]
    fn excel_serial_edges() {
        // Serial 1 is 1900-01-01; 59 is 1900-02-28; 60 is Excel's 1900-02-29, never a day;
        // 61 is 1900-03-01.
        assert_eq!(date(&Cell::Number(1.0)).ok().flatten(), ymd(1900, 1, 1));
        assert_eq!(date(&Cell::Number(59.0)).ok().flatten(), ymd(1900, 2, 28));
        assert!(date(&Cell::Number(60.0)).is_err());
        assert_eq!(date(&Cell::Number(61.0)).ok().flatten(), ymd(1900, 3, 1));
        assert_eq!(
            date(&Cell::Number(43831.75)).ok().flatten(),
            ymd(2020, 1, 1)
        );
    }

    #[test]
    fn not_dates() {
        for s in [
            "2020-13-01",
            "2020-02-30",
            "1/2/2020",
            "2020",
            "明天",
            "2020-01",
        ] {
            assert!(date(&t(s)).is_err(), "{s}");
        }
        assert!(date(&Cell::Number(2020.0)).is_err());
    }

    #[test]
    fn years() {
        assert_eq!(year(&t("2024")), Ok(Some(2024)));
        assert_eq!(year(&t("2024年")), Ok(Some(2024)));
        assert_eq!(year(&t("2024年度")), Ok(Some(2024)));
        assert_eq!(year(&Cell::Number(2024.0)), Ok(Some(2024)));
        assert!(year(&t("24")).is_err());
        assert!(year(&Cell::Number(2024.5)).is_err());
    }

    #[test]
    fn codes_remember_whether_they_were_numbers() {
        assert_eq!(code(&t(" 0111 ")), Ok(Some(("0111".into(), false))));
        assert_eq!(code(&Cell::Number(111.0)), Ok(Some(("111".into(), true))));
        assert!(code(&Cell::Number(1.5)).is_err());
    }
}
