//! Reading time series for tsplot: text in, `(series, time, value)` points out.
//!
//! The parser is fed one line at a time (so `tsplot --follow` can feed it as
//! lines arrive) and hands every point to a [`Sink`]: the plot's downsampler,
//! the report's analyzer, or both. It never holds the rows itself.
//!
//! INTERFACE CONTRACT (shared by the plot, report and follow code): keep the
//! names and signatures of `Sink`, `Options`, `Parser::{new, line, finish}`
//! stable; add fields and methods freely.
//!
//! What is read (the man page's INPUT section says the same for users):
//!
//! - The format is decided on the first line that is not blank or a `#`
//!   comment, per file: a line that is a whole JSON object is JSON Lines
//!   (unless it is a Prometheus response); a `{` that opens a document
//!   continued on later lines, or an object with `"status"` and `"data"`,
//!   is a Prometheus HTTP API response; anything else is CSV.
//! - CSV (csv.rs, csv/table.rs): the delimiter is decided from the first
//!   lines, up to the first that reads as data; `-d` forces it. Fields are
//!   RFC 4180, one record per line; a BOM, CRLF, blank lines and `#` lines
//!   are accepted. A stamped command line (`EPOCH,  1  0  812344`) is split
//!   at its blanks; sizes (`1.1M`, K = 1024) and leading numbers
//!   (`12 connections`) are numbers. An empty field, `NaN` or an infinity
//!   is a gap; a column that never holds a number is left out, with a note.
//! - Column 1 (or `-x`) is the time; every other column (or those of `-y`)
//!   is a series. A row with no number among its values is a header (see
//!   `csv/table.rs` for which later ones count); the last header before the
//!   data names the columns, so banners make no series.
//! - Times: see [`crate::time::parse::TimeParser`]: epoch numbers by magnitude, RFC 3339
//!   and ISO 8601, the `ts` default `Nov 24 19:04:05`, or `--time-format`.
//! - JSON Lines: see `json.rs`; Prometheus: one series per result, named
//!   by the labels that tell the results apart.
//! - A line that cannot be read is skipped with a warning naming it (the
//!   first [`SHOWN_WARNINGS`], then a one-line summary at `finish`); `--strict` makes
//!   it an error. Mistakes in options (`-y` naming a column the header
//!   lacks, more than [`MAX_SERIES`] series) are errors.
//! - The sink only ever sees finite times and values.

use crate::error::{Error, Result};
use crate::time::zone::Zone;

mod csv;
mod json;
pub mod lines;

/// Receives what the parser reads.
pub trait Sink {
    /// The series names are known or changed: `names[i]` names series `i`.
    /// Called before the first point, and again when a header row renames or
    /// adds series. Series are never removed: indices stay valid.
    fn names(&mut self, names: &[String]);
    /// One value of series `series` at `time` (epoch seconds, or the row
    /// number with `--no-time`). `None` is a gap: an empty field, drawn as a
    /// break in the line.
    fn point(&mut self, series: usize, time: f64, value: Option<f64>);
}

/// Which column a user picked with `-x` or `-y`.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// 1-based index.
    Index(usize),
    /// Header name.
    Name(String),
}

/// How epoch numbers are scaled, when the magnitude should not decide.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimeUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

/// The input's format; `Auto` looks at the first non-blank byte.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum InputFormat {
    #[default]
    Auto,
    Csv,
    Jsonl,
    Prometheus,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub format: InputFormat,
    /// `None`: detect comma, tab, semicolon or runs of spaces.
    pub delimiter: Option<u8>,
    pub x: Option<Column>,
    pub y: Vec<Column>,
    pub no_time: bool,
    pub time_unit: Option<TimeUnit>,
    /// A strftime-like format for the time column (`--time-format`).
    pub time_format: Option<String>,
    /// Zone for times written without an offset.
    pub zone: Zone,
    /// The first malformed row is fatal instead of a warning.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            format: InputFormat::Auto,
            delimiter: None,
            x: None,
            y: Vec::new(),
            no_time: false,
            time_unit: None,
            time_format: None,
            zone: Zone::Local,
            strict: false,
        }
    }
}

/// At most this many series are read: each costs the chart and the report
/// memory, and more could not be told apart on a chart anyway.
pub const MAX_SERIES: usize = 1000;

/// Malformed lines warned about one by one; the rest are counted.
pub const SHOWN_WARNINGS: u64 = 5;

/// Lines named in the summary, at most, before a count of the rest.
const SHOWN_IN_SUMMARY: usize = 3;

/// What the parser made of its lines, for [`Parser::summary`].
#[derive(Default)]
struct Stats {
    read: u64,
    /// Blank and `#` lines, stamped empty lines, sysstat's averages.
    skipped: u64,
    headers: u64,
    header_at: Vec<String>,
    /// The first rejected lines: where, and the warning.
    rejected_at: Vec<(String, String)>,
}

impl Stats {
    fn header(&mut self, at: String) {
        self.headers += 1;
        if self.header_at.len() < SHOWN_IN_SUMMARY {
            self.header_at.push(at);
        }
    }
}

fn first_few(shown: &[String], total: u64, sep: &str) -> String {
    let mut s = shown.join(sep);
    let rest = total.saturating_sub(shown.len() as u64);
    if rest > 0 {
        s.push_str(&format!("{sep}and {rest} more"));
    }
    s
}

/// Series names as the sink last heard them, and what was sent.
pub(crate) struct Out {
    names: Vec<String>,
    dirty: bool,
    values: u64,
}

impl Out {
    fn add(&mut self, name: String) -> std::result::Result<usize, String> {
        if self.names.len() >= MAX_SERIES {
            return Err(format!(
                "more than {MAX_SERIES} series (the last one \"{}\"): pick some with -y",
                clip(&name)
            ));
        }
        self.names.push(name);
        self.dirty = true;
        Ok(self.names.len() - 1)
    }

    fn rename(&mut self, i: usize, name: String) {
        if self.names[i] != name {
            self.names[i] = name;
            self.dirty = true;
        }
    }

    fn flush(&mut self, sink: &mut dyn Sink) {
        if self.dirty {
            sink.names(&self.names);
            self.dirty = false;
        }
    }

    fn point(&mut self, sink: &mut dyn Sink, series: usize, time: f64, value: Option<f64>) {
        self.flush(sink);
        // The sink only ever sees finite numbers: NaN and infinities are gaps.
        let value = value.filter(|v| v.is_finite());
        self.values += u64::from(value.is_some());
        sink.point(series, time, value);
    }
}
/// At most 40 characters of some text, for messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Undecided,
    Csv,
    Jsonl,
    Prom,
}

/// The json parsers' view of a [`Parser`]: its output, options and row
/// count, borrowed field by field. A macro, not a method: a method would
/// borrow all of the parser, and `jsonl` / `prom` are borrowed beside it.
macro_rules! json_ctx {
    ($p:expr, $sink:expr) => {
        json::Ctx {
            out: &mut $p.out,
            sink: $sink,
            time: &$p.time,
            opts: &$p.opts,
            row_no: &mut $p.row_no,
            warn: &mut *$p.warn,
        }
    };
}

/// A line-at-a-time parser.
pub struct Parser {
    opts: Options,
    time: crate::time::parse::TimeParser,
    source: Option<String>,
    line_no: u64,
    /// Data rows so far: the x of `--no-time`.
    row_no: u64,
    out: Out,
    mode: Mode,
    csv: csv::Csv,
    jsonl: json::Jsonl,
    prom: json::Prom,
    malformed: u64,
    /// Malformed lines already told about at a `finish`.
    told: u64,
    stats: Stats,
    /// Set while rows of the common shape (`epoch,integer`, one series)
    /// can skip the general parser: the delimiter and the series.
    fast: Option<(u8, usize)>,
    /// An error found between lines (a document cut short at the end of
    /// a file), reported at the next call.
    deferred: Option<Error>,
    warn: Box<dyn FnMut(&str) + Send>,
}

impl Parser {
    pub fn new(opts: Options) -> Result<Parser> {
        if let Some(d) = opts.delimiter {
            if !d.is_ascii() || d == b'"' || d == b'\n' || d == b'\r' {
                return Err(Error::usage(format!(
                    "invalid delimiter {:?}: expected one ASCII character other than a quote",
                    d as char
                )));
            }
        }
        if opts.no_time && opts.x.is_some() {
            return Err(Error::usage("--no-time and -x cannot be used together"));
        }
        for c in opts.x.iter().chain(&opts.y) {
            if *c == Column::Index(0) {
                return Err(Error::usage("column numbers start at 1"));
            }
        }
        let time = crate::time::parse::TimeParser::new(
            opts.time_unit,
            opts.time_format.as_deref(),
            opts.zone,
        )
        .map_err(|e| Error::usage(format!("--time-format: {e}")))?;
        let mut time = time;
        if let Some(now) = std::env::var("TSPLOT_NOW")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
        {
            time.set_now(now);
        }
        let mode = match opts.format {
            InputFormat::Auto => Mode::Undecided,
            InputFormat::Csv => Mode::Csv,
            InputFormat::Jsonl => Mode::Jsonl,
            InputFormat::Prometheus => Mode::Prom,
        };
        Ok(Parser {
            opts,
            time,
            source: None,
            line_no: 0,
            row_no: 0,
            out: Out {
                names: Vec::new(),
                dirty: false,
                values: 0,
            },
            mode,
            csv: csv::Csv::default(),
            jsonl: json::Jsonl::default(),
            prom: json::Prom::default(),
            malformed: 0,
            told: 0,
            stats: Stats::default(),
            fast: None,
            deferred: None,
            warn: Box::new(|m| crate::error::warn(m)),
        })
    }

    /// Starts a new input file: messages name it and count its lines from
    /// 1; the delimiter and (unless forced) the format are detected again.
    /// Series carry over, so a log split over several files reads as one.
    pub fn set_source(&mut self, name: &str) {
        if self.deferred.is_none() {
            if let Err(e) = self.prom.finish() {
                self.deferred = Some(self.fatal(e));
            }
        }
        self.prom.new_source();
        self.source = Some(name.to_string());
        self.line_no = 0;
        self.csv.new_source(self.source.clone());
        self.fast = None;
        if self.opts.format == InputFormat::Auto {
            self.mode = Mode::Undecided;
        }
    }

    /// Pins "now" (epoch seconds) for times written without a year or a
    /// date. The environment variable `TSPLOT_NOW` does the same for tests.
    pub fn set_now(&mut self, now: i64) {
        self.time.set_now(now);
    }

    /// Where warnings go (stderr through `error::warn` by default; tests
    /// and fuzzers collect or drop them).
    pub fn on_warning(&mut self, f: impl FnMut(&str) + Send + 'static) {
        self.warn = Box::new(f);
    }

    /// Values handed to the sink so far (gaps not counted): 0 at the end
    /// means `tsplot: no data points`.
    pub fn points(&self) -> u64 {
        self.out.values
    }

    /// Malformed lines skipped so far.
    pub fn malformed(&self) -> u64 {
        self.malformed
    }

    /// The series names so far.
    pub fn names(&self) -> &[String] {
        &self.out.names
    }

    /// The time parser, for options that take times (`--from`, `--to`):
    /// they read the same forms as the input.
    pub fn time_parser(&self) -> &crate::time::parse::TimeParser {
        &self.time
    }

    fn at(&self) -> String {
        match &self.source {
            Some(s) => format!("{s}: line {}", self.line_no),
            None => format!("line {}", self.line_no),
        }
    }

    /// A problem that ends the run: the message with the file name if any.
    fn fatal(&self, msg: String) -> Error {
        match &self.source {
            Some(s) => Error::failure(format!("{s}: {msg}")),
            None => Error::failure(msg),
        }
    }

    /// A problem with the current line that ends the run.
    fn fatal_at(&self, msg: String) -> Error {
        Error::failure(format!("{}: {msg}", self.at()))
    }

    /// A line that cannot be read: skipped with a warning, or the end of the
    /// run under `--strict`.
    fn bad_line(&mut self, msg: &str) -> Result<()> {
        let full = format!("{}: {msg}", self.at());
        if self.opts.strict {
            return Err(Error::failure(full));
        }
        self.reject(self.at(), full);
        Ok(())
    }

    /// Counts a rejected line (at `at`), warning about the first few.
    fn reject(&mut self, at: String, full: String) {
        self.malformed += 1;
        if self.stats.rejected_at.len() < SHOWN_IN_SUMMARY {
            self.stats.rejected_at.push((at, full.clone()));
        }
        if self.malformed <= SHOWN_WARNINGS {
            (self.warn)(&full);
        }
    }

    /// Feed one line, without its line ending (a trailing `\n` or `\r\n`
    /// is dropped too). Call [`Parser::set_source`] first when there are
    /// several files, so that messages name them.
    pub fn line(&mut self, line: &[u8], sink: &mut dyn Sink) -> Result<()> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.line_no += 1;
        self.stats.read += 1;
        if let Some((d, series)) = self.fast {
            if let Some((t, v)) = csv::fast_row(line, d) {
                self.out.point(sink, series, t, Some(v));
                self.row_no += 1;
                return Ok(());
            }
        }
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Valid UTF-8 (nearly every line) is borrowed after one fast check.
        let text = match std::str::from_utf8(line) {
            Ok(t) => std::borrow::Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(line),
        };
        if self.mode == Mode::Prom {
            return self.prom_line(&text, sink);
        }
        let t = text.trim();
        if t.is_empty() || t.starts_with('#') {
            self.stats.skipped += 1;
            return Ok(());
        }
        if self.mode == Mode::Undecided {
            self.mode = json::detect(t);
        }
        match self.mode {
            Mode::Jsonl => self.jsonl_line(t, sink),
            Mode::Prom => self.prom_line(&text, sink),
            _ => self.csv_line(&text, sink),
        }
    }

    /// End of input: flush anything held (a buffered JSON document, say).
    pub fn finish(&mut self, sink: &mut dyn Sink) -> Result<()> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.csv_flush(sink)?;
        self.csv_check_y()?;
        self.jsonl.finish(&self.opts).map_err(|e| self.fatal(e))?;
        self.prom.finish().map_err(|e| self.fatal(e))?;
        self.out.flush(sink);
        if let Some(note) = self.csv_note() {
            (self.warn)(&note);
        }
        // Told once, even if finish is called again; when nothing plots,
        // the caller's error carries the summary instead.
        if self.malformed > self.told && self.out.values > 0 {
            let summary = self.summary(false);
            (self.warn)(&summary);
            self.told = self.malformed;
        }
        Ok(())
    }

    /// What became of the lines read, in one line: how many, which were
    /// headers, which were rejected and why (the first few, then a count).
    /// `tsplot: no data points` carries it (`why`: with the reasons); so
    /// does the warning at the end when some rows were rejected.
    pub fn summary(&self, why: bool) -> String {
        let st = &self.stats;
        let s = |n: u64| if n == 1 { "" } else { "s" };
        let mut parts = vec![format!("{} line{} read", st.read, s(st.read))];
        if self.row_no > 0 {
            parts.push(format!("{} row{} of data", self.row_no, s(self.row_no)));
        }
        if st.headers > 0 {
            parts.push(format!(
                "{} header line{} without numbers ({})",
                st.headers,
                s(st.headers),
                first_few(&st.header_at, st.headers, ", ")
            ));
        }
        if self.malformed > 0 {
            parts.push(format!(
                "{} rejected ({})",
                self.malformed,
                if why {
                    let why: Vec<String> = st.rejected_at.iter().map(|r| r.1.clone()).collect();
                    first_few(&why, self.malformed, "; ")
                } else {
                    let at: Vec<String> = st.rejected_at.iter().map(|r| r.0.clone()).collect();
                    first_few(&at, self.malformed, ", ")
                }
            ));
        }
        if st.skipped > 0 {
            parts.push(format!("{} blank, comment or summary", st.skipped));
        }
        parts.join(", ")
    }

    fn jsonl_line(&mut self, t: &str, sink: &mut dyn Sink) -> Result<()> {
        let mut ctx = json_ctx!(self, sink);
        match self.jsonl.line(t, &mut ctx) {
            Ok(()) => Ok(()),
            Err(json::LineError::Malformed(m)) => self.bad_line(&m),
            Err(json::LineError::Fatal(m)) => Err(self.fatal_at(m)),
            Err(json::LineError::Options(m)) => Err(self.fatal(m)),
        }
    }

    fn prom_line(&mut self, text: &str, sink: &mut dyn Sink) -> Result<()> {
        let mut ctx = json_ctx!(self, sink);
        let r = self.prom.line(text, self.line_no, &mut ctx);
        r.map_err(|m| self.fatal(m))
    }
}

/// Parses a whole input held in memory: lines split on `\n`, warnings
/// dropped. A pure function of the bytes, for fuzzing and tests.
pub fn parse_bytes(input: &[u8], opts: Options, sink: &mut dyn Sink) -> Result<u64> {
    let mut p = Parser::new(opts)?;
    p.on_warning(|_| {});
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    if !input.is_empty() {
        for line in body.split(|&b| b == b'\n') {
            p.line(line, sink)?;
        }
    }
    p.finish(sink)?;
    Ok(p.points())
}

/// A sink that keeps everything it is given: for tests and small inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Collect {
    pub names: Vec<String>,
    pub points: Vec<(usize, f64, Option<f64>)>,
}

impl Collect {
    /// The points of series `s`, in the order read, as (time, value).
    pub fn series(&self, s: usize) -> Vec<(f64, Option<f64>)> {
        self.points
            .iter()
            .filter(|p| p.0 == s)
            .map(|p| (p.1, p.2))
            .collect()
    }
}

impl Sink for Collect {
    fn names(&mut self, names: &[String]) {
        self.names = names.to_vec();
    }
    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        self.points.push((series, time, value));
    }
}

#[cfg(test)]
mod tests;
