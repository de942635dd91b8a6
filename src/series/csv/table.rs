//! The rows of a CSV table: the delimiter decided from the first lines,
//! which rows are headers (command banners, the last header before the
//! data), how header names map columns to series, and data rows to points.
//! A command's sections and labelled rows are sections.rs's; what `-x` and
//! `-y` select, and their checks, select.rs's.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{delimiters_in, is_blank, listing, name_like, split, split_rest, value};
use super::{Delim, Fields, Kind, Span};
use super::{CANDIDATES, SUMMARY_LABEL};
use crate::error::Result;
use crate::series::{clip, Column, Parser, Sink};
use crate::sys::term::visible;

/// Lines held, at most, before the delimiter is decided without a data row.
const HELD: usize = 8;

/// A source's name and the lines it ended with, still held.
type Stale = (Option<String>, Vec<(u64, String)>);

mod sections;
mod select;

/// One column of the table as the current header lays it out.
#[derive(Clone, Debug, Default)]
struct Col {
    /// From the header; `None`: named by its number.
    name: Option<String>,
    picked: bool,
    /// Made when the column first holds a number (or a gap).
    series: Option<usize>,
    /// The first text it held, while it has held nothing else, and where.
    text: Option<(String, String)>,
}

/// The CSV reader's state.
#[derive(Default)]
pub(in crate::series) struct Csv {
    /// Decided from the first lines of each source.
    delim: Option<Delim>,
    /// Lines (with their numbers) read before the delimiter is decided.
    held: Vec<(u64, String)>,
    /// Lines a source ended with before its delimiter was decided, and its
    /// name: read at the next line or the end.
    stale: Option<Stale>,
    /// The last header's fields, and where it was.
    header: Option<Vec<String>>,
    header_at: String,
    /// The header was split at blanks (a command's output, not a CSV
    /// file, whose extra columns are named by number instead).
    header_by_blanks: bool,
    /// Header field of data column `c`: `c + shift`.
    shift: isize,
    /// `cols` follow the last header (it is applied at the first data row,
    /// so that a banner or an earlier header line never makes series).
    applied: bool,
    /// `-y` names were checked against a header.
    y_checked: bool,
    /// Fields per row: of the last header, else of the last data row.
    width: usize,
    /// The time column, once known (`None` with `--no-time`).
    x: Option<usize>,
    x_known: bool,
    cols: Vec<Col>,
    /// Series by name, so a header repeated or reordered finds its series.
    by_name: HashMap<String, usize>,
    /// A data row was read from the current source.
    data_in_source: bool,
    /// A header had a time in the time column (`tstamp` stamped it).
    stamped_header: bool,
    /// `-x`/`-y` indices were checked against the first row.
    checked: bool,
    /// Columns left out for never holding a number: column -> its name.
    text_only: BTreeMap<usize, String>,
    /// The current row is a stamped line split at its blanks.
    rest_split: bool,
    /// The last data row was: the table is a command's output, where a
    /// stamped empty line is a blank line, not a gap.
    blank_table: bool,
    /// The line before was a stamped empty line: a new section may start.
    after_blank: bool,
    /// A text line of another width, until a row says it was a header.
    pending: Option<sections::Pending>,
    /// The column that may hold a row label (a command's output with a
    /// header), the first label seen, `-y LABEL:NAME` names taken on trust
    /// and those a row had.
    label_col: Option<usize>,
    first_label: Option<String>,
    labels: Vec<String>,
    y_trusted: HashSet<String>,
    /// The first header came after a blank line (a command's sections);
    /// `-y` names no header had yet, the first header's names, and every
    /// header's (see `select::check_y`).
    header_after_blank: bool,
    y_later: Vec<String>,
    y_first_names: Vec<String>,
    y_names_seen: Vec<String>,
    y_labelled_seen: HashSet<String>,
    spans: Vec<Span>,
    scratch: String,
    kinds: Vec<Kind>,
}

impl Csv {
    /// A new file: its delimiter is detected again, and its first row may
    /// be a header. Lines still held are kept with the old file's name.
    pub(in crate::series) fn new_source(&mut self, old: Option<String>) {
        if !self.held.is_empty() {
            self.stale = Some((old, std::mem::take(&mut self.held)));
        }
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

    /// Whether the time is (or will be) the first column.
    fn x_first(&self) -> bool {
        if self.opts.no_time {
            return false;
        }
        if self.csv.x_known {
            return self.csv.x == Some(0);
        }
        matches!(self.opts.x, None | Some(Column::Index(1)))
    }

    pub(in crate::series) fn csv_line(&mut self, text: &str, sink: &mut dyn Sink) -> Result<()> {
        if let Some(stale) = self.csv.stale.take() {
            self.replay_stale(stale, sink)?;
        }
        if self.csv.delim.is_none() {
            match self.opts.delimiter {
                Some(b' ') => self.csv.delim = Some(Delim::Blanks),
                Some(b) => self.csv.delim = Some(Delim::Byte(b)),
                None => {
                    // A banner or a header alone cannot tell (`time,rate;p99`,
                    // sar's tab-separated banner): hold lines up to the
                    // first that reads as data, and decide from them all.
                    self.csv.held.push((self.line_no, text.to_string()));
                    let d = self.choose_delimiter();
                    if self.csv.held.len() < HELD && !self.looks_like_data(text, d) {
                        return Ok(());
                    }
                    return self.release(d, sink);
                }
            }
        }
        self.csv_row(text, sink)
    }

    /// End of a source or of the input: lines still held are read with the
    /// best delimiter they allow.
    pub(in crate::series) fn csv_flush(&mut self, sink: &mut dyn Sink) -> Result<()> {
        if let Some(stale) = self.csv.stale.take() {
            self.replay_stale(stale, sink)?;
        }
        if !self.csv.held.is_empty() {
            let d = self.choose_delimiter();
            self.release(d, sink)?;
        }
        Ok(())
    }

    fn replay_stale(&mut self, (source, lines): Stale, sink: &mut dyn Sink) -> Result<()> {
        let current = std::mem::replace(&mut self.source, source);
        let line_no = self.line_no;
        self.csv.held = lines;
        let d = self.choose_delimiter();
        let r = self.release(d, sink);
        self.source = current;
        self.line_no = line_no;
        self.csv.delim = None;
        self.csv.data_in_source = false;
        r
    }

    fn release(&mut self, d: Delim, sink: &mut dyn Sink) -> Result<()> {
        self.csv.delim = Some(d);
        let held = std::mem::take(&mut self.csv.held);
        let now = self.line_no;
        let mut r = Ok(());
        for (no, text) in &held {
            self.line_no = *no;
            r = self.csv_row(text, sink);
            if r.is_err() {
                break;
            }
        }
        self.line_no = now;
        r
    }

    /// The delimiter the held lines agree on: one the last of them has,
    /// preferring one every line has, then one that leaves a time in the
    /// first field (`EPOCH,4096\t/var/log` is stamped with a comma), then
    /// the one more lines have, then tab, semicolon, comma. None: blanks.
    fn choose_delimiter(&self) -> Delim {
        let held = &self.csv.held;
        let has: Vec<[bool; 3]> = held.iter().map(|(_, t)| delimiters_in(t)).collect();
        let Some(last) = has.last() else {
            return Delim::Blanks;
        };
        let timed = self.x_first();
        let mut best: Option<((bool, usize, usize, usize), u8)> = None;
        for (k, &d) in CANDIDATES.iter().enumerate() {
            if !last[k] {
                continue;
            }
            let present = has.iter().filter(|h| h[k]).count();
            let times = if timed {
                held.iter()
                    .filter(|(_, t)| {
                        let first = t.split(d as char).next().unwrap_or("");
                        self.time.parse(first.trim()).is_some()
                    })
                    .count()
            } else {
                0
            };
            let key = (present == has.len(), times, present, CANDIDATES.len() - k);
            if best.is_none_or(|(b, _)| key > b) {
                best = Some((key, d));
            }
        }
        best.map_or(Delim::Blanks, |(_, d)| Delim::Byte(d))
    }

    /// Whether a line read with `d` has a time (unless there is none) and a
    /// number: once one does, the delimiter is decided.
    fn looks_like_data(&self, text: &str, d: Delim) -> bool {
        let t = text.trim_start_matches([' ', '\t']);
        let rest = match (d, self.x_first()) {
            (_, false) => t,
            (Delim::Byte(b), true) => match t.split_once(b as char) {
                Some((first, rest)) if self.time.parse(first.trim()).is_some() => rest,
                _ => return false,
            },
            (Delim::Blanks, true) => match self.time.parse_prefix(t) {
                Some((_, n)) => &t[n..],
                None => return false,
            },
        };
        let comma = d == Delim::Byte(b';');
        match d {
            Delim::Byte(b) => rest.split(b as char).any(|f| {
                let f = f.trim();
                value(f, comma).is_some() || f.split_whitespace().any(|w| value(w, comma).is_some())
            }),
            Delim::Blanks => rest.split_whitespace().any(|w| value(w, false).is_some()),
        }
    }

    /// One line, split with the decided delimiter.
    fn csv_row(&mut self, text: &str, sink: &mut dyn Sink) -> Result<()> {
        let delim = self.csv.delim.unwrap_or(Delim::Blanks);
        // With blanks between fields, a time at the start may hold blanks
        // itself (`Nov 24 19:04:05 12`, `2025-11-24 19:04:05 12`).
        let mut prefix_time = None;
        if delim == Delim::Blanks && self.x_first() {
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
        self.csv.rest_split = false;
        if r.is_ok() && delim != Delim::Blanks && spans.len() == 2 && self.x_first() {
            let first = (!spans[0].scratch)
                .then(|| text.get(spans[0].start..spans[0].end))
                .flatten();
            if first.is_some_and(|f| self.time.parse(f).is_some()) {
                self.csv.rest_split = split_rest(text, &mut spans);
            }
        }
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
                value(f, comma).map_or(Kind::Text, Kind::Num)
            });
        }
        let any_num = kinds.iter().any(|k| matches!(k, Kind::Num(_)));
        let any_text = kinds.contains(&Kind::Text);
        let first_value = (0..fields.len()).find(|&c| Some(c) != x);
        let r = if x == Some(0)
            && fields.len() == 2
            && kinds[1] == Kind::Empty
            && (self.csv.blank_table || self.csv.cols.get(1).is_none_or(|c| c.series.is_none()))
        {
            // `EPOCH,`: an empty line of the command's output, stamped.
            self.stats.skipped += 1;
            self.csv.kinds = kinds;
            self.csv.after_blank = true;
            return Ok(());
        } else if any_num && first_value.and_then(|c| fields.get(c)) == Some(SUMMARY_LABEL) {
            // sysstat's closing averages are not a sample in time.
            self.stats.skipped += 1;
            Ok(())
        } else if !any_num && any_text && self.is_header(&fields.to_vec(), x, &kinds, false) {
            self.reject_pending()
                .and_then(|()| self.header(&fields.to_vec()))
        } else if !any_num
            && any_text
            && self.csv.after_blank
            && self.is_header(&fields.to_vec(), x, &kinds, true)
        {
            self.hold_header(&fields.to_vec())
        } else {
            let settled = if any_num {
                self.settle_pending(fields.len())
            } else {
                Ok(())
            };
            settled.and_then(|()| self.data(fields, &kinds, prefix_time, sink))
        };
        self.csv.kinds = kinds;
        self.csv.after_blank = false;
        r
    }

    /// A row without numbers is a header if it is the first row of its
    /// file; later, if its names have no spaces (and, split by blanks, it
    /// has as many fields as the rows before it), and either text where the
    /// time goes (`time,tcp`) or a time there after a header that had one
    /// too (the header a program prints again when a stamped log is
    /// appended to: `1764000000,3137:tcp,3137:unix`). Otherwise it is a
    /// malformed data row (`1764000000,abc` in the seed log, or an error
    /// message stamped into the log). With `section`: whether it may be
    /// the header of a new section of a command's output, one of another
    /// width than the rows before it (see [`sections`]).
    fn is_header(&self, fields: &[&str], x: Option<usize>, kinds: &[Kind], section: bool) -> bool {
        if !self.csv.data_in_source {
            return !section;
        }
        let by_blanks = self.csv.delim == Some(Delim::Blanks) || self.csv.rest_split;
        let width_ok = if section {
            by_blanks && fields.len() != self.csv.width
        } else {
            !by_blanks || fields.len() == self.csv.width
        };
        let names = width_ok
            && fields.iter().zip(kinds).all(|(f, k)| {
                *k == Kind::Time || name_like(f) || (by_blanks && sections::time_of_day(f))
            });
        if !names {
            return false;
        }
        match x.and_then(|x| fields.get(x)) {
            Some(t) if self.time.parse(t).is_some() => self.csv.stamped_header,
            _ => true,
        }
    }

    fn header(&mut self, fields: &[&str]) -> Result<()> {
        if !self.opts.no_time {
            if let Some(Column::Name(n)) = &self.opts.x {
                match fields.iter().position(|f| f == n) {
                    Some(p) => self.csv.x = Some(p),
                    None if !self.csv.x_known => {
                        let m = format!(
                            "-x {0}: no column named \"{0}\" (columns: {1})",
                            visible(&clip(n)),
                            listing(fields.iter().copied())
                        );
                        return Err(self.fatal_at(m));
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
        } else {
            self.csv.x = None;
        }
        self.csv.x_known = true;
        self.check_indices(fields.len())?;
        if let Some(t) = self.csv.x.and_then(|x| fields.get(x)) {
            self.csv.stamped_header |= self.time.parse(t).is_some();
        }
        self.parser_fast_off();
        self.csv.header = Some(fields.iter().map(|f| f.to_string()).collect());
        self.csv.header_at = self.at();
        self.csv.header_by_blanks = self.csv.rest_split || self.csv.delim == Some(Delim::Blanks);
        self.csv.header_after_blank = self.csv.after_blank;
        self.csv.applied = false;
        self.csv.width = fields.len();
        let at = self.at();
        self.stats.header(at);
        Ok(())
    }

    /// The last header, laid over the first data row after it: a header
    /// one field shorter than the row names its right-most fields (the
    /// row starts with a label: `free`'s `Mem:`), one field longer starts
    /// with a label itself (iostat's `avg-cpu:`).
    fn apply_header(&mut self, width: usize) -> Result<()> {
        self.csv.applied = true;
        let Some(header) = self.csv.header.clone() else {
            return Ok(());
        };
        let x = self.csv.x;
        let names: Vec<&str> = header
            .iter()
            .enumerate()
            .filter(|&(c, _)| Some(c) != x)
            .map(|(_, f)| f.as_str())
            .collect();
        self.csv.label_col = (x == Some(0) && self.csv.header_by_blanks).then_some(1);
        self.check_y(&names)?;
        let shift =
            if x == Some(0) && self.csv.header_by_blanks && header.len().abs_diff(width) == 1 {
                header.len() as isize - width as isize
            } else {
                0
            };
        self.note_text_columns();
        self.csv.shift = shift;
        let picked = (0..header.len())
            .filter(|&c| Some(c) != x && self.picked(c, Some(&header[c])))
            .nth(super::super::MAX_SERIES);
        if let Some(c) = picked {
            let m = format!(
                "more than {} series (the last one \"{}\"): pick some with -y",
                super::super::MAX_SERIES,
                visible(&clip(&header[c]))
            );
            return Err(crate::error::Error::failure(format!(
                "{}: {m}",
                self.csv.header_at
            )));
        }
        let mut cols = Vec::with_capacity(width);
        let mut seen = std::collections::HashSet::new();
        for c in 0..width {
            let col = self.new_col(c, Some(&header));
            if let Some(n) = &col.name {
                if !seen.insert(n.clone()) {
                    let name = Some(format!("{n} (column {})", c + 1));
                    cols.push(Col { name, ..col });
                    continue;
                }
            }
            cols.push(col);
        }
        self.csv.cols = cols;
        Ok(())
    }

    /// Column `c` of a data row, named by the header laid over it.
    fn new_col(&self, c: usize, header: Option<&[String]>) -> Col {
        let x = self.csv.x;
        if Some(c) == x {
            return Col::default();
        }
        let name = usize::try_from(c as isize + self.csv.shift)
            .ok()
            .filter(|&h| Some(h) != x)
            .and_then(|h| header?.get(h))
            .filter(|f| !f.is_empty());
        Col {
            picked: self.picked(c, name.map(String::as_str)),
            name: name.cloned(),
            series: None,
            text: None,
        }
    }

    /// Columns that held only text so far are noted for [`Parser::csv_note`].
    fn note_text_columns(&mut self) {
        for (c, col) in self.csv.cols.iter().enumerate() {
            if let (None, Some((_, t))) = (col.series, &col.text) {
                let name = col.name.clone().unwrap_or_else(|| t.clone());
                self.csv.text_only.entry(c + 1).or_insert(name);
            }
        }
    }

    /// The one note about columns left out of the chart for holding no
    /// number, if any.
    pub(in crate::series) fn csv_note(&mut self) -> Option<String> {
        self.note_text_columns();
        let left = std::mem::take(&mut self.csv.text_only);
        // A column that later held numbers under another header is not
        // left out.
        let left: Vec<String> = left
            .into_iter()
            .filter(|(_, name)| !self.csv.by_name.contains_key(name))
            .map(|(c, name)| format!("{c} ({})", visible(&clip(&name))))
            .collect();
        match left.len() {
            0 => None,
            1 => Some(format!(
                "column {} holds no numbers: left out of the chart",
                left[0]
            )),
            _ => Some(format!(
                "columns {} hold no numbers: left out of the chart",
                left.join(", ")
            )),
        }
    }

    fn series_named(&mut self, name: String) -> Result<usize> {
        if let Some(&i) = self.csv.by_name.get(&name) {
            return Ok(i);
        }
        let i = self.out.add(name.clone()).map_err(|m| self.fatal_at(m))?;
        self.csv.by_name.insert(name, i);
        Ok(i)
    }

    /// The series of column `c`, made on first use.
    fn col_series(&mut self, c: usize) -> Result<usize> {
        if let Some(s) = self.csv.cols[c].series {
            return Ok(s);
        }
        let name = self.csv.cols[c]
            .name
            .clone()
            .unwrap_or_else(|| format!("column {}", c + 1));
        let s = self.series_named(name)?;
        self.csv.cols[c].series = Some(s);
        if let Some((at, text)) = self.csv.cols[c].text.take() {
            // Text before the column's first number: that row was wrong.
            let m = format!(
                "{at}: column {}: expected a number, found \"{}\"",
                c + 1,
                visible(&clip(&text))
            );
            if self.opts.strict {
                return Err(crate::error::Error::failure(m));
            }
            self.reject(at, m);
        }
        Ok(s)
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
                let m = format!(
                    "-x {}: the input has no header row naming its columns",
                    visible(&clip(n))
                );
                return Err(self.fatal_at(m));
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
                let m = format!(
                    "-y {}: the input has no header row naming its columns",
                    visible(&clip(n))
                );
                return Err(self.fatal_at(m));
            }
        }
        self.check_indices(fields.len())?;
        if !self.csv.applied {
            self.apply_header(fields.len())?;
        }
        let x = self.csv.x;
        // Columns beyond the header (or all, without one) are named by
        // their number.
        if self.csv.cols.len() < fields.len() {
            let header = self.csv.header.take();
            while self.csv.cols.len() < fields.len() {
                let col = self.new_col(self.csv.cols.len(), header.as_deref());
                self.csv.cols.push(col);
            }
            self.csv.header = header;
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
                            "column {}: expected a time, found \"{}\"",
                            x + 1,
                            visible(&clip(f))
                        ));
                    }
                },
            },
        };
        // Text where a column held numbers is a mistake in the row; a
        // column that never held one is left out instead.
        for (c, col) in self.csv.cols.iter().enumerate() {
            if col.picked && col.series.is_some() && kinds.get(c) == Some(&Kind::Text) {
                // A stamped line split at its blanks is quoted whole.
                let found = if self.csv.rest_split {
                    fields.rest(1)
                } else {
                    fields.get(c).unwrap_or("")
                };
                let found = clip(found);
                return self.bad_line(&format!(
                    "column {}: expected a number, found \"{}\"",
                    c + 1,
                    visible(&found)
                ));
            }
        }
        let label = self.row_label(fields, kinds);
        for c in 0..self.csv.cols.len() {
            if label.is_some_and(|(lc, _)| lc == c) {
                continue;
            }
            let col = &self.csv.cols[c];
            // A labelled row without the field (free's short `Swap:` row)
            // has no such column: no gap either.
            if label.is_some_and(|_| kinds.get(c).is_none()) || (!col.picked && label.is_none()) {
                continue;
            }
            let v = match kinds.get(c) {
                Some(Kind::Num(v)) => Some(*v),
                Some(Kind::Empty) if col.text.is_none() => None,
                // A row cut short: gaps in the series it lacks.
                None if col.series.is_some() => None,
                Some(Kind::Text) if col.text.is_none() => {
                    let at = self.at();
                    let text = fields.get(c).unwrap_or("").to_string();
                    self.csv.cols[c].text = Some((at, text));
                    continue;
                }
                _ => continue,
            };
            let s = match label {
                Some((_, l)) => match self.labelled_series(c, l)? {
                    Some(s) => s,
                    None => continue,
                },
                None => self.col_series(c)?,
            };
            self.out.point(sink, s, time, v);
        }
        self.row_no += 1;
        self.csv.data_in_source = true;
        self.csv.blank_table = self.csv.rest_split;
        if self.csv.header.is_none() {
            self.csv.width = fields.len();
        }
        self.fast_on(fields.len(), prefix_time.is_some());
        Ok(())
    }

    fn parser_fast_off(&mut self) {
        self.fast = None;
    }

    /// After a data row: whether the next rows of the common shape may
    /// take [`super::fast_row`]. Only where it reads what this parser
    /// would: epoch seconds by magnitude in column 1, one series after it,
    /// already made, no header still to apply.
    fn fast_on(&mut self, width: usize, prefix_time: bool) {
        self.fast = None;
        let Some(Delim::Byte(d)) = self.csv.delim else {
            return;
        };
        let epoch = self.opts.time_format.is_none()
            && matches!(
                self.opts.time_unit,
                None | Some(crate::series::TimeUnit::Seconds)
            );
        if !epoch || prefix_time || width != 2 || self.csv.x != Some(0) || !self.csv.applied {
            return;
        }
        if self.csv.cols.len() != 2 || self.csv.rest_split || d == b';' {
            return;
        }
        let c = &self.csv.cols[1];
        if let (true, Some(s), None) = (c.picked, c.series, &c.text) {
            self.fast = Some((d, s));
        }
    }
}
