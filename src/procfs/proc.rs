//! The process handle: [`Proc`] holds /proc/PID (and its `fd` directory,
//! stat, statm) open between samples, and reads the per-process files
//! (comm, stat, statm) through those held descriptors.
//!
//! Those file descriptors stay tied to the process they were opened for:
//! once it exits, every lookup through them fails with ESRCH or ENOENT, so a
//! recycled PID is never mistaken for the old process.

use super::{field, parse_u64, stat_fields, Col, Kind, ProcError, UNLIMITED};
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
    /// /proc/PID/limits (limit).
    pub limits: bool,
    /// /proc/PID/status (rss-anon, swap).
    pub status: bool,
}

impl Needs {
    pub fn of(cols: &[Col]) -> Needs {
        let has = |k: Kind| cols.contains(&Col::Kind(k));
        Needs {
            fds: cols.iter().any(|c| c.is_fd()),
            statm: has(Kind::Rss),
            stat: has(Kind::Threads),
            limits: has(Kind::Limit),
            status: has(Kind::RssAnon) || has(Kind::Swap),
        }
    }

    /// Everything: what `--top` and the tests of every kind read.
    pub const ALL: Needs = Needs {
        fds: true,
        statm: true,
        stat: true,
        limits: true,
        status: true,
    };
}

/// A process opened for sampling. Holds file descriptors only, no heap.
#[derive(Debug)]
pub struct Proc {
    pid: u32,
    pub(crate) dir: OwnedFd,
    pub(crate) fds: Option<OwnedFd>,
    stat: Option<OwnedFd>,
    statm: Option<OwnedFd>,
    limits: Option<OwnedFd>,
    status: Option<OwnedFd>,
    /// A pidfd, for pidfd_getfd (None where it could not be opened).
    pub(crate) pidfd: Option<OwnedFd>,
    /// pidfd_getfd has not been refused for this process.
    pidfd_ok: std::cell::Cell<bool>,
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
            limits: None,
            status: None,
            pidfd: None,
            pidfd_ok: std::cell::Cell::new(true),
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
        if needs.limits {
            p.limits = Some(open_at(&p.dir, c"limits", OFlags::empty()).map_err(gone)?);
        }
        if needs.status || needs.fds {
            p.status = Some(open_at(&p.dir, c"status", OFlags::empty()).map_err(gone)?);
        }
        if needs.fds {
            // Opened now, while /proc/PID is held and is this process: a
            // pidfd made later could name a newer process with the PID. The
            // held directory proves it is still the same one.
            p.pidfd = rustix::process::Pid::from_raw(pid as i32)
                .and_then(|id| {
                    rustix::process::pidfd_open(id, rustix::process::PidfdFlags::empty()).ok()
                })
                .filter(|_| rustix::fs::fstat(&p.dir).is_ok());
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

    /// Whether pidfd_getfd may be tried on it.
    pub(crate) fn pidfd_ok(&self) -> bool {
        self.pidfd.is_some() && self.pidfd_ok.get()
    }

    pub(crate) fn pidfd_refused(&self) {
        self.pidfd_ok.set(false);
    }

    /// The uid owning the process (for the permission message).
    pub fn owner(&self) -> u32 {
        rustix::fs::fstat(&self.dir).map_or(u32::MAX, |st| st.st_uid)
    }

    /// The error for an EACCES/EPERM on the fd directory. The kernel shows
    /// a non-dumpable process's /proc files as root's: an fd directory owner that is not
    /// the process's effective uid tells it apart.
    pub(crate) fn denied(&self) -> ProcError {
        // (/proc/PID itself keeps the process's owner; what is in it shows
        // the dump owner.)
        let owner = rustix::fs::statat(&self.dir, c"fd", rustix::fs::AtFlags::empty())
            .map_or_else(|_| self.owner(), |st| st.st_uid);
        let euid = self.status_ids(b"Uid:").map_or(owner, |ids| ids[1]);
        ProcError::PermissionDenied {
            uid: euid,
            dumpable: owner == euid,
        }
    }

    /// The real, effective, saved and fs ids of a /proc/PID/status line
    /// (`Uid:`, `Gid:`), or the thread group id `Tgid:` in `[0]`.
    fn status_ids(&self, key: &[u8]) -> Option<[u32; 4]> {
        let fd = open_at(&self.dir, c"status", OFlags::empty()).ok()?;
        let mut buf = [0u8; 4096];
        let n = pread_all(&fd, &mut buf).ok()?;
        let text = &buf[..n];
        let at = text.split(|&b| b == b'\n').find(|l| l.starts_with(key))?;
        let mut ids = [u32::MAX; 4];
        for (i, slot) in ids.iter_mut().enumerate() {
            match field(&at[key.len()..], i).and_then(parse_u64) {
                Some(v) => *slot = v as u32,
                None if i > 0 => break,
                None => return None,
            }
        }
        Some(ids)
    }

    /// The process a thread belongs to: its thread group id, which is the
    /// PID itself for a process (and for a thread's /proc/TID, its leader).
    pub fn tgid(&self) -> Option<u32> {
        self.status_ids(b"Tgid:").map(|ids| ids[0])
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

impl Proc {
    /// The soft RLIMIT_NOFILE from /proc/PID/limits, [`UNLIMITED`] when so.
    pub(crate) fn fd_limit(&self) -> Result<u64, ProcError> {
        let fd = self.limits.as_ref().expect("limits held");
        let mut buf = [0u8; 2048];
        let n = pread_all(fd, &mut buf)
            .map_err(|e| ProcError::from_errno("limits", e.raw_os_error()))?;
        let bad = ProcError::Io {
            what: "limits",
            errno: libc::EINVAL,
        };
        let text = &buf[..n];
        let at = memchr::memmem::find(text, b"Max open files").ok_or(bad)?;
        let soft = field(&text[at + b"Max open files".len()..], 0).ok_or(bad)?;
        if soft == b"unlimited" {
            return Ok(UNLIMITED);
        }
        parse_u64(soft).ok_or(bad)
    }

    /// The size of the fd table (FDSize in /proc/PID/status): every open
    /// fd is below it.
    pub(crate) fn fd_table_size(&self) -> Option<u64> {
        let fd = self.status.as_ref()?;
        let mut buf = [0u8; 4096];
        let n = pread_all(fd, &mut buf).ok()?;
        let text = &buf[..n];
        let at = memchr::memmem::find(text, b"\nFDSize:")?;
        field(&text[at + 8..], 0).and_then(parse_u64)
    }

    /// RssAnon and VmSwap (KiB) from /proc/PID/status; 0 where the process
    /// has no memory of its own (a kernel thread) and the lines are absent.
    pub(crate) fn anon_swap_kib(&self) -> Result<(u64, u64), ProcError> {
        let fd = self.status.as_ref().expect("status held");
        let mut buf = [0u8; 4096];
        let n = pread_all(fd, &mut buf)
            .map_err(|e| ProcError::from_errno("status", e.raw_os_error()))?;
        let text = &buf[..n];
        let get = |key: &[u8]| -> Result<u64, ProcError> {
            match memchr::memmem::find(text, key) {
                None => Ok(0),
                Some(at) => {
                    field(&text[at + key.len()..], 0)
                        .and_then(parse_u64)
                        .ok_or(ProcError::Io {
                            what: "status",
                            errno: libc::EINVAL,
                        })
                }
            }
        };
        Ok((get(b"\nRssAnon:")?, get(b"\nVmSwap:")?))
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
