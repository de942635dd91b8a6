//! fdcount: the sampling loop and the output formats (CSV, JSON Lines,
//! Prometheus text exposition), on top of [`crate::procfs`].
//!
//! A sample is taken for every target and rendered into one buffer before
//! anything is written, so an error in the middle of a sample (a process that
//! exits) never leaves a partial line behind. Once warmed up, sampling and
//! rendering make no heap allocation: `tests/it/fdcount_alloc.rs` holds us to it.

use crate::error::{describe, Error, Result, Status};
use crate::procfs::{Counts, Finder, Kind, Needs, Proc, ProcError, Scanner, States};
use crate::sys::output;
use crate::sys::signals::{Signals, Wake, STOP};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
    fn label(&self) -> String {
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
    pub kinds: Vec<Kind>,
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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            targets: Vec::new(),
            kinds: vec![Kind::All],
            states: States::default(),
            interval: None,
            count: None,
            header: false,
            format: Format::Csv,
            output: None,
        }
    }
}

struct Slot {
    target: Target,
    proc: Option<Proc>,
    finder: Option<Finder>,
    comm: String,
    counts: Counts,
    /// Matched processes counted in this sample (`-C`).
    matched: usize,
    /// False: nothing to count this sample (a gap).
    present: bool,
    /// A note about the gap has been printed.
    noted: bool,
}

/// The processes being watched and everything needed to sample them.
pub struct Watch {
    slots: Vec<Slot>,
    scanner: Scanner,
    kinds: Vec<Kind>,
    states: States,
    format: Format,
    needs: Needs,
    scratch: Counts,
}

fn proc_error(target: &str, e: ProcError) -> Error {
    match e {
        ProcError::NoSuchProcess => Error::failure(format!("process {target}: no such process")),
        ProcError::Exited => Error::failure(format!("process {target} exited")),
        // SAFETY: geteuid has no preconditions.
        ProcError::PermissionDenied { .. } if unsafe { libc::geteuid() } == 0 => {
            Error::failure(format!(
                "process {target}: permission denied reading its file descriptors, even as root: \
                 it may be protected by a security module or belong to another user namespace; \
                 run fdcount as the process's user or as root inside its container"
            ))
        }
        ProcError::PermissionDenied { uid } => Error::failure(format!(
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
fn user_name(uid: u32) -> String {
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut res: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call; buf outlives the use of pw.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut res) };
    if rc == 0 && !res.is_null() && !pw.pw_name.is_null() {
        // SAFETY: getpwuid_r filled pw_name with a NUL-terminated string in buf.
        let name = unsafe { std::ffi::CStr::from_ptr(pw.pw_name) };
        format!("{}, uid {uid}", name.to_string_lossy())
    } else {
        format!("uid {uid}")
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
                    Err(e) => return Err(proc_error(&format!("{pid} ({})", slot.comm), e)),
                }
            }
            slot.present = slot.matched > 0;
            if slot.present {
                slot.noted = false;
            } else if !slot.noted {
                slot.noted = true;
                crate::error::warn(format_args!(
                    "no process named {}: leaving this sample's field empty",
                    slot.comm
                ));
            }
        }
        Ok(())
    }

    /// The values of the last sample of target `i` (`None`: a gap).
    pub fn counts(&self, i: usize) -> Option<&Counts> {
        let s = &self.slots[i];
        s.present.then_some(&s.counts)
    }

    /// The CSV header line: kind names, or `PID:kind` with several targets.
    pub fn header(&self, out: &mut Vec<u8>) {
        let many = self.slots.len() > 1;
        let mut first = true;
        for slot in &self.slots {
            for k in &self.kinds {
                if !first {
                    out.push(b',');
                }
                first = false;
                if many {
                    match &slot.target {
                        Target::Pid(p) => {
                            let _ = write!(out, "{p}:");
                        }
                        Target::Name(n) => {
                            out.extend_from_slice(n.as_bytes());
                            out.push(b':');
                        }
                    }
                }
                out.extend_from_slice(k.name().as_bytes());
            }
        }
        out.push(b'\n');
    }

    /// Appends the last sample, taken at `time`, in the chosen format.
    pub fn render(&self, time: SystemTime, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => self.render_csv(out),
            Format::Json => self.render_json(time, out),
            Format::Prom => self.render_prom(out),
        }
    }

    fn render_csv(&self, out: &mut Vec<u8>) {
        let mut first = true;
        for slot in &self.slots {
            for &k in &self.kinds {
                if !first {
                    out.push(b',');
                }
                first = false;
                if slot.present {
                    let _ = write!(out, "{}", slot.counts.get(k));
                }
            }
        }
        out.push(b'\n');
    }

    fn render_json(&self, time: SystemTime, out: &mut Vec<u8>) {
        let t = time
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        for slot in &self.slots {
            let row = JsonRow {
                time: t,
                slot,
                kinds: &self.kinds,
            };
            // Writing to a Vec cannot fail and the row has only string keys.
            let _ = serde_json::to_writer(&mut *out, &row);
            out.push(b'\n');
        }
    }

    fn render_prom(&self, out: &mut Vec<u8>) {
        let fd_kinds = self.kinds.iter().any(|k| k.is_fd());
        if self.slots.iter().any(|s| s.finder.is_some()) {
            family(
                out,
                "fdcount_processes",
                "Processes whose command name matched fdcount -C.",
            );
            for slot in self.slots.iter().filter(|s| s.finder.is_some()) {
                metric(out, "fdcount_processes", slot, None, None);
                let _ = writeln!(out, " {}", slot.matched);
            }
        }
        if fd_kinds {
            family(
                out,
                "fdcount_open_fds",
                "Open file descriptors of the process, by kind.",
            );
            for slot in self.slots.iter().filter(|s| s.present) {
                for &k in self.kinds.iter().filter(|k| k.is_fd()) {
                    let state = (k.is_tcp() && !self.states.is_empty()).then_some(self.states);
                    metric(out, "fdcount_open_fds", slot, Some(k), state);
                    let _ = writeln!(out, " {}", slot.counts.get(k));
                }
            }
        }
        if self.kinds.contains(&Kind::Rss) {
            family(
                out,
                "fdcount_resident_memory_bytes",
                "Resident memory of the process in bytes.",
            );
            for slot in self.slots.iter().filter(|s| s.present) {
                metric(out, "fdcount_resident_memory_bytes", slot, None, None);
                let _ = writeln!(out, " {}", slot.counts.get(Kind::Rss) * 1024);
            }
        }
        if self.kinds.contains(&Kind::Threads) {
            family(out, "fdcount_threads", "Threads of the process.");
            for slot in self.slots.iter().filter(|s| s.present) {
                metric(out, "fdcount_threads", slot, None, None);
                let _ = writeln!(out, " {}", slot.counts.get(Kind::Threads));
            }
        }
    }
}

fn family(out: &mut Vec<u8>, name: &str, help: &str) {
    let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n");
}

/// `name{pid="..",comm="..",kind="..",state=".."}`, without the value.
fn metric(out: &mut Vec<u8>, name: &str, slot: &Slot, kind: Option<Kind>, states: Option<States>) {
    out.extend_from_slice(name.as_bytes());
    out.push(b'{');
    if let Target::Pid(p) = slot.target {
        let _ = write!(out, "pid=\"{p}\",");
    }
    out.extend_from_slice(b"comm=\"");
    escape_label(out, &slot.comm);
    out.push(b'"');
    if let Some(k) = kind {
        let _ = write!(out, ",kind=\"{}\"", k.name());
    }
    if let Some(st) = states {
        out.extend_from_slice(b",state=\"");
        for (i, n) in st.names().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(n.as_bytes());
        }
        out.push(b'"');
    }
    out.push(b'}');
}

/// A label value as the exposition format wants it: backslash, double quote
/// and newline escaped.
pub fn escape_label(out: &mut Vec<u8>, v: &str) {
    for &b in v.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b => out.push(b),
        }
    }
}

struct JsonRow<'a> {
    time: f64,
    slot: &'a Slot,
    kinds: &'a [Kind],
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let slot = self.slot;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("time", &self.time)?;
        match (&slot.target, &slot.finder) {
            (Target::Pid(p), _) => m.serialize_entry("pid", p)?,
            (Target::Name(_), Some(f)) => {
                m.serialize_entry("pid", &())?;
                m.serialize_entry("pids", &f.pids[..])?;
            }
            (Target::Name(_), None) => m.serialize_entry("pid", &())?,
        }
        m.serialize_entry("comm", &slot.comm)?;
        for &k in self.kinds {
            let v = slot.present.then(|| slot.counts.get(k));
            m.serialize_entry(k.name(), &v)?;
        }
        m.end()
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
    // SAFETY: fstat into a zeroed stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    unsafe { libc::fstat(1, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFIFO }
}

/// Whether the reader of the stdout pipe has gone (POLLERR on fd 1).
fn reader_gone() -> bool {
    let mut p = libc::pollfd {
        fd: 1,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd on the stack.
    unsafe { libc::poll(&mut p, 1, 0) > 0 && p.revents & (libc::POLLERR | libc::POLLHUP) != 0 }
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
    let mut watch = Watch::new(opts)?;
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
    if opts.header && !to_file {
        watch.header(&mut buf);
    }
    let start = Instant::now();
    let mut k = 0u64;
    let mut taken = 0u64;
    loop {
        let now = SystemTime::now();
        watch.sample()?;
        if opts.header && to_file {
            watch.header(&mut buf);
        }
        watch.render(now, &mut buf);
        sink.write(&buf)?;
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

    #[test]
    fn label_escaping() {
        let mut v = Vec::new();
        escape_label(&mut v, "a\\b\"c\nd");
        assert_eq!(v, b"a\\\\b\\\"c\\nd");
    }

    #[test]
    fn formats() {
        assert_eq!(Format::parse("json"), Some(Format::Json));
        assert_eq!(Format::parse("prom"), Some(Format::Prom));
        assert_eq!(Format::parse("xml"), None);
    }
}
