//! Local calendar days and months: energy intervals are split across local midnights in
//! proportion to time (the meter tells how much, not exactly when within an interval).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use crate::meter::Interval;

/// The default time zone of the programme (China Standard Time, UTC+8, no DST since 1991).
pub const DEFAULT_TZ: Tz = chrono_tz::Asia::Shanghai;

/// A calendar month, e.g. `2025-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl From<NaiveDate> for Month {
    fn from(d: NaiveDate) -> Self {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }
}

/// The local date of an instant.
pub fn local_date(tz: Tz, ts_ms: i64) -> NaiveDate {
    match tz.timestamp_millis_opt(ts_ms).single() {
        Some(t) => t.date_naive(),
        // Out of chrono's range (validation keeps timestamps in 1970..=9999, so only bad
        // input gets here): the UTC date, or the epoch.
        None => chrono::DateTime::from_timestamp_millis(ts_ms)
            .map(|t| t.date_naive())
            .unwrap_or_default(),
    }
}

/// The instant (ms UTC) a local date starts. Where midnight does not exist (a DST gap at
/// 00:00 in some zones) the first instant after it.
pub fn day_start_ms(tz: Tz, date: NaiveDate) -> i64 {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.timestamp_millis(),
        None => {
            // Skip forward by whole hours until a local time exists.
            (1..=3)
                .find_map(|h| {
                    tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                        .earliest()
                })
                .map_or_else(
                    || midnight.and_utc().timestamp_millis(),
                    |t| t.timestamp_millis(),
                )
        }
    }
}

/// kWh per local day of `intervals`, each split across midnights in proportion to time.
pub fn by_day(tz: Tz, intervals: &[Interval]) -> BTreeMap<NaiveDate, f64> {
    let mut days: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for iv in intervals {
        if iv.kwh == 0.0 || iv.end <= iv.start {
            continue;
        }
        let len = (iv.end - iv.start) as f64;
        let mut date = local_date(tz, iv.start);
        let mut from = iv.start;
        loop {
            let next = date
                .succ_opt()
                .map_or(i64::MAX, |d| day_start_ms(tz, d))
                .max(from + 1);
            let to = next.min(iv.end);
            *days.entry(date).or_default() += iv.kwh * ((to - from) as f64 / len);
            if to >= iv.end {
                break;
            }
            from = to;
            date = local_date(tz, from);
        }
    }
    days
}

/// Sums days into months.
pub fn by_month(days: &BTreeMap<NaiveDate, f64>) -> BTreeMap<Month, f64> {
    let mut months: BTreeMap<Month, f64> = BTreeMap::new();
    for (d, kwh) in days {
        *months.entry(Month::from(*d)).or_default() += kwh;
    }
    months
}
