//! The reporting window: local dates (Asia/Shanghai by default) to a half-open ms range.

use chrono::{Datelike, Months, NaiveDate};
use shangyun_energy::{Tz, calendar::day_start_ms};

/// The earliest and latest years a window may touch (meter timestamps are validated to
/// 1970..=9999; revenue years in the registry are far narrower).
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2100;
/// The longest window, in days: ten years by day is already 3,650 rows.
pub const MAX_DAYS: i64 = 3_700;

/// A bad window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// Not `YYYY-MM-DD`, or outside 1970..=2100.
    #[error(
        "{field}: '{value}' is not a date YYYY-MM-DD between 1970 and 2100 / 不是 1970 至 2100 年间的日期 YYYY-MM-DD"
    )]
    BadDate { field: &'static str, value: String },
    /// `from` after `to`.
    #[error("from {from} is after to {to} / 起始日期晚于结束日期")]
    Reversed { from: NaiveDate, to: NaiveDate },
    /// Longer than [`MAX_DAYS`].
    #[error(
        "the window {from}..{to} is longer than {MAX_DAYS} days; ask for less / 时间范围超过 {MAX_DAYS} 天，请缩小"
    )]
    TooLong { from: NaiveDate, to: NaiveDate },
    /// `by` is not day or month.
    #[error("by: '{0}' is not day or month / 汇总粒度只能是 day 或 month")]
    BadBy(String),
}

/// Parses `YYYY-MM-DD` (1970..=2100).
pub fn parse_date(field: &'static str, value: &str) -> Result<NaiveDate, WindowError> {
    let bad = || WindowError::BadDate {
        field,
        value: value.chars().take(40).collect(),
    };
    let d = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        return Err(bad());
    }
    Ok(d)
}

/// Twelve months up to `today`: from the first day of the month eleven months back.
pub fn default_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = today.with_day(1).unwrap_or(today);
    let from = first.checked_sub_months(Months::new(11)).unwrap_or(first);
    (from, today)
}

/// `[start of from, start of the day after to)` in ms UTC, checked.
pub fn window_ms(tz: Tz, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64), WindowError> {
    if from > to {
        return Err(WindowError::Reversed { from, to });
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(WindowError::TooLong { from, to });
    }
    let end_day = to.succ_opt().unwrap_or(to);
    Ok((day_start_ms(tz, from), day_start_ms(tz, end_day)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_windows() {
        assert!(parse_date("from", "2025-12-01").is_ok());
        assert!(parse_date("from", "1969-12-31").is_err());
        assert!(parse_date("from", "2025-13-01").is_err());
        assert!(parse_date("from", "x").is_err());
        let d = |s| parse_date("d", s).expect("date");
        let (a, b) = window_ms(
            shangyun_energy::DEFAULT_TZ,
            d("2025-12-01"),
            d("2025-12-01"),
        )
        .expect("window");
        assert_eq!(a, 1_764_518_400_000); // 00:00 Asia/Shanghai
        assert_eq!(b - a, 86_400_000);
        assert!(
            window_ms(
                shangyun_energy::DEFAULT_TZ,
                d("2025-12-02"),
                d("2025-12-01")
            )
            .is_err()
        );
        assert!(
            window_ms(
                shangyun_energy::DEFAULT_TZ,
                d("2000-01-01"),
                d("2025-12-01")
            )
            .is_err()
        );
        assert_eq!(
            default_window(d("2025-12-15")),
            (d("2025-01-01"), d("2025-12-15"))
        );
    }
}
