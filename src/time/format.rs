//! strftime-like time formats: compiled once, rendered without allocation.
//!
//! `tstamp` renders a format for every new second (or every read, for
//! fractional formats), so a format is parsed once into [`Item`]s and
//! rendering appends bytes to a caller's buffer. The directive table is
//! public so that a parser of stamped logs (tsplot) can read times written
//! with the same formats.
//!
//! Everything is rendered in the C locale, whatever `LC_TIME` says: stamps
//! are data, and a log must read the same on every machine.

use crate::time::zone::{self, Offset};
use std::fmt;

/// One conversion of a format, after composites such as `%T` and `%F` have
/// been expanded into the directives they stand for.
///
/// | spec  | directive | output |
/// |-------|-----------|--------|
/// | `%Y`  | `Year` | year, at least 4 digits (`2026`) |
/// | `%C`  | `Century` | year / 100, 2 digits |
/// | `%y`  | `Year2` | year % 100, 2 digits |
/// | `%G`  | `IsoYear` | ISO 8601 week-based year |
/// | `%g`  | `IsoYear2` | ISO week-based year % 100 |
/// | `%m`  | `Month` | 01..12 |
/// | `%b` `%h` | `MonthAbbr` | `Jan`..`Dec` |
/// | `%B`  | `MonthName` | `January`..`December` |
/// | `%d`  | `Day` | 01..31 |
/// | `%e`  | `DaySpace` | ` 1`..`31` |
/// | `%j`  | `YearDay` | 001..366 |
/// | `%U`  | `WeekSun` | week of year, Sunday first, 00..53 |
/// | `%W`  | `WeekMon` | week of year, Monday first, 00..53 |
/// | `%V`  | `IsoWeek` | ISO 8601 week, 01..53 |
/// | `%a`  | `WeekdayAbbr` | `Sun`..`Sat` |
/// | `%A`  | `WeekdayName` | `Sunday`..`Saturday` |
/// | `%u`  | `WeekdayMon1` | 1..7, Monday = 1 |
/// | `%w`  | `WeekdaySun0` | 0..6, Sunday = 0 |
/// | `%H`  | `Hour` | 00..23 |
/// | `%k`  | `HourSpace` | ` 0`..`23` |
/// | `%I`  | `Hour12` | 01..12 |
/// | `%l`  | `Hour12Space` | ` 1`..`12` |
/// | `%p`  | `AmPm` | `AM` / `PM` |
/// | `%P`  | `AmPmLower` | `am` / `pm` |
/// | `%M`  | `Minute` | 00..59 |
/// | `%S`  | `Second` | 00..60 |
/// | `%.S` | `SecondFrac` | `%S` with microseconds (`07.250000`, as moreutils `ts`) |
/// | `%s`  | `Epoch` | seconds since 1970-01-01 00:00 UTC |
/// | `%.s` | `EpochFrac` | `%s` with microseconds (`1764000000.250000`) |
/// | `%N`  | `Nanos(9)` | fraction of the second, 9 digits; `%3N` `%6N`: 3 or 6 digits |
/// | `%z`  | `OffsetHhmm` | `+hhmm` |
/// | `%:z` | `OffsetColon` | `+hh:mm` |
/// | `%Z`  | `ZoneAbbr` | `UTC`, `EST`, `CEST`... |
/// | `%n` `%t` `%%` | (literals) | newline, tab, `%` |
///
/// Composites: `%T` = `%H:%M:%S`, `%.T` = `%H:%M:%.S`, `%R` = `%H:%M`,
/// `%D` = `%m/%d/%y`, `%F` = `%Y-%m-%d`, `%r` = `%I:%M:%S %p`,
/// `%c` = `%a %b %e %H:%M:%S %Y`, `%x` = `%m/%d/%y`, `%X` = `%H:%M:%S`.
/// Numeric directives take the GNU flags `-` (no padding), `_` (pad with
/// spaces) and `0` (pad with zeros) after the `%`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive {
    Year,
    Century,
    Year2,
    IsoYear,
    IsoYear2,
    Month,
    MonthAbbr,
    MonthName,
    Day,
    DaySpace,
    YearDay,
    WeekSun,
    WeekMon,
    IsoWeek,
    WeekdayAbbr,
    WeekdayName,
    WeekdayMon1,
    WeekdaySun0,
    Hour,
    HourSpace,
    Hour12,
    Hour12Space,
    AmPm,
    AmPmLower,
    Minute,
    Second,
    SecondFrac,
    Epoch,
    EpochFrac,
    /// Fraction of the second with this many digits (1..=9), truncated.
    Nanos(u8),
    OffsetHhmm,
    OffsetColon,
    ZoneAbbr,
}

/// How a numeric directive is padded (the GNU flag after `%`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pad {
    /// The directive's own padding: zeros, or spaces for `%e %k %l`.
    Default,
    /// `%-d`: no padding.
    None,
    /// `%_d`: spaces.
    Space,
    /// `%0e`: zeros.
    Zero,
}

/// A compiled piece of a format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Literal(Vec<u8>),
    Conv(Directive, Pad),
}

/// Why a format was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// `%Q`: the directive as written.
    Unknown(String),
    /// A `%` at the very end.
    Trailing,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Unknown(d) => write!(f, "unknown format directive \"{d}\""),
            FormatError::Trailing => f.write_str("format ends with a lone \"%\""),
        }
    }
}

/// The expansion of a composite directive letter, if it is one.
pub fn composite(c: char, frac: bool) -> Option<&'static str> {
    Some(match (c, frac) {
        ('T', false) | ('X', false) => "%H:%M:%S",
        ('T', true) => "%H:%M:%.S",
        ('R', false) => "%H:%M",
        ('D', false) | ('x', false) => "%m/%d/%y",
        ('F', false) => "%Y-%m-%d",
        ('r', false) => "%I:%M:%S %p",
        ('c', false) => "%a %b %e %H:%M:%S %Y",
        _ => return None,
    })
}

/// The directive a letter stands for (`frac`: written `%.x`).
pub fn directive(c: char, frac: bool) -> Option<Directive> {
    use Directive::*;
    Some(match (c, frac) {
        ('S', true) => SecondFrac,
        ('s', true) => EpochFrac,
        (_, true) => return None,
        ('Y', _) => Year,
        ('C', _) => Century,
        ('y', _) => Year2,
        ('G', _) => IsoYear,
        ('g', _) => IsoYear2,
        ('m', _) => Month,
        ('b' | 'h', _) => MonthAbbr,
        ('B', _) => MonthName,
        ('d', _) => Day,
        ('e', _) => DaySpace,
        ('j', _) => YearDay,
        ('U', _) => WeekSun,
        ('W', _) => WeekMon,
        ('V', _) => IsoWeek,
        ('a', _) => WeekdayAbbr,
        ('A', _) => WeekdayName,
        ('u', _) => WeekdayMon1,
        ('w', _) => WeekdaySun0,
        ('H', _) => Hour,
        ('k', _) => HourSpace,
        ('I', _) => Hour12,
        ('l', _) => Hour12Space,
        ('p', _) => AmPm,
        ('P', _) => AmPmLower,
        ('M', _) => Minute,
        ('S', _) => Second,
        ('s', _) => Epoch,
        ('N', _) => Nanos(9),
        ('z', _) => OffsetHhmm,
        ('Z', _) => ZoneAbbr,
        _ => return None,
    })
}

impl Directive {
    /// Whether the output changes within a second.
    pub fn is_fractional(self) -> bool {
        matches!(
            self,
            Directive::SecondFrac | Directive::EpochFrac | Directive::Nanos(_)
        )
    }
}

/// A compiled format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Format {
    items: Vec<Item>,
    fractional: bool,
}

impl Format {
    /// Parses a strftime-like format (see [`Directive`]).
    pub fn compile(spec: &str) -> Result<Format, FormatError> {
        let mut items = Vec::new();
        compile_into(spec, &mut items)?;
        let fractional = items
            .iter()
            .any(|i| matches!(i, Item::Conv(d, _) if d.is_fractional()));
        Ok(Format { items, fractional })
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Whether the output changes within a second, so it must be rendered
    /// for every stamp instead of once per second.
    pub fn is_fractional(&self) -> bool {
        self.fractional
    }

    /// Appends the rendering of instant `secs` + `nanos` (floor seconds,
    /// `nanos` < 1e9) shown with offset `off`.
    pub fn render(&self, out: &mut Vec<u8>, secs: i64, nanos: u32, off: &Offset) {
        let c = zone::civil(secs + off.secs as i64);
        for item in &self.items {
            match item {
                Item::Literal(b) => out.extend_from_slice(b),
                Item::Conv(d, pad) => conv(out, *d, *pad, &c, secs, nanos, off),
            }
        }
    }
}

fn compile_into(spec: &str, items: &mut Vec<Item>) -> Result<(), FormatError> {
    let mut lit: Vec<u8> = Vec::new();
    let mut chars = spec.char_indices().peekable();
    while let Some((start, ch)) = chars.next() {
        if ch != '%' {
            let mut b = [0; 4];
            lit.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
            continue;
        }
        let mut pad = Pad::Default;
        let mut frac = false;
        let mut width: Option<u8> = None;
        let mut conv = None;
        while let Some((_, c)) = chars.next() {
            match c {
                '-' if pad == Pad::Default && !frac => pad = Pad::None,
                '_' if pad == Pad::Default && !frac => pad = Pad::Space,
                '0' if pad == Pad::Default && !frac && width.is_none() => pad = Pad::Zero,
                '.' if !frac && width.is_none() => frac = true,
                '1'..='9' if width.is_none() && !frac => width = Some(c as u8 - b'0'),
                ':' if chars.peek().map(|p| p.1) == Some('z') && !frac && width.is_none() => {
                    chars.next();
                    conv = Some(':');
                    break;
                }
                _ => {
                    conv = Some(c);
                    break;
                }
            }
        }
        let end = chars.peek().map_or(spec.len(), |p| p.0);
        let written = &spec[start..end];
        let c = conv.ok_or(FormatError::Trailing)?;
        let unknown = || FormatError::Unknown(written.to_string());
        if width.is_some() && c != 'N' {
            return Err(unknown());
        }
        let simple = pad == Pad::Default && !frac;
        match c {
            '%' if simple => lit.push(b'%'),
            'n' if simple => lit.push(b'\n'),
            't' if simple => lit.push(b'\t'),
            ':' => push(items, &mut lit, Item::Conv(Directive::OffsetColon, pad)),
            'N' if !frac => push(
                items,
                &mut lit,
                Item::Conv(Directive::Nanos(width.unwrap_or(9)), pad),
            ),
            _ => {
                if let Some(exp) = composite(c, frac) {
                    if pad != Pad::Default {
                        return Err(unknown());
                    }
                    flush_lit(items, &mut lit);
                    compile_into(exp, items)?;
                } else if let Some(d) = directive(c, frac) {
                    push(items, &mut lit, Item::Conv(d, pad));
                } else {
                    return Err(unknown());
                }
            }
        }
    }
    flush_lit(items, &mut lit);
    Ok(())
}

fn flush_lit(items: &mut Vec<Item>, lit: &mut Vec<u8>) {
    if lit.is_empty() {
        return;
    }
    if let Some(Item::Literal(prev)) = items.last_mut() {
        prev.append(lit);
    } else {
        items.push(Item::Literal(std::mem::take(lit)));
    }
}

fn push(items: &mut Vec<Item>, lit: &mut Vec<u8>, item: Item) {
    flush_lit(items, lit);
    items.push(item);
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Appends `v` in decimal, padded to `width` with `fill` (none if `fill`
/// is 0). Negative numbers keep their sign in front of the padding.
pub fn push_num(out: &mut Vec<u8>, v: i64, width: usize, fill: u8) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = buf.len() - i;
    if v < 0 {
        out.push(b'-');
    }
    if fill != 0 {
        let w = width.saturating_sub(usize::from(v < 0));
        for _ in digits..w {
            out.push(fill);
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn num(out: &mut Vec<u8>, v: i64, width: usize, spaces: bool, pad: Pad) {
    let fill = match pad {
        Pad::Default if spaces => b' ',
        Pad::Default | Pad::Zero => b'0',
        Pad::Space => b' ',
        Pad::None => 0,
    };
    push_num(out, v, width, fill);
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

/// ISO 8601 week-based year and week of a civil date.
fn iso_week(c: &zone::Civil) -> (i64, i64) {
    fn weeks(y: i64) -> i64 {
        let p =
            |y: i64| (y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)).rem_euclid(7);
        if p(y) == 4 || p(y - 1) == 3 {
            53
        } else {
            52
        }
    }
    let wd = ((c.weekday + 6) % 7 + 1) as i64; // Monday = 1
    let w = (c.yday as i64 - wd + 10) / 7;
    if w < 1 {
        (c.year - 1, weeks(c.year - 1))
    } else if w > weeks(c.year) {
        (c.year + 1, 1)
    } else {
        (c.year, w)
    }
}

fn conv(
    out: &mut Vec<u8>,
    d: Directive,
    pad: Pad,
    c: &zone::Civil,
    secs: i64,
    nanos: u32,
    off: &Offset,
) {
    use Directive::*;
    let h12 = |h: u32| if h % 12 == 0 { 12 } else { h % 12 } as i64;
    match d {
        Year => num(out, c.year, 4, false, pad),
        Century => num(out, c.year.div_euclid(100), 2, false, pad),
        Year2 => num(out, c.year.rem_euclid(100), 2, false, pad),
        IsoYear => num(out, iso_week(c).0, 4, false, pad),
        IsoYear2 => num(out, iso_week(c).0.rem_euclid(100), 2, false, pad),
        Month => num(out, c.month as i64, 2, false, pad),
        MonthAbbr => out.extend_from_slice(zone::MONTHS[c.month as usize - 1].as_bytes()),
        MonthName => out.extend_from_slice(MONTH_NAMES[c.month as usize - 1].as_bytes()),
        Day => num(out, c.day as i64, 2, false, pad),
        DaySpace => num(out, c.day as i64, 2, true, pad),
        YearDay => num(out, c.yday as i64, 3, false, pad),
        WeekSun => num(
            out,
            (c.yday as i64 + 6 - c.weekday as i64) / 7,
            2,
            false,
            pad,
        ),
        WeekMon => num(
            out,
            (c.yday as i64 + 6 - ((c.weekday as i64 + 6) % 7)) / 7,
            2,
            false,
            pad,
        ),
        IsoWeek => num(out, iso_week(c).1, 2, false, pad),
        WeekdayAbbr => out.extend_from_slice(zone::WEEKDAYS[c.weekday as usize].as_bytes()),
        WeekdayName => out.extend_from_slice(WEEKDAY_NAMES[c.weekday as usize].as_bytes()),
        WeekdayMon1 => num(out, ((c.weekday + 6) % 7 + 1) as i64, 1, false, pad),
        WeekdaySun0 => num(out, c.weekday as i64, 1, false, pad),
        Hour => num(out, c.hour as i64, 2, false, pad),
        HourSpace => num(out, c.hour as i64, 2, true, pad),
        Hour12 => num(out, h12(c.hour), 2, false, pad),
        Hour12Space => num(out, h12(c.hour), 2, true, pad),
        AmPm => out.extend_from_slice(if c.hour < 12 { b"AM" } else { b"PM" }),
        AmPmLower => out.extend_from_slice(if c.hour < 12 { b"am" } else { b"pm" }),
        Minute => num(out, c.minute as i64, 2, false, pad),
        Second => num(out, c.second as i64, 2, false, pad),
        SecondFrac => {
            num(out, c.second as i64, 2, false, pad);
            out.push(b'.');
            push_frac(out, nanos, 6);
        }
        Epoch => num(out, secs, 1, false, pad),
        EpochFrac => {
            num(out, secs, 1, false, pad);
            out.push(b'.');
            push_frac(out, nanos, 6);
        }
        Nanos(digits) => push_frac(out, nanos, digits),
        OffsetHhmm | OffsetColon => {
            let s = off.secs;
            out.push(if s < 0 { b'-' } else { b'+' });
            let m = s.unsigned_abs() / 60;
            push_num(out, (m / 60) as i64, 2, b'0');
            if d == OffsetColon {
                out.push(b':');
            }
            push_num(out, (m % 60) as i64, 2, b'0');
        }
        ZoneAbbr => out.extend_from_slice(off.abbrev().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn render(spec: &str, secs: i64, nanos: u32) -> String {
        let f = Format::compile(spec).unwrap();
        let mut out = Vec::new();
        f.render(&mut out, secs, nanos, &Offset::UTC);
        String::from_utf8(out).unwrap()
    }

    /// glibc's strftime on gmtime_r: the reference for every directive
    /// both know.
    fn libc_strftime(spec: &str, secs: i64) -> String {
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        let t = secs as libc::time_t;
        // SAFETY: gmtime_r writes into our tm only.
        assert!(!unsafe { libc::gmtime_r(&t, &mut tm) }.is_null());
        let fmt = CString::new(spec).unwrap();
        let mut buf = [0u8; 512];
        // SAFETY: buf is large enough and its size is passed.
        let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm) };
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn matches_glibc_for_every_directive() {
        let spec = "%Y %C %y %G %g %m %b %h %B %d %e %j %U %W %V %a %A %u %w \
                    %H %k %I %l %p %P %M %S %s %z %T %R %D %F %r %c %x %X %% %n %t \
                    %-d %_m %-H %0e %_H %-j %-y";
        let mut t: i64 = -2_208_988_800; // 1900-01-01
        let mut checked = 0;
        while t < 4_102_444_800 {
            assert_eq!(render(spec, t, 0), libc_strftime(spec, t), "at {t}");
            t += 86_400 * 3 + 3_607 * 5 + 13;
            checked += 1;
        }
        // Every day around several new years, where ISO weeks are tricky.
        for y in [
            1999i64, 2004, 2008, 2009, 2010, 2015, 2020, 2021, 2026, 2027,
        ] {
            let d0 = zone::days_from_civil(y, 12, 20);
            for d in d0..d0 + 20 {
                let t = d * 86_400 + 45_296;
                assert_eq!(render(spec, t, 0), libc_strftime(spec, t), "at {t}");
                checked += 1;
            }
        }
        assert!(checked > 20_000);
    }

    #[test]
    fn ts_fractions_and_nanos() {
        let t = 1_764_000_007;
        assert_eq!(render("%.s", t, 250_000_999), "1764000007.250000");
        assert_eq!(render("%.S", t, 5_000), "07.000005");
        assert_eq!(render("%.T", t, 999_999_999), "16:00:07.999999");
        assert_eq!(
            render("%N|%3N|%6N|%1N", t, 123_456_789),
            "123456789|123|123456|1"
        );
        assert_eq!(render("%s", -5, 0), "-5");
        // Floor seconds with a positive fraction, as ts prints negative deltas.
        assert_eq!(render("%.s", -1, 500_000_000), "-1.500000");
        assert!(Format::compile("%.s").unwrap().is_fractional());
        assert!(Format::compile("x%3N").unwrap().is_fractional());
        assert!(!Format::compile("%T %s").unwrap().is_fractional());
    }

    #[test]
    fn offsets_and_zone_names() {
        let f = Format::compile("%z %:z %Z").unwrap();
        let utc = zone::Zone::Utc.offset_at(0);
        let mut out = Vec::new();
        f.render(&mut out, 0, 0, &utc);
        assert_eq!(out, b"+0000 +00:00 UTC");
        let mut o = Offset::UTC;
        o.secs = -(3 * 3600 + 30 * 60);
        out.clear();
        Format::compile("%z|%:z|%H:%M")
            .unwrap()
            .render(&mut out, 0, 0, &o);
        assert_eq!(out, b"-0330|-03:30|20:30");
    }

    #[test]
    fn literals_and_errors() {
        assert_eq!(render("[%%] x%ny%tz é", 0, 0), "[%] x\ny\tz é");
        assert_eq!(
            Format::compile("%Y-%Q").unwrap_err(),
            FormatError::Unknown("%Q".into())
        );
        assert_eq!(
            Format::compile("%.Y").unwrap_err(),
            FormatError::Unknown("%.Y".into())
        );
        assert_eq!(
            Format::compile("%5d").unwrap_err(),
            FormatError::Unknown("%5d".into())
        );
        assert_eq!(Format::compile("abc%").unwrap_err(), FormatError::Trailing);
        assert_eq!(
            Format::compile("%E").unwrap_err().to_string(),
            "unknown format directive \"%E\""
        );
        assert_eq!(
            Format::compile("a%Tb").unwrap().items(),
            &[
                Item::Literal(b"a".to_vec()),
                Item::Conv(Directive::Hour, Pad::Default),
                Item::Literal(b":".to_vec()),
                Item::Conv(Directive::Minute, Pad::Default),
                Item::Literal(b":".to_vec()),
                Item::Conv(Directive::Second, Pad::Default),
                Item::Literal(b"b".to_vec()),
            ]
        );
    }
}
