//! RFC 3339 timestamps for Open311, which speaks in them where the rest of
//! the relay speaks in epoch milliseconds.
//!
//! The relay writes China Standard Time (`+08:00`, no daylight saving) so a
//! platform operator in Zhengzhou reads local times. It reads any offset.
//! The conversion between days and civil dates is the proleptic Gregorian
//! arithmetic of Howard Hinnant's `days_from_civil` / `civil_from_days`,
//! which is exact for every date this relay will meet.

/// China Standard Time, in seconds east of UTC.
const CST_OFFSET_S: i64 = 8 * 3600;
const DAY_S: i64 = 86_400;

/// Formats epoch milliseconds as `YYYY-MM-DDThh:mm:ss+08:00`.
pub fn format_cst(ms: i64) -> String {
    let local = ms.div_euclid(1000) + CST_OFFSET_S;
    let (y, m, d) = civil_from_days(local.div_euclid(DAY_S));
    let s = local.rem_euclid(DAY_S);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+08:00",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// Parses an RFC 3339 date-time (`2024-05-01T09:30:00+08:00`, `…Z`, with or
/// without fractional seconds) to epoch milliseconds. A bare date
/// (`2024-05-01`) means its midnight in China Standard Time, which is what
/// a platform operator filtering by day means.
pub fn parse(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().all(u8::is_ascii_digit).then(|| {
            digits
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'))
        })
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some((days * DAY_S - CST_OFFSET_S) * 1000);
    }

    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // A leap second (`:60`) is accepted and lands on the next second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        // Milliseconds from the first three digits; finer digits are dropped.
        let digits = &b[start..i.min(start + 3)];
        millis = digits
            .iter()
            .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
        millis *= 10i64.pow(3 - digits.len() as u32);
    }
    let offset_s = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let offset = oh * 3600 + om * 60;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    let seconds = days * DAY_S + hour * 3600 + minute * 60 + second - offset_s;
    Some(seconds * 1000 + millis)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_eight_in_the_morning_in_china() {
        assert_eq!(format_cst(0), "1970-01-01T08:00:00+08:00");
    }

    #[test]
    fn a_leap_day_formats_and_parses_in_any_offset() {
        // 2024-02-29T23:59:59Z
        let ms = 1_709_251_199_000;

        assert_eq!(format_cst(ms), "2024-03-01T07:59:59+08:00");
        assert_eq!(parse("2024-02-29T23:59:59Z"), Some(ms));
        assert_eq!(parse("2024-03-01T07:59:59+08:00"), Some(ms));
        assert_eq!(parse("2024-02-29T15:59:59.250-08:00"), Some(ms + 250));
    }

    #[test]
    fn formatting_and_parsing_round_trip_across_centuries() {
        for ms in [
            -2_208_988_800_000,
            951_782_400_000,
            4_102_444_800_000,
            1_717_000_000_000,
        ] {
            assert_eq!(parse(&format_cst(ms)), Some(ms), "{}", format_cst(ms));
        }
    }

    #[test]
    fn a_bare_date_is_midnight_in_china() {
        assert_eq!(parse("2024-05-01"), parse("2024-05-01T00:00:00+08:00"));
    }

    #[test]
    fn impossible_or_malformed_times_are_refused() {
        for text in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T10:00:00",
            "2024-05-01T10:00:00+0800",
            "2024-05-01T10:00:00.Z",
            "yesterday",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
