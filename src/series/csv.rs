//! The CSV dialect, line by line: the delimiter candidates, RFC 4180
//! quoting, runs of blanks, a stamped line's rest split at its blanks, how a
//! field becomes a number (sizes, percentages, a leading number), and the
//! byte-level path for `epoch,integer` rows. Rows, headers and columns are
//! table.rs's.

use crate::series::clip;
use crate::sys::term::visible;

/// sysstat's closing summary row (`Average:  all  1.00 ...`).
const SUMMARY_LABEL: &str = "Average:";

/// How the fields of a CSV line are separated.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Delim {
    Byte(u8),
    /// Runs of spaces and tabs, as awk splits.
    Blanks,
}

/// The delimiter candidates, in the order that breaks ties: a tab, then a
/// semicolon (so `1764000000;12,5` is read with a decimal comma), then a
/// comma.
const CANDIDATES: [u8; 3] = [b'\t', b';', b','];

/// Which of [`CANDIDATES`] the line has outside quotes.
fn delimiters_in(line: &str) -> [bool; 3] {
    let mut has = [false; 3];
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            b'\t' => has[0] = true,
            b';' => has[1] = true,
            b',' => has[2] = true,
            _ => {}
        }
    }
    has
}

/// Where a field's text is: in the line, or unquoted into the scratch
/// buffer.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    scratch: bool,
}

impl Span {
    /// A field that lies in the line as it is.
    fn text(start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            scratch: false,
        }
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// RFC 4180: `"a ""b"", c"` is `a "b", c`. Text after the closing quote
/// is kept (leniently); a quote that never closes is an error, because a
/// line is one record here.
fn quoted(s: &str, mut i: usize, scratch: &mut String) -> std::result::Result<usize, String> {
    let b = s.as_bytes();
    i += 1;
    loop {
        let Some(q) = memchr::memchr(b'"', &b[i..]).map(|q| q + i) else {
            return Err("unterminated quoted field".into());
        };
        scratch.push_str(&s[i..q]);
        if b.get(q + 1) == Some(&b'"') {
            scratch.push('"');
            i = q + 2;
        } else {
            return Ok(q + 1);
        }
    }
}

/// Reads the quoted field that starts at `i` into `scratch`, with what
/// follows its closing quote up to `end_of`, blanks trimmed (`"a" ,` is
/// `a`; with blanks as the delimiter that tail has none), and returns
/// where the field ends.
fn quoted_field(
    s: &str,
    i: usize,
    end_of: impl Fn(usize) -> usize,
    spans: &mut Vec<Span>,
    scratch: &mut String,
) -> std::result::Result<usize, String> {
    let start = scratch.len();
    let after = quoted(s, i, scratch)?;
    let end = end_of(after);
    scratch.push_str(s[after..end].trim_matches(|c| c == ' ' || c == '\t'));
    spans.push(Span {
        start,
        end: scratch.len(),
        scratch: true,
    });
    Ok(end)
}

/// Splits a line into fields. With `Blanks`, `first` is the length of a
/// time already read at the start (it may contain spaces).
fn split(
    s: &str,
    delim: Delim,
    first: usize,
    spans: &mut Vec<Span>,
    scratch: &mut String,
) -> std::result::Result<(), String> {
    spans.clear();
    scratch.clear();
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    match delim {
        Delim::Blanks => {
            while i < n && is_blank(b[i]) {
                i += 1;
            }
            if first > 0 {
                spans.push(Span::text(i, i + first));
                i += first;
            }
            loop {
                while i < n && is_blank(b[i]) {
                    i += 1;
                }
                if i >= n {
                    return Ok(());
                }
                let end_of = |from: usize| {
                    b[from..]
                        .iter()
                        .position(|&c| is_blank(c))
                        .map_or(n, |p| p + from)
                };
                if b[i] == b'"' {
                    i = quoted_field(s, i, end_of, spans, scratch)?;
                } else {
                    let end = end_of(i);
                    spans.push(Span::text(i, end));
                    i = end;
                }
            }
        }
        Delim::Byte(d) => loop {
            while i < n && is_blank(b[i]) && b[i] != d {
                i += 1;
            }
            let end_of = |from: usize| memchr::memchr(d, &b[from.min(n)..]).map_or(n, |p| p + from);
            if i < n && b[i] == b'"' {
                i = quoted_field(s, i, end_of, spans, scratch)?;
            } else {
                let end = end_of(i);
                let mut e = end;
                while e > i && is_blank(b[e - 1]) && b[e - 1] != d {
                    e -= 1;
                }
                spans.push(Span::text(i, e));
                i = end;
            }
            if i >= n {
                return Ok(());
            }
            i += 1;
            if i == n {
                // A trailing delimiter ends with an empty field.
                spans.push(Span::text(n, n));
                return Ok(());
            }
        },
    }
}

/// The fields of a split line, where they lie.
struct Fields<'a> {
    text: &'a str,
    scratch: &'a str,
    spans: &'a [Span],
}

impl<'a> Fields<'a> {
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        let s = self.spans.get(i)?;
        let src = if s.scratch { self.scratch } else { self.text };
        src.get(s.start..s.end)
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// The line from field `i` to the end of the last field.
    fn rest(&self, i: usize) -> &'a str {
        match (self.spans.get(i), self.spans.last()) {
            (Some(a), Some(b)) if !a.scratch && !b.scratch => {
                self.text.get(a.start..b.end).unwrap_or("")
            }
            _ => self.get(i).unwrap_or(""),
        }
    }

    fn to_vec(&self) -> Vec<&'a str> {
        self.iter().collect()
    }
}

/// A value field, read once for both the header test and the data.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// An empty field: a gap.
    Empty,
    Num(f64),
    Text,
    /// The time column (not a value).
    Time,
}

/// A field as a number: a plain one, a size as `du -h`, `ls -h` and
/// `free -h` print it (`512K`, `1.1M`, `2.3Gi`, `1.5GB`: every multiplier
/// is a power of 1024, whatever the letters), a percentage (`45%`), or the
/// number that starts a field of words (`12 connections`, as awk reads it).
fn value(s: &str, decimal_comma: bool) -> Option<f64> {
    if let Some(v) = number(s, decimal_comma) {
        return Some(v);
    }
    if let Some(v) = sized(s) {
        return Some(v);
    }
    let end = s.find(char::is_whitespace)?;
    let head = &s[..end];
    number(head, decimal_comma).or_else(|| sized(head))
}

/// `512K`, `1.1M`, `2.3Gi`, `1.5GB`, `12B`, `45%`.
fn sized(s: &str) -> Option<f64> {
    if let Some(n) = s.strip_suffix('%') {
        return plain_decimal(n);
    }
    let s = s.strip_suffix('B').unwrap_or(s);
    let s = s.strip_suffix('i').unwrap_or(s);
    let (n, power) = match s.as_bytes().last()? {
        b'K' | b'k' => (&s[..s.len() - 1], 1),
        b'M' => (&s[..s.len() - 1], 2),
        b'G' => (&s[..s.len() - 1], 3),
        b'T' => (&s[..s.len() - 1], 4),
        b'P' => (&s[..s.len() - 1], 5),
        b'E' => (&s[..s.len() - 1], 6),
        _ => (s, 0),
    };
    Some(plain_decimal(n)? * 1024f64.powi(power))
}

/// Digits with at most one decimal point and an optional sign: no
/// exponents or `inf`, so that words never read as sizes.
fn plain_decimal(s: &str) -> Option<f64> {
    let b = s.strip_prefix('-').unwrap_or(s).as_bytes();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    let points = b.iter().filter(|&&c| c == b'.').count();
    if digits == 0 || points > 1 || digits + points != b.len() {
        return None;
    }
    s.parse().ok()
}

fn number(s: &str, decimal_comma: bool) -> Option<f64> {
    // Counts are mostly small integers: read those digit by digit (15
    // digits are exact in an f64), the rest with the full float parser.
    let b = s.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        let v = digits
            .iter()
            .fold(0u64, |v, d| v * 10 + u64::from(d - b'0')) as f64;
        return Some(if digits.len() < b.len() { -v } else { v });
    }
    match s.parse::<f64>() {
        Ok(v) => Some(v),
        Err(_) if decimal_comma && s.bytes().filter(|&b| b == b',').count() == 1 => {
            s.replace(',', ".").parse().ok()
        }
        Err(_) => None,
    }
}

/// Whether a later row's field can be a series name (`3137:tcp`): a row of
/// error text stamped into a log has spaces, a header written by a program
/// does not.
fn name_like(s: &str) -> bool {
    s.len() <= 64 && s.bytes().any(|b| b.is_ascii_alphabetic()) && !s.contains(char::is_whitespace)
}

/// `EPOCH,  1  0  812344 ...` as tstamp writes a command's line: the rest
/// after the time split at its blanks, when it has some and no quotes.
fn split_rest(text: &str, spans: &mut Vec<Span>) -> bool {
    let rest = spans[1];
    if rest.scratch {
        return false;
    }
    let s = &text.as_bytes()[rest.start..rest.end];
    if !s.iter().any(|&b| is_blank(b)) || s.contains(&b'"') {
        return false;
    }
    spans.truncate(1);
    let mut i = 0;
    while i < s.len() {
        while i < s.len() && is_blank(s[i]) {
            i += 1;
        }
        let start = i;
        while i < s.len() && !is_blank(s[i]) {
            i += 1;
        }
        if i > start {
            spans.push(Span {
                start: rest.start + start,
                end: rest.start + i,
                scratch: false,
            });
        }
    }
    true
}

/// Names listed in an error message, at most: every column of a command's
/// output (vmstat has 17, sar -r 11), not every one of a 1000-column file.
const LISTED: usize = 40;

/// Names for an error message: the first [`LISTED`], escaped, then a count.
fn listing<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let mut s: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|n| visible(&clip(n)).into_owned())
        .collect();
    if names.len() > LISTED {
        s.push(format!("and {} more", names.len() - LISTED));
    }
    s.join(", ")
}

/// `1764000000,12`: ten digits of epoch seconds, the delimiter, an integer
/// of at most 15 digits, the end: read byte by byte. Anything else (a sign
/// on the time, a fraction, a CR, a second value) is `None`, for the
/// general parser, which reads these rows to the same numbers.
#[inline]
pub(super) fn fast_row(line: &[u8], d: u8) -> Option<(f64, f64)> {
    let (time, rest) = (line.get(..10)?, line.get(10..)?);
    let t = decimal(time)?;
    let (&first, rest) = rest.split_first()?;
    if first != d {
        return None;
    }
    let (neg, digits) = match rest.split_first() {
        Some((b'-', r)) => (true, r),
        _ => (false, rest),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let v = decimal(digits)? as f64;
    Some((t as f64, if neg { -v } else { v }))
}

/// The value of ASCII decimal digits (the caller bounds their number: no
/// overflow check), or `None` at anything else.
#[inline]
fn decimal(digits: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        v = v * 10 + u64::from(digit);
    }
    Some(v)
}

mod table;
pub(super) use table::Csv;

#[cfg(test)]
mod tests;
