//! Stress and fault tests across the tools, bounded in time: tstamp on 10 GiB
//! in constant memory, behind a stalled reader, and killed by signals at
//! random moments without losing a byte it read.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TSTAMP: &str = env!("CARGO_BIN_EXE_tstamp");

use crate::util::vm_hwm_kib;

/// 10 GiB of 1 kB lines, generated on the fly: the output is the input with
/// an 11-byte stamp per line, and tstamp's peak memory stays small.
#[test]
fn tstamp_streams_10_gib_in_constant_memory() {
    let (mut child, mut stdin, mut stdout) =
        crate::util::spawn_piped(Command::new(TSTAMP).env("TSTAMP_NOW", "1764000000"));
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 20];
        let (mut bytes, mut lines, mut prefixes_ok) = (0u64, 0u64, true);
        // Bytes of the current line seen so far: its first 11 must be the
        // stamp. Lines are found with memchr, not byte by byte, so checking
        // 10 GiB costs less than producing it.
        let mut line_pos = 0usize;
        let stamp_ok = |seg: &[u8], line_pos: usize| {
            let want = &b"1764000000,"[line_pos.min(11)..];
            let k = want.len().min(seg.len());
            seg[..k] == want[..k]
        };
        loop {
            let n = stdout.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            bytes += n as u64;
            let chunk = &buf[..n];
            let mut start = 0;
            for nl in memchr::memchr_iter(b'\n', chunk) {
                prefixes_ok &= stamp_ok(&chunk[start..nl], line_pos) && line_pos + nl - start >= 11;
                lines += 1;
                line_pos = 0;
                start = nl + 1;
            }
            prefixes_ok &= stamp_ok(&chunk[start..], line_pos);
            line_pos += n - start;
        }
        (bytes, lines, prefixes_ok)
    });
    let line = {
        let mut l = vec![b'x'; 1023];
        l.push(b'\n');
        l
    };
    let block: Vec<u8> = line.iter().copied().cycle().take(1 << 20).collect();
    let total: u64 = 10 << 30;
    let mut sent = 0;
    let mut hwm = 0;
    while sent < total {
        stdin.write_all(&block).unwrap();
        sent += block.len() as u64;
        if sent % (1 << 30) == 0 {
            hwm = hwm.max(vm_hwm_kib(child.id()));
        }
    }
    drop(stdin);
    let (bytes, lines, prefixes_ok) = reader.join().unwrap();
    assert!(child.wait().unwrap().success());
    let want_lines = total / 1024;
    assert_eq!(lines, want_lines);
    assert_eq!(bytes, total + 11 * want_lines);
    assert!(prefixes_ok, "a line's stamp was not 1764000000,");
    assert!(
        hwm < 16 * 1024,
        "tstamp peak RSS {hwm} KiB on a 10 GiB stream"
    );
}

/// A reader that stops reading for two seconds (stdout a full pipe) loses
/// nothing: tstamp waits, then carries on.
#[test]
fn tstamp_waits_for_a_stalled_reader() {
    let (mut child, mut stdin, mut stdout) =
        crate::util::spawn_piped(Command::new(TSTAMP).env("TSTAMP_NOW", "1764000000"));
    let input: Vec<u8> = (0..200_000)
        .flat_map(|i| format!("line {i:07}\n").into_bytes())
        .collect();
    let data = input.clone();
    let writer = std::thread::spawn(move || stdin.write_all(&data).unwrap());
    std::thread::sleep(Duration::from_secs(2));
    let mut out = Vec::new();
    stdout.read_to_end(&mut out).unwrap();
    writer.join().unwrap();
    assert!(child.wait().unwrap().success());
    let want: Vec<u8> = input
        .split_inclusive(|&b| b == b'\n')
        .flat_map(|l| [&b"1764000000,"[..], l].concat())
        .collect();
    assert!(out == want, "output differs from the input stamped");
}

/// A tiny deterministic generator, so a failure names a seed to replay.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two fds we then own.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn line(i: u64) -> Vec<u8> {
    format!("sample {i:09} value {}\n", i % 977).into_bytes()
}

/// SIGINT, SIGTERM and SIGHUP at random moments while lines stream in:
/// tstamp exits 0, and what it wrote (stamps removed) followed by what it
/// left unread in its stdin pipe is exactly the input: no line lost, none
/// cut, none altered.
#[test]
fn tstamp_signals_at_random_moments_lose_nothing() {
    let seed = std::env::var("LEAKHUNT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let mut rng = Lcg(seed);
    for round in 0..12 {
        let sig = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP][round % 3];
        let (rx, tx) = pipe();
        let keep_rx = rx.try_clone().unwrap();
        let mut child = Command::new(TSTAMP)
            .env("TSTAMP_NOW", "1764000000")
            .stdin(Stdio::from(rx))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            stdout.read_to_end(&mut out).unwrap();
            out
        });
        // The writer writes without blocking, so it can stop once tstamp is
        // gone even with the pipe full; it counts what went in.
        // SAFETY: setting O_NONBLOCK on our own fd.
        unsafe { libc::fcntl(tx.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let (stop2, written2) = (Arc::clone(&stop), Arc::clone(&written));
        let writer = std::thread::spawn(move || {
            let mut file = std::fs::File::from(tx);
            let mut i = 0;
            let mut cur = line(0);
            let mut off = 0;
            while !stop2.load(Ordering::SeqCst) {
                match file.write(&cur[off..]) {
                    Ok(n) => {
                        off += n;
                        written2.fetch_add(n as u64, Ordering::SeqCst);
                        if off == cur.len() {
                            i += 1;
                            cur = line(i);
                            off = 0;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_micros(200))
                    }
                    Err(e) => panic!("{e}"),
                }
                // Now and then a pause mid-line.
                if i % 5000 == 4999 && off == 3 {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        });
        std::thread::sleep(Duration::from_millis(20 + rng.next(300)));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, sig) };
        let t = Instant::now();
        let status = child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "slow to stop");
        assert_eq!(status.code(), Some(0), "signal {sig}, seed {seed}");
        let out = reader.join().unwrap();
        // What tstamp left unread.
        let mut left = Vec::new();
        // SAFETY: O_NONBLOCK on our copy of the read end.
        unsafe { libc::fcntl(keep_rx.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
        let mut rest = std::fs::File::from(keep_rx);
        let _ = rest.read_to_end(&mut left);
        let mut seen = Vec::new();
        for l in out.split_inclusive(|&b| b == b'\n') {
            assert!(
                l.starts_with(b"1764000000,"),
                "unstamped line {:?} (seed {seed})",
                String::from_utf8_lossy(l)
            );
            seen.extend_from_slice(&l[11..]);
        }
        seen.extend_from_slice(&left);
        let n = written.load(Ordering::SeqCst) as usize;
        let mut want = Vec::with_capacity(n + 64);
        let mut i = 0;
        while want.len() < n {
            want.extend_from_slice(&line(i));
            i += 1;
        }
        want.truncate(n);
        assert!(
            seen == want,
            "signal {sig}, seed {seed}: {} bytes out + {} left != {n} written",
            out.len(),
            left.len()
        );
        assert!(
            !out.is_empty(),
            "nothing stamped before the signal (seed {seed})"
        );
    }
}
