//! tsplot's run: read the inputs into the chart (and the report), then draw
//! the chart as text, SVG or HTML, or follow a pipe or file live.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::app::tsplot::follow::{self, Follower, Source};
use crate::chart::{self, ascii, Chart, Mark, Style};
use crate::error::{warn, Error, Result, Status};
use crate::report::{self, Analyzer, Rate, Report};
use crate::series::lines::{self, Lines, MAX_LINE};
use crate::series::{self, Parser, Sink};
use crate::sys::term::visible;
use crate::sys::{output, replace};
use crate::time::zone::Zone;

pub use crate::chart::Format;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    Text,
    Json,
}

/// Everything a run needs, validated.
#[derive(Debug)]
pub struct Settings {
    pub inputs: Vec<PathBuf>,
    pub parse: series::Options,
    pub format: Format,
    /// Where the chart goes; `None`: stdout.
    pub output: Option<PathBuf>,
    /// Draw a chart at all (`--report` alone prints only the report).
    pub chart: bool,
    pub width: Option<u16>,
    pub height: Option<u16>,
    pub color: bool,
    pub title: Option<String>,
    pub ylabel: Option<String>,
    pub ymin: Option<f64>,
    pub ymax: Option<f64>,
    /// Limits as given (epoch seconds, RFC 3339...), read like the input.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Seconds before the latest point to keep (`--last`, `--window`).
    pub window: Option<f64>,
    pub zone: Zone,
    /// Analyse the series (for `--report` or `--fail-on-growth`).
    pub report: Option<ReportKind>,
    /// Print the report (`--report`); `--fail-on-growth` alone only sets
    /// the exit status.
    pub print_report: bool,
    pub report_config: report::Config,
    pub rate: bool,
    pub fail_on_growth: Option<f64>,
    pub follow: bool,
}

/// The chart and the analyzer fed together, as one sink.
struct Both {
    chart: Chart,
    /// Feed the chart: false when only the report is printed, so that the
    /// report does not pay for a chart nobody sees.
    draw: bool,
    report: Option<Analyzer>,
}

impl Both {
    fn points(&self) -> u64 {
        if self.draw {
            self.chart.points()
        } else {
            self.report.as_ref().map_or(0, Analyzer::points)
        }
    }
}

impl Sink for Both {
    fn names(&mut self, names: &[String]) {
        self.chart.names(names);
        if let Some(r) = &mut self.report {
            r.names(names);
        }
    }
    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        if self.draw {
            self.chart.point(series, time, value);
        }
        if let Some(r) = &mut self.report {
            r.point(series, time, value);
        }
    }
}

/// `Both`, through the counter-to-rate adapter under `--rate`.
enum Pipeline {
    Plain(Both),
    Rate(Rate<Both>),
}

impl Pipeline {
    fn both(&self) -> &Both {
        match self {
            Pipeline::Plain(b) => b,
            Pipeline::Rate(r) => r.inner(),
        }
    }
    fn both_mut(&mut self) -> &mut Both {
        match self {
            Pipeline::Plain(b) => b,
            Pipeline::Rate(r) => r.inner_mut(),
        }
    }
    fn into_both(self) -> Both {
        match self {
            Pipeline::Plain(b) => b,
            Pipeline::Rate(r) => r.into_inner(),
        }
    }
}

impl Sink for Pipeline {
    fn names(&mut self, names: &[String]) {
        match self {
            Pipeline::Plain(b) => b.names(names),
            Pipeline::Rate(r) => r.names(names),
        }
    }
    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        match self {
            Pipeline::Plain(b) => b.point(series, time, value),
            Pipeline::Rate(r) => r.point(series, time, value),
        }
    }
}

fn time_limit(p: &Parser, opt: &str, value: &Option<String>) -> Result<Option<f64>> {
    let Some(v) = value else {
        return Ok(None);
    };
    p.time_parser()
        .parse(v.trim())
        .map(Some)
        .ok_or_else(|| {
            Error::usage(format!(
                "invalid time \"{v}\" for {opt}: expected epoch seconds or a date and time like 2025-11-24T16:00:00"
            ))
        })
}

/// The parser and the sink the points go to, with `--from`/`--to` read.
fn pipeline(s: &Settings) -> Result<(Parser, Pipeline)> {
    let parser = Parser::new(s.parse.clone())?;
    let from = time_limit(&parser, "--from", &s.from)?;
    let to = time_limit(&parser, "--to", &s.to)?;
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            return Err(Error::usage("--to must be later than --from"));
        }
    }
    let mut chart = Chart::new(!s.parse.no_time, s.window);
    chart.title = s.title.clone();
    chart.ylabel = s.ylabel.clone();
    chart.ymin = s.ymin;
    chart.ymax = s.ymax;
    if from.is_some() || to.is_some() {
        chart.clip(from, to);
    }
    // The report sees what the chart sees: the same limits and window. A
    // live chart marks the steps as they are confirmed.
    let analyse = s.report.is_some() || s.follow;
    let both = Both {
        chart,
        draw: s.chart || s.follow,
        report: analyse.then(|| {
            let mut cfg = s.report_config.clone();
            cfg.rate = s.rate;
            let mut a = Analyzer::new(cfg);
            a.clip(from, to);
            if !s.follow {
                a.window(s.window);
            }
            a.rows(s.parse.no_time);
            a
        }),
    };
    let pipe = if s.rate {
        Pipeline::Rate(Rate::new(both))
    } else {
        Pipeline::Plain(both)
    };
    Ok((parser, pipe))
}

/// After the last input: the chart with the report's steps marked, the
/// report, and the exit status `--fail-on-growth` asks for.
fn finish(
    s: &Settings,
    mut parser: Parser,
    mut pipe: Pipeline,
) -> Result<(Chart, Option<Report>, Status)> {
    parser.finish(&mut pipe)?;
    if parser.names().len() > series::MAX_SERIES {
        warn(format!(
            "{} series: drawing the first {} (pick others with -y)",
            parser.names().len(),
            series::MAX_SERIES
        ));
    }
    if pipe.both().points() == 0 {
        return Err(Error::failure(format!(
            "no data points: {}",
            parser.summary(true)
        )));
    }
    let both = pipe.into_both();
    let mut chart = both.chart;
    let report = both.report.map(Analyzer::finish);
    let mut status = Status::Success;
    if let Some(r) = &report {
        chart.marks = marks(r.steps_for_marks().into_iter().map(|(i, st)| (i, *st)));
        if let Some(limit) = s.fail_on_growth {
            let grown = r.growth_over(limit);
            if !grown.is_empty() {
                warn(format!("growth over {limit}/h in: {}", grown.join(", ")));
                status = Status::Growth;
            }
        }
    }
    Ok((chart, report, status))
}

/// The whole pipeline on input in memory, warnings dropped: what `run`
/// draws and reports, for the fuzz target and the property test
/// (`crate::fuzzing::tsplot_pipeline`).
#[doc(hidden)]
pub fn in_memory(s: &Settings, input: &[u8]) -> Result<(Chart, Option<Report>)> {
    let (mut parser, mut pipe) = pipeline(s)?;
    parser.on_warning(|_| {});
    let mut lines = Lines::new(MAX_LINE);
    let mut feed = |line: &[u8]| parser.line(line, &mut pipe);
    lines::each_line(&mut &input[..], "stdin", &mut lines, &mut feed)?;
    let (chart, report, _) = finish(s, parser, pipe)?;
    Ok((chart, report))
}

pub fn run(s: Settings) -> Result<Status> {
    let (mut parser, mut pipe) = pipeline(&s)?;
    refuse_output_among_inputs(&s)?;
    let to_stdout =
        s.follow || (s.chart && s.output.is_none()) || (s.report.is_some() && s.print_report);
    if to_stdout && crate::error::stdout_was_closed() {
        return Err(Error::failure(
            "stdout is closed: the chart would be lost (give it -o FILE, a file or a pipe)",
        ));
    }
    if s.follow {
        return follow_run(s, parser, pipe);
    }

    let inputs: Vec<PathBuf> = if s.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        s.inputs.clone()
    };
    let several = inputs.len() > 1;
    for path in &inputs {
        let name = if path.as_os_str() == "-" {
            "stdin".to_string()
        } else {
            path.display().to_string()
        };
        if several {
            parser.set_source(&name);
        }
        let mut lines = Lines::new(MAX_LINE);
        {
            let mut feed = |line: &[u8]| parser.line(line, &mut pipe);
            if path.as_os_str() == "-" {
                lines::each_line(&mut std::io::stdin().lock(), &name, &mut lines, &mut feed)?;
            } else {
                let mut f = std::fs::File::open(path).map_err(|e| Error::io(&name, e))?;
                lines::each_line(&mut f, &name, &mut lines, &mut feed)?;
            }
        }
        if lines.overlong > 0 {
            warn(format!(
                "{name}: {} lines longer than {} MiB skipped",
                lines.overlong,
                MAX_LINE >> 20
            ));
        }
    }
    let (chart, report, status) = finish(&s, parser, pipe)?;
    let mut out = output::stdout();
    let write_out = |out: &mut output::Stdout, text: &str| -> Result<()> {
        out.write_all(text.as_bytes())
            .map_err(|e| Error::io("writing to stdout", e))
    };
    if s.chart {
        let text = draw(&s, &chart);
        match &s.output {
            Some(path) => write_file(path, &text)?,
            None => write_out(&mut out, &text)?,
        }
    }
    if let (Some(kind), Some(r), true) = (s.report, &report, s.print_report) {
        let text = match kind {
            ReportKind::Text => report::render_text(r, s.zone),
            ReportKind::Json => report::render_json(r),
        };
        if s.chart && s.output.is_none() {
            write_out(&mut out, "\n")?;
        }
        write_out(&mut out, &text)?;
    }
    out.flush().map_err(|e| Error::io("writing to stdout", e))?;
    Ok(status)
}

/// Steps, with their series, as chart marks.
fn marks(steps: impl Iterator<Item = (usize, report::Step)>) -> Vec<Mark> {
    steps
        .map(|(series, st)| Mark {
            series,
            time: st.time,
            before: st.before,
            after: st.after,
        })
        .collect()
}

/// `tsplot data.csv -o data.csv` would replace the data with its chart:
/// an output that is one of the inputs (the same file, by any name or link,
/// or stdin redirected from it) is a usage error, before anything is read.
fn refuse_output_among_inputs(s: &Settings) -> Result<()> {
    let Some(out) = &s.output else {
        return Ok(());
    };
    // Only a regular file can be destroyed: /dev/null as both is harmless.
    let o = match std::fs::metadata(out) {
        Ok(m) if m.is_file() => m,
        _ => return Ok(()),
    };
    let stdin = || rustix::fs::fstat(std::io::stdin()).ok();
    let clash = |path: &PathBuf| {
        if path.as_os_str() == "-" {
            stdin().is_some_and(|st| st.st_dev == o.dev() && st.st_ino == o.ino())
        } else {
            std::fs::metadata(path).is_ok_and(|m| replace::same_file(&m, &o))
        }
    };
    let stdin_path = PathBuf::from("-");
    let inputs = if s.inputs.is_empty() {
        std::slice::from_ref(&stdin_path)
    } else {
        &s.inputs[..]
    };
    match inputs.iter().find(|p| clash(p)) {
        Some(p) => Err(Error::usage(format!(
            "-o {}: that is an input ({}); the chart would replace the data",
            out.display(),
            if p.as_os_str() == "-" {
                "stdin".to_string()
            } else {
                p.display().to_string()
            }
        ))),
        None => Ok(()),
    }
}

/// The chart in the chosen format, sized for where it goes.
pub fn draw(s: &Settings, chart: &Chart) -> String {
    let (width, height) = match s.format {
        Format::Ascii => {
            let (tw, th) = if s.output.is_none() && output::stdout_is_terminal() {
                follow::terminal_size().map_or((100, 30), |(w, h)| (w, h.saturating_sub(1)))
            } else {
                (100, 30)
            };
            (s.width.unwrap_or(tw), s.height.unwrap_or(th))
        }
        _ => (s.width.unwrap_or(1000), s.height.unwrap_or(500)),
    };
    let style = Style {
        width,
        height,
        color: s.color && s.output.is_none() && s.format == Format::Ascii,
        zone: s.zone,
    };
    chart::renderer(s.format, style).render(chart)
}

/// Writes the chart file atomically (see `sys::replace`: a reader never
/// sees half a chart, a planted link is never followed).
fn write_file(path: &Path, text: &str) -> Result<()> {
    replace::replace(path, text.as_bytes())
        .map_err(|e| Error::io(visible(&path.display().to_string()), e))
}

/// `--follow`: the chart redrawn as lines arrive.
struct Live {
    parser: Parser,
    pipe: Pipeline,
    color: bool,
    zone: Zone,
    warnings: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl Follower for Live {
    fn line(&mut self, line: &[u8]) -> Result<()> {
        self.parser.line(line, &mut self.pipe)
    }

    fn frame(&mut self, width: u16, height: u16) -> String {
        let both = self.pipe.both_mut();
        if let (Some(a), Some(view)) = (&both.report, both.chart.view()) {
            both.chart.marks = marks(
                a.settled_steps()
                    .into_iter()
                    .filter(|(_, st)| st.time >= view.t0),
            );
        }
        let chart = &both.chart;
        if chart.points() == 0 {
            let note = self.warnings.lock().ok().and_then(|w| w.clone());
            return format!("waiting for data...\n{}", note.unwrap_or_default());
        }
        ascii::render(
            chart,
            &ascii::Options {
                width,
                height,
                color: self.color,
                zone: self.zone,
            },
        )
    }
}

fn follow_run(s: Settings, mut parser: Parser, pipe: Pipeline) -> Result<Status> {
    if !output::stdout_is_terminal() {
        return Err(Error::usage(
            "--follow draws on a terminal: stdout is not one (drop --follow to draw once)",
        ));
    }
    let source = match s.inputs.as_slice() {
        [] => Source::Stdin,
        [p] if p.as_os_str() == "-" => Source::Stdin,
        [p] => Source::File(p.clone()),
        _ => return Err(Error::usage("--follow takes one FILE (or stdin)")),
    };
    // Warnings would scribble over the chart: keep the last one for the
    // waiting screen instead.
    let warnings = std::sync::Arc::new(std::sync::Mutex::new(None));
    let sink = std::sync::Arc::clone(&warnings);
    parser.on_warning(move |m| {
        if let Ok(mut w) = sink.lock() {
            *w = Some(format!("tsplot: {}", visible(m)));
        }
    });
    let mut live = Live {
        parser,
        pipe,
        color: s.color,
        zone: s.zone,
        warnings,
    };
    follow::run(source, &mut live)?;
    Ok(Status::Success)
}
