//! Buffered output by destination.
//!
//! std's `Stdout` is line-buffered behind a global lock, which costs a write
//! system call per line. The tools buffer stdout themselves and flush at the
//! moment the data is all a reader will get for a while (after a sample, or
//! when stdin has nothing more ready), so bulk output goes out in large blocks
//! and a real-time pipeline never waits on a full buffer.

use std::io::{self, BufWriter, IsTerminal, Write};

/// Bytes buffered before a write to stdout, when nothing flushes earlier.
pub const BUF_SIZE: usize = 128 * 1024;

/// File descriptor 1, written with plain `write(2)` calls.
pub struct RawStdout;

impl Write for RawStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match rustix::io::write(rustix::stdio::stdout(), buf) {
                Err(rustix::io::Errno::INTR) => continue,
                r => return r.map_err(io::Error::from),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub type Stdout = BufWriter<RawStdout>;

/// A large buffer in front of fd 1.
pub fn stdout() -> Stdout {
    BufWriter::with_capacity(BUF_SIZE, RawStdout)
}

/// Whether stdout is a terminal (for colour and chart size decisions).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Writes `text` to stdout in one go and flushes: for --help, --version and
/// other one-shot output. A closed pipe is not an error here either.
pub fn print(text: &str) -> crate::error::Result<()> {
    let mut out = stdout();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| crate::error::Error::io("writing to stdout", e))
}
