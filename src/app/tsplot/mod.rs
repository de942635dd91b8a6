//! tsplot: draw a time series from a pipe or files, in the terminal, as SVG
//! or as an HTML page, and report what grew and when.

use crate::chart::{ascii, svg};
use crate::cli;
use crate::cli::flags::{opt, Opt, Value};
use crate::error::{main_with, Error, Result};
use crate::report;
use crate::series::{self, Column, InputFormat, TimeUnit};
use crate::sys::output;
pub mod follow;
pub mod run;

use crate::time::zone::{self, Zone};
pub use run::Settings;
use run::{Format, ReportKind};
use std::path::PathBuf;
use std::process::ExitCode;

/// `--help` before the options of [`OPTS`].
const INTRO: &str = "\
tsplot: draw a time series from a pipe or files, and tell what grew and when

Usage: tsplot [OPTIONS] [FILE...]

Reads CSV (epoch,value rows as `fdcount | tstamp` writes them; any
delimiter, header rows, ISO or `ts` times), JSON Lines or a Prometheus
query_range response from FILEs or stdin (`-`), and draws it: a braille
chart in the terminal, an SVG file, or an HTML page to explore.

";

/// `--help` after the options.
const FOOTER: &str = "\
Exit status: 0 success, 1 no data, unreadable input or a malformed line under
--strict, 2 usage error, 3 --fail-on-growth saw a series grow too fast.
";

const FORMATS: &[&str] = &["ascii", "svg", "html"];

/// The options: the one source of `--help` and the completions (with
/// `flags::COMMON`); tests/it/manpages.rs holds man/tsplot.1 to them.
const OPTS: &[Opt] = &[
    opt(
        Some('d'),
        "delimiter",
        Value::Text("delimiter"),
        "field delimiter",
    )
    .section("Input")
    .arg("CHAR")
    .doc("Field delimiter")
    .default("detected: tab, ';', ',', or runs of spaces with -d ' '"),
    opt(Some('x'), "x", Value::Text("column"), "the time column")
        .arg("COL")
        .doc("The time column, by 1-based number or header name")
        .default("1"),
    opt(Some('y'), "y", Value::Text("columns"), "the series to draw")
        .arg("COL[,COL...]")
        .doc("The series to draw")
        .default("every other column"),
    opt(None, "no-time", Value::Flag, "plot against the row number")
        .doc("Plot against the row number, not a time"),
    opt(
        None,
        "time-unit",
        Value::OneOf(&["s", "ms", "us", "ns"]),
        "unit of epoch numbers",
    )
    .arg("UNIT")
    .doc("Epoch numbers are s, ms, us or ns")
    .default("by magnitude"),
    opt(
        None,
        "time-format",
        Value::Text("format"),
        "strftime format of times",
    )
    .arg("FMT")
    .doc("Read times with this strftime format"),
    opt(
        None,
        "input",
        Value::OneOf(&["csv", "jsonl", "prom"]),
        "input format",
    )
    .arg("FORMAT")
    .doc("csv, jsonl or prom")
    .default("detected"),
    opt(
        None,
        "strict",
        Value::Flag,
        "stop at the first malformed line",
    )
    .doc("Stop at the first malformed line (exit 1) instead of skipping it with a warning"),
    opt(
        Some('o'),
        "output",
        Value::File,
        "write the chart to a file",
    )
    .section("Output")
    .doc("Write the chart to FILE; .svg gives SVG, .html a page, anything else text"),
    opt(None, "format", Value::OneOf(FORMATS), "chart format")
        .doc("ascii, svg or html, to stdout or -o FILE"),
    opt(None, "html", Value::Flag, "an HTML page").doc("Same as --format html"),
    opt(
        Some('W'),
        "width",
        Value::Text("width"),
        "width: characters (20 to 1000) or SVG pixels (200 to 10000)",
    )
    .arg("N")
    .doc("Width: characters (terminal, 20 to 1000) or pixels (SVG, 200 to 10000)")
        .default("the terminal's, or 100; SVG 1000"),
    opt(
        Some('H'),
        "height",
        Value::Text("height"),
        "height: lines (5 to 1000) or SVG pixels (120 to 10000)",
    )
    .arg("N")
    .doc("Height: lines (5 to 1000) or pixels (120 to 10000)")
        .default("the terminal's, or 30; SVG 500"),
    opt(None, "title", Value::Text("title"), "title")
        .arg("TEXT")
        .doc("Title above the chart"),
    opt(None, "ylabel", Value::Text("label"), "value axis label")
        .arg("TEXT")
        .doc("Label of the value axis"),
    opt(
        None,
        "ymin",
        Value::Text("value"),
        "bottom of the value axis (below --ymax)",
    )
    .arg("N")
    .doc("Bottom of the value axis (below --ymax; past the data, the chart is empty or clipped)"),
    opt(None, "ymax", Value::Text("value"), "top of the value axis").arg("N"),
    opt(None, "from", Value::Text("time"), "start of the time axis")
        .arg("TIME")
        .doc("Start of the time axis (epoch or 2025-11-24T16:00)"),
    opt(None, "to", Value::Text("time"), "end of the time axis").arg("TIME"),
    opt(
        None,
        "last",
        Value::Text("duration"),
        "only the last duration",
    )
    .arg("DURATION")
    .doc("Only the last DURATION before the latest point (90s, 10m, 1h, 2d)"),
    opt(Some('u'), "utc", Value::Flag, "times in UTC")
        .doc("Times in UTC instead of the local time zone"),
    opt(
        None,
        "color",
        Value::OneOf(&["auto", "always", "never"]),
        "colour",
    )
    .arg("WHEN")
    .doc("auto, always or never")
    .default("auto: on a terminal, unless NO_COLOR is set"),
    opt(None, "report", Value::Flag, "report steps and growth")
        .section("Report")
        .arg("[=FORMAT]")
        .doc("Print, per series, samples, span, min, max, mean, change, the slope of its floor per hour and R², its runs (restarts), and the steps: each time its level rose and held. FORMAT is text (default) or json. Alone, no chart is drawn unless -o or --format asks for one; with -o the chart marks the steps"),
    opt(
        None,
        "fail-on-growth",
        Value::Text("rate per hour"),
        "exit 3 on growth",
    )
    .arg("RATE")
    .doc("Exit 3 when a series' slope is over RATE per hour"),
    opt(None, "rate", Value::Flag, "per-second rate of counters")
        .doc("Use the per-second rate of change (for counters; a drop to near zero is a restart)"),
    opt(
        None,
        "min-hold",
        Value::Text("samples"),
        "samples a step must hold",
    )
    .arg("N")
    .doc("A step's new level must last N samples (a noisy one a window of 40)")
    .default("3"),
    opt(
        None,
        "min-hold-time",
        Value::Text("duration"),
        "time a step must hold",
    )
    .arg("DURATION")
    .doc("...and this long")
    .default("0"),
    opt(None, "min-step", Value::Text("value"), "smallest step")
        .arg("N")
        .doc("Ignore rises smaller than N")
        .default("0"),
    opt(
        None,
        "step-noise",
        Value::Text("factor"),
        "step size over the noise",
    )
    .arg("K")
    .doc("A step must rise K times the noise")
    .default("2"),
    opt(None, "follow", Value::Flag, "redraw as lines arrive")
        .section("Live")
        .doc("Redraw the chart in place as lines arrive, from stdin or a growing FILE; Ctrl-C quits"),
    opt(
        None,
        "window",
        Value::Text("duration"),
        "with --follow: the last duration",
    )
    .arg("DURATION")
    .doc("With --follow: show only the last DURATION"),
];

#[derive(Debug, Default)]
struct Config {
    inputs: Vec<PathBuf>,
    delimiter: Option<String>,
    x: Option<String>,
    y: Vec<String>,
    no_time: bool,
    time_unit: Option<String>,
    time_format: Option<String>,
    input: Option<String>,
    strict: bool,
    output: Option<PathBuf>,
    format: Option<String>,
    width: Option<String>,
    height: Option<String>,
    title: Option<String>,
    ylabel: Option<String>,
    ymin: Option<String>,
    ymax: Option<String>,
    from: Option<String>,
    to: Option<String>,
    last: Option<String>,
    utc: bool,
    color: Option<String>,
    report: Option<String>,
    fail_on_growth: Option<String>,
    rate: bool,
    min_hold: Option<String>,
    min_hold_time: Option<String>,
    min_step: Option<String>,
    step_noise: Option<String>,
    follow: bool,
    window: Option<String>,
    completions: Option<String>,
    help: bool,
    version: bool,
}

fn parse(mut p: lexopt::Parser) -> Result<Config> {
    use lexopt::prelude::*;
    let mut c = Config::default();
    while let Some(arg) = p.next()? {
        let name = match &arg {
            Short(ch) => format!("-{ch}"),
            Long(l) => format!("--{l}"),
            Value(_) => String::new(),
        };
        let val = |p: &mut lexopt::Parser| -> Result<String> { cli::string(&name, p.value()?) };
        match arg {
            Short('d') | Long("delimiter") => c.delimiter = Some(val(&mut p)?),
            Short('x') | Long("x") => c.x = Some(val(&mut p)?),
            Short('y') | Long("y") => c.y.push(val(&mut p)?),
            Long("no-time") => c.no_time = true,
            Long("time-unit") => c.time_unit = Some(val(&mut p)?),
            Long("time-format") => c.time_format = Some(val(&mut p)?),
            Long("input") => c.input = Some(val(&mut p)?),
            Long("strict") => c.strict = true,
            Short('o') | Long("output") => c.output = Some(p.value()?.into()),
            Long("format") => c.format = Some(val(&mut p)?),
            Long("html") => c.format = Some("html".into()),
            Short('W') | Long("width") => c.width = Some(val(&mut p)?),
            Short('H') | Long("height") => c.height = Some(val(&mut p)?),
            Long("title") => c.title = Some(val(&mut p)?),
            Long("ylabel") => c.ylabel = Some(val(&mut p)?),
            Long("ymin") => c.ymin = Some(val(&mut p)?),
            Long("ymax") => c.ymax = Some(val(&mut p)?),
            Long("from") => c.from = Some(val(&mut p)?),
            Long("to") => c.to = Some(val(&mut p)?),
            Long("last") => c.last = Some(val(&mut p)?),
            Short('u') | Long("utc") => c.utc = true,
            Long("color") | Long("colour") => c.color = Some(val(&mut p)?),
            Long("report") => {
                c.report = Some(match p.optional_value() {
                    Some(v) => cli::string("--report", v)?,
                    None => "text".into(),
                })
            }
            Long("fail-on-growth") => c.fail_on_growth = Some(val(&mut p)?),
            Long("rate") => c.rate = true,
            Long("min-hold") => c.min_hold = Some(val(&mut p)?),
            Long("min-hold-time") => c.min_hold_time = Some(val(&mut p)?),
            Long("min-step") => c.min_step = Some(val(&mut p)?),
            Long("step-noise") => c.step_noise = Some(val(&mut p)?),
            Long("follow") => c.follow = true,
            Long("window") => c.window = Some(val(&mut p)?),
            Long("completions") => c.completions = Some(val(&mut p)?),
            Short('h') | Long("help") => c.help = true,
            Short('V') | Long("version") => c.version = true,
            Value(v) => c.inputs.push(v.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(c)
}

fn column(opt: &str, v: &str) -> Result<Column> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Error::usage(format!("empty column name for {opt}")));
    }
    match v.parse::<usize>() {
        Ok(0) => Err(Error::usage(format!(
            "invalid column \"0\" for {opt}: columns are numbered from 1"
        ))),
        Ok(n) => Ok(Column::Index(n)),
        Err(_) => Ok(Column::Name(v.to_string())),
    }
}

fn finite(opt: &str, v: &Option<String>) -> Result<Option<f64>> {
    v.as_deref()
        .map(|s| {
            cli::number::<f64>(opt, s).and_then(|x| {
                if x.is_finite() {
                    Ok(x)
                } else {
                    Err(Error::usage(format!(
                        "invalid value \"{s}\" for {opt}: expected a finite number"
                    )))
                }
            })
        })
        .transpose()
}

fn size(opt: &str, v: &Option<String>, (min, max): (u16, u16)) -> Result<Option<u16>> {
    v.as_deref()
        .map(|s| {
            let n: u16 = cli::number(opt, s)?;
            if n < min {
                return Err(Error::usage(format!(
                    "invalid value \"{s}\" for {opt}: at least {min} is needed to draw a chart"
                )));
            }
            if n > max {
                return Err(Error::usage(format!(
                    "invalid value \"{s}\" for {opt}: at most {max}"
                )));
            }
            Ok(n)
        })
        .transpose()
}

fn settings(c: Config) -> Result<Settings> {
    let zone = if c.utc { Zone::Utc } else { Zone::Local };
    let delimiter = match c.delimiter.as_deref() {
        None => None,
        Some("\\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(Error::usage(format!(
                "invalid delimiter \"{d}\" for -d: expected one character (or \\t)"
            )))
        }
    };
    let time_unit = match c.time_unit.as_deref() {
        None => None,
        Some("s") => Some(TimeUnit::Seconds),
        Some("ms") => Some(TimeUnit::Millis),
        Some("us") => Some(TimeUnit::Micros),
        Some("ns") => Some(TimeUnit::Nanos),
        Some(u) => {
            return Err(Error::usage(format!(
                "invalid unit \"{u}\" for --time-unit: expected s, ms, us or ns"
            )))
        }
    };
    let input = match c.input.as_deref() {
        None => InputFormat::Auto,
        Some("csv") => InputFormat::Csv,
        Some("jsonl") | Some("json") => InputFormat::Jsonl,
        Some("prom") | Some("prometheus") => InputFormat::Prometheus,
        Some(f) => {
            return Err(Error::usage(format!(
                "invalid format \"{f}\" for --input: expected csv, jsonl or prom"
            )))
        }
    };
    let mut y = Vec::new();
    for v in &c.y {
        for item in cli::list(v) {
            y.push(column("-y", item)?);
        }
    }
    let parse = series::Options {
        format: input,
        delimiter,
        x: c.x.as_deref().map(|v| column("-x", v)).transpose()?,
        y,
        no_time: c.no_time,
        time_unit,
        time_format: c.time_format.clone(),
        zone,
        strict: c.strict,
    };
    let explicit = match c.format.as_deref() {
        None => None,
        Some("ascii") | Some("text") => Some(Format::Ascii),
        Some("svg") => Some(Format::Svg),
        Some("html") => Some(Format::Html),
        Some(f) => {
            return Err(Error::usage(format!(
                "invalid format \"{f}\" for --format: expected ascii, svg or html"
            )))
        }
    };
    let format = explicit
        .or_else(|| c.output.as_deref().map(Format::of_path))
        .unwrap_or(Format::Ascii);
    let report = match c.report.as_deref() {
        None => None,
        Some("text") | Some("") => Some(ReportKind::Text),
        Some("json") => Some(ReportKind::Json),
        Some(f) => {
            return Err(Error::usage(format!(
                "invalid format \"{f}\" for --report: expected text or json"
            )))
        }
    };
    let color = match c.color.as_deref() {
        None | Some("auto") => {
            output::stdout_is_terminal()
                && !matches!(std::env::var_os("NO_COLOR"), Some(v) if !v.is_empty())
        }
        Some("always") => true,
        Some("never") => false,
        Some(w) => {
            return Err(Error::usage(format!(
                "invalid value \"{w}\" for --color: expected auto, always or never"
            )))
        }
    };
    let secs = |opt: &str, v: &Option<String>| -> Result<Option<f64>> {
        v.as_deref()
            .map(|s| cli::duration(opt, s).map(|d| d.as_secs_f64()))
            .transpose()
    };
    let last = secs("--last", &c.last)?;
    let window = secs("--window", &c.window)?;
    if window.is_some() && !c.follow {
        return Err(Error::usage(
            "--window goes with --follow (use --last to draw once)",
        ));
    }
    if c.follow && (c.output.is_some() || explicit.is_some_and(|f| f != Format::Ascii)) {
        return Err(Error::usage(
            "--follow draws in the terminal: it cannot be combined with -o or --format",
        ));
    }
    if c.follow && report.is_some() {
        return Err(Error::usage("--follow cannot be combined with --report"));
    }
    if c.fail_on_growth.is_some() && report.is_none() && c.report.is_none() {
        // --fail-on-growth needs the analysis; it prints nothing extra.
    }
    let mut cfg = report::Config::default();
    if let Some(v) = &c.min_hold {
        cfg.min_hold_samples = cli::number("--min-hold", v)?;
    }
    if let Some(v) = secs("--min-hold-time", &c.min_hold_time)? {
        cfg.min_hold_secs = v;
    }
    if let Some(v) = finite("--min-step", &c.min_step)? {
        cfg.min_rise = v.max(0.0);
    }
    if let Some(v) = finite("--step-noise", &c.step_noise)? {
        cfg.noise_factor = v.max(0.0);
    }
    let fail_on_growth = finite("--fail-on-growth", &c.fail_on_growth)?;
    let ymin = finite("--ymin", &c.ymin)?;
    let ymax = finite("--ymax", &c.ymax)?;
    if let (Some(lo), Some(hi)) = (ymin, ymax) {
        if lo >= hi {
            return Err(Error::usage(format!(
                "--ymin {lo} must be below --ymax {hi}"
            )));
        }
    }
    let (width_range, height_range) = if format == Format::Ascii {
        (
            (ascii::MIN_WIDTH, ascii::MAX_WIDTH),
            (ascii::MIN_HEIGHT, ascii::MAX_HEIGHT),
        )
    } else {
        ((200, svg::MAX_SIZE as u16), (120, svg::MAX_SIZE as u16))
    };
    // The report alone prints no chart, unless a chart is asked for too.
    let chart = report.is_none() || c.output.is_some() || explicit.is_some();
    // --fail-on-growth alone analyses silently (the chart still prints).
    let analyse = report.or(fail_on_growth.map(|_| ReportKind::Text));
    Ok(Settings {
        inputs: c.inputs,
        parse,
        format,
        output: c.output,
        chart,
        width: size("-W", &c.width, width_range)?,
        height: size("-H", &c.height, height_range)?,
        color,
        title: c.title,
        ylabel: c.ylabel,
        ymin,
        ymax,
        from: c.from,
        to: c.to,
        window: last.or(window),
        zone,
        report: analyse,
        print_report: report.is_some(),
        report_config: cfg,
        rate: c.rate,
        fail_on_growth,
        follow: c.follow,
    })
}

/// The settings an argument list gives, as `main` reads them: for the
/// whole-pipeline fuzz target and property test.
#[doc(hidden)]
pub fn settings_from<I>(args: I) -> Result<Settings>
where
    I: IntoIterator,
    I::Item: Into<std::ffi::OsString>,
{
    settings(parse(lexopt::Parser::from_args(args))?)
}

/// tsplot's whole run: arguments in, exit status out.
/// The C entry of bin/tsplot.rs: fd 1 as the shell left it is looked at
/// first (see [`crate::error::main_c_stdout_optional`]).
pub fn main_c() -> std::ffi::c_int {
    crate::error::main_c_stdout_optional(main)
}

pub fn main() -> ExitCode {
    zone::init();
    main_with("tsplot", || {
        let c = parse(lexopt::Parser::from_env())?;
        let about = cli::About {
            tool: "tsplot",
            intro: INTRO,
            footer: FOOTER,
            opts: OPTS,
            positional: Value::File,
        };
        if let Some(done) = cli::answer(&about, c.help, c.version, c.completions.as_deref())? {
            return Ok(done);
        }
        run::run(settings(c)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(args: &[&str]) -> Result<Settings> {
        parse(lexopt::Parser::from_args(args.iter().copied())).and_then(settings)
    }

    fn usage(args: &[&str]) -> String {
        crate::error::usage_message(args, s(args))
    }

    #[test]
    fn defaults_and_formats() {
        let d = s(&[]).unwrap();
        assert_eq!(d.format, Format::Ascii);
        assert!(d.chart && d.report.is_none() && !d.follow);
        assert_eq!(s(&["-o", "x.svg"]).unwrap().format, Format::Svg);
        assert_eq!(s(&["-o", "x.HTML"]).unwrap().format, Format::Html);
        assert_eq!(s(&["--html", "-o", "x"]).unwrap().format, Format::Html);
        assert_eq!(s(&["--format", "svg"]).unwrap().format, Format::Svg);
        let r = s(&["--report"]).unwrap();
        assert_eq!(r.report, Some(ReportKind::Text));
        assert!(!r.chart);
        let r = s(&["--report=json", "-o", "a.svg"]).unwrap();
        assert_eq!(r.report, Some(ReportKind::Json));
        assert!(r.chart);
        let f = s(&["--fail-on-growth", "5", "a.log", "b.log"]).unwrap();
        assert!(f.chart && !f.print_report && f.report.is_some());
        assert_eq!(f.inputs.len(), 2);
    }

    #[test]
    fn input_options() {
        let c = s(&[
            "-d",
            ";",
            "-x",
            "2",
            "-y",
            "tcp,4",
            "-y",
            "udp",
            "--time-unit",
            "ms",
            "-u",
        ])
        .unwrap();
        assert_eq!(c.parse.delimiter, Some(b';'));
        assert_eq!(c.parse.x, Some(Column::Index(2)));
        assert_eq!(
            c.parse.y,
            vec![
                Column::Name("tcp".into()),
                Column::Index(4),
                Column::Name("udp".into())
            ]
        );
        assert_eq!(c.parse.time_unit, Some(TimeUnit::Millis));
        assert_eq!(c.zone, Zone::Utc);
        assert_eq!(s(&["-d", "\\t"]).unwrap().parse.delimiter, Some(b'\t'));
        assert_eq!(s(&["--last", "1h"]).unwrap().window, Some(3600.0));
        assert_eq!(
            s(&["--follow", "--window", "10m"]).unwrap().window,
            Some(600.0)
        );
    }

    #[test]
    fn usage_errors_name_the_problem() {
        assert!(usage(&["--bogus"]).contains("--bogus"));
        assert!(usage(&["-d", "ab"]).contains("\"ab\""));
        assert!(usage(&["--time-unit", "h"]).contains("\"h\""));
        assert!(usage(&["--input", "xml"]).contains("\"xml\""));
        assert!(usage(&["--format", "png"]).contains("\"png\""));
        assert!(usage(&["--report=yaml"]).contains("\"yaml\""));
        assert!(usage(&["--color", "red"]).contains("\"red\""));
        assert!(usage(&["-W", "3"]).contains("at least"));
        assert!(usage(&["-W", "abc"]).contains("\"abc\""));
        assert!(usage(&["-W", "65535", "-H", "65535"]).contains("at most 1000"));
        assert!(usage(&["-o", "x.svg", "-H", "10001"]).contains("at most 10000"));
        assert!(usage(&["--html", "-W", "65535"]).contains("at most 10000"));
        assert_eq!(
            s(&["-o", "x.svg", "-W", "10000"]).unwrap().width,
            Some(10000)
        );
        assert_eq!(s(&["-W", "1000", "-H", "1000"]).unwrap().height, Some(1000));
        // Reversed limits are a usage error in every mode, the report's too.
        for mode in [
            &[][..],
            &["--report"],
            &["--html"],
            &["-o", "x.svg"],
            &["--follow"],
        ] {
            let mut args = mode.to_vec();
            args.extend(["--ymin", "5", "--ymax", "1"]);
            assert!(
                usage(&args).contains("--ymin 5 must be below --ymax 1"),
                "{args:?}"
            );
        }
        assert!(usage(&["--ymin", "2", "--ymax", "2"]).contains("below"));
        assert_eq!(s(&["--ymin", "10"]).unwrap().ymin, Some(10.0));
        assert!(usage(&["--ymin", "nan"]).contains("nan"));
        assert!(usage(&["--last", "-5"]).contains("-5"));
        assert!(usage(&["-y", "0"]).contains("from 1"));
        assert!(usage(&["--window", "1m"]).contains("--follow"));
        assert!(usage(&["--follow", "-o", "x.svg"]).contains("--follow"));
        assert!(usage(&["--follow", "--report"]).contains("--follow"));
    }
}
