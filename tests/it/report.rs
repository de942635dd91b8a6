//! The step finder on series whose truth is known, generated here with a
//! fixed seed: staircases, restarts, gaps, a garbage-collected heap, and
//! no-leak series (noise, spikes and dips, a daily cycle, a smooth leak,
//! bursts of busy connections) that must show no step. The report's output
//! and options are in `report_output`.

use leakhunt::report::{Analyzer, Config, Report, SeriesReport};
use leakhunt::series::Sink;

use crate::rng::Rng;

/// What these tests draw beyond the shared generator.
pub(super) trait Draws {
    /// An integer from 0 to `w`.
    fn int(&mut self, w: u64) -> f64;
    /// Poisson by counting uniforms (small means only).
    fn poisson(&mut self, lambda: f64) -> f64;
}

impl Draws for Rng {
    fn int(&mut self, w: u64) -> f64 {
        (self.next() % (w + 1)) as f64
    }
    fn poisson(&mut self, lambda: f64) -> f64 {
        let (l, mut k, mut p) = ((-lambda).exp(), 0.0, self.uniform());
        while p > l {
            k += 1.0;
            p *= self.uniform();
        }
        k
    }
}

pub(super) const T0: f64 = 1_764_000_000.0;

/// A series' points as the parser hands them over: (time, value or gap).
pub(super) type Points = Vec<(f64, Option<f64>)>;

pub(super) fn analyze_with(cfg: Config, series: &[(&str, Points)]) -> Report {
    let mut a = Analyzer::new(cfg);
    let names: Vec<String> = series.iter().map(|(n, _)| n.to_string()).collect();
    a.names(&names);
    let len = series.iter().map(|(_, p)| p.len()).max().unwrap_or(0);
    for i in 0..len {
        for (s, (_, points)) in series.iter().enumerate() {
            if let Some(&(t, v)) = points.get(i) {
                a.point(s, t, v);
            }
        }
    }
    a.finish()
}

pub(super) fn analyze(points: Points) -> SeriesReport {
    analyze_with(Config::default(), &[("s", points)])
        .series
        .remove(0)
}

/// Values one `dt` apart from T0.
pub(super) fn regular(values: &[f64], dt: f64) -> Points {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| (T0 + dt * i as f64, Some(v)))
        .collect()
}

/// The sample numbers (from 0, 5 s apart) of the steps found.
pub(super) fn step_samples(s: &SeriesReport) -> Vec<i64> {
    s.steps
        .iter()
        .map(|st| ((st.time - T0) / 5.0).round() as i64)
        .collect()
}

/// `base + noise` with `rise` added from each sample in `at` on.
pub(super) fn with_steps(
    n: usize,
    base: f64,
    at: &[usize],
    rise: f64,
    noise: impl Fn(&mut Rng) -> f64,
    seed: u64,
) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| base + rise * at.iter().filter(|&&k| i >= k).count() as f64 + noise(&mut rng))
        .collect()
}

#[test]
fn noise_free_staircases_are_every_step() {
    for hold in [3usize, 4, 5] {
        let values: Vec<f64> = (0..60).map(|i| 2.0 + (i / hold) as f64).collect();
        let s = analyze(regular(&values, 1.0));
        let levels = 60 / hold;
        assert_eq!(s.steps.len(), levels - 1, "held {hold}: {:?}", s.steps);
        for (k, st) in s.steps.iter().enumerate() {
            assert_eq!(st.time, T0 + ((k + 1) * hold) as f64, "held {hold}");
            assert_eq!((st.before, st.after), (2.0 + k as f64, 3.0 + k as f64));
        }
    }
}

#[test]
fn a_staircase_with_spikes_is_still_every_step() {
    // +1 every 5 samples, and a busy connection for one sample now and then.
    let mut rng = Rng(7);
    let values: Vec<f64> = (0..200)
        .map(|i| 10.0 + (i / 5) as f64 + if rng.uniform() < 0.05 { 1.0 } else { 0.0 })
        .collect();
    let s = analyze(regular(&values, 1.0));
    assert_eq!(s.steps.len(), 39, "{:?}", s.steps);
    assert!(s.steps.iter().all(|st| st.rise == 1.0));
    for (k, st) in s.steps.iter().enumerate() {
        assert!(
            (st.time - (T0 + 5.0 * (k + 1) as f64)).abs() <= 1.0,
            "{st:?}"
        );
    }
}

#[test]
fn steps_under_noise_are_found_where_they_happened() {
    let at = [400, 900, 1500];
    let cases: Vec<(&str, Vec<f64>)> = vec![
        (
            "uniform 0..2, +3",
            with_steps(2000, 50.0, &at, 3.0, |r| r.int(2), 1),
        ),
        (
            "uniform 0..5, +5",
            with_steps(2000, 50.0, &at, 5.0, |r| r.int(5), 2),
        ),
        (
            "gaussian, +4 sigma",
            with_steps(2000, 100.0, &at, 4.0, |r| r.normal(), 3),
        ),
        (
            "quiet pool, +1",
            with_steps(2000, 10.0, &at, 1.0, |r| r.poisson(0.05), 4),
        ),
    ];
    for (name, values) in cases {
        let s = analyze(regular(&values, 5.0));
        let found = step_samples(&s);
        assert_eq!(found.len(), 3, "{name}: {found:?}");
        for (f, t) in found.iter().zip(at) {
            assert!((f - t as i64).abs() <= 2, "{name}: {found:?}");
        }
    }
}

/// No-leak series: whatever they do, no step.
#[test]
fn no_false_steps_on_series_without_leaks() {
    let n = 3000;
    for seed in 1..=4u64 {
        let mut rng = Rng(seed);
        let mut series: Vec<(&str, Vec<f64>)> = Vec::new();
        series.push(("gaussian", (0..n).map(|_| 100.0 + rng.normal()).collect()));
        series.push(("uniform", (0..n).map(|_| 80.0 + rng.int(2)).collect()));
        // Up spikes of 10-60 for 1-3 samples, and one-sample dips.
        let mut spiky: Vec<f64> = (0..n).map(|_| 80.0 + rng.int(1)).collect();
        for k in 0..8 {
            let at = 100 + k * 350 + (rng.next() % 50) as usize;
            let (w, h) = (1 + rng.next() % 3, 10.0 + rng.int(50));
            for v in &mut spiky[at..at + w as usize] {
                *v += h;
            }
            spiky[at + 120] = 0.0;
        }
        series.push(("spiky", spiky));
        // A daily load cycle sampled every minute, ending on the fall.
        let cycle = |i: usize| (std::f64::consts::TAU * i as f64 / 1440.0).sin();
        series.push((
            "daily",
            (0..n)
                .map(|i| 200.0 + 30.0 * cycle(i) + 1.5 * rng.normal())
                .collect(),
        ));
        series.push((
            "daily counts",
            (0..n)
                .map(|i| (60.0 + 12.0 * cycle(i)).round() + rng.int(2))
                .collect(),
        ));
        // A smooth leak: a slope, not steps.
        series.push((
            "smooth",
            (0..n)
                .map(|i| 10.0 + 0.01 * i as f64 + 0.4 * (rng.uniform() - 0.5))
                .collect(),
        ));
        // A busy pool: bursts of connections lasting tens of samples.
        let mut burst: Vec<(usize, f64)> = Vec::new();
        let busy: Vec<f64> = (0..n)
            .map(|_| {
                if rng.uniform() < 0.02 {
                    let len = 1 + (rng.uniform().ln() / 0.9f64.ln()) as usize;
                    burst.push((len, 4.0 + rng.int(20)));
                }
                let b: f64 = burst.iter().map(|&(_, h)| h).sum();
                burst.iter_mut().for_each(|x| x.0 -= 1);
                burst.retain(|x| x.0 > 0);
                20.0 + rng.poisson(1.5) + b
            })
            .collect();
        series.push(("busy pool", busy));
        for (name, values) in series {
            let dt = if name.starts_with("daily") { 60.0 } else { 5.0 };
            let s = analyze(regular(&values, dt));
            assert!(s.steps.is_empty(), "seed {seed}, {name}: {:?}", s.steps);
            assert_eq!(s.runs.len(), 1, "seed {seed}, {name}: {:?}", s.runs);
        }
    }
}

/// A heap: a live set growing 30 MB/h, garbage that a collector drops.
fn heap(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    let mut garbage = rng.uniform() * 20.0;
    (0..n)
        .map(|i| {
            garbage += 2.0 * (0.5 + rng.uniform());
            if garbage > 20.0 {
                garbage = rng.uniform();
            }
            300.0 + 30.0 * (5.0 * i as f64) / 3600.0 + garbage + 0.3 * rng.normal()
        })
        .collect()
}

#[test]
fn a_collected_heap_climbs_at_its_troughs_and_has_no_steps() {
    for seed in 1..=3 {
        let s = analyze(regular(&heap(2000, seed), 5.0));
        let m = s.slope_per_hour.unwrap();
        assert!((m - 30.0).abs() <= 1.5, "seed {seed}: slope {m}");
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
    }
}

#[test]
fn a_steep_sawtooth_climbs_at_its_troughs() {
    // Garbage grows 0.75 to 2.25 MB a sample and is collected at 18 MB,
    // over a live set growing 25 MB/h and noise of 0.3: the differences
    // between samples are the garbage's growth far more than the noise,
    // and every collection must still be seen for the troughs' line
    // (within 0.4% on these 20 series; 1.6% off when most went unseen).
    for seed in 1..=20 {
        let mut rng = Rng(seed);
        let mut garbage = 0.0;
        let values: Vec<f64> = (0..2000)
            .map(|i| {
                garbage = (garbage + 1.5 * (0.5 + rng.uniform())) % 18.0;
                500.0 + 25.0 * (5.0 * i as f64) / 3600.0 + garbage + 0.3 * rng.normal()
            })
            .collect();
        let s = analyze(regular(&values, 5.0));
        let m = s.slope_per_hour.unwrap();
        assert!((m - 25.0).abs() <= 0.2, "seed {seed}: slope {m}");
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
    }
}

#[test]
fn a_restart_starts_a_run_and_keeps_the_steps_before_it() {
    // +3 +3, back to the starting level, +3 +3; uniform noise 0..2.
    let mut rng = Rng(11);
    let values: Vec<f64> = (0..2000)
        .map(|i| {
            let level = match i {
                0..=299 => 40.0,
                300..=649 => 43.0,
                650..=999 => 46.0,
                1000..=1299 => 40.0,
                1300..=1649 => 43.0,
                _ => 46.0,
            };
            level + rng.int(2)
        })
        .collect();
    let s = analyze(regular(&values, 5.0));
    assert_eq!(step_samples(&s).len(), 4, "{:?}", s.steps);
    for (f, t) in step_samples(&s).iter().zip([300, 650, 1300, 1650]) {
        assert!((f - t).abs() <= 2, "{:?}", s.steps);
    }
    assert_eq!(s.runs.len(), 2, "{:?}", s.runs);
    let restart = ((s.runs[1].start - T0) / 5.0).round() as i64;
    assert!((restart - 1000).abs() <= 2, "{:?}", s.runs);
    assert_eq!((s.runs[0].steps, s.runs[1].steps), (2, 2));
    assert_eq!(
        s.steps.iter().map(|st| st.run).collect::<Vec<_>>(),
        [0, 0, 1, 1]
    );
}

#[test]
fn a_dense_staircase_restarted_without_a_gap_keeps_every_step_of_both_runs() {
    // A connection leaked every 5 samples; the client restarts at once
    // (no empty sample between) and leaks again. The steps of the last
    // 200 samples before the restart are kept too (all but the last, which
    // held only until the fall, as a burst would), and the fall is a
    // restart although the new run climbs again at once.
    let values: Vec<f64> = (0..600).map(|i| 10.0 + ((i % 300) / 5) as f64).collect();
    let s = analyze(regular(&values, 5.0));
    assert_eq!(s.runs.len(), 2, "{:?}", s.runs);
    assert_eq!(
        ((s.runs[1].start - T0) / 5.0).round(),
        300.0,
        "{:?}",
        s.runs
    );
    let (first, second): (Vec<i64>, Vec<i64>) =
        step_samples(&s).into_iter().partition(|&i| i < 300);
    assert_eq!(first, (1..59).map(|k| 5 * k).collect::<Vec<_>>());
    // The first step of the second run comes with the restart's fall.
    assert!(second.len() >= 58, "{second:?}");
    assert!(second.iter().all(|&i| (i - 300) % 5 == 0), "{second:?}");
}

#[test]
fn a_gap_then_a_lower_level_is_a_restart_even_right_after_a_step() {
    // A client leaking one connection every 10 samples, stopped (empty
    // fields while nothing runs), started again: its leaks start over.
    let mut points: Points = Vec::new();
    let mut t = T0;
    for run in 0..2 {
        for i in 0..120 {
            points.push((t, Some(5.0 + (i / 10) as f64)));
            t += 1.0;
        }
        if run == 0 {
            for _ in 0..5 {
                points.push((t, None));
                t += 1.0;
            }
        }
    }
    let s = analyze(points);
    assert_eq!(s.runs.len(), 2, "{:?}", s.runs);
    assert_eq!(s.runs[1].start, T0 + 125.0);
    assert_eq!(
        (s.runs[0].steps, s.runs[1].steps),
        (11, 11),
        "{:?}",
        s.steps
    );
    assert_eq!(s.gaps, 5);
}

#[test]
fn a_restart_whose_first_count_is_already_up_still_keeps_every_step() {
    // The PostgreSQL tutorial's log: the new client's first sample catches
    // one connection in flight (1, then 0s) after the gap; the fall across
    // the gap is a restart even though it does not take back the first
    // run's 0 -> 1 (seen failing in tests/it/e2e_postgres.rs).
    let levels = || -> Vec<f64> {
        let mut v = vec![0.0; 7];
        for (level, n) in [(1.0, 14), (2.0, 15), (3.0, 15), (4.0, 8)] {
            v.extend(std::iter::repeat_n(level, n));
        }
        v
    };
    let mut points: Points = Vec::new();
    let mut t = T0;
    for v in levels() {
        points.push((t, Some(v)));
        t += 0.5;
    }
    for _ in 0..6 {
        points.push((t, None));
        t += 0.5;
    }
    let mut second = vec![1.0];
    second.extend(
        levels()
            .into_iter()
            .skip(1)
            .chain(std::iter::repeat_n(4.0, 10)),
    );
    for v in second {
        points.push((t, Some(v)));
        t += 0.5;
    }
    let s = analyze(points);
    assert_eq!(s.runs.len(), 2, "{:?}", s.runs);
    assert_eq!((s.runs[0].steps, s.runs[1].steps), (4, 4), "{:?}", s.steps);
}

#[test]
fn a_gap_alone_does_not_split_nor_hide_a_step_inside_it() {
    // +2 while the watcher was down: the step is the first sample after.
    let mut rng = Rng(5);
    let mut points: Points = Vec::new();
    for i in 0..1000 {
        let v = 20.0 + if i >= 500 { 2.0 } else { 0.0 } + rng.int(1);
        let gap = (470..530).contains(&i) || i % 37 == 0;
        points.push((T0 + 5.0 * i as f64, (!gap).then_some(v)));
    }
    let s = analyze(points);
    assert_eq!(s.runs.len(), 1, "{:?}", s.runs);
    assert_eq!(step_samples(&s), [530], "{:?}", s.steps);
}

#[test]
fn a_burst_that_falls_back_is_no_step() {
    let mut values = vec![10.0; 400];
    for v in &mut values[100..160] {
        *v = 25.0;
    }
    let s = analyze(regular(&values, 5.0));
    assert!(s.steps.is_empty(), "{:?}", s.steps);
    assert_eq!(s.runs.len(), 1);
}

/// A quiet pool at its floor of 10 with a leak to 11 at sample 300 and a
/// burst of +4 over samples 600..607; `cut` empties the samples from
/// which the watcher was down for a while.
fn pool_with_cut_burst(cut: std::ops::Range<usize>) -> Points {
    (0..1000)
        .map(|i| {
            let v = if (600..607).contains(&i) {
                15.0
            } else if i >= 300 {
                11.0
            } else {
                10.0
            };
            (T0 + 5.0 * i as f64, (!cut.contains(&i)).then_some(v))
        })
        .collect()
}

#[test]
fn a_burst_that_a_gap_cuts_into_is_no_step_nor_a_restart() {
    // Back at the level it rose from after the gap (right at the fall, or
    // a few samples after it): the end of a burst, not a restart, which
    // falls below where the young rise began.
    for cut in [607..610, 610..613] {
        let s = analyze(pool_with_cut_burst(cut.clone()));
        assert_eq!(step_samples(&s), [300], "{cut:?}: {:?}", s.steps);
        assert_eq!(s.runs.len(), 1, "{cut:?}: {:?}", s.runs);
    }
    // A hole in time instead of empty fields: the same.
    let points: Points = pool_with_cut_burst(0..0)
        .into_iter()
        .map(|(t, v)| (if t >= T0 + 5.0 * 607.0 { t + 300.0 } else { t }, v))
        .collect();
    let s = analyze(points);
    assert_eq!(step_samples(&s), [300], "{:?}", s.steps);
    assert_eq!(s.runs.len(), 1, "{:?}", s.runs);
}

#[test]
fn a_short_burst_just_before_a_leak_is_not_a_step_of_its_own() {
    // Up for 3 samples, back for 3, then the leak: one step, the leak's.
    let values: Vec<f64> = (0..800)
        .map(|i| match i {
            394..=396 => 11.0,
            400.. => 11.0,
            _ => 10.0,
        })
        .collect();
    let s = analyze(regular(&values, 5.0));
    assert_eq!(step_samples(&s), [400], "{:?}", s.steps);
}

/// A quiet pool at its floor of 10 (a one-connection blip now and then)
/// that leaks one at sample 1000 + `at` during a burst of +7 over samples
/// 1000..1012.
fn pool_leaking_in_a_burst(seed: u64, at: usize) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..2000)
        .map(|i| {
            let floor = if i >= 1000 + at { 11.0 } else { 10.0 };
            if (1000..1012).contains(&i) {
                floor + 7.0
            } else {
                floor + rng.poisson(0.05)
            }
        })
        .collect()
}

#[test]
fn a_leak_under_a_burst_is_timed_where_the_burst_rose_with_it() {
    // A burst holds its height: where it went up by the leak's +1 and
    // stayed up is where the floor rose, not where the burst ended.
    for seed in 1..6 {
        let s = analyze(regular(&pool_leaking_in_a_burst(seed, 6), 5.0));
        assert_eq!(step_samples(&s), [1006], "seed {seed}: {:?}", s.steps);
        assert_eq!((s.steps[0].before, s.steps[0].after), (10.0, 11.0));
        // A burst that held its height throughout: the leak came as it
        // ended, and the first sample after it is the first at 11.
        let s = analyze(regular(&pool_leaking_in_a_burst(seed, 12), 5.0));
        assert_eq!(step_samples(&s), [1012], "seed {seed}: {:?}", s.steps);
    }
}

#[test]
fn a_leak_that_a_burst_hides_is_timed_where_the_burst_ends() {
    // A quiet pool's floor rises from 11 to 12 at sample 251, right as a
    // burst of 13 samples ends (+3 over 11, one sample +4): as likely the
    // leak came as the burst began, and the data cannot say which. The
    // first sample seen at the new floor is the one after the burst (the
    // middle of the burst, where it was timed before, is neither).
    // (leakgen pool-quiet-r2 of leak-eval seed 499, samples 700..1200.)
    // Samples one and two connections above the floor.
    const ONE: [usize; 26] = [
        0, 5, 42, 61, 67, 73, 83, 103, 123, 130, 141, 148, 152, 170, 172, 185, 199, 228, 243, 326,
        334, 354, 429, 439, 469, 476,
    ];
    const TWO: [usize; 3] = [74, 338, 434];
    let mut values: Vec<f64> = (0..500)
        .map(|i| if i < 251 { 11.0 } else { 12.0 })
        .collect();
    for v in &mut values[238..251] {
        *v += 3.0;
    }
    for i in ONE {
        values[i] += 1.0;
    }
    for i in TWO {
        values[i] += 2.0;
    }
    let s = analyze(regular(&values, 5.0));
    assert_eq!(step_samples(&s), [251], "{:?}", s.steps);
}

#[test]
fn data_that_ends_in_the_fall_from_a_burst_has_no_step() {
    // The last 4 samples are back at the floor after 18 above it.
    let mut values = vec![15.0; 1000];
    values.extend([19.0; 18]);
    values.extend([15.0; 4]);
    let s = analyze(regular(&values, 5.0));
    assert!(s.steps.is_empty(), "{:?}", s.steps);
}

/// A busy pool (Poisson noise on its floor) with one burst of `len`
/// samples, `height` above it, that falls back.
fn busy_with_burst(seed: u64, len: usize, height: f64) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..1200)
        .map(|i| {
            let b = if (400..400 + len).contains(&i) {
                height
            } else {
                0.0
            };
            20.0 + rng.poisson(1.5) + b
        })
        .collect()
}

#[test]
fn a_burst_longer_than_a_hundred_samples_that_falls_back_is_no_step() {
    // Bursts of busy connections chain into stretches of 100 and more
    // samples now and then: a rise is sure only once it outlasted 200.
    for seed in 1..=3 {
        let s = analyze(regular(&busy_with_burst(seed, 150, 6.0), 5.0));
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
        assert_eq!(s.runs.len(), 1, "seed {seed}: {:?}", s.runs);
    }
    // The same rise that stays is a step, where it rose.
    let s = analyze(regular(&busy_with_burst(1, 800, 6.0), 5.0));
    assert_eq!(step_samples(&s), vec![400]);
}

#[test]
fn a_daily_cycle_turning_up_from_its_trough_is_no_step() {
    // Rounded, the trough of a daily cycle of counts is a long flat floor
    // that then climbs; its first rise looks like a step until the climb
    // that follows shows it is a curve.
    for seed in 1..=64u64 {
        let mut rng = Rng(seed);
        let values: Vec<f64> = (0..3600)
            .map(|i| {
                let phase = std::f64::consts::TAU * (i as f64 + 23.0 * seed as f64) / 1440.0;
                (60.0 + 12.0 * phase.sin()).round() + rng.int(2)
            })
            .collect();
        let s = analyze(regular(&values, 60.0));
        assert!(s.steps.is_empty(), "seed {seed}: {:?}", s.steps);
    }
}

/// A quiet pool at its floor of 10, with bursts of +4 for 4 samples that
/// fall back, and `tail` at the end for its last 21 samples.
fn quiet_pool_ending(tail: f64) -> Vec<f64> {
    let mut values = vec![10.0; 1000];
    for at in [200, 450, 700] {
        for v in &mut values[at..at + 4] {
            *v = 14.0;
        }
    }
    values.extend([tail; 21]);
    values
}

#[test]
fn a_rise_at_the_very_end_the_size_of_the_bursts_seen_must_hold_longer() {
    // Noise-free, so a step at the end needs only a few samples; but one
    // as big as the bursts that fell back needs 50, as on a noisy level.
    let s = analyze(regular(&quiet_pool_ending(14.0), 5.0));
    assert!(s.steps.is_empty(), "{:?}", s.steps);
    // A leak smaller than the bursts is a step at once.
    let s = analyze(regular(&quiet_pool_ending(11.0), 5.0));
    assert_eq!(step_samples(&s), vec![1000]);
}

#[test]
fn a_rise_at_the_very_end_like_the_bursts_not_the_steps_must_hold_longer() {
    // A quiet pool that leaked +1 three times, with one-sample bursts of
    // +9 and +3, ends in 11 samples at +7: more than twice every step, no
    // higher than a burst seen. It is not yet a step; the same +7 held 60
    // samples is one, and so is a last +1 of 11 samples.
    let pool = |tail: f64, n: usize| {
        let mut values: Vec<f64> = (0..2000).map(|i| 10.0 + (i / 500) as f64).collect();
        values[1200] += 9.0;
        values[1300] += 3.0;
        values.extend(vec![13.0 + tail; n]);
        values
    };
    let s = analyze(regular(&pool(7.0, 11), 5.0));
    assert_eq!(step_samples(&s), [500, 1000, 1500], "{:?}", s.steps);
    let s = analyze(regular(&pool(7.0, 60), 5.0));
    assert_eq!(step_samples(&s), [500, 1000, 1500, 2000], "{:?}", s.steps);
    let s = analyze(regular(&pool(1.0, 11), 5.0));
    assert_eq!(step_samples(&s), [500, 1000, 1500, 2000], "{:?}", s.steps);
}

#[test]
fn a_level_shorter_than_min_hold_joins_the_rise_that_follows_it() {
    // A quiet pool at 12 with one-connection blips, where two samples at
    // 13 come just before a leak of two to 14: one step of +2, from the
    // first 13 (the blip is no level of its own), not a step of +1 and
    // another of +1 two samples later.
    let mut values = vec![12.0; 600];
    for i in [100, 230, 380] {
        values[i] = 13.0;
    }
    values.extend([13.0, 13.0]);
    values.extend([14.0; 300]);
    let s = analyze(regular(&values, 5.0));
    assert_eq!(step_samples(&s), [600], "{:?}", s.steps);
    assert_eq!((s.steps[0].before, s.steps[0].after), (12.0, 14.0));
    // Held three samples, the level is one: two steps.
    values.insert(601, 13.0);
    let s = analyze(regular(&values, 5.0));
    assert_eq!(step_samples(&s), [600, 603], "{:?}", s.steps);
    // A staircase up every two samples stays steps (joined in pairs).
    let mut stairs = vec![10.0; 100];
    stairs.extend((0..40).map(|i| 10.0 + (i / 2) as f64));
    stairs.extend([30.0; 100]);
    let s = analyze(regular(&stairs, 5.0));
    assert!(s.steps.len() >= 9, "{:?}", s.steps);
}

#[test]
fn the_last_samples_make_a_step_only_once_they_held() {
    let mut values = vec![10.0; 100];
    values.extend([20.0, 20.0]);
    assert!(analyze(regular(&values, 1.0)).steps.is_empty());
    values.push(20.0);
    assert_eq!(analyze(regular(&values, 1.0)).steps.len(), 1);
}

#[test]
fn thresholds_are_settable() {
    let values: Vec<f64> = (0..60).map(|i| 2.0 + (i / 10) as f64).collect();
    let cfg = Config {
        min_rise: 5.0,
        ..Config::default()
    };
    let r = analyze_with(cfg, &[("s", regular(&values, 1.0))]);
    assert!(r.series[0].steps.is_empty(), "{:?}", r.series[0].steps);
    assert_eq!(r.series[0].step_threshold, 5.0);
    // A rise at the end of the data counts once it has held --min-hold.
    let mut values = vec![2.0; 50];
    values.extend([3.0; 10]);
    assert_eq!(analyze(regular(&values, 1.0)).steps.len(), 1);
    let cfg = Config {
        min_hold_samples: 11,
        ..Config::default()
    };
    assert!(analyze_with(cfg, &[("s", regular(&values, 1.0))]).series[0]
        .steps
        .is_empty());
}

#[test]
fn live_marks_are_the_steps_that_held() {
    let mut a = Analyzer::default();
    a.names(&["fds".to_string()]);
    let sure = 50 + leakhunt::report::EXCURSION as usize;
    for i in 0..sure + 50 {
        a.point(0, T0 + i as f64, Some(if i < 50 { 5.0 } else { 6.0 }));
        let marks = a.settled_steps();
        if i < sure {
            assert!(marks.is_empty(), "at {i}: {marks:?}");
        } else {
            assert_eq!(marks.len(), 1);
            assert_eq!(marks[0].1.time, T0 + 50.0);
        }
    }
}

#[test]
fn memory_is_bounded_by_the_steps_not_the_samples() {
    let mut a = Analyzer::default();
    a.names(&["x".to_string()]);
    let mut rng = Rng(3);
    let mut peak = 0;
    for i in 0..1_000_000u64 {
        let v = 100.0 + i as f64 * 1e-4 + rng.normal() + if i >= 500_000 { 50.0 } else { 0.0 };
        a.point(0, T0 + i as f64, Some(v));
        peak = peak.max(a.held_values());
    }
    assert!(peak < 400, "{peak} values held");
    let r = a.finish();
    assert_eq!(r.series[0].steps.len(), 1, "{:?}", r.series[0].steps);
}

#[test]
fn samples_out_of_order_are_counted_but_left_out_of_the_steps() {
    let mut points = regular(&[1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 5.0], 1.0);
    points.push((T0 + 1.5, Some(3.0)));
    let s = analyze(points);
    assert_eq!(s.samples, 8);
    assert!(!s.steps_exact);
    assert_eq!(s.steps.len(), 1);
}

#[test]
fn marginal_steps_of_counts_are_timed_where_the_noise_law_puts_them() {
    // +2 under integer noise 0..2: the two levels share one value, so a
    // few samples at it fit either side and the split between the floors
    // decides. Over 200 series of 3 steps, 531 of the 600 are found within
    // 2 samples and 11 reported further off; before near-ties and rarer
    // unseen distances, 521 and 30.
    let truth = [400i64, 900, 1400];
    let (mut hits, mut elsewhere) = (0, 0);
    for seed in 1..=200u64 {
        let values = with_steps(
            2000,
            50.0,
            &truth.map(|t| t as usize),
            2.0,
            |r| r.int(2),
            seed,
        );
        let found = step_samples(&analyze(regular(&values, 5.0)));
        hits += truth
            .iter()
            .filter(|&&t| found.iter().any(|&f| (f - t).abs() <= 2))
            .count();
        elsewhere += found
            .iter()
            .filter(|&&f| truth.iter().all(|&t| (f - t).abs() > 2))
            .count();
    }
    assert!(hits >= 525, "{hits} of 600 steps timed within 2 samples");
    assert!(elsewhere <= 15, "{elsewhere} steps reported elsewhere");
}
