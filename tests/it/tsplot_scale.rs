//! tsplot at scale and on hostile input, bounded in time: 10M rows in
//! bounded memory, 1 MB lines, random bytes, a header of 1M columns. Never
//! a panic, always a clear message.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

const TSPLOT: &str = env!("CARGO_BIN_EXE_tsplot");

/// Streams `chunks()` into tsplot's stdin and returns (status, stdout,
/// stderr, peak RSS in KiB sampled before stdin closes).
fn stream(
    args: &[&str],
    mut chunks: impl FnMut(&mut Vec<u8>) -> bool,
) -> (i32, String, String, u64) {
    let mut child = Command::new(TSPLOT)
        .args(args)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut o = Vec::new();
        out.read_to_end(&mut o).unwrap();
        o
    });
    let ereader = std::thread::spawn(move || {
        let mut e = Vec::new();
        err.read_to_end(&mut e).unwrap();
        e
    });
    let mut buf = Vec::with_capacity(1 << 20);
    let mut hwm = 0;
    loop {
        buf.clear();
        let more = chunks(&mut buf);
        if stdin.write_all(&buf).is_err() {
            break;
        }
        if !more {
            break;
        }
    }
    // Peak memory while tsplot still runs (it may have stopped early, on
    // --strict or an error: then there is nothing to read).
    if stdin.flush().is_ok() {
        hwm = crate::util::peak_kib(child.id()).unwrap_or(0);
    }
    drop(stdin);
    let status = child.wait().unwrap();
    let o = reader.join().unwrap();
    let e = ereader.join().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o).into_owned(),
        String::from_utf8_lossy(&e).into_owned(),
        hwm,
    )
}

#[test]
fn ten_million_rows_in_bounded_memory() {
    let mut i: u64 = 0;
    let n: u64 = 10_000_000;
    let (code, out, err, hwm) = stream(&["--format", "svg", "--report"], |buf| {
        let end = (i + 100_000).min(n);
        while i < end {
            // A leak every 100k rows, a spike at row 5,555,555.
            let v = 10 + i / 100_000 + if i == 5_555_555 { 1000 } else { i % 3 };
            let _ = writeln!(buf, "{},{}", 1_764_000_000 + i, v);
            i += 1;
        }
        i < n
    });
    assert_eq!(code, 0, "{err}");
    assert!(
        hwm > 0 && hwm < 64 * 1024,
        "peak RSS {hwm} KiB for 10M rows"
    );
    let svg = &out[..out.find("</svg>").expect("an SVG") + 6];
    assert!(svg.len() < 500_000, "SVG of {} bytes", svg.len());
    // The spike is drawn: its value is the top of the value axis.
    let doc = roxmltree::Document::parse(svg).unwrap();
    let top: f64 = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("yticks"))
        .unwrap()
        .children()
        .filter(|n| n.is_element())
        .filter_map(|n| n.text())
        .map(|t| t.parse::<f64>().unwrap())
        .fold(f64::MIN, f64::max);
    assert!(top >= 1000.0, "the spike was lost: top tick {top}");
    assert!(
        out.contains("10000000 samples"),
        "{}",
        &out[out.find("</svg>").unwrap()..]
    );
}

#[test]
fn megabyte_lines_are_skipped_with_short_messages() {
    let mut round = 0;
    let (code, out, err, hwm) = stream(&["-W", "60", "-H", "10"], |buf| {
        // Rows, then a 1 MB junk value, then a 1 MB line of digits: both
        // malformed, neither quoted whole in the message.
        let _ = writeln!(buf, "{},{}", 1_764_000_000 + round, round);
        buf.extend_from_slice(format!("{},", 1_764_000_000 + round).as_bytes());
        buf.extend(std::iter::repeat_n(b'x', 1 << 20));
        buf.push(b'\n');
        buf.extend(std::iter::repeat_n(b'7', 1 << 20));
        buf.push(b'\n');
        round += 1;
        round < 20
    });
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("━━"), "{out}");
    assert!(err.lines().count() <= 6, "{err}");
    assert!(err.lines().all(|l| l.len() < 200), "{err}");
    assert!(hwm > 0 && hwm < 64 * 1024, "peak RSS {hwm} KiB");
}

#[test]
fn random_bytes_never_panic() {
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut sent = 0;
    for format in [
        &[][..],
        &["--input", "jsonl"][..],
        &["--input", "prom"][..],
        &["--strict"][..],
    ] {
        let (code, _, err, _) = stream(format, |buf| {
            for _ in 0..(1 << 17) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf.extend_from_slice(&x.to_le_bytes());
            }
            sent += 1;
            sent % 8 != 0
        });
        assert!(code == 0 || code == 1, "{format:?}: exit {code}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{err}"
        );
        assert!(
            err.lines().count() <= 8,
            "{format:?}: {} lines of errors",
            err.lines().count()
        );
        assert!(err.lines().all(|l| l.starts_with("tsplot: ")), "{err}");
    }
}

#[test]
fn a_million_columns_is_a_clear_error() {
    let mut sent = false;
    let (code, _, err, hwm) = stream(&[], |buf| {
        buf.extend_from_slice(b"time");
        for i in 0..1_000_000 {
            let _ = write!(buf, ",c{i}");
        }
        buf.extend_from_slice(b"\n1764000000,1\n");
        sent = true;
        false
    });
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("tsplot: ") && err.contains("-y"), "{err}");
    assert!(hwm < 256 * 1024, "peak RSS {hwm} KiB");
    assert!(sent);
}
