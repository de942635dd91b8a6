//! tstamp end to end: the built binary with a pinned clock and time zone;
//! [`vs_ts`] holds it to moreutils ts, [`every`] tests `-e`.

mod every;
mod vs_ts;

use proptest::prelude::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::util::vm_hwm_kib;

const BIN: &str = env!("CARGO_BIN_EXE_tstamp");

fn cmd(args: &[&str], tz: &str, now: Option<&str>) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).env("TZ", tz).env("LC_ALL", "C");
    match now {
        Some(n) => c.env("TSTAMP_NOW", n),
        None => c.env_remove("TSTAMP_NOW"),
    };
    c
}

fn run(args: &[&str], tz: &str, now: Option<&str>, input: &[u8]) -> Output {
    crate::util::run_with_input(&mut cmd(args, tz, now), input)
}

fn stamped(args: &[&str], tz: &str, now: &str, input: &[u8]) -> String {
    let o = run(args, tz, Some(now), input);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The input with `prefix` before every line.
fn expect(input: &[u8], prefix: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut start = true;
    for &b in input {
        if start {
            out.extend_from_slice(prefix);
        }
        out.push(b);
        start = b == b'\n';
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn passes_any_bytes_through(data in prop::collection::vec(
        prop_oneof![Just(b'\n'), Just(b'\r'), Just(0u8), any::<u8>()], 0..20_000)) {
        let o = run(&[], "UTC", Some("1764000000.75"), &data);
        prop_assert!(o.status.success());
        prop_assert_eq!(o.stdout, expect(&data, b"1764000000,"));
    }
}

#[test]
fn edge_inputs() {
    for input in [
        &b""[..],
        b"no newline",
        b"\n",
        b"\n\n\n",
        b"a\r\nb\r\n",
        b"\0\xff\xfe\n\x80",
        b"last line\nwithout newline",
    ] {
        let o = run(&[], "UTC", Some("1764000000"), input);
        assert!(o.status.success());
        assert_eq!(o.stdout, expect(input, b"1764000000,"), "{input:?}");
        assert!(o.stderr.is_empty());
    }
    let all: Vec<u8> = (0..=255u8).cycle().take(256 * 300).collect();
    let o = run(&["-d", "\t", "--ms"], "UTC", Some("1764000000.5"), &all);
    assert_eq!(o.stdout, expect(&all, b"1764000000500\t"));
}

#[test]
fn one_100mb_line_streams_in_constant_memory() {
    const LEN: usize = 100 << 20;
    let mut child = cmd(&[], "UTC", Some("1764000000"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0usize;
        let mut head = Vec::new();
        let mut tail = Vec::new();
        let mut other = 0usize;
        loop {
            let n = stdout.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                if head.len() < 11 {
                    head.push(b);
                } else if b != b'x' {
                    other += 1;
                    tail.push(b);
                }
            }
            total += n;
        }
        (total, head, tail, other)
    });
    let block = vec![b'x'; 1 << 20];
    for _ in 0..LEN / block.len() {
        stdin.write_all(&block).unwrap();
    }
    // Everything is in; the process is still running, waiting for more.
    let hwm = vm_hwm_kib(child.id());
    stdin.write_all(b"\nend").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let (total, head, tail, other) = reader.join().unwrap();
    assert_eq!(head, b"1764000000,");
    assert_eq!(tail, b"\n1764000000,end");
    assert_eq!(other, tail.len());
    assert_eq!(total, 11 + LEN + 1 + 11 + 3);
    assert!(hwm < 16 * 1024, "peak RSS {hwm} KiB for a 100 MB line");
}

/// Every directive, checked against GNU date on the same instant and zone.
#[test]
fn every_directive_matches_date() {
    let fmt = "%Y %C %y %G %g %m %b %h %B %d %e %j %U %W %V %a %A %u %w %H %k %I %l \
               %p %P %M %S %s %N %3N %z %:z %Z %T %R %D %F %r %c %x %X %% %-d %_H";
    let cases = [
        ("UTC", "0.000000001"),
        ("UTC", "1764000000.123456789"),
        ("UTC", "951782400.5"),
        // New York, around the spring and autumn changes of 2024.
        ("America/New_York", "1710053999.25"),
        ("America/New_York", "1710054000"),
        ("America/New_York", "1730613599.999"),
        ("America/New_York", "1730613600"),
        ("America/New_York", "1730617200"),
        ("Asia/Kolkata", "1764000000.001"),
        ("Asia/Kolkata", "1735669800"),
    ];
    for (tz, now) in cases {
        let got = stamped(&["-d", "", fmt], tz, now, b"\n");
        let want = Command::new("date")
            .arg(format!("-d@{now}"))
            .arg(format!("+{fmt}"))
            .env("TZ", tz)
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        assert_eq!(got, String::from_utf8(want.stdout).unwrap(), "{tz} {now}");
    }
}

#[test]
fn zones_pinned() {
    let f = ["-d", " ", "%F %T %Z %z"];
    let ny = |t| stamped(&f, "America/New_York", t, b"x\n");
    assert_eq!(ny("1710053999"), "2024-03-10 01:59:59 EST -0500 x\n");
    assert_eq!(ny("1710054000"), "2024-03-10 03:00:00 EDT -0400 x\n");
    assert_eq!(ny("1730613599"), "2024-11-03 01:59:59 EDT -0400 x\n");
    assert_eq!(ny("1730613600"), "2024-11-03 01:00:00 EST -0500 x\n");
    let k = stamped(&f, "Asia/Kolkata", "1764000000", b"x\n");
    assert_eq!(k, "2025-11-24 21:30:00 IST +0530 x\n");
    // -u ignores TZ.
    let u = stamped(
        &["-u", "-d", " ", "%F %T %Z %z"],
        "Asia/Kolkata",
        "1764000000",
        b"x\n",
    );
    assert_eq!(u, "2025-11-24 16:00:00 UTC +0000 x\n");
}

#[test]
fn ts_style_and_integer_and_iso_stamps() {
    let t = "1764000000.123456789";
    let s = |args: &[&str], tz| stamped(args, tz, t, b"a\n");
    assert_eq!(s(&[], "UTC"), "1764000000,a\n");
    assert_eq!(s(&["-d", " ", "%.s"], "UTC"), "1764000000.123456 a\n");
    assert_eq!(s(&["-d", " ", "%.S"], "UTC"), "00.123456 a\n");
    assert_eq!(
        s(&["-d", " ", "%.T"], "Asia/Kolkata"),
        "21:30:00.123456 a\n"
    );
    assert_eq!(
        s(&["-d", " ", "%b %d %H:%M:%S"], "UTC"),
        "Nov 24 16:00:00 a\n"
    );
    assert_eq!(s(&["--ms"], "UTC"), "1764000000123,a\n");
    assert_eq!(s(&["--us"], "UTC"), "1764000000123456,a\n");
    assert_eq!(s(&["--ns"], "UTC"), "1764000000123456789,a\n");
    assert_eq!(s(&["--iso"], "UTC"), "2025-11-24T16:00:00+00:00,a\n");
    assert_eq!(
        s(&["--iso", "-u"], "Asia/Kolkata"),
        "2025-11-24T16:00:00Z,a\n"
    );
    assert_eq!(
        s(&["--iso", "--ms"], "Asia/Kolkata"),
        "2025-11-24T21:30:00.123+05:30,a\n"
    );
    assert_eq!(
        s(&["--iso", "--us"], "America/New_York"),
        "2025-11-24T11:00:00.123456-05:00,a\n"
    );
    assert_eq!(s(&["-d", "", "[%s] "], "UTC"), "[1764000000] a\n");
}

/// Writes one line at a time and reads its stamp back before the next:
/// tstamp must flush as soon as stdin has nothing more.
fn interactive(args: &[&str], tz: &str, now: Option<&str>, lines: &[&str]) -> Vec<String> {
    let mut child: Child = cmd(args, tz, now)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // A tstamp that waits for more input before writing would block the
    // read below for ever: after 20 s it is killed and the test fails.
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let pid = child.id() as i32;
    let watchdog = std::thread::spawn(move || {
        if wait.recv_timeout(Duration::from_secs(20)).is_err() {
            // SAFETY: our child, still unreaped (we hold its Child).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let mut got = Vec::new();
    for l in lines {
        stdin.write_all(format!("{l}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
        let mut s = String::new();
        stdout.read_line(&mut s).unwrap();
        assert!(s.ends_with(&format!("{l}\n")), "{s:?}");
        got.push(s);
    }
    done.send(()).unwrap();
    watchdog.join().unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    got
}

#[test]
fn real_time_lines_come_back_at_once() {
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let t0 = now();
    let got = interactive(&[], "UTC", None, &["one", "two", "three"]);
    let t1 = now();
    for s in got {
        let (stamp, _) = s.split_once(',').unwrap();
        let stamp: u64 = stamp.parse().unwrap();
        assert!(t0 <= stamp && stamp <= t1, "{stamp} not in {t0}..={t1}");
    }
}

#[test]
fn dst_change_during_a_run() {
    // Each line is one read; the pinned clock moves one second per read.
    let got = interactive(
        &["-d", " ", "%T %Z"],
        "America/New_York",
        Some("1710053998,1"),
        &["a", "b", "c"],
    );
    assert_eq!(
        got,
        ["01:59:59 EST a\n", "03:00:00 EDT b\n", "03:00:01 EDT c\n"]
    );
}

#[test]
fn since_start_and_incremental() {
    let clock = Some("1000,2.5");
    let got = interactive(&["-s"], "UTC", clock, &["a", "b"]);
    assert_eq!(got, ["00:00:02,a\n", "00:00:05,b\n"]);
    let got = interactive(&["-s", "-d", " ", "%.s"], "UTC", clock, &["a", "b"]);
    assert_eq!(got, ["2.500000 a\n", "5.000000 b\n"]);
    let got = interactive(&["-i", "--ms"], "Asia/Kolkata", clock, &["a", "b"]);
    assert_eq!(got, ["2500,a\n", "2500,b\n"]);
    let got = interactive(&["-i", "-m"], "UTC", clock, &["a"]);
    assert_eq!(got, ["00:00:02,a\n"]);
    // Lines that arrive together have nothing between them.
    let o = stamped(&["-i", "--ms"], "UTC", "1000,2.5", b"a\nb\nc\n");
    assert_eq!(o, "2500,a\n0,b\n0,c\n");
}

#[test]
fn monotonic_clock_real() {
    let got = interactive(&["-m", "-s", "--ms"], "UTC", None, &["a", "b"]);
    let ms: Vec<u64> = got
        .iter()
        .map(|s| s.split_once(',').unwrap().0.parse().unwrap())
        .collect();
    assert!(ms[0] <= ms[1] && ms[1] < 10_000, "{ms:?}");
}

fn fails(args: &[&str]) -> (i32, String) {
    let o = run(args, "UTC", None, b"x\n");
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    for (args, needle) in [
        (&["%:Y"][..], "\"%:Y\""),
        (&["-e", "1"], "COMMAND"),
        (&["--frobnicate"], "--frobnicate"),
        (&["-s", "-i"], "-s and -i"),
        (&["--iso", "%s"], "FORMAT"),
        (&["%s", "extra"], "extra"),
    ] {
        let (code, err) = fails(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.starts_with("tstamp: ") && err.contains(needle), "{err}");
        assert_eq!(err.lines().count(), 2, "{err}");
    }
    let o = cmd(&[], "UTC", Some("soon")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn write_error_is_reported() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = cmd(&[], "UTC", None)
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = {
        let mut o = o;
        o.stdin.take().unwrap().write_all(b"line\n").unwrap();
        o.wait_with_output().unwrap()
    };
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "tstamp: writing to stdout: no space left on device\n"
    );
}

#[test]
fn read_error_is_reported() {
    let dir = std::fs::File::open("/").unwrap();
    let o = cmd(&[], "UTC", None).stdin(dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "tstamp: reading stdin: is a directory\n"
    );
}

#[test]
fn closed_pipe_is_quiet() {
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "yes | \"{BIN}\" | head -c 100 >/dev/null; echo \"${{PIPESTATUS[1]}}\""
        ))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "0\n");
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "");
}

#[test]
fn sigterm_and_sigint_flush_and_exit_quietly() {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let mut child = cmd(&[], "UTC", Some("1764000000"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        stdin.write_all(b"partial").unwrap();
        let mut got = [0u8; 18];
        stdout.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"1764000000,partial");
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, sig) };
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "signal {sig}");
        assert!(o.stderr.is_empty());
        drop(stdin);
    }
}

/// Same input, same formats: `tstamp -d ' ' FMT` against moreutils `ts FMT`.
/// ts reads the real clock, so a run that crosses a second boundary is
/// retried.
#[test]
fn help_and_man_page_agree() {
    let help = String::from_utf8(cmd(&["--help"], "UTC", None).output().unwrap().stdout).unwrap();
    let man =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/tstamp.1")).unwrap();
    let man = man.replace("\\-", "-");
    let opts = |text: &str| -> Vec<String> {
        let mut v: Vec<String> = text
            .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
            .filter(|w| {
                w.starts_with("--")
                    && w.len() > 3
                    && w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
            })
            .map(str::to_string)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(opts(&help), opts(&man));
    assert!(opts(&help).len() >= 11);
    let v = cmd(&["--version"], "UTC", None).output().unwrap();
    assert!(String::from_utf8(v.stdout)
        .unwrap()
        .starts_with("tstamp (leakhunt) "));
}

#[test]
fn closed_stdout_at_start_is_an_error() {
    // std would reopen a closed fd 1 on /dev/null before main; tstamp
    // checks first.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("exec '{BIN}' >&-"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.starts_with("tstamp: stdout is closed"), "{err}");
}

#[test]
fn a_reader_that_leaves_is_noticed_while_no_input_comes() {
    for args in [&[][..], &["-r"], &["-e", "60", "--", "true"]] {
        // stdin stays open and silent; the reader of stdout goes at once.
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = child.stdout.take().unwrap();
        if args.first() == Some(&"-e") {
            // -e's first run prints nothing; wait for it to be over.
            std::thread::sleep(Duration::from_millis(200));
        }
        let mut b = [0u8; 1];
        let _ = out.read(&mut b[..0]);
        drop(out);
        let t = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if t.elapsed() > Duration::from_secs(5) {
                let _ = child.kill();
                panic!("tstamp {args:?} still running 5 s after its reader left");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(0), "{args:?}");
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{args:?}: {:?}",
            t.elapsed()
        );
        drop(stdin);
    }
}
