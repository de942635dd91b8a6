//! SIGINT/SIGTERM (and other signals) as events a loop can wait on.
//!
//! signal-hook installs its handlers with SA_RESTART, so a blocking `read` or
//! `sleep` would carry on after Ctrl-C. Instead every tool waits with `ppoll`
//! on the file descriptor it cares about *and* a self-pipe the handler writes
//! to: a signal wakes the wait at once, and the loop ends cleanly after
//! flushing what it has.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec};

pub use libc::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};

/// The signals that end a watch loop cleanly, after a flush: Ctrl-C, kill,
/// and a hang-up (the terminal or ssh session went away), whose default
/// action would lose what is buffered.
pub const STOP: &[libc::c_int] = &[SIGINT, SIGTERM, SIGHUP];

/// Why a wait returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// The watched fd is readable (or at end of file, or in error: a read
    /// will tell which).
    Ready,
    /// A signal arrived; its number.
    Signal(libc::c_int),
    /// The timeout passed.
    Timeout,
}

pub struct Signals {
    rx: UnixStream,
    last: Arc<AtomicUsize>,
}

impl Signals {
    /// Routes `sigs` to this waiter. Call once, early, before any thread.
    pub fn install(sigs: &[libc::c_int]) -> io::Result<Signals> {
        let (rx, tx) = UnixStream::pair()?;
        rx.set_nonblocking(true)?;
        tx.set_nonblocking(true)?;
        let last = Arc::new(AtomicUsize::new(0));
        for &s in sigs {
            signal_hook::flag::register_usize(s, Arc::clone(&last), s as usize)?;
            signal_hook::low_level::pipe::register(s, tx.try_clone()?)?;
        }
        Ok(Signals { rx, last })
    }

    /// The last signal that arrived since the previous call, if any.
    pub fn caught(&self) -> Option<libc::c_int> {
        self.drain();
        match self.last.swap(0, Ordering::SeqCst) {
            0 => None,
            s => Some(s as libc::c_int),
        }
    }

    /// Whether a signal arrived that `caught` or `wait` has not reported
    /// yet: an atomic load, no system call, for a loop busy with data that
    /// checks between blocks.
    pub fn pending(&self) -> bool {
        self.last.load(Ordering::SeqCst) != 0
    }

    fn drain(&self) {
        let mut buf = [0u8; 64];
        while rustix::io::read(&self.rx, &mut buf).is_ok_and(|n| n > 0) {}
    }

    /// Waits until `fd` is readable, a signal arrives, or `timeout` passes
    /// (`None`: no timeout; `fd` None: just sleep). Makes no allocation.
    pub fn wait(&self, fd: Option<RawFd>, timeout: Option<Duration>) -> io::Result<Wake> {
        let mut one = [libc::pollfd {
            fd: fd.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        }];
        self.wait_fds(&mut one, timeout)
    }

    /// Waits until one of `fds` (at most 4) reports an event, a signal
    /// arrives, or `timeout` passes; each pollfd's `revents` says what
    /// happened to it. Lets a loop watch stdout for a reader that went away
    /// (POLLERR, POLLHUP: asked for with `events` 0) beside its input.
    pub fn wait_fds(
        &self,
        fds: &mut [libc::pollfd],
        timeout: Option<Duration>,
    ) -> io::Result<Wake> {
        if let Some(s) = self.caught() {
            return Ok(Wake::Signal(s));
        }
        let n = fds.len().min(4);
        let mut all = [libc::pollfd {
            fd: -1,
            events: 0,
            revents: 0,
        }; 5];
        all[0] = libc::pollfd {
            fd: self.rx.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        all[1..=n].copy_from_slice(&fds[..n]);
        let ts = timeout.map(|d| libc::timespec {
            tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
            tv_nsec: d.subsec_nanos() as libc::c_long,
        });
        let tsp = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: `all` and `ts` live across the call; negative fds are ignored.
        let r = unsafe {
            libc::ppoll(
                all.as_mut_ptr(),
                n as libc::nfds_t + 1,
                tsp,
                std::ptr::null(),
            )
        };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
            // Another signal: say Ready, the caller's read will tell.
        }
        fds[..n].copy_from_slice(&all[1..=n]);
        if let Some(s) = self.caught() {
            return Ok(Wake::Signal(s));
        }
        Ok(if r == 0 { Wake::Timeout } else { Wake::Ready })
    }

    /// Whether `fd` has data (or EOF) ready right now, without blocking.
    pub fn ready_now(fd: RawFd) -> bool {
        // SAFETY: the caller's fd is open for this call; poll only reads it.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let mut p = [PollFd::new(&fd, PollFlags::IN)];
        rustix::event::poll(&mut p, Some(&Timespec::default())).is_ok_and(|n| n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::time::Instant;

    #[test]
    fn timeout_and_readiness() {
        let s = Signals::install(&[libc::SIGUSR2]).unwrap();
        let t = Instant::now();
        assert_eq!(
            s.wait(None, Some(Duration::from_millis(20))).unwrap(),
            Wake::Timeout
        );
        assert!(t.elapsed() >= Duration::from_millis(20));
        let (a, mut b) = UnixStream::pair().unwrap();
        assert!(!Signals::ready_now(a.as_raw_fd()));
        b.write_all(b"x").unwrap();
        assert!(Signals::ready_now(a.as_raw_fd()));
        assert_eq!(s.wait(Some(a.as_raw_fd()), None).unwrap(), Wake::Ready);
        signal_hook::low_level::raise(libc::SIGUSR2).unwrap();
        assert_eq!(
            s.wait(Some(a.as_raw_fd()), None).unwrap(),
            Wake::Signal(libc::SIGUSR2)
        );
        assert_eq!(s.caught(), None);
        assert!(!s.pending());
        signal_hook::low_level::raise(libc::SIGUSR2).unwrap();
        assert!(s.pending());
        assert_eq!(s.caught(), Some(libc::SIGUSR2));
        assert!(!s.pending());
    }
}
