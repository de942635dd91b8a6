//! strftime formats as moreutils `ts` prints them: compiled once, rendered
//! without allocation ([`render`]), byte for byte what glibc's strftime in
//! the C locale gives after ts's own `%.S` `%.s` `%.T` rewrite.
//!
//! The semantics are glibc's: flags `_ - 0 ^ #`, a field width, the `E` and
//! `O` modifiers (the C locale has no alternative forms, so they change
//! nothing where glibc accepts them), and anything glibc does not know
//! (`%Q`, `%+`, a lone trailing `%`) copied through as written. On top, as
//! GNU date has them: `%:z` `+05:30`, `%::z` `+05:30:00` and `%:::z` the
//! shortest of those that is exact; any other `%:` is refused. `%N` (`%3N`
//! `%6N`...) is the fraction of the second, tstamp's extension.
//!
//! Everything is in the C locale whatever `LC_TIME` says: stamps are data,
//! and a log must read the same on every machine.

pub mod render;

pub use render::{push_frac, push_num, rfc3339, strftime};
use std::fmt;

/// What one conversion shows. Composites (`%T`, `%c`...) are expanded into
/// these at compile time.
///
/// | spec  | directive | output (C locale) |
/// |-------|-----------|--------|
/// | `%Y` `%C` `%y` | `Year` `Century` `Year2` | `2026`, `20`, `26` |
/// | `%G` `%g` `%V` | `IsoYear` `IsoYear2` `IsoWeek` | ISO 8601 week-based year and week |
/// | `%m` `%b` `%h` `%B` | `Month` `MonthAbbr` `MonthName` | `01`, `Jan`, `January` |
/// | `%d` `%e` `%j` | `Day` `DaySpace` `YearDay` | `01`, ` 1`, `001` |
/// | `%U` `%W` | `WeekSun` `WeekMon` | week of the year, 00..53 |
/// | `%a` `%A` `%u` `%w` | `WeekdayAbbr` `WeekdayName` `WeekdayMon1` `WeekdaySun0` | `Sun`, `Sunday`, 1..7, 0..6 |
/// | `%H` `%k` `%I` `%l` | `Hour` `HourSpace` `Hour12` `Hour12Space` | `07`, ` 7`, `07`, ` 7` |
/// | `%p` `%P` | `AmPm` `AmPmLower` | `AM`, `am` |
/// | `%M` `%S` `%s` | `Minute` `Second` `Epoch` | `04`, `05`, `1764000000` |
/// | `%N` `%3N` | `Nanos(9)` `Nanos(3)` | fraction of the second, truncated |
/// | `%z` `%:z` `%::z` `%:::z` | `OffsetHhmm` `OffsetColon(n)` | `+0530`, `+05:30`, `+05:30:00`, `+05:30` |
/// | `%Z` | `ZoneAbbr` | `UTC`, `EST`, `IST`... |
///
/// Composites: `%T` `%X` = `%H:%M:%S`, `%R` = `%H:%M`, `%D` `%x` =
/// `%m/%d/%y`, `%F` = `%Y-%m-%d`, `%r` = `%I:%M:%S %p`, `%c` = `%a %b %e
/// %H:%M:%S %Y`; `%n` `%t` `%%` are literals. ts rewrites `%.S` to
/// `%S.uuuuuu` (microseconds) before strftime sees it, and so do we
/// ([`Item::Micros`]); likewise `%.s` and `%.T`.
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
    Epoch,
    /// Fraction of the second with this many digits (1..=9), truncated.
    Nanos(u8),
    OffsetHhmm,
    /// `%:z` (1), `%::z` (2), `%:::z` (3).
    OffsetColon(u8),
    ZoneAbbr,
}

impl Directive {
    /// Whether the output changes within a second.
    pub fn is_fractional(self) -> bool {
        matches!(self, Directive::Nanos(_))
    }
}

/// The flag given after `%` that decides padding (glibc keeps the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pad {
    /// None given: the directive's own padding (zeros, or spaces for `%e %k %l`).
    Default,
    /// `-`: no padding from the directive.
    None,
    /// `_`: spaces.
    Space,
    /// `0`: zeros, also for text widened by a width.
    Zero,
}

/// Letter case asked for by `^` (upper) and `#` (swap: upper for names,
/// lower for `%p` and `%Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Keep,
    Upper,
    Lower,
}

/// One conversion with its flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv {
    pub d: Directive,
    pub pad: Pad,
    /// The field width, if one was written.
    pub width: Option<usize>,
    pub case: Case,
}

/// A compiled piece of a format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Literal(Vec<u8>),
    Conv(Conv),
    /// A composite (`%^c`, `%12T`) with a width or upper case, which apply
    /// to its whole output.
    Group {
        items: Vec<Item>,
        width: usize,
        zero: bool,
        upper: bool,
    },
    /// The six digits of microseconds that ts writes for `%.S` `%.s` `%.T`.
    Micros,
}

/// Why a format was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// `%:Y`, `%12N`: the directive as written.
    Unknown(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Unknown(d) => write!(f, "unknown format directive \"{d}\""),
        }
    }
}

/// A compiled format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Format {
    items: Vec<Item>,
    fractional: bool,
    /// Directives glibc does not know, copied through as written.
    unknown: Vec<String>,
    /// ts's Perl gives up (prints nothing) on an output this long or longer.
    limit: usize,
}

/// A byte of the format after ts's rewrite, or the microseconds it inserts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Byte(u8),
    Micros,
}

impl Format {
    /// Compiles a strftime format (see [`Directive`]).
    pub fn compile(spec: &str) -> Result<Format, FormatError> {
        let toks = ts_rewrite(spec.as_bytes());
        let mut c = Compiler {
            toks: &toks,
            unknown: Vec::new(),
        };
        let items = c.items()?;
        let unknown = c.unknown;
        let fractional = contains_fraction(&items);
        // Perl's POSIX::strftime tries a 64-byte buffer, then doubles one of
        // (format length + 64) until it is over 100 times the format's length;
        // an output that fits none is dropped. `toks` is the format ts hands
        // it, microseconds included.
        let fmtlen = toks
            .iter()
            .map(|t| if *t == Tok::Micros { 6 } else { 1 })
            .sum::<usize>();
        let mut limit = fmtlen + 64;
        while limit <= 100 * fmtlen {
            limit *= 2;
        }
        Ok(Format {
            items,
            fractional,
            unknown,
            limit,
        })
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Directives glibc does not know (`%Q`, `%+`, a trailing `%`), as
    /// written: rendering copies them through, as ts does; a reader of times
    /// refuses them.
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }

    /// Whether the output changes within a second, so it must be rendered
    /// for every stamp instead of once per second.
    pub fn is_fractional(&self) -> bool {
        self.fractional
    }
}

fn contains_fraction(items: &[Item]) -> bool {
    items.iter().any(|i| match i {
        Item::Conv(c) => c.d.is_fractional(),
        Item::Micros => true,
        Item::Group { items, .. } => contains_fraction(items),
        Item::Literal(_) => false,
    })
}

/// ts's `s/%\.([SsT])/%$1.$usec/g`, done before strftime: applied even where
/// the `%` belongs to a `%%`, as ts does.
fn ts_rewrite(spec: &[u8]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(spec.len() + 8);
    let mut i = 0;
    while i < spec.len() {
        if spec[i] == b'%'
            && spec.get(i + 1) == Some(&b'.')
            && matches!(spec.get(i + 2), Some(b'S' | b's' | b'T'))
        {
            out.extend([Tok::Byte(b'%'), Tok::Byte(spec[i + 2]), Tok::Byte(b'.')]);
            out.push(Tok::Micros);
            i += 3;
        } else {
            out.push(Tok::Byte(spec[i]));
            i += 1;
        }
    }
    out
}

struct Compiler<'a> {
    toks: &'a [Tok],
    unknown: Vec<String>,
}

/// The C locale's expansion of a composite conversion.
fn composite(c: u8) -> Option<&'static str> {
    Some(match c {
        b'T' | b'X' => "%H:%M:%S",
        b'R' => "%H:%M",
        b'D' | b'x' => "%m/%d/%y",
        b'F' => "%Y-%m-%d",
        b'r' => "%I:%M:%S %p",
        b'c' => "%a %b %e %H:%M:%S %Y",
        _ => return None,
    })
}

/// The directive of a conversion letter, and whether glibc accepts the
/// modifier (`E` or `O`) on it.
fn directive(c: u8, modifier: u8) -> Option<(Directive, bool)> {
    use Directive::*;
    let (d, e_ok, o_ok) = match c {
        b'Y' => (Year, true, false),
        b'C' => (Century, true, true),
        b'y' => (Year2, true, true),
        b'G' => (IsoYear, false, true),
        b'g' => (IsoYear2, false, true),
        b'V' => (IsoWeek, false, true),
        b'm' => (Month, false, true),
        b'b' | b'h' => (MonthAbbr, false, true),
        b'B' => (MonthName, false, true),
        b'd' => (Day, false, true),
        b'e' => (DaySpace, false, true),
        b'j' => (YearDay, false, true),
        b'U' => (WeekSun, false, true),
        b'W' => (WeekMon, false, true),
        b'a' => (WeekdayAbbr, false, false),
        b'A' => (WeekdayName, false, false),
        b'u' => (WeekdayMon1, true, true),
        b'w' => (WeekdaySun0, false, true),
        b'H' => (Hour, false, true),
        b'k' => (HourSpace, false, true),
        b'I' => (Hour12, false, true),
        b'l' => (Hour12Space, false, true),
        b'p' => (AmPm, true, true),
        b'P' => (AmPmLower, true, true),
        b'M' => (Minute, false, true),
        b'S' => (Second, false, true),
        b's' => (Epoch, true, true),
        b'z' => (OffsetHhmm, true, true),
        b'Z' => (ZoneAbbr, true, true),
        _ => return None,
    };
    let ok = match modifier {
        b'E' => e_ok,
        b'O' => o_ok,
        _ => true,
    };
    Some((d, ok))
}

/// Modifiers glibc accepts on composites and literals.
fn modifier_ok(c: u8, modifier: u8) -> bool {
    match (c, modifier) {
        (_, 0) => true,
        (b'c' | b'x' | b'X', b'O') => false,
        (b'D' | b'F', _) => false,
        _ => true,
    }
}

impl Compiler<'_> {
    fn items(&mut self) -> Result<Vec<Item>, FormatError> {
        let mut items = Vec::new();
        let mut lit: Vec<u8> = Vec::new();
        let toks = self.toks;
        let mut i = 0;
        while i < toks.len() {
            let b = match toks[i] {
                Tok::Micros => {
                    flush(&mut items, &mut lit);
                    items.push(Item::Micros);
                    i += 1;
                    continue;
                }
                Tok::Byte(b) => b,
            };
            if b != b'%' {
                lit.push(b);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            let byte = |j: usize| match toks.get(j) {
                Some(Tok::Byte(b)) => Some(*b),
                _ => None,
            };
            let mut pad = Pad::Default;
            let mut upper = false;
            let mut swap = false;
            while let Some(f) = byte(i) {
                match f {
                    b'_' => pad = Pad::Space,
                    b'-' => pad = Pad::None,
                    b'0' => pad = Pad::Zero,
                    b'^' => upper = true,
                    b'#' => swap = true,
                    _ => break,
                }
                i += 1;
            }
            let mut width: Option<usize> = None;
            while let Some(d @ b'0'..=b'9') = byte(i) {
                // glibc stops growing a width at INT_MAX; so does the limit
                // on the output's length long before.
                width = Some(
                    width
                        .unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add((d - b'0') as usize)
                        .min(i32::MAX as usize),
                );
                i += 1;
            }
            let mut modifier = 0;
            if let Some(m @ (b'E' | b'O')) = byte(i) {
                modifier = m;
                i += 1;
            }
            let written = |end: usize| -> String {
                let bytes: Vec<u8> = toks[start..end]
                    .iter()
                    .filter_map(|t| match t {
                        Tok::Byte(b) => Some(*b),
                        Tok::Micros => None,
                    })
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            };
            let Some(c) = byte(i) else {
                // A `%` at the end (or before ts's microseconds, which
                // cannot happen): glibc copies what there is.
                self.bad(&mut lit, written(i), width, pad, upper);
                continue;
            };
            i += 1;
            // The GNU date extensions: %:z %::z %:::z, nothing else.
            if c == b':' {
                let mut colons = 1;
                while byte(i) == Some(b':') {
                    colons += 1;
                    i += 1;
                }
                let end = if byte(i).is_some() { i + 1 } else { i };
                if byte(i) != Some(b'z') || colons > 3 {
                    return Err(FormatError::Unknown(written(end)));
                }
                i += 1;
                flush(&mut items, &mut lit);
                items.push(Item::Conv(Conv {
                    d: Directive::OffsetColon(colons),
                    pad,
                    width,
                    case: Case::Keep,
                }));
                continue;
            }
            if c == b'N' && modifier == 0 {
                let digits = width.unwrap_or(9);
                if !(1..=9).contains(&digits) {
                    return Err(FormatError::Unknown(written(i)));
                }
                flush(&mut items, &mut lit);
                items.push(Item::Conv(Conv {
                    d: Directive::Nanos(digits as u8),
                    pad: Pad::Default,
                    width: None,
                    case: Case::Keep,
                }));
                continue;
            }
            let simple_lit = match c {
                b'%' => Some(b'%'),
                b'n' => Some(b'\n'),
                b't' => Some(b'\t'),
                _ => None,
            };
            if let Some(l) = simple_lit {
                if modifier_ok(c, modifier) {
                    pad_text(&mut lit, &[l], width, pad, upper);
                } else {
                    self.bad(&mut lit, written(i), width, pad, upper);
                }
                continue;
            }
            if let Some(sub) = composite(c) {
                if !modifier_ok(c, modifier) {
                    self.bad(&mut lit, written(i), width, pad, upper);
                    continue;
                }
                let inner = ts_rewrite(sub.as_bytes());
                let mut sc = Compiler {
                    toks: &inner,
                    unknown: Vec::new(),
                };
                let sub_items = sc.items()?;
                flush(&mut items, &mut lit);
                if width.is_some() || upper {
                    items.push(Item::Group {
                        items: sub_items,
                        width: width.unwrap_or(0),
                        zero: pad == Pad::Zero,
                        upper,
                    });
                } else {
                    for it in sub_items {
                        push_merged(&mut items, it);
                    }
                }
                continue;
            }
            match directive(c, modifier) {
                Some((d, true)) => {
                    use Directive::*;
                    let case = match d {
                        WeekdayAbbr | WeekdayName | MonthAbbr | MonthName if swap || upper => {
                            Case::Upper
                        }
                        AmPmLower => Case::Lower,
                        AmPm | ZoneAbbr if swap => Case::Lower,
                        _ if upper => Case::Upper,
                        _ => Case::Keep,
                    };
                    flush(&mut items, &mut lit);
                    items.push(Item::Conv(Conv {
                        d,
                        pad,
                        width,
                        case,
                    }));
                }
                // glibc sets `#`'s upper case for %b and %h before it
                // finds the modifier wrong.
                _ => {
                    let upper = upper || (swap && matches!(c, b'b' | b'h'));
                    self.bad(&mut lit, written(i), width, pad, upper)
                }
            }
        }
        flush(&mut items, &mut lit);
        Ok(items)
    }

    /// A directive glibc does not know: its text, widened and upper-cased
    /// as a string would be.
    fn bad(
        &mut self,
        lit: &mut Vec<u8>,
        text: String,
        width: Option<usize>,
        pad: Pad,
        upper: bool,
    ) {
        pad_text(lit, text.as_bytes(), width, pad, upper);
        self.unknown.push(text);
    }
}

/// Text as glibc's `cpy` writes it: padded on the left to `width` (zeros
/// under the `0` flag, else spaces), upper-cased under `^`.
fn pad_text(out: &mut Vec<u8>, text: &[u8], width: Option<usize>, pad: Pad, upper: bool) {
    if let Some(w) = width {
        let fill = if pad == Pad::Zero { b'0' } else { b' ' };
        out.extend(std::iter::repeat_n(fill, w.saturating_sub(text.len())));
    }
    if upper {
        out.extend(text.iter().map(u8::to_ascii_uppercase));
    } else {
        out.extend_from_slice(text);
    }
}

fn flush(items: &mut Vec<Item>, lit: &mut Vec<u8>) {
    if !lit.is_empty() {
        push_merged(items, Item::Literal(std::mem::take(lit)));
    }
}

fn push_merged(items: &mut Vec<Item>, item: Item) {
    if let (Some(Item::Literal(prev)), Item::Literal(next)) = (items.last_mut(), &item) {
        prev.extend_from_slice(next);
        return;
    }
    items.push(item);
}

#[cfg(test)]
mod tests;
