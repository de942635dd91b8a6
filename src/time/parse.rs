//! Reading times back: epoch numbers, RFC 3339 / ISO 8601, the moreutils
//! `ts` default (`Nov 24 19:04:05`) and strftime-like formats.
//!
//! Every parser works on a prefix of its input and says how many bytes it
//! read, so a space-delimited line can start with a time that contains
//! spaces (`Nov 24 19:04:05 12`). Nothing here panics or overflows on any
//! input: numbers are read with checked arithmetic and dates are bounded to
//! years 0..=9999 before they reach the calendar code.

use crate::series::TimeUnit;
use crate::time::format::{Directive, Format, Item};
use crate::time::zone::{self, Zone};
use std::cell::Cell;

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
        let this_year = zone::civil(now).year;
        let at = |y| local_secs(y, month, day, hms.0, hms.1, hms.2);
        let local = match at(this_year) {
            Some(l) if l <= now + 86_400 => l,
            _ => at(this_year - 1)?,
        };
        Some(self.local_to_epoch(local))
    }

    /// Today's date in the zone, for formats without a date.
    fn today(&self) -> (i64, u32, u32) {
        let c = zone::civil(self.now_local());
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
        for item in items {
            match item {
                Item::Literal(lit) => {
                    for &l in lit {
                        if l.is_ascii_whitespace() {
                            c.skip_spaces();
                        } else {
                            c.lit(l)?;
                        }
                    }
                }
                Item::Conv(d, _) => read_directive(&mut c, *d, &mut f)?,
            }
        }
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
                        let days = zone::days_from_civil(y, 1, 1) + yd as i64 - 1;
                        if zone::civil(days * 86400).year != y {
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
    if !(0..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo)
        || h > 24
        || (h == 24 && (mi, s) != (0, 0))
        || mi > 59
        || s > 60
    {
        return None;
    }
    Some(zone::days_from_civil(y, mo, d) * 86400 + (h * 3600 + mi * 60 + s) as i64)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// What a `--time-format` read.
#[derive(Default)]
struct Fields {
    year: Option<i64>,
    century: Option<i64>,
    year2: Option<i64>,
    month: Option<u32>,
    day: Option<u32>,
    yday: Option<u32>,
    hour: Option<u32>,
    pm: Option<bool>,
    minute: Option<u32>,
    second: Option<u32>,
    frac: f64,
    epoch: Option<i64>,
    offset: Option<i32>,
}

fn read_directive(c: &mut Cursor, d: Directive, f: &mut Fields) -> Option<()> {
    use Directive::*;
    // strptime skips blanks before a number; so do we, which also reads
    // `%e` and `%k` (space-padded) and `%-d` (unpadded).
    let num = |c: &mut Cursor, max: usize| {
        c.skip_spaces();
        c.digits(1, max)
    };
    match d {
        Year => {
            c.skip_spaces();
            let neg = c.peek() == Some(b'-');
            if neg {
                c.i += 1;
            }
            let y = c.digits(1, 4)? as i64;
            f.year = Some(if neg { -y } else { y });
        }
        Century => f.century = Some(num(c, 2)? as i64),
        Year2 => f.year2 = Some(num(c, 2)? as i64),
        Month => f.month = Some(num(c, 2)?),
        MonthAbbr | MonthName => f.month = Some(c.month_name(true)?),
        Day | DaySpace => f.day = Some(num(c, 2)?),
        YearDay => f.yday = Some(num(c, 3)?),
        WeekdayAbbr | WeekdayName => {
            c.name(&WEEKDAY_NAMES)?;
        }
        WeekdayMon1 | WeekdaySun0 => {
            num(c, 1)?;
        }
        Hour | HourSpace => f.hour = Some(num(c, 2)?),
        Hour12 | Hour12Space => {
            let h = num(c, 2)?;
            if !(1..=12).contains(&h) {
                return None;
            }
            f.hour = Some(h);
        }
        AmPm | AmPmLower => {
            let pm = match c.b.get(c.i..c.i + 2)? {
                [a, b'm' | b'M'] if a.eq_ignore_ascii_case(&b'a') => false,
                [p, b'm' | b'M'] if p.eq_ignore_ascii_case(&b'p') => true,
                _ => return None,
            };
            c.i += 2;
            f.pm = Some(pm);
        }
        Minute => f.minute = Some(num(c, 2)?),
        Second => f.second = Some(num(c, 2)?),
        SecondFrac => {
            f.second = Some(num(c, 2)?);
            if c.peek() == Some(b'.') {
                c.i += 1;
                f.frac = c.fraction();
            }
        }
        Epoch | EpochFrac => {
            c.skip_spaces();
            let neg = c.peek() == Some(b'-');
            if neg {
                c.i += 1;
            }
            let start = c.i;
            let mut e: i64 = 0;
            while c.digit_at(c.i) && c.i - start < 13 {
                e = e * 10 + (c.b[c.i] - b'0') as i64;
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
            f.epoch = Some(if neg { -e } else { e });
            if d == EpochFrac && c.peek() == Some(b'.') {
                c.i += 1;
                f.frac = c.fraction();
            }
        }
        Nanos(_) => {
            if !c.digit_at(c.i) {
                return None;
            }
            f.frac = c.fraction();
        }
        OffsetHhmm | OffsetColon => f.offset = Some(c.offset()?),
        ZoneAbbr => {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                c.i += 1;
            }
            let name = &c.b[start..c.i];
            if name.is_empty() {
                // Some systems print an offset for zones without a name.
                f.offset = Some(c.offset()?);
            } else if [&b"UTC"[..], b"GMT", b"Z", b"UT"]
                .iter()
                .any(|z| name.eq_ignore_ascii_case(z))
            {
                f.offset = Some(0);
            }
            // Other abbreviations are ambiguous (CST): the zone decides.
        }
        IsoYear | IsoYear2 | WeekSun | WeekMon | IsoWeek => return None,
    }
    Some(())
}

/// Compiles a `--time-format`, refusing what cannot be read back.
fn compile(spec: &str) -> Result<Vec<Item>, String> {
    let f = Format::compile(spec).map_err(|e| e.to_string())?;
    for item in f.items() {
        if let Item::Conv(d, _) = item {
            use Directive::*;
            let name = match d {
                IsoYear => "%G",
                IsoYear2 => "%g",
                WeekSun => "%U",
                WeekMon => "%W",
                IsoWeek => "%V",
                _ => continue,
            };
            return Err(format!(
                "\"{name}\" cannot be read back into a date: use %Y %m %d or %j"
            ));
        }
    }
    if f.items().iter().all(|i| matches!(i, Item::Literal(_))) {
        return Err("the format has no time directive".into());
    }
    Ok(f.items().to_vec())
}

/// A read position in a byte string; every method fails instead of reading
/// past the end.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn digit_at(&self, i: usize) -> bool {
        self.b.get(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn lit(&mut self, l: u8) -> Option<()> {
        (self.peek()? == l).then(|| self.i += 1)
    }

    /// `min..=max` digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut v: u32 = 0;
        let mut n = 0;
        while n < max && self.digit_at(self.i) {
            v = v * 10 + (self.b[self.i] - b'0') as u32;
            self.i += 1;
            n += 1;
        }
        (n >= min).then_some(v)
    }

    /// Digits after a decimal point, as a fraction of a second.
    fn fraction(&mut self) -> f64 {
        let mut v = 0.0;
        let mut scale = 0.1;
        while self.digit_at(self.i) {
            v += (self.b[self.i] - b'0') as f64 * scale;
            scale /= 10.0;
            self.i += 1;
        }
        v
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|c| c == b' ' || c == b'\t') {
            self.i += 1;
        }
    }

    /// At least `min` blanks.
    fn spaces(&mut self, min: usize) -> Option<()> {
        let start = self.i;
        self.skip_spaces();
        (self.i - start >= min).then_some(())
    }

    /// `Z`, `+05:30`, `+0530`, `-08` as seconds east of UTC; `None` (and
    /// nothing read) if there is none.
    fn offset(&mut self) -> Option<i32> {
        match self.peek()? {
            b'Z' | b'z' => {
                self.i += 1;
                Some(0)
            }
            s @ (b'+' | b'-') => {
                let mut c = Cursor {
                    b: self.b,
                    i: self.i + 1,
                };
                let h = c.digits(2, 2)?;
                let mut m = 0;
                if c.peek() == Some(b':') {
                    c.i += 1;
                    m = c.digits(2, 2)?;
                } else if c.digit_at(c.i) {
                    m = c.digits(2, 2)?;
                }
                if h > 23 || m > 59 {
                    return None;
                }
                self.i = c.i;
                let secs = (h * 3600 + m * 60) as i32;
                Some(if s == b'-' { -secs } else { secs })
            }
            _ => None,
        }
    }

    /// An English month name or its 3-letter abbreviation, any case (only
    /// the abbreviation unless `full`); 1..=12.
    fn month_name(&mut self, full: bool) -> Option<u32> {
        let i = if full {
            self.name(&MONTH_NAMES)?
        } else {
            let w = self.b.get(self.i..self.i + 3)?;
            let i = MONTH_NAMES
                .iter()
                .position(|m| m.as_bytes()[..3].eq_ignore_ascii_case(w))?;
            self.i += 3;
            i
        };
        Some(i as u32 + 1)
    }

    /// One of `names` (lower case), whole or its first 3 letters.
    fn name(&mut self, names: &[&str]) -> Option<usize> {
        let rest = &self.b[self.i.min(self.b.len())..];
        for (i, n) in names.iter().enumerate() {
            let n = n.as_bytes();
            if rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n) {
                self.i += n.len();
                return Some(i);
            }
        }
        for (i, n) in names.iter().enumerate() {
            let n = &n.as_bytes()[..3];
            if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(n) {
                self.i += 3;
                return Some(i);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-11-24T16:00:00Z
    const T0: f64 = 1_764_000_000.0;

    fn p() -> TimeParser {
        let mut p = TimeParser::new(None, None, Zone::Utc).unwrap();
        p.set_now(T0 as i64);
        p
    }

    fn fmt(f: &str) -> TimeParser {
        let mut p = TimeParser::new(None, Some(f), Zone::Utc).unwrap();
        p.set_now(T0 as i64);
        p
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-6)
    }

    #[test]
    fn epoch_units_by_magnitude() {
        let p = p();
        assert_eq!(p.parse("1764000000"), Some(T0));
        assert_eq!(p.parse("1764000000123"), Some(T0 + 0.123));
        assert_eq!(p.parse("1764000000123456"), Some(T0 + 0.123456));
        assert_eq!(p.parse("1764000000123456789"), Some(T0 + 0.123456789));
        assert!(close(p.parse("1764000000.25"), T0 + 0.25));
        assert!(close(p.parse("1764000000123.5"), T0 + 0.1235));
        assert_eq!(p.parse("0"), Some(0.0));
        assert_eq!(p.parse("-5"), Some(-5.0));
        assert_eq!(p.parse("+5"), Some(5.0));
        assert_eq!(p.parse(".5"), Some(0.5));
        assert_eq!(p.parse("5."), Some(5.0));
        assert!(close(p.parse("1.764e9"), T0));
        // Thresholds: just below is the smaller unit.
        assert_eq!(p.parse("99999999999"), Some(99_999_999_999.0));
        assert_eq!(p.parse("100000000000"), Some(100_000_000.0));
        assert_eq!(p.parse("100000000000000"), Some(100_000_000.0));
        assert_eq!(p.parse("100000000000000000"), Some(100_000_000.0));
        for bad in [
            "", "-", ".", "1x", "1.2.3", "12 3", "nan", "inf", "1e400", "--1",
        ] {
            assert_eq!(p.parse(bad), None, "{bad:?}");
        }
        // Forced units.
        let ms = TimeParser::new(Some(TimeUnit::Millis), None, Zone::Utc).unwrap();
        assert_eq!(ms.parse("1500"), Some(1.5));
        assert_eq!(ms.epoch_f64(1500.0), Some(1.5));
        let s = TimeParser::new(Some(TimeUnit::Seconds), None, Zone::Utc).unwrap();
        assert_eq!(s.parse("1764000000123"), None); // beyond MAX_ABS_SECS
        assert_eq!(s.parse("176400000012"), Some(176_400_000_012.0));
        assert_eq!(p.epoch_f64(1_764_000_000_123.0), Some(T0 + 0.123));
        assert_eq!(p.epoch_f64(f64::NAN), None);
        // Huge integers fall back to f64 and are refused as times.
        assert_eq!(p.parse(&"9".repeat(60)), None);
        assert!(close(p.parse(&format!("1{}", "0".repeat(20))), 1e11));
        assert_eq!(p.parse(&format!("1{}", "0".repeat(26))), None);
    }

    #[test]
    fn rfc3339_and_iso() {
        let p = p();
        for s in [
            "2025-11-24T16:00:00Z",
            "2025-11-24T16:00:00z",
            "2025-11-24 16:00:00Z",
            "2025-11-24t16:00:00+00:00",
            "2025-11-24T21:30:00+05:30",
            "2025-11-24T21:30:00+0530",
            "2025-11-24T08:00:00-08",
            "2025-11-24T16:00Z",
            "2025-11-24 16:00:00",
            "2025/11/24 16:00:00",
            "2025-11-24T16:00:00.000Z",
        ] {
            assert_eq!(p.parse(s), Some(T0), "{s}");
        }
        assert!(close(
            p.parse("2025-11-24T16:00:00.123456789Z"),
            T0 + 0.123456789
        ));
        assert!(close(p.parse("2025-11-24T21:30:00.5+05:30"), T0 + 0.5));
        assert_eq!(p.parse("2025-11-24"), Some(T0 - 16.0 * 3600.0));
        assert_eq!(p.parse("2024-02-29T00:00:00Z"), Some(1_709_164_800.0));
        for bad in [
            "2025-02-29T00:00:00Z",
            "2025-13-01",
            "2025-11-31",
            "2025-11-24T25:00:00Z",
            "2025-11-24T16:60:00Z",
            "2025-11-24T16:00:00+24:00",
            "2025-11-24T16:00:00X",
            "2025-11-24T16",
            "2025-11-24T",
            "2025-11-2",
            "2025-11/24",
            "99999-11-24",
        ] {
            assert_eq!(p.parse(bad), None, "{bad:?}");
        }
        // tstamp --iso output.
        assert_eq!(p.parse("2025-11-24T17:00:00+01:00"), Some(T0));
        assert!(close(p.parse("2025-11-24T16:00:00.123Z"), T0 + 0.123));
    }

    #[test]
    fn prefixes_stop_at_a_separator() {
        let p = p();
        assert_eq!(p.parse_prefix("2025-11-24 16:00:00 12"), Some((T0, 19)));
        assert_eq!(p.parse_prefix("2025-11-24 12"), Some((T0 - 57600.0, 10)));
        assert_eq!(p.parse_prefix("1764000000 5"), Some((T0, 10)));
        assert_eq!(p.parse_prefix("1764000000,5"), Some((T0, 10)));
        assert_eq!(p.parse_prefix("Nov 24 16:00:00 5"), Some((T0, 15)));
        assert_eq!(p.parse_prefix("1764000000x"), None);
    }

    #[test]
    fn ts_default_format_and_year() {
        let p = p();
        assert_eq!(p.parse("Nov 24 16:00:00"), Some(T0));
        assert_eq!(p.parse("nov 24 16:00:00"), Some(T0));
        assert!(close(p.parse("Nov 24 16:00:00.250000"), T0 + 0.25));
        // Later in the year than now: last year.
        assert_eq!(p.parse("Dec 24 16:00:00"), Some(1_735_056_000.0));
        // Up to a day ahead still counts as this year (clock skew).
        assert_eq!(p.parse("Nov 25 15:00:00"), Some(T0 + 23.0 * 3600.0));
        assert_eq!(p.parse("Nov  4 16:00:00"), Some(T0 - 20.0 * 86400.0));
        assert_eq!(p.parse("Nov 4 16:00:00"), Some(T0 - 20.0 * 86400.0));
        for bad in [
            "Nov 24",
            "Nox 24 16:00:00",
            "Nov 32 16:00:00",
            "Nov 24 16:00",
        ] {
            assert_eq!(p.parse(bad), None, "{bad:?}");
        }
        // Feb 29 in a year that has none, before a leap year's date came.
        let mut q = TimeParser::new(None, None, Zone::Utc).unwrap();
        q.set_now(1_709_164_800 + 86400 * 30); // 2024-03-30
        assert_eq!(q.parse("Feb 29 00:00:00"), Some(1_709_164_800.0));
        q.set_now(1_740_000_000); // 2025-02-19
        assert_eq!(q.parse("Feb 29 00:00:00"), Some(1_709_164_800.0));
    }

    #[test]
    fn time_formats() {
        assert_eq!(
            fmt("%Y-%m-%d %H:%M:%S").parse("2025-11-24 16:00:00"),
            Some(T0)
        );
        assert_eq!(fmt("%d/%m/%Y %T").parse("24/11/2025 16:00:00"), Some(T0));
        assert_eq!(fmt("%F %T %z").parse("2025-11-24 17:00:00 +0100"), Some(T0));
        assert_eq!(
            fmt("%F %T %:z").parse("2025-11-24 17:00:00 +01:00"),
            Some(T0)
        );
        assert_eq!(fmt("%F %T %Z").parse("2025-11-24 16:00:00 UTC"), Some(T0));
        assert_eq!(fmt("%Y%m%d%H%M%S").parse("20251124160000"), Some(T0));
        assert_eq!(fmt("%s").parse("1764000000"), Some(T0));
        assert!(close(fmt("%.s").parse("1764000000.5"), T0 + 0.5));
        assert!(close(fmt("%s.%N").parse("1764000000.5"), T0 + 0.5));
        assert!(close(fmt("%H:%M:%.S").parse("16:00:00.25"), T0 + 0.25));
        assert_eq!(fmt("%b %e %T").parse("Nov 24 16:00:00"), Some(T0));
        assert_eq!(
            fmt("%B %d %Y %T").parse("november 24 2025 16:00:00"),
            Some(T0)
        );
        assert_eq!(
            fmt("%a %b %d %T %Y").parse("Mon Nov 24 16:00:00 2025"),
            Some(T0)
        );
        assert_eq!(fmt("%Y %j %T").parse("2025 328 16:00:00"), Some(T0));
        assert_eq!(fmt("%Y %j").parse("2025 366"), None);
        assert_eq!(fmt("%I:%M %p %F").parse("04:00 PM 2025-11-24"), Some(T0));
        assert_eq!(
            fmt("%I:%M %p %F").parse("12:00 am 2025-11-25"),
            Some(T0 + 8.0 * 3600.0)
        );
        assert_eq!(fmt("%y-%m-%d %T").parse("25-11-24 16:00:00"), Some(T0));
        assert_eq!(fmt("[%T]").parse("[16:00:00]"), Some(T0)); // today
        assert_eq!(fmt("%%%s").parse("%1764000000"), Some(T0));
        // Whitespace in the format matches any run of blanks.
        assert_eq!(fmt("%F %T").parse("2025-11-24    16:00:00"), Some(T0));
        for (f, bad) in [
            ("%F %T", "2025-11-24"),
            ("%F %T", "2025-11-24 16:00:00x"),
            ("%Y-%m-%d", "2025-1x-24"),
            ("%I %p", "13 PM"),
            ("%H:%M", "16"),
            ("%s", "-"),
        ] {
            assert_eq!(fmt(f).parse(bad), None, "{f} {bad:?}");
        }
        assert!(TimeParser::new(None, Some("%V"), Zone::Utc)
            .unwrap_err()
            .contains("%V"));
        assert!(TimeParser::new(None, Some("%Q"), Zone::Utc)
            .unwrap_err()
            .contains("%Q"));
        assert!(TimeParser::new(None, Some("abc"), Zone::Utc).is_err());
    }

    #[test]
    fn never_panics_on_odd_text() {
        let p = p();
        let f = fmt("%Y-%m-%d %H:%M:%.S %z %b %B %a %p %j %N %Z %s");
        for s in [
            "",
            "\u{feff}",
            "é",
            "N",
            "No",
            "Nov",
            "Nov ",
            "2025-",
            "2025-11-24T16:00:00+",
            "2025-11-24T16:00:00+0",
            "2025-11-24T16:00:00.",
            "-",
            "+",
            "Z",
            "%",
            "12:",
            "Novémber",
            "9999-12-31T24:00:00-23:59",
            "0000-01-01T00:00:00+23:59",
        ] {
            let _ = p.parse_prefix(s);
            let _ = f.parse_prefix(s);
        }
        assert_eq!(p.parse("9999-12-31T23:59:59Z"), Some(253_402_300_799.0));
    }
}
