//! The process handle: [`Proc`] holds /proc/PID (and its `fd` directory,
//! stat, statm) open between samples, and reads the per-process files
//! (comm, stat, statm) through those held descriptors.
//!
//! Those file descriptors stay tied to the process they were opened for:
//! once it exits, every lookup through them fails with ESRCH or ENOENT, so a
//! recycled PID is never mistaken for the old process.

use super::{field, parse_u64, stat_fields, ProcError};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{Mode, OFlags, CWD};
use rustix::io::Errno;
use std::ffi::CStr;

/// `openat(dir, path)` read-only, close-on-exec, retried on EINTR.
pub(crate) fn open_at<Fd: AsFd>(dir: Fd, path: &CStr, flags: OFlags) -> Result<OwnedFd, Errno> {
    loop {
        match rustix::fs::openat(
            dir.as_fd(),
            path,
            flags | OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Err(Errno::INTR) => continue,
            r => return r,
        }
    }
}

/// `pread(fd, buf, 0)` until the buffer is full or the file ends; /proc files
/// regenerate their text on a read at offset 0, so a held fd is re-read
/// without reopening it. The small /proc files read here hand over all
/// their text in one read, so a short read is the end.
pub(crate) fn pread_all<Fd: AsFd>(fd: Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut n = 0;
    while n < buf.len() {
        let r = match rustix::io::pread(fd.as_fd(), &mut buf[n..], n as u64) {
            Err(Errno::INTR) => continue,
            r => r?,
        };
        n += r;
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
    pub fn of(kinds: &[super::Kind]) -> Needs {
        use super::Kind;
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
    pub(crate) dir: OwnedFd,
    pub(crate) fds: Option<OwnedFd>,
    stat: Option<OwnedFd>,
    statm: Option<OwnedFd>,
    /// `/proc/self/fd/N/`, N the held fd directory: the prefix of the paths
    /// that getxattr follows to a socket, so that they too go through the
    /// held directory and never reach a newer process with the same PID.
    pub(crate) xprefix: [u8; 40],
    pub(crate) xlen: usize,
}

impl Proc {
    /// Opens /proc/PID and what `needs` says. Fails with `NoSuchProcess`
    /// when there is no such PID, `PermissionDenied` when its fds are not
    /// ours to read, `Exited` for a zombie.
    pub fn open(pid: u32, needs: Needs) -> Result<Proc, ProcError> {
        if pid == 0 {
            return Err(ProcError::NoSuchProcess);
        }
        let mut path = [0u8; 24];
        let cpath = fmt_cstr(&mut path, format_args!("/proc/{pid}"));
        let dir = open_at(CWD, cpath, OFlags::DIRECTORY).map_err(|e| match e {
            Errno::NOENT | Errno::SRCH => ProcError::NoSuchProcess,
            e => ProcError::Io {
                what: "/proc",
                errno: e.raw_os_error(),
            },
        })?;
        let mut p = Proc {
            pid,
            dir,
            fds: None,
            stat: None,
            statm: None,
            xprefix: [0; 40],
            xlen: 0,
        };
        let gone = |e: Errno| ProcError::from_errno("/proc", e.raw_os_error());
        if needs.fds {
            match open_at(&p.dir, c"fd", OFlags::DIRECTORY) {
                Ok(fd) => p.fds = Some(fd),
                Err(Errno::ACCESS) | Err(Errno::PERM) => return Err(p.denied()),
                Err(e) => return Err(gone(e)),
            }
            use std::os::fd::AsRawFd;
            let raw = p.fds.as_ref().map_or(-1, |f| f.as_raw_fd());
            let mut pre = [0u8; 40];
            p.xlen = fmt_cstr(&mut pre, format_args!("/proc/self/fd/{raw}/"))
                .to_bytes()
                .len();
            p.xprefix = pre;
        }
        if needs.stat {
            p.stat = Some(open_at(&p.dir, c"stat", OFlags::empty()).map_err(gone)?);
        }
        if needs.statm {
            p.statm = Some(open_at(&p.dir, c"statm", OFlags::empty()).map_err(gone)?);
        }
        // A zombie shows as no fds and no memory: the first sample finds
        // out, so that a count of one stat stays one stat.
        Ok(p)
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The held fd directory (only when opened with `Needs::fds`).
    pub(crate) fn fd_dir(&self) -> BorrowedFd<'_> {
        self.fds.as_ref().expect("fd dir held").as_fd()
    }

    /// The uid owning the process (for the permission message).
    pub fn owner(&self) -> u32 {
        rustix::fs::fstat(&self.dir).map_or(u32::MAX, |st| st.st_uid)
    }

    /// The error for an EACCES/EPERM on the fd directory.
    pub(crate) fn denied(&self) -> ProcError {
        ProcError::PermissionDenied { uid: self.owner() }
    }

    /// The command name (/proc/PID/comm), read once when needed for output.
    pub fn comm(&self) -> Result<String, ProcError> {
        let err = |e: Errno| ProcError::from_errno("comm", e.raw_os_error());
        let fd = open_at(&self.dir, c"comm", OFlags::empty()).map_err(err)?;
        let mut buf = [0u8; 64];
        let n = pread_all(&fd, &mut buf).map_err(err)?;
        let s = &buf[..n];
        let s = s.strip_suffix(b"\n").unwrap_or(s);
        Ok(String::from_utf8_lossy(s).into_owned())
    }

    fn read_stat<'a>(&self, buf: &'a mut [u8]) -> Result<&'a [u8], ProcError> {
        let n = match &self.stat {
            Some(fd) => pread_all(fd, buf),
            None => open_at(&self.dir, c"stat", OFlags::empty()).and_then(|fd| pread_all(&fd, buf)),
        }
        .map_err(|e| ProcError::from_errno("stat", e.raw_os_error()))?;
        stat_fields(&buf[..n]).ok_or(ProcError::Io {
            what: "stat",
            errno: libc::EINVAL,
        })
    }

    /// Whether the process has exited but not been reaped: its fd
    /// directory is then empty, and that must read as "exited", not 0.
    pub(crate) fn is_zombie(&self) -> Result<bool, ProcError> {
        let mut buf = [0u8; 1024];
        Ok(self.threads_or_zombie(&mut buf)?.is_none())
    }

    /// The number of threads, or `None` for a zombie.
    pub(crate) fn threads_or_zombie(&self, buf: &mut [u8]) -> Result<Option<u64>, ProcError> {
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

    pub(crate) fn rss_kib(&self) -> Result<u64, ProcError> {
        let fd = self.statm.as_ref().expect("statm held");
        let mut buf = [0u8; 256];
        let n = pread_all(fd, &mut buf)
            .map_err(|e| ProcError::from_errno("statm", e.raw_os_error()))?;
        let pages = field(&buf[..n], 1)
            .and_then(parse_u64)
            .ok_or(ProcError::Io {
                what: "statm",
                errno: libc::EINVAL,
            })?;
        Ok(pages * rustix::param::page_size() as u64 / 1024)
    }
}

/// Formats into `buf` and NUL-terminates: a path without a heap allocation.
/// The text is cut to fit (the callers' buffers fit every PID and fd).
pub(crate) fn fmt_cstr<'a>(buf: &'a mut [u8], args: std::fmt::Arguments) -> &'a CStr {
    use std::io::Write;
    let cap = buf.len() - 1;
    let mut w = &mut buf[..cap];
    let _ = w.write_fmt(args);
    let len = cap - w.len();
    buf[len] = 0;
    CStr::from_bytes_until_nul(&buf[..=len]).unwrap_or(c"")
}
