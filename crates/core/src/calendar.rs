//! Proleptic Gregorian calendar arithmetic in UTC, without a date crate.
//!
//! Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".

/// Milliseconds in one UTC day (no leap seconds, as in Unix time).
pub(crate) const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of the civil date `year-month-day` (`month` 1..=12, `day` 1..=31).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of the day `days` since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both values are in range by construction; the fallbacks are never taken.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Whether `year` is a leap year.
pub(crate) fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` (1..=12) of `year`; 0 for an invalid month.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Milliseconds since the Unix epoch of `year-month-day 00:00:00 UTC`, saturating at the `i64` range.
pub(crate) fn ms_from_civil(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, month, day).saturating_mul(MS_PER_DAY)
}

/// The civil date `(year, month, day)` containing the UTC instant `ms`.
pub(crate) fn civil_from_ms(ms: i64) -> (i64, u32, u32) {
    civil_from_days(ms.div_euclid(MS_PER_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // 2024-02-29 00:00:00 UTC = 1709164800
        assert_eq!(ms_from_civil(2024, 2, 29), 1_709_164_800_000);
        assert_eq!(civil_from_ms(1_709_164_800_000 + 43_200_000), (2024, 2, 29));
        // 2000-03-01 = 11017 days
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn round_trip_over_many_days() {
        let mut expected = (1899, 12, 31);
        for days in days_from_civil(1899, 12, 31)..days_from_civil(2101, 1, 1) {
            let got = civil_from_days(days);
            assert_eq!(got, expected, "day {days}");
            assert_eq!(days_from_civil(got.0, got.1, got.2), days);
            // advance `expected` by one day
            let (y, m, d) = expected;
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2025));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2024, 13), 0);
    }
}
