//! The counts of any window of the finder's buffer at once: when the
//! values are counts a few apart, running sums of their counts, kept with
//! the samples, give a window's counts by one subtraction, where counting
//! them reads its values (the reference every 32 samples, a dozen
//! overlapping windows in an examination).

use crate::report::levels::{cumulative, int_bits, SMALL_SPAN};

const _: () = assert!(SMALL_SPAN == 8);

/// Values from this many integers below the value that starts the counts
/// to 4 above it are counted (one byte each in a word: a pool's or a log's
/// noise of a few counts, and a step up or down within the buffer).
const BELOW: i64 = 3;

/// Running counts of the values of a series of counts, as they come: each
/// sample carries the counts before it, so the counts of the samples
/// between two are one subtraction. The counts start over (at a new
/// base) when a value falls outside the eight counted.
#[derive(Clone, Debug, Default)]
pub(super) struct Running {
    /// The integer counted in the lowest byte.
    base: i64,
    /// The first sample counted from `base`.
    since: u64,
    /// `sum` over the samples since: 256^(v - base) for each value `v`,
    /// modulo 2^64 (the counts of fewer than 256 samples, which never
    /// carry from one byte into the next, are the difference of two sums).
    sum: u64,
    /// The buffer's [`cuts`](super::window::Window::cuts) when the sums
    /// were last known to hold: a sample taken out from between two
    /// leaves the difference of their sums counting it.
    cuts: u64,
}

impl Running {
    /// The counts before sample `i` of value `v` (countable: a whole
    /// number of magnitude at most 2^44), to be kept with it.
    #[inline(always)]
    pub fn next(&mut self, v: f64, i: u64) -> u64 {
        let mut d = (int_bits(v) - self.base) as u64;
        if d >= 8 {
            // (A negative distance wraps to a huge one.)
            self.base = int_bits(v) - BELOW;
            self.since = i;
            self.sum = 0;
            d = BELOW as u64;
        }
        let before = self.sum;
        self.sum = before.wrapping_add(1 << (8 * d));
        before
    }

    /// No counts made so far hold (the buffer was emptied or a sample
    /// taken out of it): they start over at the next sample.
    pub fn forget(&mut self, next_i: u64) {
        self.since = next_i;
        self.base = i64::MIN / 2;
    }

    /// The buffer's cuts, when they have changed since the counts were
    /// made: then [`forget`](Running::forget) them.
    pub fn stale(&mut self, cuts: u64) -> bool {
        std::mem::replace(&mut self.cuts, cuts) != cuts
    }

    /// What [`small_int_counts`](crate::report::levels) gives of the
    /// samples from the one numbered `first` (whose counts before it are
    /// `from`) up to those before `to` (the counts before the next sample,
    /// or the sum so far): their smallest and how many are at most it + k,
    /// if there are 1..256 of them (`n`), all counted since the counts last
    /// started over. Else None, and the values are read.
    #[inline]
    pub fn counts(
        &self,
        first: u64,
        n: usize,
        from: u64,
        to: Option<u64>,
    ) -> Option<(i64, [usize; SMALL_SPAN])> {
        if first < self.since || n == 0 || n > 255 {
            return None;
        }
        let w = to.unwrap_or(self.sum).wrapping_sub(from);
        // Eight bytes span fewer than SMALL_SPAN integers.
        let lo = w.trailing_zeros() / 8;
        Some((self.base + i64::from(lo), cumulative(w >> (8 * lo))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::levels::{median_in, rank_of_counts, Summary};

    fn bits(s: &Summary) -> [u64; 12] {
        [
            s.n as u64,
            s.level.to_bits(),
            s.q10.to_bits(),
            s.q50.to_bits(),
            s.q90.to_bits(),
            s.le_level.to_bits(),
            s.le_q50.to_bits(),
            s.le_q90.to_bits(),
            s.ge_q10.to_bits(),
            s.ge_level.to_bits(),
            s.ge_q50.to_bits(),
            s.low_mean.to_bits(),
        ]
    }

    #[test]
    fn a_window_is_summarised_as_from_its_values() {
        let mut x = 9u64;
        let mut scratch = Vec::new();
        let (mut used, mut read) = (0, 0);
        for case in 0..60u64 {
            let mut r = Running::default();
            let n = 300 + case as usize * 7;
            let values: Vec<f64> = (0..n)
                .map(|i| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let spread = 1 + case % 9;
                    let spike = if (x >> 50).is_multiple_of(97) { 20 } else { 0 };
                    (500 + (x >> 40) % spread + (i as u64 * 5 / n as u64) + spike) as f64 - 502.0
                })
                .collect();
            let sums: Vec<u64> = (0..n).map(|i| r.next(values[i], i as u64)).collect();
            if case == 7 {
                r.forget(n as u64);
            }
            for _ in 0..300 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let a = (x >> 33) as usize % (n + 1);
                let b = (a + (x >> 20) as usize % 300).min(n);
                let w = &values[a..b];
                let to = sums.get(b).copied();
                let Some((lo, cum)) =
                    r.counts(a as u64, b - a, sums.get(a).copied().unwrap_or(0), to)
                else {
                    read += 1;
                    continue;
                };
                used += 1;
                let want = Summary::of_iter(w.iter().copied(), true, &mut scratch);
                assert_eq!(
                    bits(&Summary::of_counts(w.len(), lo, &cum)),
                    bits(&want),
                    "{w:?}"
                );
                let median = median_in(w.iter().copied(), true, &mut scratch);
                assert_eq!(rank_of_counts(lo, &cum, (w.len() - 1) / 2), median);
            }
        }
        assert!(used > 2000 && read > 2000, "{used} {read}");
    }
}
