//! `tsplot --report`: what grew, how fast, and when it stepped up.
//!
//! An [`Analyzer`] is a [`Sink`]: it is fed the parser's points and keeps,
//! per series, streaming statistics (count, span, first, last, min, max,
//! mean, least-squares slope and R²) and the floor structure (module
//! `floor`) from which the steps are found. [`Analyzer::finish`] gives a
//! [`Report`], rendered for people by [`render_text`] or for scripts by
//! [`render_json`]. [`Rate`] turns cumulative counters into rates first
//! (`--rate`).
//!
//! # Steps
//!
//! The *floor* of a series at a sample is the lowest value from that sample
//! on: the level it never went below again. A step is a quick rise of the
//! floor that is big against the series' noise and that held. The rule,
//! with its settings in [`Config`]:
//!
//! - Noise is the median absolute difference between successive samples.
//!   The step threshold is `max(min_rise, noise_factor * noise)`. The
//!   *climb* is the median rate of change between successive samples when
//!   positive, else 0: a steady leak's rate, which steps and spikes do not
//!   move.
//! - A *jump* is a rise of the floor between two successive samples of at
//!   least half the threshold (with a zero threshold, any rise). Smaller
//!   rises are the creep of noise or of a smooth leak: a slope, not steps.
//! - A jump's hold window ends at the first sample `min_hold_samples`
//!   samples and `min_hold_secs` seconds after it. Another jump within it
//!   joins it in one group (and then its own window decides), so a burst,
//!   or noise around one real step, gives one step. Otherwise the jump has
//!   held if the window ends before the data does (the last samples never
//!   make a step) and the floor crept up within it by at most half the
//!   threshold more than the climb explains; if not, the group is part of
//!   a climb.
//! - A group that held is a step when the level its last jump reached
//!   exceeds the level it rose from, plus what the climb adds over the
//!   group's span, by more than zero and at least the threshold. The level
//!   it rose from is the higher of the floor before the first jump and the
//!   median of the `window` samples before it carried forward along the
//!   climb; so coming back after a dip to where the series already sat, or
//!   a noisy leak's floor catching up with its trend, is no step.
//! - It is reported at the time its biggest jump reached the new level:
//!   the first sample at that floor level. `before` is the floor before the
//!   group, `after` the level its last jump reached.
//!
//! Spikes never move the floor. Memory is bounded for time-sorted input
//! (module `floor` says how). Samples that go back in time are buffered and
//! merged in at the end with the floor of the others: the statistics stay
//! exact, but the steps near them are approximate and the series'
//! `steps_exact` is false; sort the input (`sort -n`) for exact steps.

mod floor;
mod noise;
mod rate;
mod text;

pub use floor::lower_median;
pub use rate::Rate;
pub use text::{format_duration, format_number, render_text};

use crate::series::Sink;
use floor::Floor;
use serde::{Deserialize, Serialize};

/// Settings of the step rule (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// A new floor level must last this many more samples after the one at
    /// which it was reached (`--min-hold-samples`, default 5).
    pub min_hold_samples: u64,
    /// ... and this many seconds (`--min-hold`, default 0).
    pub min_hold_secs: f64,
    /// Smallest rise that can be a step, in the series' units
    /// (`--min-step`, default 0: any rise above the noise).
    pub min_rise: f64,
    /// A step must rise this many times the noise (`--step-noise`, default 4).
    pub noise_factor: f64,
    /// Samples before a rise whose median is the level it rose from
    /// (default 32).
    pub window: usize,
    /// The values are rates made by [`Rate`] (`--rate`): only changes how
    /// the text report labels them.
    pub rate: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            min_hold_samples: 5,
            min_hold_secs: 0.0,
            min_rise: 0.0,
            noise_factor: 4.0,
            window: 32,
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
    /// Epoch seconds of the earliest and latest sample.
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
    /// Least-squares slope, value units per hour.
    pub slope_per_hour: Option<f64>,
    /// Coefficient of determination of that line, 0..1.
    pub r2: Option<f64>,
    /// Median absolute difference of successive samples.
    pub noise: f64,
    /// The rise a step needed: `max(min_rise, noise_factor * noise)`.
    pub step_threshold: f64,
    /// Median rate of change between successive samples, per hour, if
    /// positive (else 0): the steady climb the step rule discounts.
    pub climb_per_hour: f64,
    /// False when memory bounding folded small floor rises together or
    /// samples came out of time order: the steps are then approximate.
    pub steps_exact: bool,
    pub steps: Vec<Step>,
}

/// A rise of the floor that held.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Epoch seconds of the first sample at the new level.
    pub time: f64,
    /// The floor just before the step.
    pub before: f64,
    /// The floor after it: the series never went below it again.
    pub after: f64,
    /// `after - before`.
    pub rise: f64,
    /// Seconds from `time` to the series' last sample.
    pub held_secs: f64,
    /// Samples after the one at `time`.
    pub held_samples: u64,
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
}

struct State {
    name: String,
    n: u64,
    gaps: u64,
    /// Origin of the shifted coordinates: the first sample seen.
    t0: f64,
    v0: f64,
    /// Welford means and co-moments of (t - t0, (v - v0) / 2).
    mx: f64,
    my: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    min: f64,
    max: f64,
    first: (f64, f64),
    last: (f64, f64),
    floor: Floor,
    /// Samples from the first out-of-order one on, merged in at the end.
    unsorted: Option<Vec<(f64, f64)>>,
}

impl State {
    fn new(name: String, cfg: &Config) -> State {
        State {
            name,
            n: 0,
            gaps: 0,
            t0: 0.0,
            v0: 0.0,
            mx: 0.0,
            my: 0.0,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            first: (f64::NAN, f64::NAN),
            last: (f64::NAN, f64::NAN),
            floor: Floor::new(cfg),
            unsorted: None,
        }
    }

    fn add(&mut self, t: f64, v: f64) {
        if self.n == 0 {
            self.t0 = t;
            self.v0 = v;
            self.first = (t, v);
            self.last = (t, v);
        }
        self.n += 1;
        // Welford's updates on shifted coordinates: epoch seconds squared
        // lose every digit that matters in a plain sum of squares.
        let x = t - self.t0;
        // Halved (exactly): v - v0 overflows for values near ±f64::MAX.
        let y = v * 0.5 - self.v0 * 0.5;
        let n = self.n as f64;
        let dx = x - self.mx;
        self.mx += dx / n;
        let dy = y - self.my;
        self.my += dy / n;
        self.sxx += dx * (x - self.mx);
        self.syy += dy * (y - self.my);
        self.sxy += dx * (y - self.my);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        if t < self.first.0 {
            self.first = (t, v);
        }
        if t >= self.last.0 {
            self.last = (t, v);
            self.floor.push(t, v, true);
        } else {
            self.unsorted.get_or_insert_with(Vec::new).push((t, v));
        }
    }

    fn report(self, cfg: &Config) -> SeriesReport {
        let State {
            name,
            n,
            gaps,
            mut floor,
            unsorted,
            ..
        } = self;
        let sorted = unsorted.is_none();
        if let Some(late) = unsorted {
            floor = replay(&floor, late, cfg);
        }
        let has = n > 0;
        // A statistic that overflowed (values near ±1e308) is unknown, not
        // NaN or infinite: null in JSON, "-" in the text.
        let some = |v: f64| (has && v.is_finite()).then_some(v);
        let slope = if n >= 2 && self.sxx > 0.0 {
            some(self.sxy / self.sxx * 2.0 * 3600.0)
        } else {
            None
        };
        let r2 = if n >= 2 && self.sxx > 0.0 && self.syy > 0.0 {
            some(self.sxy * self.sxy / (self.sxx * self.syy)).map(|r| r.clamp(0.0, 1.0))
        } else {
            None
        };
        SeriesReport {
            name,
            samples: n,
            gaps,
            start: some(self.first.0),
            end: some(self.last.0),
            first: some(self.first.1),
            last: some(self.last.1),
            min: some(self.min),
            max: some(self.max),
            mean: some((self.v0 * 0.5 + self.my) * 2.0),
            change: some(self.last.1 - self.first.1),
            slope_per_hour: slope,
            r2,
            noise: floor.noise(),
            step_threshold: floor.threshold(),
            steps_exact: sorted && floor.folded() == 0,
            climb_per_hour: floor.climb() * 3600.0,
            steps: floor.steps(),
        }
    }
}

/// The floor of the in-order samples with the out-of-order ones merged in:
/// the earlier floor is replayed as stand-in samples at its levels, so the
/// floor is right but sample counts and medians near them are not.
fn replay(floor: &Floor, mut late: Vec<(f64, f64)>, cfg: &Config) -> Floor {
    let mut all: Vec<(f64, f64)> = floor.replay_points();
    late.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut late_medians = Floor::new(cfg);
    for &(t, v) in &late {
        late_medians.push(t, v, true);
    }
    all.extend(late);
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // The noise and climb first, so that folding while replaying judges
    // with them.
    let mut out = Floor::new(cfg);
    out.merge_medians(floor);
    out.merge_medians(&late_medians);
    for (t, v) in all {
        out.push(t, v, false);
    }
    out
}

impl Analyzer {
    pub fn new(cfg: Config) -> Analyzer {
        Analyzer {
            cfg,
            series: Vec::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Floor levels held now, over all series: the memory the step finder
    /// uses (about 80 bytes each), for tests and benchmarks.
    pub fn floor_entries(&self) -> usize {
        self.series.iter().map(|s| s.floor.stack_len()).sum()
    }

    fn state(&mut self, i: usize) -> &mut State {
        while self.series.len() <= i {
            let name = format!("{}", self.series.len() + 1);
            self.series.push(State::new(name, &self.cfg));
        }
        &mut self.series[i]
    }

    pub fn finish(self) -> Report {
        let cfg = self.cfg;
        let series = self.series.into_iter().map(|s| s.report(&cfg)).collect();
        Report {
            tool: "tsplot".to_string(),
            version: crate::cli::VERSION.to_string(),
            rate: cfg.rate,
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
        if !time.is_finite() {
            return;
        }
        let s = self.state(series);
        match value {
            Some(v) if v.is_finite() => s.add(time, v),
            _ => {
                s.gaps += 1;
                s.floor.gap();
            }
        }
    }
}
