//! Time zones: the UTC offset (and its abbreviation) in force at an instant,
//! and the instant a wall-clock reading stands for.
//!
//! Offsets come from the C library's `localtime_r`, which reads TZ or
//! /etc/localtime and knows every DST rule, so a stamp taken across a DST
//! change during a long run is right. (`time`'s own local offset refuses to
//! work once a process has threads, and tstamp -e has them.)

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

    /// The offset as `time` knows it (offsets beyond ±25 h, which no zone
    /// has, read as UTC).
    pub fn utc_offset(&self) -> ::time::UtcOffset {
        ::time::UtcOffset::from_whole_seconds(self.secs).unwrap_or(::time::UtcOffset::UTC)
    }

    /// An offset without a zone name (`+05:30` read from a stamp).
    pub fn fixed(secs: i32) -> Offset {
        Offset {
            secs,
            abbrev: [0; 16],
            abbrev_len: 0,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_offset() {
        assert_eq!(Zone::Utc.offset_at(0), Offset::UTC);
        assert_eq!(Zone::Utc.offset_at(0).abbrev(), "UTC");
        assert_eq!(Zone::Utc.to_epoch(123), 123);
    }
}
