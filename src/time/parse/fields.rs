//! Reading a time written with a `--time-format`: the fields each directive
//! wrote, gathered for [`super::TimeParser`] to turn into an instant.

use super::Cursor;
use crate::time::format::{Directive, Format, Item};
use crate::time::names::WEEKDAYS;

/// What a `--time-format` read.
#[derive(Default)]
pub(super) struct Fields {
    pub(super) year: Option<i64>,
    pub(super) century: Option<i64>,
    pub(super) year2: Option<i64>,
    pub(super) month: Option<u32>,
    pub(super) day: Option<u32>,
    pub(super) yday: Option<u32>,
    pub(super) hour: Option<u32>,
    pub(super) pm: Option<bool>,
    pub(super) minute: Option<u32>,
    pub(super) second: Option<u32>,
    pub(super) frac: f64,
    pub(super) epoch: Option<i64>,
    pub(super) offset: Option<i32>,
}

/// Reads what `items` wrote; a blank in the format matches any run of
/// blanks (what a width or `%e` adds is blanks too).
pub(super) fn read_items(c: &mut Cursor, items: &[Item], f: &mut Fields) -> Option<()> {
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
            Item::Conv(conv) => read_directive(c, conv.d, f)?,
            Item::Micros => {
                if !c.digit_at(c.i) {
                    return None;
                }
                f.frac = c.fraction();
            }
            Item::Group { items, .. } => {
                c.skip_spaces();
                read_items(c, items, f)?;
            }
        }
    }
    Some(())
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
            c.name(&WEEKDAYS)?;
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
        Epoch => {
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
        }
        Nanos(_) => {
            if !c.digit_at(c.i) {
                return None;
            }
            f.frac = c.fraction();
        }
        OffsetHhmm | OffsetColon(_) => f.offset = Some(c.offset()?),
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
pub(super) fn compile(spec: &str) -> Result<Vec<Item>, String> {
    let f = Format::compile(spec).map_err(|e| e.to_string())?;
    if let Some(u) = f.unknown().first() {
        return Err(format!("unknown format directive \"{u}\""));
    }
    for item in f.items() {
        if let Item::Conv(conv) = item {
            let d = &conv.d;
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
