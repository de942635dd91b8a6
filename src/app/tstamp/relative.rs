//! `tstamp -r [FORMAT]`: the stamp at the start of each line of an
//! already stamped log, rewritten to how long ago it was (`15m5s ago`, as
//! `ts -r` words it) or to FORMAT; the rest of every line passes through
//! byte for byte.
//!
//! Recognised at the start of a line: tstamp's own stamps (epoch seconds,
//! ms, us or ns, optionally with a fraction, followed by the delimiter; RFC
//! 3339 as `--iso` writes it, read by `time`), ts's default `Nov 24
//! 16:00:00` and syslog's `Nov  4 16:00:00` (local zone, this year). Only
//! the first stamp is converted: a time inside the data stays data.

use super::run::{read_some, Clock, Ends, Wait, READ_SIZE, WRITE_SIZE};
use crate::error::{Error, Result};
use crate::sys::signals::Signals;
use crate::time::civil::{civil, days_from_civil};
use crate::time::format::Format;
use crate::time::names::MONTHS;
use crate::time::parse::unit_of;
use crate::time::zone::Zone;
use std::io::Write;

/// Bytes of a line that decide whether it starts with a stamp: more than
/// the longest stamp and its delimiter.
const HEAD: usize = 64;

/// What a stamp becomes.
pub struct Rewrite {
    pub format: Option<Format>,
    pub zone: Zone,
    /// What follows an epoch stamp (tstamp's -d).
    pub delim: Vec<u8>,
}

impl Rewrite {
    /// The stamp at the start of `head` (a line's first bytes; `whole`: the
    /// line ends within them): its length and the instant (floor seconds,
    /// nanoseconds).
    fn find(&self, head: &[u8], whole: bool, now: i64) -> Option<(usize, i64, u32)> {
        epoch(head, &self.delim, whole)
            .or_else(|| rfc3339(head))
            .or_else(|| ts_default(head, self.zone, now))
    }

    fn render(&self, out: &mut Vec<u8>, secs: i64, nanos: u32, now: i64) {
        match &self.format {
            Some(f) => f.render(out, secs, nanos, &self.zone.offset_at(secs)),
            None => {
                // ts: ago(time - str2time($stamp)), the stamp's fraction kept.
                let span = (now - secs) as f64 - nanos as f64 / 1e9;
                out.extend_from_slice(concise_ago(span).as_bytes());
            }
        }
    }
}

/// Digits (9 to 19: no earlier than 1973 in any unit), an optional
/// fraction, then the delimiter.
fn epoch(b: &[u8], delim: &[u8], whole: bool) -> Option<(usize, i64, u32)> {
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(9..=19).contains(&int) {
        return None;
    }
    let mut end = int;
    if b.get(end) == Some(&b'.') {
        let f = b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if f == 0 {
            return None;
        }
        end += 1 + f;
    }
    let rest = &b[end..];
    let delimited = if delim.is_empty() {
        true
    } else {
        rest.starts_with(delim) || (whole && rest.is_empty())
    };
    if !delimited {
        return None;
    }
    let v: u64 = std::str::from_utf8(&b[..int]).ok()?.parse().ok()?;
    let per: u64 = match unit_of(v as f64) {
        crate::series::TimeUnit::Seconds => 1,
        crate::series::TimeUnit::Millis => 1_000,
        crate::series::TimeUnit::Micros => 1_000_000,
        crate::series::TimeUnit::Nanos => 1_000_000_000,
    };
    let secs = (v / per) as i64;
    let mut nanos = (v % per) * (1_000_000_000 / per);
    if end > int {
        // A fraction of the unit (`%.s`): digits below it.
        let frac = &b[int + 1..end];
        let mut scale = 1_000_000_000 / per;
        for &d in frac.iter().take(9) {
            scale /= 10;
            nanos += (d - b'0') as u64 * scale;
        }
    }
    Some((end, secs, nanos.min(999_999_999) as u32))
}

/// `2025-11-24T16:00:00Z`, `2025-11-24T17:00:00.123+01:00`: what `--iso`
/// writes, read with `time`'s RFC 3339 parser.
fn rfc3339(b: &[u8]) -> Option<(usize, i64, u32)> {
    use ::time::format_description::well_known::Rfc3339;
    if b.len() < 20 || b[4] != b'-' || b[10] != b'T' {
        return None;
    }
    let mut end = 19;
    if b.get(end) == Some(&b'.') {
        end += 1 + b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
    }
    match b.get(end)? {
        b'Z' => end += 1,
        b'+' | b'-' => end += 6,
        _ => return None,
    }
    let s = std::str::from_utf8(b.get(..end)?).ok()?;
    let t = ::time::OffsetDateTime::parse(s, &Rfc3339).ok()?;
    Some((end, t.unix_timestamp(), t.nanosecond()))
}

/// `Nov 24 16:00:00` (ts) or `Nov  4 16:00:00` (syslog), optionally with a
/// fraction: local time in `zone`, in the year of `now` there.
fn ts_default(b: &[u8], zone: Zone, now: i64) -> Option<(usize, i64, u32)> {
    if b.len() < 15 {
        return None;
    }
    let month = MONTHS.iter().position(|m| b[..3] == m.as_bytes()[..3])? as u32 + 1;
    let d2 = |i: usize| -> Option<u32> {
        match (b[i], b[i + 1]) {
            (a, c) if a.is_ascii_digit() && c.is_ascii_digit() => {
                Some(((a - b'0') * 10 + (c - b'0')) as u32)
            }
            _ => None,
        }
    };
    if b[3] != b' ' || b[6] != b' ' || b[9] != b':' || b[12] != b':' {
        return None;
    }
    let day = if b[4] == b' ' && b[5].is_ascii_digit() {
        (b[5] - b'0') as u32
    } else {
        d2(4)?
    };
    let (h, mi, s) = (d2(7)?, d2(10)?, d2(13)?);
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut end = 15;
    let mut nanos = 0u32;
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|c| c.is_ascii_digit()) {
        let mut scale = 1_000_000_000u32;
        end += 1;
        while let Some(d) = b.get(end).filter(|c| c.is_ascii_digit()) {
            scale /= 10;
            nanos += (d - b'0') as u32 * scale;
            end += 1;
        }
    }
    let year = civil(now + zone.offset_at(now).secs as i64).year;
    let days = days_from_civil(year, month, day)?;
    let local = days * 86_400 + (h * 3600 + mi * 60 + s) as i64;
    Some((end, zone.to_epoch(local), nanos))
}

/// Time::Duration's `concise(ago($span, 2))`: at most two units, rounded
/// as it rounds (86399 s is `1d ago`; a year is 365 days).
pub fn concise_ago(span: f64) -> String {
    // Exactly now is worded by Time::Duration; under a second is "just
    // now" from its renderer, without a direction.
    if span == 0.0 || span.is_nan() {
        return "right now".into();
    }
    if span.abs() < 1.0 {
        return "just now".into();
    }
    let dir = if span < 0.0 { "from now" } else { "ago" };
    let mut rem = span.abs().min(9e15) as u64;
    // (value, limit): years, days, hours, minutes, seconds.
    let sizes = [365 * 86_400u64, 86_400, 3_600, 60, 1];
    let limits = [u64::MAX, 365, 24, 60, 60];
    let mut wheel = [0u64; 5];
    for (i, s) in sizes.iter().enumerate() {
        wheel[i] = rem / s;
        rem -= wheel[i] * s;
    }
    'fix: loop {
        let mut nonzero = 0;
        let mut improper = None;
        for i in 0..5 {
            if wheel[i] == 0 {
                continue;
            }
            nonzero += 1;
            if i == 0 {
                continue;
            }
            if nonzero > 2 {
                if wheel[i] >= limits[i] / 2 {
                    wheel[i - 1] += 1;
                }
                for w in &mut wheel[i..] {
                    *w = 0;
                }
                continue 'fix;
            } else if wheel[i] >= limits[i] {
                improper = Some(i);
            }
        }
        match improper {
            Some(i) => {
                wheel[i - 1] += 1;
                wheel[i] = 0;
            }
            None => break,
        }
    }
    let mut s = String::new();
    for (v, u) in wheel.iter().zip(['y', 'd', 'h', 'm', 's']) {
        if *v != 0 {
            s.push_str(&v.to_string());
            s.push(u);
        }
    }
    s.push(' ');
    s.push_str(dir);
    s
}

/// Copies `input` to `out`, the stamp at the start of each line rewritten.
pub fn run(rw: &Rewrite, mut clock: Clock, out: &mut impl Write, ends: Ends) -> Result<()> {
    let Ends { input, signals, .. } = ends;
    let mut buf = vec![0u8; READ_SIZE];
    let mut obuf: Vec<u8> = Vec::with_capacity(WRITE_SIZE + READ_SIZE + 4096);
    // The first bytes of a line not yet decided on.
    let mut head: Vec<u8> = Vec::with_capacity(HEAD + 1);
    // Whether the current line has been decided (its head written).
    let mut decided = false;
    let flush = |out: &mut dyn Write, obuf: &mut Vec<u8>| -> Result<()> {
        if !obuf.is_empty() {
            out.write_all(obuf)
                .and_then(|()| out.flush())
                .map_err(|e| Error::io("writing to stdout", e))?;
            obuf.clear();
        }
        Ok(())
    };
    let decide = |head: &mut Vec<u8>, whole: bool, obuf: &mut Vec<u8>, now: i64| {
        match rw.find(head, whole, now) {
            Some((n, secs, nanos)) => {
                rw.render(obuf, secs, nanos, now);
                obuf.extend_from_slice(&head[n..]);
            }
            None => obuf.extend_from_slice(head),
        }
        head.clear();
    };
    loop {
        if signals.pending() {
            return flush(out, &mut obuf);
        }
        if !Signals::ready_now(input) {
            flush(out, &mut obuf)?;
            match ends.wait()? {
                Wait::Ready => {}
                Wait::Signal => return flush(out, &mut obuf),
                Wait::Again => continue,
            }
        }
        let n = match read_some(input, &mut buf).map_err(|e| Error::io("reading stdin", e))? {
            Some(0) => {
                if !head.is_empty() {
                    let now = (clock.now().div_euclid(1_000_000_000)) as i64;
                    decide(&mut head, true, &mut obuf, now);
                }
                return flush(out, &mut obuf);
            }
            Some(n) => n,
            None => continue,
        };
        let now = (clock.now().div_euclid(1_000_000_000)) as i64;
        let mut data = &buf[..n];
        while !data.is_empty() {
            let nl = memchr::memchr(b'\n', data);
            if decided {
                // The rest of a long line: straight through.
                let end = nl.map_or(data.len(), |p| p + 1);
                obuf.extend_from_slice(&data[..end]);
                data = &data[end..];
                decided = nl.is_none();
                continue;
            }
            let room = HEAD - head.len();
            match nl {
                Some(p) if p < room => {
                    head.extend_from_slice(&data[..=p]);
                    data = &data[p + 1..];
                    decide(&mut head, true, &mut obuf, now);
                }
                _ if data.len() >= room => {
                    head.extend_from_slice(&data[..room]);
                    data = &data[room..];
                    decide(&mut head, false, &mut obuf, now);
                    decided = true;
                }
                _ => {
                    head.extend_from_slice(data);
                    data = &[];
                }
            }
        }
        if obuf.len() >= WRITE_SIZE {
            flush(out, &mut obuf)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worded_as_time_duration_concise() {
        for (span, want) in [
            (0.0, "right now"),
            (0.9, "just now"),
            (-0.5, "just now"),
            (1.0, "1s ago"),
            (61.0, "1m1s ago"),
            (5400.0, "1h30m ago"),
            (5429.0, "1h30m ago"),
            (5430.0, "1h31m ago"),
            (86_399.0, "1d ago"),
            (86_400.0, "1d ago"),
            (90_061.0, "1d1h ago"),
            (2.0 * 365.0 * 86_400.0 + 11.0 * 86_400.0, "2y11d ago"),
            (-300.0, "5m from now"),
            (3599.0, "59m59s ago"),
            (59.5, "59s ago"),
            (1.7, "1s ago"),
            (31_536_000.0, "1y ago"),
            (31_622_400.0, "1y1d ago"),
            (64_800_000.0, "2y20d ago"),
            (100_000_000.0, "3y62d ago"),
        ] {
            assert_eq!(concise_ago(span), want, "{span}");
        }
    }

    #[test]
    fn stamps_recognised() {
        let d = b",".as_slice();
        assert_eq!(
            epoch(b"1764000000,x", d, false),
            Some((10, 1_764_000_000, 0))
        );
        assert_eq!(
            epoch(b"1764000000123,x", d, false),
            Some((13, 1_764_000_000, 123_000_000))
        );
        assert_eq!(
            epoch(b"1764000000123456789,x", d, false),
            Some((19, 1_764_000_000, 123_456_789))
        );
        assert_eq!(
            epoch(b"1764000000.250000,x", d, false),
            Some((17, 1_764_000_000, 250_000_000))
        );
        assert_eq!(epoch(b"1764000000 x", d, false), None);
        assert_eq!(epoch(b"42,x", d, false), None);
        assert_eq!(epoch(b"1764000000", d, true), Some((10, 1_764_000_000, 0)));
        assert_eq!(
            rfc3339(b"2025-11-24T16:00:00Z,x"),
            Some((20, 1_764_000_000, 0))
        );
        assert_eq!(
            rfc3339(b"2025-11-24T17:00:00.5+01:00 x"),
            Some((27, 1_764_000_000, 500_000_000))
        );
        assert_eq!(rfc3339(b"2025-11-24T16:00:00 x"), None);
        assert_eq!(rfc3339(b"2025-02-30T16:00:00Z"), None);
        let now = 1_764_000_000;
        assert_eq!(
            ts_default(b"Nov 24 16:00:00 x", Zone::Utc, now),
            Some((15, 1_764_000_000, 0))
        );
        assert_eq!(
            ts_default(b"Nov  4 16:00:00.250000 x", Zone::Utc, now),
            Some((22, 1_764_000_000 - 20 * 86_400, 250_000_000))
        );
        assert_eq!(ts_default(b"Nox 24 16:00:00 x", Zone::Utc, now), None);
        assert_eq!(ts_default(b"Nov 24 16:00 x....", Zone::Utc, now), None);
    }
}
