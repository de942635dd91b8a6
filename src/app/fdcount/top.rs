//! `--top`: what a process's fds are, grouped and largest first, and with
//! `-i` the groups that changed since the previous sample, by how much.
//!
//! Groups: inet sockets by protocol, state and remote end (accepted
//! connections and listeners by their local port), files by directory,
//! Unix sockets by type, anonymous inodes by name, devices by path, pipes.
//! A group's `what` is what `-k` takes back where one exists
//! (`tcp@10.0.0.5:5432`, `tcp:5432`, `file:/var/log/app/*`).
//!
//! Unlike counting, this allocates per sample (a map of groups): it is a
//! diagnosis to read, not a metric to scrape every 100 ms.

use super::options::{Format, Options, Target};
use super::run::proc_error;
use crate::error::{Error, Result};
use crate::procfs::{
    remote_ip, Counts, FdInfo, Finder, Inet, Needs, Proc, ProcError, Scanner, Sock,
};
use crate::sys::term::visible;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

/// A group: (kind, state, what).
type Key = (&'static str, &'static str, String);

/// The target and the last sample's groups.
pub struct Top {
    target: Target,
    proc: Option<Proc>,
    finder: Option<Finder>,
    scanner: Scanner,
    n: usize,
    format: Format,
    last: Option<BTreeMap<Key, u64>>,
}

impl Top {
    pub fn new(opts: &Options, n: usize) -> Result<Top> {
        let target = opts.targets[0].clone();
        let (proc, finder) = match &target {
            Target::Pid(pid) => (
                Some(Proc::open(*pid, Needs::ALL).map_err(|e| proc_error(&target.label(), e))?),
                None,
            ),
            Target::Name(name) => (
                None,
                Some(Finder::new(name).map_err(|e| Error::io("reading /proc", e))?),
            ),
        };
        Ok(Top {
            target,
            proc,
            finder,
            scanner: Scanner::for_top(),
            n,
            format: opts.format,
            last: None,
        })
    }

    /// Groups the fds of the target now.
    fn groups(&mut self) -> Result<BTreeMap<Key, u64>> {
        let mut infos = Vec::new();
        let mut counts = Counts::default();
        let label = self.target.label();
        let scanner = &mut self.scanner;
        let mut one = |p: &Proc, infos: &mut Vec<Info>| {
            scanner.sample_each(p, &mut counts, &mut |fd| infos.push(Info::of(fd)))
        };
        match (&self.proc, &mut self.finder) {
            (Some(p), _) => one(p, &mut infos).map_err(|e| proc_error(&label, e))?,
            (None, Some(f)) => {
                f.resolve().map_err(|e| Error::io("reading /proc", e))?;
                for &pid in &f.pids {
                    let r = Proc::open(pid, Needs::ALL).and_then(|p| one(&p, &mut infos));
                    match r {
                        Ok(()) | Err(ProcError::NoSuchProcess | ProcError::Exited) => {}
                        Err(e) => return Err(proc_error(&format!("{pid} ({label})"), e)),
                    }
                }
            }
            (None, None) => {}
        }
        Ok(group(&infos))
    }

    /// One sample: the table the first time, the changes afterwards.
    pub fn sample(&mut self, now: SystemTime, out: &mut Vec<u8>) -> Result<()> {
        let groups = self.groups()?;
        let t = now
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let rows: Vec<(&Key, u64, Option<i64>)> = match &self.last {
            None => {
                let mut rows: Vec<_> = groups.iter().map(|(k, &c)| (k, c, None)).collect();
                rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                rows
            }
            Some(last) => {
                let mut rows: Vec<_> = groups
                    .iter()
                    .filter_map(|(k, &c)| {
                        let was = last.get(k).copied().unwrap_or(0);
                        (c != was).then(|| (k, c, Some(c as i64 - was as i64)))
                    })
                    .chain(
                        last.iter()
                            .filter(|(k, _)| !groups.contains_key(*k))
                            .map(|(k, &was)| (k, 0, Some(-(was as i64)))),
                    )
                    .collect();
                rows.sort_by(|a, b| {
                    let d = |r: &(&Key, u64, Option<i64>)| r.2.unwrap_or(0).unsigned_abs();
                    d(b).cmp(&d(a)).then_with(|| a.0.cmp(b.0))
                });
                rows
            }
        };
        let first = self.last.is_none();
        match self.format {
            Format::Json => {
                for (key, count, change) in rows.iter().take(self.n) {
                    let row = serde_json::json!({
                        "time": t,
                        "pid": match self.target { Target::Pid(p) => Some(p), _ => None },
                        "kind": key.0,
                        "state": key.1,
                        "what": key.2,
                        "change": change,
                        "count": count,
                    });
                    let _ = serde_json::to_writer(&mut *out, &row);
                    out.push(b'\n');
                }
            }
            _ => {
                if first {
                    let _ = writeln!(
                        out,
                        "{:<6} {:<12} {:<40} {:>7}",
                        "KIND", "STATE", "WHAT", "COUNT"
                    );
                }
                for (key, count, change) in rows.iter().take(self.n) {
                    let what = visible(&key.2);
                    let _ = match change {
                        None => writeln!(out, "{:<6} {:<12} {what:<40} {count:>7}", key.0, key.1),
                        Some(d) => writeln!(
                            out,
                            "{:<6} {:<12} {what:<40} {:>+7} {count:>7}",
                            key.0, key.1, d
                        ),
                    };
                }
            }
        }
        self.last = Some(groups);
        Ok(())
    }
}

/// An fd as grouping needs it, owned (the scanner's borrow ends per fd).
enum Info {
    Key(&'static str, &'static str, String),
    Inet(Inet, Option<Sock>),
}

impl Info {
    fn of(fd: FdInfo) -> Info {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        match fd {
            FdInfo::File(path) => Info::Key(
                "file",
                "-",
                format!("file:{}/*", glob_quote(&text(parent(path)))),
            ),
            FdInfo::Dir(path) => Info::Key("dir", "-", text(path)),
            FdInfo::Pipe => Info::Key("pipe", "-", "pipe".into()),
            FdInfo::Anon(name) => {
                let n = name
                    .strip_prefix(b"[")
                    .and_then(|n| n.strip_suffix(b"]"))
                    .unwrap_or(name);
                Info::Key("anon", "-", text(n))
            }
            FdInfo::Other(link) => Info::Key("other", "-", text(link)),
            FdInfo::Unix(ty) => Info::Key(
                "unix",
                "-",
                match ty {
                    1 => "stream",
                    2 => "dgram",
                    5 => "seqpacket",
                    _ => "unix",
                }
                .into(),
            ),
            FdInfo::Inet(i, s) => Info::Inet(i, s.copied()),
            FdInfo::OtherInet => Info::Key("inet", "-", "inet".into()),
            FdInfo::Socket => Info::Key("socket", "-", "socket".into()),
        }
    }
}

/// The directory part of a path (`/` for a file at the root).
fn parent(path: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', path) {
        Some(0) => b"",
        Some(i) => &path[..i],
        None => b".",
    }
}

/// A directory name as a glob that matches only itself.
fn glob_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn endpoint(a: IpAddr, port: u16) -> String {
    match a {
        IpAddr::V6(a) => format!("[{a}]:{port}"),
        a => format!("{a}:{port}"),
    }
}

fn state_name(st: u8) -> &'static str {
    crate::procfs::TCP_STATES
        .iter()
        .find(|s| s.1 == st)
        .map_or("unknown", |s| s.0)
}

/// Counts the fds by group. A connection whose local port is one the
/// process listens on is an accepted one: grouped under its server port,
/// not under each client's address and port.
fn group(infos: &[Info]) -> BTreeMap<Key, u64> {
    let listening: HashSet<u16> = infos
        .iter()
        .filter_map(|i| match i {
            Info::Inet(inet, Some(s)) if inet.is_tcp() && s.state == 10 => Some(s.lport),
            _ => None,
        })
        .collect();
    let mut groups = BTreeMap::new();
    for i in infos {
        let key: Key = match i {
            Info::Key(k, st, w) => (k, st, w.clone()),
            Info::Inet(inet, s) => {
                let (proto, state) = if inet.is_tcp() {
                    ("tcp", state_name(s.map_or(7, |s| s.state)))
                } else {
                    ("udp", "-")
                };
                let what = match s {
                    None => proto.to_string(),
                    Some(s) if s.rport != 0 && !(inet.is_tcp() && listening.contains(&s.lport)) => {
                        format!("{proto}@{}", endpoint(remote_ip(s), s.rport))
                    }
                    Some(s) if s.lport != 0 => format!("{proto}:{}", s.lport),
                    Some(_) => proto.to_string(),
                };
                (proto, state, what)
            }
        };
        *groups.entry(key).or_insert(0) += 1;
    }
    groups
}
