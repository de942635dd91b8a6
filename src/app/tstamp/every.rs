//! `tstamp -e SECS [-c N] -- COMMAND [ARG...]`: `watch` for logs. COMMAND
//! runs at once and then at start + k×SECS (a run that overruns moves the
//! next to the next free tick: runs never overlap and never come in a
//! burst); every line of its stdout is stamped, its stderr passes through.
//!
//! Each run is the leader of its own process group, so SIGINT/SIGTERM end
//! the whole of it (a `sh -c` and what it started), and a terminal's Ctrl-C
//! reaches tstamp, which then ends the run, flushes and exits 0.

use super::run::{
    hangup_watch, hung_up, read_some, wait_readable, Clock, Options, Stream, Wait, READ_SIZE,
};
use crate::error::{warn, Error, Result};
use crate::sys::signals::{Signals, Wake};
use rustix::process::{kill_process_group, Pid, Signal};
use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a run gets to end after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_millis(500);

/// What `-e` was given.
pub struct Every<'a> {
    pub period: Duration,
    pub count: Option<u64>,
    pub command: &'a [OsString],
}

/// A running COMMAND; its process group is ended if it is dropped while
/// still running (an error or EPIPE on our side).
struct Run {
    child: Child,
    pgid: Option<Pid>,
}

impl Run {
    fn signal_group(&self, sig: Signal) {
        if let Some(p) = self.pgid {
            let _ = kill_process_group(p, sig);
        }
    }

    /// SIGTERM to the group, SIGKILL after [`GRACE`], then reaped.
    fn end(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            // The leader is gone; what it left in the group is ended too.
            self.signal_group(Signal::TERM);
            return;
        }
        self.signal_group(Signal::TERM);
        let until = Instant::now() + GRACE;
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.signal_group(Signal::KILL);
        let _ = self.child.wait();
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            self.end();
        }
    }
}

fn name(command: &[OsString]) -> String {
    crate::sys::term::visible(&command[0].to_string_lossy()).into_owned()
}

fn start(command: &[OsString]) -> Result<Run> {
    let child = Command::new(&command[0])
        .args(&command[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            let n = name(command);
            match e.kind() {
                io::ErrorKind::NotFound => Error::usage(format!("{n}: command not found")),
                _ => Error::failure(format!("cannot run {n}: {}", crate::error::describe(&e))),
            }
        })?;
    let pgid = Pid::from_child(&child);
    Ok(Run {
        child,
        pgid: Some(pgid),
    })
}

/// How a run ended, as the one line tstamp prints for a failed one.
fn failure(status: ExitStatus) -> Option<String> {
    if status.success() {
        return None;
    }
    Some(match (status.code(), status.signal()) {
        (Some(c), _) => format!("exited with status {c}"),
        (None, Some(s)) => format!("was killed by signal {s}"),
        _ => "failed".to_string(),
    })
}

/// Why a run's wait ended.
enum Ended {
    /// The run finished (its status).
    Done(ExitStatus),
    /// A signal came: stop.
    Signal,
}

/// Runs the schedule until `count` runs, a signal (`Ok`), or a reader that
/// went away (`Error::Quiet`).
pub fn every(
    opts: Options,
    mut clock: Clock,
    e: &Every,
    out: &mut impl Write,
    watch_out: Option<RawFd>,
    signals: &Signals,
) -> Result<()> {
    let t0 = Instant::now();
    let mut stream = Stream::new(opts, clock.now());
    let mut buf = vec![0u8; READ_SIZE];
    let mut k: u64 = 0;
    let mut runs: u64 = 0;
    loop {
        runs += 1;
        match start(e.command) {
            // Only the first start decides whether COMMAND exists at all; a
            // later one that fails (the binary replaced mid-upgrade) is one
            // failed run.
            Err(err) if runs == 1 => return Err(err),
            Err(err) => warn(format_args!("run {runs}: {err}")),
            Ok(mut run) => {
                let ended = pump(
                    &mut run,
                    &mut stream,
                    &mut clock,
                    &mut buf,
                    out,
                    watch_out,
                    signals,
                )?;
                stream.flush(out)?;
                match ended {
                    Ended::Signal => {
                        run.end();
                        return Ok(());
                    }
                    Ended::Done(status) => {
                        if let Some(why) = failure(status) {
                            warn(format_args!("run {runs}: {} {why}", name(e.command)));
                        }
                    }
                }
            }
        }
        if e.count.is_some_and(|n| runs >= n) {
            return Ok(());
        }
        // The next tick that has not started yet: a run that overran
        // skips the ticks it covered instead of running them back to back.
        let elapsed = t0.elapsed();
        let period = e.period.as_nanos();
        k = (k + 1).max((elapsed.as_nanos() / period) as u64 + 1);
        let at = t0 + Duration::from_nanos((k as u128 * period).min(u64::MAX as u128) as u64);
        loop {
            let now = Instant::now();
            if now >= at {
                break;
            }
            if wait_quiet(at - now, watch_out, signals, "waiting for the next run")? {
                return Ok(());
            }
        }
    }
}

/// Waits up to `timeout` for nothing but a signal (then `true`) or the
/// reader behind `watch_out` going away (`Error::Quiet`); `what` is the
/// error's context.
fn wait_quiet(
    timeout: Duration,
    watch_out: Option<RawFd>,
    signals: &Signals,
    what: &str,
) -> Result<bool> {
    let mut fds = [hangup_watch(watch_out)];
    match signals
        .wait_fds(&mut fds, Some(timeout))
        .map_err(|e| Error::io(what, e))?
    {
        Wake::Signal(_) => Ok(true),
        _ if hung_up(&fds[0]) => Err(Error::Quiet),
        _ => Ok(false),
    }
}

/// Stamps the run's stdout until it closes and the run has exited.
fn pump(
    run: &mut Run,
    stream: &mut Stream,
    clock: &mut Clock,
    buf: &mut [u8],
    out: &mut impl Write,
    watch_out: Option<RawFd>,
    signals: &Signals,
) -> Result<Ended> {
    let pipe = run.child.stdout.take();
    if let Some(pipe) = &pipe {
        let fd = pipe.as_raw_fd();
        loop {
            if !Signals::ready_now(fd) {
                stream.flush(out)?;
                match wait_readable(fd, watch_out, signals, "waiting for the command's output")? {
                    Wait::Ready => {}
                    Wait::Signal => return Ok(Ended::Signal),
                    Wait::Again => continue,
                }
            }
            match read_some(fd, buf).map_err(|e| Error::io("reading the command's output", e))? {
                Some(0) => break,
                Some(n) => stream.feed(&buf[..n], clock.now()),
                None => continue,
            }
            if stream.buffered() >= super::run::WRITE_SIZE {
                stream.flush(out)?;
            }
        }
    }
    drop(pipe);
    stream.flush(out)?;
    // Its stdout is closed; wait for it to exit, still listening for signals.
    loop {
        match run.child.try_wait() {
            Ok(Some(status)) => {
                // Anything it left behind in its group goes with it.
                run.signal_group(Signal::TERM);
                run.pgid = None;
                return Ok(Ended::Done(status));
            }
            Ok(None) => {}
            Err(e) => return Err(Error::io("waiting for the command", e)),
        }
        if wait_quiet(
            Duration::from_millis(10),
            watch_out,
            signals,
            "waiting for the command",
        )? {
            return Ok(Ended::Signal);
        }
    }
}
