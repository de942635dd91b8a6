//! Reading times back: epoch numbers, RFC 3339 / ISO 8601, the moreutils
//! `ts` default (`Nov 24 19:04:05`) and strftime-like formats.
//!
//! Every parser works on a prefix of its input and says how many bytes it
//! read, so a space-delimited line can start with a time that contains
//! spaces (`Nov 24 19:04:05 12`). Nothing here panics or overflows on any
//! input: numbers are read with checked arithmetic and dates are bounded to
//! years 0..=9999 before they reach the calendar code.

use crate::series::TimeUnit;
use crate::time::civil::{civil, days_from_civil};
use crate::time::format::Item;
use crate::time::zone::Zone;
use std::cell::Cell;

mod cursor;
mod fields;
#[cfg(test)]
mod tests;

use cursor::Cursor;
use fields::{compile, read_items, Fields};

/// Times further than this from 1970 (about 31,000 years) are refused: they
/// are not times, and the calendar code downstream works on i64 seconds.
pub const MAX_ABS_SECS: f64 = 1e12;

/// Epoch numbers below these magnitudes are seconds, milliseconds and
/// microseconds; anything larger is nanoseconds. 1e11 seconds is the year
/// 5138 and 1e11 milliseconds is March 1973, so every epoch time from 1973 to
/// 5138 is read right whatever its unit.
pub const SECONDS_BELOW: f64 = 1e11;
pub const MILLIS_BELOW: f64 = 1e14;
pub const MICROS_BELOW: f64 = 1e17;

/// The unit an epoch number of this magnitude is read in.
pub fn unit_of(v: f64) -> TimeUnit {
    let a = v.abs();
    if a < SECONDS_BELOW {
        TimeUnit::Seconds
    } else if a < MILLIS_BELOW {
        TimeUnit::Millis
    } else if a < MICROS_BELOW {
        TimeUnit::Micros
    } else {
        TimeUnit::Nanos
    }
}

fn per_second(u: TimeUnit) -> u64 {
    match u {
        TimeUnit::Seconds => 1,
        TimeUnit::Millis => 1_000,
        TimeUnit::Micros => 1_000_000,
        TimeUnit::Nanos => 1_000_000_000,
    }
}

/// Reads times written in any of the forms tsplot accepts.
#[derive(Clone, Debug)]
pub struct TimeParser {
    unit: Option<TimeUnit>,
    format: Option<Vec<Item>>,
    zone: Zone,
    now: Option<i64>,
    /// The local day whose offset is known to hold all day, and the offset.
    day_cache: Cell<Option<(i64, i64)>>,
    /// The minute of "now" and the zone's offset then.
    offset_cache: Cell<Option<(i64, i64)>>,
}

impl TimeParser {
    /// `unit` forces the unit of epoch numbers; `format` (`--time-format`)
    /// replaces detection; `zone` is the zone of times without an offset.
    pub fn new(
        unit: Option<TimeUnit>,
        format: Option<&str>,
        zone: Zone,
    ) -> Result<TimeParser, String> {
        let format = match format {
            None => None,
            Some(f) => Some(compile(f)?),
        };
        Ok(TimeParser {
            unit,
            format,
            zone,
            now: None,
            day_cache: Cell::new(None),
            offset_cache: Cell::new(None),
        })
    }

    /// Pins "now" (epoch seconds), which decides the year of times written
    /// without one; the system clock otherwise.
    pub fn set_now(&mut self, now: i64) {
        let max = MAX_ABS_SECS as i64;
        self.now = Some(now.clamp(-max, max));
        self.offset_cache.set(None);
    }

    fn now(&self) -> i64 {
        self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        })
    }

    /// A whole field as epoch seconds.
    pub fn parse(&self, s: &str) -> Option<f64> {
        let s = s.trim();
        match self.parse_prefix(s) {
            Some((t, n)) if n == s.len() => Some(t),
            _ => None,
        }
    }

    /// A time at the start of `s`: epoch seconds and the bytes it took. The
    /// time must end at the end of `s` or before whitespace or a comma.
    pub fn parse_prefix(&self, s: &str) -> Option<(f64, usize)> {
        let b = s.as_bytes();
        let ok = |r: Option<(f64, usize)>| {
            r.filter(|&(t, n)| {
                let ends = match b.get(n) {
                    None => true,
                    Some(c) => c.is_ascii_whitespace() || *c == b',' || *c == b';',
                };
                ends && t.is_finite() && t.abs() <= MAX_ABS_SECS
            })
        };
        match &self.format {
            Some(items) => ok(self.formatted(items, b)),
            None => ok(self.epoch_prefix(b))
                .or_else(|| ok(self.iso_prefix(b)))
                .or_else(|| ok(self.ts_prefix(b))),
        }
    }

    /// An epoch number given as a JSON number or other f64.
    pub fn epoch_f64(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let u = self.unit.unwrap_or_else(|| unit_of(v));
        let t = v / per_second(u) as f64;
        (t.abs() <= MAX_ABS_SECS).then_some(t)
    }

    /// `[+-]digits[.digits]`, or a float with an exponent. Integer digits
    /// are kept exact so that nanoseconds keep their precision.
    fn epoch_prefix(&self, b: &[u8]) -> Option<(f64, usize)> {
        let mut i = 0;
        let neg = match b.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let int_start = i;
        let mut int: u64 = 0;
        // 19 digits always fit in a u64: no overflow check until then.
        while i - int_start < 19 {
            match b.get(i) {
                Some(d) if d.is_ascii_digit() => {
                    int = int * 10 + u64::from(d - b'0');
                    i += 1;
                }
                _ => break,
            }
        }
        let mut exact = true;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            match int
                .checked_mul(10)
                .and_then(|v| v.checked_add((d - b'0') as u64))
            {
                Some(v) => int = v,
                None => exact = false,
            }
            i += 1;
        }
        let int_digits = i - int_start;
        let mut frac = 0.0;
        let mut frac_digits = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let mut scale = 0.1;
            while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
                frac += (d - b'0') as f64 * scale;
                scale /= 10.0;
                frac_digits += 1;
                i += 1;
            }
        }
        if int_digits + frac_digits == 0 {
            return None;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) || !exact {
            // Rare forms: let the standard parser have the whole token.
            let end = b[i..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
                .map_or(b.len(), |p| p + i);
            let v: f64 = std::str::from_utf8(&b[..end]).ok()?.parse().ok()?;
            return Some((self.epoch_f64(v)?, end));
        }
        let u = self.unit.unwrap_or_else(|| unit_of(int as f64));
        let per = per_second(u);
        let secs = if per == 1 {
            int as f64 + frac
        } else {
            (int / per) as f64 + ((int % per) as f64 + frac) / per as f64
        };
        Some((if neg { -secs } else { secs }, i))
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|±HH[:MM]|±HHMM]`, also with `/`
    /// between the date's parts.
    fn iso_prefix(&self, b: &[u8]) -> Option<(f64, usize)> {
        let mut c = Cursor { b, i: 0 };
        let year = c.digits(4, 4)? as i64;
        let sep = c.peek()?;
        if sep != b'-' && sep != b'/' {
            return None;
        }
        c.i += 1;
        let month = c.digits(2, 2)?;
        c.lit(sep)?;
        let day = c.digits(2, 2)?;
        let date_end = c.i;
        let mut hms = (0, 0, 0);
        let mut frac = 0.0;
        let mut offset = None;
        let time = (|| {
            let mut t = Cursor { b, i: date_end };
            match t.peek()? {
                b'T' | b't' | b' ' => t.i += 1,
                _ => return None,
            }
            let h = t.digits(2, 2)?;
            t.lit(b':')?;
            let m = t.digits(2, 2)?;
            let mut s = 0;
            let mut f = 0.0;
            if t.peek() == Some(b':') {
                t.i += 1;
                s = t.digits(2, 2)?;
                if matches!(t.peek(), Some(b'.' | b',')) && t.digit_at(t.i + 1) {
                    t.i += 1;
                    f = t.fraction();
                }
            }
            let off = t.offset();
            Some((t.i, (h, m, s), f, off))
        })();
        if let Some((end, t, f, off)) = time {
            c.i = end;
            hms = t;
            frac = f;
            offset = off;
        }
        let local = local_secs(year, month, day, hms.0, hms.1, hms.2)?;
        let t = match offset {
            Some(o) => local - o as i64,
            None => self.local_to_epoch(local),
        };
        Some((t as f64 + frac, c.i))
    }

    /// The moreutils `ts` default, `%b %d %H:%M:%S` (`Nov 24 19:04:05`), also
    /// with a space-padded day and a fraction (`ts -s "%b %d %H:%M:%.S"`).
    fn ts_prefix(&self, b: &[u8]) -> Option<(f64, usize)> {
        let mut c = Cursor { b, i: 0 };
        let month = c.month_name(false)?;
        c.spaces(1)?;
        let day = c.digits(1, 2)?;
        c.spaces(1)?;
        let h = c.digits(2, 2)?;
        c.lit(b':')?;
        let m = c.digits(2, 2)?;
        c.lit(b':')?;
        let s = c.digits(2, 2)?;
        let mut frac = 0.0;
        if c.peek() == Some(b'.') && c.digit_at(c.i + 1) {
            c.i += 1;
            frac = c.fraction();
        }
        let t = self.with_inferred_year(month, day, (h, m, s))?;
        Some((t as f64 + frac, c.i))
    }

    /// The epoch second of a wall-clock time in a year left unwritten: this
    /// year, or last year if that is more than a day ahead of now (a log
    /// read in January holds December's lines).
    fn with_inferred_year(&self, month: u32, day: u32, hms: (u32, u32, u32)) -> Option<i64> {
        // Compared on the wall clock, so that only the year chosen is
        // converted.
        let now = self.now_local();
        let this_year = civil(now).year;
        let at = |y| local_secs(y, month, day, hms.0, hms.1, hms.2);
        let local = match at(this_year) {
            Some(l) if l <= now + 86_400 => l,
            _ => at(this_year - 1)?,
        };
        Some(self.local_to_epoch(local))
    }

    /// Today's date in the zone, for formats without a date.
    fn today(&self) -> (i64, u32, u32) {
        let c = civil(self.now_local());
        (c.year, c.month, c.day)
    }

    /// Now on the zone's wall clock, its offset looked up once a minute at
    /// most: a log in the `ts` format asks for every line.
    fn now_local(&self) -> i64 {
        let now = self.now();
        let minute = now.div_euclid(60);
        let off = match self.offset_cache.get() {
            Some((m, off)) if m == minute => off,
            _ => {
                let off = self.zone.offset_at(now).secs as i64;
                self.offset_cache.set(Some((minute, off)));
                off
            }
        };
        now + off
    }

    /// [`Zone::to_epoch`], with the offset kept for the local day when it
    /// is the same two days before and three days after (no change of
    /// offset can fall in the day then): one `localtime_r` a day instead of
    /// four a line.
    fn local_to_epoch(&self, local: i64) -> i64 {
        if self.zone == Zone::Utc {
            return local;
        }
        let day = local.div_euclid(86_400);
        if let Some((d, off)) = self.day_cache.get() {
            if d == day {
                return local - off;
            }
        }
        let start = day * 86_400;
        let before = self.zone.offset_at(start - 2 * 86_400).secs as i64;
        let after = self.zone.offset_at(start + 3 * 86_400).secs as i64;
        if before == after {
            self.day_cache.set(Some((day, before)));
            return local - before;
        }
        self.zone.to_epoch(local)
    }

    fn formatted(&self, items: &[Item], b: &[u8]) -> Option<(f64, usize)> {
        let mut c = Cursor { b, i: 0 };
        let mut f = Fields::default();
        read_items(&mut c, items, &mut f)?;
        Some((self.assemble(&f)?, c.i))
    }

    fn assemble(&self, f: &Fields) -> Option<f64> {
        if let Some(e) = f.epoch {
            return Some(e as f64 + f.frac);
        }
        let mut hour = f.hour.unwrap_or(0);
        if let Some(pm) = f.pm {
            hour = hour % 12 + if pm { 12 } else { 0 };
        }
        let hms = (hour, f.minute.unwrap_or(0), f.second.unwrap_or(0));
        let year = match (f.year, f.century, f.year2) {
            (Some(y), _, _) => Some(y),
            (None, Some(c), y2) => Some(c * 100 + y2.unwrap_or(0)),
            (None, None, Some(y2)) => Some(if y2 < 69 { 2000 + y2 } else { 1900 + y2 }),
            (None, None, None) => None,
        };
        let has_date = f.month.is_some() || f.day.is_some() || f.yday.is_some();
        let local = match (year, has_date) {
            (None, true) if f.yday.is_none() => {
                let t = self.with_inferred_year(f.month.unwrap_or(1), f.day.unwrap_or(1), hms)?;
                return Some(self.adjust(t, f));
            }
            (None, false) => {
                let (y, m, d) = self.today();
                local_secs(y, m, d, hms.0, hms.1, hms.2)?
            }
            (y, _) => {
                let y = y.unwrap_or_else(|| self.today().0);
                match f.yday {
                    Some(yd) if f.month.is_none() => {
                        if !(1..=366).contains(&yd) || !(0..=9999).contains(&y) {
                            return None;
                        }
                        let days = days_from_civil(y, 1, 1)? + yd as i64 - 1;
                        if civil(days * 86400).year != y {
                            return None;
                        }
                        local_secs(y, 1, 1, hms.0, hms.1, hms.2)? + (yd as i64 - 1) * 86400
                    }
                    _ => local_secs(
                        y,
                        f.month.unwrap_or(1),
                        f.day.unwrap_or(1),
                        hms.0,
                        hms.1,
                        hms.2,
                    )?,
                }
            }
        };
        let t = match f.offset {
            Some(o) => local - o as i64,
            None => self.local_to_epoch(local),
        };
        Some(t as f64 + f.frac)
    }

    /// A time computed in the zone, moved to the written offset if any.
    fn adjust(&self, t: i64, f: &Fields) -> f64 {
        match f.offset {
            Some(o) => {
                // Undo the zone's offset, apply the written one.
                let local = t + self.zone.offset_at(t).secs as i64;
                (local - o as i64) as f64 + f.frac
            }
            None => t as f64 + f.frac,
        }
    }
}

/// Seconds since 1970-01-01 00:00 on a wall clock, for a valid date.
fn local_secs(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(0..=9999).contains(&y) || h > 24 || (h == 24 && (mi, s) != (0, 0)) || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d)? * 86400 + (h * 3600 + mi * 60 + s) as i64)
}
