//! The demo's fixed "now" and the calendar arithmetic it needs.
//!
//! Nothing in the demo reads the wall clock: the same seed must build the
//! same database on any day. The demo's "now" comes from the seed instead —
//! a seed that reads as a date (`YYYYMMDD`, as the default 20261204 does)
//! is that day at 08:00 Beijing time; any other seed uses 2026-11-01.

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 3_600_000;

/// Beijing time is UTC+8 all year.
const CHINA_OFFSET_MS: i64 = 8 * HOUR_MS;

/// The start of a working day, Beijing time, as hours after midnight.
const WORKDAY_START_HOUR: i64 = 8;

/// The demo's "now" for `seed`, in milliseconds since the Unix epoch.
pub fn demo_now_ms(seed: u64) -> i64 {
    let (year, month, day) = seed_as_date(seed).unwrap_or((2026, 11, 1));
    days_from_civil(year, month, day) * DAY_MS + WORKDAY_START_HOUR * HOUR_MS - CHINA_OFFSET_MS
}

/// The seed as a calendar date, if it spells one between 2000 and 2099.
fn seed_as_date(seed: u64) -> Option<(i64, u32, u32)> {
    let year = (seed / 10_000) as i64;
    let month = (seed / 100 % 100) as u32;
    let day = (seed % 100) as u32;
    let real = (2000..2100).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month);
    real.then_some((year, month, day))
}

/// The Beijing calendar day of an instant, as days since 1970-01-01.
pub fn china_day(at_ms: i64) -> i64 {
    (at_ms + CHINA_OFFSET_MS).div_euclid(DAY_MS)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days
/// algorithm run backwards: years start in March so leap days come last).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_and_dates_convert_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-1, 0, 59, 11_016, 11_017, 20_759, 47_482] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn a_date_seed_is_eight_in_the_morning_of_that_day_in_beijing() {
        let now = demo_now_ms(20261204);

        assert_eq!(civil_from_days(china_day(now)), (2026, 12, 4));
        assert_eq!((now + CHINA_OFFSET_MS).rem_euclid(DAY_MS), 8 * HOUR_MS);
    }

    #[test]
    fn a_seed_that_is_not_a_date_falls_back_to_the_first_of_november() {
        assert_eq!(civil_from_days(china_day(demo_now_ms(7))), (2026, 11, 1));
        assert_eq!(
            civil_from_days(china_day(demo_now_ms(20260231))),
            (2026, 11, 1)
        );
    }
}
