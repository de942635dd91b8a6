//! The whole tsplot pipeline under random arguments x random input, in
//! process (`leakhunt::fuzzing::tsplot_run`, the entry the
//! `tsplot_pipeline` fuzz target drives): parse, chart, report, then every
//! renderer (terminal, SVG, HTML, text and JSON report). Nothing may panic,
//! no number drawn or reported may be NaN or infinite, no control character
//! may reach the text outputs. Bounded to run in a few seconds; `fuzz/run`
//! goes on for as long as it is given.

use leakhunt::fuzzing::{tsplot_run, TSPLOT_ARGS};
use proptest::prelude::*;

/// Values at the edges: huge (with `extremes`), tiny, close together at
/// 1e17, not numbers.
fn value(extremes: bool) -> impl Strategy<Value = String> {
    let huge = if extremes { 1e308 } else { 1e300 };
    prop_oneof![
        (-1000i64..1000).prop_map(|v| v.to_string()),
        any::<f64>()
            .prop_filter("finite", move |v| v.is_finite() && v.abs() <= huge)
            .prop_map(|v| format!("{v:e}")),
        prop::sample::select(if extremes {
            vec!["1e308", "-1e308", "1.7976931348623157e308"]
        } else {
            vec!["1e300", "-1e300"]
        })
        .prop_map(str::to_string),
        prop::sample::select(vec![
            "5e-324",
            "1e-300",
            "100000000000000000",
            "100000000000000016",
            "0",
            "",
            "abc",
            "nan",
            "inf",
        ])
        .prop_map(str::to_string),
    ]
}

/// Times: epoch seconds mostly in order, sometimes repeated or backwards,
/// sometimes dates or junk.
fn time() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (0u64..5000).prop_map(|d| (1_764_000_000 + d).to_string()),
        1 => prop::sample::select(vec!["2025-11-24T16:00:00Z", "1e300", "-1", "x", ""])
            .prop_map(str::to_string),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "tcp",
        "\x1b]0;PWNED\x07x",
        "a;b",
        "\u{9b}31m",
        "NaN",
        "",
        "time",
    ])
    .prop_map(str::to_string)
}

/// A CSV with a header, or lines of arbitrary bytes.
fn input(extremes: bool) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (prop::collection::vec(name(), 1..4), prop::collection::vec((time(), prop::collection::vec(value(extremes), 1..4)), 0..60))
            .prop_map(|(names, rows)| {
                let mut s = format!("time,{}\n", names.join(","));
                let mut rows = rows;
                rows.sort_by(|a, b| a.0.cmp(&b.0));
                for (t, vs) in rows {
                    s.push_str(&format!("{t},{}\n", vs.join(",")));
                }
                s.into_bytes()
            }),
        1 => prop::collection::vec(any::<u8>(), 0..400),
    ]
}

/// Arguments from the fuzz target's pool, --ymin/--ymax among them.
fn args() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(TSPLOT_ARGS.to_vec()), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn pipeline_never_panics_and_draws_finite(args in args(), input in input(false)) {
        tsplot_run(&args, &input);
    }

    // Values near ±f64::MAX, and limits outside the data (issue 13, items
    // 5-6).
    #[test]
    fn pipeline_at_the_extremes(args in args(), input in input(true)) {
        tsplot_run(&args, &input);
    }
}
