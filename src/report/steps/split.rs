//! Where a rise or a fall is timed: the split between two levels with the
//! least absolute deviation, the likeliest split of counts under the
//! noise's own law read from the data (bursts over it, and leaks carried by
//! a burst), and where the floor of counts rises again after a split (see
//! the parent module).

use super::{Tracker, EXACT_AFTER};
use crate::report::levels::is_integer;

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

impl Tracker {
    /// The split between medians `a` (before) and `b` (after) in `lo..len`
    /// with the least absolute deviation, searched over `p_lo..=p_hi`;
    /// ties: the middle one. For gaussian noise this is close to the
    /// likeliest split; for uniform noise it ties exactly where the
    /// likelihood does.
    pub(super) fn best_split(
        &mut self,
        span: (usize, usize),
        range: (usize, usize),
        a: f64,
        b: f64,
    ) -> usize {
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
    pub(super) fn likeliest_split(
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
    pub(super) fn next_rise(&mut self, p: usize, len: usize) -> Option<usize> {
        let wait = self.wait_after() as usize;
        let (p_lo, p_hi) = (p + wait, len.checked_sub(wait)?);
        if p_lo > p_hi {
            return None;
        }
        let (a, b) = (self.level(p, p_lo), self.level(p_hi, len));
        (b > a).then(|| self.best_split((p, len), (p_lo, p_hi), a, b))
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
