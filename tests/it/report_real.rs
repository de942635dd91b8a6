//! The step rules a real trace taught: fdcount's count of a leaking client's
//! connections over a pool with bursts, restarted once
//! (tests/data/report/real-pool-bursts-restart.csv, whose header says how it
//! was recorded and what the client logged, the leaks and bursts the tests
//! read), and two traces recorded the same way, read by the built tsplot; and
//! series generated like it: a process's first count before its pool is
//! open, a restart through zeros, a burst the level does not fall back
//! from all the way, a burst in two heights that the split cuts in two.

use crate::report::{analyze, regular, with_steps, Draws, T0};
use crate::rng::Rng;
use crate::util::Cmd;

/// What the recorder's client logged, as a real trace's header lists it
/// (`#   run N leaks  T ...` and `#   run N bursts A-B ...`, each
/// continued on lines that start with blanks, and `(all BASE + the
/// figure)`): every leak and burst, seconds after BASE.
struct Logged {
    base: f64,
    leaks: Vec<f64>,
    bursts: Vec<(f64, f64)>,
}

fn logged(header: &str) -> Logged {
    let number = |w: &str| {
        w.parse::<f64>()
            .unwrap_or_else(|_| panic!("{w:?}: not a figure"))
    };
    let (mut base, mut leaks, mut bursts) = (None, Vec::new(), Vec::new());
    // The list a line of figures belongs to: "leaks" or "bursts".
    let mut list = None;
    for line in header.lines().take_while(|l| l.starts_with('#')) {
        let words: Vec<&str> = line[1..].split_whitespace().collect();
        let figures = match words.as_slice() {
            ["run", _, kind @ ("leaks" | "bursts"), rest @ ..] => {
                list = Some(*kind);
                rest
            }
            [first, ..]
                if line.starts_with("#          ")
                    && first.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                &words[..]
            }
            _ => {
                list = None;
                &[][..]
            }
        };
        for w in figures {
            match (list, w.split_once('-')) {
                (Some("bursts"), Some((a, b))) => bursts.push((number(a), number(b))),
                (Some("leaks"), None) => leaks.push(number(w)),
                _ => panic!("{line:?}: {w:?} is no leak nor burst"),
            }
        }
        if let Some((_, rest)) = line.split_once("(all ") {
            base = rest.split_whitespace().next().map(number);
        }
    }
    Logged {
        base: base.expect("the header's `(all BASE + the figure)`"),
        leaks,
        bursts,
    }
}

/// Whether a step reported at `t` is one of the logged leaks': from two
/// samples before it (0.25 s apart: a blip of the busy noise at the new
/// level) to a second after it, or anywhere in the burst it came during
/// (or two samples before), which hides when the floor rose.
fn names_a_leak(t: f64, log: &Logged) -> bool {
    log.leaks.iter().any(|&leak| {
        let under = log
            .bursts
            .iter()
            .find(|&&(a, b)| a - 0.5 <= leak && leak <= b);
        match under {
            Some(&(a, b)) => a - 0.5 <= t && t <= b + 0.5,
            None => leak - 0.5 <= t && t <= leak + 1.0,
        }
    })
}

/// A step as the tests read it: (time, before, after, run).
type Found = (f64, f64, f64, u64);

/// The built tsplot's report of the real trace tests/data/report/`name`,
/// a trace of two runs every step of which is a logged leak's (see
/// [`names_a_leak`]): the start of each run and each step, times in
/// seconds after its header's base.
fn two_runs_of_leaks(name: &str) -> (Vec<f64>, Vec<Found>) {
    let path = format!("{}/tests/data/report/{name}", env!("CARGO_MANIFEST_DIR"));
    let input = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let log = logged(&input);
    let out = Cmd::new("tsplot")
        .arg("--report=json")
        .env("TZ", "UTC")
        .stdin(input.as_bytes())
        .ok();
    let report: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    let s = &report["series"][0];
    let t = |v: &serde_json::Value| v.as_f64().expect("a number") - log.base;
    let runs: Vec<f64> = s["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| t(&r["start"]))
        .collect();
    let steps: Vec<Found> = s["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|st| {
            let level = |k: &str| st[k].as_f64().expect("a level");
            let run = st["run"].as_u64().expect("a run");
            (t(&st["time"]), level("before"), level("after"), run)
        })
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for &(at, ..) in &steps {
        assert!(
            names_a_leak(at, &log),
            "a step at {at} is no leak's: {steps:?}"
        );
    }
    (runs, steps)
}

/// Steps of +1 from each level in `from..to`.
fn ones(from: i32, to: i32) -> Vec<(f64, f64)> {
    (from..to)
        .map(|l| (f64::from(l), f64::from(l + 1)))
        .collect()
}

/// The (before, after) levels of the steps of run `run`.
fn levels_of(steps: &[Found], run: u64) -> Vec<(f64, f64)> {
    steps
        .iter()
        .filter(|st| st.3 == run)
        .map(|st| (st.1, st.2))
        .collect()
}

#[test]
fn a_real_pool_with_bursts_and_a_restart_is_two_runs_and_their_leaks() {
    // Every step reported is a leak's, at the first sample after it or
    // in the burst it came during.
    let (runs, steps) = two_runs_of_leaks("real-pool-bursts-restart.csv");
    // The restart: the process exited at 186.6, fdcount's fields were
    // empty for 3 s, and the new one counted from 189.8 on. (The build
    // before read the whole trace as one run, with one step.)
    assert!((runs[1] - 189.764).abs() < 1e-6, "{runs:?}");
    // The first run: its first six leaks, each +1 from the idle 3 (the
    // seventh came 4 s before the restart, too late to be sure of). The
    // first and third came outside any burst and are timed at the first
    // sample at the new level.
    let first: Vec<_> = steps.iter().filter(|st| st.3 == 0).collect();
    let want = ones(3, 9);
    assert_eq!(levels_of(&steps, 0), want, "{steps:?}");
    assert!((first[0].0 - 123.262).abs() < 1e-6, "{steps:?}");
    assert!((first[2].0 - 142.762).abs() < 1e-6, "{steps:?}");
    // The second run: its first seven leaks, the third and fourth as one
    // step (the 6 between them held 22 samples, fewer than a noisy level
    // of counts needs to be read), and none of the last two, which the end
    // of the data came too soon after. (The seventh, at 243.709, was
    // missed while two blocks of its new level could pass for a climb.
    // The build before that found only the joined
    // one: the level just before each leak had climbed, pooled with the
    // levels before it, and a burst that ended at the first leak had
    // counted as the old level's side.)
    assert_eq!(
        levels_of(&steps, 1),
        [
            (3.0, 4.0),
            (4.0, 5.0),
            (5.0, 7.0),
            (7.0, 8.0),
            (8.0, 9.0),
            (9.0, 10.0)
        ],
        "{steps:?}"
    );
}

#[test]
fn a_second_real_trace_recorded_later_is_two_staircases_of_leaks() {
    // Recorded while the rules for leaks a level apart were made, and only
    // checked on: the build before them found 8 of its 17 leaks.
    let name = "real-pool-staircase-restart.csv";
    let (_, steps) = two_runs_of_leaks(name);
    // The first run: its first six leaks, one step each (the seventh came
    // 4.7 s before the restart).
    let want = ones(3, 9);
    assert_eq!(levels_of(&steps, 0), want, "{steps:?}");
    // The second: its first eight leaks, the second and third as one step
    // (the second came during a burst, and the next burst ended 0.66 s
    // before the third), and not the last two, 11.2 and 1.5 s before the
    // data ends.
    let mut want = vec![(3.0, 4.0), (4.0, 6.0)];
    want.extend(ones(6, 11));
    assert_eq!(levels_of(&steps, 1), want, "{steps:?}");
}

#[test]
fn a_real_trace_whose_leaks_a_burst_follows_is_two_staircases_of_leaks() {
    // The build before this test's rule found the first run's leaks and
    // none of the second's: the burst that began 1.2 s after its first
    // leak made that level climb, and each level after it was judged
    // against a climb too.
    let name = "real-pool-leak-then-burst.csv";
    let (_, steps) = two_runs_of_leaks(name);
    // The first run: its first seven leaks (the eighth was logged as the
    // process exited).
    let want = ones(3, 10);
    assert_eq!(levels_of(&steps, 0), want, "{steps:?}");
    // The second: its first five (the sixth came 12 s before the end of
    // the data, the seventh during its last burst).
    let want = ones(3, 8);
    assert_eq!(levels_of(&steps, 1), want, "{steps:?}");
}

/// A staircase of 8 levels 30 samples long from 3 up, with a pool's busy
/// blips (+1 one sample in ten, +2 in 300), after `start`.
fn staircase_after(start: &[f64], seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    let mut values = start.to_vec();
    for i in 0..240 {
        let blip = f64::from(rng.uniform() < 0.1) + f64::from(rng.uniform() < 0.03);
        values.push(3.0 + (i / 30) as f64 + blip);
    }
    values
}

#[test]
fn a_first_count_before_the_pool_is_open_is_no_climb_into_the_first_leak() {
    // One sample of 0 (or 1, or two of 0) before the level 3 had passed
    // for a climb into the first leak, 30 samples on, which then failed,
    // and the staircase after it for a climb too: no step at all in 14 of
    // these 30 series. Its jump to the level had also raised the noise a
    // young series' threshold is read from, by enough to lose a +1 this
    // close to it (seed 8 after a 0 or a 1): all six are found in all 30.
    let mut whole = 0;
    for start in [&[0.0][..], &[1.0], &[0.0, 0.0]] {
        for seed in 1..=10u64 {
            let values = staircase_after(start, seed);
            let s = analyze(regular(&values, 1.0));
            // (A series without blips enough to be noisy is judged
            // noise-free; its start-up is no step either.)
            let steps: Vec<_> = s.steps.iter().collect();
            let levels: Vec<_> = steps.iter().map(|st| (st.before, st.after)).collect();
            // The last level's 30 samples at the end of the data are too
            // few to be sure of.
            let want = ones(3, 9);
            let timed = steps.iter().enumerate().all(|(k, st)| {
                let at = start.len() + 30 * (k + 1);
                (st.time - (T0 + at as f64)).abs() <= 2.0
            });
            if levels == want && timed {
                whole += 1;
            } else {
                assert!(
                    steps.is_empty() || timed,
                    "start {start:?}, seed {seed}: {steps:?}"
                );
            }
        }
    }
    assert_eq!(whole, 30);
}

#[test]
fn the_first_counts_before_a_pool_is_open_are_no_step() {
    // fdcount -C before the process runs: empty fields, then one count of
    // 0 (or 1, or two zeros) before its pool of 3 is open, then leaks. A
    // noisy series (a quiet pool's blips) had skipped such a start only
    // if no rise was found before its noise was judged, and a noise-free
    // one reported it as a step (0 -> 3); seed 12's real trace showed the
    // first. Now neither is a step, and the leaks after it are found.
    for blips in [0.0, 0.1] {
        for start in [&[0.0][..], &[1.0], &[0.0, 0.0]] {
            for seed in 1..=10u64 {
                let mut rng = Rng(seed);
                let mut values = start.to_vec();
                values.extend((0..300).map(|i| {
                    let floor = 3.0 + f64::from(i >= 100) + f64::from(i >= 200);
                    floor + f64::from(rng.uniform() < blips)
                }));
                let mut points: Vec<_> = (0..5).map(|i| (T0 - 5.0 + i as f64, None)).collect();
                points.extend(regular(&values, 1.0));
                let s = analyze(points);
                let levels: Vec<_> = s.steps.iter().map(|st| (st.before, st.after)).collect();
                assert_eq!(
                    levels,
                    [(3.0, 4.0), (4.0, 5.0)],
                    "blips {blips}, start {start:?}, seed {seed}: {:?}",
                    s.steps
                );
            }
        }
    }
}

#[test]
fn a_restart_through_zeros_starts_a_run_whose_first_leak_is_found() {
    // A pool at 40 leaking +3 twice, down to 0 for three samples, back at
    // 40 and leaking +3 twice again: two runs of two steps each. The build
    // before did not start the second run, and once it did, the zeros
    // passed for the new run's climb and hid its first leak.
    for seed in 1..=8u64 {
        let mut values = with_steps(1000, 40.0, &[300, 650], 3.0, |r| r.int(2), seed);
        values.extend([0.0; 3]);
        values.extend(with_steps(
            1000,
            40.0,
            &[300, 650],
            3.0,
            |r| r.int(2),
            seed + 100,
        ));
        let s = analyze(regular(&values, 5.0));
        assert_eq!(s.runs.len(), 2, "seed {seed}: {:?}", s.runs);
        let found: Vec<_> = s
            .steps
            .iter()
            .map(|st| (((st.time - T0) / 5.0).round() as i64, st.run))
            .collect();
        let want = [(300, 0), (650, 0), (1303, 1), (1653, 1)];
        assert_eq!(found.len(), 4, "seed {seed}: {found:?}");
        for ((at, run), (want_at, want_run)) in found.iter().zip(want) {
            assert!(
                (at - want_at).abs() <= 2 && *run == want_run,
                "seed {seed}: {found:?}"
            );
        }
    }
}

/// `n` samples of `level(i)` with a quiet pool's busy blips: +1 one
/// sample in ten.
fn quiet_pool(n: usize, seed: u64, level: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| level(i) + f64::from(rng.uniform() < 0.1))
        .collect()
}

#[test]
fn a_burst_that_falls_back_above_where_it_rose_from_held_a_rise() {
    // A quiet pool at 6 (blips of +1), a burst of +18 for 13 samples that
    // falls back to 7, not 6: the leak came during the burst. A fall
    // after the split had meant the rise never held, and the candidate sat
    // unconfirmed until the next leak, 40 samples on, was missed with it.
    for seed in 1..=10u64 {
        let values = quiet_pool(400, seed, |i| {
            let floor = 6.0 + f64::from(i >= 113) + f64::from(i >= 160);
            let burst = if (100..113).contains(&i) { 18.0 } else { 0.0 };
            floor + burst
        });
        let s = analyze(regular(&values, 1.0));
        let levels: Vec<_> = s.steps.iter().map(|st| (st.before, st.after)).collect();
        assert_eq!(
            levels,
            [(6.0, 7.0), (7.0, 8.0)],
            "seed {seed}: {:?}",
            s.steps
        );
        let at: Vec<_> = s.steps.iter().map(|st| st.time - T0).collect();
        assert!((99.0..=115.0).contains(&at[0]), "seed {seed}: {at:?}");
        assert!((at[1] - 160.0).abs() <= 2.0, "seed {seed}: {at:?}");
    }
}

#[test]
fn a_burst_in_two_heights_early_in_a_series_does_not_hide_the_leak_under_it() {
    // A quiet pool at 3 (blips of +1), 12 samples in a burst of +9 for 10
    // samples then +20 for 12, and the floor at 4 after it: the leak came
    // under the burst, and the split cut the burst in two. Its first half,
    // before the split, had passed for a climb into the rise (seeds 6, 7
    // and 8 found no step); as in the real trace's first seconds.
    for seed in 1..=10u64 {
        let values = quiet_pool(400, seed, |i| {
            let burst = match i {
                12..=21 => 9.0,
                22..=33 => 20.0,
                _ => 0.0,
            };
            3.0 + f64::from(i >= 34) + burst
        });
        let s = analyze(regular(&values, 1.0));
        let found: Vec<_> = s
            .steps
            .iter()
            .map(|st| (st.time - T0, st.before, st.after))
            .collect();
        assert_eq!(found.len(), 1, "seed {seed}: {found:?}");
        let (at, before, after) = found[0];
        assert!(
            (12.0..=34.0).contains(&at) && (before, after) == (3.0, 4.0),
            "seed {seed}: {found:?}"
        );
    }
}

/// A staircase of `levels` leaks of +1 from 3, each level 25 to 31
/// samples long, over a pool whose busy noise is +1 three samples in ten,
/// with a burst of +8 to +15 for 4 to 12 samples every 40 to 90: the
/// values, and for each leak the samples a step may be timed at (from two
/// before to two after it; under a burst, or just before one, up to two
/// after the burst: the first sample after it is where the data shows the
/// new floor).
fn busy_staircase(levels: usize, seed: u64) -> (Vec<f64>, Vec<(usize, usize)>) {
    let mut rng = Rng(seed);
    let (mut values, mut leaks) = (Vec::new(), Vec::new());
    for k in 0..levels {
        if k > 0 {
            leaks.push(values.len());
        }
        for _ in 0..25 + rng.int(6) as usize {
            values.push(3.0 + k as f64 + f64::from(rng.uniform() < 0.3));
        }
    }
    let mut bursts = Vec::new();
    let mut at = 15;
    loop {
        at += 40 + rng.int(50) as usize;
        let (height, len) = (8.0 + rng.int(7), 4 + rng.int(8) as usize);
        if at + len >= values.len() {
            break;
        }
        for v in &mut values[at..at + len] {
            *v += height;
        }
        bursts.push(at..at + len);
    }
    let windows = leaks
        .iter()
        .map(
            |&l| match bursts.iter().find(|b| b.start <= l + 2 && l < b.end) {
                Some(b) => (l.min(b.start) - 2, b.end + 2),
                None => (l - 2, l + 2),
            },
        )
        .collect();
    (values, windows)
}

#[test]
fn a_staircase_of_leaks_a_level_apart_over_a_busy_pool_is_its_steps() {
    // Leaks under 30 samples apart, as the real traces' are. The build
    // before judged each rise with the next one already in its window (as
    // a climb, or as the rise itself), read a climb from two blocks of the
    // new level, and asked a rise read from so few samples to clear the
    // threshold of a level read from a whole window.
    let mut found = 0;
    for seed in 1..=20u64 {
        let (values, leaks) = busy_staircase(8, seed);
        let s = analyze(regular(&values, 1.0));
        let at: Vec<f64> = s.steps.iter().map(|st| st.time - T0).collect();
        let near = |t: f64, (a, b): (usize, usize)| (a as f64..=b as f64).contains(&t);
        // Every step is a leak's, a few samples off at most (the busy
        // noise at a new level looks like the level before's).
        for &t in &at {
            let off = |&(a, b): &(usize, usize)| (a as f64 - 2.0..=b as f64 + 2.0).contains(&t);
            assert!(
                leaks.iter().any(off),
                "seed {seed}: a step at {t}, leaks at {leaks:?}: {:?}",
                s.steps
            );
        }
        found += leaks
            .iter()
            .filter(|&&w| at.iter().any(|&t| near(t, w)))
            .count();
    }
    // 68 now, 50 with the build before. (A run's first leak is still
    // asked to clear the threshold of a level read from a whole window:
    // before any step, a level this short may be a rounded daily cycle's
    // plateau. Once it is missed, the levels after it are judged against
    // a climb.)
    assert!(found >= 64, "{found} of 140 leaks found");
}

#[test]
fn a_burst_that_starts_right_after_a_leak_is_no_climb_of_its_level() {
    // A pool at its floor (+1 two samples in ten) leaking +1 every 35 to
    // 45 samples, each leak followed 1 to 4 samples later by a burst of
    // +10 to +18 for 8 to 14 samples that falls back to the new floor (a
    // client that leaks a connection, then runs a batch): as the real
    // traces' second runs often do. The burst's blocks had made the new
    // level climb, and the rise was judged beyond that climb.
    let mut found = 0;
    for seed in 1..=20u64 {
        let mut rng = Rng(seed);
        let mut values = Vec::new();
        let mut windows = Vec::new();
        for k in 0..6 {
            let at = values.len();
            for _ in 0..35 + rng.int(10) as usize {
                values.push(3.0 + f64::from(k) + f64::from(rng.uniform() < 0.2));
            }
            if k > 0 {
                let (from, len) = (at + 1 + rng.int(3) as usize, 8 + rng.int(6) as usize);
                let height = 10.0 + rng.int(8);
                for v in &mut values[from..from + len] {
                    *v += height;
                }
                // From two samples before the leak to two after the
                // burst: under it the data cannot tell when the floor rose.
                windows.push((at as f64 - 2.0, (from + len) as f64 + 2.0));
            }
        }
        let s = analyze(regular(&values, 1.0));
        let at: Vec<f64> = s.steps.iter().map(|st| st.time - T0).collect();
        for &t in &at {
            assert!(
                windows.iter().any(|&(a, b)| a - 5.0 <= t && t <= b),
                "seed {seed}: a step at {t}, leaks in {windows:?}"
            );
        }
        // The last leak is too close to the end of the data to be sure of.
        found += windows[..4]
            .iter()
            .filter(|&&(a, b)| at.iter().any(|&t| a <= t && t <= b))
            .count();
    }
    // 65 now, 59 without the rule.
    assert!(found >= 62, "{found} of 80 leaks found");
}
