//! tsplot end to end: golden charts, the SVG read back as XML, every input
//! form, every malformed input, the report, on the built binary with TZ
//! pinned. `TSPLOT_BLESS=1 cargo test --test tsplot_cli` rewrites the golden
//! files after a deliberate change (read the diff before committing).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;

const TSPLOT: &str = env!("CARGO_BIN_EXE_tsplot");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(TSPLOT);
    c.args(args)
        .env("TZ", "UTC")
        .env("TSPLOT_NOW", "1764100000")
        .env_remove("NO_COLOR");
    c
}

fn run(args: &[&str], input: &str) -> Output {
    crate::util::run_with_input(&mut cmd(args), input.as_bytes())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn golden(name: &str, got: &str) {
    let path = data("plot").join(name);
    if std::env::var_os("TSPLOT_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (TSPLOT_BLESS=1 writes it)", path.display()));
    assert!(
        got == want,
        "{name} differs from the golden file; got:\n{got}"
    );
}

#[test]
fn golden_terminal_chart() {
    let csv = data("plot/staircase.csv");
    let o = cmd(&["-W", "80", "-H", "20", "--title", "staircase"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let chart = text(&o.stdout);
    assert_eq!(chart.lines().count(), 20);
    assert!(chart.lines().all(|l| l.chars().count() <= 80), "{chart}");
    golden("staircase.txt", &chart);
}

#[test]
fn golden_svg() {
    let csv = data("plot/staircase.csv");
    let o = cmd(&[
        "--format",
        "svg",
        "--title",
        "staircase & <friends>",
        "--ylabel",
        "fds",
    ])
    .arg(&csv)
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    golden("staircase.svg", &text(&o.stdout));
}

/// The SVG read back as XML: its size, its labels, and a line whose
/// highest and lowest points sit where the axis says the data's extremes are.
#[test]
fn svg_is_well_formed_and_true_to_the_data() {
    let csv = data("plot/staircase.csv");
    let o = cmd(&["--format", "svg", "-W", "900", "-H", "450"])
        .arg(&csv)
        .output()
        .unwrap();
    let svg = text(&o.stdout);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("900"));
    assert_eq!(root.attribute("height"), Some("450"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 900 450"));
    let group = |class: &str| {
        root.descendants()
            .find(|n| n.attribute("class") == Some(class))
            .unwrap_or_else(|| panic!("no {class} group"))
    };
    let xt: Vec<&str> = group("xticks")
        .children()
        .filter_map(|n| n.text())
        .collect();
    assert!(xt.contains(&"16:30") && xt.contains(&"17:30"), "{xt:?}");
    // Value ticks: round numbers, each at the height the axis maps it to.
    let yt: Vec<(f64, f64)> = group("yticks")
        .children()
        .filter(|n| n.is_element())
        .map(|n| {
            let v: f64 = n.text().unwrap().parse().unwrap();
            (v, n.attribute("y").unwrap().parse::<f64>().unwrap() - 4.0)
        })
        .collect();
    assert!(yt.len() >= 3, "{yt:?}");
    assert!(yt.iter().all(|(v, _)| v % 5.0 == 0.0), "{yt:?}");
    let (v1, y1) = yt[0];
    let (v2, y2) = yt[yt.len() - 1];
    let to_px = |v: f64| y1 + (v - v1) * (y2 - y1) / (v2 - v1);
    // Series tcp: 10..15, with a spike to 37 (10 + 2 + 25) at row 333.
    let tcp = root
        .descendants()
        .find(|n| {
            n.attribute("class") == Some("series")
                && n.descendants().any(|c| c.text() == Some("tcp"))
        })
        .expect("a tcp series");
    let ys: Vec<f64> = tcp
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .flat_map(|n| {
            n.attribute("points")
                .unwrap()
                .split(' ')
                .map(|p| p.split(',').nth(1).unwrap().parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    let top = ys.iter().cloned().fold(f64::INFINITY, f64::min);
    let bottom = ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        (top - to_px(37.0)).abs() < 0.3,
        "top {top} vs {}",
        to_px(37.0)
    );
    assert!(
        (bottom - to_px(10.0)).abs() < 0.3,
        "bottom {bottom} vs {}",
        to_px(10.0)
    );
    // The gap in unix splits its line in two.
    let unix = root
        .descendants()
        .find(|n| {
            n.attribute("class") == Some("series")
                && n.descendants().any(|c| c.text() == Some("unix"))
        })
        .unwrap();
    assert_eq!(
        unix.descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .count(),
        2
    );
    let legend: Vec<&str> = group("legend")
        .descendants()
        .filter_map(|n| n.text())
        .collect();
    assert!(
        legend.contains(&"tcp") && legend.contains(&"unix"),
        "{legend:?}"
    );
}

#[test]
fn text_in_svg_and_html_is_escaped() {
    let input = "time,a<b&c\n1764000000,1\n1764000060,2\n";
    for fmt in ["svg", "html"] {
        let o = run(
            &["--format", fmt, "--title", "</title><script>x</script>"],
            input,
        );
        assert!(o.status.success());
        let out = text(&o.stdout);
        assert!(!out.contains("<script>x"), "{fmt}: {out:.400}");
        if fmt == "svg" {
            roxmltree::Document::parse(&out).expect("well-formed");
            assert!(out.contains("a&lt;b&amp;c"));
        }
    }
}

fn points_in(args: &[&str], input: &str) -> (i32, String, String) {
    let o = run(args, input);
    (
        o.status.code().unwrap_or(-1),
        text(&o.stdout),
        text(&o.stderr),
    )
}

#[test]
fn every_input_form_draws() {
    let forms: &[(&str, &[&str], &str)] = &[
        ("comma", &[], "1764000000,1\n1764000060,5\n"),
        ("tab", &[], "1764000000\t1\n1764000060\t5\n"),
        ("semicolon", &[], "1764000000;1\n1764000060;5\n"),
        ("spaces", &[], "1764000000   1\n1764000060  5\n"),
        ("millis", &[], "1764000000000,1\n1764000060000,5\n"),
        ("iso", &[], "2025-11-24T16:00:00Z,1\n2025-11-24 16:01:00+00:00,5\n"),
        ("ts", &[], "Nov 24 16:00:00 1\nNov 24 16:01:00 5\n"),
        ("time-format", &["--time-format", "%d/%m/%Y %H:%M"], "24/11/2025 16:00,1\n24/11/2025 16:01,5\n"),
        ("header", &[], "time,conns\n1764000000,1\n1764000060,5\n"),
        ("crlf-bom", &[], "\u{feff}time,conns\r\n1764000000,1\r\n1764000060,5\r\n"),
        ("quoted", &[], "\"time\",\"conns\"\n\"1764000000\",\"1\"\n1764000060,5\n"),
        ("jsonl", &[], "{\"time\":1764000000,\"pid\":1,\"tcp\":1}\n{\"time\":1764000060,\"pid\":1,\"tcp\":5}\n"),
        ("unsorted", &[], "1764000060,5\n1764000000,1\n"),
    ];
    for (name, args, input) in forms {
        let mut a = vec!["-W", "60", "-H", "12"];
        a.extend_from_slice(args);
        let (code, out, err) = points_in(&a, input);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.is_empty(), "{name}: {err}");
        assert!(
            out.contains("16:00") && out.contains('5') && out.contains('1'),
            "{name}:\n{out}"
        );
    }
    // Files: Prometheus and fdcount's JSON Lines, recorded.
    for file in [
        "prom-query-range.json",
        "fdcount.jsonl",
        "fdcount-appended.log",
        "iso.log",
        "ts.log",
    ] {
        let o = cmd(&["-W", "60", "-H", "12"])
            .arg(data(file))
            .output()
            .unwrap();
        assert!(o.status.success(), "{file}: {}", text(&o.stderr));
        assert!(
            text(&o.stdout)
                .chars()
                .any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
            "{file}"
        );
    }
}

#[test]
fn columns_ranges_and_zones() {
    let input = "time,tcp,udp\n1764000000,1,100\n1764000600,2,200\n1764001200,3,300\n";
    let (_, out, _) = points_in(&["-W", "60", "-H", "12", "-y", "udp"], input);
    assert!(out.contains("━━ udp") && !out.contains("tcp"), "{out}");
    let (_, out, _) = points_in(&["-W", "60", "-H", "12", "--no-time", "-y", "2"], input);
    assert!(!out.contains("16:"), "{out}");
    let (_, out, _) = points_in(
        &[
            "-W", "60", "-H", "12", "-x", "1", "-y", "tcp", "--ymin", "0", "--ymax", "10",
        ],
        input,
    );
    assert!(out.contains("10 ┤") && out.contains(" 0 ┤"), "{out}");
    // --from/--to: only 16:10..16:20 is drawn.
    let (_, out, _) = points_in(
        &[
            "-W",
            "60",
            "-H",
            "12",
            "-y",
            "tcp",
            "--from",
            "1764000600",
            "--to",
            "2025-11-24T16:20:00Z",
        ],
        input,
    );
    assert!(out.contains("16:10") && !out.contains("16:00 "), "{out}");
    let (_, out, _) = points_in(
        &["-W", "60", "-H", "12", "-y", "tcp", "--last", "5m"],
        input,
    );
    assert!(!out.contains("16:05"), "{out}");
    // The same instant under two zones.
    let o = crate::util::run_with_input(
        Command::new(TSPLOT)
            .args(["-W", "60", "-H", "12"])
            .env("TZ", "Asia/Kolkata"),
        input.as_bytes(),
    );
    assert!(text(&o.stdout).contains("21:40"), "{}", text(&o.stdout));
    let o = crate::util::run_with_input(
        Command::new(TSPLOT)
            .args(["-W", "60", "-H", "12", "-u"])
            .env("TZ", "Asia/Kolkata"),
        input.as_bytes(),
    );
    assert!(text(&o.stdout).contains("16:10"), "{}", text(&o.stdout));
}

#[test]
fn malformed_lines_are_named_then_counted() {
    let mut input = String::from("time,tcp\n");
    for i in 0..20 {
        input.push_str(&format!(
            "{},{}\n",
            1_764_000_000 + i * 10,
            if i % 2 == 1 { "abc" } else { "5" }
        ));
    }
    let (code, _, err) = points_in(&["-W", "40", "-H", "8"], &input);
    assert_eq!(code, 0);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 6, "{err}");
    assert_eq!(
        lines[0],
        "tsplot: line 3: column 2: expected a number, found \"abc\""
    );
    assert_eq!(
        lines[5],
        "tsplot: 21 lines read, 10 rows of data, 1 header line without numbers (line 1), \
         10 rejected (line 3, line 5, line 7, and 7 more)"
    );
    let (code, out, err) = points_in(&["--strict"], &input);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(
        err,
        "tsplot: line 3: column 2: expected a number, found \"abc\"\n"
    );
    let (code, _, err) = points_in(&[], "");
    assert_eq!(
        (code, err.as_str()),
        (1, "tsplot: no data points: 0 lines read\n")
    );
    let (code, _, err) = points_in(&[], "time,tcp\n# nothing yet\n\n");
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "tsplot: no data points: 3 lines read, 1 header line without numbers (line 1), \
             2 blank, comment or summary\n"
        )
    );
    let (code, _, err) = points_in(&[], "1764000000,1\n1764000001,\"unterminated\n");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn usage_errors_exit_2_and_name_the_argument() {
    for (args, word) in [
        (&["--bogus"][..], "--bogus"),
        (&["-W", "3"][..], "-W"),
        (&["-H", "x"][..], "\"x\""),
        (&["--format", "png"][..], "png"),
        (&["--time-unit", "h"][..], "\"h\""),
        (&["--from", "yesterday"][..], "yesterday"),
        (&["--last", "soon"][..], "soon"),
    ] {
        let (code, _, err) = points_in(args, "time,tcp\n1764000000,1\n");
        assert_eq!(code, 2, "{args:?}: {err}");
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with("tsplot: ") && first.contains(word),
            "{args:?}: {err}"
        );
    }
    // A column the input turns out not to have is known only once its
    // header is read: a runtime failure that lists the columns there are.
    let (code, _, err) = points_in(&["-y", "nosuch"], "time,tcp\n1764000000,1\n");
    assert_eq!(code, 1);
    assert!(
        err.contains("no column named \"nosuch\" (columns: tcp)"),
        "{err}"
    );
    let o = cmd(&["/no/such/file"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "tsplot: /no/such/file: no such file or directory\n"
    );
}

#[test]
fn closed_pipe_and_full_disk() {
    let csv = data("plot/staircase.csv");
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{TSPLOT} -W 80 -H 40 {} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            csv.display()
        ))
        .output()
        .unwrap();
    assert_eq!(text(&o.stdout), "0\n");
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = cmd(&[])
        .arg(&csv)
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "tsplot: writing to stdout: no space left on device\n"
    );
}

fn leak(rows: usize) -> String {
    let mut s = String::from("time,tcp,steady\n");
    for i in 0..rows {
        s.push_str(&format!(
            "{},{},{}\n",
            1_764_000_000 + 5 * i,
            10 + i / 100,
            7 + i % 2
        ));
    }
    s
}

#[test]
fn report_text_json_marks_and_growth_alarm() {
    let input = leak(600);
    let (code, out, err) = points_in(&["--report"], &input);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("tcp: 600 samples"), "{out}");
    assert!(
        out.contains("steps   5") && out.contains("2025-11-24 16:08:20 +0000"),
        "{out}"
    );
    assert!(!out.contains('\u{2800}'), "--report alone draws no chart");
    let (_, out, _) = points_in(&["--report=json"], &input);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tcp = &v["series"][0];
    assert_eq!(tcp["name"], "tcp");
    assert_eq!(tcp["samples"], 600);
    for field in [
        "start",
        "end",
        "first",
        "last",
        "min",
        "max",
        "mean",
        "change",
        "slope_per_hour",
        "r2",
    ] {
        assert!(tcp[field].is_number(), "{field}: {tcp}");
    }
    let steps = tcp["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5);
    assert_eq!(steps[0]["time"], 1_764_000_500.0);
    assert_eq!(
        (steps[0]["before"].as_f64(), steps[0]["after"].as_f64()),
        (Some(10.0), Some(11.0))
    );
    assert!(steps[0]["held_secs"].as_f64().unwrap() > 2000.0);
    assert_eq!(v["series"][1]["steps"].as_array().unwrap().len(), 0);
    // The alarm: tcp grows 7.2/h (one every 100 samples of 5 s): over 5/h,
    // not over 10/h.
    let (code, _, err) = points_in(&["--fail-on-growth", "5", "-o", "/dev/null"], &input);
    assert_eq!(
        (code, err.as_str()),
        (3, "tsplot: growth over 5/h in: tcp\n")
    );
    assert_eq!(
        points_in(&["--fail-on-growth", "10", "-o", "/dev/null"], &input).0,
        0
    );
    // Steps marked on the SVG.
    let (_, svg, _) = points_in(&["--report", "--format", "svg"], &input);
    let svg = &svg[..svg.find("</svg>").unwrap() + 6];
    let doc = roxmltree::Document::parse(svg).unwrap();
    let marks = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("steps"))
        .expect("steps group");
    assert_eq!(
        marks
            .children()
            .filter(|n| n.has_tag_name("circle"))
            .count(),
        5
    );
}

#[test]
fn rate_of_a_counter_survives_a_reset() {
    // 10/s, then a restart from 0, then 10/s again.
    let mut input = String::new();
    for i in 0..60 {
        let v = if i < 30 {
            1000 + 10 * 5 * i
        } else {
            10 * 5 * (i - 30)
        };
        input.push_str(&format!("{},{}\n", 1_764_000_000 + 5 * i, v));
    }
    let (code, out, err) = points_in(&["--rate", "--report=json"], &input);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let s = &v["series"][0];
    assert!(s["min"].as_f64().unwrap() >= 0.0, "a negative rate: {s}");
    assert_eq!(s["max"], 10.0, "{s}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// Spikes anywhere in 1M rows survive downsampling: the buckets hold the
    /// spike's value at its time, whatever the order the rows come in.
    #[test]
    fn spikes_survive_downsampling(at in 0usize..1_000_000, up in 1.0f64..1e9, down in 1.0f64..1e9, shuffled in any::<bool>()) {
        use leakhunt::chart::Store;
        let mut s = Store::new(None);
        let other = (at + 500_000) % 1_000_000;
        let value = |i: usize| if i == at { 1e3 + up } else if i == other { -down } else { (i % 7) as f64 };
        let order: Vec<usize> = if shuffled {
            (0..1_000_000).map(|i| (i * 7919) % 1_000_000).collect()
        } else {
            (0..1_000_000).collect()
        };
        for &i in &order {
            s.push(1.7e9 + i as f64, Some(value(i)));
        }
        prop_assert!(s.buckets().len() <= leakhunt::chart::MAX_BUCKETS);
        let hi = s.buckets().iter().map(|b| b.max).fold((0.0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let lo = s.buckets().iter().map(|b| b.min).fold((0.0, f64::MAX), |a, b| if b.1 < a.1 { b } else { a });
        prop_assert_eq!(hi, (1.7e9 + at as f64, 1e3 + up));
        prop_assert_eq!(lo, (1.7e9 + other as f64, -down));
        // And the drawn line passes through both.
        let path: Vec<(f64, f64)> = s.runs(1.7e9, 1.7e9 + 1e6, 1000).concat();
        prop_assert!(path.contains(&hi) && path.contains(&lo));
    }
}

/// `tsplot < log >&-` would draw into nothing: an error, exit 1; with -o
/// the chart goes to the file and a closed stdout does not matter.
#[test]
fn closed_stdout_is_an_error_unless_the_chart_goes_to_a_file() {
    let dir = crate::util::scratch("tsplot-closed-stdout");
    let data = dir.join("in.csv");
    std::fs::write(&data, "time,conns\n1764000000,5\n1764000005,7\n").unwrap();
    let run = |args: &str| {
        std::process::Command::new("sh")
            .args([
                "-c",
                &format!("exec \"$0\" {args} >&-"),
                crate::util::bin("tsplot"),
            ])
            .arg(&data)
            .output()
            .unwrap()
    };
    for args in ["\"$1\"", "--report \"$1\"", "--report -o /dev/null \"$1\""] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "tsplot: stdout is closed: the chart would be lost (give it -o FILE, a file or a pipe)\n",
            "{args}"
        );
    }
    let svg = dir.join("out.svg");
    let out = run(&format!("-o '{}' \"$1\"", svg.display()));
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<?xml"));
    let _ = std::fs::remove_dir_all(&dir);
}
