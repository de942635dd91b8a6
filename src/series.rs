//! Reading time series for tsplot: text in, `(series, time, value)` points out.
//!
//! The parser is fed one line at a time (so `tsplot --follow` can feed it as
//! lines arrive) and hands every point to a [`Sink`]: the plot's downsampler,
//! the report's analyzer, or both. It never holds the rows itself.
//!
//! INTERFACE CONTRACT (shared by the plot, report and follow code): keep the
//! names and signatures of `Sink`, `Options`, `Parser::{new, line, finish}`
//! stable; add fields and methods freely.

use crate::error::{Error, Result};
use crate::tz::Zone;

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

/// A line-at-a-time parser.
pub struct Parser {
    opts: Options,
    line_no: u64,
    names_sent: bool,
}

impl Parser {
    pub fn new(opts: Options) -> Result<Parser> {
        Ok(Parser {
            opts,
            line_no: 0,
            names_sent: false,
        })
    }

    /// Feed one line, without its line ending. `source` names the input in
    /// messages when there are several files.
    pub fn line(&mut self, line: &[u8], sink: &mut dyn Sink) -> Result<()> {
        self.line_no += 1;
        let text = String::from_utf8_lossy(line);
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() || text.starts_with('#') {
            return Ok(());
        }
        let mut fields = text.split(',');
        let t = fields.next().unwrap_or("").trim();
        let Ok(time) = t.parse::<f64>() else {
            return Ok(());
        };
        let values: Vec<&str> = fields.collect();
        if !self.names_sent {
            let names: Vec<String> = (2..values.len() + 2).map(|i| format!("{i}")).collect();
            sink.names(&names);
            self.names_sent = true;
        }
        for (i, v) in values.iter().enumerate() {
            let v = v.trim();
            if v.is_empty() {
                sink.point(i, time, None);
            } else if let Ok(x) = v.parse::<f64>() {
                sink.point(i, time, Some(x));
            } else if self.opts.strict {
                return Err(Error::failure(format!(
                    "line {}: column {}: expected a number, found {v:?}",
                    self.line_no,
                    i + 2
                )));
            }
        }
        Ok(())
    }

    /// End of input: flush anything held (a buffered JSON document, say).
    pub fn finish(&mut self, _sink: &mut dyn Sink) -> Result<()> {
        Ok(())
    }
}

/// Feeds two sinks at once (the chart and the report).
pub struct Tee<'a>(pub &'a mut dyn Sink, pub &'a mut dyn Sink);

impl Sink for Tee<'_> {
    fn names(&mut self, names: &[String]) {
        self.0.names(names);
        self.1.names(names);
    }
    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        self.0.point(series, time, value);
        self.1.point(series, time, value);
    }
}
