//! Reading input as lines, in large blocks, with bounded memory: a line
//! longer than [`MAX_LINE`] is skipped whole (a cut row would be read as a
//! wrong number) and counted, so a runaway line cannot exhaust memory.

use std::io::{self, Read};

use crate::error::{Error, Result};

/// The longest line kept, in bytes.
pub const MAX_LINE: usize = 16 << 20;

/// Read size: large enough that a bulk file costs few system calls.
pub const BLOCK: usize = 256 * 1024;

/// Splits bytes into lines (without their `\n`), keeping a partial last
/// line until its end arrives.
pub struct Lines {
    partial: Vec<u8>,
    skipping: bool,
    max: usize,
    /// Lines passed on or skipped so far.
    pub count: u64,
    /// Lines skipped for being longer than the limit.
    pub overlong: u64,
}

impl Lines {
    pub fn new(max: usize) -> Lines {
        Lines {
            partial: Vec::new(),
            skipping: false,
            max,
            count: 0,
            overlong: 0,
        }
    }

    /// Hands every complete line in `data` to `f`. A skipped line is handed
    /// on as an empty line, so line numbers stay right.
    pub fn feed(&mut self, mut data: &[u8], f: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        while let Some(i) = memchr::memchr(b'\n', data) {
            let (line, rest) = (&data[..i], &data[i + 1..]);
            self.count += 1;
            if self.skipping || self.partial.len() + line.len() > self.max {
                self.overlong += 1;
                f(b"")?;
            } else if self.partial.is_empty() {
                f(line)?;
            } else {
                self.partial.extend_from_slice(line);
                f(&self.partial)?;
            }
            self.skipping = false;
            self.partial.clear();
            data = rest;
        }
        if !self.skipping {
            if self.partial.len() + data.len() > self.max {
                self.partial = Vec::new();
                self.skipping = true;
            } else {
                self.partial.extend_from_slice(data);
            }
        }
        Ok(())
    }

    /// End of input: a last line without a newline still counts.
    pub fn finish(&mut self, f: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        if self.skipping {
            self.count += 1;
            self.overlong += 1;
        } else if !self.partial.is_empty() {
            self.count += 1;
            f(&self.partial)?;
        }
        self.partial.clear();
        self.skipping = false;
        Ok(())
    }
}

/// Reads all of `reader` (named `name` in errors) line by line.
pub fn each_line(
    reader: &mut dyn Read,
    name: &str,
    lines: &mut Lines,
    f: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let mut buf = vec![0u8; BLOCK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(name, e)),
        };
        lines.feed(&buf[..n], f)?;
    }
    lines.finish(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_across_reads_and_overlong_lines() {
        let mut got: Vec<Vec<u8>> = Vec::new();
        let mut f = |l: &[u8]| {
            got.push(l.to_vec());
            Ok(())
        };
        let mut l = Lines::new(8);
        l.feed(b"1,2\n3,", &mut f).unwrap();
        l.feed(b"4\n0123456789abc", &mut f).unwrap();
        l.feed(b"def\n5,6", &mut f).unwrap();
        l.feed(b"\n0123456789\n", &mut f).unwrap();
        l.feed(b"7,8", &mut f).unwrap();
        l.finish(&mut f).unwrap();
        let got: Vec<&[u8]> = got.iter().map(|v| v.as_slice()).collect();
        assert_eq!(got, [&b"1,2"[..], b"3,4", b"", b"5,6", b"", b"7,8"]);
        assert_eq!((l.count, l.overlong), (6, 2));
    }
}
