//! Counting a process's open file descriptors, by kind, from /proc.
//!
//! This module owns the shared pieces (the error type, the small parsers of
//! /proc text) and re-exports the rest, one file per concern:
//!
//! - [`kinds`]: what can be counted, columns, one sample's values, TCP states.
//! - [`narrow`]: narrowed kinds (`tcp:PORT`, `tcp@ADDR`, `file:GLOB`), and
//!   [`glob`] the shell glob they use.
//! - [`proc`]: the process handle, holding /proc/PID open between samples.
//! - [`dents`]: the one getdents64 loop, into a buffer allocated once.
//! - [`classify`]: what one fd is (file, pipe, socket and its protocol...).
//! - [`tcp`]: socket tables, from sock_diag netlink or /proc/PID/net.
//! - [`scan`]: the sampler that puts those together into counts.
//! - [`finder`]: the `-C` process finder.
//!
//! The sampling path is built to be cheap enough to run every 100 ms and to
//! make no heap allocation once warmed up:
//!
//! - `all` alone is one `fstat` of the held fd directory: Linux 6.2 and later
//!   report the number of open fds as its size. Older kernels report 0, and
//!   then the directory is counted with `getdents64`.
//! - Other kinds read the fd directory once per sample with `getdents64`
//!   and `statat` every entry: the device and type of what it points to tell
//!   files, pipes, sockets and anonymous inodes apart (the link text, by
//!   `readlinkat`, only settles the rare rest). Sockets are then asked their
//!   protocol, the `system.sockprotoname` xattr, so unbound sockets count
//!   too.
//! - Where permitted (root, CAP_SYS_PTRACE), each fd is taken with
//!   pidfd_getfd and the duplicate `fstat`ed instead (see [`scan`]).
//! - TCP states (`-s`), ports and peers come from sock_diag netlink when the
//!   target shares our network namespace, else from the target's own
//!   /proc/PID/net tables (its namespace). Socket inodes are matched
//!   against either.
//!
//! A lookup in /proc/PID/fd costs a couple of microseconds whatever does
//! it, so one system call per fd (two per socket) is the floor that
//! bench/fdcount.sh compares against.

pub mod classify;
pub mod dents;
pub mod finder;
pub mod glob;
pub mod kinds;
pub mod narrow;
pub mod proc;
pub mod scan;
pub mod tcp;

pub use finder::{Finder, COMM_LEN};
pub use kinds::{Col, Counts, Kind, States, NARROW_MAX, TCP_STATES, UNLIMITED};
pub use narrow::{remote_ip, Inet};
pub use narrow::{Label, Narrow};
pub use proc::{Needs, Proc};
pub use scan::{FdInfo, Scanner};
pub use tcp::Sock;

/// Why a process could not be sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcError {
    /// There is no process with that PID.
    NoSuchProcess,
    /// The process went away (or is a zombie) since it was opened.
    Exited,
    /// Its file descriptors are not ours to look at; `uid` (its effective
    /// uid) owns it. `dumpable` false: it made itself non-dumpable
    /// (prctl PR_SET_DUMPABLE, setuid programs), so that only
    /// CAP_SYS_PTRACE over it gives access, whoever we are.
    PermissionDenied { uid: u32, dumpable: bool },
    /// Anything else: what was being read and the errno.
    Io { what: &'static str, errno: i32 },
}

impl ProcError {
    pub(crate) fn from_errno(what: &'static str, errno: i32) -> ProcError {
        match errno {
            libc::ESRCH | libc::ENOENT => ProcError::Exited,
            _ => ProcError::Io { what, errno },
        }
    }
}

/// The `i`th space-separated field.
pub(crate) fn field(s: &[u8], i: usize) -> Option<&[u8]> {
    s.split(|&c| c == b' ' || c == b'\n' || c == b'\t')
        .filter(|f| !f.is_empty())
        .nth(i)
}

pub(crate) fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    s.iter().try_fold(0u64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u64::from(c - b'0'))
    })
}

pub(crate) fn parse_hex(s: &[u8]) -> Option<u8> {
    if s.is_empty() || s.len() > 2 {
        return None;
    }
    s.iter().try_fold(0u8, |n, &c| {
        (c as char).to_digit(16).map(|d| n * 16 + d as u8)
    })
}

/// The fields of /proc/PID/stat after the command name, which may itself
/// hold spaces and parentheses: everything after the last ')'.
pub(crate) fn stat_fields(s: &[u8]) -> Option<&[u8]> {
    memchr::memrchr(b')', s).map(|at| &s[at + 1..])
}

/// Every parser of /proc text on arbitrary bytes, for the fuzz target
/// (`leakhunt::fuzzing::proc_tables`): each line as a TCP table row, a
/// socket protocol name, a stat line and a statm line.
#[doc(hidden)]
pub fn parse_all(data: &[u8]) -> u64 {
    let mut seen = 0u64;
    for line in data.split(|&b| b == b'\n') {
        for v6 in [false, true] {
            if let Some(s) = tcp::row(line, v6) {
                seen = seen
                    .wrapping_add(u64::from(s.state))
                    .wrapping_add(s.ino)
                    .wrapping_add(u64::from(s.lport) + u64::from(s.rport));
            }
        }
        seen = seen.wrapping_add(classify::proto(line) as u64);
    }
    if let Some(rest) = stat_fields(data) {
        seen = seen.wrapping_add(field(rest, 17).and_then(parse_u64).unwrap_or(0));
    }
    seen.wrapping_add(field(data, 1).and_then(parse_u64).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::classify::{classify, proto, sock_proto, Class, Devs, Proto};
    use super::*;
    use std::os::fd::AsRawFd;

    fn tcp_row(line: &[u8]) -> Option<(u8, u64)> {
        tcp::row(line, false)
            .or_else(|| tcp::row(line, true))
            .map(|s| (s.state, s.ino))
    }

    #[test]
    fn kinds_round_trip() {
        for k in Kind::LIST {
            assert_eq!(Kind::parse(k.name()), Some(k));
        }
        assert_eq!(Kind::parse("sockets"), None);
    }

    #[test]
    fn state_names() {
        assert_eq!(States::parse_one("established"), Some(1));
        assert_eq!(States::parse_one("CLOSE_WAIT"), Some(8));
        assert_eq!(States::parse_one("fin-wait-2"), Some(5));
        assert_eq!(States::parse_one("listening"), Some(10));
        assert_eq!(States::parse_one("nostate"), None);
        let mut s = States::default();
        s.insert(10);
        s.insert(1);
        assert_eq!(s.names().collect::<Vec<_>>(), ["established", "listen"]);
    }

    #[test]
    fn tcp_rows() {
        let row = b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0";
        assert_eq!(tcp_row(row), Some((10, 123456)));
        let row6 = b"   1: 00000000000000000000000001000000:A2C4 00000000000000000000000001000000:1F90 01 00000000:00000000 00:00000000 00000000     0        0 98765 1 0000000000000000 20 4 30 10 -1";
        assert_eq!(tcp_row(row6), Some((1, 98765)));
        assert_eq!(
            tcp_row(b"  sl  local_address rem_address   st tx_queue rx_queue"),
            None
        );
    }

    #[test]
    fn protocols() {
        assert_eq!(proto(b"TCPv6"), Proto::Tcp6);
        assert_eq!(proto(b"UNIX-STREAM"), Proto::Unix);
        assert_eq!(proto(b"PINGv6"), Proto::OtherInet);
        assert_eq!(proto(b"NETLINK"), Proto::Other);
    }

    #[test]
    fn socket_protocol_with_and_without_getxattrat() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let u = std::net::UdpSocket::bind("[::1]:0").unwrap();
        let p = Proc::open(std::process::id(), Needs::of(&[Col::Kind(Kind::Tcp)])).unwrap();
        let dir = p.fd_dir();
        for (fd, want) in [(l.as_raw_fd(), Proto::Tcp4), (u.as_raw_fd(), Proto::Udp6)] {
            let name = std::ffi::CString::new(fd.to_string()).unwrap();
            for mut xattrat in [true, false] {
                let got = sock_proto(dir, &name, &p, &mut xattrat).unwrap();
                assert_eq!(got, Some(want), "getxattrat {xattrat}");
            }
        }
        let gone = std::ffi::CString::new("999999").unwrap();
        assert_eq!(sock_proto(dir, &gone, &p, &mut false).unwrap(), None);
        let devs = Devs::learn();
        assert_ne!(devs.sock, Devs::UNKNOWN);
        assert_ne!(devs.anon, Devs::UNKNOWN);
        let name = std::ffi::CString::new(l.as_raw_fd().to_string()).unwrap();
        assert!(matches!(
            classify(dir, &name, devs, &p),
            Ok(Some(Class::Socket(_)))
        ));
        // Without the devices, the link text decides, with the same answer.
        let blind = Devs::BLIND;
        assert_eq!(
            classify(dir, &name, blind, &p).unwrap(),
            classify(dir, &name, devs, &p).unwrap()
        );
    }

    #[test]
    fn listing_counts_what_the_size_says() {
        // The getdents64 fallback for kernels before 6.2 agrees with the
        // directory size where both exist. A child holding still keeps the
        // two readings apart from our own test threads' fds.
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let p = Proc::open(child.id(), Needs::of(&[Col::Kind(Kind::All)])).unwrap();
        let mut s = Scanner::new(&[Col::Kind(Kind::All)], States::default());
        let listed = s.count_listed(&p).unwrap();
        let counted = s.count_all(&p).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert!(listed >= 3);
        assert_eq!(listed, counted);
    }

    #[test]
    fn sock_diag_and_tables_agree() {
        // A fixture holding TCP v4 and v6 listeners and connections, still
        // while we look (our own test threads' sockets would not be).
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fd_fixture.py");
        let mut child = std::process::Command::new("python3")
            .args([script, "full", "lhdiag"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let pid: u32 = line.trim().parse().unwrap();
        let kinds = [Kind::Tcp, Kind::Tcp4, Kind::Tcp6];
        let cols = kinds.map(Col::Kind);
        let p = Proc::open(pid, Needs::of(&cols)).unwrap();
        let mut got = Vec::new();
        for name in ["established", "listen", "close", "syn-sent"] {
            let mut st = States::default();
            st.insert(States::parse_one(name).unwrap());
            let mut diag = Scanner::new(&cols, st);
            assert!(diag.net.diag.is_some(), "no sock_diag socket here");
            let mut tables = Scanner::new(&cols, st);
            tables.net.diag = None;
            let (mut a, mut b) = (Counts::default(), Counts::default());
            diag.sample(&p, &mut a).unwrap();
            tables.sample(&p, &mut b).unwrap();
            assert!(diag.net.diag.is_some(), "sock_diag failed");
            assert_eq!(a, b, "{name}");
            got.push(kinds.map(|k| a.get(k)));
        }
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(got, [[8, 6, 2], [2, 1, 1], [2, 1, 1], [0, 0, 0]]);
    }

    #[test]
    fn own_process() {
        let me = std::process::id();
        let p = Proc::open(me, Needs::ALL).unwrap();
        let mut s = Scanner::new(&Kind::LIST.map(Col::Kind), States::default());
        let mut c = Counts::default();
        s.sample(&p, &mut c).unwrap();
        assert!(c.get(Kind::All) >= 3);
        assert!(c.get(Kind::Rss) > 0);
        assert!(c.get(Kind::Threads) >= 1);
        let parts = [
            Kind::File,
            Kind::Socket,
            Kind::Pipe,
            Kind::Anon,
            Kind::Other,
        ];
        assert_eq!(
            parts.iter().map(|&k| c.get(k)).sum::<u64>(),
            c.get(Kind::All)
        );
        assert_eq!(
            Proc::open(u32::MAX - 1, Needs::of(&[Col::Kind(Kind::All)])).unwrap_err(),
            ProcError::NoSuchProcess
        );
    }
}
