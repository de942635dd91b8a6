//! The floor of a series (at each sample, the lowest value from then on)
//! and the steps by which it rose, found in one pass over time-sorted
//! samples.
//!
//! # Structure
//!
//! The floor is a suffix minimum, so it is known only at the end; but the
//! samples that can still define it form a monotonic stack: each new sample
//! pops every entry at or above its value (the new sample is later and no
//! higher, so they no longer bound anything from below) and is pushed on
//! top. At the end the stack, bottom to top, is exactly the floor's levels
//! in time order, and each entry above the bottom is one rise of the floor.
//! Each entry carries what the step rule needs about its rise (when the
//! level was reached, the floor before it, the median of the samples before
//! it), captured while those samples were at hand, so no sample is kept.
//!
//! # Memory bound
//!
//! Steady or stepping data keeps the stack small: the steps, plus the
//! O(log n) records of the noise near the end. A rising series would grow
//! it without limit (a smooth leak pushes every sample, a noisy one every
//! new low of its noise), so whenever the stack outgrows its capacity
//! (1024 entries at first) it is folded: an entry is merged into the level
//! below it when it is a rise smaller than half the current threshold (no
//! jump, see [`Floor::steps`]) or belongs to a group of jumps whose hold
//! window has closed and that is clearly no step (it did not hold, or rose
//! less than half the threshold). Only levels a threshold below the lowest
//! of the last `window` samples are folded: above that, the next samples
//! may still pop and reshape them. The capacity then becomes twice what is
//! left, so the stack stays within max(1024, 2 x (steps found + groups
//! still in flux)) entries of 80 bytes, and the work is amortised O(1) per
//! sample. Every jump keeps what it recorded when it was pushed, so folding
//! changes the result only when a later sample dips into a folded range, a
//! hold window ends in one (its creep then reads low), or the noise and
//! climb estimates move after the fold; the report flags folded series as
//! approximate (`steps_exact`).

use super::noise::Median;
use super::{Config, Step};

/// Capacity of the stack before the first fold.
const MIN_CAP: usize = 1024;

/// One level of the floor and the rise that reached it.
#[derive(Clone, Copy, Debug)]
struct Level {
    level: f64,
    /// The floor just before this level was reached (NaN for the bottom).
    before: f64,
    /// Median of the `window` samples before the rise, and the time
    /// halfway through them.
    pre: f64,
    pre_t: f64,
    /// The first sample at this floor level.
    reached_t: f64,
    reached_i: u64,
    /// The last sample at this floor level (the record that defines it).
    pos_t: f64,
    pos_i: u64,
    /// The sample after `pos` and the median of the window ending at `pos`:
    /// the rise to a level pushed on top of this one happens there.
    next_t: f64,
    next_i: u64,
    next_pre: f64,
    next_pre_t: f64,
}

impl Level {
    fn own_rise(&self) -> f64 {
        self.level - self.before
    }
}

#[derive(Clone, Debug)]
pub struct Floor {
    stack: Vec<Level>,
    cap: usize,
    /// The last `window` values, oldest first from `ring_at`, and the same
    /// values kept sorted so the median is one index away.
    ring: Vec<f64>,
    ring_t: Vec<f64>,
    ring_at: usize,
    sorted: Vec<f64>,
    window: usize,
    n: u64,
    first_t: f64,
    last_t: f64,
    /// The previous real sample, for the differences.
    prev: Option<(f64, f64)>,
    /// Absolute differences of successive samples, and their rates.
    noise: Median,
    rates: Median,
    min_rise: f64,
    noise_factor: f64,
    hold_samples: u64,
    hold_secs: f64,
    /// Rises folded away to bound memory.
    folded: u64,
}

impl Floor {
    pub fn new(cfg: &Config) -> Floor {
        Floor {
            stack: Vec::new(),
            cap: MIN_CAP,
            ring: Vec::new(),
            ring_t: Vec::new(),
            ring_at: 0,
            sorted: Vec::new(),
            window: cfg.window.max(1),
            n: 0,
            first_t: f64::NAN,
            last_t: f64::NAN,
            prev: None,
            noise: Median::default(),
            rates: Median::default(),
            min_rise: cfg.min_rise,
            noise_factor: cfg.noise_factor,
            hold_samples: cfg.min_hold_samples,
            hold_secs: cfg.min_hold_secs,
            folded: 0,
        }
    }

    pub fn noise(&self) -> f64 {
        self.noise.median()
    }

    /// The series' typical climb per second: the median rate of change
    /// between successive samples if positive, else 0. Unlike the
    /// least-squares slope, steps and spikes do not move it.
    pub fn climb(&self) -> f64 {
        self.rates.median().max(0.0)
    }

    /// Adds another floor's noise and rate counts (the out-of-order samples
    /// replayed at the end).
    pub fn merge_medians(&mut self, other: &Floor) {
        self.noise.merge(&other.noise);
        self.rates.merge(&other.rates);
    }

    /// The rise a group of floor rises must reach to be a step:
    /// `max(min_rise, noise_factor * noise)`.
    pub fn threshold(&self) -> f64 {
        let t = self.noise_factor * self.noise();
        if t.is_finite() {
            self.min_rise.max(t)
        } else {
            self.min_rise
        }
    }

    /// Rises folded away to bound memory (0: the steps are exact).
    pub fn folded(&self) -> u64 {
        self.folded
    }

    /// Entries held now: the memory in use, for tests and benchmarks.
    pub fn stack_len(&self) -> usize {
        self.stack.len()
    }

    /// A gap in the data: the next difference would span it, so it does not
    /// count towards the noise.
    pub fn gap(&mut self) {
        self.prev = None;
    }

    /// The next sample, in time order. `real` is false for the stand-ins
    /// that replay an earlier floor (their differences are not noise).
    pub fn push(&mut self, t: f64, v: f64, real: bool) {
        let i = self.n;
        self.n += 1;
        if i == 0 {
            self.first_t = t;
        }
        let prev_t = self.last_t;
        self.last_t = t;
        if real {
            if let Some((pt, pv)) = self.prev {
                self.noise.add((v - pv).abs());
                if t > pt {
                    self.rates.add((v - pv) / (t - pt));
                }
            }
            self.prev = Some((t, v));
        } else {
            self.prev = None;
        }
        // The top entry is always the previous sample.
        let (mut pre, mut pre_t) = (f64::NAN, f64::NAN);
        if self.stack.last().is_some_and(|top| v > top.level) {
            pre = self.window_median();
            // ring_at is the oldest once the ring is full, 0 before.
            pre_t = (self.ring_t[self.ring_at] + prev_t) / 2.0;
        }
        if let Some(top) = self.stack.last_mut() {
            top.next_t = t;
            top.next_i = i;
            top.next_pre = pre;
            top.next_pre_t = pre_t;
        }
        while self.stack.last().is_some_and(|top| top.level >= v) {
            self.stack.pop();
        }
        let entry = match self.stack.last() {
            Some(below) => Level {
                level: v,
                before: below.level,
                pre: below.next_pre,
                pre_t: below.next_pre_t,
                reached_t: below.next_t,
                reached_i: below.next_i,
                pos_t: t,
                pos_i: i,
                next_t: f64::NAN,
                next_i: 0,
                next_pre: f64::NAN,
                next_pre_t: f64::NAN,
            },
            // A new lowest value: the floor sits at it from the very start.
            None => Level {
                level: v,
                before: f64::NAN,
                pre: f64::NAN,
                pre_t: f64::NAN,
                reached_t: self.first_t,
                reached_i: 0,
                pos_t: t,
                pos_i: i,
                next_t: f64::NAN,
                next_i: 0,
                next_pre: f64::NAN,
                next_pre_t: f64::NAN,
            },
        };
        self.stack.push(entry);
        // Positions in the sorted window are found by counting (a loop the
        // compiler vectorises; a binary search's dependent loads cost more
        // at these sizes) and the values between old and new slot shift by
        // one.
        let below = |s: &[f64], x: f64| s.iter().filter(|&&y| y < x).count();
        if self.ring.len() < self.window {
            self.ring.push(v);
            self.ring_t.push(t);
            let at = below(&self.sorted, v);
            self.sorted.insert(at, v);
        } else {
            let old = std::mem::replace(&mut self.ring[self.ring_at], v);
            self.ring_t[self.ring_at] = t;
            self.ring_at += 1;
            if self.ring_at == self.window {
                self.ring_at = 0;
            }
            let r = below(&self.sorted, old);
            let p = below(&self.sorted, v);
            if p <= r {
                self.sorted.copy_within(p..r, p + 1);
                self.sorted[p] = v;
            } else {
                self.sorted.copy_within(r + 1..p, r);
                self.sorted[p - 1] = v;
            }
        }
        if self.stack.len() > self.cap {
            self.fold();
        }
    }

    fn window_median(&self) -> f64 {
        match self.sorted.len() {
            0 => f64::NAN,
            n => self.sorted[(n - 1) / 2],
        }
    }

    /// Folds the rises below half the threshold into the level below them
    /// (see the module documentation). The bottom and the top (the latest
    /// sample, which the next push needs) stay.
    fn fold(&mut self) {
        let threshold = self.threshold();
        let cut = threshold / 2.0;
        let len = self.stack.len();
        // The top of the stack is still in flux: the next samples, near the
        // lowest of the recent ones, will pop what lies above them. Only
        // levels a threshold below that are folded.
        let settled = self
            .sorted
            .first()
            .map_or(f64::NEG_INFINITY, |low| low - threshold);
        let mut drop = vec![false; len];
        if cut > 0.0 {
            for (r, d) in drop.iter_mut().enumerate().take(len - 1).skip(1) {
                let e = &self.stack[r];
                *d = e.own_rise() < cut && e.level < settled;
            }
        }
        // Groups of jumps whose hold window has closed and that are clearly
        // no step (they did not hold, or rose less than half the threshold)
        // go too: a noisy climb would otherwise keep one entry per jump.
        for g in self.groups() {
            let closed = g.end.is_some_and(|m| self.stack[m].level < settled);
            if closed && !(g.held && g.rise > 0.0 && g.rise >= cut) {
                for d in &mut drop[g.first..=g.last] {
                    *d = true;
                }
            }
        }
        drop[0] = false;
        drop[len - 1] = false;
        let mut w = 1;
        for (r, &gone) in drop.iter().enumerate().skip(1) {
            let e = self.stack[r];
            if gone {
                let below = &mut self.stack[w - 1];
                below.pos_t = e.pos_t;
                below.pos_i = e.pos_i;
                below.next_t = e.next_t;
                below.next_i = e.next_i;
                below.next_pre = e.next_pre;
                below.next_pre_t = e.next_pre_t;
                self.folded += 1;
            } else {
                self.stack[w] = e;
                w += 1;
            }
        }
        self.stack.truncate(w);
        self.cap = MIN_CAP.max(2 * self.stack.len());
    }

    /// Stand-in samples that reproduce this floor: each level at the first
    /// and the last sample it covers. Used to merge out-of-order samples in
    /// at the end.
    pub fn replay_points(&self) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(self.stack.len() * 2);
        for e in &self.stack {
            out.push((e.reached_t, e.level));
            if e.pos_t != e.reached_t {
                out.push((e.pos_t, e.level));
            }
        }
        out
    }

    /// The steps, by the rule documented in the [`report`](super) module.
    pub fn steps(&self) -> Vec<Step> {
        let threshold = self.threshold();
        self.groups()
            .into_iter()
            .filter(|g| g.held && g.rise > 0.0 && g.rise >= threshold)
            .map(|g| {
                let (first, best) = (&self.stack[g.first], &self.stack[g.best]);
                Step {
                    time: best.reached_t,
                    before: first.before,
                    after: self.stack[g.last].level,
                    rise: self.stack[g.last].level - first.before,
                    held_secs: self.last_t - best.reached_t,
                    held_samples: self.n - 1 - best.reached_i,
                }
            })
            .collect()
    }

    /// The groups of jumps, judged with the threshold and climb as they
    /// stand.
    fn groups(&self) -> Vec<Group> {
        let threshold = self.threshold();
        let climb = self.climb();
        let s = &self.stack;
        let jumps: Vec<usize> = (1..s.len())
            .filter(|&k| s[k].own_rise() >= threshold / 2.0)
            .collect();
        // The entry holding the sample that ends jump k's hold window (the
        // regions of the entries partition the samples in order), or None
        // when the data ends first.
        let hold_end = |k: usize| {
            let (end_i, end_t) = (
                s[k].reached_i.saturating_add(self.hold_samples),
                s[k].reached_t + self.hold_secs,
            );
            let by_count = s.partition_point(|e| e.pos_i < end_i);
            let by_time = s.partition_point(|e| e.pos_t < end_t);
            Some(by_count.max(by_time)).filter(|&m| m < s.len())
        };
        let mut out = Vec::new();
        let mut j = 0;
        while j < jumps.len() {
            let g0 = j;
            let end = loop {
                let end = hold_end(jumps[j]);
                let next_within = jumps
                    .get(j + 1)
                    .is_some_and(|&next| end.is_none_or(|m| next <= m));
                if !next_within {
                    break end;
                }
                j += 1;
            };
            let (first, last) = (jumps[g0], jumps[j]);
            j += 1;
            // Creep beyond the series' climb within the window breaks the
            // hold.
            let held = end.is_some_and(|m| {
                let creep = s[m].level - s[last].level;
                creep - climb * (s[m].reached_t.max(s[last].reached_t) - s[last].reached_t)
                    <= threshold / 2.0
            });
            let mut best = first;
            for &k in &jumps[g0..j] {
                if s[k].own_rise() >= s[best].own_rise() {
                    best = k;
                }
            }
            // The level it rose from: the floor just before, or the median
            // of the samples before carried forward along the climb, if
            // higher; less what the climb adds over the group's own span.
            let f = &s[first];
            let pre = f.pre + climb * (f.reached_t - f.pre_t);
            let base = if pre > f.before { pre } else { f.before };
            let drift = climb * (s[last].reached_t - f.reached_t);
            out.push(Group {
                first,
                last,
                best,
                end,
                held,
                rise: s[last].level - base - drift,
            });
        }
        out
    }
}

/// A group of jumps of the floor (stack indices) and how it is judged.
struct Group {
    first: usize,
    last: usize,
    /// The biggest jump, whose time the step takes.
    best: usize,
    /// The entry where the last jump's hold window ends, if the data
    /// reaches it.
    end: Option<usize>,
    held: bool,
    /// How far the new level is above the level it rose from, beyond the
    /// climb.
    rise: f64,
}

/// The lower median (rank (n - 1) / 2) of a non-empty slice; NaN if empty.
pub fn lower_median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = (v.len() - 1) / 2;
    *v.select_nth_unstable_by(mid, f64::total_cmp).1
}
