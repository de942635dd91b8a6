//! Rendering a compiled [`Format`] at an instant: glibc's padding rules for
//! numbers and text, appended to the caller's buffer with no allocation.

use super::{Case, Conv, Directive, Format, Item, Pad};
use crate::time::civil::{civil, Civil};
use crate::time::names::{MONTHS, WEEKDAYS};
use crate::time::zone::{Offset, Zone};

impl Format {
    /// Appends the rendering of instant `secs` + `nanos` (floor seconds,
    /// `nanos` < 1e9) shown with offset `off`.
    pub fn render(&self, out: &mut Vec<u8>, secs: i64, nanos: u32, off: &Offset) {
        let start = out.len();
        let c = civil(secs.saturating_add(off.secs as i64));
        let at = At {
            c: &c,
            secs,
            nanos,
            off,
        };
        render_items(out, &self.items, &at);
        if out.len() - start >= self.limit {
            // What ts prints for a format whose output Perl gave up on.
            out.truncate(start);
        }
    }

    /// The rendering of epoch seconds `t` on `zone`'s clock as a string
    /// (fractions truncated to the nanosecond): for labels and reports.
    pub fn to_string_at(&self, t: f64, zone: Zone) -> String {
        let secs = t.floor();
        let nanos = (((t - secs) * 1e9) as u32).min(999_999_999);
        let secs = secs as i64;
        self.to_string_parts(secs, nanos, zone)
    }

    /// The same for an instant given as floor seconds and nanoseconds.
    pub fn to_string_parts(&self, secs: i64, nanos: u32, zone: Zone) -> String {
        let mut b = Vec::with_capacity(32);
        self.render(&mut b, secs, nanos, &zone.offset_at(secs));
        String::from_utf8_lossy(&b).into_owned()
    }
}

/// `t` (epoch seconds) rendered with the strftime format `spec` on `zone`'s
/// clock: the one way the tools show a time as text. A format that does not
/// compile shows as itself.
pub fn strftime(spec: &str, t: f64, zone: Zone) -> String {
    match Format::compile(spec) {
        Ok(f) => f.to_string_at(t, zone),
        Err(_) => spec.to_string(),
    }
}

struct At<'a> {
    c: &'a Civil,
    secs: i64,
    nanos: u32,
    off: &'a Offset,
}

fn render_items(out: &mut Vec<u8>, items: &[Item], at: &At) {
    for item in items {
        match item {
            Item::Literal(b) => out.extend_from_slice(b),
            Item::Conv(c) => conv(out, c, at),
            Item::Micros => push_frac(out, at.nanos, 6),
            Item::Group {
                items,
                width,
                zero,
                upper,
            } => {
                let start = out.len();
                render_items(out, items, at);
                if *upper {
                    out[start..].make_ascii_uppercase();
                }
                let len = out.len() - start;
                if len < *width {
                    let fill = if *zero { b'0' } else { b' ' };
                    out.splice(start..start, std::iter::repeat_n(fill, width - len));
                }
            }
        }
    }
}

/// RFC 3339 as `tstamp --iso` writes it: `2026-11-24T22:22:02+01:00`, `Z`
/// for UTC, with `digits` (0, 3, 6, 9) of fraction. The date is `time`'s;
/// the digits are written here, because bench/prefix.rs measures `time`'s
/// `format_into` 1.4 times slower on this per-second prefix.
pub fn rfc3339(out: &mut Vec<u8>, secs: i64, nanos: u32, off: &Offset, digits: u8, utc: bool) {
    let c = civil(secs.saturating_add(off.secs as i64));
    push_num(out, c.year, 4, b'0');
    for (sep, v) in [
        (b'-', c.month),
        (b'-', c.day),
        (b'T', c.hour),
        (b':', c.minute),
        (b':', c.second),
    ] {
        out.push(sep);
        push_num(out, v as i64, 2, b'0');
    }
    if digits > 0 {
        out.push(b'.');
        push_frac(out, nanos, digits);
    }
    if utc {
        out.push(b'Z');
    } else {
        let m = off.secs.unsigned_abs() / 60;
        out.push(if off.secs < 0 { b'-' } else { b'+' });
        push_num(out, (m / 60) as i64, 2, b'0');
        out.push(b':');
        push_num(out, (m % 60) as i64, 2, b'0');
    }
}

/// Appends `v` in decimal, padded to `width` with `fill` (none if `fill`
/// is 0). Negative numbers keep their sign in front of the padding.
pub fn push_num(out: &mut Vec<u8>, v: i64, width: usize, fill: u8) {
    let mut buf = [0u8; 20];
    let s = digits(&mut buf, v.unsigned_abs());
    if v < 0 {
        out.push(b'-');
    }
    if fill != 0 {
        let w = width.saturating_sub(usize::from(v < 0));
        out.extend(std::iter::repeat_n(fill, w.saturating_sub(s.len())));
    }
    out.extend_from_slice(s);
}

fn digits(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends `nanos` as a fraction of `digits` digits (truncated).
pub fn push_frac(out: &mut Vec<u8>, nanos: u32, digits: u8) {
    let mut buf = [b'0'; 9];
    let mut n = nanos;
    for b in buf.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&buf[..digits.clamp(1, 9) as usize]);
}

/// Spaces (or zeros under `0`) in front of text shorter than the width.
fn widen(out: &mut Vec<u8>, len: usize, width: Option<usize>, pad: Pad) {
    if let Some(w) = width {
        let fill = if pad == Pad::Zero { b'0' } else { b' ' };
        out.extend(std::iter::repeat_n(fill, w.saturating_sub(len)));
    }
}

fn text(out: &mut Vec<u8>, s: &[u8], conv: &Conv) {
    widen(out, s.len(), conv.width, conv.pad);
    match conv.case {
        Case::Keep => out.extend_from_slice(s),
        Case::Upper => out.extend(s.iter().map(u8::to_ascii_uppercase)),
        Case::Lower => out.extend(s.iter().map(u8::to_ascii_lowercase)),
    }
}

/// glibc's number: at least `min` digits (or the width, if larger) padded
/// with zeros (spaces under `_`, or for `%e %k %l` unless `0` or `-`), the
/// sign in front of zeros; what the digits leave of the width is spaces.
fn number(out: &mut Vec<u8>, v: i64, min: usize, space_pad: bool, conv: &Conv) {
    let mut pad = conv.pad;
    if space_pad && !matches!(pad, Pad::Zero | Pad::None) {
        pad = Pad::Space;
    }
    let digits = min.max(conv.width.unwrap_or(0));
    signed(out, v, digits, pad, conv.width);
}

/// The padding after the digits are known (glibc's
/// `do_number_sign_and_padding`).
fn signed(out: &mut Vec<u8>, v: i64, digits: usize, pad: Pad, width: Option<usize>) {
    let mut buf = [0u8; 20];
    let s = self::digits(&mut buf, v.unsigned_abs());
    let neg = v < 0;
    let len = s.len() + usize::from(neg);
    let mut width = width;
    if pad != Pad::None && digits > len {
        let padding = digits - len;
        if pad == Pad::Space {
            out.extend(std::iter::repeat_n(b' ', padding));
            width = width.map(|w| w.saturating_sub(padding));
        } else {
            if neg {
                out.push(b'-');
            }
            out.extend(std::iter::repeat_n(b'0', padding));
            out.extend_from_slice(s);
            return;
        }
    }
    widen(out, len, width, pad);
    if neg {
        out.push(b'-');
    }
    out.extend_from_slice(s);
}

/// ISO 8601 week-based year and week of a civil date (glibc's arithmetic).
fn iso_week(c: &Civil) -> (i64, i64) {
    fn week_days(yday: i64, wday: i64) -> i64 {
        // Days from the first day of ISO week 1 to `yday` (0-based).
        let big = (366 / 7 + 2) * 7;
        yday - (yday - wday + 4 + big) % 7 + 3
    }
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let yday = c.yday as i64 - 1;
    let wday = c.weekday as i64;
    let mut year = c.year;
    let mut days = week_days(yday, wday);
    if days < 0 {
        year -= 1;
        days = week_days(yday + 365 + i64::from(leap(year)), wday);
    } else {
        let d = week_days(yday - 365 - i64::from(leap(year)), wday);
        if d >= 0 {
            year += 1;
            days = d;
        }
    }
    (year, days / 7 + 1)
}

fn conv(out: &mut Vec<u8>, conv: &Conv, at: &At) {
    use Directive::*;
    let c = at.c;
    let h12 = if c.hour.is_multiple_of(12) {
        12
    } else {
        c.hour % 12
    } as i64;
    let n = |out: &mut Vec<u8>, v: i64, min: usize| number(out, v, min, false, conv);
    let sp = |out: &mut Vec<u8>, v: i64| number(out, v, 2, true, conv);
    match conv.d {
        Year => n(out, c.year, 4),
        Century => n(out, c.year.div_euclid(100), 2),
        Year2 => n(out, c.year.rem_euclid(100), 2),
        IsoYear => n(out, iso_week(c).0, 4),
        IsoYear2 => n(out, iso_week(c).0.rem_euclid(100), 2),
        Month => n(out, c.month as i64, 2),
        MonthAbbr => text(out, &MONTHS[c.month as usize - 1].as_bytes()[..3], conv),
        MonthName => text(out, MONTHS[c.month as usize - 1].as_bytes(), conv),
        Day => n(out, c.day as i64, 2),
        DaySpace => sp(out, c.day as i64),
        YearDay => n(out, c.yday as i64, 3),
        WeekSun => n(out, (c.yday as i64 + 6 - c.weekday as i64) / 7, 2),
        WeekMon => n(out, (c.yday as i64 + 6 - (c.weekday as i64 + 6) % 7) / 7, 2),
        IsoWeek => n(out, iso_week(c).1, 2),
        WeekdayAbbr => text(out, &WEEKDAYS[c.weekday as usize].as_bytes()[..3], conv),
        WeekdayName => text(out, WEEKDAYS[c.weekday as usize].as_bytes(), conv),
        WeekdayMon1 => n(out, ((c.weekday + 6) % 7 + 1) as i64, 1),
        WeekdaySun0 => n(out, c.weekday as i64, 1),
        Hour => n(out, c.hour as i64, 2),
        HourSpace => sp(out, c.hour as i64),
        Hour12 => n(out, h12, 2),
        Hour12Space => sp(out, h12),
        AmPm | AmPmLower => text(out, if c.hour < 12 { b"AM" } else { b"PM" }, conv),
        Minute => n(out, c.minute as i64, 2),
        Second => n(out, c.second as i64, 2),
        // glibc asks for one digit here, so a width pads with spaces.
        Epoch => signed(out, at.secs, 1, conv.pad, conv.width),
        Nanos(digits) => push_frac(out, at.nanos, digits),
        OffsetHhmm => {
            // glibc writes the sign as a one-byte field of the width, then
            // the number with the width again.
            let s = at.off.secs;
            widen(out, 1, conv.width, conv.pad);
            out.push(if s < 0 { b'-' } else { b'+' });
            let m = s.unsigned_abs() / 60;
            let hhmm = (m / 60 * 100 + m % 60) as i64;
            number(out, hhmm, 4, false, conv);
        }
        OffsetColon(colons) => {
            let s = at.off.secs;
            let a = s.unsigned_abs();
            let (h, m, sec) = (a / 3600, a / 60 % 60, a % 60);
            let parts = match colons {
                1 => 2,
                2 => 3,
                _ if sec != 0 => 3,
                _ if m != 0 => 2,
                _ => 1,
            };
            let mut buf = [0u8; 12];
            let mut len = 0;
            let mut put = |b: u8| {
                buf[len] = b;
                len += 1;
            };
            put(if s < 0 { b'-' } else { b'+' });
            for (k, v) in [h, m, sec].into_iter().take(parts).enumerate() {
                if k > 0 {
                    put(b':');
                }
                put(b'0' + (v / 10 % 10) as u8);
                put(b'0' + (v % 10) as u8);
            }
            text(out, &buf[..len], conv);
        }
        ZoneAbbr => text(out, at.off.abbrev().as_bytes(), conv),
    }
}
