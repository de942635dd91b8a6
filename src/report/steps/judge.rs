//! How the step finder examines a candidate change: the best split between
//! the two levels, the local climb either side, the threshold, and the
//! tests that confirm it or put it off (see the parent module).

use super::{
    ln_p, Change, Outcome, Sides, Tracker, BLOCK, CLIMB_DOUBT, EXACT_AFTER, FALL_HOLD, LN_ALPHA,
    STARTUP,
};
use crate::report::levels::{cutoffs, is_integer, lower_median};

/// How much more (in log-likelihood) a split next to the likeliest may cost
/// and still tie with it: the noise law is read from a few dozen samples,
/// and a distance seen 20 times is known only to about a fifth, which a
/// handful of samples that either level explains turns into about a unit.
const NEAR_TIE: f64 = 1.0;
/// The longest span of tied splits over a burst whose middle is within
/// two samples of either end: it serves for both.
const SHORT_BURST: usize = 4;
/// Samples of a burst either side of where it rose with a leak: fewer
/// would let one busy connection more at its end pass for one.
const CARRY: usize = 2;

/// The least of `totals` (infinity if empty), as a fold of [`f64::min`]
/// over them gives it, NaNs passed over: four running minima at once, as
/// one waits on its comparison's latency at every value. Any order gives
/// the same least value: a total is never -0.0 (the sums start from +0.0,
/// and only -0.0 added to -0.0 makes it), so no two are equal but for
/// their bits.
fn least(totals: &[f64]) -> f64 {
    let mut m = [f64::INFINITY; 4];
    let mut quads = totals.chunks_exact(4);
    for q in &mut quads {
        for k in 0..4 {
            m[k] = m[k].min(q[k]);
        }
    }
    let rest = quads.remainder().iter().copied().fold(m[0], f64::min);
    rest.min(m[1]).min(m[2].min(m[3]))
}

/// Distances from a floor whose counts make a noise law: `SPAN` either side.
const SPAN: i64 = 64;
const LAW: usize = 2 * SPAN as usize + 1;

/// `x` made to fall (never rise) from first to last, as close as can be in
/// least squares: runs that rise are pooled into their mean
/// (pool-adjacent-violators). The sum is kept, to rounding. At most
/// [`LAW`] values: a law's.
fn make_falling(x: &mut [f64]) {
    debug_assert!(x.len() <= LAW);
    // The pooled runs so far: their means in x[..n] (each run starts at
    // or after its own number, so a mean is written only where the values
    // were read already), their lengths apart.
    let mut lens = [0u8; LAW];
    let mut n = 0;
    for i in 0..x.len() {
        let (mut m, mut len) = (x[i], 1u8);
        while n > 0 && x[n - 1] < m {
            n -= 1;
            let (a, b) = (f64::from(lens[n]), f64::from(len));
            m = (x[n] * a + m * b) / (a + b);
            len += lens[n];
        }
        x[n] = m;
        lens[n] = len;
        n += 1;
    }
    // Spread from the last run back: run k starts at or after k, where
    // the means still to read lie.
    let mut end = x.len();
    for k in (0..n).rev() {
        let start = end - usize::from(lens[k]);
        let m = x[k];
        x[start..end].fill(m);
        end = start;
    }
}

/// The slopes between every two blocks (time, level) in order, but those
/// `apart(j, j2)` (levels either side of a rise found already).
fn pair_slopes(blocks: &[(f64, f64)], apart: impl Fn(usize, usize) -> bool) -> Vec<f64> {
    let mut slopes = Vec::new();
    for (j, &(t1, l1)) in blocks.iter().enumerate() {
        for (j2, &(t2, l2)) in blocks.iter().enumerate().skip(j + 1) {
            if t2 > t1 && !apart(j, j2) {
                slopes.push((l2 - l1) / (t2 - t1));
            }
        }
    }
    slopes
}

/// What [`Tracker::climb_around`] reads around a split.
#[derive(Default)]
struct Climb {
    /// The climb per second across the split.
    local: f64,
    /// Each side's own climb per second.
    within: [f64; 2],
    /// A fall back after the split below its midpoint: the rise did not
    /// hold.
    broken: bool,
    /// A fall back from the split's first block that stayed above the
    /// midpoint: the time of the block it fell to, and the cut between the
    /// two blocks' levels.
    fell: Option<(f64, f64)>,
    /// A burst before the split that fell back only at it: the cut
    /// between its level and the new one.
    ended: Option<f64>,
}

impl Tracker {
    /// The levels and mean times of blocks of [`BLOCK`] samples covering
    /// positions `from..to` (the last block takes the remainder), levels
    /// as [`Summary::low_mean`].
    fn blocks(&mut self, from: usize, to: usize, out: &mut Vec<(f64, f64)>) {
        // A side too short for two blocks gets two halves, down to 4
        // samples each: a climb into a rise shows even so.
        let span = to - from;
        let size = if span >= 2 * BLOCK {
            BLOCK
        } else {
            (span / 2).max(4)
        };
        let n = span / size;
        for k in 0..n {
            let a = from + k * size;
            let b = if k + 1 == n { to } else { a + size };
            let l = self.summary(a, b).low_mean;
            let t = self.mean_t(a, b);
            out.push((t, l));
        }
    }

    /// The buffer positions of this run's rises found after position
    /// `from`, in order.
    fn steps_after(&self, from: usize) -> Vec<usize> {
        let (run, after) = (self.runs.len() - 1, self.buf[from].i);
        let held = self.steps.iter().rev().map(|s| (s.run, s.index));
        let tentative = self.tentative.iter().rev().map(|s| (s.run, s.i));
        // Both lists are in order: only their ends can be as late.
        let mut found: Vec<usize> = tentative
            .take_while(|&(r, i)| r == run && i > after)
            .chain(held.take_while(|&(r, i)| r == run && i > after))
            .map(|(_, i)| self.pos(i))
            .collect();
        found.reverse();
        found
    }

    /// The local climb per second around a split at `p`: the median of the
    /// slopes between block levels on the same side of it (Theil-Sen), so
    /// that neither the rise itself nor a spike moves it; and the same on
    /// each side alone, times that side's span: how much each side rises
    /// within itself. `mid` is the rise's midpoint: a fall back after the
    /// split below it means the rise did not hold.
    fn climb_around(
        &mut self,
        ext: usize,
        p: usize,
        len: usize,
        noise: f64,
        up: bool,
        mid: f64,
    ) -> Option<Climb> {
        let mut sides = [Vec::new(), Vec::new()];
        // Before a rise, each level between the rises found already is read
        // on its own (its blocks then start at the first sample found, the
        // block of each that starts a level is listed): a staircase of
        // leaks a few dozen samples apart is its steps, which must not pass
        // for a climb the next one is judged beyond, and what each level
        // climbs within itself still counts.
        let mut levels = Vec::new();
        let mut from = ext;
        if up && ext < p {
            for at in self.steps_after(ext).into_iter().filter(|&at| at < p) {
                self.blocks(from, at, &mut sides[0]);
                levels.push(sides[0].len());
                from = at;
            }
        }
        self.blocks(from, p, &mut sides[0]);
        self.blocks(p, len, &mut sides[1]);
        // A jump the other way between blocks (a heap collected, a burst
        // ended) breaks a side: before the split only what follows the last
        // one counts, after it only what precedes the first; and one after
        // the split means the new level has not held.
        let back = 4.0 * self.kappa * noise;
        let against = |a: f64, b: f64| if up { b < a - back } else { b > a + back };
        // An excursion (a burst before a fall, a dip before a rise) that
        // came back before the split leaves what follows its return.
        let along = |a: f64, b: f64| against(b, a);
        if let Some(j) = (1..sides[0].len())
            .rev()
            .find(|&j| against(sides[0][j - 1].1, sides[0][j].1))
        {
            let j = (j + 1..sides[0].len())
                .find(|&k| along(sides[0][k - 1].1, sides[0][k].1))
                .unwrap_or(j);
            sides[0].drain(..j);
            levels.retain_mut(|b| {
                *b = b.saturating_sub(j);
                *b > 0
            });
        }
        // The first fall back after the split (a burst's end, a collection).
        let back_at = (1..sides[1].len()).find(|&j| against(sides[1][j - 1].1, sides[1][j].1));
        // Nor is a burst that falls back only at the split (to the new
        // level, below it), or only after its first block (a burst the
        // split cut in two).
        let mut ended = None;
        let after = match back_at {
            Some(1) => sides[1].get(1),
            _ => sides[1].first(),
        };
        if let Some(&(_, after)) = after {
            while sides[0].len() > 1 && sides[0].last().is_some_and(|&(_, l)| against(l, after)) {
                ended = sides[0].pop().map(|(_, l)| (l + after) / 2.0);
            }
        }
        let (mut broken, mut fell) = (false, None);
        if let Some(j) = back_at {
            let ((_, a), (t, b)) = (sides[1][j - 1], sides[1][j]);
            broken = if up { b < mid } else { b > mid };
            // (Only a burst that starts at the split drew it there.)
            fell = (!broken && j == 1).then_some((t, (a + b) / 2.0));
            sides[1].truncate(j);
        }
        // A climb counts when it rises more than the noise over the blocks
        // it was read from; less could be the noise itself.
        let beyond_noise = |m: f64, span: f64| (m * span).abs() > noise;
        let mut all = Vec::new();
        let mut within = [0.0; 2];
        for (k, side) in sides.iter().enumerate() {
            let mut slopes = pair_slopes(side, |j, j2| {
                k == 0 && levels.iter().any(|&b| j < b && b <= j2)
            });
            if let (Some(first), Some(last)) = (side.first(), side.last()) {
                if !slopes.is_empty() {
                    all.extend_from_slice(&slopes);
                    let m = lower_median(&mut slopes);
                    // Of three blocks, one (a dip, a process's first counts)
                    // is the median's outer pair: a climb must pass through
                    // the middle one.
                    let through =
                        side.len() != 3 || side.windows(2).all(|w| (w[1].1 - w[0].1) * m > 0.0);
                    // Before a rise, across rises found already, the level
                    // just before it must climb by more than the noise on
                    // its own (one of them may be two leaks, or hold a
                    // leak not yet found, and pass for a climb pooled
                    // with the others).
                    let own = match levels.iter().max() {
                        Some(&b) if k == 0 => {
                            let level = &side[b.min(side.len())..];
                            let mut own = pair_slopes(level, |_, _| false);
                            match (level.first(), level.last()) {
                                (Some(a), Some(z)) if !own.is_empty() => {
                                    beyond_noise(lower_median(&mut own), z.0 - a.0)
                                }
                                _ => false,
                            }
                        }
                        _ => true,
                    };
                    // In a staircase (rises found already before the
                    // split), two blocks are one difference: as likely the
                    // noise of one block as a climb.
                    let read = side.len() >= 3 || levels.is_empty();
                    if read && through && own && beyond_noise(m, last.0 - first.0) {
                        within[k] = m;
                    }
                }
            }
        }
        let span = match (
            sides[0].first().or(sides[1].first()),
            sides[1].last().or(sides[0].last()),
        ) {
            (Some(a), Some(b)) => b.0 - a.0,
            _ => 0.0,
        };
        (!all.is_empty() || broken).then(|| {
            let local = if all.is_empty() {
                0.0
            } else {
                lower_median(&mut all)
            };
            let local = if beyond_noise(local, span) {
                local
            } else {
                0.0
            };
            Climb {
                local,
                within,
                broken,
                fell,
                ended,
            }
        })
    }

    /// The split between medians `a` (before) and `b` (after) in `lo..len`
    /// with the least absolute deviation, searched over `p_lo..=p_hi`;
    /// ties: the middle one. For gaussian noise this is close to the
    /// likeliest split; for uniform noise it ties exactly where the
    /// likelihood does.
    fn best_split(&mut self, span: (usize, usize), range: (usize, usize), a: f64, b: f64) -> usize {
        self.split_by(span, range, 0.0, |x| (x - b).abs() - (x - a).abs())
            .0
    }

    /// The split in `lo..len` that minimises the sum of `cost(x)` (what a
    /// sample costs after the split less what it costs before) over the
    /// samples after it, searched over `p_lo..=p_hi`; ties: the middle one.
    /// Splits next to it that cost at most `near` more tie with it too:
    /// a cost read from the data is known only so closely. Also the first
    /// and the last of the tied splits.
    fn split_by(
        &mut self,
        (lo, len): (usize, usize),
        (p_lo, p_hi): (usize, usize),
        near: f64,
        cost: impl Fn(f64) -> f64,
    ) -> (usize, (usize, usize)) {
        let (from, to) = (p_lo.max(lo).min(len), p_hi.min(len.saturating_sub(1)));
        // The total cost of each split in from..=to, in position order.
        let totals = &mut self.scratch;
        totals.clear();
        // The samples before `from` add to no split searched; those after
        // `to` to every one, and are none.
        let mut d = 0.0;
        let mut after = self.buf.range(from..len).rev();
        for s in after.by_ref().take(len.saturating_sub(to + 1)) {
            d += cost(s.v);
        }
        totals.extend(after.map(|s| {
            d += cost(s.v);
            d
        }));
        if totals.is_empty() {
            return (p_hi, (p_hi, p_hi));
        }
        totals.reverse();
        let best = least(totals);
        let eps = 1e-9 * (1.0 + best.abs());
        let tied = |x: f64| (x - best).abs() <= eps;
        // The middle of the exact ties, counted from the left as the
        // likeliest split is taken among ties.
        let n_ties = totals.iter().filter(|&&x| tied(x)).count();
        let k = (0..totals.len())
            .filter(|&j| tied(totals[j]))
            .nth(n_ties / 2)
            .unwrap_or(0);
        let (mut left, mut right) = (0, 0);
        if near > 0.0 {
            let close = |x: f64| x <= best + near + eps;
            left = (0..k).rev().take_while(|&j| close(totals[j])).count();
            right = (k + 1..totals.len())
                .take_while(|&j| close(totals[j]))
                .count();
        }
        let first = from + k - left;
        (first + (left + right) / 2, (first, from + k + right))
    }

    /// For counts (integer values a few apart): the likeliest split
    /// between floors `a` (before `p`) and `b` (from `late` on), with the
    /// law of the noise read from the data itself: how often each distance
    /// above (or below) its floor occurs in the two windows. It is what the
    /// median split cannot see in a pool's noise, which only rises from its
    /// floor: a sample below the new floor is near impossible after the
    /// rise, one at the new floor is likelier after than before, and a
    /// burst far above both says nothing. None when the values are not
    /// such counts.
    fn likeliest_split(
        &mut self,
        (lo, len): (usize, usize),
        range: (usize, usize),
        (p, late): (usize, usize),
        a: f64,
        b: f64,
    ) -> Option<usize> {
        if !is_integer(a) || !is_integer(b) || (b - a).abs() > SPAN as f64 {
            return None;
        }
        let mut counts = [0u32; LAW];
        let sides = [(lo, p, a), (late, len, b)];
        let mut total = 0u32;
        // The nearest and farthest distances seen.
        let (mut first, mut last) = (LAW, 0);
        for &(from, to, level) in &sides {
            for s in self.buf.range(from..to) {
                let r = s.v - level;
                if !is_integer(r) {
                    return None;
                }
                // A dip or a burst beyond the span counts as out of range.
                if r.abs() <= SPAN as f64 {
                    let k = (r as i64 + SPAN) as usize;
                    counts[k] += 1;
                    (first, last) = (first.min(k), last.max(k));
                }
                total += 1;
            }
        }
        if first > last {
            (first, last) = (SPAN as usize, SPAN as usize);
        }
        // Above the commonest distance, a pool's noise only grows rarer
        // (more busy connections at once); the few samples of a burst,
        // seen in one window and not in the other, would tell the floors
        // apart where nothing does. So the counts above it are made to
        // fall (pooled where they rise: the least-squares fit that does).
        // (Only the distances seen are read: the zeros beyond the farthest
        // fall already.)
        let mode = (first..=last)
            .rev()
            .max_by_key(|&k| counts[k])
            .unwrap_or(first);
        let mut law = [0.0; LAW];
        for k in first..=last {
            law[k] = f64::from(counts[k]);
        }
        make_falling(&mut law[mode..=last]);
        // A distance seen gets half a sample more; one never seen a tenth
        // of one: unlikely, not impossible, and less likely than two
        // samples at a distance seen a few times (one sample below a quiet
        // pool's new floor is rarer than two one-connection bursts on the
        // old floor).
        let (prior, never) = (0.5f64, 0.1f64);
        let seen = law[first..=last].iter().filter(|&&c| c > 0.0).count() as f64;
        let pseudo = prior * seen + never * (LAW as f64 - seen);
        let norm = (f64::from(total) + pseudo).ln();
        // Each distance's cost once (a logarithm per distance seen, not
        // per sample).
        let unseen = norm - never.ln();
        let mut costs = [unseen; LAW];
        for (cost, &c) in costs[first..=last]
            .iter_mut()
            .zip(&law[first..=last])
            .filter(|&(_, &c)| c > 0.0)
        {
            *cost = norm - (c + prior).ln();
        }
        let cost = |x: f64, level: f64| {
            let r = x - level;
            if is_integer(r) && r.abs() <= SPAN as f64 {
                costs[(r as i64 + SPAN) as usize]
            } else {
                unseen
            }
        };
        // A sample far above both floors is no evidence for either: its
        // distance from each is in a tail that a few bursts have drawn.
        // Far is where the step finder sees a burst begin, once enough
        // differences tell the noise, and beyond every distance a tenth of
        // the samples show (noise 0..1 read as quieter than it is).
        let common = (SPAN as usize..=last.max(SPAN as usize))
            .rev()
            .find(|&k| 10 * counts[k] >= total)
            .map_or(0, |k| k - SPAN as usize);
        let far = if self.diffs >= EXACT_AFTER {
            self.burst_above(b).max(b + common as f64)
        } else {
            f64::INFINITY
        };
        let (q, (first, last)) = self.split_by((lo, len), range, NEAR_TIE, |x| {
            if x > far {
                0.0
            } else {
                cost(x, b) - cost(x, a)
            }
        });
        // Tied over a burst above both floors, or right after one: a
        // burst's height holds while it lasts (a batch job's connections),
        // so where it went up by the rise and stayed up until it ended, the
        // floor rose under it. Else the data cannot tell where under it the
        // floor rose: after a short burst the middle is near both ends;
        // after a longer one the first sample at the new floor, the one
        // after the burst, is taken; under one longer than a noisy level
        // of counts holds before it is judged, a level could have begun
        // anywhere beneath it, and its middle is within half of it.
        // (Whole: an undone excursion may have taken samples out of it.)
        let whole = |from: usize, to: usize| {
            to < len && self.buf[to].i - self.buf[from].i == (to - from) as u64
        };
        let tied = last > first
            && whole(first, last)
            && self.buf[last].v <= b
            && self.buf.range(first..last).all(|s| s.v > b);
        let (first, last) = if tied {
            (first, last)
        } else {
            let above = self.buf.range(lo..q).rev().take_while(|s| s.v > b).count();
            (q - above, q)
        };
        if !tied && (last - first <= SHORT_BURST || !whole(first, last)) {
            return Some(q);
        }
        let v = |k: usize| self.buf[k].v;
        let d = b - a;
        let mut carried = (first + CARRY..=last.saturating_sub(CARRY)).filter(|&s| {
            // (The jump first: the burst's extremes are read only there.)
            v(s) - v(s - 1) == d && {
                let before = (first..s).map(v).fold(f64::NEG_INFINITY, f64::max);
                let after = (s..last).map(v).fold(f64::INFINITY, f64::min);
                after >= before + d
            }
        });
        Some(match (carried.next(), carried.next()) {
            (Some(s), None) => s,
            (None, _) if self.hides_a_level((last - first) as u64) => (first + last) / 2,
            (None, _) if last - first > SHORT_BURST => last,
            _ => q,
        })
    }

    /// Where the floor of counts rises again after a rise at `p`, in the
    /// buffer's first `len` samples: the best split between the floors
    /// of what follows `p` and of the last of it, with a noisy level's
    /// wait either side. None when those floors do not differ.
    fn next_rise(&mut self, p: usize, len: usize) -> Option<usize> {
        let wait = self.wait_after() as usize;
        let (p_lo, p_hi) = (p + wait, len.checked_sub(wait)?);
        if p_lo > p_hi {
            return None;
        }
        let (a, b) = (self.level(p, p_lo), self.level(p_hi, len));
        (b > a).then(|| self.best_split((p, len), (p_lo, p_hi), a, b))
    }

    /// Whether the current run has a step, held or tentative.
    fn stepped(&self) -> bool {
        let run = self.runs.len() - 1;
        let tentative = self.tentative.iter().rev().map(|st| st.run);
        let held = self.steps.iter().rev().map(|st| st.run);
        tentative.chain(held).any(|r| r == run)
    }

    /// Examines the candidate that started at `k0`. `last`: the data has
    /// ended, so what is there is all there will be.
    pub(super) fn evaluate(&mut self, up: bool, k0: u64, last: bool) -> Outcome {
        self.evaluate_to(up, k0, last, self.buf.len())
    }

    /// [`evaluate`](Tracker::evaluate) on the buffer's first `len`
    /// samples only.
    pub(super) fn evaluate_to(&mut self, up: bool, k0: u64, last: bool, len: usize) -> Outcome {
        let seg = self.pos(self.seg);
        let k0p = self.pos(k0);
        let exact = self.exact();
        let m = if up { self.m_up } else { FALL_HOLD } as usize;
        if k0p <= seg || len < k0p + 1 || len - seg < m + 1 {
            return Outcome::Reject;
        }
        let mut p = k0p;
        let mut range = (0, 0);
        // Judged up to a later rise (the next step of a staircase), counts'
        // split is searched between the floors alone: medians that a burst
        // pulls up tie with the busy noise and drift to the burst.
        let floors = self.counts && len < self.buf.len();
        for _ in 0..2 {
            let lo = seg.max(p.saturating_sub(self.w));
            let a = self.median(lo, p);
            // The new level from the later part of what follows, which a
            // few noise samples before the rise cannot pull down.
            let b = self.median(p + (len - p) / 2, len);
            let p_lo = seg + 1;
            let Some(p_hi) = (len + 1).checked_sub(m).filter(|&h| h >= p_lo) else {
                return Outcome::NotYet(None);
            };
            range = (p_lo, p_hi);
            if floors {
                break;
            }
            let q = self.best_split((lo, len), range, a, b);
            // From where it ends, the search would find the same again.
            if q == p {
                break;
            }
            p = q;
        }
        // Counts: a rise's split is searched again between the floors with
        // the noise's own law. (Not a fall's: the level after a restart may
        // climb at once, so the later floor is no floor of the first
        // samples after it.)
        let lo = seg.max(p.saturating_sub(self.w));
        let late = p + (len - p) / 2;
        let a = self.level(lo, p);
        let b = self.level(late, len);
        if up && b > a {
            if let Some(q) = self.likeliest_split((lo, len), range, (p, late), a, b) {
                p = q;
            }
        }
        let lo = seg.max(p.saturating_sub(self.w));
        let sb = self.summary(lo, p);
        let sa = self.summary(p, len);
        let na = (len - p) as u64;
        if (na as usize) < m || sb.n == 0 {
            return Outcome::NotYet(Some(p));
        }
        let flat = exact && sb.flat() && sa.flat();
        // Noisy levels need a window's worth of samples either side, to
        // be read and to show whether they climb (at the end of the data,
        // as many after as before will do).
        // A fall, from a level that held, is judged once it has held itself:
        // the next climb may already be under way (a heap after a
        // collection).
        let wanted = if !up {
            m
        } else if last {
            sb.n.min(self.w)
        } else {
            self.wait_after() as usize
        };
        // On a noise-free series the level before a fall may have held
        // only as long as a step of a dense staircase does, and the level
        // after it climb again at once (the leaking process restarted).
        let before_min = if exact && !up {
            self.m_up as usize
        } else {
            STARTUP
        };
        if !flat && (sb.n < before_min || (na as usize) < wanted) {
            return Outcome::NotYet(Some(p));
        }
        let at = [self.mean_t(lo, p), self.mean_t(p, len)];
        let dist = at[1] - at[0];
        // Flat levels of a noise-free series need only rise: the noise
        // there is the staircase itself.
        // Levels read from fewer samples vary more: the threshold grows as
        // the spread of their difference does.
        // Once a run has stepped, its levels may be a staircase's, as short
        // as a noisy level waits for (a window; half of one for counts,
        // whose floors a few samples show); before, a window (a rounded
        // daily cycle's plateaus are that short too).
        let thr = if flat {
            self.min_rise
        } else {
            let w = if self.stepped() {
                self.wait_after()
            } else {
                self.w as u64
            } as f64;
            let scale = ((w / (sb.n as f64).min(w) + w / (na as f64).min(w)) / 2.0).sqrt();
            self.threshold_now() * scale
        };
        // The levels themselves must have moved, too.
        let moved = if up {
            sa.level > sb.level
        } else {
            sa.level < sb.level
        };
        // The climb only takes from the rise (c has the rise's sign and the
        // samples are in time order): a rise too small without it is too
        // small with it, and is not confirmed whatever the climb and the
        // tests below say.
        let d_max = if up {
            sa.low_mean - sb.low_mean
        } else {
            sb.low_mean - sa.low_mean
        };
        let too_small = if na >= self.w as u64 {
            Outcome::Reject
        } else {
            Outcome::NotYet(Some(p))
        };
        if dist >= 0.0 && !(moved && d_max >= thr && d_max > 0.0 && d_max >= self.min_rise) {
            return too_small;
        }
        // The climb the rise is judged beyond: what both sides climb
        // (over up to two windows before, whatever segments they span), or
        // what either side climbs within itself, whichever is more: a level
        // that keeps climbing after the split, or was climbing into it, is
        // a curve, not a step.
        let mut undone_inside = false;
        // The new side climbs within itself more than anything else.
        let mut climbs_after = false;
        // A burst after the split that fell back, but not below the
        // midpoint: the level rose somewhere under it (the block it fell
        // to starts about then, and the fall crosses the cut).
        let mut burst_after = None;
        // A burst that ended at the split: its samples tell nothing of how
        // likely the old level's side is after it.
        let mut burst_before = None;
        let c = if flat {
            0.0
        } else {
            let mut ext = self.pos(self.last_fall).max(p.saturating_sub(2 * self.w));
            // A run's first counts below the level it then holds (a
            // process still opening its pool: 0, then 3) are no climb into
            // its first rise; more than a level needs to be read are one.
            if up && self.buf[ext].i == self.runs[self.runs.len() - 1].start_i {
                if let Some(k) = self.startup_end(ext, sb.level - thr).filter(|&k| k < p) {
                    ext = k;
                }
            }
            let noise = self.noise_now();
            let Climb {
                local,
                within,
                broken,
                fell,
                ended,
            } = self
                .climb_around(ext, p, len, noise, up, (sb.low_mean + sa.low_mean) / 2.0)
                .unwrap_or_default();
            undone_inside = broken;
            climbs_after = up && within[1] > 0.0 && within[1] >= local.max(within[0]);
            burst_after = fell;
            burst_before = ended;
            // A run without steps so far climbs as its floor does (a heap's
            // troughs, which blocks of a sawtooth alias); once it has
            // stepped, the floor's climb is the steps'.
            let run = self.runs.len() - 1;
            let trend = if self.stepped() || self.settled_run != run {
                0.0
            } else {
                self.runs[run].trace.slope().map_or(0.0, |(m, _)| m)
            };
            if up {
                local.max(within[0]).max(within[1]).max(trend).max(0.0)
            } else {
                local.min(within[0]).min(within[1]).min(trend).min(0.0)
            }
        };
        let d = if up {
            d_max - c * dist
        } else {
            d_max + c * dist
        };
        if !(moved && d >= thr + CLIMB_DOUBT * (c * dist).abs() && d > 0.0 && d >= self.min_rise) {
            // Counts whose new side climbs may hold the staircase's next
            // step: the level the rise reached is judged up to that one.
            if climbs_after && self.counts && len == self.buf.len() {
                if let Some(q) = self.next_rise(p, len) {
                    if let o @ Outcome::Confirmed(_) = self.evaluate_to(up, k0, last, q) {
                        return o;
                    }
                }
            }
            return too_small;
        }
        // (Its last block may end a few samples before the split.)
        let burst_from = burst_before.filter(|_| up).and_then(|cut| {
            let end = (lo..p).rev().take(BLOCK).find(|&k| self.buf[k].v > cut)?;
            let q = (lo..=end)
                .rev()
                .take_while(|&k| self.buf[k].v > cut)
                .last()?;
            (q >= lo + STARTUP).then_some(q)
        });
        let cuts = match burst_from {
            Some(q) => cutoffs(&self.summary(lo, q), up),
            None => cutoffs(&sb, up),
        };
        let mut counts = [0u64; 3];
        for s in self.buf.range(p..len) {
            for (c, &(x, _)) in counts.iter_mut().zip(&cuts) {
                if (up && s.v <= x) || (!up && s.v >= x) {
                    *c += 1;
                }
            }
        }
        let sig = ln_p(&cuts, &counts, na) < LN_ALPHA || flat;
        let held = self.buf[len - 1].t - self.buf[p].t >= self.hold_secs;
        // Not undone already: the latest samples still on the new side.
        let mid = (sb.low_mean + sa.low_mean) / 2.0;
        let tail = len.saturating_sub(FALL_HOLD as usize).max(p);
        let latest = self.median(tail, len);
        let held = held && !undone_inside && if up { latest >= mid } else { latest <= mid };
        if sig && held {
            // Under a burst the data cannot tell where the floor rose: the
            // step is the first sample after it, the first at the new floor.
            let pos = burst_after.map_or(p, |(t, cut)| {
                let to = self.buf.partition_point(|s| s.t <= t).min(len);
                (p..to)
                    .rev()
                    .find(|&k| self.buf[k].v > cut)
                    .map_or(p, |k| k + 1)
            });
            Outcome::Confirmed(Change {
                pos,
                sides: Sides {
                    before: sb.level,
                    after: sa.level,
                    mid,
                    low: [sb.low_mean, sa.low_mean],
                    at,
                    thr,
                },
            })
        } else {
            Outcome::NotYet(Some(p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::make_falling;

    #[test]
    fn a_law_is_made_to_fall_by_pooling_its_rises() {
        // A pool's counts by distance above its floor, with a burst's
        // samples far out: the gap before them and the burst pool into one
        // mean (8 samples over 6 distances); the rest already fell.
        let mut x = [40.0, 15.0, 4.0, 2.0, 0.0, 0.0, 0.0, 3.0, 3.0, 2.0, 0.0];
        make_falling(&mut x);
        let want = [
            40.0,
            15.0,
            4.0,
            2.0,
            8.0 / 6.0,
            8.0 / 6.0,
            8.0 / 6.0,
            8.0 / 6.0,
            8.0 / 6.0,
            8.0 / 6.0,
            0.0,
        ];
        assert!(
            x.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-12),
            "{x:?}"
        );
        assert!((x.iter().sum::<f64>() - 69.0).abs() < 1e-9);
        // What falls already is left as it is, bit for bit.
        let mut y = [9.0, 3.0, 3.0, 1.0, 0.0];
        make_falling(&mut y);
        assert_eq!(y, [9.0, 3.0, 3.0, 1.0, 0.0]);
    }
}
