//! Streaming medians and low means for the step rule: of the absolute
//! differences between successive samples (the noise) and of the intervals
//! between samples (what a hole in time is); and the two ways their
//! values, which mostly repeat, are added to them in bulk ([`Runs`],
//! [`Small`]) with the same sums bit for bit.
//!
//! They are robust (spikes and the few big jumps of real steps barely move
//! them) but need every value to compute exactly, so values are
//! counted in a histogram of their float bit patterns: the exponent and the
//! top 7 bits of the mantissa, which puts every value within 0.8% of its
//! bucket's lower bound, and the median is the mean of its bucket (exact
//! when the bucket holds one value, as with counts). A histogram grows only
//! over the magnitudes actually seen: a few thousand buckets for real data,
//! 4 MiB at the very worst (values spanning 1e-308 to 1e308).

use super::levels::is_integer;

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

    /// [`add`](Buckets::add) of `x` `c` times, one after the other: the same
    /// count and the same sum, bit for bit (added at once where every
    /// partial sum is a whole number below 2^52, and so exact).
    fn add_repeat(&mut self, key: u64, c: u64, x: f64) {
        let i = key.wrapping_sub(self.lo) as usize;
        if i >= self.counts.len() {
            self.grow_add(key, 0, 0.0);
        }
        let i = key.wrapping_sub(self.lo) as usize;
        self.counts[i] += c;
        let s = &mut self.sums[i];
        let cx = c as f64 * x;
        // (`x` and the sums are never negative: a bucket holds magnitudes.)
        if is_integer(x) && is_integer(*s) && c < 1 << 52 && *s + cx < TWO_52 {
            *s += cx;
        } else {
            for _ in 0..c {
                *s += x;
            }
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

const TWO_52: f64 = (1u64 << 52) as f64;

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

    /// [`add`](Median::add) of `x` `c` times: the same histogram, bit for
    /// bit.
    fn add_repeat(&mut self, x: f64, c: u64) {
        if !x.is_finite() || c == 0 {
            return;
        }
        self.total += c;
        if x < 0.0 {
            self.negs += c;
            self.neg.add_repeat((-x).to_bits() >> SHIFT, c, -x);
        } else if x == 0.0 {
            // As `add` does: a zero counts only in `zeros` (its sum adds
            // nothing).
            self.zeros += c;
        } else {
            self.pos.add_repeat(x.to_bits() >> SHIFT, c, x);
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

/// A [`Median`] of values that mostly repeat the one before (the
/// intervals of a steady sampler): a run of equal values joins the
/// histogram at once, when it ends or the histogram is read.
#[derive(Clone, Debug, Default)]
pub struct Runs {
    median: Median,
    /// The value of the run under way, and how many times it came.
    x: f64,
    c: u64,
}

impl Runs {
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        if x.to_bits() == self.x.to_bits() {
            self.c += 1;
            return;
        }
        let (last, c) = (
            std::mem::replace(&mut self.x, x),
            std::mem::replace(&mut self.c, 1),
        );
        // Values that do not repeat cost what they did one by one.
        if c == 1 {
            self.median.add(last);
        } else {
            self.median.add_repeat(last, c);
        }
    }

    /// The histogram so far.
    pub fn median(&mut self) -> &Median {
        self.median.add_repeat(self.x, std::mem::take(&mut self.c));
        &self.median
    }
}

/// A [`Median`] of values that are mostly small whole numbers (the
/// differences between successive counts): those are counted in a table,
/// which joins the histogram when it is read. While every value is whole,
/// the bucket of a small whole number holds that number only, so its sum
/// is the same whenever its copies are added.
#[derive(Clone, Debug)]
pub struct Small {
    median: Median,
    table: [u64; SMALL],
    /// Every value so far is a whole number: the table is in use.
    whole: bool,
}

/// Whole numbers below this are counted in [`Small`]'s table.
const SMALL: usize = 64;

impl Default for Small {
    fn default() -> Small {
        Small {
            median: Median::default(),
            table: [0; SMALL],
            whole: true,
        }
    }
}

impl Small {
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        // A whole number 0..SMALL: NaN, negatives and fractions fail one
        // of the two tests.
        if !self.whole {
            self.median.add(x);
            return;
        }
        let k = x as u32;
        if x < SMALL as f64 && f64::from(k) == x {
            self.table[k as usize] += 1;
        } else {
            self.add_other(x);
        }
    }

    #[inline(never)]
    fn add_other(&mut self, x: f64) {
        if self.whole && !is_integer(x) {
            // From here on a bucket may hold different values, whose sum
            // depends on their order: the table joins the histogram and
            // every value goes there in its turn.
            self.flush();
            self.whole = false;
        }
        self.median.add(x);
    }

    fn flush(&mut self) {
        for (k, c) in self.table.iter_mut().enumerate() {
            self.median.add_repeat(k as f64, std::mem::take(c));
        }
    }

    /// The histogram so far.
    pub fn median(&mut self) -> &Median {
        self.flush();
        &self.median
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

    fn bits(m: &Median) -> Vec<u64> {
        let mut v = vec![m.total, m.negs, m.zeros, m.pos.lo, m.neg.lo];
        for b in [&m.pos, &m.neg] {
            v.extend(b.counts.iter().copied());
            v.extend(b.sums.iter().map(|s| s.to_bits()));
        }
        v
    }

    #[test]
    fn runs_and_small_numbers_are_added_as_one_by_one() {
        let mut x = 5u64;
        for case in 0..300 {
            let (mut plain, mut runs, mut small) =
                (Median::default(), Runs::default(), Small::default());
            let n = 1 + case * 7;
            for i in 0..n {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let r = x >> 33;
                let v = match case % 6 {
                    0 => (r % 4) as f64,
                    1 => [5.0, 5.0, 5.0, 0.1, 0.1, 300.0][(r % 6) as usize],
                    2 => (r % 90) as f64 + if i == n / 2 { 0.5 } else { 0.0 },
                    3 => [0.0, -0.0, 1.0, -2.0, f64::INFINITY, f64::NAN, 1e300][(r % 7) as usize],
                    4 => ((r % 3) as f64 + 1.0) * 0.7,
                    _ => (r % 70) as f64 * 1e-3 + 63.0,
                };
                plain.add(v);
                runs.add(v);
                small.add(v);
                if r.is_multiple_of(97) {
                    assert_eq!(bits(runs.median()), bits(&plain));
                    assert_eq!(bits(small.median()), bits(&plain));
                }
            }
            assert_eq!(bits(runs.median()), bits(&plain), "{case}");
            assert_eq!(bits(small.median()), bits(&plain), "{case}");
        }
        // Copies past 2^53 round as one by one.
        let mut b = Buckets::default();
        b.add(3.0_f64.to_bits() >> SHIFT, 1, 2.0 * TWO_52 - 3.0);
        let mut c = b.clone();
        for _ in 0..5 {
            b.add(3.0_f64.to_bits() >> SHIFT, 1, 3.0);
        }
        c.add_repeat(3.0_f64.to_bits() >> SHIFT, 5, 3.0);
        assert_eq!(b.sums[0].to_bits(), c.sums[0].to_bits());
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
