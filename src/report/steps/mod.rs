//! The step finder: one pass over a series' samples in time order, keeping
//! only the last few windows of samples, that cuts the series into runs
//! (at restarts) and reports the rises of its level that held.
//!
//! The rule is documented for users in the [`report`](super) module; this
//! is how it is carried out.
//!
//! - The *reference* is a summary ([`Summary`]) of the last `window`
//!   samples of the current segment (since the last change), refreshed
//!   every 32 samples (as it doubles while the segment is young).
//! - A sample above the reference level by half the threshold opens a rise
//!   *candidate* (below: a fall candidate). The candidate counts its
//!   samples that land on the old side of the reference's quantiles; two
//!   at or below the old level close it (it was noise). When the counts
//!   are improbable under "no change" (binomial tail below [`LN_ALPHA`]),
//!   or the series is noise-free, the candidate is examined exactly: the
//!   best split between the two levels (least absolute deviation), the
//!   levels of the windows either side of it, the local climb (not
//!   across the rises found already, nor through a burst that came back),
//!   the threshold and the same test on the exact windows. A rise whose
//!   window already holds the next rise of a staircase (the split moved on
//!   to it, or the new level climbs to it) is judged on the samples up to
//!   that one ([`Tracker::evaluate_to`]).
//! - A confirmed rise is a *tentative* step until it has held
//!   [`EXCURSION`] samples; a fall that takes the level back below its
//!   midpoint before that (no gap in between, or back only at the level it
//!   rose from) undoes it: an excursion (a burst of busy connections, a
//!   batch job), whose length is remembered. So does a later rise found
//!   from below its midpoint. The rises within the excursion are kept
//!   until the next change: one of counts that a burst carried is the
//!   time of a rise of the same size confirmed right after it, and a rise
//!   split within or right after a long one is timed at its middle.
//!   A noisy rise that has climbed on by as much again when it is sure is
//!   judged once more against that climb ([`Tracker::still_up`]). At the
//!   end of the data a younger rise must outlast the excursions and bursts
//!   seen, and on a noisy series an older one must not have been given
//!   back by the last window (module `end`).
//! - A confirmed fall across a gap (empty fields or a hole in time), or a
//!   fall to the run's starting level after steps that held, starts a new
//!   run.
//!
//! Samples leave the window buffer in order and feed their run's
//! statistics and floor slope ([`Trace`]), so memory is the buffer, the
//! steps and the runs.

mod cand;
mod counts;
mod end;
mod hold;
mod judge;
mod scale;
mod split;
mod start;
mod window;

use super::levels::{
    countable, cutoffs, is_integer, median_in, quantile_in, quantile_rank, rank_of_counts, Summary,
    LEVEL_Q, SMALL_SPAN,
};
use super::noise::{Runs, Small};
use super::slope::Trace;
use super::{Config, Step};
use cand::{ln_p, Cand};
use counts::Running;
use start::STARTUP;
use window::Window;

/// Samples within which a fall back undoes a rise: bursts of a busy pool
/// chain into stretches of over a hundred samples now and then.
pub const EXCURSION: u64 = 200;
/// Successive differences after which the series is judged noise-free or
/// not.
const EXACT_AFTER: u64 = 32;
/// Samples per block when the local climb is measured.
const BLOCK: usize = 10;
/// The share of a climb subtracted from a rise that the rise must clear as
/// well: a climb is read from noisy blocks, and a steep one (a heap filling
/// between collections) is known only to about a tenth.
const CLIMB_DOUBT: f64 = 0.1;
/// Samples a fall must hold to count.
const FALL_HOLD: u64 = 10;
/// ln of the chance of the candidate's counts under "no change" below
/// which it is examined and confirmed (1e-7, over three comparisons).
const LN_ALPHA: f64 = -16.118;
/// Samples between refreshes of the reference.
const REFRESH: u64 = 32;
/// Empty fields in a row that make a gap.
const GAP_FIELDS: u32 = 2;
/// A time step this many times the typical interval is a hole (a gap).
const HOLE: f64 = 5.0;

#[derive(Clone, Copy, Debug)]
struct Sample {
    t: f64,
    v: f64,
    i: u64,
    /// An empty field or a hole in time comes just before it.
    gap: bool,
    /// The running counts before it ([`Running`]; 0 if the series is not
    /// counts).
    sum: u64,
}

#[derive(Clone, Copy, Debug)]
struct Tentative {
    i: u64,
    t: f64,
    sides: Sides,
    run: usize,
    /// The last [`FALL_HOLD`] samples since it was confirmed, a bit set for
    /// each that lay below its midpoint.
    below: u32,
    /// A gap came after it: a fall now would be a restart, which keeps it.
    kept: bool,
    /// The rise right after it that was joined to it (sample, time, rise:
    /// see [`Tracker::joined`]).
    joined: Option<(u64, f64, f64)>,
    /// The segment and the last fall before it, restored if it is undone.
    seg: u64,
    last_fall: u64,
}

#[derive(Clone, Debug)]
struct RunState {
    start_i: u64,
    start_t: f64,
    /// The level the run started at.
    level: f64,
    end_t: f64,
    samples: u64,
    /// Its first sample at its level: the start-up before it (see
    /// [`Tracker::startup_end`]) is no part of the floor's slope.
    trace_from: u64,
    trace: Trace,
}

impl RunState {
    fn new(i: u64, t: f64) -> RunState {
        RunState {
            start_i: i,
            start_t: t,
            level: f64::NAN,
            end_t: t,
            samples: 0,
            trace_from: i,
            trace: Trace::default(),
        }
    }
}

/// The two sides of a confirmed change of level.
#[derive(Clone, Copy, Debug)]
struct Sides {
    /// The levels either side.
    before: f64,
    after: f64,
    /// Halfway between the two sides' low means: a level back below it
    /// has undone the change.
    mid: f64,
    /// The two sides' low means ([`Summary::low_mean`]), and the mean
    /// times of the windows they were read from.
    low: [f64; 2],
    at: [f64; 2],
    /// The rise it was confirmed with.
    thr: f64,
}

impl Sides {
    /// How far the level moved: up if positive.
    fn rise(&self) -> f64 {
        self.after - self.before
    }
}

/// What an undone excursion leaves, until the next rise, to time that
/// rise by if it came out of the excursion's burst.
#[derive(Clone, Debug, Default)]
struct Undone {
    /// The rises within it after its first sample (sample, time, rise):
    /// see [`Tracker::carried_at`].
    carried: Vec<(u64, f64, f64)>,
    /// Its first sample and the first after it, when samples were taken
    /// out, and those samples' numbers and times from its first to its
    /// end: see [`Tracker::under_excursion`].
    span: Option<(u64, u64)>,
    times: Vec<(u64, f64)>,
}

impl Undone {
    fn clear(&mut self) {
        self.carried.clear();
        self.span = None;
        self.times.clear();
    }
}

/// A confirmed change of level.
#[derive(Clone, Copy, Debug)]
struct Change {
    /// Buffer position of its first sample.
    pos: usize,
    sides: Sides,
}

enum Outcome {
    Confirmed(Change),
    /// Not decided: the best split so far, if there is one.
    NotYet(Option<usize>),
    Reject,
}

/// The step finder of one series.
#[derive(Clone, Debug)]
pub struct Tracker {
    w: usize,
    m_up: u64,
    hold_secs: f64,
    min_rise: f64,
    kappa: f64,
    buf: Window<Sample>,
    /// The running counts of a series of counts, kept with the samples.
    running: Running,
    cap: usize,
    scratch: Vec<f64>,
    n: u64,
    last_t: Option<f64>,
    /// Empty fields since the last sample.
    pending_gap: u32,
    /// First sample of the current segment.
    seg: u64,
    /// First sample after the last fall (or restart, or undone step):
    /// climbs are not measured across it.
    last_fall: u64,
    reference: Option<Summary>,
    /// The reference's cut-offs for a fall (0) and a rise (1): every
    /// candidate opened against it starts from them.
    cuts: [[(f64, f64); 3]; 2],
    thr: f64,
    ref_at: u64,
    up: Option<Cand>,
    down: Option<Cand>,
    /// No new fall (0) or rise (1) candidate before these samples.
    quiet: [u64; 2],
    /// Absolute differences of successive samples (no gap between): the
    /// series' noise, as their mean without the largest tenth.
    jumps: Small,
    prev_v: Option<f64>,
    noise: f64,
    noise_at: u64,
    /// A fall of a heap's collection, for the slope's troughs.
    collection: f64,
    /// Successive differences, and the changes of direction among the
    /// nonzero ones: a noise-free series (a staircase, a pool at its idle
    /// floor) seldom turns back; noise does all the time.
    diffs: u64,
    zeros: u64,
    reversals: u64,
    last_dir: i32,
    /// Until the series is judged: the turns back to the value the last
    /// move left (a toggle between two values, as noise 0..1 makes), and
    /// that value.
    toggles: u64,
    left: f64,
    /// Enough differences have been seen to tell whether it is noise-free.
    settled_exact: bool,
    intervals: Runs,
    intervals_n: u64,
    interval: f64,
    /// A time step beyond this is a hole: [`HOLE`] times the interval, once
    /// 8 are known.
    hole: f64,
    tentative: Vec<Tentative>,
    /// What the last undone excursion leaves to time the next rise by.
    undone: Undone,
    steps: Vec<Step>,
    longest_excursion: u64,
    /// The smallest rise among the excursions.
    smallest_excursion: f64,
    /// The burst under way (samples far above the reference level since
    /// this one, and that level) and its highest sample, and the longest
    /// and highest that came back down.
    burst_from: Option<(u64, f64)>,
    /// (Apart: in the tuple, it cost 5 ns a sample on a steady series.)
    burst_peak: f64,
    longest_burst: u64,
    highest_burst: f64,
    runs: Vec<RunState>,
    /// The run the next settled sample may belong to.
    settled_run: usize,
    /// Samples that went back in time, left out of the steps.
    unordered: u64,
    /// Every value so far is a whole number: counts.
    counts: bool,
    /// Every value so far is [`countable`]: a window's values are
    /// summarised from their counts without testing each again.
    countable: bool,
}

impl Tracker {
    pub fn new(cfg: &Config) -> Tracker {
        let w = cfg.window.max(4);
        let cap = (3 * w + 8).max(108);
        Tracker {
            w,
            m_up: cfg.min_hold_samples.max(1),
            hold_secs: cfg.min_hold_secs,
            min_rise: cfg.min_rise,
            kappa: cfg.noise_factor,
            buf: Window::with_capacity(cap + 1),
            running: Running::default(),
            cap,
            scratch: Vec::with_capacity(cap),
            n: 0,
            last_t: None,
            pending_gap: 0,
            seg: 0,
            last_fall: 0,
            reference: None,
            cuts: [[(0.0, 0.0); 3]; 2],
            thr: 0.0,
            ref_at: 0,
            up: None,
            down: None,
            quiet: [0; 2],
            jumps: Small::default(),
            prev_v: None,
            noise: 0.0,
            noise_at: 0,
            collection: 0.0,
            diffs: 0,
            zeros: 0,
            reversals: 0,
            last_dir: 0,
            toggles: 0,
            left: f64::NAN,
            settled_exact: false,
            intervals: Runs::default(),
            intervals_n: 0,
            interval: 0.0,
            hole: f64::INFINITY,
            tentative: Vec::new(),
            undone: Undone::default(),
            steps: Vec::new(),
            longest_excursion: 0,
            smallest_excursion: f64::INFINITY,
            burst_from: None,
            burst_peak: 0.0,
            longest_burst: 0,
            highest_burst: 0.0,
            runs: Vec::new(),
            settled_run: 0,
            unordered: 0,
            counts: true,
            countable: true,
        }
    }

    /// Samples a noisy level must hold after a rise before it is examined:
    /// a window; half of one for counts, whose levels (floors) a few
    /// samples show and whose noise does not drift as a heap's does.
    fn wait_after(&self) -> u64 {
        if self.counts {
            self.w as u64 / 2
        } else {
            self.w as u64
        }
    }

    /// Where a burst begins above `level`: beyond any integer noise 0..w
    /// (see `observe`), and the bound past which a sample says nothing of
    /// where a floor rose (see `likeliest_split`).
    #[inline(always)]
    fn burst_above(&self, level: f64) -> f64 {
        level + 2.0 * self.thr
    }

    /// Whether a burst of `samples` hides a level: it lasts longer than a
    /// noisy level holds before it is examined ([`wait_after`]), so one
    /// could have begun anywhere beneath it (see `likeliest_split` and
    /// [`Tracker::under_excursion`]).
    ///
    /// [`wait_after`]: Tracker::wait_after
    fn hides_a_level(&self, samples: u64) -> bool {
        samples > self.wait_after()
    }

    /// Values held now: the buffer, the steps and the runs.
    pub fn held(&self) -> usize {
        self.buf.len() + self.tentative.len() + self.steps.len() + self.runs.len()
    }

    pub fn unordered(&self) -> u64 {
        self.unordered
    }

    /// An empty field: the next sample comes after a gap.
    pub fn gap(&mut self) {
        self.pending_gap += 1;
        self.prev_v = None;
    }

    #[inline(always)]
    pub fn push(&mut self, t: f64, v: f64) {
        // One empty field is a glitch; two or more in a row, or a hole in
        // time, are a gap: the watched thing may have gone away.
        let mut gap = std::mem::take(&mut self.pending_gap) >= GAP_FIELDS;
        if let Some(pt) = self.last_t {
            if t < pt {
                self.unordered += 1;
                return;
            }
            let dt = t - pt;
            if dt > 0.0 {
                if dt > self.hole {
                    gap = true;
                }
                self.intervals.add(dt);
                self.intervals_n += 1;
                // The typical interval, now and then: it scans a histogram.
                if self.intervals_n <= 64 || self.intervals_n.is_multiple_of(256) {
                    self.interval = self.intervals.median().median();
                    if self.intervals_n >= 8 {
                        self.hole = HOLE * self.interval;
                    }
                }
            }
        }
        self.last_t = Some(t);
        // A countable value is a whole number: one test for counts.
        let c = countable(v);
        self.countable &= c;
        self.counts &= c || is_integer(v);
        if let Some(p) = self.prev_v.replace(v) {
            if !gap {
                self.jumps.add((v - p).abs());
                self.diffs += 1;
                // Counted in integer arithmetic, without a branch: on noise
                // each is a coin toss. A direction is -1, 0 (no change: the
                // last one stays) or 1.
                let dir = i32::from(v > p) - i32::from(v < p);
                self.zeros += u64::from(dir == 0);
                let turn = dir * self.last_dir == -1;
                self.reversals += u64::from(turn);
                self.last_dir = dir + i32::from(dir == 0) * self.last_dir;
                if !self.settled_exact {
                    self.toggles += u64::from(turn && v == self.left);
                    if dir != 0 {
                        self.left = p;
                    }
                }
            }
        }
        // Until the series has shown whether it is noise-free, no
        // noise-free rule applies; once it has, and it is, its first
        // samples (all still in the buffer) are judged again.
        if !self.settled_exact && self.diffs >= EXACT_AFTER {
            self.settled_exact = true;
            let exact = self.exact();
            if exact && self.n < self.cap as u64 && self.steps.is_empty() {
                self.replay();
            } else if !exact {
                self.skip_startup(v);
            }
        }
        self.track(t, v, gap);
    }

    /// Starts the step finding over on the samples in the buffer.
    fn replay(&mut self) {
        let samples: Vec<Sample> = self.buf.drain(..).collect();
        self.running.stale(self.buf.cuts());
        self.running.forget(0);
        self.n = 0;
        self.seg = 0;
        self.last_fall = 0;
        self.reference = None;
        self.ref_at = 0;
        self.up = None;
        self.down = None;
        self.quiet = [0; 2];
        self.tentative.clear();
        self.undone.clear();
        self.longest_excursion = 0;
        self.smallest_excursion = f64::INFINITY;
        self.burst_from = None;
        self.longest_burst = 0;
        self.highest_burst = 0.0;
        self.runs.clear();
        self.settled_run = 0;
        for s in samples {
            self.track(s.t, s.v, s.gap);
        }
    }

    fn track(&mut self, t: f64, v: f64, gap: bool) {
        let i = self.n;
        self.n += 1;
        if self.runs.is_empty() {
            self.runs.push(RunState::new(i, t));
        }
        let sum = if self.countable {
            self.running.next(v, i)
        } else {
            0
        };
        self.buf.push_back(Sample { t, v, i, gap, sum });
        if self.buf.len() > self.cap {
            let s = self.buf.pop_front().expect("buffer is not empty");
            self.settle(s);
        }
        self.undo(v, gap);
        self.observe(i, v);
        // Where bursts have lasted long, a rise must outlast twice the
        // longest before it is sure.
        let sure = EXCURSION.max(2 * self.longest_excursion);
        while self.tentative.first().is_some_and(|s| i - s.i >= sure) {
            let s = self.tentative.remove(0);
            if let Some(s) = self.still_up(s) {
                self.keep(s);
            }
        }
    }

    fn observe(&mut self, i: u64, v: f64) {
        // The reference follows the data even while a candidate is open
        // (the candidate keeps the cut-offs it opened with), so that a fall
        // during a rise, or a rise during a fall, opens its own.
        let seg_len = i + 1 - self.seg;
        // A young segment is read again as it doubles, an old one every
        // REFRESH samples.
        let due = if seg_len <= REFRESH {
            seg_len.is_power_of_two()
        } else {
            i - self.ref_at >= REFRESH
        };
        if self.reference.is_none() || due {
            self.refresh();
        }
        let Some(level) = self.reference.as_ref().map(|r| r.level) else {
            return;
        };
        let half = self.thr / 2.0;
        // Bursts: far above the level (beyond any integer noise 0..w), until
        // back near the level they rose from; once the noise is known. One
        // that the level caught up with was a rise the steps missed.
        if self.settled_exact {
            if v > self.burst_above(level) {
                if self.burst_from.is_none() {
                    self.burst_from = Some((i, level));
                    self.burst_peak = v;
                }
                self.burst_peak = self.burst_peak.max(v);
            } else if self.burst_from.is_some() && v <= level + half {
                // (In this order: whether a sample is near the level is a
                // coin toss, whether a burst is under way seldom.)
                if let Some((from, from_level)) = self.burst_from.take() {
                    if level <= from_level + half {
                        self.longest_burst = self.longest_burst.max(i - from);
                        self.highest_burst = self.highest_burst.max(self.burst_peak - from_level);
                    }
                }
            }
        }
        // The sample's side of the level is a coin toss: tested only
        // while no rise is open, and with the other two in one branch.
        if self.up.is_none() && (i > self.seg) & (i >= self.quiet[1]) & (v > level + half) {
            // A noisy level needs a window's worth of samples after the
            // rise before it is examined at all.
            let first = if self.exact() {
                self.m_up
            } else {
                self.wait_after().max(self.m_up)
            };
            self.up = Some(Cand::new(i, self.cuts[1], first));
        }
        if self.down.is_none() && i > self.seg && i >= self.quiet[0] && v < level - half {
            self.down = Some(Cand::new(i, self.cuts[0], FALL_HOLD));
        }
        for up in [true, false] {
            let slot = if up { &mut self.up } else { &mut self.down };
            let Some(c) = slot else { continue };
            c.add(v, up);
            if c.counts[0] >= 2 || c.na > 2 * self.w as u64 {
                *slot = None;
                continue;
            }
            if c.na < c.next {
                continue;
            }
            if self.examine_due(up, i) {
                return;
            }
        }
    }

    /// The mean time of positions `from..to` (not empty).
    fn mean_t(&self, from: usize, to: usize) -> f64 {
        self.buf.range(from..to).map(|s| s.t).sum::<f64>() / (to - from) as f64
    }

    /// Position in the buffer of global sample index `i` (clamped).
    fn pos(&self, i: u64) -> usize {
        // Samples an undone excursion took out leave holes in the indices.
        self.buf.partition_point(|s| s.i < i)
    }

    /// The counts of positions `from..to` from the running counts, when
    /// they hold (see [`Running::counts`]).
    fn counts(&mut self, from: usize, to: usize) -> Option<(i64, [usize; SMALL_SPAN])> {
        if !self.countable || from >= to {
            return None;
        }
        if self.running.stale(self.buf.cuts()) {
            self.running.forget(self.n);
        }
        let (first, end) = (self.buf[from], self.buf.len());
        let to_sum = (to < end).then(|| self.buf[to].sum);
        self.running.counts(first.i, to - from, first.sum, to_sum)
    }

    fn summary(&mut self, from: usize, to: usize) -> Summary {
        if let Some((lo, cum)) = self.counts(from, to) {
            return Summary::of_counts(to - from, lo, &cum);
        }
        let values = self.buf.range(from..to).map(|s| s.v);
        Summary::of_iter(values, self.countable, &mut self.scratch)
    }

    /// The lower median of positions `from..to`: their summary's `q50`.
    fn median(&mut self, from: usize, to: usize) -> f64 {
        if let Some((lo, cum)) = self.counts(from, to) {
            return rank_of_counts(lo, &cum, (to - from - 1) / 2);
        }
        let values = self.buf.range(from..to).map(|s| s.v);
        median_in(values, self.countable, &mut self.scratch)
    }

    /// The level of positions `from..to`: their summary's `level`.
    fn level(&mut self, from: usize, to: usize) -> f64 {
        if let Some((lo, cum)) = self.counts(from, to) {
            return rank_of_counts(lo, &cum, quantile_rank(LEVEL_Q, to - from));
        }
        let values = self.buf.range(from..to).map(|s| s.v);
        quantile_in(values, self.countable, LEVEL_Q, &mut self.scratch)
    }

    fn refresh(&mut self) {
        let len = self.buf.len().saturating_sub(1);
        let from = self.pos(self.seg).max(len.saturating_sub(self.w));
        if from >= len {
            return;
        }
        let s = self.summary(from, len);
        self.thr = self.threshold_now();
        let run = self
            .runs
            .last_mut()
            .expect("a run exists once a sample has");
        if run.level.is_nan() && s.n >= 5 {
            run.level = s.level;
        }
        self.cuts = [cutoffs(&s, false), cutoffs(&s, true)];
        self.reference = Some(s);
        self.ref_at = self.n - 1;
    }

    fn change(&mut self, up: bool, ch: Change) {
        let Change { pos, sides } = ch;
        let s = self.buf[pos];
        let run = self.runs.len() - 1;
        if up {
            self.superseded(run, sides.before, s.i);
            let (i, t) = self
                .carried_at(pos, sides.rise())
                .or_else(|| self.under_excursion(pos, sides.after))
                .unwrap_or((s.i, s.t));
            self.undone.clear();
            if !self.joined(run, (i, t), &sides) {
                self.tentative.push(Tentative {
                    i,
                    t,
                    sides,
                    run,
                    below: 0,
                    kept: false,
                    joined: None,
                    seg: self.seg,
                    last_fall: self.last_fall,
                });
            }
        } else {
            let gap = self
                .buf
                .range(pos.saturating_sub(2)..(pos + 3).min(self.buf.len()))
                .any(|x| x.gap);
            // Only after a step that held: a rise that falls back to where
            // the run began before it has held is an excursion (a long
            // burst), which the fall undoes.
            let restart = gap || self.back_at_start(run, sides.after);
            self.last_fall = s.i;
            if restart {
                let mut r = RunState::new(s.i, s.t);
                r.level = sides.after;
                if let Some(k) = self.startup_end(pos, sides.after - sides.thr) {
                    r.trace_from = self.buf[k].i;
                }
                self.runs.push(r);
            }
        }
        self.seg = s.i;
        if up && self.counts {
            // A rise timed under a burst: the new level begins where the
            // burst ends, and the burst is no part of it.
            let above = self.burst_above(sides.after);
            let end = (pos..self.buf.len()).find(|&k| self.buf[k].v <= above);
            if let Some(k) = end {
                self.seg = self.buf[k].i;
            }
        }
        self.burst_from = None;
        self.up = None;
        self.down = None;
        self.refresh();
    }

    #[inline(always)]
    fn settle(&mut self, s: Sample) {
        while self.settled_run + 1 < self.runs.len()
            && self.runs[self.settled_run + 1].start_i <= s.i
        {
            self.settled_run += 1;
        }
        let r = &mut self.runs[self.settled_run];
        r.samples += 1;
        r.end_t = s.t;
        if s.i >= r.trace_from {
            r.trace.drop = self.collection;
            r.trace.push(s.t, s.v);
        }
    }

    /// The steps that have held long enough to be sure: what a live chart
    /// marks.
    pub fn settled_steps(&self) -> &[Step] {
        &self.steps
    }
}
