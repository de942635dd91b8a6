//! The CSV dialect, as a user writes it.

use crate::series::tests::*;
use crate::series::*;
use std::sync::{Arc, Mutex};

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
    assert_eq!(r.c.points, [(0, T0, Some(6.0))]);
    assert_eq!(
        r.warnings,
        ["column 2 (4,5) holds no numbers: left out of the chart"]
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
    assert_eq!(
        r.warnings,
        [
            "line 2: unterminated quoted field",
            "3 lines read, 2 rows of data, 1 rejected (line 2)"
        ]
    );
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
    assert_eq!(r.err(), "line 1: -y b: no column named \"b\" (columns: a)");
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
        [
            "line 6: column 1: expected a number, found \"1.2.3\"",
            "7 lines read, 3 rows of data, 1 header line without numbers (line 1), 1 rejected (line 6), \
             2 blank, comment or summary"
        ]
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
        [
            "line 3: column 2: expected a number, found \"fdcount: process 3136 exited\"",
            "4 lines read, 2 rows of data, 1 header line without numbers (line 1), 1 rejected (line 3)"
        ]
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
    // Line 2's text came before column 3's first number: told late, and
    // its column 2 was read.
    assert_eq!(r.points, 21);
    assert_eq!(r.warnings.len(), 6);
    assert_eq!(
        r.warnings[0],
        "line 2: column 3: expected a number, found \"abc0\""
    );
    assert_eq!(
        r.warnings[4],
        "line 10: column 3: expected a number, found \"abc4\""
    );
    assert_eq!(
        r.warnings[5],
        "22 lines read, 11 rows of data, 1 header line without numbers (line 1), \
         11 rejected (line 2, line 4, line 6, and 8 more)"
    );
    // finish again (a --follow that ends twice) says nothing new.
    let mut p = Parser::new(utc()).unwrap();
    let n = Arc::new(Mutex::new(0));
    let m = n.clone();
    p.on_warning(move |_| *m.lock().unwrap() += 1);
    let mut c = Collect::default();
    p.line(b"1764000000,1,2", &mut c).unwrap();
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
        r.warnings[0],
        format!(
            "line 2: column 3: expected a number, found \"{}...\"",
            "y".repeat(40)
        )
    );
    // A bad time.
    let r = ok("1764000000,1\n17640000x0,2\n");
    assert_eq!(
        r.warnings,
        [
            "line 2: column 1: expected a time, found \"17640000x0\"",
            "2 lines read, 1 row of data, 1 rejected (line 2)"
        ]
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

/// `cmd | tstamp`: `EPOCH,` and the command's line.
fn stamped(lines: &[&str]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{},{l}\n", 1_764_000_000 + 5 * i))
        .collect()
}

#[test]
fn command_output_stamped() {
    // A number then text: du -s, wc -l FILE; the text column is left out.
    let r = ok(&stamped(&["4096\t/var/log", "4100\t/var/log"]));
    assert_eq!(r.of(0), [(T0, Some(4096.0)), (T0 + 5.0, Some(4100.0))]);
    assert_eq!(
        r.warnings,
        ["column 3 (/var/log) holds no numbers: left out of the chart"]
    );
    // Sizes, K = 1024.
    let r = ok(&stamped(&[
        "512K\ta", "1.5M\ta", "2Gi\ta", "0B\ta", "45%\ta",
    ]));
    let v: Vec<_> = r.of(0).into_iter().map(|p| p.1.unwrap()).collect();
    assert_eq!(v, [524288.0, 1572864.0, 2147483648.0, 0.0, 45.0]);
    // vmstat: banner and header lines make no series; the last header
    // names the columns.
    let vm = stamped(&[
        "procs -----------memory---------- ---swap--",
        " r  b   swpd   free",
        " 2  0      0 23294784",
        " 1  0      0 23290112",
    ]);
    let r = ok(&vm);
    assert_eq!(names(&r), ["r", "b", "swpd", "free"]);
    assert_eq!(
        r.of(3),
        [(T0 + 10.0, Some(23294784.0)), (T0 + 15.0, Some(23290112.0))]
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // free -m: a header one field short names the right-most fields.
    let free = stamped(&[
        "               total        used        free",
        "Mem:           15896        3012       10234",
    ]);
    let o = Options {
        y: vec![Column::Name("used".into())],
        ..utc()
    };
    let r = run(&free, o);
    assert_eq!(names(&r), ["used"]);
    assert_eq!(r.c.points, [(0, T0 + 5.0, Some(3012.0))]);
    // iostat's avg-cpu: a header one field longer starts with a label.
    let r = ok(&stamped(&[
        "avg-cpu:  %user   %idle",
        "           0.50   99.25",
    ]));
    assert_eq!(names(&r), ["%user", "%idle"]);
    // A delimiter inside a header name does not decide the delimiter.
    let r = ok("time,rate;p99\n1764000000,5\n1764000005,7\n");
    assert_eq!(names(&r), ["rate;p99"]);
    // A stamped text-only row is a header.
    let r = ok("1764000000,tcp\n1764000005,3\n");
    assert_eq!(names(&r), ["tcp"]);
    assert_eq!(r.c.points, [(0, T0 + 5.0, Some(3.0))]);
    // sar: a tab-separated banner, an empty line, averages at the end.
    let sar = stamped(&[
        "Linux 6.1.0-18-amd64 (host) \t12/01/2026 \t_x86_64_\t(2 CPU)",
        "",
        "11:00:01 PM     CPU     %user     %idle",
        "11:00:02 PM     all      1.00     98.50",
        "Average:        all      1.00     98.50",
    ]);
    let o = Options {
        y: vec![Column::Name("%idle".into())],
        ..utc()
    };
    let r = run(&sar, o);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(r.c.points, [(0, T0 + 15.0, Some(98.5))]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(100))]

    /// The byte-level path for `epoch,integer` rows reads what the general
    /// parser reads (CRLF rows take the general one), whatever comes in
    /// between: headers, other shapes, text.
    #[test]
    fn fast_rows_read_as_the_general_parser_does(
        rows in proptest::collection::vec(
            (1_000_000_000u64..9_999_999_999, -1_000_000i64..1_000_000_000_000_000, 0usize..8),
            1..60,
        ),
    ) {
        let mut lf = String::new();
        let mut crlf = String::new();
        for (t, v, shape) in &rows {
            let line = match shape {
                0 => format!("{t},{v}.5"),
                1 => format!("{t},{v},1"),
                2 => "time,fds".to_string(),
                3 => format!("{t},x"),
                _ => format!("{t},{v}"),
            };
            lf.push_str(&line);
            lf.push('\n');
            crlf.push_str(&line);
            crlf.push_str("\r\n");
        }
        let (a, b) = (run(&lf, utc()), run(&crlf, utc()));
        proptest::prop_assert_eq!(&a.c, &b.c);
        proptest::prop_assert_eq!(a.warnings, b.warnings);
        proptest::prop_assert_eq!(a.result.is_ok(), b.result.is_ok());
    }
}

fn y(names: &[&str]) -> Options {
    Options {
        y: names.iter().map(|n| Column::Name(n.to_string())).collect(),
        ..utc()
    }
}

#[test]
fn labelled_rows_are_told_apart() {
    // free -m, twice (as `free -s` prints it): the Mem: rows feed the
    // columns' series, the Swap: rows their own, never the same one.
    let free = stamped(&[
        "               total        used        free   available",
        "Mem:           15896        3012       10234       12000",
        "Swap:           2047          10        2037",
        "               total        used        free   available",
        "Mem:           15896        3100       10146       11900",
        "Swap:           2047          12        2035",
    ]);
    let r = ok(&free);
    assert_eq!(
        names(&r),
        [
            "total",
            "used",
            "free",
            "available",
            "Swap:total",
            "Swap:used",
            "Swap:free"
        ]
    );
    assert_eq!(
        r.of(1),
        [(T0 + 5.0, Some(3012.0)), (T0 + 20.0, Some(3100.0))]
    );
    assert_eq!(r.of(5), [(T0 + 10.0, Some(10.0)), (T0 + 25.0, Some(12.0))]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // -y by the column's name takes the first label's rows; LABEL:NAME
    // takes that label's.
    let r = run(&free, y(&["used", "available"]));
    assert_eq!(names(&r), ["used", "available"]);
    assert_eq!(
        r.of(0),
        [(T0 + 5.0, Some(3012.0)), (T0 + 20.0, Some(3100.0))]
    );
    let r = run(&free, y(&["Swap:used"]));
    assert_eq!(names(&r), ["Swap:used"]);
    assert_eq!(r.of(0), [(T0 + 10.0, Some(10.0)), (T0 + 25.0, Some(12.0))]);
    // A label no row has is an error naming the labels there were.
    let r = run(&free, y(&["Swop:used"]));
    let e = r.result.unwrap_err().to_string();
    assert!(
        e.contains("-y Swop:used: no rows labelled \"Swop\" (labels: Mem, Swap)"),
        "{e}"
    );
    // iostat -d with two devices: one series per device and column.
    let io = stamped(&[
        "Device             tps    kB_read/s",
        "vda              10.00         1.50",
        "vdb               2.00         0.25",
        "",
        "Device             tps    kB_read/s",
        "vda              11.00         1.75",
        "vdb               3.00         0.50",
    ]);
    let r = ok(&io);
    assert_eq!(names(&r), ["tps", "kB_read/s", "vdb:tps", "vdb:kB_read/s"]);
    assert_eq!(r.of(0), [(T0 + 5.0, Some(10.0)), (T0 + 25.0, Some(11.0))]);
    assert_eq!(r.of(2), [(T0 + 10.0, Some(2.0)), (T0 + 30.0, Some(3.0))]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // A time of day where a label would be (sar) is not a label.
    let sar = stamped(&[
        "11:00:01     CPU     %idle",
        "11:00:02     all     98.50",
        "11:00:03     all     97.50",
    ]);
    let r = run(&sar, y(&["%idle"]));
    assert_eq!(r.of(0), [(T0 + 5.0, Some(98.5)), (T0 + 10.0, Some(97.5))]);
}

#[test]
fn sections_of_other_widths_have_their_own_headers() {
    // iostat: an avg-cpu: section and a Device section, blank lines
    // between, printed again every interval.
    let mut lines = vec!["Linux 6.1.0 (host) \t12/02/2026 \t_x86_64_\t(2 CPU)", ""];
    for i in 0..2 {
        lines.extend([
            "avg-cpu:  %user   %nice   %idle",
            if i == 0 {
                "           1.50    0.00   98.00"
            } else {
                "           2.50    0.00   97.00"
            },
            "",
            "Device             tps    kB_read/s    kB_wrtn/s",
            if i == 0 {
                "vda              10.00         1.50         3.00"
            } else {
                "vda              11.00         1.75         4.00"
            },
            "",
        ]);
    }
    let io = stamped(&lines);
    let r = ok(&io);
    assert_eq!(
        names(&r),
        ["%user", "%nice", "%idle", "tps", "kB_read/s", "kB_wrtn/s"]
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // No gaps from the blank lines: each series has its two samples.
    for s in 0..6 {
        assert_eq!(r.of(s).len(), 2, "{}", r.c.names[s]);
        assert!(r.of(s).iter().all(|p| p.1.is_some()));
    }
    assert_eq!(r.of(2), [(T0 + 15.0, Some(98.0)), (T0 + 45.0, Some(97.0))]);
    assert_eq!(r.of(3), [(T0 + 30.0, Some(10.0)), (T0 + 60.0, Some(11.0))]);
    // -y may name a later section's column; a name no section has is an
    // error once the output comes round to its first section again.
    let r = run(&io, y(&["tps", "%idle"]));
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(names(&r), ["%idle", "tps"]);
    assert_eq!(r.of(1), [(T0 + 30.0, Some(10.0)), (T0 + 60.0, Some(11.0))]);
    let e = run(&io, y(&["tpz"])).result.unwrap_err().to_string();
    assert!(
        e.starts_with("line 9: -y tpz: no column named \"tpz\" (columns: avg-cpu:, %user, %nice, %idle, Device, tps,"),
        "{e}"
    );
    // A stamped line of words not followed by a row of its width is
    // rejected as ever, at its own line.
    let r = ok(&stamped(&[
        " r  b   free",
        " 1  0   100",
        "du: cannot read directory",
        " 2  0   101",
    ]));
    assert_eq!(r.of(2), [(T0 + 5.0, Some(100.0)), (T0 + 15.0, Some(101.0))]);
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(
        r.warnings[0].starts_with(
            "line 3: column 2: expected a number, found \"du: cannot read directory\""
        ),
        "{:?}",
        r.warnings
    );
    // After a blank line too, when the next row has the old width (or
    // nothing follows).
    let r = ok(&stamped(&[
        " r  b   free",
        " 1  0   100",
        "",
        "no such thing here now",
        " 2  0   101",
        "",
        "the end of it",
    ]));
    assert_eq!(r.of(2), [(T0 + 5.0, Some(100.0)), (T0 + 20.0, Some(101.0))]);
    assert!(
        r.warnings[0].starts_with("line 4: column 2: expected a number")
            && r.warnings[1].starts_with("line 7: column 2: expected a number"),
        "{:?}",
        r.warnings
    );
    // A fdcount log stays as it was: `EPOCH,` is a gap there.
    let r = ok("time,tcp\n1764000000,3\n1764000005,\n1764000010,4\n");
    assert_eq!(
        r.of(0),
        [(T0, Some(3.0)), (T0 + 5.0, None), (T0 + 10.0, Some(4.0))]
    );
}

#[test]
fn an_unknown_name_lists_every_column_of_a_command() {
    let vm = stamped(&[
        "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----",
        " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st",
        " 2  0      0 23294784  78680 1102384    0    0  1162  1485  526 5427 44 24 30  2  0",
    ]);
    let e = run(&vm, y(&["frees"])).result.unwrap_err().to_string();
    assert!(
        e.ends_with(
            "-y frees: no column named \"frees\" (columns: r, b, swpd, free, buff, cache, si, so, \
             bi, bo, in, cs, us, sy, id, wa, st)"
        ),
        "{e}"
    );
}
