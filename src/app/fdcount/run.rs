//! fdcount's run loop: the [`Watch`] over every target (opening `-p`
//! processes, resolving `-C` names at each sample), where samples go
//! (stdout or the `-o` file) and the fixed-rate schedule.
//!
//! A sample is taken for every target and rendered into one buffer before
//! anything is written, so an error in the middle of a sample (a process that
//! exits) never leaves a partial line behind. Once warmed up, sampling and
//! rendering make no heap allocation: `tests/it/fdcount_alloc.rs` holds us to it.

use super::options::{Format, Options, Target};
use crate::error::{describe, Error, Result, Status};
use crate::procfs::{Col, Counts, Finder, Needs, Proc, ProcError, Scanner, States};
use crate::sys::output;
use crate::sys::signals::{Signals, Wake, STOP};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

pub(super) struct Slot {
    pub(super) target: Target,
    pub(super) proc: Option<Proc>,
    pub(super) finder: Option<Finder>,
    pub(super) comm: String,
    pub(super) counts: Counts,
    /// Matched processes counted in this sample (`-C`).
    pub(super) matched: usize,
    /// False: nothing to count this sample (a gap).
    pub(super) present: bool,
    /// A note about the gap has been printed.
    pub(super) noted: bool,
}

/// The processes being watched and everything needed to sample them.
pub struct Watch {
    pub(super) slots: Vec<Slot>,
    pub(super) scanner: Scanner,
    pub(super) kinds: Vec<Col>,
    pub(super) states: States,
    pub(super) format: Format,
    pub(super) needs: Needs,
    pub(super) scratch: Counts,
}

pub(super) fn proc_error(target: &str, e: ProcError) -> Error {
    match e {
        ProcError::NoSuchProcess => Error::failure(format!("process {target}: no such process")),
        ProcError::Exited => Error::failure(format!("process {target} exited")),
        ProcError::PermissionDenied {
            dumpable: false, ..
        } if rustix::process::geteuid().is_root() => Error::failure(format!(
            "process {target}: permission denied reading its file descriptors, even as root: \
             it made itself non-dumpable (prctl PR_SET_DUMPABLE), and then only CAP_SYS_PTRACE \
             over it gives access, which this root lacks (a container that drops it, \
             or kernel.yama.ptrace_scope = 3): run fdcount with CAP_SYS_PTRACE in the \
             process's user namespace"
        )),
        ProcError::PermissionDenied { .. } if rustix::process::geteuid().is_root() => {
            Error::failure(format!(
                "process {target}: permission denied reading its file descriptors, even as root: \
                 it may be protected by a security module or belong to another user namespace; \
                 run fdcount as the process's user or as root inside its container"
            ))
        }
        ProcError::PermissionDenied {
            uid,
            dumpable: false,
        } => Error::failure(format!(
            "process {target}: permission denied reading its file descriptors: the process \
             ({}) made itself non-dumpable (prctl PR_SET_DUMPABLE, as setuid programs and \
             sshd do), so that only root may read them: run fdcount as root (sudo)",
            user_name(uid)
        )),
        ProcError::PermissionDenied { uid, .. } => Error::failure(format!(
            "process {target}: permission denied reading its file descriptors: \
             run fdcount as the process's user ({}) or as root",
            user_name(uid)
        )),
        ProcError::Io { what, errno } => Error::failure(format!(
            "process {target}: reading {what}: {}",
            describe(&io::Error::from_raw_os_error(errno))
        )),
    }
}

/// `name (uid N)`, or `uid N` when the user database has no name for it.
/// (getpwuid_r, for NSS users too: neither std nor rustix has it.)
fn user_name(uid: u32) -> String {
    let mut buf = vec![0 as libc::c_char; 4096];
    // SAFETY: pw is plain data, zeroed; every pointer passed is valid for
    // the call, and buf, which pw_name points into, outlives its one use.
    let name = unsafe {
        let mut pw: libc::passwd = std::mem::zeroed();
        let mut res: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut res);
        (rc == 0 && !res.is_null() && !pw.pw_name.is_null()).then(|| {
            std::ffi::CStr::from_ptr(pw.pw_name)
                .to_string_lossy()
                .into_owned()
        })
    };
    match name {
        Some(n) => format!("{n}, uid {uid}"),
        None => format!("uid {uid}"),
    }
}

impl Watch {
    /// Opens every `-p` process (failing if one is missing or not ours to
    /// read) and prepares the `-C` finders.
    pub fn new(opts: &Options) -> Result<Watch> {
        let needs = Needs::of(&opts.kinds);
        let mut slots = Vec::with_capacity(opts.targets.len());
        for t in &opts.targets {
            let mut slot = Slot {
                target: t.clone(),
                proc: None,
                finder: None,
                comm: String::new(),
                counts: Counts::default(),
                matched: 0,
                present: false,
                noted: false,
            };
            match t {
                Target::Pid(pid) => {
                    let p = Proc::open(*pid, needs).map_err(|e| proc_error(&t.label(), e))?;
                    if let Some(tgid) = p.tgid().filter(|&g| g != *pid) {
                        // /proc/TID works like /proc/PID and threads share
                        // their fd table: the count is the process's.
                        let name = Proc::open(tgid, Needs::default())
                            .and_then(|q| q.comm())
                            .unwrap_or_default();
                        crate::error::warn(format_args!(
                            "-p {pid} is a thread of process {tgid} ({}): counting that process",
                            crate::sys::term::visible(&name)
                        ));
                    }
                    if opts.format != Format::Csv {
                        slot.comm = p.comm().map_err(|e| proc_error(&t.label(), e))?;
                    }
                    slot.proc = Some(p);
                }
                Target::Name(name) => {
                    slot.finder =
                        Some(Finder::new(name).map_err(|e| Error::io("reading /proc", e))?);
                    slot.comm = name.clone();
                }
            }
            slots.push(slot);
        }
        Ok(Watch {
            slots,
            scanner: Scanner::new(&opts.kinds, opts.states),
            kinds: opts.kinds.clone(),
            states: opts.states,
            format: opts.format,
            needs,
            scratch: Counts::default(),
        })
    }

    /// Takes one sample of every target. A `-p` process that is gone ends
    /// the watch with an error; `-C` targets just find fewer processes.
    pub fn sample(&mut self) -> Result<()> {
        for slot in &mut self.slots {
            if let Some(p) = &slot.proc {
                self.scanner
                    .sample(p, &mut slot.counts)
                    .map_err(|e| proc_error(&slot.target.label(), e))?;
                slot.present = true;
                continue;
            }
            let finder = slot.finder.as_mut().expect("a -C target has a finder");
            finder
                .resolve()
                .map_err(|e| Error::io("reading /proc", e))?;
            slot.counts.clear();
            slot.matched = 0;
            for &pid in &finder.pids {
                let counted = Proc::open(pid, self.needs)
                    .and_then(|p| self.scanner.sample(&p, &mut self.scratch));
                match counted {
                    Ok(()) => {
                        slot.counts.accumulate(&self.scratch);
                        slot.matched += 1;
                    }
                    // Ended between the listing and the count.
                    Err(ProcError::NoSuchProcess | ProcError::Exited) => {}
                    Err(e) => {
                        let name = crate::sys::term::visible(&slot.comm);
                        return Err(proc_error(&format!("{pid} ({name})"), e));
                    }
                }
            }
            slot.present = slot.matched > 0;
            if slot.present {
                slot.noted = false;
            } else if !slot.noted {
                slot.noted = true;
                crate::error::warn(format_args!(
                    "no process named {}: leaving this sample's field empty",
                    crate::sys::term::visible(&slot.comm)
                ));
            }
        }
        Ok(())
    }

    /// Whether to use pidfd_getfd where the kernel permits (the default);
    /// off, every fd is looked at through /proc.
    pub fn use_pidfd(&mut self, on: bool) {
        self.scanner.use_pidfd(on);
    }

    /// The values of the last sample of target `i` (`None`: a gap).
    pub fn counts(&self, i: usize) -> Option<&Counts> {
        let s = &self.slots[i];
        s.present.then_some(&s.counts)
    }
}

/// Where samples go.
enum Sink {
    /// Unbuffered: a sample is rendered whole into a buffer first, then
    /// written with one write(2).
    Stdout(output::RawStdout),
    /// `-o FILE`: replaced whole for each sample (`sys::replace`).
    File { path: PathBuf, shown: String },
}

impl Sink {
    fn new(path: Option<&PathBuf>) -> Result<Sink> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(output::RawStdout));
        };
        Ok(Sink::File {
            path: path.clone(),
            shown: crate::sys::term::visible(&path.display().to_string()).into_owned(),
        })
    }

    fn write(&mut self, data: &[u8]) -> Result<()> {
        match self {
            Sink::Stdout(out) => out
                .write_all(data)
                .map_err(|e| Error::io("writing to stdout", e)),
            Sink::File { path, shown } => crate::sys::replace::replace(path, data)
                .map_err(|e| Error::io(format_args!("writing {shown}"), e)),
        }
    }
}

fn stdout_is_pipe() -> bool {
    use std::os::fd::AsFd;
    rustix::fs::fstat(io::stdout().as_fd()).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Fifo
    })
}

/// Whether the reader of the stdout pipe has gone (POLLERR on fd 1).
fn reader_gone() -> bool {
    use rustix::event::{PollFd, PollFlags};
    use std::os::fd::AsFd;
    let out = io::stdout();
    let fd = out.as_fd();
    let mut p = [PollFd::new(&fd, PollFlags::empty())];
    let zero = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    rustix::event::poll(&mut p, Some(&zero))
        .is_ok_and(|n| n > 0 && p[0].revents().intersects(PollFlags::ERR | PollFlags::HUP))
}

/// `start + k * interval`, exact in nanoseconds.
fn tick(start: Instant, interval: Duration, k: u64) -> Option<Instant> {
    let ns = interval.as_nanos().checked_mul(u128::from(k))?;
    let d = Duration::new(
        u64::try_from(ns / 1_000_000_000).ok()?,
        (ns % 1_000_000_000) as u32,
    );
    start.checked_add(d)
}

/// The index of the next sample after sample `k`, `elapsed` after the
/// start: the first tick still ahead, so a late sample skips the ticks it
/// missed instead of catching up in a burst.
pub fn next_tick(k: u64, elapsed: Duration, interval: Duration) -> u64 {
    let due = (elapsed.as_nanos() / interval.as_nanos().max(1)) as u64 + 1;
    due.max(k + 1)
}

/// Runs fdcount: samples until done, interrupted or failed.
pub fn run(opts: &Options) -> Result<Status> {
    if let Some(n) = opts.top {
        let mut top = super::top::Top::new(opts, n)?;
        return schedule(opts, |now, buf| top.sample(now, buf));
    }
    let mut watch = Watch::new(opts)?;
    let to_file = opts.output.is_some();
    let mut first = true;
    schedule(opts, |now, buf| {
        watch.sample()?;
        // A file gets its header with every replacement; a stream once.
        if opts.header && (to_file || first) {
            watch.header(buf);
        }
        first = false;
        watch.render(now, buf);
        Ok(())
    })
}

/// Calls `step` once, or on the `-i` schedule until `-c`, a signal or a
/// reader that went away, writing what it renders to stdout or `-o`.
fn schedule(
    opts: &Options,
    mut step: impl FnMut(SystemTime, &mut Vec<u8>) -> Result<()>,
) -> Result<Status> {
    let signals = match opts.interval {
        Some(_) => {
            Some(Signals::install(STOP).map_err(|e| Error::io("installing signal handlers", e))?)
        }
        None => None,
    };
    let mut sink = Sink::new(opts.output.as_ref())?;
    let to_file = matches!(sink, Sink::File { .. });
    // When stdout is a pipe, its reader going away (`| head -1`) shows as
    // POLLERR on fd 1 while we wait, so a long interval ends at once rather
    // than at the next sample's EPIPE. Other outputs are not watched: a file
    // or a terminal would always poll ready.
    let watch_stdout = !to_file && stdout_is_pipe();
    let mut buf = Vec::with_capacity(4096);
    let start = Instant::now();
    let mut k = 0u64;
    let mut taken = 0u64;
    loop {
        step(SystemTime::now(), &mut buf)?;
        if !buf.is_empty() {
            sink.write(&buf)?;
        }
        buf.clear();
        taken += 1;
        if opts.count == Some(taken) {
            return Ok(Status::Success);
        }
        let (Some(interval), Some(signals)) = (opts.interval, signals.as_ref()) else {
            return Ok(Status::Success);
        };
        if interval.is_zero() {
            if signals.pending() {
                return Ok(Status::Success);
            }
            continue;
        }
        k = next_tick(k, start.elapsed(), interval);
        let Some(due) = tick(start, interval, k) else {
            return Ok(Status::Success); // centuries from now
        };
        loop {
            let now = Instant::now();
            if now >= due {
                break;
            }
            match signals.wait(watch_stdout.then_some(1), Some(due - now)) {
                Ok(Wake::Signal(_)) => return Ok(Status::Success),
                Ok(Wake::Ready) if reader_gone() => return Ok(Status::Success),
                Ok(_) => {}
                Err(e) => return Err(Error::io("waiting for the next sample", e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_skip_missed_ones() {
        let s = Duration::from_secs(5);
        assert_eq!(next_tick(0, Duration::from_millis(3), s), 1);
        // Sample 1 ran late, past tick 3: next is tick 4, not 2 and 3.
        assert_eq!(next_tick(1, Duration::from_millis(16_000), s), 4);
        // A clock that jumps back never repeats a tick.
        assert_eq!(next_tick(4, Duration::from_millis(1000), s), 5);
        let t0 = Instant::now();
        assert_eq!(
            tick(t0, Duration::from_millis(100), 3).unwrap() - t0,
            Duration::from_millis(300)
        );
    }
}
