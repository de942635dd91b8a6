//! Fd classification: what one entry of /proc/PID/fd is (`Class`), from
//! one `statat` of it (the device and type of what it points to), the link
//! text where those do not settle it, and a socket's protocol (`Proto`)
//! from its `system.sockprotoname` attribute.
//!
//! The classes are those of the fd's link text in /proc: `socket:`,
//! `pipe:`, `anon_inode:`, else the type of the target (so FIFOs opened by
//! path count as pipes).

use super::{parse_u64, Proc, ProcError};
use rustix::fd::BorrowedFd;
use rustix::fs::{AtFlags, FileType};
use rustix::io::Errno;
use std::ffi::CStr;

/// Socket protocols as `system.sockprotoname` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Proto {
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

pub(crate) fn proto(name: &[u8]) -> Proto {
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
pub(crate) enum Class {
    File,
    Dir,
    Pipe,
    Anon,
    Other,
    /// A socket and its inode number.
    Socket(u64),
}

/// The devices of the kernel's internal socket and anonymous-inode file
/// systems, learnt from a socket and an eventfd of our own: with them one
/// `statat` classifies an fd, without a `readlinkat` as well.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Devs {
    pub sock: u64,
    pub anon: u64,
}

impl Devs {
    pub const UNKNOWN: u64 = u64::MAX;

    pub const BLIND: Devs = Devs {
        sock: Devs::UNKNOWN,
        anon: Devs::UNKNOWN,
    };

    pub fn learn() -> Devs {
        use rustix::net::{AddressFamily, SocketFlags, SocketType};
        let dev = |fd: rustix::io::Result<rustix::fd::OwnedFd>| {
            fd.and_then(rustix::fs::fstat)
                .map_or(Devs::UNKNOWN, |st| st.st_dev)
        };
        Devs {
            sock: dev(rustix::net::socket_with(
                AddressFamily::UNIX,
                SocketType::DGRAM,
                SocketFlags::CLOEXEC,
                None,
            )),
            anon: dev(rustix::event::eventfd(
                0,
                rustix::event::EventfdFlags::CLOEXEC,
            )),
        }
    }

    /// The class of a file from its `fstat`: `None` where only the link
    /// text can tell (anonymous inodes of another file system such as
    /// pidfds, a socket file opened with O_PATH, a symbolic link).
    pub fn of(&self, st: &rustix::fs::Stat) -> Option<Class> {
        let dev = st.st_dev;
        if dev == self.anon && self.anon != Devs::UNKNOWN {
            return Some(Class::Anon);
        }
        match FileType::from_raw_mode(st.st_mode) {
            FileType::Socket if dev == self.sock && self.sock != Devs::UNKNOWN => {
                Some(Class::Socket(st.st_ino))
            }
            FileType::Fifo => Some(Class::Pipe),
            FileType::RegularFile => Some(Class::File),
            FileType::Directory => Some(Class::Dir),
            FileType::CharacterDevice | FileType::BlockDevice => Some(Class::Other),
            _ => None,
        }
    }
}

fn denied_or_gone(p: &Proc, what: &'static str, e: Errno) -> ProcError {
    match e {
        Errno::ACCESS | Errno::PERM => p.denied(),
        e => ProcError::from_errno(what, e.raw_os_error()),
    }
}

/// Classifies fd `name` of the fd directory `dir`; `None` when it was
/// closed meanwhile. The rules are those of the link text (`socket:`,
/// `pipe:`, `anon_inode:`, else the type of what it points to), read from
/// one `statat` where the device and type settle it, which is nearly
/// always, and from `readlinkat` where they do not.
pub(crate) fn classify(
    dir: BorrowedFd,
    name: &CStr,
    devs: Devs,
    p: &Proc,
) -> Result<Option<Class>, ProcError> {
    match rustix::fs::statat(dir, name, AtFlags::empty()) {
        Ok(st) => match devs.of(&st) {
            Some(c) => Ok(Some(c)),
            None => by_link(dir, name, FileType::from_raw_mode(st.st_mode), p),
        },
        Err(Errno::NOENT) => Ok(None),
        Err(Errno::ACCESS | Errno::PERM) => Err(p.denied()),
        Err(Errno::SRCH) => Err(ProcError::Exited),
        // What it points to cannot be looked at (a dead network file
        // system): the link text still tells sockets, pipes and anonymous
        // inodes, and anything else is "other".
        Err(_) => by_link(dir, name, FileType::Unknown, p),
    }
}

/// Classifies by the link text; `fmt` is the file type if known.
pub(crate) fn by_link(
    dir: BorrowedFd,
    name: &CStr,
    fmt: FileType,
    p: &Proc,
) -> Result<Option<Class>, ProcError> {
    let mut link = [0u8; 64];
    let link = match rustix::fs::readlinkat_raw(dir, name, &mut link[..]) {
        Ok(n) => &link[..n.min(link.len())],
        Err(Errno::NOENT) => return Ok(None),
        Err(e) => return Err(denied_or_gone(p, "fd link", e)),
    };
    Ok(Some(link_class(link, fmt)))
}

/// The class that a link text in /proc/PID/fd names.
pub(crate) fn link_class(link: &[u8], fmt: FileType) -> Class {
    if let Some(rest) = link.strip_prefix(b"socket:") {
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
            FileType::RegularFile => Class::File,
            FileType::Directory => Class::Dir,
            FileType::Fifo => Class::Pipe,
            _ => Class::Other,
        }
    }
}

/// `getxattrat(2)` (Linux 6.13) as a raw system call: neither rustix nor
/// the libc crate wraps it yet. Same number on every architecture.
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
pub(crate) fn sock_proto(
    dir: BorrowedFd,
    name: &CStr,
    p: &Proc,
    xattrat: &mut bool,
) -> Result<Option<Proto>, ProcError> {
    use std::os::fd::AsRawFd;
    let mut pname = [0u8; 32];
    let attr = c"system.sockprotoname";
    let mut got: Result<usize, Errno> = Err(Errno::NOSYS);
    if *xattrat {
        let args = XattrArgs {
            value: pname.as_mut_ptr() as u64,
            size: pname.len() as u32,
            flags: 0,
        };
        // SAFETY: name and attr are NUL-terminated, args points to pname,
        // whose size it gives; the kernel writes at most that many bytes.
        let r = unsafe {
            libc::syscall(
                SYS_GETXATTRAT,
                dir.as_raw_fd(),
                name.as_ptr(),
                0,
                attr.as_ptr(),
                &args as *const XattrArgs,
                std::mem::size_of::<XattrArgs>(),
            )
        };
        got = if r < 0 {
            Err(Errno::from_io_error(&std::io::Error::last_os_error()).unwrap_or(Errno::IO))
        } else {
            Ok(r as usize)
        };
        if matches!(got, Err(Errno::NOSYS | Errno::PERM)) {
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
        let path = CStr::from_bytes_until_nul(&xpath[..end]).unwrap_or(c"");
        got = rustix::fs::getxattr(path, attr, &mut pname[..]);
    }
    match got {
        Ok(n) => {
            let s = &pname[..n.min(pname.len())];
            Ok(Some(proto(s.strip_suffix(b"\0").unwrap_or(s))))
        }
        Err(Errno::NOENT) => Ok(None),
        Err(Errno::SRCH) => Err(ProcError::Exited),
        Err(_) => Ok(Some(Proto::Other)),
    }
}
