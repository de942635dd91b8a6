//! Helpers shared by the series tests, and the tests of the parser as a
//! whole (sources, limits, never panicking).

use super::*;
use std::sync::{Arc, Mutex};

// 2025-11-24T16:00:00Z, a Monday.
pub(super) const T0: f64 = 1_764_000_000.0;

pub(super) fn utc() -> Options {
    Options {
        zone: Zone::Utc,
        ..Options::default()
    }
}

pub(super) struct Run {
    pub c: Collect,
    pub warnings: Vec<String>,
    pub result: Result<()>,
    pub points: u64,
}

impl Run {
    pub fn err(&self) -> String {
        match &self.result {
            Err(e) => e.to_string(),
            Ok(()) => panic!("expected an error, got {:?}", self.c),
        }
    }
    /// Points of one series as (time, value).
    pub fn of(&self, s: usize) -> Vec<(f64, Option<f64>)> {
        self.c.series(s)
    }
}

pub(super) fn run_with(input: &str, opts: Options, setup: impl FnOnce(&mut Parser)) -> Run {
    let mut p = Parser::new(opts).unwrap();
    p.set_now(T0 as i64);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let w = warnings.clone();
    p.on_warning(move |m| w.lock().unwrap().push(m.to_string()));
    setup(&mut p);
    let mut c = Collect::default();
    let mut result = Ok(());
    for line in input.split_inclusive('\n') {
        if let Err(e) = p.line(line.as_bytes(), &mut c) {
            result = Err(e);
            break;
        }
    }
    if result.is_ok() {
        result = p.finish(&mut c);
    }
    let warnings = warnings.lock().unwrap().clone();
    Run {
        c,
        warnings,
        result,
        points: p.points(),
    }
}

pub(super) fn run(input: &str, opts: Options) -> Run {
    run_with(input, opts, |_| {})
}

pub(super) fn ok(input: &str) -> Run {
    let r = run(input, utc());
    assert!(r.result.is_ok(), "{:?}", r.result);
    r
}

pub(super) fn names(r: &Run) -> Vec<&str> {
    r.c.names.iter().map(String::as_str).collect()
}
#[test]
fn several_sources() {
    let mut p = Parser::new(utc()).unwrap();
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let w = warnings.clone();
    p.on_warning(move |m| w.lock().unwrap().push(m.to_string()));
    let mut c = Collect::default();
    p.set_source("a.log");
    for l in ["time,fds", "1764000000,1", "1764000005,x"] {
        p.line(l.as_bytes(), &mut c).unwrap();
    }
    // The second file has another delimiter and the same header.
    p.set_source("b.log");
    for l in ["time\tfds", "1764000010\t3", "1764000015\ty"] {
        p.line(l.as_bytes(), &mut c).unwrap();
    }
    p.set_source("c.json");
    p.line(br#"{"time":1764000020,"fds":4}"#, &mut c).unwrap();
    p.finish(&mut c).unwrap();
    assert_eq!(c.names, ["fds", "fds"]);
    assert_eq!(c.points.len(), 3);
    assert_eq!(
        *warnings.lock().unwrap(),
        [
            "a.log: line 3: column 2: expected a number, found \"x\"",
            "b.log: line 3: column 2: expected a number, found \"y\"",
            "7 lines read, 3 rows of data, 2 header lines without numbers (a.log: line 1, b.log: line 1), \
             2 rejected (a.log: line 3, b.log: line 3)"
        ]
    );
    // Fatal errors name the file once.
    let o = Options {
        y: vec![Column::Name("b".into())],
        ..utc()
    };
    let r = run_with("time,a\n", o, |p| p.set_source("x.csv"));
    assert_eq!(
        r.err(),
        "x.csv: line 1: -y b: no column named \"b\" (columns: a)"
    );
    let many: String = (0..=MAX_SERIES)
        .map(|p| format!("{{\"time\":1764000000,\"pid\":{p},\"tcp\":1}}\n"))
        .collect();
    let r = run_with(&many, utc(), |p| p.set_source("x.jsonl"));
    assert_eq!(
        r.err(),
        "x.jsonl: line 1001: more than 1000 series (the last one \"1000:tcp\"): pick some with -y"
    );
    // A Prometheus document cut short at the end of a file.
    let mut p = Parser::new(utc()).unwrap();
    p.set_source("a.json");
    p.line(b"{\"status\":", &mut c).unwrap();
    p.set_source("b.json");
    let e = p.line(b"1764000000,1", &mut c).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a.json: line 1: the JSON document starting here is incomplete"
    );
}

#[test]
fn too_many_series() {
    let header: Vec<String> = (0..=MAX_SERIES + 1).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..=MAX_SERIES + 1).map(|i| i.to_string()).collect();
    let r = run(&format!("{}\n{}\n", header.join(","), row.join(",")), utc());
    assert_eq!(
        r.err(),
        "line 1: more than 1000 series (the last one \"c1001\"): pick some with -y"
    );
    // Picking keeps a wide file readable.
    let o = Options {
        y: vec![Column::Name("c7".into())],
        ..utc()
    };
    let mut row: Vec<String> = (0..=MAX_SERIES + 1).map(|i| i.to_string()).collect();
    row[0] = "1764000000".into();
    let r = run(&format!("{}\n{}\n", header.join(","), row.join(",")), o);
    assert_eq!(names(&r), ["c7"]);
    assert_eq!(r.c.points, [(0, T0, Some(7.0))]);
}

#[test]
fn absurd_clocks_do_not_overflow() {
    for now in [i64::MIN, i64::MAX, 0] {
        // Years beyond 0..=9999 are refused, without overflow.
        let r = run_with("Nov 24 16:00:00 1\n", utc(), |p| p.set_now(now));
        assert!(r.result.is_ok());
        assert_eq!(r.c.points.len(), usize::from(now == 0));
    }
}

#[test]
fn parse_bytes_counts_points() {
    let mut c = Collect::default();
    assert_eq!(parse_bytes(b"1,2\n3,4", utc(), &mut c).unwrap(), 2);
    let mut c = Collect::default();
    assert_eq!(parse_bytes(b"", utc(), &mut c).unwrap(), 0);
    assert!(c.names.is_empty());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_never_panic(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let mut c = Collect::default();
        let _ = parse_bytes(&input, utc(), &mut c);
    }

    #[test]
    fn csv_like_text_never_panics(input in "[0-9a-zA-Z\",;\t \\-:.TZ+#{}\\[\\]\n\r]{0,300}") {
        for format in [InputFormat::Auto, InputFormat::Csv, InputFormat::Jsonl, InputFormat::Prometheus] {
            let mut c = Collect::default();
            let o = Options { format, ..utc() };
            let _ = parse_bytes(input.as_bytes(), o, &mut c);
            for p in &c.points {
                proptest::prop_assert!(p.1.is_finite());
                proptest::prop_assert!(p.2.is_none_or(f64::is_finite));
                proptest::prop_assert!(p.0 < c.names.len());
            }
        }
    }

    #[test]
    fn json_like_text_never_panics(input in "[{}\\[\\]\":,0-9a-z. \n-]{0,300}") {
        let mut c = Collect::default();
        let _ = parse_bytes(input.as_bytes(), utc(), &mut c);
    }
}
