//! `tsplot --follow`: redraw a chart in place as lines arrive, like ttyplot,
//! from a pipe or from a growing file like `tail -F`.
//!
//! The loop knows nothing about charts: it reads lines, hands them to a
//! [`Follower`], and asks it for a frame when something changed, at most
//! [`FRAME_INTERVAL`] apart, so a fast producer costs one redraw per frame,
//! not one per line. It runs in the alternate screen, which a guard restores
//! on every way out (end, error, Ctrl-C, SIGTERM, SIGHUP, panic).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::series::lines::{Lines, MAX_LINE};
use crate::sys::signals::{Signals, Wake, SIGHUP, SIGINT, SIGTERM, SIGWINCH};

/// The shortest time between two frames.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(100);

/// How often a followed file is checked for growth, truncation or rotation.
const FILE_POLL: Duration = Duration::from_millis(250);

/// What the loop drives.
pub trait Follower {
    /// One input line, without its line ending.
    fn line(&mut self, line: &[u8]) -> Result<()>;
    /// The chart for a `width` x `height` character area.
    fn frame(&mut self, width: u16, height: u16) -> String;
}

/// Where lines come from.
pub enum Source {
    Stdin,
    /// A file that may grow, be truncated, or be replaced (log rotation).
    File(PathBuf),
}

pub use crate::sys::term::terminal_size;

/// Enters the alternate screen and hides the cursor; leaving (drop) undoes
/// both, whatever path ends the loop.
struct Screen;

impl Screen {
    fn enter() -> io::Result<Screen> {
        write_tty(b"\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J")?;
        Ok(Screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = write_tty(b"\x1b[?25h\x1b[?1049l");
    }
}

fn write_tty(bytes: &[u8]) -> io::Result<()> {
    let mut out = crate::sys::output::RawStdout;
    out.write_all(bytes)
}

/// A file followed across truncation and rotation, like `tail -F`.
struct Tail {
    path: PathBuf,
    file: File,
    pos: u64,
}

impl Tail {
    fn open(path: PathBuf) -> Result<Tail> {
        let file = File::open(&path).map_err(|e| Error::io(path.display(), e))?;
        Ok(Tail { path, file, pos: 0 })
    }

    /// Reads what is there now; `Ok(0)` when nothing new.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        let n = self
            .file
            .read(buf)
            .map_err(|e| Error::io(self.path.display(), e))?;
        self.pos += n as u64;
        if n > 0 {
            return Ok(n);
        }
        // At the end: was the file truncated, or replaced by a new one?
        let meta = self
            .file
            .metadata()
            .map_err(|e| Error::io(self.path.display(), e))?;
        if meta.len() < self.pos {
            self.file
                .seek(SeekFrom::Start(0))
                .map_err(|e| Error::io(self.path.display(), e))?;
            self.pos = 0;
        } else if let Ok(now) = std::fs::metadata(&self.path) {
            if (now.dev(), now.ino()) != (meta.dev(), meta.ino()) {
                if let Ok(file) = File::open(&self.path) {
                    self.file = file;
                    self.pos = 0;
                }
            }
        }
        Ok(0)
    }
}

/// Runs until the user ends it (Ctrl-C, SIGTERM, SIGHUP). When a pipe ends,
/// the last frame stays on screen, marked as ended, until then.
pub fn run(source: Source, follower: &mut dyn Follower) -> Result<()> {
    let signals = Signals::install(&[SIGINT, SIGTERM, SIGHUP, SIGWINCH])
        .map_err(|e| Error::io("installing signal handlers", e))?;
    let mut tail = match source {
        Source::Stdin => None,
        Source::File(path) => Some(Tail::open(path)?),
    };
    let name = tail
        .as_ref()
        .map_or("stdin".to_string(), |t| t.path.display().to_string());
    let screen = Screen::enter().map_err(|e| Error::io("writing to the terminal", e))?;
    let mut lines = Lines::new(MAX_LINE);
    let mut buf = vec![0u8; 64 * 1024];
    let mut rows: u64 = 0;
    let mut ended = false;
    let mut dirty = true;
    let mut last_frame: Option<Instant> = None;
    loop {
        let due = last_frame.map_or(Duration::ZERO, |t| {
            FRAME_INTERVAL.saturating_sub(t.elapsed())
        });
        if dirty && due.is_zero() {
            draw(follower, &name, rows, ended)?;
            last_frame = Some(Instant::now());
            dirty = false;
        }
        // A regular file always polls readable: read it, and sleep only
        // when it has nothing new.
        let mut n = 0;
        if let Some(t) = &mut tail {
            if signals.pending() {
                break;
            }
            n = t.read(&mut buf)?;
        }
        let wake = if n > 0 {
            Wake::Ready
        } else {
            let timeout = if dirty {
                Some(due.max(Duration::from_millis(1)))
            } else if tail.is_some() {
                Some(FILE_POLL)
            } else {
                None
            };
            let fd = (tail.is_none() && !ended).then_some(0);
            signals
                .wait(fd, timeout)
                .map_err(|e| Error::io("waiting for input", e))?
        };
        match wake {
            Wake::Signal(SIGWINCH) => dirty = true,
            Wake::Signal(_) => break,
            Wake::Timeout => {}
            Wake::Ready => {
                if tail.is_none() {
                    n = read_stdin(&mut buf)?;
                    if n == 0 {
                        lines.finish(&mut |l| follower.line(l))?;
                        ended = true;
                        dirty = true;
                        continue;
                    }
                }
                rows += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
                lines.feed(&buf[..n], &mut |l| follower.line(l))?;
                dirty = true;
            }
        }
    }
    drop(screen);
    Ok(())
}

fn read_stdin(buf: &mut [u8]) -> Result<usize> {
    loop {
        match rustix::io::read(rustix::stdio::stdin(), &mut *buf) {
            Ok(n) => return Ok(n),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(Error::io("reading stdin", e.into())),
        }
    }
}

fn draw(follower: &mut dyn Follower, name: &str, rows: u64, ended: bool) -> Result<()> {
    let (w, h) = terminal_size().unwrap_or((100, 30));
    let h = h.max(3);
    let chart = follower.frame(w, h - 1);
    let mut out = String::with_capacity(chart.len() + 256);
    out.push_str("\x1b[H");
    for line in chart.lines().take(usize::from(h - 1)) {
        out.push_str(line);
        out.push_str("\x1b[K\r\n");
    }
    out.push_str("\x1b[J");
    let state = if ended { "input ended" } else { "following" };
    let status = format!("tsplot: {state} {name}: {rows} lines; Ctrl-C quits");
    out.extend(status.chars().take(usize::from(w)));
    write_tty(out.as_bytes()).map_err(|e| Error::io("writing to the terminal", e))
}
