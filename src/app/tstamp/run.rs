//! The stamping loop of `tstamp`: copies stdin to stdout byte for byte and
//! puts a time stamp in front of every line ([`Stream`] does the stamping for
//! `-e` too); the clocks it reads; `--iso` stamps.
//!
//! The input is read in large blocks, and the time is taken once per block:
//! every line that starts in a block is stamped with the time that block
//! arrived, which is the time its first byte was read. The prefix is
//! rendered only when it changes (a new second, or every block for
//! fractional stamps), newlines are found with memchr, and output is
//! gathered in one buffer that goes out when it is large or when stdin has
//! nothing more ready, so a pipeline sees each line as soon as it exists
//! while bulk input moves in large writes. Memory stays constant whatever
//! the length of a line.

use crate::error::{Error, Result};
use crate::sys::signals::{Signals, Wake};
use crate::time::format::{push_num, rfc3339, Format};
use crate::time::zone::{Offset, Zone};
use std::io::{self, Write};
use std::os::fd::RawFd;

/// Bytes asked of each `read(2)`.
pub const READ_SIZE: usize = 128 * 1024;
/// Output gathered before a write when stdin keeps having data.
pub const WRITE_SIZE: usize = 128 * 1024;

const NS: i128 = 1_000_000_000;

/// Units of an integer epoch stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

impl Unit {
    pub fn per_second(self) -> i128 {
        match self {
            Unit::Seconds => 1,
            Unit::Millis => 1_000,
            Unit::Micros => 1_000_000,
            Unit::Nanos => 1_000_000_000,
        }
    }

    pub fn digits(self) -> u8 {
        match self {
            Unit::Seconds => 0,
            Unit::Millis => 3,
            Unit::Micros => 6,
            Unit::Nanos => 9,
        }
    }
}

/// What a stamp looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Style {
    /// A strftime-like format.
    Format(Format),
    /// Integer time in the unit (`--ms`, `--us`, `--ns`).
    Integer(Unit),
    /// RFC 3339 with the offset, and a fraction unless the unit is seconds.
    Iso(Unit),
}

/// Which instant a stamp counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// The epoch: wall-clock time.
    Epoch,
    /// The start of the program (`-s`).
    Start,
    /// The previous line's stamp (`-i`).
    Previous,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub style: Style,
    /// Written between the stamp and the line.
    pub delim: Vec<u8>,
    pub zone: Zone,
    pub since: Since,
    /// Measure with CLOCK_MONOTONIC (`-m`), so a clock step does not show.
    pub monotonic: bool,
}

/// Where the time comes from: the system clocks, or a fake one for tests.
#[derive(Clone, Debug)]
pub struct Clock {
    fake: Option<(i128, i128)>,
    wall0: i128,
    /// With -m: CLOCK_MONOTONIC at start (std's Instant is that clock).
    mono0: Option<std::time::Instant>,
}

/// CLOCK_REALTIME in nanoseconds since the epoch (negative before it).
fn realtime_ns() -> i128 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

impl Clock {
    /// The system clock; with `monotonic`, wall time at start plus
    /// CLOCK_MONOTONIC's progress since (as `ts -m` does).
    pub fn system(monotonic: bool) -> Clock {
        Clock {
            fake: None,
            wall0: realtime_ns(),
            mono0: monotonic.then(std::time::Instant::now),
        }
    }

    /// A clock for tests, from `TSTAMP_NOW=EPOCH[.FRACTION][,STEP]`: the
    /// first reading (program start) is EPOCH, and each later one is STEP
    /// seconds (default 0) after the one before.
    pub fn fake(spec: &str) -> std::result::Result<Clock, String> {
        let bad = || format!("invalid TSTAMP_NOW \"{spec}\": expected EPOCH[.FRACTION][,STEP]");
        let (now, step) = match spec.split_once(',') {
            Some((a, b)) => (a, b),
            None => (spec, "0"),
        };
        let now = parse_ns(now).ok_or_else(bad)?;
        let step = parse_ns(step).ok_or_else(bad)?;
        Ok(Clock {
            fake: Some((now - step, step)),
            wall0: 0,
            mono0: None,
        })
    }

    /// Nanoseconds since the epoch.
    pub fn now(&mut self) -> i128 {
        if let Some((t, step)) = &mut self.fake {
            *t += *step;
            return *t;
        }
        match self.mono0 {
            Some(m0) => self.wall0 + m0.elapsed().as_nanos() as i128,
            None => realtime_ns(),
        }
    }
}

/// `123`, `123.5`, `0.000001`: non-negative seconds as nanoseconds.
fn parse_ns(s: &str) -> Option<i128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || frac.len() > 9 {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) || int.len() > 12 {
        return None;
    }
    let mut f: i128 = 0;
    for i in 0..9 {
        f = f * 10 + frac.as_bytes().get(i).map_or(0, |b| (b - b'0') as i128);
    }
    Some(int.parse::<i128>().ok()? * NS + f)
}

/// Renders prefixes, remembering the last one so an unchanged stamp costs
/// a comparison.
struct Stamper {
    opts: Options,
    fractional: bool,
    start: i128,
    last: i128,
    key: Option<(i64, u32)>,
    prefix: Vec<u8>,
    /// `-i` for the second and later lines of a block: they arrived with
    /// the first, zero after it.
    zero: Vec<u8>,
    off_key: Option<i64>,
    off: Offset,
}

impl Stamper {
    fn new(opts: Options, start: i128) -> Stamper {
        let fractional = match &opts.style {
            Style::Format(f) => f.is_fractional(),
            Style::Integer(u) | Style::Iso(u) => *u != Unit::Seconds,
        };
        let mut s = Stamper {
            opts,
            fractional,
            start,
            last: start,
            key: None,
            prefix: Vec::with_capacity(128),
            zero: Vec::new(),
            off_key: None,
            off: Offset::UTC,
        };
        if s.opts.since == Since::Previous {
            let mut zero = Vec::new();
            s.render(&mut zero, 0, 0);
            s.zero = zero;
        }
        s
    }

    /// The prefix of the first line starting in a block read at `t`.
    fn first(&mut self, t: i128) -> &[u8] {
        let v = match self.opts.since {
            Since::Epoch => t,
            Since::Start => t - self.start,
            Since::Previous => {
                let d = t - self.last;
                self.last = t;
                d
            }
        };
        let secs = v.div_euclid(NS) as i64;
        let nanos = v.rem_euclid(NS) as u32;
        let key = (secs, if self.fractional { nanos } else { 0 });
        if self.key != Some(key) {
            self.key = Some(key);
            let mut p = std::mem::take(&mut self.prefix);
            p.clear();
            self.render(&mut p, secs, nanos);
            self.prefix = p;
        }
        &self.prefix
    }

    /// The prefix of later lines starting in the same block.
    fn rest(&self) -> &[u8] {
        if self.opts.since == Since::Previous {
            &self.zero
        } else {
            &self.prefix
        }
    }

    fn render(&mut self, out: &mut Vec<u8>, secs: i64, nanos: u32) {
        // Elapsed times are durations: shown on a UTC clock face, like ts.
        let zone = if self.opts.since == Since::Epoch {
            self.opts.zone
        } else {
            Zone::Utc
        };
        // The offset is looked up again for every new second, so a DST
        // change during a long run shows at the right line.
        if self.off_key != Some(secs) {
            self.off_key = Some(secs);
            self.off = zone.offset_at(secs);
        }
        let off = self.off;
        match &self.opts.style {
            Style::Format(f) => f.render(out, secs, nanos, &off),
            Style::Integer(u) => {
                let per = u.per_second();
                let v = secs as i128 * per + nanos as i128 / (NS / per);
                push_num(out, v as i64, 1, 0);
            }
            Style::Iso(u) => rfc3339(out, secs, nanos, &off, u.digits(), zone == Zone::Utc),
        }
        out.extend_from_slice(&self.opts.delim);
    }
}

/// Calls `f` with the position of every newline in `data`, in order.
///
/// memchr finds a newline fast, but a call per short line costs more than
/// the search; on x86_64 blocks of 64 bytes are compared at once (SSE2 is
/// part of the baseline) and the newlines taken from the bit mask, and
/// memchr does the tail.
#[inline]
fn for_each_newline(data: &[u8], mut f: impl FnMut(usize)) {
    #[allow(unused_mut)] // only the x86_64 block moves it
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while i + 64 <= data.len() {
            // SAFETY: i + 64 <= len, so the four unaligned 16-byte loads are
            // in bounds; SSE2 is always available on x86_64.
            let mut m = unsafe {
                let nl = _mm_set1_epi8(b'\n' as i8);
                let p = data.as_ptr().add(i) as *const __m128i;
                let m0 = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(p), nl)) as u16 as u64;
                let m1 =
                    _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(p.add(1)), nl)) as u16 as u64;
                let m2 =
                    _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(p.add(2)), nl)) as u16 as u64;
                let m3 =
                    _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(p.add(3)), nl)) as u16 as u64;
                m0 | m1 << 16 | m2 << 32 | m3 << 48
            };
            while m != 0 {
                f(i + m.trailing_zeros() as usize);
                m &= m - 1;
            }
            i += 64;
        }
    }
    for p in memchr::memchr_iter(b'\n', &data[i..]) {
        f(i + p);
    }
}

/// One `read(2)`: `Ok(None)` when nothing is ready on a nonblocking fd.
pub fn read_some(fd: RawFd, buf: &mut [u8]) -> io::Result<Option<usize>> {
    loop {
        // SAFETY: buf is a valid, writable slice for the call.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(Some(n as usize));
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(None),
            _ => return Err(e),
        }
    }
}

/// Stamps a byte stream that arrives in blocks: the prefix goes in front
/// of every line, the bytes pass through unchanged, and the output gathers
/// in one buffer until [`Stream::flush`].
pub struct Stream {
    st: Stamper,
    obuf: Vec<u8>,
    at_line_start: bool,
}

impl Stream {
    pub fn new(opts: Options, start: i128) -> Stream {
        Stream {
            st: Stamper::new(opts, start),
            obuf: Vec::with_capacity(WRITE_SIZE + READ_SIZE + 4096),
            at_line_start: true,
        }
    }

    /// Adds a block read at `t`: lines that start in it get the block's
    /// stamp (the first) or `rest` (the same, or zero for -i).
    pub fn feed(&mut self, data: &[u8], t: i128) {
        let n = data.len();
        if n == 0 {
            return;
        }
        let st = &mut self.st;
        let obuf = &mut self.obuf;
        let mut first = true;
        if self.at_line_start {
            obuf.extend_from_slice(st.first(t));
            first = false;
        }
        let mut seg = 0;
        for_each_newline(data, |p| {
            obuf.extend_from_slice(&data[seg..=p]);
            seg = p + 1;
            if seg < n {
                if first {
                    obuf.extend_from_slice(st.first(t));
                    first = false;
                } else {
                    obuf.extend_from_slice(st.rest());
                }
            }
        });
        obuf.extend_from_slice(&data[seg..]);
        self.at_line_start = data[n - 1] == b'\n';
    }

    /// Bytes waiting for [`Stream::flush`].
    pub fn buffered(&self) -> usize {
        self.obuf.len()
    }

    /// Writes what is buffered; a reader that went away is `Error::Quiet`.
    pub fn flush(&mut self, out: &mut impl Write) -> Result<()> {
        if !self.obuf.is_empty() {
            out.write_all(&self.obuf)
                .and_then(|()| out.flush())
                .map_err(|e| Error::io("writing to stdout", e))?;
            self.obuf.clear();
        }
        Ok(())
    }
}

/// A pollfd that reports only errors and hang-ups: on stdout, a reader that
/// closed its end.
pub fn hangup_watch(fd: Option<RawFd>) -> libc::pollfd {
    libc::pollfd {
        fd: fd.unwrap_or(-1),
        events: 0,
        revents: 0,
    }
}

/// Whether a pollfd from [`hangup_watch`] saw its reader go.
pub fn hung_up(p: &libc::pollfd) -> bool {
    p.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0
}

/// What a [`wait_readable`] ended in.
pub enum Wait {
    /// The fd has data, or its end, to read.
    Ready,
    /// A signal came: stop.
    Signal,
    /// Woken with nothing to read: look again.
    Again,
}

/// Blocks until `fd` can be read, a signal comes, or the reader behind
/// `watch_out` goes away (`Error::Quiet`); `what` is the error's context.
pub fn wait_readable(
    fd: RawFd,
    watch_out: Option<RawFd>,
    signals: &Signals,
    what: &str,
) -> Result<Wait> {
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        hangup_watch(watch_out),
    ];
    let wake = signals
        .wait_fds(&mut fds, None)
        .map_err(|e| Error::io(what, e))?;
    if let Wake::Signal(_) = wake {
        return Ok(Wait::Signal);
    }
    if hung_up(&fds[1]) {
        return Err(Error::Quiet);
    }
    Ok(if fds[0].revents == 0 {
        Wait::Again
    } else {
        Wait::Ready
    })
}

/// What a filtering mode (stamp, rewrite) reads, watches and stops on.
#[derive(Clone, Copy)]
pub struct Ends<'a> {
    pub input: RawFd,
    /// The fd behind the output, watched for its reader leaving while no
    /// input comes.
    pub watch_out: Option<RawFd>,
    pub signals: &'a Signals,
}

impl Ends<'_> {
    /// [`wait_readable`] on the input.
    pub fn wait(&self) -> Result<Wait> {
        wait_readable(
            self.input,
            self.watch_out,
            self.signals,
            "waiting for stdin",
        )
    }
}

/// Copies the input to `out` with a stamp in front of every line until end
/// of input, a closed output (`Error::Quiet`), or a signal (then what was
/// read is written and the result is `Ok`).
pub fn run(opts: Options, mut clock: Clock, out: &mut impl Write, ends: Ends) -> Result<()> {
    let Ends { input, signals, .. } = ends;
    let start = clock.now();
    let mut stream = Stream::new(opts, start);
    let mut buf = vec![0u8; READ_SIZE];
    loop {
        if signals.pending() {
            return stream.flush(out);
        }
        // Nothing more ready: this is all the reader gets for a while.
        if !Signals::ready_now(input) {
            stream.flush(out)?;
            match ends.wait()? {
                Wait::Ready => {}
                Wait::Signal => return Ok(()),
                Wait::Again => continue,
            }
        }
        let n = match read_some(input, &mut buf).map_err(|e| Error::io("reading stdin", e))? {
            Some(0) => return stream.flush(out),
            Some(n) => n,
            None => continue,
        };
        stream.feed(&buf[..n], clock.now());
        if stream.buffered() >= WRITE_SIZE {
            stream.flush(out)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    fn opts(style: Style, since: Since) -> Options {
        Options {
            style,
            delim: b",".to_vec(),
            zone: Zone::Utc,
            since,
            monotonic: false,
        }
    }

    fn stamp(o: Options, clock: &str, input: &[u8]) -> Vec<u8> {
        let sig = Signals::install(&[libc::SIGUSR1]).unwrap();
        let (a, mut b) = UnixStream::pair().unwrap();
        let data = input.to_vec();
        let w = std::thread::spawn(move || {
            b.write_all(&data).unwrap();
        });
        let mut out = Vec::new();
        // The writer closes its end when done: that is our end of input.
        let ends = Ends {
            input: a.as_raw_fd(),
            watch_out: None,
            signals: &sig,
        };
        run(o, Clock::fake(clock).unwrap(), &mut out, ends).unwrap();
        w.join().unwrap();
        out
    }

    #[test]
    fn newlines_found_at_every_offset() {
        let mut data = vec![b'x'; 1000];
        for i in (0..1000).step_by(7).chain([63, 64, 127, 128, 999]) {
            data[i] = b'\n';
        }
        let mut got = Vec::new();
        for start in 0..70 {
            got.clear();
            for_each_newline(&data[start..], |p| got.push(p + start));
            let want: Vec<usize> = memchr::memchr_iter(b'\n', &data[start..])
                .map(|p| p + start)
                .collect();
            assert_eq!(got, want);
        }
        assert!(got.len() > 100);
    }

    #[test]
    fn fake_clock_specs() {
        let mut c = Clock::fake("10.5,0.25").unwrap();
        assert_eq!(c.now(), 10_500_000_000);
        assert_eq!(c.now(), 10_750_000_000);
        let mut c = Clock::fake("1764000000").unwrap();
        assert_eq!(c.now(), c.now());
        for bad in ["", "x", "1.2.3", "-5", "1,x", "1.0000000001"] {
            assert!(Clock::fake(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn styles() {
        let o = |s| opts(s, Since::Epoch);
        let t = "1764000000.123456789";
        let f = |s: &str| Style::Format(Format::compile(s).unwrap());
        assert_eq!(stamp(o(f("%s")), t, b"a\nb"), b"1764000000,a\n1764000000,b");
        for (style, want) in [
            (Style::Integer(Unit::Millis), "1764000000123,a\n"),
            (Style::Integer(Unit::Micros), "1764000000123456,a\n"),
            (Style::Integer(Unit::Nanos), "1764000000123456789,a\n"),
            (Style::Iso(Unit::Seconds), "2025-11-24T16:00:00Z,a\n"),
            (Style::Iso(Unit::Millis), "2025-11-24T16:00:00.123Z,a\n"),
        ] {
            assert_eq!(String::from_utf8(stamp(o(style), t, b"a\n")).unwrap(), want);
        }
        assert_eq!(stamp(o(f("%.s")), t, b""), b"");
    }

    #[test]
    fn elapsed() {
        let f = |s: &str| Style::Format(Format::compile(s).unwrap());
        // The start reading is 100, each read is 1.5 s later; a socket pair
        // delivers the whole input in one read.
        let out = stamp(opts(f("%H:%M:%.S"), Since::Start), "100,1.5", b"a\nb\n");
        assert_eq!(out, b"00:00:01.500000,a\n00:00:01.500000,b\n");
        let out = stamp(
            opts(Style::Integer(Unit::Millis), Since::Previous),
            "100,1.5",
            b"a\nb\n",
        );
        assert_eq!(out, b"1500,a\n0,b\n");
    }
}
