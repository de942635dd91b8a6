//! The counts of every window of the finder's buffer at once, for an
//! examination, which reads a dozen overlapping windows of it: when the
//! buffer's values are counts a few apart, running sums of their counts
//! give any window's counts by one subtraction, where counting each window
//! reads its values again.

use crate::report::levels::{int_bits, SMALL_SPAN};

const _: () = assert!(SMALL_SPAN == 8);

/// Values from this many integers below the buffer's first to 4 above it
/// are counted (one byte each in a word: a pool's or a log's noise of a
/// few counts, and a step up or down within the buffer).
const BELOW: i64 = 3;

#[derive(Clone, Debug, Default)]
pub(super) struct Prefix {
    /// The buffer's version the sums are of (none before they are made).
    of: Option<u64>,
    /// The integer counted in the lowest slot.
    base: i64,
    /// `sums[k]`: how many of the first `k` values are `base + j`, in the
    /// `j`-th byte.
    sums: Vec<u64>,
}

impl Prefix {
    /// Counts `values` (the buffer at `version`, every value countable:
    /// whole numbers of magnitude at most 2^44), if there are fewer than
    /// 256 (a byte holds each count) and all lie within [`BELOW`] below and
    /// `7 - BELOW` above the first.
    pub fn build(&mut self, version: u64, mut values: impl ExactSizeIterator<Item = f64>) {
        self.of = None;
        self.sums.clear();
        let n = values.len();
        let Some(first) = values.next() else {
            return;
        };
        if n > 255 {
            return;
        }
        let base = int_bits(first) - BELOW;
        let mut acc = 0u64;
        let mut out = 0u64;
        self.sums.push(0);
        for x in std::iter::once(first).chain(values) {
            // A slot beyond the 8 sets a bit above them (a negative one
            // wraps to a huge one); the counts are then never read.
            let d = (int_bits(x) - base) as u64;
            out |= d;
            acc = acc.wrapping_add(1 << (8 * (d % 8)));
            self.sums.push(acc);
        }
        if out < 8 {
            self.of = Some(version);
            self.base = base;
        }
    }

    /// What [`small_int_counts`](crate::report::levels) gives of the values
    /// at positions `from..to` of the buffer at `version`: their smallest
    /// and how many are at most it + k, if they are not empty and span
    /// fewer than [`SMALL_SPAN`] integers; else (or if the counts are of
    /// another version, or were not made) None, and the values are read.
    pub fn counts(
        &self,
        version: u64,
        from: usize,
        to: usize,
    ) -> Option<(i64, [usize; SMALL_SPAN])> {
        if self.of != Some(version) || from >= to {
            return None;
        }
        // Each byte of the later sum is at least the earlier's: no borrow.
        let w = self.sums[to] - self.sums[from];
        // Eight slots span fewer than SMALL_SPAN integers.
        let lo = w.trailing_zeros() / 8;
        let mut counts = w >> (8 * lo);
        let mut cum = [0usize; SMALL_SPAN];
        let mut total = 0;
        for c in &mut cum {
            total += (counts & 0xff) as usize;
            counts >>= 8;
            *c = total;
        }
        Some((self.base + i64::from(lo), cum))
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
        let mut p = Prefix::default();
        let mut scratch = Vec::new();
        let (mut used, mut read) = (0, 0);
        for case in 0..400u64 {
            let n = 1 + (case as usize * 7) % 140;
            let values: Vec<f64> = (0..n)
                .map(|i| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let spread = 1 + case % 9;
                    (500 + (x >> 40) % spread + (i as u64 * 3 / n as u64)) as f64 - 502.0
                })
                .collect();
            p.build(case, values.iter().copied());
            for _ in 0..20 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let a = (x >> 33) as usize % (n + 1);
                let b = a + (x >> 20) as usize % (n + 1 - a);
                let w = &values[a..b];
                let Some((lo, cum)) = p.counts(case, a, b) else {
                    read += 1;
                    continue;
                };
                used += 1;
                let want = Summary::of_iter(w.iter().copied(), true, &mut scratch);
                assert_eq!(bits(&Summary::of_counts(w.len(), lo, &cum)), bits(&want));
                let median = median_in(w.iter().copied(), true, &mut scratch);
                assert_eq!(rank_of_counts(lo, &cum, (w.len() - 1) / 2), median);
                // Counts of another version are not read.
                assert!(p.counts(case + 1, a, b).is_none());
            }
        }
        assert!(used > 1000 && read > 1000, "{used} {read}");
    }
}
