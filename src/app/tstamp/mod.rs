//! tstamp: prefix every line of stdin with the time it arrived.

use crate::cli;
use crate::cli::flags::{opt, Opt, Value};
use crate::error::{main_with, Error, Result, Status};
use crate::sys::output::RawStdout;
use crate::sys::signals::{self, Signals};
pub mod run;

use crate::time::format::Format;
use crate::time::zone::{self, Zone};
use run::{Clock, Options, Since, Style, Unit};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::ExitCode;

/// `--help` before the options of [`OPTS`].
const INTRO: &str = "\
tstamp: prefix every line of stdin with the time it arrived

Usage: tstamp [OPTIONS] [FORMAT]

Copies stdin to stdout byte for byte, with a time stamp and a delimiter in
front of every line. By default the stamp is whole epoch seconds and the
delimiter a comma (`1764000000,line`): the CSV that tsplot reads.

FORMAT is a strftime format as in moreutils ts: %Y %m %d %H %M %S %z %Z %b
%a %j %e %s %T %F %%... plus %.s %.S %.T (with microseconds) and %N (nanoseconds).

";

/// `--help` after the options.
const FOOTER: &str = "\
Exit status: 0 success (also when the reader goes away or on SIGINT/SIGTERM),
1 read or write error, 2 usage error.
";

/// The options: the one source of `--help` and the completions (with
/// `flags::COMMON`); tests/it/manpages.rs holds man/tstamp.1 to them.
const OPTS: &[Opt] = &[
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
];

#[derive(Debug, Default, PartialEq)]
struct Config {
    format: Option<String>,
    delim: Option<Vec<u8>>,
    units: Vec<Unit>,
    iso: bool,
    utc: bool,
    since_start: bool,
    incremental: bool,
    monotonic: bool,
    completions: Option<String>,
    help: bool,
    version: bool,
}

fn parse(mut p: lexopt::Parser) -> Result<Config> {
    use lexopt::prelude::*;
    let mut c = Config::default();
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
            Long("completions") => c.completions = Some(cli::string("--completions", p.value()?)?),
            Short('h') | Long("help") => c.help = true,
            Short('V') | Long("version") => c.version = true,
            Value(v) if c.format.is_none() => c.format = Some(cli::string("FORMAT", v)?),
            Value(v) => {
                return Err(Error::usage(format!(
                    "unexpected argument {:?}: only one FORMAT may be given",
                    v.to_string_lossy()
                )))
            }
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(c)
}

fn options(c: Config) -> Result<Options> {
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
    let style = match (&c.format, c.iso, unit) {
        (Some(_), true, _) | (Some(_), _, Some(_)) => {
            return Err(Error::usage(
                "a FORMAT cannot be combined with --iso, --ms, --us or --ns",
            ))
        }
        (Some(f), false, None) => Style::Format(
            Format::compile(f).map_err(|e| Error::usage(format!("{e} in FORMAT \"{f}\"")))?,
        ),
        (None, true, _) if since != Since::Epoch => {
            return Err(Error::usage(
                "--iso shows wall-clock time: it cannot be combined with -s or -i",
            ))
        }
        (None, true, u) => Style::Iso(u.unwrap_or(Unit::Seconds)),
        (None, false, Some(u)) => Style::Integer(u),
        (None, false, None) if since != Since::Epoch => {
            Style::Format(Format::compile("%H:%M:%S").expect("valid default format"))
        }
        (None, false, None) => Style::Integer(Unit::Seconds),
    };
    Ok(Options {
        style,
        delim: c.delim.unwrap_or_else(|| b",".to_vec()),
        zone: if c.utc { Zone::Utc } else { Zone::Local },
        since,
        monotonic: c.monotonic,
    })
}

/// tstamp's whole run: arguments in, exit status out.
pub fn main() -> ExitCode {
    zone::init();
    main_with("tstamp", || {
        let c = parse(lexopt::Parser::from_env())?;
        let about = cli::About {
            tool: "tstamp",
            intro: INTRO,
            footer: FOOTER,
            opts: OPTS,
            positional: Value::Flag,
        };
        if let Some(done) = cli::answer(&about, c.help, c.version, c.completions.as_deref())? {
            return Ok(done);
        }
        let opts = options(c)?;
        // For tests only: a pinned clock (see the man page).
        let clock = match std::env::var("TSTAMP_NOW") {
            Ok(spec) => Clock::fake(&spec).map_err(Error::usage)?,
            Err(_) => Clock::system(opts.monotonic),
        };
        let sig = Signals::install(signals::STOP)
            .map_err(|e| Error::io("installing signal handlers", e))?;
        run::run(opts, clock, 0, &mut RawStdout, &sig)?;
        Ok(Status::Success)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Config> {
        parse(lexopt::Parser::from_args(args.iter().copied()))
    }

    fn o(args: &[&str]) -> Result<Options> {
        p(args).and_then(options)
    }

    fn err(args: &[&str]) -> String {
        match o(args) {
            Err(Error::Usage(m)) => m,
            other => panic!("{args:?}: {other:?}"),
        }
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
        assert_eq!(s.style, Style::Format(Format::compile("%T").unwrap()));
        assert_eq!(o(&["-i", "-m"]).unwrap().since, Since::Previous);
        assert!(o(&["--incremental", "--monotonic"]).unwrap().monotonic);
    }

    #[test]
    fn options_and_format() {
        let c = o(&["-d", " ", "-u", "%b %d %H:%M:%.S"]).unwrap();
        assert_eq!(c.delim, b" ");
        assert_eq!(c.zone, Zone::Utc);
        assert_eq!(
            c.style,
            Style::Format(Format::compile("%b %d %H:%M:%.S").unwrap())
        );
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
        assert!(p(&["-h"]).unwrap().help);
        assert!(p(&["--version"]).unwrap().version);
    }

    #[test]
    fn usage_errors_name_the_problem() {
        assert!(err(&["%Y-%Q"]).contains("\"%Q\""));
        assert!(err(&["%"]).contains("lone"));
        assert!(err(&["--bogus"]).contains("--bogus"));
        assert!(err(&["-x"]).contains("-x"));
        assert!(err(&["%s", "%H"]).contains("%H"));
        assert!(err(&["-s", "-i"]).contains("-s and -i"));
        assert!(err(&["--ms", "--us"]).contains("--ms"));
        assert!(err(&["--iso", "%s"]).contains("FORMAT"));
        assert!(err(&["--ms", "%s"]).contains("FORMAT"));
        assert!(err(&["--iso", "-i"]).contains("--iso"));
        assert!(err(&["-d"]).contains("-d"));
    }
}
