//! The calendar arithmetic decoded dates need, on chrono's proleptic Gregorian calendar: week
//! numbers to dates, and month lengths.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The year the library was built (from `build.rs`; `SOURCE_DATE_EPOCH` when set). A year digit
/// that repeats by decade never stands for a later year: no unit is made after the library that
/// reads its serial.
pub const BUILD_YEAR: i64 = parse_year(env!("SERIALKIT_BUILD_YEAR"));

const fn parse_year(text: &str) -> i64 {
    let bytes = text.as_bytes();
    let mut year = 0;
    let mut i = 0;
    while i < bytes.len() {
        year = year * 10 + (bytes[i] - b'0') as i64;
        i += 1;
    }
    year
}

/// The number of days in `month` (1 to 12) of `year`; 0 for a month or year chrono cannot hold.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    let Ok(year) = i32::try_from(year) else { return 0 };
    (28..=31).rev().find(|&day| NaiveDate::from_ymd_opt(year, month, day).is_some()).unwrap_or(0)
}

/// The first day of week `week` of `year`, written `YYYY-MM-DD`: with `iso`, the Monday of that
/// ISO week (none when the year has no such week); otherwise 1 January plus 7 days per week
/// after the first (week 0 counts as 1). None outside chrono's years.
pub(crate) fn week_date(year: i64, week: u32, iso: bool) -> Option<String> {
    let year = i32::try_from(year).ok()?;
    let date = match iso {
        true => NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?,
        false => NaiveDate::from_ymd_opt(year, 1, 1)?
            .checked_add_days(Days::new(7 * u64::from(week.max(1) - 1)))?,
    };
    Some(iso_date(date))
}

/// `date` as `YYYY-MM-DD`, as chrono writes it; written by hand for four-digit years, since
/// every decoded serial has a date and chrono's formatting showed in bulk checks.
fn iso_date(date: NaiveDate) -> String {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        // Signed, at least four digits: chrono's form for other years.
        return date.to_string();
    }
    let mut text = String::with_capacity(10);
    for (n, width) in [(year as u32, 4), (date.month(), 2), (date.day(), 2)] {
        if !text.is_empty() {
            text.push('-');
        }
        for place in (0..width).rev() {
            text.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
        }
    }
    text
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
        assert_eq!(week_date(i64::MAX, 1, false), None);
        assert_eq!(week_date(1, 1, false).as_deref(), Some("0001-01-01"));
    }

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        for year in [-1, 0, 1, 42, 999, 2017, 9999, 10_000] {
            for ordinal in [1, 59, 60, 365] {
                let date = NaiveDate::from_yo_opt(year, ordinal).unwrap();
                assert_eq!(iso_date(date), date.to_string());
            }
        }
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 4), 30);
        assert_eq!(days_in_month(2023, 12), 31);
        assert_eq!(days_in_month(2023, 13), 0);
    }
}
