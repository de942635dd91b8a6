//! Wall-clock time: UTC offsets from the system's time zone rules, and
//! conversions between epoch seconds and civil dates.
//!
//! Offsets come from the C library's `localtime_r`, which reads TZ or
//! /etc/localtime and knows every DST rule, so a stamp taken across a DST
//! change during a long run is right. Civil dates are computed with Howard
//! Hinnant's days-from-civil algorithms: no allocation, no table.

use std::ffi::CStr;

/// Which clock face to show times on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Utc,
    Local,
}

/// The offset from UTC in force at one instant, and its abbreviation
/// (`UTC`, `EST`, `CEST`, `+0530`...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offset {
    pub secs: i32,
    abbrev: [u8; 16],
    abbrev_len: u8,
}

impl Offset {
    pub const UTC: Offset = Offset {
        secs: 0,
        abbrev: *b"UTC\0\0\0\0\0\0\0\0\0\0\0\0\0",
        abbrev_len: 3,
    };

    pub fn abbrev(&self) -> &str {
        std::str::from_utf8(&self.abbrev[..self.abbrev_len as usize]).unwrap_or("")
    }
}

/// Reads TZ once. Call at startup, before any thread starts: `tzset`
/// touches process-wide state.
pub fn init() {
    extern "C" {
        fn tzset();
    }
    // SAFETY: called from main before threads exist.
    unsafe { tzset() }
}

impl Zone {
    /// The offset in force at epoch second `t`.
    pub fn offset_at(self, t: i64) -> Offset {
        if self == Zone::Utc {
            return Offset::UTC;
        }
        // SAFETY: localtime_r writes only into `tm`, which we own; tm_zone
        // points into the C library's static zone strings.
        unsafe {
            let mut tm: libc::tm = std::mem::zeroed();
            let tt = t as libc::time_t;
            if libc::localtime_r(&tt, &mut tm).is_null() {
                return Offset::UTC;
            }
            let mut o = Offset {
                secs: tm.tm_gmtoff as i32,
                abbrev: [0; 16],
                abbrev_len: 0,
            };
            if !tm.tm_zone.is_null() {
                let z = CStr::from_ptr(tm.tm_zone).to_bytes();
                let n = z.len().min(16);
                o.abbrev[..n].copy_from_slice(&z[..n]);
                o.abbrev_len = n as u8;
            }
            o
        }
    }

    /// The epoch second at which this zone's clocks read `local` (seconds
    /// since 1970-01-01 00:00 on the wall clock). In a DST gap the time is
    /// read with the offset in force before it; in an overlap the earlier
    /// instant wins.
    pub fn to_epoch(self, local: i64) -> i64 {
        if self == Zone::Utc {
            return local;
        }
        // The offsets a day before and after cover any one change of
        // offset; an instant is right if its offset is the one assumed.
        let before = self.offset_at(local.saturating_sub(86_400)).secs as i64;
        let after = self.offset_at(local.saturating_add(86_400)).secs as i64;
        let fits = |o: i64| {
            let t = local.saturating_sub(o);
            (self.offset_at(t).secs as i64 == o).then_some(t)
        };
        match (fits(before), fits(after)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(t), None) | (None, Some(t)) => t,
            // In a gap: the wall clock never read this; as mktime does, read
            // it with the offset in force before.
            (None, None) => local.saturating_sub(before),
        }
    }
}

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

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date and time of `secs` seconds since 1970-01-01 00:00 on some
/// wall clock (epoch seconds plus the offset).
pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400) as u32;
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let jan1 = days_from_civil(year, 1, 1);
    Civil {
        year,
        month,
        day,
        hour: sod / 3600,
        minute: sod / 60 % 60,
        second: sod % 60,
        weekday: (days + 4).rem_euclid(7) as u32,
        yday: (days - jan1 + 1) as u32,
    }
}

pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
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
            assert_eq!(days_from_civil(c.year, c.month, c.day), d);
        }
        assert_eq!(civil(days_from_civil(2024, 2, 29) * 86400).yday, 60);
    }

    #[test]
    fn utc_offset() {
        assert_eq!(Zone::Utc.offset_at(0), Offset::UTC);
        assert_eq!(Zone::Utc.offset_at(0).abbrev(), "UTC");
        assert_eq!(Zone::Utc.to_epoch(123), 123);
    }
}
