//! The tsplot input parser on the recorded inputs in tests/data: every
//! form a user will feed it, read through the same `Parser` the binary uses.

use leakhunt::series::{Collect, Column, InputFormat, Options, Parser, TimeUnit};
use leakhunt::time::zone::Zone;
use std::sync::{Arc, Mutex};

// 2025-11-24T16:00:00Z
const T0: f64 = 1_764_000_000.0;

struct Read {
    c: Collect,
    warnings: Vec<String>,
    error: Option<String>,
}

impl Read {
    fn of(&self, s: usize) -> Vec<(f64, Option<f64>)> {
        self.c
            .points
            .iter()
            .filter(|p| p.0 == s)
            .map(|p| (p.1, p.2))
            .collect()
    }
    fn values(&self, s: usize) -> Vec<f64> {
        self.of(s).iter().filter_map(|p| p.1).collect()
    }
}

fn read_opts(file: &str, opts: Options) -> Read {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut p = Parser::new(opts).unwrap();
    // A day after the data: times without a year are in 2025.
    p.set_now(T0 as i64 + 86_400);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let w = warnings.clone();
    p.on_warning(move |m| w.lock().unwrap().push(m.to_string()));
    p.set_source(file);
    let mut c = Collect::default();
    let mut error = None;
    for line in data.split(|&b| b == b'\n') {
        if let Err(e) = p.line(line, &mut c) {
            error = Some(e.to_string());
            break;
        }
    }
    if error.is_none() {
        error = p.finish(&mut c).err().map(|e| e.to_string());
    }
    let warnings = warnings.lock().unwrap().clone();
    Read { c, warnings, error }
}

fn read(file: &str) -> Read {
    let r = read_opts(
        file,
        Options {
            zone: Zone::Utc,
            ..Options::default()
        },
    );
    assert_eq!(r.error, None, "{file}");
    assert!(r.warnings.is_empty(), "{file}: {:?}", r.warnings);
    r
}

#[test]
fn seed_log() {
    let r = read("seed.log");
    assert_eq!(r.c.names, ["column 2"]);
    assert_eq!(r.c.points.len(), 120);
    assert_eq!(r.c.points[0], (0, T0, Some(24.0)));
    assert_eq!(r.c.points[119], (0, T0 + 595.0, Some(27.0)));
    let v = r.values(0);
    assert_eq!(v.iter().cloned().fold(f64::MIN, f64::max), 28.0);
}

#[test]
fn appended_fdcount_log_with_repeated_and_new_headers() {
    let r = read("fdcount-appended.log");
    assert_eq!(
        r.c.names,
        [
            "tcp",
            "unix",
            "3136:tcp",
            "3136:unix",
            "3137:tcp",
            "3137:unix"
        ]
    );
    // The repeated header joined both runs into one series.
    assert_eq!(r.of(0).len(), 20);
    assert_eq!(r.of(0)[0], (T0, Some(3.0)));
    assert_eq!(r.of(0)[19], (T0 + 69.0, Some(6.0)));
    // A sample without process 3137 is a gap.
    assert_eq!(r.of(4)[5], (T0 + 125.0, None));
    assert_eq!(r.values(4), [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
}

#[test]
fn moreutils_ts_log() {
    let r = read("ts.log");
    assert_eq!(r.c.names, ["column 2"]);
    assert_eq!(r.c.points.len(), 30);
    assert_eq!(r.c.points[0], (0, T0, Some(12.0)));
    assert_eq!(r.c.points[29], (0, T0 + 58.0, Some(13.0)));
}

#[test]
fn tstamp_iso_log() {
    let r = read("iso.log");
    assert_eq!(r.c.names, ["tcp", "unix"]);
    assert_eq!(r.of(0).len(), 15);
    assert_eq!(r.of(0)[0], (T0, Some(3.0)));
    assert_eq!(r.of(0)[14], (T0 + 70.25, Some(5.0)));
}

#[test]
fn fdcount_json_lines() {
    let r = read("fdcount.jsonl");
    assert_eq!(
        r.c.names,
        ["3136:tcp", "3136:unix", "3137:tcp", "3137:unix"]
    );
    let tcp = r.of(0);
    assert_eq!(tcp.len(), 12);
    assert!((tcp[0].0 - (T0 + 0.000213)).abs() < 1e-6);
    assert_eq!(r.values(0)[11], 14.0);
    // The sample where 3137 was gone is a gap.
    assert_eq!(r.of(2)[8].1, None);
    assert_eq!(r.values(2).len(), 11);
    // -y picks fields for every process.
    let r = read_opts(
        "fdcount.jsonl",
        Options {
            y: vec![Column::Name("tcp".into())],
            zone: Zone::Utc,
            ..Options::default()
        },
    );
    assert_eq!(r.c.names, ["3136:tcp", "3137:tcp"]);
}

#[test]
fn prometheus_query_range() {
    let r = read("prom-query-range.json");
    assert_eq!(
        r.c.names,
        [
            "fdcount_open_fds{kind=\"tcp\",pid=\"3136\"}",
            "fdcount_open_fds{kind=\"unix\",pid=\"3136\"}",
            "fdcount_open_fds{kind=\"tcp\",pid=\"3137\"}",
        ]
    );
    assert_eq!(r.of(0).len(), 20);
    assert_eq!(r.of(0)[8], (T0 + 120.0, Some(13.0)));
    // NaN samples are gaps.
    assert_eq!(r.of(1)[10], (T0 + 150.0, None));
    assert_eq!(r.values(1).len(), 18);
    assert_eq!(r.of(2)[0], (T0 + 60.0, Some(2.0)));
    // The same through --input prom, and with --no-time.
    let r = read_opts(
        "prom-query-range.json",
        Options {
            format: InputFormat::Prometheus,
            no_time: true,
            ..Options::default()
        },
    );
    assert_eq!(r.error, None);
    assert_eq!(r.of(2)[15], (16.0, Some(3.0)));
}

#[test]
fn prometheus_instant_query() {
    let r = read("prom-query.json");
    assert_eq!(
        r.c.names,
        [
            "fdcount_open_fds{kind=\"tcp\"}",
            "fdcount_open_fds{kind=\"unix\"}"
        ]
    );
    assert_eq!(
        r.c.points,
        [(0, T0 + 300.123, Some(14.0)), (1, T0 + 300.123, Some(3.0))]
    );
}

#[test]
fn prometheus_error_response() {
    let r = read_opts("prom-error.json", Options::default());
    assert_eq!(
        r.error.as_deref(),
        Some(
            "prom-error.json: Prometheus query failed: bad_data: invalid parameter \"query\": \
             1:17: parse error: unexpected end of input"
        )
    );
    assert!(r.c.points.is_empty());
}

#[test]
fn malformed_lines_are_named() {
    let r = read_opts(
        "malformed.csv",
        Options {
            zone: Zone::Utc,
            ..Options::default()
        },
    );
    assert_eq!(r.error, None);
    assert_eq!(
        r.warnings,
        [
            "malformed.csv: line 5: column 2: expected a number, found \"abc\"",
            "malformed.csv: line 6: column 1: expected a time, found \"176400001S\"",
            "malformed.csv: line 7: column 2: expected a number, found \"fdcount: process 3136 exited\"",
            "malformed.csv: line 8: unterminated quoted field",
            "13 lines read, 5 rows of data, 1 header line without numbers (malformed.csv: line 2), \
             4 rejected (malformed.csv: line 5, malformed.csv: line 6, malformed.csv: line 7, and 1 more), \
             3 blank, comment or summary",
        ]
    );
    assert_eq!(
        r.of(0),
        [
            (T0, Some(24.0)),
            (T0 + 5.0, Some(25.0)),
            (T0 + 30.0, Some(26.0)),
            (T0 + 35.0, None),
            (T0 + 40.0, Some(27.0)),
        ]
    );
    let r = read_opts(
        "malformed.csv",
        Options {
            strict: true,
            ..Options::default()
        },
    );
    assert_eq!(
        r.error.as_deref(),
        Some("malformed.csv: line 5: column 2: expected a number, found \"abc\"")
    );
}

#[test]
fn forced_time_unit() {
    // The seed log read as milliseconds lands in January 1970.
    let r = read_opts(
        "seed.log",
        Options {
            time_unit: Some(TimeUnit::Millis),
            ..Options::default()
        },
    );
    assert_eq!(r.c.points[0].1, T0 / 1000.0);
}
