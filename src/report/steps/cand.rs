//! A candidate change of level: the samples since it opened counted on
//! the old side of the reference's cut-offs, and how surprising those
//! counts are under "no change" (the binomial tails, told in constant time
//! where that leaves no doubt).

use super::LN_ALPHA;
use crate::report::levels::{
    ln_binom_cdf, ln_binom_cdf_above, ln_binom_cdf_floor, ln_binom_floor_near, Chance, NEAR,
};

/// An open candidate: a rise, or a fall (the caller knows which).
///
/// Its counts, added to at every sample, start a cache line: where they
/// straddled two (as other fields of the tracker moved them), every sample
/// paid a split load and store, 6 ns a point on a steady series.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub(super) struct Cand {
    /// Samples on the old side of each cut-off.
    pub(super) counts: [u64; 3],
    /// The first sample of the candidate.
    pub(super) k: u64,
    pub(super) na: u64,
    /// The cut-offs, each with the chance of a sample on its old side.
    pub(super) cuts: [(f64, f64); 3],
    /// Sample count at which to examine it next.
    pub(super) next: u64,
    /// The cut-offs' chances with their logarithms, once it has been
    /// examined.
    pub(super) chances: Option<[Chance; 3]>,
}

impl Cand {
    pub(super) fn new(k: u64, cuts: [(f64, f64); 3], first: u64) -> Cand {
        Cand {
            k,
            na: 0,
            cuts,
            counts: [0; 3],
            next: first,
            chances: None,
        }
    }

    pub(super) fn add(&mut self, v: f64, up: bool) {
        self.na += 1;
        // Added, not branched on: each comparison is a coin toss.
        let [a, b, c] = self.cuts.map(|(x, _)| x);
        let side = if up {
            [v <= a, v <= b, v <= c]
        } else {
            [v >= a, v >= b, v >= c]
        };
        for (n, s) in self.counts.iter_mut().zip(side) {
            *n += u64::from(s);
        }
    }

    /// Whether its counts are too likely under "no change" to examine it.
    pub(super) fn unsurprising(&mut self) -> bool {
        // A candidate is asked again as it grows, against the same
        // cut-offs: their logarithms are taken once.
        let chances = *self
            .chances
            .get_or_insert_with(|| self.cuts.map(|(_, p)| Chance::new(p)));
        if let Some(answer) = plainly_unsurprising(&chances, &self.counts, self.na) {
            return answer;
        }
        // The tails' lower bounds tell most candidates without the tails'
        // exponentials.
        ln_p_by(&chances, &self.counts, self.na, ln_binom_cdf_floor) > LN_ALPHA
            || ln_p_by(&chances, &self.counts, self.na, ln_binom_cdf) > LN_ALPHA
    }
}

/// What [`Cand::unsurprising`] answers, when the tails' floors computed in
/// constant time (within [`NEAR`]) leave no doubt: every floor well above
/// the bar (then so is the tail it bounds), or one tail's upper bound well
/// below it (then so are that floor and tail). None when one is too close
/// to call, or beyond the table: the sums decide.
fn plainly_unsurprising(chances: &[Chance; 3], counts: &[u64; 3], n: u64) -> Option<bool> {
    let (mut floor, mut tail) = (0.0f64, 0.0f64);
    for (ch, &c) in chances.iter().zip(counts) {
        if passed_over(ch, c, n) {
            continue;
        }
        let near = ln_binom_floor_near(c, n, ch)?;
        floor = floor.min(near);
        tail = tail.min(ln_binom_cdf_above(near, c));
    }
    // `ln_p_by` adds ln 3 to the least tail; the margins dwarf its rounding.
    let bar = LN_ALPHA - 3f64.ln();
    if floor > bar + 2.0 * NEAR {
        Some(true)
    } else if tail < bar - 2.0 * NEAR {
        Some(false)
    } else {
        None
    }
}

pub(super) fn ln_p(cuts: &[(f64, f64); 3], counts: &[u64; 3], n: u64) -> f64 {
    ln_p_by(&cuts.map(|(_, p)| Chance::new(p)), counts, n, ln_binom_cdf)
}

/// [`ln_p`] with the binomial tail `tail` (a lower bound of it gives one
/// of `ln_p`).
fn ln_p_by(
    chances: &[Chance; 3],
    counts: &[u64; 3],
    n: u64,
    tail: impl Fn(u64, u64, &Chance) -> f64,
) -> f64 {
    let mut best = 0.0f64;
    for (ch, &c) in chances.iter().zip(counts) {
        if passed_over(ch, c, n) {
            continue;
        }
        best = best.min(tail(c, n, ch));
    }
    best + 3f64.ln()
}

/// Whether a cut-off of chance `ch` says nothing of `c` of `n` samples on
/// its old side: even none there would not be surprising enough, or no
/// fewer than expected are.
#[inline]
fn passed_over(ch: &Chance, c: u64, n: u64) -> bool {
    n as f64 * ch.ln_q + 3f64.ln() >= LN_ALPHA || c as f64 >= n as f64 * ch.p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constant_time_answer_is_the_sums_answer() {
        let mut x = 3u64;
        let mut next = move || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            x >> 33
        };
        let (mut told, mut summed, mut surprising) = (0, 0, 0);
        for _ in 0..20_000 {
            let n = 1 + next() % 120;
            let chances = [0; 3].map(|_| Chance::new((1 + next() % 40) as f64 / 41.0));
            let counts = [0; 3].map(|_| next() % (n / 2 + 1));
            let exact = ln_p_by(&chances, &counts, n, ln_binom_cdf_floor) > LN_ALPHA
                || ln_p_by(&chances, &counts, n, ln_binom_cdf) > LN_ALPHA;
            match plainly_unsurprising(&chances, &counts, n) {
                Some(answer) => {
                    assert_eq!(answer, exact, "{chances:?} {counts:?} {n}");
                    told += 1;
                    surprising += usize::from(!answer);
                }
                None => summed += 1,
            }
        }
        assert!(told > 15_000 && summed > 0, "{told} {summed}");
        assert!(
            surprising > 1000 && told - surprising > 1000,
            "{surprising} of {told}"
        );
    }
}
