//! The report's output and its options: the JSON shape, the text, the
//! growth alarm, rates of counters; and the report through the tsplot
//! binary: the issue's staircase, the window options, `--no-time`.

use super::report::{analyze_with, regular, T0};
use crate::util::Cmd;
use leakhunt::report::{render_json, render_text, Analyzer, Config, Rate, Report};
use leakhunt::series::Sink;
use leakhunt::time::zone::Zone;

#[test]
fn json_has_the_documented_shape_and_round_trips() {
    let values = [1.0, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0];
    let report = analyze_with(
        Config::default(),
        &[("tcp", regular(&values, 2.0)), ("empty", vec![(T0, None)])],
    );
    let json = render_json(&report);
    assert!(json.ends_with("}\n"));
    let mut back: Report = serde_json::from_str(&json).expect("deserialises");
    // serde_json parses floats to within an ulp unless built with
    // float_roundtrip: the slopes are the values here that are not short.
    for (b, r) in back.series.iter_mut().zip(&report.series) {
        b.slope_per_hour = r.slope_per_hour;
        b.r2 = r.r2;
        b.noise = r.noise;
        b.step_threshold = r.step_threshold;
        for (br, rr) in b.runs.iter_mut().zip(&r.runs) {
            br.slope_per_hour = rr.slope_per_hour;
        }
        for (bs, rs) in b.steps.iter_mut().zip(&r.steps) {
            bs.index = rs.index;
        }
    }
    assert_eq!(back, report);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["tool"], "tsplot");
    assert_eq!(v["rows"], false);
    let s = &v["series"][0];
    for key in [
        "name",
        "samples",
        "gaps",
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
        "noise",
        "step_threshold",
        "steps_exact",
        "runs",
        "steps",
    ] {
        assert!(s.get(key).is_some(), "series has no {key}: {s}");
    }
    let step = &s["steps"][0];
    assert_eq!(step["time"], T0 + 8.0);
    assert_eq!(
        (step["before"].as_f64(), step["after"].as_f64()),
        (Some(1.0), Some(5.0))
    );
    assert_eq!(step["held_secs"], 12.0);
    assert_eq!(step["run"], 0);
    let run = &s["runs"][0];
    assert_eq!(
        (run["start"].as_f64(), run["samples"].as_u64()),
        (Some(T0), Some(11))
    );
    assert_eq!(run["steps"], 1);
    assert!(v["series"][1]["start"].is_null());
    assert_eq!(v["series"][1]["runs"], serde_json::json!([]));
}

#[test]
fn text_report_in_wall_clock_time_summarises_staircases() {
    // 2025-11-24 16:16:40 UTC: a connection leaked every 5 s for 3 minutes.
    let t0 = 1_764_001_000.0;
    let values: Vec<(f64, Option<f64>)> = (0..180)
        .map(|i| (t0 + i as f64, Some(10.0 + (i / 5) as f64)))
        .collect();
    let report = analyze_with(Config::default(), &[("tcp", values)]);
    let text = render_text(&report, Zone::Utc);
    assert!(text.starts_with("tcp: 180 samples\n"), "{text}");
    assert!(
        text.contains("from    2025-11-24 16:16:40 +0000\n"),
        "{text}"
    );
    assert!(
        text.contains("to      2025-11-24 16:19:39 +0000  (2m 59s)\n"),
        "{text}"
    );
    assert!(text.contains("steps   35 "), "{text}");
    assert!(
        text.contains(
            "    35 steps of +1, one every ~5s, from 2025-11-24 16:16:45 +0000 to \
             2025-11-24 16:19:35 +0000 (10 -> 45)\n"
        ),
        "{text}"
    );
    // A few steps are a table.
    let values = regular(
        &[1.0, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 5.0, 9.0, 9.0, 9.0, 9.0],
        60.0,
    );
    let text = render_text(
        &analyze_with(Config::default(), &[("x", values)]),
        Zone::Utc,
    );
    assert!(
        text.contains(
            "    time                       before  after  rise  held\n    \
             2025-11-24 16:04:00 +0000       1      5    +4    7m\n"
        ),
        "{text}"
    );
}

#[test]
fn growth_over_names_the_fast_growers() {
    let up: Vec<f64> = (0..100).map(|i| i as f64).collect(); // 3600/h at 1 s
    let down: Vec<f64> = (0..100).map(|i| -(i as f64)).collect();
    let flat = vec![5.0; 100];
    let r = analyze_with(
        Config::default(),
        &[
            ("up", regular(&up, 1.0)),
            ("down", regular(&down, 1.0)),
            ("flat", regular(&flat, 1.0)),
        ],
    );
    assert_eq!(r.growth_over(100.0), ["up"]);
    assert_eq!(r.growth_over(3600.0), Vec::<&str>::new());
    assert_eq!(r.growth_over(-1.0), ["up", "flat"]);
}

#[test]
fn rates_of_counters_with_resets_feed_the_report() {
    // A counter growing 10 per second that restarts twice.
    let mut c = 0.0;
    let mut rate = Rate::new(Analyzer::new(Config {
        rate: true,
        ..Config::default()
    }));
    rate.names(&["bytes".to_string()]);
    for i in 0..300 {
        c = if i == 100 || i == 200 { 3.0 } else { c + 10.0 };
        rate.point(0, T0 + i as f64, Some(c));
    }
    let r = rate.into_inner().finish();
    let s = &r.series[0];
    assert!(r.rate);
    assert_eq!(s.samples, 299);
    assert_eq!(s.min, Some(3.0));
    assert!(s.steps.is_empty(), "{:?}", s.steps);
}

fn csv(values: &[f64], dt: f64) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{v}\n", T0 as i64 + (dt * i as f64) as i64))
        .collect()
}

#[test]
fn the_issue_staircase_through_the_binary() {
    let input: String = (0..60)
        .map(|i| format!("{},{}\n", 1_700_000_000 + i, 2 + i / 5))
        .collect();
    let out = Cmd::new("tsplot")
        .arg("--report")
        .stdin(&input)
        .env("TZ", "UTC")
        .ok();
    out.stdout_has("11 steps of +1, one every ~5s, from 2023-11-14 22:13:25 +0000 to 2023-11-14 22:14:15 +0000 (2 -> 13)");
    let out = Cmd::new("tsplot").arg("--report=json").stdin(&input).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let steps = v["series"][0]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 11);
    for (k, st) in steps.iter().enumerate() {
        assert_eq!(st["time"], 1_700_000_005.0 + 5.0 * k as f64);
        assert_eq!(st["before"], 2.0 + k as f64);
    }
}

#[test]
fn last_applies_to_the_report_and_the_growth_alarm() {
    // Grew +1 every 10 s for 2 h, flat for the last 2 h.
    let values: Vec<f64> = (0..1440)
        .map(|i: usize| 10.0 + (i.min(720) / 2) as f64)
        .collect();
    let input = csv(&values, 10.0);
    Cmd::new("tsplot")
        .args(["--fail-on-growth", "10", "-W", "40", "-H", "10"])
        .stdin(&input)
        .code(3);
    Cmd::new("tsplot")
        .args([
            "--fail-on-growth",
            "10",
            "--last",
            "1h",
            "-W",
            "40",
            "-H",
            "10",
        ])
        .stdin(&input)
        .ok();
    let out = Cmd::new("tsplot")
        .args(["--report=json", "--last", "1h"])
        .stdin(&input)
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let s = &v["series"][0];
    assert_eq!(s["samples"], 361);
    assert_eq!(s["start"], T0 + 14_390.0 - 3600.0);
    assert!(s["steps"].as_array().unwrap().is_empty());
    // --from and --to cut the same way.
    let (from, to) = (T0 as i64 + 1000, T0 as i64 + 2000);
    let out = Cmd::new("tsplot")
        .args([
            "--report=json",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
        ])
        .stdin(&input)
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let s = &v["series"][0];
    assert_eq!(
        (s["start"].as_f64(), s["end"].as_f64()),
        (Some(from as f64), Some(to as f64))
    );
    assert_eq!(s["samples"], 101);
}

#[test]
fn no_time_reports_speak_in_rows() {
    let input: String = (0..40)
        .map(|i| format!("{}\n", if i < 20 { 5 } else { 9 }))
        .collect();
    let out = Cmd::new("tsplot")
        .args(["--no-time", "--report"])
        .stdin(&input)
        .ok();
    let text = out.stdout();
    assert!(!text.contains("1970"), "{text}");
    assert!(text.contains("  from    row 1\n"), "{text}");
    assert!(text.contains("row 21"), "{text}");
    assert!(text.contains("19 rows"), "{text}");
    let out = Cmd::new("tsplot")
        .args(["--no-time", "--report=json"])
        .stdin(&input)
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(v["rows"], true);
    assert_eq!(v["series"][0]["steps"][0]["time"], 21.0);
}
