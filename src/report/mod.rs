//! `tsplot --report`: what grew, how fast, and when it stepped up.
//!
//! An [`Analyzer`] is a [`Sink`]: it is fed the parser's points (within
//! `--from`/`--to`; with `--last`, the points of the window are held and
//! analysed at the end) and keeps, per series, streaming statistics and a
//! step finder (module `steps`) that cuts the series into runs at restarts
//! and finds the rises of its level that held. [`Analyzer::finish`] gives a
//! [`Report`], rendered for people by [`render_text`] or for scripts by
//! [`render_json`]. [`Rate`] turns cumulative counters into rates first
//! (`--rate`).
//!
//! # The rule (man tsplot has it for users)
//!
//! - The *level* of a stretch of samples is its 20% quantile; the *noise*
//!   is the mean absolute difference of successive samples without the
//!   largest tenth, as a standard deviation; the threshold is
//!   `max(min_rise, noise_factor * noise)`, grown when a side has fewer
//!   than `window` samples.
//! - A rise is compared over up to `window` samples before it (back to the
//!   last change) and after it: the sides' low means (10% to 50% quantile)
//!   must differ by the threshold beyond the local climb (Theil-Sen over
//!   10-sample blocks, or a side's own climb, each when it exceeds the
//!   noise over its blocks; before a rise, no pair of blocks either side
//!   of a rise found already, so that a staircase of leaks is no climb,
//!   the level just before the rise climbing beyond the noise on its own,
//!   and no block an excursion left: a burst or a dip that came back, a
//!   burst that ends at the rise, a run's start-up below its level;
//!   three blocks climb only through the middle one), and by a tenth of
//!   that climb more,
//!   the samples after must lie above the levels before more often than a
//!   binomial tail of 1e-7 allows (a burst that ended at the rise left
//!   out of the levels before), and the levels must differ; a fall
//!   between blocks after it means it has not held only back below its
//!   midpoint (a burst that falls back above where it rose from held a
//!   rise, timed at the first sample after it).
//! - A noisy level must hold `window` samples (half for counts); a
//!   noise-free series (half its differences zero, one in eight turning
//!   back at most; one in sixteen, and never back to the value its last
//!   move left, when judged at the end of a series of fewer than 32
//!   differences) needs `min_hold_samples` flat ones (a
//!   shorter one before the next rise joins it, once). A fall
//!   back below a rise's midpoint (half of the last 10 samples, and their
//!   mean when the values are not counts) within
//!   [`EXCURSION`] samples (or twice the longest excursion) undoes it and
//!   takes the excursion out of the windows, as a rise found from below a
//!   younger rise's midpoint undoes that one. A
//!   noisy rise that has climbed on by as much again by then, beyond the
//!   rises found since and with no fall since, is the start of a curve and
//!   is dropped unless it stands
//!   beyond that climb too. At the end of the data a younger rise counts if
//!   it held twice the longest excursion, three times the longest burst
//!   (one the level caught up with is no burst) and, on a noisy level or
//!   when it is as big as an excursion was (or over twice every held step
//!   and no higher than a burst), 50 samples or a quarter of its
//!   run; and not when its last `min_hold_samples` lie below its midpoint.
//!   On a noisy series, an older step of the last run counts only if the
//!   level of the last `window` samples is still above its midpoint (one
//!   the level slowly gave back was load: a daily peak).
//! - The step's time is the best split between the two levels (least
//!   absolute deviation from each side's median), for a rise of counts
//!   searched again between the floors with the noise's law read from the
//!   windows (a distance never seen counts a tenth of a sample; above the
//!   commonest distance the counts are made to fall; a sample over twice
//!   the threshold above the new floor, and beyond every distance a tenth
//!   of the samples show, counts for neither side; splits
//!   next to the likeliest within a factor e of it tie). A rise of counts
//!   under a burst is timed where the burst rose by it and stayed up until
//!   it ended (an undone excursion's rise, kept for that), or when the
//!   tied splits span a burst of more than 4 samples (or the split comes
//!   right after one), at the first sample after it; under a burst (or an
//!   undone excursion) longer than `window / 2` samples, at its middle.
//! - A fall that holds 10 samples right after a gap (two empty fields or a
//!   hole in time), or back to the run's starting level (within a quarter
//!   of the way up to its highest held step) after steps that held, starts
//!   a new run; the steps before it are kept, also those too young to be
//!   sure but the last (it may be a burst the restart cut short). Across a
//!   gap, only a fall to below where a young rise began keeps it; one back
//!   at that level is the end of a burst, and undoes the rise.
//! - The slope is the climb of the floor (module `slope`) of the last run.
//!
//! Memory is the finder's buffer of 128 samples, the steps and the runs.
//! Samples out of time order count in the statistics, not in the steps
//! (`steps_exact` false).

mod levels;
mod noise;
mod rate;
mod slope;
mod steps;
mod text;

pub use levels::lower_median;
pub use rate::Rate;
pub use steps::EXCURSION;
pub use text::{format_duration, format_number, render_text};

use crate::series::Sink;
use levels::whole;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use steps::Tracker;

/// Settings of the step rule (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Samples a new level must last, the first included
    /// (`--min-hold`, default 3).
    pub min_hold_samples: u64,
    /// ... and seconds from its first sample to the last that confirms it
    /// (`--min-hold-time`, default 0).
    pub min_hold_secs: f64,
    /// Smallest rise that can be a step, in the series' units
    /// (`--min-step`, default 0: any rise above the noise).
    pub min_rise: f64,
    /// A step must rise this many times the noise (`--step-noise`,
    /// default 2).
    pub noise_factor: f64,
    /// Samples on each side of a rise that its two levels are read from
    /// (default 40).
    pub window: usize,
    /// The values are rates made by [`Rate`] (`--rate`): only changes how
    /// the text report labels them.
    pub rate: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            min_hold_samples: 3,
            min_hold_secs: 0.0,
            min_rise: 0.0,
            noise_factor: 2.0,
            window: 40,
            rate: false,
        }
    }
}

/// The whole report: `{"tool", "version", "rate", "config", "series": [...]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub tool: String,
    pub version: String,
    /// Whether the values are per-second rates of counters (`--rate`).
    pub rate: bool,
    /// Whether x is the row number (`--no-time`): times are then rows, and
    /// slopes "per hour" are per 3600 rows.
    #[serde(default)]
    pub rows: bool,
    pub config: Config,
    pub series: Vec<SeriesReport>,
}

/// One series. The statistics are `null` when the series has no samples;
/// `slope_per_hour` when it spans no time, `r2` when it is constant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesReport {
    pub name: String,
    /// Samples with a value.
    pub samples: u64,
    /// Empty fields.
    pub gaps: u64,
    /// Epoch seconds (rows with `--no-time`) of the earliest and latest
    /// sample.
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// Values at `start` and `end`.
    pub first: Option<f64>,
    pub last: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    /// `last - first`.
    pub change: Option<f64>,
    /// The climb of the floor of the last run, value units per hour (per
    /// row with `--no-time`): see [`Run::slope_per_hour`].
    pub slope_per_hour: Option<f64>,
    /// Coefficient of determination of that floor's line, 0..1.
    pub r2: Option<f64>,
    /// The noise a rise is judged against: the median, over windows of
    /// `window` samples, of how far the window's median sits above its
    /// level (its 20% quantile).
    pub noise: f64,
    /// The rise a step needs on a typical window:
    /// `max(min_rise, noise_factor * noise)`.
    pub step_threshold: f64,
    /// False when samples came out of time order: they count in the
    /// statistics but not in the steps.
    pub steps_exact: bool,
    /// Where the series starts over: the first run starts with the series,
    /// each later one at a restart (a lasting fall to the level the run
    /// started at, or any lasting fall across a gap).
    pub runs: Vec<Run>,
    /// Every step of every run, in time order.
    pub steps: Vec<Step>,
}

/// A stretch of a series between restarts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Times of its first and last sample.
    pub start: f64,
    pub end: f64,
    pub samples: u64,
    /// The climb of its floor per hour: a line through, at every sample,
    /// the lowest value of the samples before it (over up to 2048 samples,
    /// a third of the run at most, one-sample dips left out): for a
    /// garbage-collected heap, the climb of the troughs.
    pub slope_per_hour: Option<f64>,
    /// How many of the steps are in it.
    pub steps: usize,
}

/// A rise of the level that held.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Epoch seconds (row with `--no-time`) of the first sample at the new
    /// level.
    pub time: f64,
    /// The level before the step and after it (20% quantiles of up to
    /// `window` samples on each side).
    pub before: f64,
    pub after: f64,
    /// `after - before`.
    pub rise: f64,
    /// Seconds from `time` to the series' last sample.
    pub held_secs: f64,
    /// Samples after the one at `time`.
    pub held_samples: u64,
    /// The run it belongs to (index into `runs`).
    pub run: usize,
    /// The sample's number in the series, from 0.
    #[serde(skip)]
    pub index: u64,
}

impl Report {
    /// Names of the series whose slope exceeds `per_hour`
    /// (`--fail-on-growth`).
    pub fn growth_over(&self, per_hour: f64) -> Vec<&str> {
        self.series
            .iter()
            .filter(|s| s.slope_per_hour.is_some_and(|m| m > per_hour))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// Every step with the index of its series, in series order: what the
    /// chart marks.
    pub fn steps_for_marks(&self) -> Vec<(usize, &Step)> {
        self.series
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.steps.iter().map(move |st| (i, st)))
            .collect()
    }
}

/// The report as pretty-printed JSON (2-space indent, one field per line,
/// so it diffs and greps well; `jq -c` compacts it), ending in a newline.
/// Field names are stable.
pub fn render_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("a report always serialises");
    s.push('\n');
    s
}

/// Streaming per-series statistics and step finder. Feed it as a [`Sink`],
/// then [`finish`](Analyzer::finish).
pub struct Analyzer {
    cfg: Config,
    series: Vec<State>,
    from: Option<f64>,
    to: Option<f64>,
    /// With a window (`--last`): the points within it of the latest, which
    /// the report is made from at the end.
    window: Option<f64>,
    held: VecDeque<(usize, f64, Option<f64>)>,
    latest: f64,
    rows: bool,
}

struct State {
    name: String,
    n: u64,
    gaps: u64,
    /// While every value is a whole number below 2^51 (counts): their
    /// exact sum, whose mean is one division at the end.
    isum: Option<i128>,
    /// Else the running mean of values shifted by the first and halved
    /// (exactly: v - v0 overflows for values near ±f64::MAX).
    v0: f64,
    sy: f64,
    min: f64,
    max: f64,
    first: (f64, f64),
    last: (f64, f64),
    tracker: Tracker,
}

impl State {
    fn new(name: String, cfg: &Config) -> State {
        State {
            name,
            n: 0,
            gaps: 0,
            isum: Some(0),
            v0: 0.0,
            sy: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            first: (f64::NAN, f64::NAN),
            last: (f64::NAN, f64::NAN),
            tracker: Tracker::new(cfg),
        }
    }

    #[inline]
    fn add(&mut self, t: f64, v: f64) {
        if self.n == 0 {
            self.v0 = v;
            self.first = (t, v);
            self.last = (t, v);
        }
        self.n += 1;
        match &mut self.isum {
            // A division per sample would be the costliest statistic.
            Some(sum) => match whole(v) {
                Some(x) => *sum += i128::from(x),
                None => self.welford(v),
            },
            None => self.welford(v),
        }
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        if t < self.first.0 {
            self.first = (t, v);
        }
        if t >= self.last.0 {
            self.last = (t, v);
        }
        self.tracker.push(t, v);
    }

    /// Adds `v` (the `n`th value) to the running mean, which takes over
    /// from the exact sum at the first value that is not a count.
    #[inline]
    fn welford(&mut self, v: f64) {
        if let Some(sum) = self.isum.take() {
            // The mean so far of (x - v0) / 2, exact before its rounding.
            let before = self.n - 1;
            self.sy = if before == 0 {
                0.0
            } else {
                (sum - before as i128 * self.v0 as i64 as i128) as f64 / 2.0 / before as f64
            };
        }
        // Welford's mean: a running sum of values near ±1e308 overflows.
        self.sy += (v * 0.5 - self.v0 * 0.5 - self.sy) / self.n as f64;
    }

    fn mean(&self) -> f64 {
        match self.isum {
            Some(sum) => sum as f64 / self.n as f64,
            None => (self.v0 * 0.5 + self.sy) * 2.0,
        }
    }

    #[inline]
    fn point(&mut self, t: f64, value: Option<f64>) {
        match value {
            Some(v) if v.is_finite() => self.add(t, v),
            _ => {
                self.gaps += 1;
                self.tracker.gap();
            }
        }
    }

    fn report(mut self) -> SeriesReport {
        let has = self.n > 0;
        // A statistic that overflowed (values near ±1e308) is unknown, not
        // NaN or infinite: null in JSON, "-" in the text.
        let some = |v: f64| (has && v.is_finite()).then_some(v);
        let noise = self.tracker.noise();
        let step_threshold = self.tracker.threshold();
        let steps_exact = self.tracker.unordered() == 0;
        let mean = self.mean();
        let done = self.tracker.finish();
        SeriesReport {
            name: self.name,
            samples: self.n,
            gaps: self.gaps,
            start: some(self.first.0),
            end: some(self.last.0),
            first: some(self.first.1),
            last: some(self.last.1),
            min: some(self.min),
            max: some(self.max),
            mean: some(mean),
            change: some(self.last.1 - self.first.1),
            slope_per_hour: done.slope.and_then(|(m, _)| some(m * 3600.0)),
            r2: done.slope.and_then(|(_, r2)| r2.and_then(some)),
            noise,
            step_threshold,
            steps_exact,
            runs: done.runs,
            steps: done.steps,
        }
    }
}

impl Analyzer {
    pub fn new(cfg: Config) -> Analyzer {
        Analyzer {
            cfg,
            series: Vec::new(),
            from: None,
            to: None,
            window: None,
            held: VecDeque::new(),
            latest: f64::NEG_INFINITY,
            rows: false,
        }
    }

    /// The points' x is the row number, not a time (`--no-time`).
    pub fn rows(&mut self, rows: bool) {
        self.rows = rows;
    }

    /// Only points from `from` to `to` (inclusive) count (`--from`,
    /// `--to`).
    pub fn clip(&mut self, from: Option<f64>, to: Option<f64>) {
        self.from = from;
        self.to = to;
    }

    /// Only points within `secs` of the latest one count (`--last`). The
    /// report is then made at the end from the points in the window, which
    /// are held until then: memory grows with the window's points.
    pub fn window(&mut self, secs: Option<f64>) {
        self.window = secs.filter(|w| *w > 0.0);
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Values received within the limits, over all series.
    pub fn points(&self) -> u64 {
        self.series.iter().map(|s| s.n).sum()
    }

    /// Values the step finders hold now, over all series: the memory they
    /// use, for tests and benchmarks.
    pub fn held_values(&self) -> usize {
        self.series.iter().map(|s| s.tracker.held()).sum::<usize>() + self.held.len()
    }

    /// The steps that have held long enough to be sure, with their series:
    /// what a live chart marks.
    pub fn settled_steps(&self) -> Vec<(usize, Step)> {
        let since = self.window.map_or(f64::NEG_INFINITY, |w| self.latest - w);
        self.series
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.tracker.settled_steps().iter().map(move |st| (i, *st)))
            .filter(|(_, st)| st.time >= since)
            .collect()
    }

    #[inline]
    fn state(&mut self, i: usize) -> &mut State {
        if self.series.len() <= i {
            self.add_series(i);
        }
        &mut self.series[i]
    }

    /// Series up to `i` (they are named by their number until named).
    #[cold]
    fn add_series(&mut self, i: usize) {
        while self.series.len() <= i {
            let name = format!("{}", self.series.len() + 1);
            self.series.push(State::new(name, &self.cfg));
        }
    }

    pub fn finish(self) -> Report {
        let cfg = self.cfg;
        let mut states = self.series;
        if let Some(w) = self.window {
            // Start over on the points within the window.
            let since = self.latest - w;
            for s in &mut states {
                *s = State::new(std::mem::take(&mut s.name), &cfg);
            }
            for (i, t, v) in self.held {
                if t >= since {
                    states[i].point(t, v);
                }
            }
        }
        let series = states.into_iter().map(State::report).collect();
        Report {
            tool: "tsplot".to_string(),
            version: crate::cli::VERSION.to_string(),
            rate: cfg.rate,
            rows: self.rows,
            config: cfg,
            series,
        }
    }
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new(Config::default())
    }
}

impl Sink for Analyzer {
    fn names(&mut self, names: &[String]) {
        for (i, name) in names.iter().enumerate() {
            self.state(i).name.clone_from(name);
        }
    }

    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        if !time.is_finite()
            || self.from.is_some_and(|f| time < f)
            || self.to.is_some_and(|t| time > t)
        {
            return;
        }
        self.state(series).point(time, value);
        if let Some(w) = self.window {
            self.latest = self.latest.max(time);
            self.held.push_back((series, time, value));
            while self.held.front().is_some_and(|p| p.1 < self.latest - w) {
                self.held.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(values: &[f64]) -> f64 {
        let mut a = Analyzer::default();
        for (i, &v) in values.iter().enumerate() {
            a.point(0, i as f64, Some(v));
        }
        a.finish().series[0].mean.expect("a mean")
    }

    #[test]
    fn counts_have_their_exact_mean() {
        let v: Vec<f64> = (1..=1_000_000).map(f64::from).collect();
        assert_eq!(mean_of(&v), 500_000.5);
        assert_eq!(mean_of(&[1.0, 2.0, 4.0]), 7.0 / 3.0);
        assert_eq!(mean_of(&[-3.0, -0.0, 3.0]), 0.0);
    }

    #[test]
    fn the_running_mean_takes_over_from_the_sum() {
        // A value that is not a count after counts, as the first value, and
        // whole numbers too large to sum exactly.
        let m = mean_of(&[1.0, 2.0, 3.5, 4.0, 5.0]);
        assert!((m - 15.5 / 5.0).abs() < 1e-12, "{m}");
        let m = mean_of(&[0.5, 1.0, 2.0]);
        assert!((m - 3.5 / 3.0).abs() < 1e-12, "{m}");
        let big = (1u64 << 60) as f64;
        assert_eq!(mean_of(&[big, big, big]), big);
        let m = mean_of(&[1e308, 1.7e308, 1.0]);
        assert!((m - 0.9e308).abs() < 1e294, "{m}");
    }
}
