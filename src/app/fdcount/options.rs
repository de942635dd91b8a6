//! fdcount's options: the flag table (`OPTS`, the one source of `--help`
//! and the completions), the lexopt parse into a `Config`, and its
//! validation into the [`Options`] a run takes.

use crate::cli;
use crate::cli::flags::{opt, Opt, Value};
use crate::error::{Error, Result};
use crate::procfs::{Col, Kind, Narrow, States, COMM_LEN, NARROW_MAX};
use std::path::PathBuf;
use std::time::Duration;

/// How samples are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One comma-separated line per sample.
    #[default]
    Csv,
    /// JSON Lines: one object per process per sample.
    Json,
    /// Prometheus text exposition format, one exposition per sample.
    Prom,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "json" | "jsonl" => Some(Format::Json),
            "prom" | "prometheus" => Some(Format::Prom),
            _ => None,
        }
    }
}

/// What to count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// One process (`-p`).
    Pid(u32),
    /// Every process with this command name, summed (`-C`).
    Name(String),
}

impl Target {
    pub(crate) fn label(&self) -> String {
        match self {
            Target::Pid(p) => p.to_string(),
            Target::Name(n) => n.clone(),
        }
    }
}

/// A validated command line.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub targets: Vec<Target>,
    pub kinds: Vec<Col>,
    /// Narrows the tcp kinds; empty: every state.
    pub states: States,
    /// `None`: one sample.
    pub interval: Option<Duration>,
    /// Stop after this many samples.
    pub count: Option<u64>,
    pub header: bool,
    pub format: Format,
    /// Replace this file atomically with every sample instead of writing
    /// to stdout.
    pub output: Option<PathBuf>,
    /// `--top N`: a grouped table of the N largest groups instead of counts.
    pub top: Option<usize>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            targets: Vec::new(),
            kinds: vec![Col::Kind(Kind::All)],
            states: States::default(),
            interval: None,
            count: None,
            header: false,
            format: Format::Csv,
            output: None,
            top: None,
        }
    }
}

const KINDS: &[&str] = &[
    "all", "file", "socket", "inet", "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "pipe",
    "anon", "other", "rss", "threads", "limit", "rss-anon", "swap",
];
const STATES: &[&str] = &[
    "established",
    "syn-sent",
    "syn-recv",
    "fin-wait1",
    "fin-wait2",
    "time-wait",
    "close",
    "close-wait",
    "last-ack",
    "listen",
    "closing",
];

/// The options: the one source of `--help` and the completions (with
/// `flags::COMMON`); tests/it/manpages.rs holds man/fdcount.1 to them.
pub(super) const OPTS: &[Opt] = &[
    opt(Some('p'), "pid", Value::Pid, "process to count")
        .arg("PID[,PID...]")
        .doc("Process to count; repeat or give a list for several (one group of columns each, in order)"),
    opt(
        Some('C'),
        "command",
        Value::Command,
        "every process with this command name",
    )
    .doc("Every process whose command name is exactly NAME (as pgrep matches it), summed; looked up again at every sample, so a watch follows restarts. When none runs, the sample's field is empty"),
    opt(Some('k'), "kind", Value::ListOf(KINDS), "what to count")
        .arg("KIND[,KIND...]")
        .doc("What to count, one column each: all, file (regular files and directories), socket, inet (any IPv4/IPv6 socket), tcp, tcp4, tcp6, udp, udp4, udp6, unix, pipe (and FIFOs), anon (eventfd, epoll, timerfd, inotify...), other (devices and the rest); also rss (resident memory, KiB), rss-anon (resident anonymous memory, KiB), swap (KiB), threads and limit (the soft limit on open fds; empty when unlimited). Narrowed kinds, one column each: tcp:PORT (either end on PORT; also tcp4, tcp6, udp, udp4, udp6), tcp@ADDR and tcp@ADDR:PORT (the remote end; IPv6 in brackets), file:GLOB (regular files whose path matches a shell glob: *, ?, [...]; * also matches /)")
        .default("all"),
    opt(
        Some('s'),
        "state",
        Value::ListOf(STATES),
        "only TCP sockets in these states",
    )
    .arg("STATE[,STATE...]")
    .doc("Count only TCP sockets in these states (for the tcp kinds, narrowed ones too): established, syn-sent, syn-recv, fin-wait1, fin-wait2, time-wait, close, close-wait, last-ack, listen, closing"),
    opt(
        Some('i'),
        "interval",
        Value::Text("seconds"),
        "sample every SECS seconds",
    )
    .arg("SECS")
    .doc("Sample every SECS seconds (0.5, 500ms, 10m), on a fixed schedule; 0 samples as fast as it can"),
    opt(
        Some('c'),
        "count",
        Value::Text("samples"),
        "stop after N samples",
    )
    .arg("N")
    .doc("Stop after N samples (with -i)"),
    opt(
        None,
        "header",
        Value::Flag,
        "print a line naming the columns",
    )
    .doc("Print a first line naming the columns (tcp,udp or 3136:tcp,3137:tcp)"),
    opt(
        None,
        "top",
        Value::Flag,
        "a table of what the fds are, grouped, largest first",
    )
    .arg("[N]")
    .doc("Print what the fds are instead, grouped, the N largest groups first: inet sockets by protocol, state and remote end, files by directory, unix sockets by type, anon inodes by name. Each row's `what` can be given back to -k (tcp@10.0.0.5:5432, file:/var/log/app/*). With -i, each sample prints the groups that changed, with the change (+5, -2) and the new count")
    .default("20"),
    opt(
        Some('f'),
        "format",
        Value::OneOf(&["csv", "json", "prom"]),
        "output format",
    )
    .doc("csv (default), json (JSON Lines: time, pid, comm and one field per kind) or prom (Prometheus text exposition)"),
    opt(
        Some('o'),
        "output",
        Value::File,
        "replace FILE atomically with each sample",
    )
    .doc("Replace FILE atomically with each sample instead of writing to stdout (for node_exporter's textfile collector)"),
];

#[derive(Debug, Default, PartialEq)]
pub(super) struct Config {
    targets: Vec<Target>,
    kinds: Vec<String>,
    states: Vec<String>,
    interval: Option<String>,
    count: Option<String>,
    header: bool,
    format: Option<String>,
    output: Option<PathBuf>,
    top: Option<String>,
    pub(super) completions: Option<String>,
    pub(super) help: bool,
    pub(super) version: bool,
}

pub(super) fn parse(mut p: lexopt::Parser) -> Result<Config> {
    use lexopt::prelude::*;
    let mut c = Config::default();
    while let Some(arg) = p.next()? {
        match arg {
            Short('p') | Long("pid") => {
                let v = cli::string("-p", p.value()?)?;
                let mut any = false;
                for item in cli::list(&v) {
                    let pid: u32 = cli::number("-p", item)?;
                    if pid == 0 {
                        return Err(Error::usage(format!(
                            "invalid value \"{item}\" for -p: expected a process ID"
                        )));
                    }
                    c.targets.push(Target::Pid(pid));
                    any = true;
                }
                if !any {
                    return Err(Error::usage(format!(
                        "invalid value \"{v}\" for -p: expected a process ID"
                    )));
                }
            }
            Short('C') | Long("command") => {
                c.targets.push(Target::Name(cli::string("-C", p.value()?)?));
            }
            Short('k') | Long("kind") => {
                let v = cli::string("-k", p.value()?)?;
                c.kinds.extend(cli::list(&v).map(str::to_string));
            }
            Short('s') | Long("state") => {
                let v = cli::string("-s", p.value()?)?;
                c.states.extend(cli::list(&v).map(str::to_string));
            }
            Short('i') | Long("interval") => c.interval = Some(cli::string("-i", p.value()?)?),
            Short('c') | Long("count") => c.count = Some(cli::string("-c", p.value()?)?),
            Long("header") => c.header = true,
            Long("top") => {
                // An optional value: `--top=N`, or `--top N` when N is a number.
                c.top = Some(match p.optional_value() {
                    Some(v) => cli::string("--top", v)?,
                    None => {
                        let mut raw = p.raw_args()?;
                        let next = raw.peek().and_then(|a| a.to_str());
                        match next.filter(|a| a.bytes().all(|b| b.is_ascii_digit())) {
                            Some(n) => {
                                let n = n.to_string();
                                raw.next();
                                n
                            }
                            None => String::new(),
                        }
                    }
                });
            }
            Short('f') | Long("format") => c.format = Some(cli::string("--format", p.value()?)?),
            Short('o') | Long("output") => c.output = Some(p.value()?.into()),
            Long("completions") => c.completions = Some(cli::string("--completions", p.value()?)?),
            Short('h') | Long("help") => c.help = true,
            Short('V') | Long("version") => c.version = true,
            Value(v) => {
                return Err(Error::usage(format!(
                    "unexpected argument \"{}\": give the process with -p PID or -C NAME",
                    v.to_string_lossy()
                )))
            }
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(c)
}

pub(super) fn options(c: Config) -> Result<Options> {
    if c.targets.is_empty() {
        return Err(Error::usage(
            "no process given: name one with -p PID or -C NAME",
        ));
    }
    for (i, t) in c.targets.iter().enumerate() {
        if c.targets[..i].contains(t) {
            let what = match t {
                Target::Pid(p) => format!("process {p}"),
                Target::Name(n) => format!("-C {n}"),
            };
            return Err(Error::usage(format!("{what} is given twice")));
        }
        if let Target::Name(n) = t {
            if n.is_empty() || n.contains('/') || n.contains('\n') {
                return Err(Error::usage(format!(
                    "invalid value \"{n}\" for -C: expected a command name"
                )));
            }
            if n.len() > COMM_LEN {
                crate::error::warn(format_args!(
                    "-C {n}: the kernel keeps {COMM_LEN} bytes of a command name; matching \"{}\"",
                    String::from_utf8_lossy(&n.as_bytes()[..COMM_LEN])
                ));
            }
        }
    }
    let mut kinds: Vec<Col> = Vec::new();
    let mut slots = 0;
    for k in &c.kinds {
        let col = match Narrow::parse(k).map_err(Error::usage)? {
            Some(narrow) => {
                if slots == NARROW_MAX {
                    return Err(Error::usage(format!(
                        "-k {k}: at most {NARROW_MAX} narrowed kinds at once"
                    )));
                }
                slots += 1;
                Col::Narrow {
                    slot: slots - 1,
                    narrow,
                }
            }
            None => Col::Kind(Kind::parse(k).ok_or_else(|| {
                let all: Vec<_> = Kind::LIST.iter().map(|k| k.name()).collect();
                Error::usage(format!(
                    "unknown kind \"{}\" for -k: expected one of {}, \
                     or tcp:PORT, tcp@ADDR[:PORT], file:GLOB",
                    crate::sys::term::visible(k),
                    all.join(", ")
                ))
            })?),
        };
        if kinds.iter().any(|c| c.name() == col.name()) {
            return Err(Error::usage(format!(
                "kind \"{}\" is given twice in -k",
                crate::sys::term::visible(k)
            )));
        }
        kinds.push(col);
    }
    if kinds.is_empty() {
        kinds.push(Col::Kind(Kind::All));
    }
    let mut states = States::default();
    for s in &c.states {
        let st = States::parse_one(s).ok_or_else(|| {
            let all: Vec<_> = crate::procfs::TCP_STATES.iter().map(|s| s.0).collect();
            Error::usage(format!(
                "unknown TCP state \"{s}\" for -s: expected one of {}",
                all.join(", ")
            ))
        })?;
        states.insert(st);
    }
    if !states.is_empty() && !kinds.iter().any(|k| k.is_tcp()) {
        return Err(Error::usage(
            "-s narrows the tcp kinds: add tcp, tcp4, tcp6 or tcp:PORT... to -k",
        ));
    }
    let top = match c.top.as_deref() {
        None => None,
        Some("") => Some(20),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(Error::usage(format!(
                    "invalid value \"{v}\" for --top: expected a number of groups, at least 1"
                )))
            }
        },
    };
    if top.is_some() {
        let clash = [
            (!c.kinds.is_empty(), "-k"),
            (!c.states.is_empty(), "-s"),
            (c.output.is_some(), "-o"),
            (c.header, "--header"),
        ];
        if let Some((_, flag)) = clash.iter().find(|(on, _)| *on) {
            return Err(Error::usage(format!(
                "--top shows every kind of fd, grouped: it takes no {flag}"
            )));
        }
        if c.targets.len() != 1 {
            return Err(Error::usage(
                "--top groups the fds of one -p PID or -C NAME",
            ));
        }
    }
    let interval = c
        .interval
        .as_deref()
        .map(|v| cli::duration("-i", v))
        .transpose()?;
    let count = match c.count.as_deref() {
        None => None,
        Some(v) => {
            let n: u64 = cli::number("-c", v)?;
            if n == 0 {
                return Err(Error::usage(format!(
                    "invalid value \"{v}\" for -c: expected at least 1 sample"
                )));
            }
            if interval.is_none() {
                return Err(Error::usage("-c needs -i: without it fdcount samples once"));
            }
            Some(n)
        }
    };
    let format = match c.format.as_deref() {
        Some("prom" | "prometheus") if top.is_some() => {
            return Err(Error::usage(
                "--top prints a table or JSON: --format prom is for counts",
            ))
        }
        None => Format::Csv,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Error::usage(format!(
                "unknown format \"{f}\" for --format: expected csv, json or prom"
            ))
        })?,
    };
    if c.header && format != Format::Csv {
        return Err(Error::usage(
            "--header is for CSV: JSON and Prometheus output name their fields",
        ));
    }
    if let Some(o) = &c.output {
        if o.as_os_str().is_empty() || o.to_string_lossy().ends_with('/') {
            return Err(Error::usage(format!(
                "invalid value \"{}\" for -o: expected a file name",
                o.display()
            )));
        }
    }
    Ok(Options {
        targets: c.targets,
        kinds,
        states,
        interval,
        count,
        header: c.header,
        format,
        output: c.output,
        top,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> Result<Options> {
        options(parse(lexopt::Parser::from_args(args.iter().copied()))?)
    }

    fn usage(args: &[&str]) -> String {
        crate::error::usage_message(args, opts(args))
    }

    #[test]
    fn defaults() {
        let o = opts(&["-p", "3136"]).unwrap();
        assert_eq!(o.targets, [Target::Pid(3136)]);
        assert_eq!(o.kinds, [Col::Kind(Kind::All)]);
        assert_eq!(o.interval, None);
        assert_eq!(o.format, Format::Csv);
        assert!(!o.header);
    }

    #[test]
    fn lists_and_repeats() {
        let o = opts(&[
            "-p", "1,2", "--pid=3", "-C", "client", "-k", "tcp,udp", "-k", "rss",
        ])
        .unwrap();
        assert_eq!(
            o.targets,
            [
                Target::Pid(1),
                Target::Pid(2),
                Target::Pid(3),
                Target::Name("client".into())
            ]
        );
        assert_eq!(o.kinds, [Kind::Tcp, Kind::Udp, Kind::Rss].map(Col::Kind));
    }

    #[test]
    fn watch_options() {
        let o = opts(&[
            "-p",
            "7",
            "-k",
            "tcp",
            "-s",
            "established,CLOSE_WAIT",
            "-i",
            "0.5",
            "-c",
            "10",
            "--header",
            "-o",
            "/tmp/x.prom",
        ])
        .unwrap();
        assert_eq!(o.interval, Some(Duration::from_millis(500)));
        assert_eq!(o.count, Some(10));
        assert!(o.header);
        assert_eq!(
            o.states.names().collect::<Vec<_>>(),
            ["established", "close-wait"]
        );
        assert_eq!(o.output, Some(PathBuf::from("/tmp/x.prom")));
        let o = opts(&["-p", "7", "--format", "prom"]).unwrap();
        assert_eq!(o.format, Format::Prom);
        let o = opts(&["-p", "7", "-f", "json", "-i", "0"]).unwrap();
        assert_eq!((o.format, o.interval), (Format::Json, Some(Duration::ZERO)));
    }

    #[test]
    fn usage_errors_name_the_argument() {
        assert!(usage(&[]).contains("-p PID"));
        assert!(usage(&["-p", "abc"]).contains("\"abc\""));
        assert!(usage(&["-p", "0"]).contains("\"0\""));
        assert!(usage(&["-p", "1", "-k", "bogus"]).contains("\"bogus\""));
        assert!(usage(&["-p", "1", "-k", "tcp", "-s", "nostate"]).contains("\"nostate\""));
        assert!(usage(&["-p", "1", "-s", "listen"]).contains("-s"));
        assert!(usage(&["-p", "1", "-i", "-3"]).contains("\"-3\""));
        assert!(usage(&["-p", "1", "-i", "1", "-c", "0"]).contains("-c"));
        assert!(usage(&["-p", "1", "-c", "5"]).contains("-i"));
        assert!(usage(&["-p", "1", "--format", "xml"]).contains("\"xml\""));
        assert!(usage(&["-p", "1", "--format", "json", "--header"]).contains("--header"));
        assert!(usage(&["-p", "1,1"]).contains("twice"));
        assert!(usage(&["-p", "1", "-k", "tcp,tcp"]).contains("twice"));
        assert!(usage(&["-C", ""]).contains("-C"));
        assert!(usage(&["-p", "1", "3136"]).contains("\"3136\""));
        assert!(usage(&["--no-such-flag"]).contains("no-such-flag"));
        assert!(usage(&["-p"]).contains("-p"));
    }

    #[test]
    fn help_and_version() {
        let c = parse(lexopt::Parser::from_args(["--help"])).unwrap();
        assert!(c.help);
        let c = parse(lexopt::Parser::from_args(["-V"])).unwrap();
        assert!(c.version);
    }
}
