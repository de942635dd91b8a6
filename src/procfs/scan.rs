//! The sampler: [`Scanner`] turns the columns asked for into a plan, walks
//! a process's fd directory once per sample, resolves its sockets against
//! the kernel's tables, and fills [`Counts`]. All its scratch space is
//! allocated when it is made (the socket list grows only past its largest
//! size so far), so a steady-state sample allocates nothing.
//!
//! Two ways to look at an fd give the same answers (a test holds them
//! equal): through /proc/PID/fd (`statat`, and the socket's protocol from
//! sock_diag dumps or its `system.sockprotoname` xattr), or, where the
//! kernel permits it (root or CAP_SYS_PTRACE over the target),
//! `pidfd_getfd` and `fstat` plus `getsockopt` on the duplicate, which
//! costs about half as much.

use super::classify::{by_link, classify, link_class, sock_proto, Class, Devs, Proto};
use super::dents::{Dents, Stop};
use super::kinds::{Col, Counts, Kind, States};
use super::narrow::{Inet, Sel};
use super::tcp::{Net, Sock, AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};
use super::{parse_u64, Proc, ProcError};
use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;
use std::ffi::CStr;

/// What a sample has to compute, derived from the columns asked for.
#[derive(Clone, Copy, Debug, Default)]
struct Plan {
    /// Classify every fd (anything beyond `all`).
    scan: bool,
    /// Learn sockets' protocols.
    proto: bool,
    /// Read the socket tables (states, ports, peers).
    net: bool,
    /// Of UDP sockets too.
    udp: bool,
    /// Read the paths of files (globs, `--top`).
    paths: bool,
    /// Report every fd to the caller (`--top`).
    detail: bool,
    all: bool,
    rss: bool,
    threads: bool,
    limit: bool,
    anon_swap: bool,
}

/// What a socket fd is, as far as it has been learnt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SockPr {
    Unknown,
    /// Closed while being looked at: not counted.
    Gone,
    Inet(Inet),
    /// A Unix socket and its type (SOCK_STREAM...; 0 unknown).
    Unix(u8),
    OtherInet,
    Other,
}

/// One socket fd of this sample.
#[derive(Clone, Copy, Debug)]
struct SockFd {
    ino: u64,
    fd: u32,
    pr: SockPr,
    /// Its table entry, when it is in one.
    sock: Option<Sock>,
}

/// One fd as `--top` groups it.
#[derive(Clone, Copy, Debug)]
pub enum FdInfo<'a> {
    /// A regular file's path (a deleted file's without ` (deleted)`).
    File(&'a [u8]),
    Dir(&'a [u8]),
    Pipe,
    /// The anonymous inode's name: `[eventfd]`, `inotify`...
    Anon(&'a [u8]),
    /// A device or anything else: its link text.
    Other(&'a [u8]),
    Unix(u8),
    Inet(Inet, Option<&'a Sock>),
    OtherInet,
    Socket,
}

/// Sockets below this many are asked their protocol one by one: a
/// sock_diag dump lists every socket of the namespace, which costs more
/// than a few xattr reads on a busy machine.
const DIAG_MIN: usize = 32;

/// The reusable state of sampling: scratch buffers allocated once and the
/// plan of what to compute. One `Scanner` samples any number of processes.
pub struct Scanner {
    plan: Plan,
    states: States,
    devs: Devs,
    /// getxattrat(2) works here (cleared on the first ENOSYS).
    xattrat: bool,
    /// Use pidfd_getfd where the kernel permits it.
    pidfd: bool,
    pub(crate) net: Net,
    dents: Dents,
    socks: Vec<SockFd>,
    /// Sockets of the last sample (`usize::MAX` before the first).
    last_socks: usize,
    globs: Vec<(usize, Sel)>,
    nets: Vec<(usize, Sel)>,
    path: Box<[u8]>,
}

fn dir_error(e: Stop<ProcError>) -> ProcError {
    match e {
        Stop::By(e) => e,
        Stop::Sys(e) => ProcError::from_errno("fd directory", e.raw_os_error()),
    }
}

fn errno(what: &'static str, e: Errno) -> ProcError {
    ProcError::from_errno(what, e.raw_os_error())
}

/// A link text's anonymous inode name, a deleted file's path without the
/// suffix the kernel adds.
fn file_path(link: &[u8]) -> &[u8] {
    link.strip_suffix(b" (deleted)").unwrap_or(link)
}

impl Scanner {
    /// A scanner for `cols`; `states` narrows the tcp kinds (empty: all).
    pub fn new(cols: &[Col], states: States) -> Scanner {
        Scanner::with_plan(cols, states, false)
    }

    /// A scanner for `--top`: every fd classified and reported.
    pub fn for_top() -> Scanner {
        Scanner::with_plan(&[], States::default(), true)
    }

    fn with_plan(cols: &[Col], states: States, top: bool) -> Scanner {
        let has = |k: Kind| cols.contains(&Col::Kind(k));
        let mut globs = Vec::new();
        let mut nets = Vec::new();
        for c in cols {
            if let Col::Narrow { slot, narrow } = c {
                match &narrow.sel {
                    Sel::File(_) => globs.push((*slot, narrow.sel.clone())),
                    Sel::Net { .. } => nets.push((*slot, narrow.sel.clone())),
                }
            }
        }
        let want_states = !states.is_empty() && cols.iter().any(|c| c.is_tcp());
        let udp_net = nets
            .iter()
            .any(|(_, s)| matches!(s, Sel::Net { proto, .. } if proto.is_udp()));
        let proto =
            top || !nets.is_empty() || cols.iter().filter_map(Col::kind).any(Kind::needs_proto);
        let scan = top || cols.iter().any(|c| c.is_fd() && *c != Col::Kind(Kind::All));
        let net = top || want_states || !nets.is_empty();
        let plan = Plan {
            scan,
            proto,
            net,
            udp: top || udp_net,
            paths: top || !globs.is_empty(),
            detail: top,
            all: has(Kind::All),
            rss: has(Kind::Rss),
            threads: has(Kind::Threads),
            limit: has(Kind::Limit),
            anon_swap: has(Kind::RssAnon) || has(Kind::Swap),
        };
        Scanner {
            plan,
            states: if want_states {
                states
            } else {
                States::default()
            },
            devs: if scan { Devs::learn() } else { Devs::BLIND },
            xattrat: true,
            pidfd: true,
            net: Net::new(proto || net),
            dents: Dents::default(),
            socks: Vec::with_capacity(if scan { 1024 } else { 0 }),
            last_socks: usize::MAX,
            globs,
            nets,
            path: vec![0u8; if scan { 4096 } else { 0 }].into_boxed_slice(),
        }
    }

    /// Whether to use pidfd_getfd where permitted (on by default; off, every
    /// fd is looked at through /proc).
    pub fn use_pidfd(&mut self, on: bool) {
        self.pidfd = on;
    }

    /// Whether the last sample of `p` went through pidfd_getfd.
    pub fn used_pidfd(&self, p: &Proc) -> bool {
        self.pidfd && p.pidfd_ok()
    }

    /// One sample of `p` into `out` (overwritten).
    pub fn sample(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        self.sample_each(p, out, &mut |_| {})
    }

    /// One sample, calling `each` for every fd when made by [`for_top`].
    ///
    /// [`for_top`]: Scanner::for_top
    pub fn sample_each(
        &mut self,
        p: &Proc,
        out: &mut Counts,
        each: &mut dyn FnMut(FdInfo),
    ) -> Result<(), ProcError> {
        out.clear();
        let mut maybe_gone = false;
        if self.plan.scan {
            self.scan(p, out, each)?;
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
        if self.plan.limit {
            out.set(Kind::Limit, p.fd_limit()?);
        }
        if self.plan.anon_swap {
            let (anon, swap) = p.anon_swap_kib()?;
            out.set(Kind::RssAnon, anon);
            out.set(Kind::Swap, swap);
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

    pub(crate) fn count_all(&mut self, p: &Proc) -> Result<u64, ProcError> {
        let st = rustix::fs::fstat(p.fd_dir()).map_err(|e| errno("fd directory", e))?;
        if st.st_size > 0 {
            return Ok(st.st_size as u64);
        }
        // Before Linux 6.2 the size is always 0: count the entries.
        self.count_listed(p)
    }

    pub(crate) fn count_listed(&mut self, p: &Proc) -> Result<u64, ProcError> {
        let mut n = 0;
        self.dents
            .each(p.fd_dir(), |_| {
                n += 1;
                Ok(())
            })
            .map_err(dir_error)?;
        Ok(n)
    }

    fn scan(
        &mut self,
        p: &Proc,
        out: &mut Counts,
        each: &mut dyn FnMut(FdInfo),
    ) -> Result<(), ProcError> {
        let dir = p.fd_dir();
        let plan = self.plan;
        let devs = self.devs;
        let use_pidfd = self.pidfd;
        // Many sockets (as many as last time): their protocols come from
        // sock_diag dumps after the walk, cheaper than getsockopt on each.
        let ask = plan.proto && !(self.last_socks >= DIAG_MIN && self.net.diag.is_some());
        let detail = plan.detail;
        self.socks.clear();
        let Scanner {
            dents,
            socks,
            globs,
            path,
            ..
        } = self;
        let mut one = |fd: u64, name: &CStr| -> Result<(), ProcError> {
            let mut pr = SockPr::Unknown;
            let class = match use_pidfd.then(|| by_pidfd(p, fd as i32, devs, ask, detail)) {
                Some(Ok(Some((class, spr)))) => {
                    pr = spr;
                    match class {
                        Some(c) => c,
                        None => match by_link(dir, name, rustix::fs::FileType::Unknown, p)? {
                            Some(c) => c,
                            None => return Ok(()),
                        },
                    }
                }
                Some(Ok(None)) => return Ok(()), // closed meanwhile
                Some(Err(e)) => return Err(e),
                None => match classify(dir, name, devs, p)? {
                    Some(c) => c,
                    None => return Ok(()), // closed since the directory was read
                },
            };
            let kind = match class {
                Class::Socket(ino) => {
                    socks.push(SockFd {
                        ino,
                        fd: fd as u32,
                        pr,
                        sock: None,
                    });
                    return Ok(());
                }
                Class::File | Class::Dir => Kind::File,
                Class::Pipe => Kind::Pipe,
                Class::Anon => Kind::Anon,
                Class::Other => Kind::Other,
            };
            let link = if plan.paths && (plan.detail || class == Class::File) {
                match rustix::fs::readlinkat_raw(dir, name, &mut path[..]) {
                    Ok(n) => &path[..n.min(path.len())],
                    Err(Errno::NOENT) => return Ok(()),
                    Err(_) => &[][..],
                }
            } else {
                &[][..]
            };
            out.add(Kind::All, 1);
            out.add(kind, 1);
            if class == Class::File {
                let fp = file_path(link);
                for (slot, g) in globs.iter() {
                    if g.matches_path(fp) {
                        out.add_narrow(*slot, 1);
                    }
                }
            }
            if plan.detail {
                each(match class {
                    Class::File => FdInfo::File(file_path(link)),
                    Class::Dir => FdInfo::Dir(file_path(link)),
                    Class::Pipe => FdInfo::Pipe,
                    Class::Anon => FdInfo::Anon(link.strip_prefix(b"anon_inode:").unwrap_or(link)),
                    _ => FdInfo::Other(link),
                });
            }
            Ok(())
        };
        // Through pidfd_getfd the fd numbers need no listing: every number
        // below the size of the fd table is tried (an unused one costs an
        // EBADF, far less than getdents64 on /proc/PID/fd, which makes a
        // dentry per fd), when the table is not much sparser than full.
        match use_pidfd.then(|| numbers(p)).flatten() {
            Some(size) => {
                for fd in 0..size {
                    let mut b = [0u8; 16];
                    one(fd, super::proc::fmt_cstr(&mut b, format_args!("{fd}")))?;
                }
            }
            None => dents
                .each(dir, |name: &CStr| match parse_u64(name.to_bytes()) {
                    Some(fd) => one(fd, name),
                    None => Ok(()),
                })
                .map_err(dir_error)?,
        }
        self.last_socks = self.socks.len();
        if self.socks.is_empty() {
            return Ok(());
        }
        self.socks.sort_unstable_by_key(|s| s.ino);
        let mut dumped = false;
        if plan.proto {
            dumped = self.resolve_protocols(p)?;
        }
        if plan.net && !dumped {
            self.read_tables(p)?;
        }
        self.tally(out, each);
        Ok(())
    }

    /// Learns the protocol of every socket whose protocol is unknown: from
    /// sock_diag dumps when there are many and the target shares our network
    /// namespace (the dumps bring states and endpoints too: returns true),
    /// else, and for sockets in no dump, from each one's xattr.
    fn resolve_protocols(&mut self, p: &Proc) -> Result<bool, ProcError> {
        let unknown = self
            .socks
            .iter()
            .filter(|s| s.pr == SockPr::Unknown)
            .count();
        let mut dumped = false;
        if unknown >= DIAG_MIN && self.net.diag_for(p) {
            match self.dump_all() {
                Ok(()) => dumped = true,
                Err(_) => {
                    // Refused here (a sandbox): the tables and xattrs from now on.
                    self.net.diag = None;
                    for s in self.socks.iter_mut() {
                        s.sock = None;
                        if !matches!(s.pr, SockPr::Gone) {
                            s.pr = SockPr::Unknown;
                        }
                    }
                }
            }
        } else if unknown == 0 {
            return Ok(false);
        }
        let dir = p.fd_dir();
        let mut xattrat = self.xattrat;
        for s in self.socks.iter_mut().filter(|s| s.pr == SockPr::Unknown) {
            let mut b = [0u8; 16];
            let name = super::proc::fmt_cstr(&mut b, format_args!("{}", s.fd));
            s.pr = match sock_proto(dir, name, p, &mut xattrat)? {
                None => SockPr::Gone,
                Some(Proto::Tcp4) => SockPr::Inet(Inet::Tcp4),
                Some(Proto::Tcp6) => SockPr::Inet(Inet::Tcp6),
                Some(Proto::Udp4) => SockPr::Inet(Inet::Udp4),
                Some(Proto::Udp6) => SockPr::Inet(Inet::Udp6),
                Some(Proto::Unix) => SockPr::Unix(0),
                Some(Proto::OtherInet) => SockPr::OtherInet,
                Some(Proto::Other) => SockPr::Other,
            };
        }
        self.xattrat = xattrat;
        Ok(dumped)
    }

    /// sock_diag dumps of TCP and UDP over IPv4 and IPv6, and of Unix
    /// sockets, matched against this sample's sockets by inode.
    fn dump_all(&mut self) -> Result<(), Errno> {
        let socks = &mut self.socks;
        for (fam, proto, inet) in [
            (AF_INET, IPPROTO_TCP, Inet::Tcp4),
            (AF_INET6, IPPROTO_TCP, Inet::Tcp6),
            (AF_INET, IPPROTO_UDP, Inet::Udp4),
            (AF_INET6, IPPROTO_UDP, Inet::Udp6),
        ] {
            self.net.dump(fam, proto, |s| {
                mark(socks, s.ino, |e| {
                    if matches!(e.pr, SockPr::Unknown | SockPr::Inet(_)) {
                        e.pr = SockPr::Inet(inet);
                        e.sock = Some(*s);
                    }
                    1
                });
            })?;
        }
        self.net.dump_unix(|ino, ty| {
            mark(socks, ino, |e| {
                if e.pr == SockPr::Unknown {
                    e.pr = SockPr::Unix(ty);
                }
                1
            });
        })
    }

    /// Finds the table entry of every inet socket: by sock_diag in our
    /// network namespace, else from the target's /proc/PID/net tables.
    fn read_tables(&mut self, p: &Proc) -> Result<(), ProcError> {
        let plan = self.plan;
        let want = |inet: Inet| -> u64 {
            self.socks
                .iter()
                .filter(|s| s.pr == SockPr::Inet(inet))
                .count() as u64
        };
        let todo = [
            (AF_INET, IPPROTO_TCP, Inet::Tcp4, c"net/tcp"),
            (AF_INET6, IPPROTO_TCP, Inet::Tcp6, c"net/tcp6"),
            (AF_INET, IPPROTO_UDP, Inet::Udp4, c"net/udp"),
            (AF_INET6, IPPROTO_UDP, Inet::Udp6, c"net/udp6"),
        ]
        .map(|(f, pr, inet, path)| (f, pr, inet, path, want(inet)));
        let diag = self.net.diag_for(p);
        for (fam, proto, inet, path, n) in todo {
            if n == 0 || (!inet.is_tcp() && !plan.udp) {
                continue;
            }
            let socks = &mut self.socks;
            let mut set = |s: &Sock| {
                mark(socks, s.ino, |e| {
                    if e.pr == SockPr::Inet(inet) {
                        e.sock = Some(*s);
                        1
                    } else {
                        0
                    }
                })
            };
            if diag && self.net.diag.is_some() {
                if self
                    .net
                    .dump(fam, proto, |s| {
                        set(s);
                    })
                    .is_ok()
                {
                    continue;
                }
                // Refused here (a sandbox): the tables from now on.
                self.net.diag = None;
            }
            self.net.table(p, path, inet.is_v6(), n, set)?;
        }
        Ok(())
    }

    /// Counts this sample's sockets into `out`.
    fn tally(&mut self, out: &mut Counts, each: &mut dyn FnMut(FdInfo)) {
        let states = self.states;
        let detail = self.plan.detail;
        let proto_known = self.plan.proto;
        for s in &self.socks {
            if s.pr == SockPr::Gone {
                continue;
            }
            out.add(Kind::All, 1);
            out.add(Kind::Socket, 1);
            let inet = match s.pr {
                SockPr::Unix(ty) => {
                    out.add(Kind::Unix, 1);
                    if detail {
                        each(FdInfo::Unix(ty));
                    }
                    continue;
                }
                SockPr::OtherInet => {
                    out.add(Kind::Inet, 1);
                    if detail {
                        each(FdInfo::OtherInet);
                    }
                    continue;
                }
                SockPr::Inet(i) => i,
                _ => {
                    if detail && proto_known {
                        each(FdInfo::Socket);
                    }
                    continue;
                }
            };
            out.add(Kind::Inet, 1);
            // A socket in no table was never bound or connected, or is closed:
            // its state is CLOSE.
            let st = s.sock.map_or(7, |t| t.state) & 15;
            let picked = states.is_empty() || states.contains(st);
            if inet.is_tcp() {
                let fam = if inet == Inet::Tcp4 { 1 } else { 2 };
                out.ks[0][st as usize % 12] += 1;
                out.ks[fam][st as usize % 12] += 1;
                if picked {
                    out.add(Kind::Tcp, 1);
                    out.add(if fam == 1 { Kind::Tcp4 } else { Kind::Tcp6 }, 1);
                }
            } else {
                out.add(Kind::Udp, 1);
                out.add(
                    if inet == Inet::Udp4 {
                        Kind::Udp4
                    } else {
                        Kind::Udp6
                    },
                    1,
                );
            }
            for (slot, sel) in &self.nets {
                if sel.matches_sock(inet, s.sock.as_ref()) {
                    if inet.is_tcp() {
                        out.ns[*slot][st as usize % 12] += 1;
                        if picked {
                            out.add_narrow(*slot, 1);
                        }
                    } else {
                        out.add_narrow(*slot, 1);
                    }
                }
            }
            if detail {
                each(FdInfo::Inet(inet, s.sock.as_ref()));
            }
        }
    }
}

/// The size of `p`'s fd table when it is worth walking by number: the
/// pidfd path is open, and the table holds at least a quarter as many fds
/// as it has room for (its size is /proc/PID/status's FDSize; the count
/// of open fds, the fd directory's size, Linux 6.2 and later).
fn numbers(p: &Proc) -> Option<u64> {
    if !p.pidfd_ok() {
        return None;
    }
    let open = rustix::fs::fstat(p.fd_dir()).ok()?.st_size as u64;
    let size = p.fd_table_size()?;
    (open > 0 && size <= 4 * open + 64).then_some(size)
}

/// Applies `f` to every entry of `socks` (sorted by inode) with inode
/// `ino`; returns the sum of what `f` says (the fds it took).
fn mark(socks: &mut [SockFd], ino: u64, mut f: impl FnMut(&mut SockFd) -> u64) -> u64 {
    let lo = socks.partition_point(|t| t.ino < ino);
    let mut n = 0;
    for e in socks[lo..].iter_mut().take_while(|t| t.ino == ino) {
        n += f(e);
    }
    n
}

/// Classifies fd number `fd` of `p` through a duplicate made by
/// pidfd_getfd: `Ok(None)` when it was closed meanwhile, the class `None`
/// when only the link text can tell. Turns the pidfd path off for `p` when
/// the kernel does not permit it.
#[allow(clippy::type_complexity)]
fn by_pidfd(
    p: &Proc,
    fd: i32,
    devs: Devs,
    proto: bool,
    detail: bool,
) -> Result<Option<(Option<Class>, SockPr)>, ProcError> {
    let Some(pidfd) = p.pidfd.as_ref().filter(|_| p.pidfd_ok()) else {
        return fallback(p, fd, devs);
    };
    let dup =
        match rustix::process::pidfd_getfd(pidfd, fd, rustix::process::PidfdGetfdFlags::empty()) {
            Ok(d) => d,
            Err(Errno::BADF) => return Ok(None),
            Err(Errno::SRCH) => return Err(ProcError::Exited),
            Err(_) => {
                // EPERM: not ours to take (no CAP_SYS_PTRACE over it), ENOSYS:
                // before Linux 5.6. The /proc path from now on.
                p.pidfd_refused();
                return fallback(p, fd, devs);
            }
        };
    let st = rustix::fs::fstat(&dup).map_err(|e| errno("fd", e))?;
    let class = devs.of(&st);
    let pr = match class {
        Some(Class::Socket(_)) if proto => sock_kind(dup.as_fd(), detail),
        _ => SockPr::Unknown,
    };
    Ok(Some((class, pr)))
}

/// The /proc path for one fd, for `by_pidfd` once it has been refused.
#[allow(clippy::type_complexity)]
fn fallback(p: &Proc, fd: i32, devs: Devs) -> Result<Option<(Option<Class>, SockPr)>, ProcError> {
    let mut b = [0u8; 16];
    let name = super::proc::fmt_cstr(&mut b, format_args!("{fd}"));
    Ok(classify(p.fd_dir(), name, devs, p)?.map(|c| (Some(c), SockPr::Unknown)))
}

/// A socket's protocol from getsockopt on a descriptor of our own; a Unix
/// socket's type only when `detail` wants it.
fn sock_kind(fd: BorrowedFd, detail: bool) -> SockPr {
    use rustix::net::{sockopt, AddressFamily, SocketType};
    let Ok(dom) = sockopt::socket_domain(fd) else {
        return SockPr::Unknown;
    };
    if dom == AddressFamily::UNIX {
        let ty = if detail {
            sockopt::socket_type(fd).map_or(0, |t| t.as_raw() as u8)
        } else {
            0
        };
        return SockPr::Unix(ty);
    }
    let v6 = dom == AddressFamily::INET6;
    if dom != AddressFamily::INET && !v6 {
        return SockPr::Other;
    }
    // The type too: a raw socket may carry IPPROTO_TCP as its protocol.
    let ty = sockopt::socket_type(fd).ok();
    let proto = sockopt::socket_protocol(fd)
        .ok()
        .flatten()
        .map_or(0, |p| p.as_raw().get());
    match (ty, proto as i32, v6) {
        (Some(SocketType::STREAM), libc::IPPROTO_TCP, false) => SockPr::Inet(Inet::Tcp4),
        (Some(SocketType::STREAM), libc::IPPROTO_TCP, true) => SockPr::Inet(Inet::Tcp6),
        (Some(SocketType::DGRAM), libc::IPPROTO_UDP, false) => SockPr::Inet(Inet::Udp4),
        (Some(SocketType::DGRAM), libc::IPPROTO_UDP, true) => SockPr::Inet(Inet::Udp6),
        _ => SockPr::OtherInet,
    }
}

/// The class of a link text, for callers outside (the tests' oracle).
#[doc(hidden)]
pub fn class_of_link(link: &[u8]) -> &'static str {
    match link_class(link, rustix::fs::FileType::Unknown) {
        Class::Socket(_) => "socket",
        Class::Pipe => "pipe",
        Class::Anon => "anon",
        _ => "other",
    }
}
