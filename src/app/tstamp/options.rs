//! tstamp's command line: the help text, the flag table (`--help` and
//! completions), the lexopt parser into a [`Config`], and the validation
//! that turns it into what the run loops take ([`Mode`] and [`Options`]).

use super::run::{Options, Since, Style, Unit};
use crate::cli;
use crate::cli::flags::{opt, Opt, Value};
use crate::error::{Error, Result};
use crate::time::format::Format;
use crate::time::zone::Zone;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

/// `--help` before the options of [`OPTS`].
pub const INTRO: &str = "\
tstamp: prefix every line of stdin with the time it arrived

Usage: tstamp [OPTIONS] [FORMAT]
       tstamp -r [OPTIONS] [FORMAT] < stamped.log
       tstamp -e SECS [-c N] [OPTIONS] [FORMAT] -- COMMAND [ARG...]

Copies stdin to stdout byte for byte, with a time stamp and a delimiter in
front of every line. By default the stamp is whole epoch seconds and the
delimiter a comma (`1764000000,line`): the CSV that tsplot reads.

FORMAT is a strftime format, printed as moreutils ts prints it (glibc's
flags _ - 0 ^ #, widths, E and O): %Y %m %d %H %M %S %z %Z %b %a %j %e %s
%T %F %%... plus %.s %.S %.T (with microseconds), %N (nanoseconds, %3N...)
and GNU's %:z %::z %:::z.

";

/// `--help` after the options.
pub const FOOTER: &str = "\
-r reads tstamp's own stamps (epoch seconds, ms, us or ns followed by the
delimiter; RFC 3339 as --iso writes it), ts's `Nov 24 16:00:00` and syslog's
`Nov  4 16:00:00` (local time, this year); the rest of the line is unchanged.

Exit status: 0 success (also when the reader goes away or on SIGINT/SIGTERM),
1 read or write error, or a COMMAND that cannot be started, 2 usage error or
a COMMAND that does not exist.
";

/// The options: the one source of `--help` and the completions (with
/// `flags::COMMON`); tests/it/manpages.rs holds man/tstamp.1 to them.
pub const OPTS: &[Opt] = &[
    opt(
        Some('d'),
        "delimiter",
        Value::Text("delimiter"),
        "text between stamp and line",
    )
    .arg("DELIM")
    .doc("Text between stamp and line (-d ' ' with a FORMAT gives ts's output)")
    .default(","),
    opt(None, "ms", Value::Flag, "integer epoch milliseconds")
        .doc("Stamp with integer epoch milliseconds"),
    opt(None, "us", Value::Flag, "integer epoch microseconds")
        .doc("Stamp with integer epoch microseconds"),
    opt(None, "ns", Value::Flag, "integer epoch nanoseconds")
        .doc("Stamp with integer epoch nanoseconds"),
    opt(None, "iso", Value::Flag, "RFC 3339 time with UTC offset")
        .doc("Stamp with RFC 3339 time and UTC offset (with a fraction under --ms, --us or --ns)"),
    opt(Some('u'), "utc", Value::Flag, "times in UTC")
        .doc("Show times in UTC instead of the local time zone"),
    opt(
        Some('s'),
        "since-start",
        Value::Flag,
        "time since tstamp started",
    )
    .doc("Stamp with the time since tstamp started (default format %H:%M:%S)"),
    opt(
        Some('i'),
        "incremental",
        Value::Flag,
        "time since the previous line",
    )
    .doc("Stamp with the time since the previous line (default format %H:%M:%S)"),
    opt(
        Some('m'),
        "monotonic",
        Value::Flag,
        "use the monotonic clock",
    )
    .doc("Measure time with the monotonic clock"),
    opt(
        Some('r'),
        "relative",
        Value::Flag,
        "rewrite existing stamps (relative, or to FORMAT)",
    )
    .doc("Rewrite the stamp at the start of each line: to how long ago it was (15m5s ago), or to FORMAT"),
    opt(
        Some('e'),
        "every",
        Value::Text("seconds"),
        "run COMMAND every SECS seconds and stamp its output",
    )
    .arg("SECS")
    .doc("Run COMMAND now and every SECS seconds, on a fixed schedule, and stamp what it prints"),
    opt(
        Some('c'),
        "count",
        Value::Text("runs"),
        "with -e: stop after N runs",
    )
    .arg("N")
    .doc("With -e: stop after N runs"),
];

#[derive(Debug, Default, PartialEq)]
pub struct Config {
    pub format: Option<String>,
    pub delim: Option<Vec<u8>>,
    pub units: Vec<Unit>,
    pub iso: bool,
    pub utc: bool,
    pub since_start: bool,
    pub incremental: bool,
    pub monotonic: bool,
    pub relative: bool,
    pub every: Option<String>,
    pub count: Option<String>,
    /// What follows `--` when -e is given.
    pub command: Vec<OsString>,
    pub completions: Option<String>,
    pub help: bool,
    pub version: bool,
}

/// Options that take a value: their value is never a `--`.
const VALUED_SHORT: &[u8] = b"dec";
const VALUED_LONG: &[&str] = &["--delimiter", "--every", "--count", "--completions"];

/// Splits the command line at the `--` that starts -e's COMMAND: with -e,
/// everything after it is the command, which lexopt must not see (its own
/// `--` handling would make it positional arguments).
pub fn split_command(args: Vec<OsString>) -> (Vec<OsString>, Vec<OsString>) {
    let mut every = false;
    let mut skip = false;
    for (i, a) in args.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        let b = a.as_encoded_bytes();
        if b == b"--" {
            if every {
                let mut left = args;
                let right = left.split_off(i);
                return (left, right.into_iter().skip(1).collect());
            }
            break;
        }
        if b.starts_with(b"--") {
            let name = b.split(|&c| c == b'=').next().unwrap_or(b);
            every |= name == b"--every";
            skip = !b.contains(&b'=') && VALUED_LONG.iter().any(|l| l.as_bytes() == name);
        } else if b.len() > 1 && b[0] == b'-' {
            // A cluster such as -ue5 or -ue 5: the first valued letter takes
            // the rest, or the next argument when it is last.
            for (j, &c) in b.iter().enumerate().skip(1) {
                if VALUED_SHORT.contains(&c) {
                    every |= c == b'e';
                    skip = j == b.len() - 1;
                    break;
                }
            }
        }
    }
    (args, Vec::new())
}

pub fn parse(mut p: lexopt::Parser, command: Vec<OsString>) -> Result<Config> {
    use lexopt::prelude::*;
    let mut c = Config {
        command,
        ..Config::default()
    };
    while let Some(arg) = p.next()? {
        match arg {
            Short('d') | Long("delimiter") => {
                let v: OsString = p.value()?;
                c.delim = Some(v.into_vec());
            }
            Long("ms") => c.units.push(Unit::Millis),
            Long("us") => c.units.push(Unit::Micros),
            Long("ns") => c.units.push(Unit::Nanos),
            Long("iso") => c.iso = true,
            Short('u') | Long("utc") => c.utc = true,
            Short('s') | Long("since-start") => c.since_start = true,
            Short('i') | Long("incremental") => c.incremental = true,
            Short('m') | Long("monotonic") => c.monotonic = true,
            Short('r') | Long("relative") => c.relative = true,
            Short('e') | Long("every") => c.every = Some(cli::string("--every", p.value()?)?),
            Short('c') | Long("count") => c.count = Some(cli::string("--count", p.value()?)?),
            Long("completions") => c.completions = Some(cli::string("--completions", p.value()?)?),
            Short('h') | Long("help") => c.help = true,
            Short('V') | Long("version") => c.version = true,
            Value(v) if c.format.is_none() => c.format = Some(cli::string("FORMAT", v)?),
            Value(v) => {
                return Err(Error::usage(format!(
                    "unexpected argument {:?}: only one FORMAT may be given{}",
                    v.to_string_lossy(),
                    if c.every.is_some() {
                        " (put COMMAND after --)"
                    } else {
                        ""
                    }
                )))
            }
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(c)
}

/// What tstamp does.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Stamp stdin.
    Stamp,
    /// `-r`: rewrite stamps already there, to FORMAT or to relative times.
    Relative(Option<Format>),
    /// `-e SECS [-c N] -- COMMAND...`.
    Every {
        period: Duration,
        count: Option<u64>,
        command: Vec<OsString>,
    },
}

fn compile(f: &str) -> Result<Format> {
    Format::compile(f).map_err(|e| Error::usage(format!("{e} in FORMAT \"{f}\"")))
}

pub fn validate(c: Config) -> Result<(Mode, Options)> {
    if c.since_start && c.incremental {
        return Err(Error::usage("-s and -i cannot be used together"));
    }
    let mut units = c.units.clone();
    units.dedup();
    if units.len() > 1 {
        return Err(Error::usage("choose one of --ms, --us and --ns"));
    }
    let unit = units.first().copied();
    let since = match (c.since_start, c.incremental) {
        (true, _) => Since::Start,
        (_, true) => Since::Previous,
        _ => Since::Epoch,
    };
    let zone = if c.utc { Zone::Utc } else { Zone::Local };
    let delim = c.delim.clone().unwrap_or_else(|| b",".to_vec());
    if c.count.is_some() && c.every.is_none() {
        return Err(Error::usage("-c counts the runs of -e: give -e SECS too"));
    }
    if c.relative {
        if c.every.is_some() || since != Since::Epoch || c.iso || unit.is_some() || c.monotonic {
            return Err(Error::usage(
                "-r rewrites existing stamps: it cannot be combined with -e, -s, -i, -m, --iso, --ms, --us or --ns",
            ));
        }
        let format = c.format.as_deref().map(compile).transpose()?;
        let opts = Options {
            style: Style::Integer(Unit::Seconds),
            delim,
            zone,
            since,
            monotonic: false,
        };
        return Ok((Mode::Relative(format), opts));
    }
    let style = match (&c.format, c.iso, unit) {
        (Some(_), true, _) | (Some(_), _, Some(_)) => {
            return Err(Error::usage(
                "a FORMAT cannot be combined with --iso, --ms, --us or --ns",
            ))
        }
        (Some(f), false, None) => Style::Format(compile(f)?),
        (None, true, _) if since != Since::Epoch => {
            return Err(Error::usage(
                "--iso shows wall-clock time: it cannot be combined with -s or -i",
            ))
        }
        (None, true, u) => Style::Iso(u.unwrap_or(Unit::Seconds)),
        (None, false, Some(u)) => Style::Integer(u),
        (None, false, None) if since != Since::Epoch => Style::Format(compile("%H:%M:%S")?),
        (None, false, None) => Style::Integer(Unit::Seconds),
    };
    let opts = Options {
        style,
        delim,
        zone,
        since,
        monotonic: c.monotonic,
    };
    let Some(every) = c.every else {
        return Ok((Mode::Stamp, opts));
    };
    let period = cli::duration("-e", &every)?;
    if period < Duration::from_millis(1) {
        return Err(Error::usage(format!(
            "invalid value \"{every}\" for -e: the period must be at least 1ms"
        )));
    }
    let count = match &c.count {
        Some(n) => {
            let n: u64 = cli::number("-c", n)?;
            if n == 0 {
                return Err(Error::usage("invalid value \"0\" for -c: at least one run"));
            }
            Some(n)
        }
        None => None,
    };
    if c.command.is_empty() {
        return Err(Error::usage(
            "-e needs a COMMAND after --: tstamp -e SECS -- COMMAND [ARG...]",
        ));
    }
    Ok((
        Mode::Every {
            period,
            count,
            command: c.command,
        },
        opts,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Config> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (left, cmd) = split_command(args);
        parse(lexopt::Parser::from_args(left), cmd)
    }

    fn m(args: &[&str]) -> Result<(Mode, Options)> {
        p(args).and_then(validate)
    }

    fn o(args: &[&str]) -> Result<Options> {
        m(args).map(|(_, o)| o)
    }

    fn err(args: &[&str]) -> String {
        crate::error::usage_message(args, m(args))
    }

    #[test]
    fn defaults() {
        let d = o(&[]).unwrap();
        assert_eq!(d.style, Style::Integer(Unit::Seconds));
        assert_eq!(d.delim, b",");
        assert_eq!(d.zone, Zone::Local);
        assert_eq!(d.since, Since::Epoch);
        assert!(!d.monotonic);
        let s = o(&["-s"]).unwrap();
        assert_eq!(s.since, Since::Start);
        assert_eq!(s.style, Style::Format(Format::compile("%H:%M:%S").unwrap()));
        assert_eq!(o(&["-i", "-m"]).unwrap().since, Since::Previous);
        assert!(o(&["--incremental", "--monotonic"]).unwrap().monotonic);
        assert_eq!(m(&[]).unwrap().0, Mode::Stamp);
    }

    #[test]
    fn options_and_format() {
        let c = o(&["-d", " ", "-u", "%b %d %H:%M:%.S"]).unwrap();
        assert_eq!(c.delim, b" ");
        assert_eq!(c.zone, Zone::Utc);
        assert!(matches!(c.style, Style::Format(ref f) if f.is_fractional()));
        assert_eq!(o(&["--delimiter="]).unwrap().delim, b"");
        assert_eq!(o(&["--ms"]).unwrap().style, Style::Integer(Unit::Millis));
        assert_eq!(
            o(&["--us", "--us"]).unwrap().style,
            Style::Integer(Unit::Micros)
        );
        assert_eq!(o(&["--ns"]).unwrap().style, Style::Integer(Unit::Nanos));
        assert_eq!(o(&["--iso"]).unwrap().style, Style::Iso(Unit::Seconds));
        assert_eq!(
            o(&["--iso", "--ms"]).unwrap().style,
            Style::Iso(Unit::Millis)
        );
        assert_eq!(o(&["--utc", "--iso", "--us"]).unwrap().zone, Zone::Utc);
        assert_eq!(
            o(&["-s", "--ms"]).unwrap().style,
            Style::Integer(Unit::Millis)
        );
        assert_eq!(
            o(&["--", "-%s"]).unwrap().style,
            Style::Format(Format::compile("-%s").unwrap())
        );
        // What glibc does not know is printed, as ts prints it.
        assert!(o(&["%Y-%Q"]).is_ok());
        assert!(o(&["%"]).is_ok());
        assert!(p(&["-h"]).unwrap().help);
        assert!(p(&["--version"]).unwrap().version);
    }

    #[test]
    fn relative_and_every() {
        assert_eq!(m(&["-r"]).unwrap().0, Mode::Relative(None));
        assert_eq!(
            m(&["-r", "%F %T"]).unwrap().0,
            Mode::Relative(Some(Format::compile("%F %T").unwrap()))
        );
        let (mode, opts) =
            m(&["--ms", "-e", "0.3", "-c", "5", "--", "sh", "-c", "echo x"]).unwrap();
        assert_eq!(
            mode,
            Mode::Every {
                period: Duration::from_millis(300),
                count: Some(5),
                command: ["sh", "-c", "echo x"].iter().map(OsString::from).collect(),
            }
        );
        assert_eq!(opts.style, Style::Integer(Unit::Millis));
        // A FORMAT before --, the command's own options after it.
        let (mode, opts) = m(&["--every=5", "%T", "--", "du", "-s", "--", "x"]).unwrap();
        assert!(matches!(mode, Mode::Every { ref command, .. } if command.len() == 4));
        assert!(matches!(opts.style, Style::Format(_)));
        assert!(matches!(
            m(&["-ue", "1", "--", "true"]).unwrap().0,
            Mode::Every { .. }
        ));
        assert!(matches!(
            m(&["-ue1", "--", "true"]).unwrap().0,
            Mode::Every { .. }
        ));
        // -d's value is not the start of the command.
        assert!(matches!(
            m(&["-d", "--", "-e", "1", "--", "true"]).unwrap(),
            (Mode::Every { .. }, ref o) if o.delim == b"--"
        ));
    }

    #[test]
    fn usage_errors_name_the_problem() {
        assert!(err(&["%:Y"]).contains("\"%:Y\""));
        assert!(err(&["--bogus"]).contains("--bogus"));
        assert!(err(&["-x"]).contains("-x"));
        assert!(err(&["%s", "%H"]).contains("%H"));
        assert!(err(&["-s", "-i"]).contains("-s and -i"));
        assert!(err(&["--ms", "--us"]).contains("--ms"));
        assert!(err(&["--iso", "%s"]).contains("FORMAT"));
        assert!(err(&["--ms", "%s"]).contains("FORMAT"));
        assert!(err(&["--iso", "-i"]).contains("--iso"));
        assert!(err(&["-d"]).contains("-d"));
        assert!(err(&["-r", "-s"]).contains("-r"));
        assert!(err(&["-r", "--iso"]).contains("-r"));
        assert!(err(&["-c", "3"]).contains("-e"));
        assert!(err(&["-e", "1"]).contains("COMMAND"));
        assert!(err(&["-e", "x", "--", "true"]).contains("\"x\""));
        assert!(err(&["-e", "0", "--", "true"]).contains("-e"));
        assert!(err(&["-e", "1", "-c", "0", "--", "true"]).contains("-c"));
        assert!(err(&["-e", "1", "-c", "x", "--", "true"]).contains("\"x\""));
        assert!(err(&["-e", "1", "true"]).contains("--"));
    }
}
