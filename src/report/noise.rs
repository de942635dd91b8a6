//! Streaming medians and low means for the step rule: of the absolute
//! differences between successive samples (the noise) and of the intervals
//! between samples (what a hole in time is).
//!
//! They are robust (spikes and the few big jumps of real steps barely move
//! them) but need every value to compute exactly, so values are
//! counted in a histogram of their float bit patterns: the exponent and the
//! top 7 bits of the mantissa, which puts every value within 0.8% of its
//! bucket's lower bound, and the median is the mean of its bucket (exact
//! when the bucket holds one value, as with counts). A histogram grows only
//! over the magnitudes actually seen: a few thousand buckets for real data,
//! 4 MiB at the very worst (values spanning 1e-308 to 1e308).

/// Bits of a positive f64 kept for the bucket: 11 exponent + 7 mantissa.
const SHIFT: u32 = 45;

/// Counts and sums of positive values by bucket.
#[derive(Clone, Debug, Default)]
struct Buckets {
    /// Bucket key of `counts[0]`.
    lo: u64,
    counts: Vec<u64>,
    sums: Vec<f64>,
}

impl Buckets {
    #[inline]
    fn add(&mut self, key: u64, c: u64, sum: f64) {
        // A key below `lo` wraps to beyond the end: one test for the
        // common case, a bucket that exists.
        let i = key.wrapping_sub(self.lo) as usize;
        if i < self.counts.len() {
            self.counts[i] += c;
            self.sums[i] += sum;
            return;
        }
        self.grow_add(key, c, sum);
    }

    /// [`add`](Buckets::add) of one value `x` (of key `key`), or when
    /// `skip` (`x` is then ±0) of nothing: the first bucket, if there is
    /// one, adds 0 to its count and ±0 to its sum, which is never -0 and
    /// keeps its bits.
    #[inline]
    fn add_unless(&mut self, skip: bool, key: u64, x: f64) {
        // Masked, not selected: the compiler would branch.
        let i = key.wrapping_sub(self.lo) as usize & usize::from(!skip).wrapping_neg();
        if i < self.counts.len() {
            self.counts[i] += u64::from(!skip);
            self.sums[i] += x;
        } else if !skip {
            self.grow_add(key, 1, x);
        }
    }

    #[inline(never)]
    fn grow_add(&mut self, key: u64, c: u64, sum: f64) {
        if self.counts.is_empty() {
            self.lo = key;
        } else if key < self.lo {
            let grow = (self.lo - key) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.sums.splice(0..0, std::iter::repeat_n(0.0, grow));
            self.lo = key;
        }
        let i = (key - self.lo) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
            self.sums.resize(i + 1, 0.0);
        }
        self.counts[i] += c;
        self.sums[i] += sum;
    }

    /// The mean of the bucket holding the value of rank `rank` (0-based,
    /// ascending), if there are that many values.
    fn at_rank(&self, mut rank: u64) -> Option<f64> {
        for (i, &c) in self.counts.iter().enumerate() {
            if rank < c {
                return Some(self.sums[i] / c as f64);
            }
            rank -= c;
        }
        None
    }

    /// The same, counting from the largest value down.
    fn at_rank_desc(&self, mut rank: u64) -> Option<f64> {
        for (i, &c) in self.counts.iter().enumerate().rev() {
            if rank < c {
                return Some(self.sums[i] / c as f64);
            }
            rank -= c;
        }
        None
    }
}

/// A histogram of finite values with their sign.
#[derive(Clone, Debug, Default)]
pub struct Median {
    neg: Buckets,
    negs: u64,
    zeros: u64,
    pos: Buckets,
    total: u64,
}

impl Median {
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.total += 1;
        if x < 0.0 {
            self.negs += 1;
            self.neg.add((-x).to_bits() >> SHIFT, 1, -x);
        } else {
            // Zeros (a third of the differences of counts, at random) take
            // the others' path, without a branch: they count only in
            // `zeros`.
            let zero = x == 0.0;
            self.zeros += u64::from(zero);
            self.pos.add_unless(zero, x.to_bits() >> SHIFT, x);
        }
    }

    /// The lower median (the value of rank (n - 1) / 2 counting from 0,
    /// within 0.8%); 0 when nothing was added.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The lower `q` quantile (the value of rank floor((n - 1) * q)
    /// counting from 0, within 0.8%); 0 when nothing was added.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((self.total - 1) as f64 * q.clamp(0.0, 1.0)) as u64;
        if rank < self.negs {
            // Ascending order starts with the most negative value.
            return -self.neg.at_rank_desc(rank).unwrap_or(0.0);
        }
        let rank = rank - self.negs;
        if rank < self.zeros {
            return 0.0;
        }
        self.pos.at_rank(rank - self.zeros).unwrap_or(0.0)
    }

    /// The mean of the lowest `frac` of the values (at least one), which
    /// must not be negative: a mean that the largest values (spikes, the
    /// edges of steps) do not move. 0 when nothing was added.
    pub fn low_mean(&self, frac: f64) -> f64 {
        let want = ((self.total as f64 * frac).ceil() as u64).clamp(1, self.total.max(1));
        if self.total == 0 {
            return 0.0;
        }
        let mut left = want.saturating_sub(self.zeros);
        let mut sum = 0.0;
        for (i, &c) in self.pos.counts.iter().enumerate() {
            if left == 0 {
                break;
            }
            let take = c.min(left);
            if take > 0 {
                sum += self.pos.sums[i] / c as f64 * take as f64;
            }
            left -= take;
        }
        sum / want as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_known_values() {
        let mut n = Median::default();
        assert_eq!(n.median(), 0.0);
        for d in [3.0, 1.0, 2.0, 100.0, 0.5] {
            n.add(d);
        }
        assert_eq!(n.median(), 2.0);
        n.add(7.0);
        // Lower median of 0.5 1 2 3 7 100.
        assert_eq!(n.median(), 2.0);
    }

    #[test]
    fn signed_values() {
        let mut n = Median::default();
        for d in [-5.0, -1.0, -3.0, 0.0, 2.0] {
            n.add(d);
        }
        assert_eq!(n.median(), -1.0);
        let mut n = Median::default();
        for d in [-5.0, -4.0, -3.0, -2.0, 2.0] {
            n.add(d);
        }
        assert_eq!(n.median(), -3.0);
        n.add(f64::NAN);
        assert_eq!(n.median(), -3.0);
    }

    #[test]
    fn mostly_zero_values_have_a_zero_median() {
        let mut n = Median::default();
        for i in 0..100 {
            n.add(if i % 10 == 0 { 1.0 } else { 0.0 });
        }
        assert_eq!(n.median(), 0.0);
    }

    #[test]
    fn median_within_one_percent() {
        let mut n = Median::default();
        for i in 1..=1001 {
            n.add(i as f64 * 0.0137);
        }
        let m = n.median();
        let truth = 501.0 * 0.0137;
        assert!((m - truth).abs() / truth < 0.01, "{m} vs {truth}");
    }

    #[test]
    fn low_mean_leaves_out_the_largest() {
        let mut n = Median::default();
        assert_eq!(n.low_mean(0.9), 0.0);
        for d in [0.0, 1.0, 1.0, 2.0, 2.0, 0.0, 1.0, 2.0, 1.0, 100.0] {
            n.add(d);
        }
        // The lowest 9 of 10: 0 0 1 1 1 1 2 2 2.
        assert!((n.low_mean(0.9) - 10.0 / 9.0).abs() < 1e-9);
        assert!((n.low_mean(1.0) - 11.0).abs() < 1e-9);
    }
}
