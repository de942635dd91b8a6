//! The `-C` process finder: processes by command name, as `pgrep -x NAME`
//! finds them, by a listing of /proc and a read of each one's comm.

use super::dents::{Dents, Stop};
use super::parse_u64;
use super::proc::{open_at, pread_all};
use rustix::fd::OwnedFd;
use rustix::fs::{OFlags, CWD};
use std::ffi::CStr;
use std::io;

/// Finds processes whose kernel command name (/proc/PID/comm, at most 15
/// bytes) equals NAME.
pub struct Finder {
    proc: OwnedFd,
    name: [u8; 16],
    len: usize,
    me: u32,
    dents: Dents,
    /// The matches of the last `resolve`, in /proc order.
    pub pids: Vec<u32>,
}

/// The kernel keeps this many bytes of a command name.
pub const COMM_LEN: usize = 15;

impl Finder {
    /// A finder for `name`, which is cut to the kernel's 15 bytes.
    pub fn new(name: &str) -> io::Result<Finder> {
        let proc = open_at(CWD, c"/proc", OFlags::DIRECTORY)?;
        let b = name.as_bytes();
        let len = b.len().min(COMM_LEN);
        let mut n = [0u8; 16];
        n[..len].copy_from_slice(&b[..len]);
        Ok(Finder {
            proc,
            name: n,
            len,
            me: std::process::id(),
            dents: Dents::default(),
            pids: Vec::with_capacity(64),
        })
    }

    /// Re-reads /proc: fills `pids` with the current matches (never this
    /// process itself, as pgrep never lists itself).
    pub fn resolve(&mut self) -> io::Result<()> {
        self.pids.clear();
        let (dir, want, me, pids) = (&self.proc, &self.name[..self.len], self.me, &mut self.pids);
        let r = self.dents.each(dir, |name: &CStr| {
            let Some(pid) = parse_u64(name.to_bytes()) else {
                return Ok::<(), ()>(());
            };
            let pid = pid as u32;
            if pid == me {
                return Ok(());
            }
            let mut path = [0u8; 32];
            let nb = name.to_bytes();
            path[..nb.len()].copy_from_slice(nb);
            path[nb.len()..nb.len() + 6].copy_from_slice(b"/comm\0");
            let cpath = CStr::from_bytes_until_nul(&path).unwrap_or(c"");
            let Ok(fd) = open_at(dir, cpath, OFlags::empty()) else {
                return Ok(()); // gone since the listing
            };
            let mut comm = [0u8; 32];
            let Ok(got) = pread_all(&fd, &mut comm) else {
                return Ok(());
            };
            let c = &comm[..got];
            let c = c.strip_suffix(b"\n").unwrap_or(c);
            if c == want {
                // Grows only when more processes match than ever before.
                pids.push(pid);
            }
            Ok(())
        });
        match r {
            Ok(()) | Err(Stop::By(())) => Ok(()),
            Err(Stop::Sys(e)) => Err(e.into()),
        }
    }
}
