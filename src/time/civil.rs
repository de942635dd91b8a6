//! Civil dates and times on the `time` crate: epoch seconds on some wall
//! clock to a broken-down date ([`civil`]) and a calendar date back to days
//! ([`days_from_civil`]), valid for any year `time` knows (±999,999).

use ::time::{Date, Month};

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JD: i64 = 2_440_588;

/// A broken-down date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday
    pub weekday: u32,
    /// 1..=366
    pub yday: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date, or `None` if there
/// is no such date (February 30, month 13, a year out of range).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()?;
    Some(i64::from(date.to_julian_day()) - UNIX_EPOCH_JD)
}

/// The civil date and time of `secs` seconds since 1970-01-01 00:00 on some
/// wall clock (epoch seconds plus the offset). Instants beyond the years
/// `time` covers are shown at its first or last day.
pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let jd = (days + UNIX_EPOCH_JD).clamp(
        i64::from(Date::MIN.to_julian_day()),
        i64::from(Date::MAX.to_julian_day()),
    );
    let date = Date::from_julian_day(jd as i32).unwrap_or(Date::MIN);
    let (year, month, day) = date.to_calendar_date();
    Civil {
        year: i64::from(year),
        month: u8::from(month) as u32,
        day: u32::from(day),
        hour: sod / 3600,
        minute: sod / 60 % 60,
        second: sod % 60,
        weekday: u32::from(date.weekday().number_days_from_sunday()),
        yday: u32::from(date.ordinal()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        // 1764000000 is 2025-11-24 16:00:00 UTC, a Monday.
        let c = civil(1_764_000_000);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2025, 11, 24, 16, 0, 0)
        );
        assert_eq!((c.weekday, c.yday), (1, 328));
        assert_eq!(civil(0).weekday, 4);
        let c = civil(-1);
        assert_eq!((c.year, c.month, c.day, c.hour), (1969, 12, 31, 23));
        for d in (-800_000i64..800_000).step_by(997) {
            let c = civil(d * 86400);
            assert_eq!(days_from_civil(c.year, c.month, c.day), Some(d));
        }
        let leap = days_from_civil(2024, 2, 29).unwrap();
        assert_eq!(civil(leap * 86400).yday, 60);
        assert_eq!(days_from_civil(2025, 2, 29), None);
        assert_eq!(days_from_civil(2025, 13, 1), None);
        assert_eq!(days_from_civil(2025, 0, 1), None);
        assert_eq!(civil(i64::MAX).year, 999_999);
        assert_eq!(civil(i64::MIN).year, -999_999);
    }
}
