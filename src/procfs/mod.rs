//! Counting a process's open file descriptors, by kind, from /proc.
//!
//! The sampling path is built to be cheap enough to run every 100 ms and to
//! make no heap allocation once warmed up:
//!
//! - A [`Proc`] holds the /proc/PID directory (and its `fd` directory) open
//!   between samples. Those file descriptors stay tied to the process they
//!   were opened for: once it exits, every lookup through them fails with
//!   ESRCH or ENOENT, so a recycled PID is never mistaken for the old process.
//! - `all` alone is one `fstat` of the held fd directory: Linux 6.2 and later
//!   report the number of open fds as its size. Older kernels report 0, and
//!   then the directory is counted with `getdents64`.
//! - Other kinds read the fd directory once per sample with `getdents64` into
//!   a buffer allocated once and `fstatat` every entry: the device and type
//!   of what it points to tell files, pipes, sockets and anonymous inodes
//!   apart (the link text, by `readlinkat`, only settles the rare rest).
//!   Sockets are then asked their protocol, the `system.sockprotoname`
//!   xattr, so unbound sockets count too. The classes are those of the fd's
//!   link text in /proc: `socket:`, `pipe:`, `anon_inode:`, else the type
//!   of the target (so FIFOs opened by path count as pipes).
//! - TCP states (`-s`) come from sock_diag netlink when the target shares
//!   our network namespace, else from the target's own /proc/PID/net/tcp
//!   and tcp6 (its namespace), read in fixed-size chunks and split with
//!   memchr. Socket inodes are matched against either.
//!
//! A lookup in /proc/PID/fd costs a couple of microseconds whatever does
//! it, so one system call per fd (two per socket) is the floor that
//! bench/fdcount.sh compares against.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// What fdcount can count. The discriminant indexes [`Counts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    All,
    File,
    Socket,
    Inet,
    Tcp,
    Tcp4,
    Tcp6,
    Udp,
    Udp4,
    Udp6,
    Unix,
    Pipe,
    Anon,
    Other,
    Rss,
    Threads,
}

impl Kind {
    /// Every kind, in the order the help text lists them.
    pub const LIST: [Kind; 16] = [
        Kind::All,
        Kind::File,
        Kind::Socket,
        Kind::Inet,
        Kind::Tcp,
        Kind::Tcp4,
        Kind::Tcp6,
        Kind::Udp,
        Kind::Udp4,
        Kind::Udp6,
        Kind::Unix,
        Kind::Pipe,
        Kind::Anon,
        Kind::Other,
        Kind::Rss,
        Kind::Threads,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::All => "all",
            Kind::File => "file",
            Kind::Socket => "socket",
            Kind::Inet => "inet",
            Kind::Tcp => "tcp",
            Kind::Tcp4 => "tcp4",
            Kind::Tcp6 => "tcp6",
            Kind::Udp => "udp",
            Kind::Udp4 => "udp4",
            Kind::Udp6 => "udp6",
            Kind::Unix => "unix",
            Kind::Pipe => "pipe",
            Kind::Anon => "anon",
            Kind::Other => "other",
            Kind::Rss => "rss",
            Kind::Threads => "threads",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::LIST.into_iter().find(|k| k.name() == s)
    }

    /// Whether the kind is a count of file descriptors (not rss or threads).
    pub fn is_fd(self) -> bool {
        !matches!(self, Kind::Rss | Kind::Threads)
    }

    /// Whether `-s` narrows this kind.
    pub fn is_tcp(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Tcp4 | Kind::Tcp6)
    }
}

/// One sample's values, indexed by [`Kind`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([u64; 16]);

impl Counts {
    pub fn get(&self, k: Kind) -> u64 {
        self.0[k as usize]
    }

    fn add(&mut self, k: Kind, n: u64) {
        self.0[k as usize] += n;
    }

    fn set(&mut self, k: Kind, n: u64) {
        self.0[k as usize] = n;
    }

    /// Adds every value of `o` (summing processes for `-C`).
    pub fn accumulate(&mut self, o: &Counts) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }

    pub fn clear(&mut self) {
        self.0 = [0; 16];
    }
}

/// The TCP states, numbered as in the kernel's `st` column.
pub const TCP_STATES: [(&str, u8); 11] = [
    ("established", 1),
    ("syn-sent", 2),
    ("syn-recv", 3),
    ("fin-wait1", 4),
    ("fin-wait2", 5),
    ("time-wait", 6),
    ("close", 7),
    ("close-wait", 8),
    ("last-ack", 9),
    ("listen", 10),
    ("closing", 11),
];

/// A set of TCP states for `-s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct States(u16);

impl States {
    /// Parses one state name. Case, `_` for `-`, and the spellings of ss(8)
    /// and netstat (`fin-wait-1`, `syn-received`, `closed`, `listening`) are
    /// accepted.
    pub fn parse_one(s: &str) -> Option<u8> {
        let mut buf = [0u8; 16];
        let b = s.as_bytes();
        if b.len() > buf.len() {
            return None;
        }
        for (d, &c) in buf.iter_mut().zip(b) {
            *d = if c == b'_' {
                b'-'
            } else {
                c.to_ascii_lowercase()
            };
        }
        let norm = std::str::from_utf8(&buf[..b.len()]).ok()?;
        let norm = match norm {
            "fin-wait-1" => "fin-wait1",
            "fin-wait-2" => "fin-wait2",
            "syn-received" | "syn-rcvd" => "syn-recv",
            "closed" => "close",
            "listening" => "listen",
            "estab" => "established",
            other => other,
        };
        TCP_STATES
            .iter()
            .find(|(n, _)| *n == norm)
            .map(|&(_, st)| st)
    }

    pub fn insert(&mut self, st: u8) {
        self.0 |= 1 << st;
    }

    pub fn contains(self, st: u8) -> bool {
        st < 16 && self.0 & (1 << st) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The states' names, in kernel order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        TCP_STATES
            .iter()
            .filter(move |(_, st)| self.contains(*st))
            .map(|(n, _)| *n)
    }
}

/// Why a process could not be sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcError {
    /// There is no process with that PID.
    NoSuchProcess,
    /// The process went away (or is a zombie) since it was opened.
    Exited,
    /// Its file descriptors are not ours to look at; `uid` owns it.
    PermissionDenied { uid: u32 },
    /// Anything else: what was being read and the errno.
    Io { what: &'static str, errno: i32 },
}

impl ProcError {
    fn from_errno(what: &'static str, errno: i32) -> ProcError {
        match errno {
            libc::ESRCH | libc::ENOENT => ProcError::Exited,
            _ => ProcError::Io { what, errno },
        }
    }
}

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `openat(dir, path)` for reading, path NUL-terminated.
fn open_at(dir: RawFd, path: &CStr, flags: libc::c_int) -> Result<OwnedFd, i32> {
    loop {
        // SAFETY: path is NUL-terminated; the returned fd is owned below.
        let fd = unsafe { libc::openat(dir, path.as_ptr(), flags | libc::O_CLOEXEC) };
        if fd >= 0 {
            // SAFETY: a fresh fd nobody else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let e = errno();
        if e != libc::EINTR {
            return Err(e);
        }
    }
}

/// `pread(fd, buf, 0)` until the buffer is full or the file ends; /proc files
/// regenerate their text on a read at offset 0, so a held fd is re-read
/// without reopening it. The small /proc files read here hand over all
/// their text in one read, so a short read is the end.
fn pread_all(fd: RawFd, buf: &mut [u8]) -> Result<usize, i32> {
    let mut n = 0;
    while n < buf.len() {
        // SAFETY: the pointer and length describe the unfilled part of buf.
        let r = unsafe {
            libc::pread(
                fd,
                buf[n..].as_mut_ptr().cast(),
                buf.len() - n,
                n as libc::off_t,
            )
        };
        if r < 0 {
            let e = errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(e);
        }
        n += r as usize;
        if r == 0 || n < buf.len() {
            break;
        }
    }
    Ok(n)
}

/// Which of a process's files a sample reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The fd directory (any fd kind).
    pub fds: bool,
    /// /proc/PID/statm (rss).
    pub statm: bool,
    /// /proc/PID/stat (threads).
    pub stat: bool,
}

impl Needs {
    pub fn of(kinds: &[Kind]) -> Needs {
        Needs {
            fds: kinds.iter().any(|k| k.is_fd()),
            statm: kinds.contains(&Kind::Rss),
            stat: kinds.contains(&Kind::Threads),
        }
    }
}

/// A process opened for sampling. Holds file descriptors only, no heap.
#[derive(Debug)]
pub struct Proc {
    pid: u32,
    dir: OwnedFd,
    fds: Option<OwnedFd>,
    stat: Option<OwnedFd>,
    statm: Option<OwnedFd>,
    /// `/proc/self/fd/N/`, N the held fd directory: the prefix of the paths
    /// that getxattr follows to a socket, so that they too go through the
    /// held directory and never reach a newer process with the same PID.
    xprefix: [u8; 40],
    xlen: usize,
}

impl Proc {
    /// Opens /proc/PID and what `needs` says. Fails with `NoSuchProcess`
    /// when there is no such PID, `PermissionDenied` when its fds are not
    /// ours to read, `Exited` for a zombie.
    pub fn open(pid: u32, needs: Needs) -> Result<Proc, ProcError> {
        let mut path = [0u8; 24];
        let len = {
            use std::io::Write;
            let mut w = &mut path[..];
            let _ = write!(w, "/proc/{pid}");
            24 - w.len()
        };
        let cpath = CStr::from_bytes_until_nul(&path[..=len]).expect("NUL-terminated");
        if pid == 0 {
            return Err(ProcError::NoSuchProcess);
        }
        let dir = open_at(libc::AT_FDCWD, cpath, libc::O_RDONLY | libc::O_DIRECTORY).map_err(
            |e| match e {
                libc::ENOENT | libc::ESRCH => ProcError::NoSuchProcess,
                e => ProcError::Io {
                    what: "/proc",
                    errno: e,
                },
            },
        )?;
        let mut p = Proc {
            pid,
            dir,
            fds: None,
            stat: None,
            statm: None,
            xprefix: [0; 40],
            xlen: 0,
        };
        let d = p.dir.as_raw_fd();
        let gone = |e| ProcError::from_errno("/proc", e);
        if needs.fds {
            match open_at(d, c"fd", libc::O_RDONLY | libc::O_DIRECTORY) {
                Ok(fd) => p.fds = Some(fd),
                Err(libc::EACCES) | Err(libc::EPERM) => {
                    return Err(ProcError::PermissionDenied { uid: p.owner() })
                }
                Err(e) => return Err(gone(e)),
            }
            let n = {
                use std::io::Write;
                let mut w = &mut p.xprefix[..];
                let _ = write!(w, "/proc/self/fd/{}/", p.fds.as_ref().unwrap().as_raw_fd());
                40 - w.len()
            };
            p.xlen = n;
        }
        if needs.stat {
            p.stat = Some(open_at(d, c"stat", libc::O_RDONLY).map_err(gone)?);
        }
        if needs.statm {
            p.statm = Some(open_at(d, c"statm", libc::O_RDONLY).map_err(gone)?);
        }
        // A zombie shows as no fds and no memory: the first sample finds
        // out, so that a count of one stat stays one stat.
        Ok(p)
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The uid owning the process (for the permission message).
    pub fn owner(&self) -> u32 {
        // SAFETY: fstat into a zeroed stat on a valid fd.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(self.dir.as_raw_fd(), &mut st) } == 0 {
            st.st_uid
        } else {
            u32::MAX
        }
    }

    /// The command name (/proc/PID/comm), read once when needed for output.
    pub fn comm(&self) -> Result<String, ProcError> {
        let fd = open_at(self.dir.as_raw_fd(), c"comm", libc::O_RDONLY)
            .map_err(|e| ProcError::from_errno("comm", e))?;
        let mut buf = [0u8; 64];
        let n =
            pread_all(fd.as_raw_fd(), &mut buf).map_err(|e| ProcError::from_errno("comm", e))?;
        let s = &buf[..n];
        let s = s.strip_suffix(b"\n").unwrap_or(s);
        Ok(String::from_utf8_lossy(s).into_owned())
    }

    fn read_stat<'a>(&self, buf: &'a mut [u8]) -> Result<&'a [u8], ProcError> {
        let n = match &self.stat {
            Some(fd) => pread_all(fd.as_raw_fd(), buf),
            None => open_at(self.dir.as_raw_fd(), c"stat", libc::O_RDONLY)
                .and_then(|fd| pread_all(fd.as_raw_fd(), buf)),
        }
        .map_err(|e| ProcError::from_errno("stat", e))?;
        stat_fields(&buf[..n]).ok_or(ProcError::Io {
            what: "stat",
            errno: libc::EINVAL,
        })
    }

    /// Whether the process has exited but not been reaped: its fd
    /// directory is then empty, and that must read as "exited", not 0.
    fn is_zombie(&self) -> Result<bool, ProcError> {
        let mut buf = [0u8; 1024];
        Ok(self.threads_or_zombie(&mut buf)?.is_none())
    }

    /// The number of threads, or `None` for a zombie.
    fn threads_or_zombie(&self, buf: &mut [u8]) -> Result<Option<u64>, ProcError> {
        let rest = self.read_stat(buf)?;
        if matches!(field(rest, 0), Some(b"Z") | Some(b"X")) {
            return Ok(None);
        }
        // Field 20 of stat, num_threads; `rest` starts at field 3.
        field(rest, 17)
            .and_then(parse_u64)
            .map(Some)
            .ok_or(ProcError::Io {
                what: "stat",
                errno: libc::EINVAL,
            })
    }

    fn rss_kib(&self) -> Result<u64, ProcError> {
        let fd = self.statm.as_ref().expect("statm held").as_raw_fd();
        let mut buf = [0u8; 256];
        let n = pread_all(fd, &mut buf).map_err(|e| ProcError::from_errno("statm", e))?;
        let pages = field(&buf[..n], 1)
            .and_then(parse_u64)
            .ok_or(ProcError::Io {
                what: "statm",
                errno: libc::EINVAL,
            })?;
        Ok(pages * page_size() / 1024)
    }
}

fn page_size() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static PAGE: AtomicU64 = AtomicU64::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf has no preconditions.
            let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            let p = if p > 0 { p as u64 } else { 4096 };
            PAGE.store(p, Ordering::Relaxed);
            p
        }
        p => p,
    }
}

/// The `i`th space-separated field.
fn field(s: &[u8], i: usize) -> Option<&[u8]> {
    s.split(|&c| c == b' ' || c == b'\n')
        .filter(|f| !f.is_empty())
        .nth(i)
}

fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    s.iter().try_fold(0u64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u64::from(c - b'0'))
    })
}

fn parse_hex(s: &[u8]) -> Option<u8> {
    if s.is_empty() || s.len() > 2 {
        return None;
    }
    s.iter().try_fold(0u8, |n, &c| {
        (c as char).to_digit(16).map(|d| n * 16 + d as u8)
    })
}

/// What a sample has to compute, derived from the kinds asked for.
#[derive(Clone, Copy, Debug, Default)]
struct Plan {
    /// Classify every fd (anything beyond `all`).
    scan: bool,
    /// Read sockets' protocol.
    proto: bool,
    all: bool,
    rss: bool,
    threads: bool,
}

/// Socket protocols as `system.sockprotoname` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Proto {
    Tcp4,
    Tcp6,
    Udp4,
    Udp6,
    Unix,
    /// Another IPv4/IPv6 protocol: raw, UDP-Lite, SCTP, MPTCP, ping, L2TP.
    OtherInet,
    /// Netlink, packet, vsock...
    Other,
}

fn proto(name: &[u8]) -> Proto {
    match name {
        b"TCP" => Proto::Tcp4,
        b"TCPv6" => Proto::Tcp6,
        b"UDP" => Proto::Udp4,
        b"UDPv6" => Proto::Udp6,
        b"RAW" | b"RAWv6" | b"UDP-Lite" | b"UDPLITE" | b"UDPLITEv6" | b"SCTP" | b"SCTPv6"
        | b"MPTCP" | b"MPTCPv6" | b"PING" | b"PINGv6" | b"L2TP/IP" | b"L2TP/IPv6" => {
            Proto::OtherInet
        }
        n if n.starts_with(b"UNIX") => Proto::Unix,
        _ => Proto::Other,
    }
}

/// What one fd is, as far as the kinds go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    File,
    Pipe,
    Anon,
    Other,
    /// A socket and its inode number.
    Socket(u64),
}

/// The devices of the kernel's internal socket and anonymous-inode file
/// systems, learnt from a socket and an eventfd of our own: with them one
/// `fstatat` classifies an fd, without a `readlinkat` as well.
#[derive(Clone, Copy, Debug)]
struct Devs {
    sock: u64,
    anon: u64,
}

impl Devs {
    const UNKNOWN: u64 = u64::MAX;

    fn learn() -> Devs {
        let dev = |fd: libc::c_int| {
            if fd < 0 {
                return Devs::UNKNOWN;
            }
            // SAFETY: fstat into a zeroed stat on our own fd, closed after.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            let ok = unsafe { libc::fstat(fd, &mut st) } == 0;
            unsafe { libc::close(fd) };
            if ok {
                st.st_dev as u64
            } else {
                Devs::UNKNOWN
            }
        };
        // SAFETY: plain system calls creating fds we close in `dev`.
        Devs {
            sock: dev(unsafe {
                libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0)
            }),
            anon: dev(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) }),
        }
    }
}

fn denied_or_gone(p: &Proc, what: &'static str, e: i32) -> ProcError {
    match e {
        libc::EACCES | libc::EPERM => ProcError::PermissionDenied { uid: p.owner() },
        e => ProcError::from_errno(what, e),
    }
}

/// Classifies fd `name` of the fd directory `dir`; `None` when it was
/// closed meanwhile. The rules are those of the link text (`socket:`,
/// `pipe:`, `anon_inode:`, else the type of what it points to), read from
/// one `fstatat` where the device and type settle it, which is nearly
/// always, and from `readlinkat` where they do not.
fn classify(dir: RawFd, name: &CStr, devs: Devs, p: &Proc) -> Result<Option<Class>, ProcError> {
    // SAFETY: name is NUL-terminated; st is a zeroed stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, 0) } == 0 {
        let dev = st.st_dev as u64;
        let fmt = st.st_mode & libc::S_IFMT;
        if dev == devs.anon && devs.anon != Devs::UNKNOWN {
            return Ok(Some(Class::Anon));
        }
        match fmt {
            libc::S_IFSOCK if dev == devs.sock && devs.sock != Devs::UNKNOWN => {
                return Ok(Some(Class::Socket(st.st_ino as u64)))
            }
            libc::S_IFIFO => return Ok(Some(Class::Pipe)),
            libc::S_IFREG | libc::S_IFDIR => return Ok(Some(Class::File)),
            libc::S_IFCHR | libc::S_IFBLK => return Ok(Some(Class::Other)),
            // Anonymous inodes of another file system (pidfds), a socket
            // file opened with O_PATH, a symbolic link: the link text decides.
            _ => return by_link(dir, name, fmt, p),
        }
    }
    match errno() {
        libc::ENOENT => Ok(None),
        libc::EACCES | libc::EPERM => Err(denied_or_gone(p, "fd", libc::EACCES)),
        libc::ESRCH => Err(ProcError::Exited),
        // What it points to cannot be looked at (a dead network file
        // system): the link text still tells sockets, pipes and anonymous
        // inodes, and anything else is "other".
        _ => by_link(dir, name, 0, p),
    }
}

/// Classifies by the link text; `fmt` is the file type if known (else 0).
fn by_link(
    dir: RawFd,
    name: &CStr,
    fmt: libc::mode_t,
    p: &Proc,
) -> Result<Option<Class>, ProcError> {
    let mut link = [0u8; 64];
    // SAFETY: name is NUL-terminated, link's length is passed.
    let n = unsafe { libc::readlinkat(dir, name.as_ptr(), link.as_mut_ptr().cast(), link.len()) };
    if n < 0 {
        return match errno() {
            libc::ENOENT => Ok(None),
            e => Err(denied_or_gone(p, "fd link", e)),
        };
    }
    let link = &link[..n as usize];
    Ok(Some(if let Some(rest) = link.strip_prefix(b"socket:") {
        let ino = rest
            .strip_prefix(b"[")
            .and_then(|r| r.strip_suffix(b"]"))
            .and_then(parse_u64)
            .unwrap_or(0);
        Class::Socket(ino)
    } else if link.starts_with(b"pipe:") {
        Class::Pipe
    } else if link.starts_with(b"anon_inode:") {
        Class::Anon
    } else {
        match fmt {
            libc::S_IFREG | libc::S_IFDIR => Class::File,
            libc::S_IFIFO => Class::Pipe,
            _ => Class::Other,
        }
    }))
}

/// `getxattrat(2)` (Linux 6.13) as a raw system call: the libc crate has
/// no wrapper yet. Same number on every architecture.
const SYS_GETXATTRAT: libc::c_long = 464;

#[repr(C)]
struct XattrArgs {
    value: u64,
    size: u32,
    flags: u32,
}

/// The protocol of socket fd `name` from its `system.sockprotoname`
/// attribute; `None` when the fd was closed meanwhile. Uses getxattrat on
/// the held fd directory, or before Linux 6.13 getxattr on the path through
/// /proc/self/fd/N, which goes through the held directory as well.
fn sock_proto(
    dir: RawFd,
    name: &CStr,
    p: &Proc,
    xattrat: &mut bool,
) -> Result<Option<Proto>, ProcError> {
    let mut pname = [0u8; 32];
    let attr = c"system.sockprotoname";
    let mut got = -1;
    if *xattrat {
        let args = XattrArgs {
            value: pname.as_mut_ptr() as u64,
            size: pname.len() as u32,
            flags: 0,
        };
        // SAFETY: name and attr are NUL-terminated, args points to pname,
        // whose size it gives.
        got = unsafe {
            libc::syscall(
                SYS_GETXATTRAT,
                dir,
                name.as_ptr(),
                0,
                attr.as_ptr(),
                &args as *const XattrArgs,
                std::mem::size_of::<XattrArgs>(),
            )
        } as isize;
        if got < 0 && matches!(errno(), libc::ENOSYS | libc::EPERM) {
            // An old kernel, or a seccomp filter that does not know it.
            *xattrat = false;
        }
    }
    if !*xattrat {
        let mut xpath = [0u8; 64];
        let nb = name.to_bytes_with_nul();
        let end = p.xlen + nb.len();
        if end > xpath.len() {
            return Ok(Some(Proto::Other));
        }
        xpath[..p.xlen].copy_from_slice(&p.xprefix[..p.xlen]);
        xpath[p.xlen..end].copy_from_slice(nb);
        // SAFETY: xpath is NUL-terminated at end-1; pname's length is passed.
        got = unsafe {
            libc::getxattr(
                xpath.as_ptr().cast(),
                attr.as_ptr(),
                pname.as_mut_ptr().cast(),
                pname.len(),
            )
        };
    }
    if got < 0 {
        return match errno() {
            libc::ENOENT => Ok(None),
            libc::ESRCH => Err(ProcError::Exited),
            _ => Ok(Some(Proto::Other)),
        };
    }
    let s = &pname[..got as usize];
    Ok(Some(proto(s.strip_suffix(b"\0").unwrap_or(s))))
}

const NETLINK_SOCK_DIAG: libc::c_int = 4;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

/// The inode of a network namespace: `/proc/PID/ns/net` or ours.
fn netns_of(dir: RawFd, path: &CStr) -> u64 {
    // SAFETY: path is NUL-terminated; st is a zeroed stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstatat(dir, path.as_ptr(), &mut st, 0) } == 0 {
        st.st_ino as u64
    } else {
        0
    }
}

/// Whether `p` is in the network namespace `ours` (0: unknown, so no).
/// Asked at every sample: a process may move (setns).
fn same_netns(p: &Proc, ours: u64) -> bool {
    ours != 0 && netns_of(p.dir.as_raw_fd(), c"ns/net") == ours
}

/// A NETLINK_SOCK_DIAG socket, or None where it may not be made.
fn diag_socket() -> Option<OwnedFd> {
    // SAFETY: a plain socket(2); the fd is owned below.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            NETLINK_SOCK_DIAG,
        )
    };
    // SAFETY: a fresh fd nobody else owns.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Bytes of directory entries read per getdents64 call.
const DENTS: usize = 32 * 1024;
/// Bytes of a /proc/net table read per read call.
const TABLE: usize = 64 * 1024;
/// A read of fewer bytes than this is the end of a /proc/net table: a page
/// less a margin of several rows (a tcp6 row is 178 bytes).
const SHORT_READ: usize = 4096 - 1024;

/// The reusable state of sampling: scratch buffers allocated once and the
/// plan of what to compute. One `Scanner` samples any number of processes.
pub struct Scanner {
    plan: Plan,
    states: States,
    devs: Devs,
    /// getxattrat(2) works here (cleared on the first ENOSYS).
    xattrat: bool,
    /// For TCP states in our own network namespace; None: use the tables.
    diag: Option<OwnedFd>,
    /// The inode of our network namespace.
    netns: u64,
    dents: Box<[u8]>,
    table: Box<[u8]>,
    /// Inodes of the TCP sockets seen this sample (v6 flag): matched against
    /// the state tables when `-s` is given.
    tcp: Vec<(u64, bool)>,
}

impl Scanner {
    /// A scanner for `kinds`; `states` narrows the tcp kinds (empty: all).
    pub fn new(kinds: &[Kind], states: States) -> Scanner {
        let any = |ks: &[Kind]| kinds.iter().any(|k| ks.contains(k));
        let scan = kinds.iter().any(|k| k.is_fd() && *k != Kind::All);
        let plan = Plan {
            scan,
            proto: any(&[
                Kind::Inet,
                Kind::Tcp,
                Kind::Tcp4,
                Kind::Tcp6,
                Kind::Udp,
                Kind::Udp4,
                Kind::Udp6,
                Kind::Unix,
            ]),
            all: kinds.contains(&Kind::All),
            rss: kinds.contains(&Kind::Rss),
            threads: kinds.contains(&Kind::Threads),
        };
        let want_tcp = !states.is_empty() && kinds.iter().any(|k| k.is_tcp());
        Scanner {
            plan,
            states: if want_tcp { states } else { States::default() },
            devs: if scan {
                Devs::learn()
            } else {
                Devs {
                    sock: Devs::UNKNOWN,
                    anon: Devs::UNKNOWN,
                }
            },
            xattrat: true,
            diag: if want_tcp { diag_socket() } else { None },
            netns: if want_tcp {
                netns_of(libc::AT_FDCWD, c"/proc/self/ns/net")
            } else {
                0
            },
            dents: vec![0u8; DENTS].into_boxed_slice(),
            table: if want_tcp {
                vec![0u8; TABLE].into_boxed_slice()
            } else {
                Box::default()
            },
            tcp: Vec::with_capacity(if want_tcp { 1024 } else { 0 }),
        }
    }

    /// One sample of `p` into `out` (overwritten).
    pub fn sample(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        out.clear();
        let mut maybe_gone = false;
        if self.plan.scan {
            self.scan(p, out)?;
            maybe_gone |= out.get(Kind::All) == 0;
        } else if self.plan.all {
            let n = self.count_all(p)?;
            out.set(Kind::All, n);
            maybe_gone |= n == 0;
        }
        if self.plan.rss {
            let kib = p.rss_kib()?;
            out.set(Kind::Rss, kib);
            maybe_gone |= kib == 0;
        }
        if self.plan.threads {
            let mut buf = [0u8; 1024];
            match p.threads_or_zombie(&mut buf)? {
                Some(n) => out.set(Kind::Threads, n),
                None => return Err(ProcError::Exited),
            }
        }
        // A live process with no fds and no memory is rare (kernel threads);
        // a zombie always looks like that, so only then is it worth a look.
        if maybe_gone && p.is_zombie()? {
            return Err(ProcError::Exited);
        }
        Ok(())
    }

    fn count_all(&mut self, p: &Proc) -> Result<u64, ProcError> {
        let fd = p.fds.as_ref().expect("fd dir held").as_raw_fd();
        // SAFETY: fstat into a zeroed stat on a valid fd.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(fd, &mut st) } != 0 {
            return Err(ProcError::from_errno("fd directory", errno()));
        }
        if st.st_size > 0 {
            return Ok(st.st_size as u64);
        }
        // Before Linux 6.2 the size is always 0: count the entries.
        self.count_listed(fd)
    }

    fn count_listed(&mut self, fd: RawFd) -> Result<u64, ProcError> {
        let mut n = 0;
        self.each_entry(fd, |_| {
            n += 1;
            Ok(())
        })?;
        Ok(n)
    }

    /// Calls `f` with the NUL-terminated name of every entry but . and ..
    fn each_entry(
        &mut self,
        dir: RawFd,
        mut f: impl FnMut(&CStr) -> Result<(), ProcError>,
    ) -> Result<(), ProcError> {
        // SAFETY: rewinding a directory fd we hold.
        if unsafe { libc::lseek(dir, 0, libc::SEEK_SET) } < 0 {
            return Err(ProcError::from_errno("fd directory", errno()));
        }
        loop {
            // SAFETY: the buffer is ours and its length is passed.
            let n = unsafe {
                libc::syscall(
                    libc::SYS_getdents64,
                    dir,
                    self.dents.as_mut_ptr(),
                    self.dents.len(),
                )
            };
            if n < 0 {
                let e = errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(ProcError::from_errno("fd directory", e));
            }
            if n == 0 {
                return Ok(());
            }
            let buf = &self.dents[..n as usize];
            let mut at = 0;
            while at + 19 < buf.len() {
                // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
                let reclen = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
                if reclen == 0 {
                    break;
                }
                let rec = &buf[at + 19..(at + reclen).min(buf.len())];
                if let Ok(name) = CStr::from_bytes_until_nul(rec) {
                    let b = name.to_bytes();
                    if b != b"." && b != b".." {
                        f(name)?;
                    }
                }
                at += reclen;
            }
        }
    }

    fn scan(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        let dir = p.fds.as_ref().expect("fd dir held").as_raw_fd();
        let plan = self.plan;
        let devs = self.devs;
        let want_states = !self.states.is_empty();
        let mut xattrat = self.xattrat;
        self.tcp.clear();
        let mut tcp = std::mem::take(&mut self.tcp);
        let r = self.each_entry(dir, |name| {
            let Some(class) = classify(dir, name, devs, p)? else {
                return Ok(()); // closed since the directory was read
            };
            let ino = match class {
                Class::Socket(ino) => ino,
                other => {
                    out.add(Kind::All, 1);
                    out.add(
                        match other {
                            Class::File => Kind::File,
                            Class::Pipe => Kind::Pipe,
                            Class::Anon => Kind::Anon,
                            _ => Kind::Other,
                        },
                        1,
                    );
                    return Ok(());
                }
            };
            let pr = if plan.proto {
                match sock_proto(dir, name, p, &mut xattrat)? {
                    Some(pr) => pr,
                    None => return Ok(()),
                }
            } else {
                Proto::Other
            };
            out.add(Kind::All, 1);
            out.add(Kind::Socket, 1);
            let (family, k) = match pr {
                Proto::Tcp4 => (Kind::Tcp, Kind::Tcp4),
                Proto::Tcp6 => (Kind::Tcp, Kind::Tcp6),
                Proto::Udp4 => (Kind::Udp, Kind::Udp4),
                Proto::Udp6 => (Kind::Udp, Kind::Udp6),
                Proto::OtherInet => (Kind::Inet, Kind::Inet),
                Proto::Unix => {
                    out.add(Kind::Unix, 1);
                    return Ok(());
                }
                Proto::Other => return Ok(()),
            };
            out.add(Kind::Inet, 1);
            if family != Kind::Inet {
                out.add(family, 1);
                out.add(k, 1);
            }
            if want_states && family == Kind::Tcp {
                tcp.push((ino, pr == Proto::Tcp6));
            }
            Ok(())
        });
        self.tcp = tcp;
        self.xattrat = xattrat;
        r?;
        if want_states {
            self.count_states(p, out)?;
        }
        Ok(())
    }

    /// Replaces the tcp counts by the counts of sockets in the wanted
    /// states, matching socket inodes against the target's TCP tables.
    fn count_states(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        self.tcp.sort_unstable();
        let n6 = self.tcp.iter().filter(|t| t.1).count() as u64;
        let n4 = self.tcp.len() as u64 - n6;
        let mut in4 = [0u64; 16];
        let mut in6 = [0u64; 16];
        // sock_diag answers for our own network namespace only, and in a
        // fraction of the time the /proc tables take (they walk the whole
        // connection hash table on every read).
        let diag = self.diag.is_some() && same_netns(p, self.netns);
        if diag {
            let r = (|| {
                if n4 > 0 {
                    self.dump_diag(libc::AF_INET as u8, false, &mut in4)?;
                }
                if n6 > 0 {
                    self.dump_diag(libc::AF_INET6 as u8, true, &mut in6)?;
                }
                Ok::<(), i32>(())
            })();
            if r.is_err() {
                // Refused here (a sandbox): the tables from now on.
                self.diag = None;
                in4 = [0; 16];
                in6 = [0; 16];
            }
        }
        if self.diag.is_none() || !diag {
            if n4 > 0 {
                self.read_table(p, c"net/tcp", false, n4, &mut in4)?;
            }
            if n6 > 0 {
                self.read_table(p, c"net/tcp6", true, n6, &mut in6)?;
            }
        }
        // Sockets in no table were never bound or connected, or are closed:
        // their state is CLOSE.
        in4[7] += n4 - in4.iter().sum::<u64>();
        in6[7] += n6 - in6.iter().sum::<u64>();
        let pick = |t: &[u64; 16]| -> u64 {
            (0..16u8)
                .filter(|&s| self.states.contains(s))
                .map(|s| t[s as usize])
                .sum()
        };
        let (t4, t6) = (pick(&in4), pick(&in6));
        out.set(Kind::Tcp4, t4);
        out.set(Kind::Tcp6, t6);
        out.set(Kind::Tcp, t4 + t6);
        Ok(())
    }

    /// Counts, per state, the fds in `self.tcp` of family `v6` among the
    /// sockets of our network namespace, asking sock_diag (NETLINK_SOCK_DIAG,
    /// as ss(8) does) for every state a socket can hold with an inode.
    fn dump_diag(&mut self, family: u8, v6: bool, by_state: &mut [u64; 16]) -> Result<(), i32> {
        let fd = self.diag.as_ref().ok_or(libc::ENOTSOCK)?.as_raw_fd();
        // struct nlmsghdr + struct inet_diag_req_v2 (the socket id left 0).
        let mut req = [0u8; 16 + 56];
        let total = req.len() as u32;
        req[0..4].copy_from_slice(&total.to_ne_bytes());
        req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
        req[6..8].copy_from_slice(&flags.to_ne_bytes());
        req[16] = family;
        req[17] = libc::IPPROTO_TCP as u8;
        // Every state but TIME_WAIT and NEW_SYN_RECV, which have no inode.
        let states: u32 = 0xffe & !(1 << 6);
        req[20..24].copy_from_slice(&states.to_ne_bytes());
        // SAFETY: sending our stack buffer on our socket.
        let sent = unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) };
        if sent != req.len() as isize {
            return Err(errno());
        }
        let tcp = &self.tcp;
        let buf = &mut self.table;
        loop {
            // SAFETY: receiving into our buffer, whose length is passed.
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                let e = errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(e);
            }
            let data = &buf[..n as usize];
            let mut at = 0;
            while at + 16 <= data.len() {
                let len = u32::from_ne_bytes(data[at..at + 4].try_into().unwrap()) as usize;
                let kind = u16::from_ne_bytes(data[at + 4..at + 6].try_into().unwrap());
                if len < 16 || at + len > data.len() {
                    return Err(libc::EPROTO);
                }
                match kind {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        let e = data
                            .get(at + 16..at + 20)
                            .map_or(libc::EPROTO, |b| -i32::from_ne_bytes(b.try_into().unwrap()));
                        return Err(e);
                    }
                    SOCK_DIAG_BY_FAMILY if len >= 16 + 72 => {
                        // struct inet_diag_msg: family, state, timer, retrans,
                        // the 48-byte id, expires, rqueue, wqueue, uid, inode.
                        let m = &data[at + 16..at + len];
                        let st = m[1];
                        let ino = u32::from_ne_bytes(m[68..72].try_into().unwrap()) as u64;
                        if ino != 0 {
                            let lo = tcp.partition_point(|t| t.0 < ino);
                            let hi = tcp.partition_point(|t| t.0 <= ino);
                            let n = tcp[lo..hi].iter().filter(|t| t.1 == v6).count() as u64;
                            by_state[(st & 15) as usize] += n;
                        }
                    }
                    _ => {}
                }
                at += (len + 3) & !3;
            }
        }
    }

    /// Counts, per state, the fds in `self.tcp` of family `v6` found in the
    /// table; stops reading once all `want` are found.
    fn read_table(
        &mut self,
        p: &Proc,
        path: &CStr,
        v6: bool,
        want: u64,
        by_state: &mut [u64; 16],
    ) -> Result<(), ProcError> {
        let fd = match open_at(p.dir.as_raw_fd(), path, libc::O_RDONLY) {
            Ok(fd) => fd,
            // No IPv6 in that namespace: no v6 table, no v6 socket in it.
            Err(libc::ENOENT) if v6 => return Ok(()),
            Err(e) => return Err(ProcError::from_errno("net/tcp", e)),
        };
        let mut found = 0u64;
        let mut keep = 0usize; // bytes of a partial line carried over
        let mut first = true;
        let tcp = &self.tcp;
        let buf = &mut self.table;
        loop {
            // SAFETY: reading into the free tail of our buffer.
            let r = unsafe {
                libc::read(
                    fd.as_raw_fd(),
                    buf[keep..].as_mut_ptr().cast(),
                    buf.len() - keep,
                )
            };
            if r < 0 {
                let e = errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(ProcError::from_errno("net/tcp", e));
            }
            let filled = keep + r as usize;
            // seq_file stops a read short of the buffer only at the end of
            // the table or when its own buffer (a page or more) is full. So a
            // read of less than a page minus a row is the end: reading on
            // would make the kernel walk the whole hash table once more just
            // to say so, which costs as much as the table itself.
            let eof = (r as usize) < SHORT_READ;
            let data = &buf[..filled];
            let mut at = 0;
            loop {
                let end = match memchr::memchr(b'\n', &data[at..]) {
                    Some(i) => at + i,
                    None if eof && at < filled => filled,
                    None => break,
                };
                let line = &data[at..end];
                at = (end + 1).min(filled);
                if first {
                    first = false; // the column header
                } else if let Some((st, ino)) = tcp_row(line) {
                    if ino != 0 {
                        let lo = tcp.partition_point(|t| t.0 < ino);
                        let hi = tcp.partition_point(|t| t.0 <= ino);
                        let n = tcp[lo..hi].iter().filter(|t| t.1 == v6).count() as u64;
                        by_state[(st & 15) as usize] += n;
                        found += n;
                    }
                }
                if end == filled {
                    break;
                }
            }
            if eof || found >= want {
                return Ok(());
            }
            // Carry the partial line to the front; a line that long cannot
            // be a table row and is dropped.
            let rest = filled - at;
            // (Room for a whole page must stay, or a short read would not
            // mean the end.)
            if rest + 2 * 4096 < buf.len() {
                buf.copy_within(at..filled, 0);
                keep = rest;
            } else {
                keep = 0;
            }
        }
    }
}

/// The fields of /proc/PID/stat after the command name, which may itself
/// hold spaces and parentheses: everything after the last ')'.
fn stat_fields(s: &[u8]) -> Option<&[u8]> {
    memchr::memrchr(b')', s).map(|at| &s[at + 1..])
}

/// Every parser of /proc text on arbitrary bytes, for the fuzz target
/// (`leakhunt::fuzzing::proc_tables`): each line as a TCP table row, a
/// socket protocol name, a stat line and a statm line.
#[doc(hidden)]
pub fn parse_all(data: &[u8]) -> u64 {
    let mut seen = 0u64;
    for line in data.split(|&b| b == b'\n') {
        if let Some((st, ino)) = tcp_row(line) {
            seen = seen.wrapping_add(u64::from(st)).wrapping_add(ino);
        }
        seen = seen.wrapping_add(proto(line) as u64);
    }
    if let Some(rest) = stat_fields(data) {
        seen = seen.wrapping_add(field(rest, 17).and_then(parse_u64).unwrap_or(0));
    }
    seen.wrapping_add(field(data, 1).and_then(parse_u64).unwrap_or(0))
}

/// `(state, inode)` of a /proc/net/tcp row: fields 4 and 10.
fn tcp_row(line: &[u8]) -> Option<(u8, u64)> {
    let mut f = line.split(|&c| c == b' ').filter(|f| !f.is_empty());
    let st = parse_hex(f.nth(3)?)?;
    let ino = parse_u64(f.nth(5)?)?;
    Some((st, ino))
}

/// Finds processes by command name, as `pgrep -x NAME` does: the kernel's
/// command name (/proc/PID/comm, at most 15 bytes) equal to NAME.
pub struct Finder {
    proc: OwnedFd,
    name: [u8; 16],
    len: usize,
    me: u32,
    dents: Box<[u8]>,
    /// The matches of the last `resolve`, in /proc order.
    pub pids: Vec<u32>,
}

/// The kernel keeps this many bytes of a command name.
pub const COMM_LEN: usize = 15;

impl Finder {
    /// A finder for `name`, which is cut to the kernel's 15 bytes.
    pub fn new(name: &str) -> io::Result<Finder> {
        let proc = open_at(libc::AT_FDCWD, c"/proc", libc::O_RDONLY | libc::O_DIRECTORY)
            .map_err(io::Error::from_raw_os_error)?;
        let b = name.as_bytes();
        let len = b.len().min(COMM_LEN);
        let mut n = [0u8; 16];
        n[..len].copy_from_slice(&b[..len]);
        Ok(Finder {
            proc,
            name: n,
            len,
            me: std::process::id(),
            dents: vec![0u8; DENTS].into_boxed_slice(),
            pids: Vec::with_capacity(64),
        })
    }

    /// Re-reads /proc: fills `pids` with the current matches (never this
    /// process itself, as pgrep never lists itself).
    pub fn resolve(&mut self) -> io::Result<()> {
        self.pids.clear();
        let dir = self.proc.as_raw_fd();
        // SAFETY: rewinding a directory fd we hold.
        if unsafe { libc::lseek(dir, 0, libc::SEEK_SET) } < 0 {
            return Err(io::Error::last_os_error());
        }
        loop {
            // SAFETY: the buffer is ours and its length is passed.
            let n = unsafe {
                libc::syscall(
                    libc::SYS_getdents64,
                    dir,
                    self.dents.as_mut_ptr(),
                    self.dents.len(),
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if n == 0 {
                return Ok(());
            }
            let mut at = 0;
            let n = n as usize;
            while at + 19 < n {
                let reclen =
                    u16::from_ne_bytes([self.dents[at + 16], self.dents[at + 17]]) as usize;
                if reclen == 0 {
                    break;
                }
                let rec = &self.dents[at + 19..(at + reclen).min(n)];
                at += reclen;
                let Ok(name) = CStr::from_bytes_until_nul(rec) else {
                    continue;
                };
                let Some(pid) = parse_u64(name.to_bytes()) else {
                    continue;
                };
                let pid = pid as u32;
                if pid == self.me {
                    continue;
                }
                let mut path = [0u8; 32];
                let nb = name.to_bytes();
                path[..nb.len()].copy_from_slice(nb);
                path[nb.len()..nb.len() + 6].copy_from_slice(b"/comm\0");
                let cpath = CStr::from_bytes_until_nul(&path).expect("NUL-terminated");
                let Ok(fd) = open_at(dir, cpath, libc::O_RDONLY) else {
                    continue; // gone since the listing
                };
                let mut comm = [0u8; 32];
                let Ok(got) = pread_all(fd.as_raw_fd(), &mut comm) else {
                    continue;
                };
                let c = &comm[..got];
                let c = c.strip_suffix(b"\n").unwrap_or(c);
                if c == &self.name[..self.len] {
                    // Grows only when more processes match than ever before.
                    self.pids.push(pid);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let p = Proc::open(std::process::id(), Needs::of(&[Kind::Tcp])).unwrap();
        let dir = p.fds.as_ref().unwrap().as_raw_fd();
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
        let blind = Devs {
            sock: Devs::UNKNOWN,
            anon: Devs::UNKNOWN,
        };
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
        let p = Proc::open(child.id(), Needs::of(&[Kind::All])).unwrap();
        let mut s = Scanner::new(&[Kind::All], States::default());
        let fd = p.fds.as_ref().unwrap().as_raw_fd();
        let listed = s.count_listed(fd).unwrap();
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
        let p = Proc::open(pid, Needs::of(&kinds)).unwrap();
        let mut got = Vec::new();
        for name in ["established", "listen", "close", "syn-sent"] {
            let mut st = States::default();
            st.insert(States::parse_one(name).unwrap());
            let mut diag = Scanner::new(&kinds, st);
            assert!(diag.diag.is_some(), "no sock_diag socket here");
            let mut tables = Scanner::new(&kinds, st);
            tables.diag = None;
            let (mut a, mut b) = (Counts::default(), Counts::default());
            diag.sample(&p, &mut a).unwrap();
            tables.sample(&p, &mut b).unwrap();
            assert!(diag.diag.is_some(), "sock_diag failed");
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
        let p = Proc::open(me, Needs::of(&Kind::LIST)).unwrap();
        let mut s = Scanner::new(&Kind::LIST, States::default());
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
            Proc::open(u32::MAX - 1, Needs::of(&[Kind::All])).unwrap_err(),
            ProcError::NoSuchProcess
        );
    }
}
