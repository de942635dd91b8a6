//! The CSV dialect: how a text line becomes fields (delimiter detection,
//! RFC 4180 quoting, runs of blanks), which rows are headers, how header
//! names map columns to series, and how a field becomes a number.

use super::{clip, Column, Parser, Sink};
use crate::error::Result;

/// How the fields of a CSV line are separated.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Delim {
    Byte(u8),
    /// Runs of spaces and tabs, as awk splits.
    Blanks,
}

/// Comma, tab or semicolon, whichever the line has (tab first, then
/// semicolon, so `1764000000;12,5` is read with a decimal comma), else runs
/// of blanks. Quoted text does not count.
fn detect_delimiter(line: &str) -> Delim {
    let (mut tab, mut semi, mut comma) = (false, false, false);
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\t' if !quoted => tab = true,
            b';' if !quoted => semi = true,
            b',' if !quoted => comma = true,
            _ => {}
        }
    }
    if tab {
        Delim::Byte(b'\t')
    } else if semi {
        Delim::Byte(b';')
    } else if comma {
        Delim::Byte(b',')
    } else {
        Delim::Blanks
    }
}

/// Where a field's text is: in the line, or unquoted into the scratch
/// buffer.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    scratch: bool,
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
                spans.push(Span {
                    start: i,
                    end: i + first,
                    scratch: false,
                });
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
                    let start = scratch.len();
                    let after = quoted(s, i, scratch)?;
                    let end = end_of(after);
                    scratch.push_str(&s[after..end]);
                    spans.push(Span {
                        start,
                        end: scratch.len(),
                        scratch: true,
                    });
                    i = end;
                } else {
                    let end = end_of(i);
                    spans.push(Span {
                        start: i,
                        end,
                        scratch: false,
                    });
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
                let start = scratch.len();
                let after = quoted(s, i, scratch)?;
                let end = end_of(after);
                scratch.push_str(s[after..end].trim_matches(|c| c == ' ' || c == '\t'));
                spans.push(Span {
                    start,
                    end: scratch.len(),
                    scratch: true,
                });
                i = end;
            } else {
                let end = end_of(i);
                let mut e = end;
                while e > i && is_blank(b[e - 1]) && b[e - 1] != d {
                    e -= 1;
                }
                spans.push(Span {
                    start: i,
                    end: e,
                    scratch: false,
                });
                i = end;
            }
            if i >= n {
                return Ok(());
            }
            i += 1;
            if i == n {
                // A trailing delimiter ends with an empty field.
                spans.push(Span {
                    start: n,
                    end: n,
                    scratch: false,
                });
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

/// The CSV reader's state.
#[derive(Default)]
pub(super) struct Csv {
    /// Decided on the first line of each source.
    delim: Option<Delim>,
    /// The last header's fields.
    header: Option<Vec<String>>,
    /// Fields per row: of the last header, else of the last data row.
    width: usize,
    /// The time column, once known (`None` with `--no-time`).
    x: Option<usize>,
    x_known: bool,
    /// Series of each column (`None`: the time column, or not picked).
    col_series: Vec<Option<usize>>,
    /// Series by name, so a header repeated or reordered finds its series.
    by_name: std::collections::HashMap<String, usize>,
    /// A data row was read from the current source.
    data_in_source: bool,
    /// A header had a time in the time column (`tstamp` stamped it).
    stamped_header: bool,
    /// `-x`/`-y` indices were checked against the first row.
    checked: bool,
    spans: Vec<Span>,
    scratch: String,
    kinds: Vec<Kind>,
}

impl Csv {
    /// A new file: its delimiter is detected again, and its first row may
    /// be a header.
    pub(super) fn new_source(&mut self) {
        self.delim = None;
        self.data_in_source = false;
    }
}

impl Parser {
    /// The time column by position, for the header test before it is known.
    fn x_guess(&self, fields: &Fields) -> Option<usize> {
        if self.opts.no_time {
            return None;
        }
        if self.csv.x_known {
            return self.csv.x;
        }
        match &self.opts.x {
            None => Some(0),
            Some(Column::Index(i)) => Some(i - 1),
            Some(Column::Name(n)) => fields.iter().position(|f| f == n.as_str()),
        }
    }

    pub(super) fn csv_line(&mut self, text: &str, sink: &mut dyn Sink) -> Result<()> {
        let delim = match self.csv.delim {
            Some(d) => d,
            None => {
                let d = match self.opts.delimiter {
                    Some(b' ') => Delim::Blanks,
                    Some(b) => Delim::Byte(b),
                    None => detect_delimiter(text),
                };
                self.csv.delim = Some(d);
                d
            }
        };
        // With blanks between fields, a time at the start may hold blanks
        // itself (`Nov 24 19:04:05 12`, `2025-11-24 19:04:05 12`).
        let mut prefix_time = None;
        if delim == Delim::Blanks && !self.opts.no_time && self.x_first() {
            let lead = text.bytes().take_while(|&b| is_blank(b)).count();
            if let Some((t, n)) = self.time.parse_prefix(&text[lead..]) {
                prefix_time = Some((t, n));
            }
        }
        let mut spans = std::mem::take(&mut self.csv.spans);
        let mut scratch = std::mem::take(&mut self.csv.scratch);
        let r = split(
            text,
            delim,
            prefix_time.map_or(0, |p| p.1),
            &mut spans,
            &mut scratch,
        );
        let result = match r {
            Err(m) => self.bad_line(&m),
            Ok(()) => {
                let fields = Fields {
                    text,
                    scratch: &scratch,
                    spans: &spans,
                };
                self.csv_fields(&fields, prefix_time.map(|p| p.0), delim, sink)
            }
        };
        self.csv.spans = spans;
        self.csv.scratch = scratch;
        result
    }

    /// Whether the time is (or will be) the first column.
    fn x_first(&self) -> bool {
        if self.csv.x_known {
            return self.csv.x == Some(0);
        }
        matches!(self.opts.x, None | Some(Column::Index(1)))
    }

    fn csv_fields(
        &mut self,
        fields: &Fields,
        prefix_time: Option<f64>,
        delim: Delim,
        sink: &mut dyn Sink,
    ) -> Result<()> {
        let x = self.x_guess(fields);
        let mut kinds = std::mem::take(&mut self.csv.kinds);
        kinds.clear();
        let comma = delim == Delim::Byte(b';');
        for (c, f) in fields.iter().enumerate() {
            kinds.push(if Some(c) == x {
                Kind::Time
            } else if f.is_empty() {
                Kind::Empty
            } else {
                number(f, comma).map_or(Kind::Text, Kind::Num)
            });
        }
        let any_num = kinds.iter().any(|k| matches!(k, Kind::Num(_)));
        let any_text = kinds.contains(&Kind::Text);
        let r = if !any_num && any_text && self.is_header(&fields.to_vec(), x, &kinds) {
            self.header(&fields.to_vec())
        } else {
            self.data(fields, &kinds, prefix_time, sink)
        };
        self.csv.kinds = kinds;
        r
    }

    /// A row without numbers is a header if it is the first row of its
    /// file; later, if its names have no spaces (and, split by blanks, it
    /// has as many fields as the rows before it), and either text where the
    /// time goes (`time,tcp`) or a time there after a header that had one
    /// too (the header a program prints again when a stamped log is
    /// appended to: `1764000000,3137:tcp,3137:unix`). Otherwise it is a
    /// malformed data row (`1764000000,abc` in the seed log, or an error
    /// message stamped into the log).
    fn is_header(&self, fields: &[&str], x: Option<usize>, kinds: &[Kind]) -> bool {
        if !self.csv.data_in_source {
            return true;
        }
        let names = (self.csv.delim != Some(Delim::Blanks) || fields.len() == self.csv.width)
            && fields
                .iter()
                .zip(kinds)
                .all(|(f, k)| *k == Kind::Time || name_like(f));
        if !names {
            return false;
        }
        match x.and_then(|x| fields.get(x)) {
            Some(t) if self.time.parse(t).is_some() => self.csv.stamped_header,
            _ => true,
        }
    }

    fn header(&mut self, fields: &[&str]) -> Result<()> {
        let cols = || {
            fields
                .iter()
                .map(|f| clip(f))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.opts.no_time {
            if let Some(Column::Name(n)) = &self.opts.x {
                match fields.iter().position(|f| f == n) {
                    Some(p) => self.csv.x = Some(p),
                    None if !self.csv.x_known => {
                        return Err(self.fatal_at(format!(
                            "-x {n}: no column named \"{n}\" (columns: {})",
                            cols()
                        )));
                    }
                    // A later header without it: rows go on with the old one.
                    None => {}
                }
            } else {
                self.csv.x = Some(match &self.opts.x {
                    Some(Column::Index(i)) => i - 1,
                    _ => 0,
                });
            }
            self.csv.x_known = true;
        } else {
            self.csv.x = None;
            self.csv.x_known = true;
        }
        if self.csv.header.is_none() {
            for c in &self.opts.y {
                if let Column::Name(n) = c {
                    if !fields.iter().any(|f| f == n) {
                        return Err(self.fatal_at(format!(
                            "-y {n}: no column named \"{n}\" (columns: {})",
                            cols()
                        )));
                    }
                }
            }
        }
        self.check_indices(fields.len())?;
        let x = self.csv.x;
        let mut map = Vec::with_capacity(fields.len());
        let mut seen = std::collections::HashSet::new();
        for (c, f) in fields.iter().enumerate() {
            if Some(c) == x || !self.picked(c, Some(f)) {
                map.push(None);
                continue;
            }
            let mut name = if f.is_empty() {
                format!("column {}", c + 1)
            } else {
                f.to_string()
            };
            if !seen.insert(name.clone()) {
                name = format!("{name} (column {})", c + 1);
            }
            map.push(Some(self.series_named(name)?));
        }
        self.csv.col_series = map;
        if let Some(t) = self.csv.x.and_then(|x| fields.get(x)) {
            self.csv.stamped_header |= self.time.parse(t).is_some();
        }
        self.csv.header = Some(fields.iter().map(|f| f.to_string()).collect());
        self.csv.width = fields.len();
        Ok(())
    }

    /// Whether column `c` (0-based) is one the user asked for.
    fn picked(&self, c: usize, name: Option<&str>) -> bool {
        self.opts.y.is_empty()
            || self.opts.y.iter().any(|col| match col {
                Column::Index(i) => *i == c + 1,
                Column::Name(n) => name == Some(n.as_str()),
            })
    }

    fn series_named(&mut self, name: String) -> Result<usize> {
        if let Some(&i) = self.csv.by_name.get(&name) {
            return Ok(i);
        }
        let i = self.out.add(name.clone()).map_err(|m| self.fatal_at(m))?;
        self.csv.by_name.insert(name, i);
        Ok(i)
    }

    /// `-x 5` or `-y 5` on input with 3 columns is a mistake, not a gap.
    fn check_indices(&mut self, width: usize) -> Result<()> {
        if self.csv.checked {
            return Ok(());
        }
        self.csv.checked = true;
        if let Some(x) = self.csv.x {
            if self.opts.y.contains(&Column::Index(x + 1)) {
                return Err(self.fatal(format!(
                    "-y {0}: column {0} is the time column (see -x and --no-time)",
                    x + 1
                )));
            }
        }
        for (opt, c) in self
            .opts
            .x
            .iter()
            .map(|c| ("-x", c))
            .chain(self.opts.y.iter().map(|c| ("-y", c)))
        {
            if let Column::Index(i) = c {
                if *i > width {
                    return Err(self.fatal_at(format!(
                        "{opt} {i}: the input has only {width} column{}",
                        if width == 1 { "" } else { "s" }
                    )));
                }
            }
        }
        Ok(())
    }

    fn data(
        &mut self,
        fields: &Fields,
        kinds: &[Kind],
        prefix_time: Option<f64>,
        sink: &mut dyn Sink,
    ) -> Result<()> {
        if !self.csv.x_known {
            if let Some(Column::Name(n)) = &self.opts.x {
                return Err(self.fatal_at(format!(
                    "-x {n}: the input has no header row naming its columns",
                )));
            }
            self.csv.x = if self.opts.no_time {
                None
            } else {
                Some(match &self.opts.x {
                    Some(Column::Index(i)) => i - 1,
                    _ => 0,
                })
            };
            self.csv.x_known = true;
        }
        if self.csv.header.is_none() {
            if let Some(Column::Name(n)) = self.opts.y.iter().find(|c| matches!(c, Column::Name(_)))
            {
                return Err(self.fatal_at(format!(
                    "-y {n}: the input has no header row naming its columns",
                )));
            }
        }
        self.check_indices(fields.len())?;
        let x = self.csv.x;
        // Columns beyond the header (or all, without one) are named by
        // their number.
        while self.csv.col_series.len() < fields.len() {
            let c = self.csv.col_series.len();
            let s = if Some(c) == x || !self.picked(c, None) {
                None
            } else {
                Some(self.series_named(format!("column {}", c + 1))?)
            };
            self.csv.col_series.push(s);
        }
        let time = match x {
            None => (self.row_no + 1) as f64,
            Some(x) => match (prefix_time, fields.get(x)) {
                (Some(t), _) if x == 0 => t,
                (_, None) => {
                    return self.bad_line(&format!("column {}: no time", x + 1));
                }
                (_, Some(f)) => match self.time.parse(f) {
                    Some(t) => t,
                    None => {
                        return self.bad_line(&format!(
                            "column {}: expected a time, found {:?}",
                            x + 1,
                            clip(f)
                        ));
                    }
                },
            },
        };
        for (c, s) in self.csv.col_series.iter().enumerate() {
            if s.is_some() && kinds.get(c) == Some(&Kind::Text) {
                let found = clip(fields.get(c).unwrap_or(""));
                return self.bad_line(&format!(
                    "column {}: expected a number, found {found:?}",
                    c + 1
                ));
            }
        }
        for (c, s) in self.csv.col_series.iter().enumerate() {
            if let Some(s) = *s {
                let v = match kinds.get(c) {
                    Some(Kind::Num(v)) => Some(*v),
                    _ => None,
                };
                self.out.point(sink, s, time, v);
            }
        }
        self.row_no += 1;
        self.csv.data_in_source = true;
        if self.csv.header.is_none() {
            self.csv.width = fields.len();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
