//! tstamp: prefix every line of stdin with the time it arrived; rewrite
//! stamps already in a log (`-r`); run a command on a schedule and stamp
//! its output (`-e`). This module is the entry: [`options`] holds the flag
//! table and parser, [`run`] the stamping loop, [`relative`] and [`every`]
//! the other two modes.

pub mod every;
pub mod options;
pub mod relative;
pub mod run;

use crate::cli;
use crate::cli::flags::Value;
use crate::error::{main_with, Error, Status};
use crate::sys::output::RawStdout;
use crate::sys::signals::{self, Signals};
use crate::time::zone;
use options::Mode;
use run::Clock;
use std::process::ExitCode;

/// The C-level entry point `bin/tstamp.rs` calls from its `no_main` `main`,
/// before std's runtime has run: a closed stdout is still closed here (std
/// would reopen it on /dev/null and every stamp would be lost in silence).
pub fn main_c() -> std::ffi::c_int {
    crate::error::main_c(
        "tstamp",
        "stdout is closed: the stamped lines would be lost",
        main,
    )
}

/// tstamp's whole run: arguments in, exit status out.
pub fn main() -> ExitCode {
    zone::init();
    main_with("tstamp", || {
        let (args, command) = options::split_command(std::env::args_os().skip(1).collect());
        let c = options::parse(lexopt::Parser::from_args(args), command)?;
        let about = cli::About {
            tool: "tstamp",
            intro: options::INTRO,
            footer: options::FOOTER,
            opts: options::OPTS,
            positional: Value::Flag,
        };
        if let Some(done) = cli::answer(&about, c.help, c.version, c.completions.as_deref())? {
            return Ok(done);
        }
        let (mode, opts) = options::validate(c)?;
        // For tests only: a pinned clock (see the man page).
        let clock = match std::env::var("TSTAMP_NOW") {
            Ok(spec) => Clock::fake(&spec).map_err(Error::usage)?,
            Err(_) => Clock::system(opts.monotonic),
        };
        let sig = Signals::install(signals::STOP)
            .map_err(|e| Error::io("installing signal handlers", e))?;
        let out = &mut RawStdout;
        let ends = run::Ends {
            input: 0,
            watch_out: Some(1),
            signals: &sig,
        };
        match mode {
            Mode::Stamp => run::run(opts, clock, out, ends)?,
            Mode::Relative(format) => {
                let rw = relative::Rewrite {
                    format,
                    zone: opts.zone,
                    delim: opts.delim,
                };
                relative::run(&rw, clock, out, ends)?
            }
            Mode::Every {
                period,
                count,
                command,
            } => {
                let e = every::Every {
                    period,
                    count,
                    command: &command,
                };
                every::every(opts, clock, &e, out, ends.watch_out, ends.signals)?
            }
        }
        Ok(Status::Success)
    })
}
