//! The little calendar arithmetic decoded dates need (proleptic Gregorian calendar), in place of
//! a date library: week numbers to dates, and month lengths. Dates are days from 1970-01-01.

/// The range of years a date may have (chrono's, which this module replaced).
const YEARS: std::ops::RangeInclusive<i64> = -262_144..=262_143;

/// Whether `year` has a 29 February.
pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1 to 12) of `year`.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 => 28 + u32::from(is_leap(year)),
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` from 1970-01-01: year, month, day.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The Monday of ISO week 1 of `year`: the week with 4 January in it.
fn iso_week_one(year: i64) -> i64 {
    let jan4 = days_from_civil(year, 1, 4);
    // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
    jan4 - (jan4 + 3).rem_euclid(7)
}

/// The first day of week `week` of `year`, written `YYYY-MM-DD`: with `iso`, the Monday of that
/// ISO week (none when the year has no such week); otherwise 1 January plus 7 days per week
/// after the first (week 0 counts as 1).
pub(crate) fn week_date(year: i64, week: u32, iso: bool) -> Option<String> {
    if !YEARS.contains(&year) {
        return None;
    }
    let days = if iso {
        let first = iso_week_one(year);
        let weeks = (iso_week_one(year + 1) - first) / 7;
        if week == 0 || i64::from(week) > weeks {
            return None;
        }
        first + 7 * i64::from(week - 1)
    } else {
        days_from_civil(year, 1, 1) + 7 * i64::from(week.max(1) - 1)
    };
    let (y, m, d) = civil_from_days(days);
    if !YEARS.contains(&y) {
        return None;
    }
    Some(match (0..=9999).contains(&y) {
        true => format!("{y:04}-{m:02}-{d:02}"),
        false => format!("{y:+05}-{m:02}-{d:02}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_dates() {
        assert_eq!(week_date(2017, 1, true).as_deref(), Some("2017-01-02"));
        assert_eq!(week_date(2020, 53, true).as_deref(), Some("2020-12-28"));
        assert_eq!(week_date(2021, 53, true), None);
        assert_eq!(week_date(2021, 0, true), None);
        assert_eq!(week_date(2015, 1, true).as_deref(), Some("2014-12-29"));
        assert_eq!(week_date(2017, 0, false).as_deref(), Some("2017-01-01"));
        assert_eq!(week_date(2017, 10, false).as_deref(), Some("2017-03-05"));
        assert_eq!(week_date(2024, 9, false).as_deref(), Some("2024-02-26"));
        assert_eq!(week_date(9999, 54, false).as_deref(), Some("+10000-01-07"));
        assert_eq!(week_date(-1, 1, false).as_deref(), Some("-0001-01-01"));
        assert_eq!(week_date(262_143, 60, false), None);
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 4), 30);
        assert_eq!(days_in_month(2023, 12), 31);
    }

    #[test]
    fn days_round_trip() {
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m), "{days}");
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    /// The same answers as chrono, which this module replaced.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn agrees_with_chrono() {
        use chrono::NaiveDate;
        for year in 1890..2110 {
            for week in 0..60 {
                let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)
                    .and_then(|d| d.checked_add_days(chrono::Days::new(7 * u64::from(week.max(1) - 1))));
                assert_eq!(week_date(year.into(), week, false), jan1.map(|d| d.to_string()), "{year} {week}");
                let iso = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon);
                assert_eq!(week_date(year.into(), week, true), iso.map(|d| d.to_string()), "{year} {week}");
            }
            for month in 1..=12 {
                let last = (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some());
                assert_eq!(Some(days_in_month(year.into(), month)), last);
            }
        }
    }
}
