//! fdcount: count a process's open file descriptors, by kind, once or
//! every few seconds.
//!
//! `no_main`: a one-shot count is one fstat, and std's runtime set-up (a
//! read of /proc/self/maps for the stack guard, a signal stack, SIGSEGV
//! handlers) would cost more than the count itself. Arguments still come
//! from std::env (glibc hands them over at load time); SIGPIPE is ignored
//! here as std would, so a closed pipe is an EPIPE error, not a kill.
//!
//! This module holds the help text around the options and the entry
//! points; [`options`] the flag table and the parse, [`run`] the sampling
//! loop, [`format`](mod@format) the output formats.
use crate::cli;
use crate::cli::flags::Value;
use crate::error::main_with;
use std::process::ExitCode;

pub mod format;
pub mod options;
pub mod run;
pub mod top;

pub use options::{Format, Options, Target};

/// `--help` before the options of [`options::OPTS`].
const INTRO: &str = "\
fdcount: count a process's open file descriptors, by kind

Usage: fdcount [OPTIONS] -p PID[,PID...]
       fdcount [OPTIONS] -C NAME

Prints the number of open file descriptors of a process, read from /proc:
once, or every SECS seconds with -i. One column per kind (-k) and per
process, so `fdcount -p 3136 -i 5 | tstamp >> tracking.log` keeps a CSV
that tsplot draws.

";

/// `--help` after the options.
const FOOTER: &str = "\
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
            intro: INTRO,
            footer: FOOTER,
            opts: options::OPTS,
            positional: Value::Flag,
        };
        if let Some(done) = cli::answer(&about, c.help, c.version, c.completions.as_deref())? {
            return Ok(done);
        }
        run::run(&options::options(c)?)
    })
}
