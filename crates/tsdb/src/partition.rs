//! Where chunk files live: `chunks/<owner>/<yyyy-mm-dd>/<gen>-<sub>.chunk`, one directory per
//! owner and UTC day, so retention deletes whole files and directories.

use std::path::{Path, PathBuf};

use crate::chunk::FileRank;

/// Milliseconds per day.
pub const DAY_MS: i64 = 86_400_000;

/// The UTC day (days since 1970-01-01) of a timestamp in ms.
pub fn day_of(ts: i64) -> i64 {
    ts.div_euclid(DAY_MS)
}

/// `yyyy-mm-dd` of a day number (proleptic Gregorian; H. Hinnant's civil_from_days).
pub fn day_name(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The file name of a chunk file of `rank`.
pub fn file_name(rank: FileRank) -> String {
    format!("{:012}-{:03}.chunk", rank.0, rank.1)
}

/// Parses a chunk file name back into its rank.
pub fn parse_file_name(name: &str) -> Option<FileRank> {
    let stem = name.strip_suffix(".chunk")?;
    let (g, s) = stem.split_once('-')?;
    Some((g.parse().ok()?, s.parse().ok()?))
}

/// The directory of a partition.
pub fn partition_dir(root: &Path, owner: &str, day: i64) -> PathBuf {
    root.join(owner).join(day_name(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(day_name(0), "1970-01-01");
        assert_eq!(day_name(day_of(1_700_000_000_000)), "2023-11-14");
        assert_eq!(day_name(day_of(951_782_400_000)), "2000-02-29");
        assert_eq!(day_of(DAY_MS - 1), 0);
        assert_eq!(day_of(DAY_MS), 1);
        assert_eq!(parse_file_name(&file_name((12, 3))), Some((12, 3)));
    }
}
