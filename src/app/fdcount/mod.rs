//! fdcount: count a process's open file descriptors, by kind, once or
//! every few seconds.
//!
//! `no_main`: a one-shot count is one fstat, and std's runtime set-up (a
//! read of /proc/self/maps for the stack guard, a signal stack, SIGSEGV
//! handlers) would cost more than the count itself. Arguments still come
//! from std::env (glibc hands them over at load time); SIGPIPE is ignored
//! here as std would, so a closed pipe is an EPIPE error, not a kill.
//!
//! This module holds the help text and the entry points; [`options`] the
//! flag table and the parse, [`run`] the sampling loop, [`format`] the
//! output formats.
use crate::cli;
use crate::cli::completions::Value;
use crate::error::main_with;
use std::process::ExitCode;

pub mod format;
pub mod options;
pub mod run;
pub mod top;

pub use options::{Format, Options, Target};

const HELP: &str = "\
fdcount: count a process's open file descriptors, by kind

Usage: fdcount [OPTIONS] -p PID[,PID...]
       fdcount [OPTIONS] -C NAME

Prints the number of open file descriptors of a process, read from /proc:
once, or every SECS seconds with -i. One column per kind (-k) and per
process, so `fdcount -p 3136 -i 5 | tstamp >> tracking.log` keeps a CSV
that tsplot draws.

Options:
  -p, --pid PID[,PID...]     Process to count; repeat or give a list for
                             several (one group of columns each, in order)
  -C, --command NAME         Every process whose command name is exactly
                             NAME (as pgrep matches it), summed; looked up
                             again at every sample, so a watch follows
                             restarts. When none runs, the sample's field
                             is empty
  -k, --kind KIND[,KIND...]  What to count, one column each [default: all]:
                             all, file (regular files and directories),
                             socket, inet (any IPv4/IPv6 socket), tcp, tcp4,
                             tcp6, udp, udp4, udp6, unix, pipe (and FIFOs),
                             anon (eventfd, epoll, timerfd, inotify...),
                             other (devices and the rest); also rss
                             (resident memory, KiB), rss-anon (resident
                             anonymous memory, KiB), swap (KiB), threads and
                             limit (the soft limit on open fds; empty when
                             unlimited). Narrowed kinds, one column each:
                             tcp:PORT (either end on PORT; also tcp4, tcp6,
                             udp, udp4, udp6), tcp@ADDR and tcp@ADDR:PORT
                             (the remote end; IPv6 in brackets), file:GLOB
                             (regular files whose path matches a shell
                             glob: *, ?, [...]; * also matches /)
  -s, --state STATE[,STATE...]
                             Count only TCP sockets in these states (for the
                             tcp kinds, narrowed ones too): established, syn-sent, syn-recv,
                             fin-wait1, fin-wait2, time-wait, close,
                             close-wait, last-ack, listen, closing
  -i, --interval SECS        Sample every SECS seconds (0.5, 500ms, 10m), on a
                             fixed schedule; 0 samples as fast as it can
  -c, --count N              Stop after N samples (with -i)
      --header               Print a first line naming the columns
                             (tcp,udp or 3136:tcp,3137:tcp)
      --top [N]              Print what the fds are instead, grouped, the N
                             largest groups first [default: 20]: inet sockets
                             by protocol, state and remote end, files by
                             directory, unix sockets by type, anon inodes by
                             name. Each row's `what` can be given back to -k
                             (tcp@10.0.0.5:5432, file:/var/log/app/*). With -i,
                             each sample prints the groups that changed, with
                             the change (+5, -2) and the new count
  -f, --format FORMAT        csv (default), json (JSON Lines: time, pid, comm
                             and one field per kind) or prom (Prometheus text
                             exposition)
  -o, --output FILE          Replace FILE atomically with each sample instead
                             of writing to stdout (for node_exporter's
                             textfile collector)
      --completions SHELL    Print a completion script for bash, zsh or fish
  -h, --help                 Print this help
  -V, --version              Print the version

Exit status: 0 success (also when the reader goes away or on SIGINT/SIGTERM),
1 the process does not exist, exited or may not be read, or stdout is
closed, 2 usage error.
";

/// The C-level entry point `bin/fdcount.rs` calls from its `no_main`
/// `main`, returning the process's exit status.
pub fn main_c() -> std::ffi::c_int {
    crate::error::main_c(
        "fdcount",
        "standard output is closed: nothing could be written (give it a file or a pipe)",
        main,
    )
}

/// fdcount's whole run: arguments in, exit status out.
pub fn main() -> ExitCode {
    main_with("fdcount", || {
        let c = options::parse(lexopt::Parser::from_env())?;
        let about = cli::About {
            tool: "fdcount",
            help: HELP,
            opts: options::OPTS,
            positional: Value::Flag,
        };
        if let Some(done) = cli::answer(&about, c.help, c.version, c.completions.as_deref())? {
            return Ok(done);
        }
        run::run(&options::options(c)?)
    })
}
