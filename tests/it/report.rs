//! The report's analysis on synthetic series whose truth is known: injected
//! steps, noise, spikes, slow leaks, counters with resets; the JSON shape
//! scripts rely on; and the step finder against a brute-force reference.

use leakhunt::report::{
    lower_median, render_json, render_text, Analyzer, Config, Rate, Report, SeriesReport, Step,
};
use leakhunt::series::Sink;
use leakhunt::time::zone::Zone;
use proptest::prelude::*;

use crate::rng::Rng;

const T0: f64 = 1_764_000_000.0;

/// A series' points as the parser hands them over: (time, value or gap).
type Points = Vec<(f64, Option<f64>)>;

fn analyze_with(cfg: Config, series: &[(&str, Points)]) -> Report {
    let mut a = Analyzer::new(cfg);
    let names: Vec<String> = series.iter().map(|(n, _)| n.to_string()).collect();
    a.names(&names);
    let len = series.iter().map(|(_, p)| p.len()).max().unwrap_or(0);
    // Row by row, as the parser feeds it.
    for i in 0..len {
        for (s, (_, points)) in series.iter().enumerate() {
            if let Some(&(t, v)) = points.get(i) {
                a.point(s, t, v);
            }
        }
    }
    a.finish()
}

fn analyze(points: Vec<(f64, Option<f64>)>) -> SeriesReport {
    analyze_with(Config::default(), &[("s", points)])
        .series
        .remove(0)
}

fn regular(values: &[f64], interval: f64) -> Vec<(f64, Option<f64>)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| (T0 + i as f64 * interval, Some(v)))
        .collect()
}

/// Level `base`, gaussian noise `sigma`, `+rise` at each index of `steps`,
/// positive spikes of `spike` on a fraction `spikes` of the samples.
fn synthetic(
    rng: &mut Rng,
    n: usize,
    base: f64,
    sigma: f64,
    steps: &[(usize, f64)],
    spikes: f64,
    spike: f64,
) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let level: f64 = base
                + steps
                    .iter()
                    .filter(|(at, _)| i >= *at)
                    .map(|(_, r)| r)
                    .sum::<f64>();
            let mut v = level + sigma * rng.normal();
            if rng.uniform() < spikes {
                v += spike;
            }
            v
        })
        .collect()
}

#[test]
fn injected_steps_are_found_within_one_sample_interval() {
    let interval = 10.0;
    for seed in 1..=20 {
        let mut rng = Rng(seed);
        let steps = [(400, 20.0), (900, 15.0), (1500, 25.0)];
        let values = synthetic(&mut rng, 2000, 100.0, 1.0, &steps, 0.01, 40.0);
        let s = analyze(regular(&values, interval));
        assert_eq!(
            s.steps.len(),
            steps.len(),
            "seed {seed}: found {:?}",
            s.steps
        );
        for (found, (at, rise)) in s.steps.iter().zip(steps) {
            let truth = T0 + at as f64 * interval;
            assert!(
                (found.time - truth).abs() <= interval,
                "seed {seed}: step at {} for one at {truth}",
                found.time
            );
            // The floor is the low edge of the noise band.
            assert!(
                (found.after - found.before - rise).abs() < 6.0,
                "seed {seed}: {found:?} for a rise of {rise}"
            );
            assert!(found.held_secs > 0.0 && found.held_samples >= 5);
        }
        assert!(s.steps_exact);
    }
}

#[test]
fn noise_only_series_have_no_steps() {
    for seed in 1..=30 {
        let mut rng = Rng(seed);
        let values = synthetic(&mut rng, 3000, 50.0, 2.0, &[], 0.0, 0.0);
        let s = analyze(regular(&values, 1.0));
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
        assert!(
            (s.noise - 2.0 * 0.954).abs() < 0.2,
            "noise estimate {}",
            s.noise
        );
    }
}

#[test]
fn uniform_and_heavy_tailed_noise_have_no_steps() {
    for seed in 1..=20 {
        let mut rng = Rng(seed);
        let uniform: Vec<f64> = (0..2000).map(|_| 10.0 + rng.uniform()).collect();
        assert!(analyze(regular(&uniform, 1.0)).steps.is_empty());
        // Cauchy-like: ratio of normals, clipped so the mean exists.
        let heavy: Vec<f64> = (0..2000)
            .map(|_| 10.0 + (rng.normal() / rng.normal().abs().max(0.05)).clamp(-50.0, 50.0))
            .collect();
        let s = analyze(regular(&heavy, 1.0));
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
    }
}

#[test]
fn spikes_and_dips_are_not_steps() {
    for seed in 1..=20 {
        let mut rng = Rng(seed);
        // Integer counts that sit at 50 with spikes up (requests in flight).
        let spikes: Vec<f64> = (0..2000)
            .map(|_| 50.0 + if rng.uniform() < 0.05 { 30.0 } else { 0.0 })
            .collect();
        assert!(analyze(regular(&spikes, 1.0)).steps.is_empty());
        // ... and with short dips below it (a connection closing and
        // reopening): the floor rises after the last dip, but only back to
        // where the series already sat.
        let dips: Vec<f64> = (0..2000)
            .map(|_| 50.0 - if rng.uniform() < 0.02 { 1.0 } else { 0.0 })
            .collect();
        let s = analyze(regular(&dips, 1.0));
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
    }
}

#[test]
fn slow_leak_is_a_slope_not_steps() {
    for seed in 1..=10 {
        let mut rng = Rng(seed);
        // 3.6 per hour over a week at one sample a minute, noise sigma 2.
        let per_sec = 0.001;
        let values: Vec<f64> = (0..10_080)
            .map(|i| 200.0 + per_sec * 60.0 * i as f64 + 2.0 * rng.normal())
            .collect();
        let s = analyze(regular(&values, 60.0));
        let slope = s.slope_per_hour.unwrap();
        assert!((slope - 3.6).abs() / 3.6 < 0.05, "slope {slope}");
        assert!(s.r2.unwrap() > 0.9);
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
    }
    // Without noise every sample raises the floor a little.
    let smooth: Vec<f64> = (0..5000).map(|i| 10.0 + 0.01 * i as f64).collect();
    let s = analyze(regular(&smooth, 5.0));
    assert!(s.steps.is_empty(), "{:?}", s.steps);
    assert!((s.slope_per_hour.unwrap() - 0.01 / 5.0 * 3600.0).abs() < 1e-6);
    assert!((s.r2.unwrap() - 1.0).abs() < 1e-9);
}

#[test]
fn steps_on_top_of_a_slow_leak_are_found_and_the_slope_is_right() {
    let mut rng = Rng(7);
    let interval = 30.0;
    let per_sample = 0.002;
    let steps = [(1000, 12.0), (2500, 12.0)];
    let values: Vec<f64> = (0..4000)
        .map(|i| {
            let step: f64 = steps.iter().filter(|(at, _)| i >= *at).map(|s| s.1).sum();
            20.0 + per_sample * i as f64 + step + 0.5 * rng.normal()
        })
        .collect();
    let s = analyze(regular(&values, interval));
    assert_eq!(s.steps.len(), 2, "{:?}", s.steps);
    for (found, (at, _)) in s.steps.iter().zip(steps) {
        assert!((found.time - (T0 + at as f64 * interval)).abs() <= interval);
    }
    // The least-squares line over a series with steps includes them.
    let (n, dt) = (4000.0, interval);
    let xs: Vec<f64> = (0..4000).map(|i| i as f64 * dt).collect();
    let mx = xs.iter().sum::<f64>() / n;
    let my = values.iter().sum::<f64>() / n;
    let sxy: f64 = xs
        .iter()
        .zip(&values)
        .map(|(x, y)| (x - mx) * (y - my))
        .sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let truth = sxy / sxx * 3600.0;
    assert!((s.slope_per_hour.unwrap() - truth).abs() < 1e-6 * truth.abs());
}

#[test]
fn fd_counts_that_leak_one_at_a_time() {
    // The tutorial's shape: 0.2 s samples of a small integer count, a
    // request in flight now and then (+1 for one sample), one leaked
    // connection every ~2.5 s, 3.3 s of data after the last.
    let mut rng = Rng(3);
    let leaks = [8, 21, 34, 47];
    let values: Vec<f64> = (0..64)
        .map(|i| {
            let leaked = leaks.iter().filter(|&&at| i >= at).count() as f64;
            leaked + if rng.uniform() < 0.15 { 1.0 } else { 0.0 }
        })
        .collect();
    let s = analyze(regular(&values, 0.2));
    let times: Vec<f64> = s.steps.iter().map(|st| st.time).collect();
    let truth: Vec<f64> = leaks.iter().map(|&i| T0 + i as f64 * 0.2).collect();
    assert_eq!(times.len(), 4, "{:?} in {values:?}", s.steps);
    for (t, want) in times.iter().zip(&truth) {
        assert!((t - want).abs() < 1e-9, "{times:?} vs {truth:?}");
    }
    assert_eq!(
        s.steps.iter().map(|st| st.after).collect::<Vec<_>>(),
        [1.0, 2.0, 3.0, 4.0]
    );
}

#[test]
fn the_last_samples_never_make_a_step() {
    let mut values = vec![10.0; 50];
    values.extend([30.0; 5]);
    // Five samples at the new level: the first plus four more, one short.
    let s = analyze(regular(&values, 1.0));
    assert!(s.steps.is_empty(), "{:?}", s.steps);
    values.push(30.0);
    let s = analyze(regular(&values, 1.0));
    assert_eq!(s.steps.len(), 1, "{:?}", s.steps);
    assert_eq!(s.steps[0].time, T0 + 50.0);
    assert_eq!(s.steps[0].held_samples, 5);
    assert_eq!(s.steps[0].held_secs, 5.0);

    // A minimum time as well.
    let cfg = Config {
        min_hold_secs: 60.0,
        ..Config::default()
    };
    let r = analyze_with(cfg.clone(), &[("s", regular(&values, 10.0))]);
    assert!(r.series[0].steps.is_empty());
    values.push(30.0);
    let r = analyze_with(cfg, &[("s", regular(&values, 10.0))]);
    assert_eq!(r.series[0].steps.len(), 1);

    // Noisy data rising at the very end: no step.
    let mut rng = Rng(11);
    let mut noisy = synthetic(&mut rng, 1000, 5.0, 1.0, &[], 0.0, 0.0);
    noisy.extend(synthetic(&mut rng, 3, 25.0, 1.0, &[], 0.0, 0.0));
    assert!(analyze(regular(&noisy, 1.0)).steps.is_empty());
}

#[test]
fn a_burst_is_one_step_at_the_time_the_level_was_reached() {
    let values = [
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 5.0, 5.0, 6.0, 5.0, 5.0, 5.0, 5.0, 5.0,
    ];
    let s = analyze(regular(&values, 1.0));
    assert_eq!(s.steps.len(), 1, "{:?}", s.steps);
    let st = s.steps[0];
    assert_eq!((st.before, st.after, st.rise), (0.0, 5.0, 5.0));
    assert_eq!(st.time, T0 + 9.0);

    // Noise moving the floor in small moves just before and after one step.
    let values = [
        10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 11.0, 10.5, 11.5, 12.0, 30.0, 29.0, 31.0,
        30.0, 29.5, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0,
    ];
    let s = analyze(regular(&values, 1.0));
    assert_eq!(s.steps.len(), 1, "{:?}", s.steps);
    assert_eq!(s.steps[0].time, T0 + 12.0);
    assert_eq!((s.steps[0].before, s.steps[0].after), (10.0, 30.0));
}

#[test]
fn thresholds_are_settable() {
    let values: Vec<f64> = (0..40).map(|i| if i < 20 { 10.0 } else { 12.0 }).collect();
    assert_eq!(analyze(regular(&values, 1.0)).steps.len(), 1);
    let cfg = Config {
        min_rise: 3.0,
        ..Config::default()
    };
    let r = analyze_with(cfg, &[("s", regular(&values, 1.0))]);
    assert!(r.series[0].steps.is_empty());
    assert_eq!(r.series[0].step_threshold, 3.0);
    let cfg = Config {
        min_hold_samples: 25,
        ..Config::default()
    };
    let r = analyze_with(cfg, &[("s", regular(&values, 1.0))]);
    assert!(r.series[0].steps.is_empty());
}

#[test]
fn statistics_and_gaps() {
    let points = vec![
        (T0, Some(4.0)),
        (T0 + 1.0, None),
        (T0 + 2.0, Some(8.0)),
        (T0 + 3.0, Some(2.0)),
        (T0 + 4.0, Some(6.0)),
    ];
    let s = analyze(points);
    assert_eq!(s.samples, 4);
    assert_eq!(s.gaps, 1);
    assert_eq!((s.start, s.end), (Some(T0), Some(T0 + 4.0)));
    assert_eq!(
        (s.first, s.last, s.change),
        (Some(4.0), Some(6.0), Some(2.0))
    );
    assert_eq!((s.min, s.max, s.mean), (Some(2.0), Some(8.0), Some(5.0)));
    // x = 0 2 3 4, y = 4 8 2 6: Sxy = 1, Sxx = 8.75, Syy = 20.
    assert!((s.slope_per_hour.unwrap() - 3600.0 / 8.75).abs() < 1e-9);
    assert!((s.r2.unwrap() - 1.0 / (8.75 * 20.0)).abs() < 1e-12);
    let empty = analyze(vec![(T0, None)]);
    assert_eq!(empty.samples, 0);
    assert_eq!(empty.start, None);
    assert_eq!(empty.slope_per_hour, None);
    assert!(empty.steps.is_empty());
    let one = analyze(vec![(T0, Some(3.0))]);
    assert_eq!(
        (one.slope_per_hour, one.r2, one.mean),
        (None, None, Some(3.0))
    );
}

#[test]
fn gaps_do_not_break_steps() {
    let mut points = regular(&[10.0; 40], 1.0);
    points.extend(
        regular(&[20.0; 40], 1.0)
            .into_iter()
            .map(|(t, v)| (t + 40.0, v)),
    );
    for i in (5..80).step_by(9) {
        points[i].1 = None;
    }
    let s = analyze(points);
    assert_eq!(s.gaps, 9);
    assert_eq!(s.steps.len(), 1, "{:?}", s.steps);
    assert_eq!((s.steps[0].time, s.steps[0].after), (T0 + 40.0, 20.0));
}

#[test]
fn slope_survives_epoch_times_and_large_offsets() {
    // Nanosecond epochs and a value offset of 1e9: plain sums of squares
    // would cancel every digit.
    let values: Vec<(f64, Option<f64>)> = (0..100_000)
        .map(|i| {
            let t = 1.764e18 + i as f64 * 1e9;
            (t, Some(1e9 + 0.5 * i as f64))
        })
        .collect();
    let s = analyze(values);
    let want = 0.5 / 1e9 * 3600.0;
    assert!(
        (s.slope_per_hour.unwrap() - want).abs() / want < 1e-6,
        "{:?}",
        s.slope_per_hour
    );
}

#[test]
fn out_of_order_input_gives_the_same_statistics_and_steps() {
    let mut rng = Rng(5);
    let values = synthetic(
        &mut rng,
        600,
        10.0,
        0.5,
        &[(200, 10.0), (400, 10.0)],
        0.0,
        0.0,
    );
    let sorted = regular(&values, 1.0);
    let mut shuffled = sorted.clone();
    // Swap some neighbours and move a block to the end.
    for i in (0..shuffled.len() - 1).step_by(7) {
        shuffled.swap(i, i + 1);
    }
    let block: Vec<_> = shuffled.drain(100..150).collect();
    shuffled.extend(block);
    let a = analyze(sorted);
    let b = analyze(shuffled);
    assert!(a.steps_exact);
    assert!(!b.steps_exact);
    assert_eq!((a.samples, a.start, a.end), (b.samples, b.start, b.end));
    assert_eq!(
        (a.first, a.last, a.min, a.max),
        (b.first, b.last, b.min, b.max)
    );
    assert!((a.slope_per_hour.unwrap() - b.slope_per_hour.unwrap()).abs() < 1e-6);
    assert_eq!(b.steps.len(), 2, "{:?}", b.steps);
    for (x, y) in a.steps.iter().zip(&b.steps) {
        assert!((x.time - y.time).abs() <= 1.0, "{x:?} vs {y:?}");
        assert_eq!(x.after, y.after);
    }
}

#[test]
fn memory_stays_bounded_on_long_rising_series() {
    // A smooth leak pushes every sample on the floor stack: folding keeps it
    // small and finds no steps.
    let mut a = Analyzer::default();
    a.names(&["ramp".to_string(), "leak".to_string()]);
    let mut rng = Rng(9);
    let mut peak = 0;
    for i in 0..300_000u64 {
        let t = T0 + i as f64;
        a.point(0, t, Some(i as f64 * 0.01));
        let step = if i >= 100_000 { 30.0 } else { 0.0 } + if i >= 200_000 { 30.0 } else { 0.0 };
        a.point(1, t, Some(i as f64 * 0.0005 + step + rng.normal()));
        if i % 1000 == 0 {
            peak = peak.max(a.floor_entries());
        }
    }
    assert!(peak <= 2 * 2048, "{peak} floor entries");
    let r = a.finish();
    assert!(r.series[0].steps.is_empty(), "{:?}", r.series[0].steps);
    assert!(!r.series[0].steps_exact);
    let times: Vec<f64> = r.series[1].steps.iter().map(|s| s.time - T0).collect();
    assert_eq!(times, [100_000.0, 200_000.0]);
}

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
    // float_roundtrip; the slope is the one value here that is not short.
    let slope = |r: &Report| r.series[0].slope_per_hour.unwrap();
    assert!((slope(&back) - slope(&report)).abs() < 1e-9 * slope(&report));
    back.series[0].slope_per_hour = report.series[0].slope_per_hour;
    assert_eq!(back, report);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["tool"], "tsplot");
    let s = &v["series"][0];
    for key in [
        "name",
        "samples",
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
        "steps",
    ] {
        assert!(s.get(key).is_some(), "series has no {key}: {s}");
    }
    assert_eq!(s["name"], "tcp");
    assert_eq!(s["samples"], 11);
    assert_eq!(s["start"], T0);
    let step = &s["steps"][0];
    assert_eq!(step["time"], T0 + 8.0);
    assert_eq!(step["before"], 1.0);
    assert_eq!(step["after"], 5.0);
    assert_eq!(step["held_secs"], 12.0);
    assert!(v["series"][1]["start"].is_null());
    assert_eq!(
        report.steps_for_marks(),
        vec![(0, &report.series[0].steps[0])]
    );
}

#[test]
fn text_report_in_wall_clock_time() {
    // 2025-11-24 16:16:40 UTC, one sample a minute for 1h 23m.
    let t0 = 1_764_001_000.0;
    let values: Vec<(f64, Option<f64>)> = (0..=83)
        .map(|i| {
            let v = 100.0 + if i >= 30 { 40.0 } else { 0.0 } + 0.1 * i as f64;
            (t0 + 60.0 * i as f64, Some(v))
        })
        .collect();
    let report = analyze_with(Config::default(), &[("heap", values)]);
    let text = render_text(&report, Zone::Utc);
    assert!(text.starts_with("heap: 84 samples\n"), "{text}");
    assert!(
        text.contains("from    2025-11-24 16:16:40 +0000\n"),
        "{text}"
    );
    assert!(
        text.contains("to      2025-11-24 17:39:40 +0000  (1h 23m)\n"),
        "{text}"
    );
    assert!(
        text.contains("first 100  last 148.3  change +48.3"),
        "{text}"
    );
    assert!(text.contains("  slope   +45.3642/h (R² 0.75)\n"), "{text}");
    assert!(
        text.contains("  noise   0.1  climb +6/h  (a step must rise at least 0.4)\n"),
        "{text}"
    );
    assert!(text.contains("steps   1 "), "{text}");
    assert!(
        text.contains(
            "    time                       before  after   rise  held\n    \
             2025-11-24 16:46:40 +0000   102.9    143  +40.1   53m\n"
        ),
        "{text}"
    );
    // Sub-second times get milliseconds.
    let fine = analyze_with(
        Config::default(),
        &[("x", vec![(t0 + 0.25, Some(1.0)), (t0 + 12.6, Some(2.0))])],
    );
    let text = render_text(&fine, Zone::Utc);
    assert!(text.contains("2025-11-24 16:16:40.250 +0000"), "{text}");
    assert!(text.contains("2025-11-24 16:16:52.600 +0000"), "{text}");
    assert!(text.contains("steps   none"), "{text}");
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
    let mut points = Vec::new();
    for i in 0..300 {
        if i == 100 || i == 200 {
            c = 3.0;
        } else {
            c += 10.0;
        }
        points.push((T0 + i as f64, Some(c)));
    }
    let mut rate = Rate::new(Analyzer::new(Config {
        rate: true,
        ..Config::default()
    }));
    rate.names(&["bytes".to_string()]);
    for (t, v) in points {
        rate.point(0, t, v);
    }
    let r = rate.into_inner().finish();
    assert!(r.rate);
    let s = &r.series[0];
    assert_eq!(s.samples, 299);
    assert_eq!(s.min, Some(3.0));
    assert_eq!(s.max, Some(10.0));
    assert!(s.steps.is_empty());
    assert!(render_text(&r, Zone::Utc).starts_with("bytes (per-second rate): 299 samples"));
}

#[test]
fn a_fast_noisy_climb_is_a_slope_not_steps() {
    // Half the noise per sample: the floor rises in jumps as big as real
    // steps in flat data, but they are the climb.
    let mut found = 0;
    for seed in 1..=20 {
        let mut rng = Rng(seed);
        let values: Vec<f64> = (0..3000)
            .map(|i| 100.0 + 0.5 * i as f64 + rng.normal())
            .collect();
        let s = analyze(regular(&values, 1.0));
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
        assert!((s.climb_per_hour / 3600.0 - 0.5).abs() < 0.05);
        // A real step on top of it is found, unless the noise makes the
        // floor creep past the climb right after it (then it did not hold:
        // a few seeds in twenty), and nothing else is.
        let stepped: Vec<f64> = values
            .iter()
            .enumerate()
            .map(|(i, v)| v + if i >= 1500 { 20.0 } else { 0.0 })
            .collect();
        let s = analyze(regular(&stepped, 1.0));
        assert!(s.steps.len() <= 1, "seed {seed}: {:?}", s.steps);
        if let Some(st) = s.steps.first() {
            assert_eq!(st.time, T0 + 1500.0, "seed {seed}");
            found += 1;
        }
    }
    assert!(found >= 17, "found {found} of 20");
}

#[test]
fn small_steps_next_to_a_big_one_are_found() {
    // One big step makes the least-squares slope steep; the unit steps
    // around it are still steps (the climb is a median, which it does not
    // move), and requests in flight on a quarter of the samples do not hide
    // them.
    let mut rng = Rng(21);
    let unit = [100, 140, 300, 340];
    let values: Vec<f64> = (0..400)
        .map(|i| {
            let level = unit.iter().filter(|&&at| i >= at).count() as f64
                + if i >= 200 { 500.0 } else { 0.0 };
            level + if rng.uniform() < 0.25 { 1.0 } else { 0.0 }
        })
        .collect();
    let s = analyze(regular(&values, 1.0));
    let times: Vec<f64> = s.steps.iter().map(|st| st.time - T0).collect();
    assert_eq!(times.len(), 5, "{:?}", s.steps);
    for (t, want) in times.iter().zip([100.0, 140.0, 200.0, 300.0, 340.0]) {
        // A request in flight just before a step raises the floor one
        // sample early: the floor's first sample at the new level.
        assert!(*t <= want && *t >= want - 1.0, "{times:?}");
    }
}

// ---- The step finder against a brute-force reference ----

/// What the step rule computes, written the slow and obvious way (O(n²)),
/// for a gap-free series and a threshold that is `min_rise` alone
/// (`noise_factor` 0):
///
/// - floor(i) = min(v[i..]); climb = the lower median of the rates
///   (v[i] - v[i - 1]) / (t[i] - t[i - 1]) if positive, else 0;
/// - a jump is an i >= 1 with floor(i) - floor(i - 1) > 0 and >= min_rise / 2;
/// - jump i's hold window ends at e, the first sample with e - i >=
///   min_hold_samples and t[e] - t[i] >= min_hold_secs (none: the data ended
///   first). If the next jump is at or before e, the two are grouped and the
///   next one's window decides. Otherwise the group held if e exists and
///   floor(e) - floor(i) - climb * (r - t[i]) <= min_rise / 2, with r the
///   time floor(e) was reached; a group that did not hold is dropped;
/// - with `first` and `last` the group's first and last jump, before =
///   floor(first - 1), pre = the lower median of the `window` values before
///   `first` plus climb times the time from the middle of those values'
///   span to t[first], base = max(before, pre), drift = climb * (t[last] -
///   t[first]), and after = floor(last): the group is a step when after -
///   base - drift > 0 and >= min_rise;
/// - the step's time is t at the group's largest jump (the latest of
///   equals).
fn reference(t: &[f64], v: &[f64], cfg: &Config) -> Vec<(f64, f64, f64)> {
    let n = v.len();
    let floor: Vec<f64> = (0..n)
        .map(|i| v[i..].iter().cloned().fold(f64::INFINITY, f64::min))
        .collect();
    let mut rates: Vec<f64> = (1..n)
        .filter(|&i| t[i] > t[i - 1])
        .map(|i| (v[i] - v[i - 1]) / (t[i] - t[i - 1]))
        .collect();
    let climb = if rates.is_empty() {
        0.0
    } else {
        lower_median(&mut rates).max(0.0)
    };
    let thr = cfg.min_rise;
    let jumps: Vec<usize> = (1..n)
        .filter(|&i| floor[i] > floor[i - 1] && floor[i] - floor[i - 1] >= thr / 2.0)
        .collect();
    let mut out = Vec::new();
    let mut group: Vec<usize> = Vec::new();
    for k in 0..jumps.len() {
        let i = jumps[k];
        group.push(i);
        let e = (i..n)
            .find(|&e| (e - i) as u64 >= cfg.min_hold_samples && t[e] - t[i] >= cfg.min_hold_secs);
        if jumps
            .get(k + 1)
            .is_some_and(|&next| e.is_none_or(|e| next <= e))
        {
            continue;
        }
        let held = e.is_some_and(|e| {
            let r = (i..=e).find(|&r| floor[r] == floor[e]).unwrap();
            floor[e] - floor[i] - climb * (t[r] - t[i]) <= thr / 2.0
        });
        if held {
            let first = group[0];
            let lo = first.saturating_sub(cfg.window);
            let mut window: Vec<f64> = v[lo..first].to_vec();
            let pre_t = (t[lo] + t[first - 1]) / 2.0;
            let pre = lower_median(&mut window) + climb * (t[first] - pre_t);
            let base = floor[first - 1].max(pre);
            let drift = climb * (t[i] - t[first]);
            let after = floor[i];
            let rise = |j: usize| floor[j] - floor[j - 1];
            let mut best = first;
            for &j in &group {
                if rise(j) >= rise(best) {
                    best = j;
                }
            }
            let r = after - base - drift;
            if r > 0.0 && r >= thr {
                out.push((t[best], floor[first - 1], after));
            }
        }
        group.clear();
    }
    out
}

fn piecewise() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    prop::collection::vec((1usize..8, 0u8..10, 1u8..4), 1..12).prop_map(|segments| {
        let mut t = Vec::new();
        let mut v = Vec::new();
        let mut now = 0.0;
        for (len, level, dt) in segments {
            for _ in 0..len {
                t.push(T0 + now);
                v.push(level as f64);
                now += dt as f64;
            }
        }
        (t, v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn step_finder_matches_brute_force(
        (t, v) in piecewise(),
        hold in 0u64..5,
        hold_secs in prop::sample::select(vec![0.0, 2.0, 7.0]),
        min_rise in prop::sample::select(vec![0.0, 1.0, 2.5, 4.0]),
        window in 1usize..40,
    ) {
        let cfg = Config {
            min_hold_samples: hold,
            min_hold_secs: hold_secs,
            min_rise,
            noise_factor: 0.0,
            window,
            rate: false,
        };
        let points: Vec<(f64, Option<f64>)> =
            t.iter().zip(&v).map(|(&t, &v)| (t, Some(v))).collect();
        let r = analyze_with(cfg.clone(), &[("p", points)]);
        let got: Vec<(f64, f64, f64)> = r.series[0]
            .steps
            .iter()
            .map(|s: &Step| (s.time, s.before, s.after))
            .collect();
        prop_assert_eq!(got, reference(&t, &v, &cfg));
    }
}
