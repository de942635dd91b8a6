use super::*;
use std::sync::{Arc, Mutex};

// 2025-11-24T16:00:00Z, a Monday.
const T0: f64 = 1_764_000_000.0;

fn utc() -> Options {
    Options {
        zone: Zone::Utc,
        ..Options::default()
    }
}

struct Run {
    c: Collect,
    warnings: Vec<String>,
    result: Result<()>,
    points: u64,
}

impl Run {
    fn err(&self) -> String {
        match &self.result {
            Err(e) => e.to_string(),
            Ok(()) => panic!("expected an error, got {:?}", self.c),
        }
    }
    /// Points of one series as (time, value).
    fn of(&self, s: usize) -> Vec<(f64, Option<f64>)> {
        self.c
            .points
            .iter()
            .filter(|p| p.0 == s)
            .map(|p| (p.1, p.2))
            .collect()
    }
}

fn run_with(input: &str, opts: Options, setup: impl FnOnce(&mut Parser)) -> Run {
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

fn run(input: &str, opts: Options) -> Run {
    run_with(input, opts, |_| {})
}

fn ok(input: &str) -> Run {
    let r = run(input, utc());
    assert!(r.result.is_ok(), "{:?}", r.result);
    r
}

fn names(r: &Run) -> Vec<&str> {
    r.c.names.iter().map(String::as_str).collect()
}

#[test]
fn seed_log() {
    let r = ok("1764000000,12\n1764000005,13\n1764000010,15\n");
    assert_eq!(names(&r), ["column 2"]);
    assert_eq!(
        r.of(0),
        [
            (T0, Some(12.0)),
            (T0 + 5.0, Some(13.0)),
            (T0 + 10.0, Some(15.0))
        ]
    );
    assert_eq!(r.points, 3);
    assert!(r.warnings.is_empty());
}

#[test]
fn delimiters_are_detected() {
    for input in [
        "time,a,b\n1764000000,1,2\n",
        "time\ta\tb\n1764000000\t1\t2\n",
        "time;a;b\n1764000000;1;2\n",
        "time a b\n1764000000 1 2\n",
        "  time   a   b  \n  1764000000    1  2   \n",
        "time\ta\tb\n1764000000\t 1 \t2\n",
        "time , a , b\n 1764000000 , 1 , 2 \n",
    ] {
        let r = ok(input);
        assert_eq!(names(&r), ["a", "b"], "{input:?}");
        assert_eq!(
            r.c.points,
            [(0, T0, Some(1.0)), (1, T0, Some(2.0))],
            "{input:?}"
        );
    }
    // Semicolons with decimal commas, as European spreadsheets write.
    let r = ok("1764000000;12,5;3\n");
    assert_eq!(r.c.points, [(0, T0, Some(12.5)), (1, T0, Some(3.0))]);
    // A tab-separated file whose values contain commas is read by tabs.
    let r = ok("time\tname, with comma\n1764000000\t7\n");
    assert_eq!(names(&r), ["name, with comma"]);
    // Forced delimiter; ' ' means runs of blanks.
    let o = Options {
        delimiter: Some(b'|'),
        ..utc()
    };
    let r = run("1764000000|4|5\n", o);
    assert_eq!(r.c.points, [(0, T0, Some(4.0)), (1, T0, Some(5.0))]);
    let o = Options {
        delimiter: Some(b' '),
        ..utc()
    };
    let r = run("1764000000   4,5   6\n", o);
    assert_eq!(
        r.warnings,
        ["line 1: column 2: expected a number, found \"4,5\""]
    );
    assert!(Parser::new(Options {
        delimiter: Some(b'"'),
        ..utc()
    })
    .is_err());
    assert!(Parser::new(Options {
        delimiter: Some(0xc3),
        ..utc()
    })
    .is_err());
}

#[test]
fn quoted_fields() {
    let r = ok("\"time\",\"open, tcp\",\"say \"\"hi\"\"\"\n\"1764000000\",\"3\", \"4\" \n");
    assert_eq!(names(&r), ["open, tcp", "say \"hi\""]);
    assert_eq!(r.c.points, [(0, T0, Some(3.0)), (1, T0, Some(4.0))]);
    let r = ok("time \"open fds\"\n1764000000 \"5\"\n");
    assert_eq!(names(&r), ["open fds"]);
    assert_eq!(r.c.points, [(0, T0, Some(5.0))]);
    // Quoted empty field: a gap.
    let r = ok("1764000000,\"\",1\n");
    assert_eq!(r.c.points, [(0, T0, None), (1, T0, Some(1.0))]);
    // A quote that never closes: the line is skipped.
    let r = ok("1764000000,1\n1764000005,\"2\n1764000010,3\n");
    assert_eq!(r.of(0), [(T0, Some(1.0)), (T0 + 10.0, Some(3.0))]);
    assert_eq!(r.warnings, ["line 2: unterminated quoted field"]);
}

#[test]
fn crlf_bom_comments_blank_lines() {
    let r = ok("\u{feff}# fdcount -p 3136\r\n\r\n  \r\ntime,fds\r\n1764000000,12\r\n# note\n\n1764000005,13\r\n");
    assert_eq!(names(&r), ["fds"]);
    assert_eq!(r.of(0), [(T0, Some(12.0)), (T0 + 5.0, Some(13.0))]);
    assert!(r.warnings.is_empty());
}

#[test]
fn empty_fields_are_gaps() {
    let r = ok("time,a,b\n1764000000,,2\n1764000005,1,\n1764000010\n");
    assert_eq!(
        r.of(0),
        [(T0, None), (T0 + 5.0, Some(1.0)), (T0 + 10.0, None)]
    );
    assert_eq!(
        r.of(1),
        [(T0, Some(2.0)), (T0 + 5.0, None), (T0 + 10.0, None)]
    );
    assert_eq!(r.points, 2);
    // NaN and infinities are gaps too: the sink sees finite numbers only.
    let r = ok("1764000000,nan,inf,-Infinity,1e400\n");
    assert!(r.c.points.iter().all(|p| p.2.is_none()));
    assert_eq!(r.points, 0);
}

#[test]
fn times_in_every_form() {
    for (input, t) in [
        ("1764000000.5,1", T0 + 0.5),
        ("1764000000500,1", T0 + 0.5),
        ("1764000000500000,1", T0 + 0.5),
        ("1764000000500000000,1", T0 + 0.5),
        ("2025-11-24T16:00:00Z,1", T0),
        ("2025-11-24T17:00:00+01:00,1", T0),
        ("2025-11-24T21:30:00.5+0530,1", T0 + 0.5),
        ("2025-11-24 16:00:00,1", T0),
        ("2025-11-24 16:00:00 1", T0),
        ("2025-11-24T16:00:00.250Z 1", T0 + 0.25),
        ("Nov 24 16:00:00 1", T0),
        ("Nov 24 16:00:00,1", T0),
        ("Nov  4 16:00:00 1", T0 - 20.0 * 86400.0),
        ("Nov 24 16:00:00.500000 1", T0 + 0.5),
        ("\"2025-11-24 16:00:00\";1", T0),
    ] {
        let r = ok(&format!("{input}\n"));
        assert_eq!(r.c.points, [(0, t, Some(1.0))], "{input}");
        assert!(r.warnings.is_empty(), "{input}: {:?}", r.warnings);
    }
    // A ts log has a space-separated time and a header of two words.
    let r = ok("time fds\nNov 24 16:00:00 12\nNov 24 16:00:05 13\n");
    assert_eq!(names(&r), ["fds"]);
    assert_eq!(r.of(0), [(T0, Some(12.0)), (T0 + 5.0, Some(13.0))]);
}

#[test]
fn time_unit_and_format_options() {
    let o = Options {
        time_unit: Some(TimeUnit::Millis),
        ..utc()
    };
    let r = run("1500,1\n", o);
    assert_eq!(r.c.points, [(0, 1.5, Some(1.0))]);
    let o = Options {
        time_format: Some("%d/%m/%Y %H:%M:%S".into()),
        ..utc()
    };
    let r = run("24/11/2025 16:00:00,1\n24/11/2025 16:00:05,2\n", o.clone());
    assert_eq!(r.of(0), [(T0, Some(1.0)), (T0 + 5.0, Some(2.0))]);
    let r = run(
        "24/11/2025 16:00:00 1\n24/11/2025 16:00:05    2\n",
        o.clone(),
    );
    assert_eq!(r.of(0), [(T0, Some(1.0)), (T0 + 5.0, Some(2.0))]);
    let r = run("2025-11-24T16:00:00Z,1\n", o);
    assert_eq!(
        r.warnings,
        ["line 1: column 1: expected a time, found \"2025-11-24T16:00:00Z\""]
    );
    let e = Parser::new(Options {
        time_format: Some("%Y-%Q".into()),
        ..utc()
    })
    .err()
    .unwrap();
    assert_eq!(
        e.to_string(),
        "--time-format: unknown format directive \"%Q\""
    );
    assert!(matches!(e, Error::Usage(_)));
}

#[test]
fn local_times_use_the_zone() {
    // Without an offset the zone decides; with one it does not.
    let o = Options {
        zone: Zone::Local,
        ..Options::default()
    };
    let local = Zone::Local.to_epoch(T0 as i64) as f64;
    let r = run("2025-11-24 16:00:00,1\n2025-11-24T16:00:00Z,2\n", o);
    assert_eq!(r.c.points, [(0, local, Some(1.0)), (0, T0, Some(2.0))]);
}

#[test]
fn columns_by_index_and_name() {
    let input = "a,time,b,c\n1,1764000000,2,3\n";
    let o = |x, y: Vec<Column>| Options { x, y, ..utc() };
    let r = run(input, o(Some(Column::Index(2)), vec![]));
    assert_eq!(names(&r), ["a", "b", "c"]);
    assert_eq!(r.c.points.len(), 3);
    assert!(r.c.points.iter().all(|p| p.1 == T0));
    let r = run(
        input,
        o(
            Some(Column::Name("time".into())),
            vec![Column::Name("c".into()), Column::Index(1)],
        ),
    );
    assert_eq!(names(&r), ["a", "c"]);
    assert_eq!(r.c.points, [(0, T0, Some(1.0)), (1, T0, Some(3.0))]);
    // -y picks series; unpicked text columns are not checked.
    let r = run(
        "time,comm,fds\n1764000000,postgres,4\n",
        o(None, vec![Column::Name("fds".into())]),
    );
    assert_eq!(names(&r), ["fds"]);
    assert_eq!(r.c.points, [(0, T0, Some(4.0))]);
    assert!(r.warnings.is_empty());
    // Headerless, by number.
    let r = run("1764000000,5,6,7\n", o(None, vec![Column::Index(3)]));
    assert_eq!(names(&r), ["column 3"]);
    assert_eq!(r.c.points, [(0, T0, Some(6.0))]);
}

#[test]
fn column_mistakes_are_errors() {
    let o = |x, y: Vec<Column>| Options { x, y, ..utc() };
    let r = run(
        "time,a\n1764000000,1\n",
        o(None, vec![Column::Name("b".into())]),
    );
    assert_eq!(
        r.err(),
        "line 1: -y b: no column named \"b\" (columns: time, a)"
    );
    let r = run(
        "time,a\n1764000000,1\n",
        o(Some(Column::Name("t".into())), vec![]),
    );
    assert_eq!(
        r.err(),
        "line 1: -x t: no column named \"t\" (columns: time, a)"
    );
    let r = run("1764000000,1\n", o(Some(Column::Name("t".into())), vec![]));
    assert_eq!(
        r.err(),
        "line 1: -x t: the input has no header row naming its columns"
    );
    let r = run("1764000000,1\n", o(None, vec![Column::Name("a".into())]));
    assert_eq!(
        r.err(),
        "line 1: -y a: the input has no header row naming its columns"
    );
    let r = run("1764000000,1,2\n", o(None, vec![Column::Index(5)]));
    assert_eq!(r.err(), "line 1: -y 5: the input has only 3 columns");
    let e = |opts: Options| Parser::new(opts).err().unwrap().to_string();
    let r = run("1764000000,1\n", o(None, vec![Column::Index(1)]));
    assert_eq!(
        r.err(),
        "-y 1: column 1 is the time column (see -x and --no-time)"
    );
    assert_eq!(
        e(o(Some(Column::Index(0)), vec![])),
        "column numbers start at 1"
    );
    assert_eq!(
        e(Options {
            no_time: true,
            x: Some(Column::Index(2)),
            ..utc()
        }),
        "--no-time and -x cannot be used together"
    );
}

#[test]
fn no_time_uses_row_numbers() {
    let o = Options {
        no_time: true,
        ..utc()
    };
    let r = run("count\n5\n# c\n\n7\n1.2.3\n9\n", o);
    assert_eq!(names(&r), ["count"]);
    assert_eq!(
        r.of(0),
        [(1.0, Some(5.0)), (2.0, Some(7.0)), (3.0, Some(9.0))]
    );
    assert_eq!(
        r.warnings,
        ["line 6: column 1: expected a number, found \"1.2.3\""]
    );
}

#[test]
fn repeated_and_changed_headers() {
    // Runs appended to one log: fdcount --header | tstamp >> log.
    let log = "\
1764000000,tcp,unix
1764000000,3,1
1764000005,4,1
1764000100,tcp,unix
1764000100,1,1
1764000200,3137:tcp,3137:unix
1764000200,8,2
time,unix,tcp
1764000300,5,9
";
    let r = ok(log);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(names(&r), ["tcp", "unix", "3137:tcp", "3137:unix"]);
    assert_eq!(
        r.of(0),
        [
            (T0, Some(3.0)),
            (T0 + 5.0, Some(4.0)),
            (T0 + 100.0, Some(1.0)),
            (T0 + 300.0, Some(9.0))
        ]
    );
    assert_eq!(r.of(2), [(T0 + 200.0, Some(8.0))]);
    assert_eq!(r.of(1).last(), Some(&(T0 + 300.0, Some(5.0))));
    // Names with spaces after data are an error message stamped into the log,
    // not a header.
    let r =
        ok("1764000000,tcp\n1764000000,3\n1764000005,fdcount: process 3136 exited\n1764000010,4\n");
    assert_eq!(names(&r), ["tcp"]);
    assert_eq!(
        r.warnings,
        ["line 3: column 2: expected a number, found \"fdcount: process 3136 exited\""]
    );
    // Duplicate names within a header stay apart.
    let r = ok("time,a,a\n1764000000,1,2\n");
    assert_eq!(names(&r), ["a", "a (column 3)"]);
    // Extra columns beyond the header are named by number.
    let r = ok("time,a\n1764000000,1,2\n");
    assert_eq!(names(&r), ["a", "column 3"]);
}

#[test]
fn malformed_rows_warn_then_count() {
    let mut input = String::from("time,a,b\n");
    for i in 0..10 {
        input.push_str(&format!("{},1,abc{i}\n", 1_764_000_000 + i));
        input.push_str(&format!("{},1,2\n", 1_764_000_000 + i));
    }
    input.push_str("x1764000000,1,2\n");
    let r = ok(&input);
    assert_eq!(r.points, 20);
    assert_eq!(r.warnings.len(), 6);
    assert_eq!(
        r.warnings[0],
        "line 2: column 3: expected a number, found \"abc0\""
    );
    assert_eq!(
        r.warnings[4],
        "line 10: column 3: expected a number, found \"abc4\""
    );
    assert_eq!(r.warnings[5], "6 more malformed lines skipped");
    // finish again (a --follow that ends twice) says nothing new.
    let mut p = Parser::new(utc()).unwrap();
    let n = Arc::new(Mutex::new(0));
    let m = n.clone();
    p.on_warning(move |_| *m.lock().unwrap() += 1);
    let mut c = Collect::default();
    for _ in 0..7 {
        p.line(b"1764000000,x,1", &mut c).unwrap();
    }
    p.finish(&mut c).unwrap();
    p.finish(&mut c).unwrap();
    assert_eq!(*n.lock().unwrap(), 6);
    assert_eq!(p.malformed(), 7);
    // Long text is clipped in messages.
    let long = "y".repeat(1000);
    let r = ok(&format!("1764000000,1,2\n1764000000,1,{long}\n"));
    assert_eq!(
        r.warnings,
        [format!(
            "line 2: column 3: expected a number, found \"{}...\"",
            "y".repeat(40)
        )]
    );
    // A bad time.
    let r = ok("1764000000,1\n17640000x0,2\n");
    assert_eq!(
        r.warnings,
        ["line 2: column 1: expected a time, found \"17640000x0\""]
    );
}

#[test]
fn strict_makes_the_first_malformed_row_fatal() {
    let o = Options {
        strict: true,
        ..utc()
    };
    let r = run("time,a\n1764000000,1\n1764000005,abc\n1764000010,3\n", o);
    assert_eq!(
        r.err(),
        "line 3: column 2: expected a number, found \"abc\""
    );
    assert!(matches!(r.result, Err(Error::Failure(_))));
    assert_eq!(r.c.points.len(), 1);
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
            "b.log: line 3: column 2: expected a number, found \"y\""
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
        "x.csv: line 1: -y b: no column named \"b\" (columns: time, a)"
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
    let r = run(&format!("{}\n", header.join(",")), utc());
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
fn json_lines_one_process() {
    let input = r#"
{"time":1764000000.5,"pid":3136,"comm":"postgres","tcp":12,"unix":3}
{"time":1764000005.5,"pid":3136,"comm":"postgres","tcp":13,"unix":null}
{"t":"2025-11-24T16:00:10Z","pid":3136,"tcp":14,"unix":3,"ok":true,"tags":[1]}
{"timestamp":1764000015000,"tcp":15,"fds":{"reg":4,"pipe":2}}
"#;
    let r = ok(input);
    // Nested objects come sorted (serde_json's map); top-level fields in order.
    assert_eq!(names(&r), ["tcp", "unix", "tcp", "fds.pipe", "fds.reg"]);
    assert_eq!(
        r.of(0),
        [
            (T0 + 0.5, Some(12.0)),
            (T0 + 5.5, Some(13.0)),
            (T0 + 10.0, Some(14.0))
        ]
    );
    assert_eq!(r.of(1)[1], (T0 + 5.5, None));
    assert_eq!(r.of(2), [(T0 + 15.0, Some(15.0))]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn json_lines_several_processes() {
    let input = r#"{"time":1764000000,"pid":3136,"comm":"postgres","tcp":12}
{"time":1764000000,"pid":3137,"comm":"postgres","tcp":2}
{"time":1764000005,"pid":3136,"comm":"postgres","tcp":13}
"#;
    let r = ok(input);
    assert_eq!(names(&r), ["3136:tcp", "3137:tcp"]);
    assert_eq!(r.of(0), [(T0, Some(12.0)), (T0 + 5.0, Some(13.0))]);
    // The sink heard the first name before the rename.
    let o = Options {
        y: vec![Column::Name("3137:tcp".into())],
        ..utc()
    };
    let r = run(input, o);
    assert_eq!(names(&r), ["3137:tcp"]);
    assert_eq!(r.c.points, [(0, T0, Some(2.0))]);
}

#[test]
fn json_lines_malformed() {
    let input = r#"{"time":1764000000,"tcp":1}
{"time":1764000005,"tcp":
{"tcp":3}
{"time":"yesterday","tcp":4}
[1,2]
time,tcp
{"time":1764000010,"tcp":5}
"#;
    let r = ok(input);
    assert_eq!(r.of(0), [(T0, Some(1.0)), (T0 + 10.0, Some(5.0))]);
    assert_eq!(
        r.warnings,
        [
            "line 2: expected a JSON object: EOF while parsing a value (column 25)",
            "line 3: no \"time\" or \"t\" or \"timestamp\" or \"ts\" field",
            "line 4: field \"time\": expected a time, found \"yesterday\"",
            "line 5: expected a JSON object: invalid type: sequence, expected a JSON object (column 0)",
            "line 6: expected a JSON object: expected ident (column 2)",
        ]
    );
    let o = Options {
        format: InputFormat::Jsonl,
        y: vec![Column::Index(2)],
        ..utc()
    };
    assert_eq!(
        run(input, o).err(),
        "-y 2: JSON fields are picked by name, not number"
    );
    // -x names the time field; --no-time counts records.
    let o = Options {
        x: Some(Column::Name("at".into())),
        ..utc()
    };
    let r = run("{\"at\":1764000000,\"time\":5}\n", o);
    assert_eq!(names(&r), ["time"]);
    assert_eq!(r.c.points, [(0, T0, Some(5.0))]);
    let r = ok("{\"t\":21.5,\"time\":1764000000}\n");
    assert_eq!(names(&r), ["t"]);
    assert_eq!(r.c.points, [(0, T0, Some(21.5))]);
    let o = Options {
        no_time: true,
        ..utc()
    };
    let r = run("{\"a\":5}\n{\"a\":6}\n", o);
    assert_eq!(r.c.points, [(0, 1.0, Some(5.0)), (0, 2.0, Some(6.0))]);
}

const MATRIX: &str = r#"{
  "status": "success",
  "data": {
    "resultType": "matrix",
    "result": [
      {
        "metric": {"__name__": "fdcount_open_fds", "job": "fdcount", "kind": "tcp", "pid": "3136"},
        "values": [[1764000000, "12"], [1764000015, "13"], [1764000030.5, "NaN"]]
      },
      {
        "metric": {"__name__": "fdcount_open_fds", "job": "fdcount", "kind": "unix", "pid": "3136"},
        "values": [[1764000000, "3"], [1764000015, "+Inf"]]
      }
    ]
  }
}
"#;

#[test]
fn prometheus_matrix() {
    let r = ok(MATRIX);
    assert_eq!(
        names(&r),
        [
            "fdcount_open_fds{kind=\"tcp\"}",
            "fdcount_open_fds{kind=\"unix\"}"
        ]
    );
    assert_eq!(
        r.of(0),
        [(T0, Some(12.0)), (T0 + 15.0, Some(13.0)), (T0 + 30.5, None)]
    );
    assert_eq!(r.of(1), [(T0, Some(3.0)), (T0 + 15.0, None)]);
    // The same on one line, forced, and twice in a row (two queries).
    let one_line: String = MATRIX.lines().map(str::trim).collect();
    let r = run(
        &format!("{one_line}\n{one_line}{one_line}\n"),
        Options {
            format: InputFormat::Prometheus,
            ..utc()
        },
    );
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(r.c.names.len(), 2);
    assert_eq!(r.of(0).len(), 9);
    // -y picks results by name or number.
    let o = Options {
        y: vec![Column::Name("fdcount_open_fds{kind=\"unix\"}".into())],
        ..utc()
    };
    assert_eq!(names(&run(MATRIX, o)), ["fdcount_open_fds{kind=\"unix\"}"]);
    let o = Options {
        y: vec![Column::Index(1)],
        ..utc()
    };
    assert_eq!(names(&run(MATRIX, o)), ["fdcount_open_fds{kind=\"tcp\"}"]);
}

#[test]
fn prometheus_names() {
    // One series keeps just its metric name; one without any name or
    // distinguishing labels keeps them all; escapes follow Prometheus.
    let r = ok(
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1764000000,"1"]}]}}"#,
    );
    assert_eq!(names(&r), ["up"]);
    assert_eq!(r.c.points, [(0, T0, Some(1.0))]);
    let r = ok(
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764000000,"2"]},{"metric":{"path":"a\"b\\c"},"value":[1764000000,"3"]}]}}"#,
    );
    assert_eq!(names(&r), ["{}", "{path=\"a\\\"b\\\\c\"}"]);
    let r = ok(r#"{"status":"success","data":{"resultType":"scalar","result":[1764000000,"42"]}}"#);
    assert_eq!(names(&r), ["scalar"]);
    assert_eq!(r.c.points, [(0, T0, Some(42.0))]);
    // A later query with another label set renames the earlier series.
    let a = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x","pid":"1"},"value":[1764000000,"1"]}]}}"#;
    let b = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x","pid":"2"},"value":[1764000000,"2"]}]}}"#;
    let r = ok(&format!("{a}\n{b}\n"));
    assert_eq!(names(&r), ["x{pid=\"1\"}", "x{pid=\"2\"}"]);
}

#[test]
fn prometheus_errors() {
    let r = run(
        r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected end of input"}"#,
        utc(),
    );
    assert_eq!(
        r.err(),
        "Prometheus query failed: bad_data: invalid parameter \"query\": 1:5: parse error: unexpected end of input"
    );
    let r = run(
        "{\n \"status\": \"success\",\n \"data\": {\"resultType\": \"matrix\",\n",
        utc(),
    );
    assert_eq!(
        r.err(),
        "line 1: the JSON document starting here is incomplete"
    );
    let r = run(
        r#"{"status":"success","data":{"resultType":"string","result":[1764000000,"x"]}}"#,
        utc(),
    );
    assert_eq!(
        r.err(),
        "line 1: Prometheus result type \"string\" holds no series to plot"
    );
    let r = run("{\n\"status\": 5\n}\n", utc());
    assert_eq!(
        r.err(),
        "line 1: not a Prometheus API response: invalid type: integer `5`, expected a string (column 11)"
    );
    let r = run(&format!("{MATRIX}1764000000,1\n"), utc());
    assert_eq!(
        r.err(),
        "line 17: expected a JSON document (a Prometheus API response), found \"1764000000,1\""
    );
    let r = run(
        r#"{"status":"success","warnings":["too many samples"],"data":{"resultType":"matrix","result":[]}}"#,
        utc(),
    );
    assert!(r.result.is_ok());
    assert_eq!(r.warnings, ["Prometheus warning: too many samples"]);
    assert_eq!(r.points, 0);
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

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever the delimiter, quoting and time unit, written rows read back
    /// as the same points.
    #[test]
    fn written_rows_read_back(
        rows in proptest::collection::vec(
            (1_000_000_000u64..4_000_000_000, proptest::collection::vec(proptest::option::of(-1e12f64..1e12), 2)),
            1..40,
        ),
        delim in 0usize..4,
        unit in 0usize..4,
        quote in proptest::bool::ANY,
        header in proptest::bool::ANY,
    ) {
        let d = ["," , "\t", ";", "  "][delim];
        let scale = [1u64, 1_000, 1_000_000, 1_000_000_000][unit];
        // Blanks cannot hold an empty field unquoted.
        let q = |s: String| if quote || (s.is_empty() && d == "  ") { format!("\"{s}\"") } else { s };
        let mut input = String::new();
        if header {
            input.push_str(&["time", "a", "b"].map(|h| q(h.to_string())).join(d));
            input.push('\n');
        }
        let mut want = Vec::new();
        for (t, vals) in &rows {
            let mut fields = vec![q((t * scale).to_string())];
            for (i, v) in vals.iter().enumerate() {
                fields.push(q(v.map_or(String::new(), |v| v.to_string())));
                want.push((i, *t as f64, *v));
            }
            input.push_str(&fields.join(d));
            input.push_str("\r\n");
        }
        let r = ok(&input);
        proptest::prop_assert_eq!(&r.c.points, &want);
        proptest::prop_assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let names = if header { ["a", "b"] } else { ["column 2", "column 3"] };
        proptest::prop_assert_eq!(&r.c.names, &names);
    }
}
