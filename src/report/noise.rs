//! A streaming estimate of a series' noise: the median absolute difference
//! between successive samples.
//!
//! The median is robust (spikes and the few big jumps of real steps barely
//! move it) but needs every difference to compute exactly, so the
//! differences are counted in a histogram of their float bit patterns: the
//! exponent and the top 7 bits of the mantissa, which puts every value within
//! 0.8% of its bucket's lower bound. The histogram grows only over the
//! magnitudes actually seen: a few thousand buckets for real data, 2 MiB at
//! the very worst (differences spanning 1e-308 to 1e308).

/// Bits of a positive f64 kept for the bucket: 11 exponent + 7 mantissa.
const SHIFT: u32 = 45;

#[derive(Clone, Debug, Default)]
pub struct Noise {
    zeros: u64,
    /// Bucket key of `counts[0]`.
    lo: u64,
    counts: Vec<u64>,
    /// Sum of the values in each bucket: the median is reported as the
    /// mean of its bucket, exact when the bucket holds one value (counts).
    sums: Vec<f64>,
    total: u64,
}

impl Noise {
    /// Counts one absolute difference between successive samples.
    pub fn add(&mut self, d: f64) {
        let d = d.abs();
        if !d.is_finite() {
            return;
        }
        self.total += 1;
        if d == 0.0 {
            self.zeros += 1;
            return;
        }
        self.bump(d.to_bits() >> SHIFT, 1, d);
    }

    fn bump(&mut self, key: u64, c: u64, sum: f64) {
        if self.counts.is_empty() {
            self.lo = key;
        } else if key < self.lo {
            let grow = (self.lo - key) as usize;
            self.counts.splice(0..0, std::iter::repeat(0).take(grow));
            self.sums.splice(0..0, std::iter::repeat(0.0).take(grow));
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

    /// The lower median of the differences counted, to within 0.8% (the mean
    /// of the bucket it falls in); 0 when there are none.
    pub fn median(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        // Lower median: the element of rank (total - 1) / 2, counting from 0.
        let rank = (self.total - 1) / 2;
        if rank < self.zeros {
            return 0.0;
        }
        let mut seen = self.zeros;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return self.sums[i] / c as f64;
            }
        }
        0.0
    }

    pub fn merge(&mut self, other: &Noise) {
        self.zeros += other.zeros;
        self.total += other.total;
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.bump(other.lo + i as u64, c, other.sums[i]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_known_differences() {
        let mut n = Noise::default();
        assert_eq!(n.median(), 0.0);
        for d in [3.0, 1.0, 2.0, 100.0, 0.5] {
            n.add(d);
        }
        assert_eq!(n.median(), 2.0);
        n.add(-7.0);
        // Lower median of 0.5 1 2 3 7 100.
        assert_eq!(n.median(), 2.0);
    }

    #[test]
    fn mostly_zero_differences_have_zero_noise() {
        let mut n = Noise::default();
        for i in 0..100 {
            n.add(if i % 10 == 0 { 1.0 } else { 0.0 });
        }
        assert_eq!(n.median(), 0.0);
    }

    #[test]
    fn median_within_one_percent() {
        let mut n = Noise::default();
        for i in 1..=1001 {
            n.add(i as f64 * 0.0137);
        }
        let m = n.median();
        let truth = 501.0 * 0.0137;
        assert!((m - truth).abs() / truth < 0.01, "{m} vs {truth}");
    }

    #[test]
    fn merge_equals_adding_everything() {
        let (mut a, mut b, mut all) = (Noise::default(), Noise::default(), Noise::default());
        for i in 0..50 {
            let d = (i as f64 * 0.37).sin() * 10.0;
            if i % 3 == 0 {
                a.add(d);
            } else {
                b.add(d);
            }
            all.add(d);
        }
        a.merge(&b);
        assert_eq!(a.median(), all.median());
        assert_eq!(a.total, all.total);
    }
}
