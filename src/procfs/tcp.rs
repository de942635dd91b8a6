//! The kernel's socket tables: every TCP or UDP socket of a network
//! namespace as a [`Sock`] (inode, state, both endpoints), from sock_diag
//! netlink dumps (NETLINK_SOCK_DIAG, as ss(8) asks) when the target shares
//! our network namespace, else from the target's own /proc/PID/net/tcp,
//! tcp6, udp and udp6 (its namespace), read in fixed-size chunks and split
//! with memchr. Both paths reuse one buffer: no heap allocation per sample.

use super::proc::open_at;
use super::{parse_u64, Proc, ProcError};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, OFlags, CWD};
use rustix::io::Errno;
use std::ffi::CStr;

const NETLINK_SOCK_DIAG: u32 = 4;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
pub(crate) const AF_INET: u8 = libc::AF_INET as u8;
pub(crate) const AF_INET6: u8 = libc::AF_INET6 as u8;
pub(crate) const IPPROTO_TCP: u8 = libc::IPPROTO_TCP as u8;
pub(crate) const IPPROTO_UDP: u8 = libc::IPPROTO_UDP as u8;

/// Bytes of a table (or of netlink replies) read per call.
const TABLE: usize = 64 * 1024;
/// A read of fewer bytes than this is the end of a /proc/net table: a page
/// less a margin of several rows (a tcp6 row is 178 bytes).
const SHORT_READ: usize = 4096 - 1024;

/// One socket of a table. Addresses are in network byte order; an IPv4
/// address fills the first 4 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sock {
    pub ino: u64,
    pub state: u8,
    pub v6: bool,
    pub local: [u8; 16],
    pub lport: u16,
    pub remote: [u8; 16],
    pub rport: u16,
}

/// The inode of a network namespace: `/proc/PID/ns/net` or ours.
fn netns_of(dir: BorrowedFd, path: &CStr) -> u64 {
    rustix::fs::statat(dir, path, AtFlags::empty()).map_or(0, |st| st.st_ino)
}

/// The socket tables of the processes sampled, and the means to read them.
pub(crate) struct Net {
    /// For sockets of our own network namespace; None: use the tables.
    pub diag: Option<OwnedFd>,
    /// The inode of our network namespace.
    netns: u64,
    buf: Box<[u8]>,
}

impl Net {
    /// `want`: tables will be read (else nothing is set up).
    pub fn new(want: bool) -> Net {
        if !want {
            return Net {
                diag: None,
                netns: 0,
                buf: Box::default(),
            };
        }
        use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};
        let diag = rustix::net::socket_with(
            AddressFamily::NETLINK,
            SocketType::DGRAM,
            SocketFlags::CLOEXEC,
            std::num::NonZeroU32::new(NETLINK_SOCK_DIAG).map(Protocol::from_raw),
        )
        .ok();
        Net {
            diag,
            netns: netns_of(CWD, c"/proc/self/ns/net"),
            buf: vec![0u8; TABLE].into_boxed_slice(),
        }
    }

    /// Whether `p` can be asked about through sock_diag: it is in our
    /// network namespace (asked at every sample: a process may move).
    pub fn diag_for(&self, p: &Proc) -> bool {
        self.diag.is_some() && self.netns != 0 && netns_of(p.dir.as_fd(), c"ns/net") == self.netns
    }

    /// Calls `f` for every socket of `family` and `proto` in our network
    /// namespace that has an inode, by a sock_diag dump.
    pub fn dump(&mut self, family: u8, proto: u8, mut f: impl FnMut(&Sock)) -> Result<(), Errno> {
        // struct inet_diag_req_v2, the socket id left 0.
        let mut req = [0u8; 56];
        req[0] = family;
        req[1] = proto;
        // Every state but TIME_WAIT and NEW_SYN_RECV, which have no inode.
        let states: u32 = 0xffe & !(1 << 6);
        req[4..8].copy_from_slice(&states.to_ne_bytes());
        let v6 = family == AF_INET6;
        self.request(&req, 72, |m| {
            // struct inet_diag_msg: family, state, timer, retrans, the id
            // (sport, dport, src, dst, if, cookie), expires, rqueue, wqueue,
            // uid, inode.
            let ino = u32::from_ne_bytes(m[68..72].try_into().unwrap()) as u64;
            if ino != 0 {
                let mut s = Sock {
                    ino,
                    state: m[1],
                    v6,
                    lport: u16::from_be_bytes([m[4], m[5]]),
                    rport: u16::from_be_bytes([m[6], m[7]]),
                    ..Sock::default()
                };
                s.local.copy_from_slice(&m[8..24]);
                s.remote.copy_from_slice(&m[24..40]);
                if !v6 {
                    s.local[4..].fill(0);
                    s.remote[4..].fill(0);
                }
                f(&s);
            }
        })
    }

    /// Calls `f(inode, type)` for every Unix socket of our network
    /// namespace, by a sock_diag dump (type as SOCK_STREAM, SOCK_DGRAM...).
    pub fn dump_unix(&mut self, mut f: impl FnMut(u64, u8)) -> Result<(), Errno> {
        // struct unix_diag_req: family, protocol, pad, states, ino, show, cookie.
        let mut req = [0u8; 24];
        req[0] = libc::AF_UNIX as u8;
        req[4..8].copy_from_slice(&u32::MAX.to_ne_bytes());
        // struct unix_diag_msg: family, type, state, pad, inode, cookie.
        self.request(&req, 16, |m| {
            f(u32::from_ne_bytes(m[4..8].try_into().unwrap()) as u64, m[1]);
        })
    }

    /// Sends one SOCK_DIAG_BY_FAMILY dump request and calls `f` with the
    /// payload of every reply message of at least `min` bytes.
    fn request(&mut self, body: &[u8], min: usize, mut f: impl FnMut(&[u8])) -> Result<(), Errno> {
        let fd = self.diag.as_ref().ok_or(Errno::NOTSOCK)?;
        let mut req = [0u8; 16 + 56];
        let total = 16 + body.len();
        req[0..4].copy_from_slice(&(total as u32).to_ne_bytes());
        req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
        req[6..8].copy_from_slice(&flags.to_ne_bytes());
        req[16..total].copy_from_slice(body);
        let sent = rustix::net::send(fd, &req[..total], rustix::net::SendFlags::empty())?;
        if sent != total {
            return Err(Errno::IO);
        }
        loop {
            let n = match rustix::net::recv(fd, &mut self.buf[..], rustix::net::RecvFlags::empty())
            {
                Err(Errno::INTR) => continue,
                r => r?.0,
            };
            let data = &self.buf[..n.min(self.buf.len())];
            let mut at = 0;
            while at + 16 <= data.len() {
                let len = u32::from_ne_bytes(data[at..at + 4].try_into().unwrap()) as usize;
                let kind = u16::from_ne_bytes(data[at + 4..at + 6].try_into().unwrap());
                if len < 16 || at + len > data.len() {
                    return Err(Errno::PROTO);
                }
                match kind {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        let e = data
                            .get(at + 16..at + 20)
                            .map_or(libc::EPROTO, |b| -i32::from_ne_bytes(b.try_into().unwrap()));
                        return Err(Errno::from_raw_os_error(e));
                    }
                    SOCK_DIAG_BY_FAMILY if len >= 16 + min => f(&data[at + 16..at + len]),
                    _ => {}
                }
                at += (len + 3) & !3;
            }
        }
    }

    /// Calls `f` for every row of the table `path` (`net/tcp`...) of `p`'s
    /// network namespace; `f` says how many of the wanted sockets the row
    /// was, and reading stops once `want` are found.
    pub fn table(
        &mut self,
        p: &Proc,
        path: &CStr,
        v6: bool,
        want: u64,
        mut f: impl FnMut(&Sock) -> u64,
    ) -> Result<(), ProcError> {
        let what = "net tables";
        let fd = match open_at(&p.dir, path, OFlags::empty()) {
            Ok(fd) => fd,
            // No IPv6 in that namespace: no v6 table, no v6 socket in it.
            Err(Errno::NOENT) if v6 => return Ok(()),
            Err(e) => return Err(ProcError::from_errno(what, e.raw_os_error())),
        };
        let mut found = 0u64;
        let mut keep = 0usize; // bytes of a partial line carried over
        let mut first = true;
        let buf = &mut self.buf;
        loop {
            let r = match rustix::io::read(&fd, &mut buf[keep..]) {
                Err(Errno::INTR) => continue,
                Err(e) => return Err(ProcError::from_errno(what, e.raw_os_error())),
                Ok(r) => r,
            };
            let filled = keep + r;
            // seq_file stops a read short of the buffer only at the end of
            // the table or when its own buffer (a page or more) is full. So a
            // read of less than a page minus a row is the end: reading on
            // would make the kernel walk the whole hash table once more just
            // to say so, which costs as much as the table itself.
            let eof = r < SHORT_READ;
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
                } else if let Some(s) = row(line, v6) {
                    if s.ino != 0 {
                        found += f(&s);
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

/// `ADDR:PORT` of a table row: the address as the kernel prints it, each
/// 32-bit word in host order as 8 hex digits.
fn endpoint(s: &[u8], out: &mut [u8; 16]) -> Option<u16> {
    let colon = memchr::memchr(b':', s)?;
    let (a, p) = (&s[..colon], &s[colon + 1..]);
    if a.len() != 8 && a.len() != 32 {
        return None;
    }
    for (i, w) in a.chunks(8).enumerate() {
        let word = u32::from_str_radix(std::str::from_utf8(w).ok()?, 16).ok()?;
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_ne_bytes());
    }
    if p.len() != 4 {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok()
}

/// A /proc/net/{tcp,udp}{,6} row: endpoints in fields 2 and 3, the state
/// in 4 and the inode in 10.
pub(crate) fn row(line: &[u8], v6: bool) -> Option<Sock> {
    let mut f = line.split(|&c| c == b' ').filter(|f| !f.is_empty());
    let mut s = Sock {
        v6,
        ..Sock::default()
    };
    f.next()?;
    s.lport = endpoint(f.next()?, &mut s.local)?;
    s.rport = endpoint(f.next()?, &mut s.remote)?;
    s.state = super::parse_hex(f.next()?)?;
    s.ino = parse_u64(f.nth(5)?)?;
    Some(s)
}
