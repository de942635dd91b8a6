//! Entry points shared by the cargo-fuzz targets (fuzz/) and the regression
//! test that replays the inputs they once crashed on
//! (tests/it/fuzz_regressions.rs), so both exercise exactly the same code.
//! Each takes arbitrary bytes and must return without panicking.

use crate::series::{InputFormat, Options, Parser, Sink};
use crate::time::format::Format;
use crate::time::zone::{Offset, Zone};

/// tstamp's FORMAT argument: any string either fails to compile or gives a
/// format that renders any instant. The first 12 bytes pick the instant.
pub fn tstamp_format(data: &[u8]) {
    let Some((head, spec)) = data.split_first_chunk::<12>() else {
        return;
    };
    let Ok(spec) = std::str::from_utf8(spec) else {
        return;
    };
    let Ok(format) = Format::compile(spec) else {
        return;
    };
    // Any instant from year -1e6 to 1e6, any offset a real zone could have.
    let mut secs = [0; 8];
    secs.copy_from_slice(&head[..8]);
    let secs = i64::from_le_bytes(secs) % 31_556_952_000_000;
    let mut nanos = [0; 4];
    nanos.copy_from_slice(&head[8..]);
    let nanos = u32::from_le_bytes(nanos) % 1_000_000_000;
    let mut off = Offset::UTC;
    off.secs = (secs % 86_400) as i32 / 2;
    let mut out = Vec::new();
    format.render(&mut out, secs, nanos, &off);
}

struct FiniteTimes;

impl Sink for FiniteTimes {
    fn names(&mut self, _names: &[String]) {}
    fn point(&mut self, _series: usize, time: f64, _value: Option<f64>) {
        assert!(time.is_finite(), "non-finite time {time}");
    }
}

/// tsplot's input parser in every input format (the first byte picks it):
/// it may reject lines, never panic, and every point has a finite time.
pub fn tsplot_input(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let format = [
        InputFormat::Auto,
        InputFormat::Csv,
        InputFormat::Jsonl,
        InputFormat::Prometheus,
    ][usize::from(sel & 3)];
    // -y by name reaches header matching, JSON keys and Prometheus
    // selectors; a second source midway, the lines held for the delimiter.
    let y = if sel & 8 != 0 {
        vec![
            crate::series::Column::Name("free".into()),
            crate::series::Column::Name("kind=\"tcp\"".into()),
            // A labelled row's series (free's Swap: rows).
            crate::series::Column::Name("Swap:used".into()),
        ]
    } else {
        Vec::new()
    };
    let opts = Options {
        format,
        no_time: sel & 4 != 0,
        zone: Zone::Utc,
        y,
        ..Options::default()
    };
    let Ok(mut parser) = Parser::new(opts) else {
        return;
    };
    // Warnings on stderr would slow the fuzzer down to the terminal's pace.
    parser.on_warning(|_| {});
    let mut sink = FiniteTimes;
    let half = if sel & 16 != 0 {
        body.len() / 2
    } else {
        usize::MAX
    };
    let mut at = 0;
    for line in body.split(|&b| b == b'\n') {
        if at >= half {
            parser.set_source("second");
            at = 0;
        } else {
            at += line.len() + 1;
        }
        if parser.line(line, &mut sink).is_err() {
            return;
        }
    }
    let _ = parser.finish(&mut sink);
    std::hint::black_box(parser.summary(true));
}

/// fdcount's /proc table parsers (TCP table rows, socket protocol names,
/// stat and statm lines) on arbitrary bytes.
pub fn proc_tables(data: &[u8]) {
    std::hint::black_box(crate::procfs::parse_all(data));
}

/// Arguments the whole-pipeline target picks from: flags and values that
/// reach every stage (input dialects, limits, the report's knobs, sizes at
/// their bounds), names with escape sequences. Not -o, --follow, --help:
/// they write files, need a terminal, or end before the pipeline.
pub const TSPLOT_ARGS: &[&str] = &[
    "--report",
    "--report=json",
    "--rate",
    "--no-time",
    "-u",
    "--strict",
    "-y",
    "1",
    "2",
    "3",
    "-x",
    "--ymin",
    "--ymax",
    "-5",
    "0",
    "1e17",
    "1e308",
    "-1e308",
    "5e-324",
    "-W",
    "-H",
    "20",
    "200",
    "1000",
    "--last",
    "1h",
    "10s",
    "--from",
    "--to",
    "1764000000",
    "2025-11-24T16:00:00",
    "--min-step",
    "--step-noise",
    "--min-hold",
    "--min-hold-time",
    "--fail-on-growth",
    "-d",
    ";",
    "\\t",
    "--time-unit",
    "ms",
    "ns",
    "--input",
    "csv",
    "jsonl",
    "prom",
    "--title",
    "--ylabel",
    "\x1b]0;PWNED\x07",
    "--time-format",
    "%Y-%m-%d %H:%M:%S",
    "svg",
    "--html",
    "--format",
    "ascii",
];

/// tsplot end to end, in process: the first byte says how many arguments,
/// one byte each picks it from [`TSPLOT_ARGS`], the rest is the input.
/// Whatever the arguments and input, it either fails with an error or
/// draws (terminal, SVG, HTML) and reports (text, JSON) with no panic and
/// no NaN or infinity anywhere a number is drawn or reported.
pub fn tsplot_pipeline(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 12).min(rest.len());
    let (picks, input) = rest.split_at(n);
    let args: Vec<&str> = picks
        .iter()
        .map(|&b| TSPLOT_ARGS[usize::from(b) % TSPLOT_ARGS.len()])
        .collect();
    tsplot_run(&args, input);
}

/// [`tsplot_pipeline`] with the arguments given: for the property test.
pub fn tsplot_run(args: &[&str], input: &[u8]) {
    use crate::app::tsplot::run::{draw, in_memory, Format};
    let Ok(mut s) = crate::app::tsplot::settings_from(args.iter().copied()) else {
        return;
    };
    s.output = None;
    s.follow = false;
    s.inputs.clear();
    let Ok((chart, report)) = in_memory(&s, input) else {
        return;
    };
    for format in [Format::Ascii, Format::Svg, Format::Html] {
        s.format = format;
        let out = draw(&s, &chart);
        let bad = match format {
            Format::Ascii => ascii_flaw(&out),
            Format::Svg => svg_non_finite(&out),
            Format::Html => html_non_finite(&out),
        };
        assert!(
            bad.is_none(),
            "{format:?} for {args:?}: {}",
            bad.unwrap_or_default()
        );
    }
    if let Some(r) = report {
        let text = crate::report::render_text(&r, s.zone);
        assert!(!text
            .chars()
            .any(|c| c != '\n' && crate::sys::term::is_control(c)));
        for line in text.lines().filter(|l| l.starts_with("  ")) {
            assert!(
                !line
                    .split_whitespace()
                    .any(|w| w.contains("NaN") || w.contains("inf")),
                "report for {args:?}: {line}"
            );
        }
        let json = crate::report::render_json(&r);
        let v: serde_json::Value = serde_json::from_str(&json).expect("the report is JSON");
        assert_eq!(v["series"].as_array().map(Vec::len), Some(r.series.len()));
    }
}

/// A control character (the chart is drawn without colour here) or a
/// non-finite number in an axis label.
fn ascii_flaw(out: &str) -> Option<String> {
    if let Some(c) = out
        .chars()
        .find(|&c| c != '\n' && crate::sys::term::is_control(c))
    {
        return Some(format!("control character {c:?} in the chart"));
    }
    out.lines()
        .filter_map(|l| l.split_once('┤').map(|(label, _)| label))
        .find(|label| label.contains("NaN") || label.contains("inf"))
        .map(|l| format!("axis label {l:?}"))
}

/// NaN or infinity in an attribute that holds coordinates.
pub fn svg_non_finite(svg: &str) -> Option<String> {
    const NUMERIC: &[&str] = &[
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "width",
        "height",
        "d",
        "points",
        "viewBox",
        "transform",
    ];
    for attr in NUMERIC {
        let key = format!(" {attr}=\"");
        let mut rest = svg;
        while let Some(i) = rest.find(&key) {
            rest = &rest[i + key.len()..];
            let value = &rest[..rest.find('"').unwrap_or(rest.len())];
            if value.contains("NaN") || value.contains("inf") {
                return Some(format!("{attr}=\"{value}\""));
            }
        }
    }
    None
}

/// The page's data: JSON whose every drawn number is finite (serde_json
/// writes a NaN or an infinity as null, which the page would not draw).
pub fn html_non_finite(page: &str) -> Option<String> {
    let start = "<script type=\"application/json\" id=\"tsplot-data\">";
    let Some(i) = page.find(start) else {
        return (!page.is_empty()).then(|| "no data in the page".to_string());
    };
    let body = &page[i + start.len()..];
    let body = &body[..body.find("</script>").unwrap_or(body.len())];
    let v: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return Some(format!("page data is not JSON: {e}")),
    };
    for key in ["t0", "t1"] {
        if !v[key].is_number() {
            return Some(format!("{key} is {}", v[key]));
        }
    }
    let series = v["series"].as_array().cloned().unwrap_or_default();
    for s in &series {
        for p in s["points"].as_array().into_iter().flatten() {
            if !p.is_null()
                && !p
                    .as_array()
                    .is_some_and(|a| a.iter().all(|x| x.is_number()))
            {
                return Some(format!("point {p}"));
            }
        }
    }
    for m in v["marks"].as_array().into_iter().flatten() {
        for key in ["time", "before", "after"] {
            if !m[key].is_number() {
                return Some(format!("mark {key} is {}", m[key]));
            }
        }
    }
    None
}
