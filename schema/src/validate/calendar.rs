//! Just enough of the Gregorian calendar to check a birth date.
//!
//! A citizen ID number carries a birth date, which must be a real day and
//! must not lie in the future. That needs leap years, month lengths and
//! today's date — not enough to justify a date-time dependency in a crate
//! both the app and the relay build.

use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar date as (year, month 1..=12, day 1..=31). Tuples of this
/// shape order chronologically, which is all the comparisons here need.
pub(crate) type Date = (i32, u32, u32);

/// China Standard Time is UTC+8 all year round (no daylight saving).
const CHINA_UTC_OFFSET_SECS: u64 = 8 * 60 * 60;

const SECS_PER_DAY: u64 = 24 * 60 * 60;

/// Whether `year` has a 29 February: every fourth year, except centuries
/// not divisible by 400 (so 2000 is a leap year and 1900 is not).
pub(crate) fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in `month` of `year`, or 0 for a month outside 1..=12.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether (year, month, day) names a day that exists.
pub(crate) fn is_real_date((year, month, day): Date) -> bool {
    day >= 1 && day <= days_in_month(year, month)
}

/// The civil date `days` days after 1970-01-01.
///
/// Walks forward a year and then a month at a time. That is a few dozen
/// steps for any date this app will meet, and plainly correct, which
/// matters more here than the constant-time formulas.
pub(crate) fn date_from_unix_days(mut days: u64) -> Date {
    let mut year = 1970;
    loop {
        let year_len = if is_leap_year(year) { 366 } else { 365 };
        if days < year_len {
            break;
        }
        days -= year_len;
        year += 1;
    }
    let mut month = 1;
    loop {
        let month_len = u64::from(days_in_month(year, month));
        if days < month_len {
            break;
        }
        days -= month_len;
        month += 1;
    }
    // `days` is now below the month's length, which is at most 31.
    (year, month, days as u32 + 1)
}

/// Today's date in China.
///
/// Birth dates in ID numbers are Chinese civil dates. Taking "today" in UTC
/// would, between midnight and 08:00 Beijing time, refuse a child born that
/// day as born in the future. A clock set before 1970 reads as 1970-01-01,
/// which only makes the future-date check stricter.
pub(crate) fn today_in_china() -> Date {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    date_from_unix_days((secs + CHINA_UTC_OFFSET_SECS) / SECS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centuries_are_leap_years_only_when_divisible_by_400() {
        assert!(
            !is_leap_year(1900),
            "1900 is a century not divisible by 400"
        );
        assert!(is_leap_year(2000), "2000 is divisible by 400");
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(2023));
    }

    #[test]
    fn february_has_29_days_only_in_leap_years() {
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2021, 4), 30);
        assert_eq!(days_in_month(2021, 12), 31);
        assert_eq!(days_in_month(2021, 13), 0, "there is no thirteenth month");
    }

    #[test]
    fn real_dates_need_a_day_within_the_month() {
        assert!(is_real_date((2000, 2, 29)));
        assert!(!is_real_date((1900, 2, 29)));
        assert!(!is_real_date((2021, 4, 31)));
        assert!(!is_real_date((2021, 1, 0)));
        assert!(!is_real_date((2021, 0, 1)));
    }

    #[test]
    fn unix_day_zero_is_new_year_1970() {
        assert_eq!(date_from_unix_days(0), (1970, 1, 1));
    }

    #[test]
    fn unix_days_land_on_the_right_civil_date() {
        // 1970..=1999 is 30 years with 7 leap years: 30 * 365 + 7 = 10957.
        assert_eq!(date_from_unix_days(10_957), (2000, 1, 1));
        // Then 31 days of January and 28 of February reach the leap day.
        assert_eq!(date_from_unix_days(10_957 + 59), (2000, 2, 29));
        assert_eq!(date_from_unix_days(10_957 + 60), (2000, 3, 1));
        // 1970..=2023 is 54 years with 13 leap years: 54 * 365 + 13 = 19723.
        assert_eq!(date_from_unix_days(19_723 - 1), (2023, 12, 31));
        assert_eq!(date_from_unix_days(19_723), (2024, 1, 1));
    }

    #[test]
    fn today_is_a_real_date_after_this_code_was_written() {
        let today = today_in_china();

        assert!(is_real_date(today), "{today:?} must exist");
        assert!(
            today >= (2025, 1, 1),
            "{today:?} is before this code existed"
        );
    }
}
