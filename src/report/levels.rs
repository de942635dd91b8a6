//! The statistics the step rule judges a window of samples with: its low
//! quantile (the *level*, the floor it sits on), a few other quantiles, how
//! many of another window's samples lie beyond them, and the binomial tail
//! that says how surprising that count is.

/// The quantile a window's level is read at: low enough that busy
/// connections, spikes and the upper half of the noise do not move it, high
/// enough that a few dips below it (one-sample reads of 0) do not either.
pub const LEVEL_Q: f64 = 0.2;

/// The value of rank `floor(u * (n - 1))` of sorted values (a lower
/// quantile: always one of the samples).
pub fn quantile(sorted: &[f64], u: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let r = (u * (sorted.len() - 1) as f64).floor() as usize;
    sorted[r.min(sorted.len() - 1)]
}

/// The lower median (rank (n - 1) / 2) of a non-empty slice; NaN if empty.
pub fn lower_median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = (v.len() - 1) / 2;
    *v.select_nth_unstable_by(mid, f64::total_cmp).1
}

/// A window summarised: its level and the quantiles the tests compare
/// against, with the fraction of its own samples at or beyond each.
#[derive(Clone, Copy, Debug, Default)]
pub struct Summary {
    pub n: usize,
    /// The level: quantile [`LEVEL_Q`].
    pub level: f64,
    pub q10: f64,
    pub q50: f64,
    pub q90: f64,
    /// Fractions of the window at or below `level`, `q50`, `q90`...
    pub le_level: f64,
    pub le_q50: f64,
    pub le_q90: f64,
    /// ... and at or above `q10`, `level`, `q50`.
    pub ge_q10: f64,
    pub ge_level: f64,
    pub ge_q50: f64,
    /// The mean of the samples from the 10% to the 50% quantile: low like
    /// the level, but not stuck on one value when the data are counts.
    pub low_mean: f64,
}

impl Summary {
    /// Summarises `sorted` (ascending).
    pub fn of_sorted(sorted: &[f64]) -> Summary {
        let n = sorted.len();
        if n == 0 {
            return Summary {
                level: f64::NAN,
                q10: f64::NAN,
                q50: f64::NAN,
                q90: f64::NAN,
                low_mean: f64::NAN,
                ..Summary::default()
            };
        }
        let frac = |k: usize| k as f64 / n as f64;
        let le = |x: f64| frac(sorted.partition_point(|&y| y <= x));
        let ge = |x: f64| frac(n - sorted.partition_point(|&y| y < x));
        let (level, q10, q50, q90) = (
            quantile(sorted, LEVEL_Q),
            quantile(sorted, 0.1),
            quantile(sorted, 0.5),
            quantile(sorted, 0.9),
        );
        let (lo, hi) = ((n - 1) / 10, (n - 1) / 2);
        let low_mean = sorted[lo..=hi].iter().sum::<f64>() / (hi - lo + 1) as f64;
        Summary {
            n,
            low_mean,
            level,
            q10,
            q50,
            q90,
            le_level: le(level),
            le_q50: le(q50),
            le_q90: le(q90),
            ge_q10: ge(q10),
            ge_level: ge(level),
            ge_q50: ge(q50),
        }
    }

    /// Whether the window sits flat on its level (at least half of it at
    /// exactly that value): what a noise-free level looks like, with a few
    /// spikes at most.
    pub fn flat(&self) -> bool {
        self.q50 == self.level
    }
}

/// The three comparisons a later window is judged with against an earlier
/// one, for a rise (`up`) or a fall: the earlier window's quantiles as
/// cut-offs, and under "no change" the chance that a later sample lies on
/// the earlier side of each (the earlier window's own fraction, capped by
/// the rule of succession so that a short window never claims certainty).
pub fn cutoffs(b: &Summary, up: bool) -> [(f64, f64); 3] {
    let cap = b.n as f64 / (b.n as f64 + 1.0);
    let c = |x: f64, f: f64| (x, f.min(cap));
    if up {
        [
            c(b.level, b.le_level),
            c(b.q50, b.le_q50),
            c(b.q90, b.le_q90),
        ]
    } else {
        [
            c(b.q10, b.ge_q10),
            c(b.level, b.ge_level),
            c(b.q50, b.ge_q50),
        ]
    }
}

/// ln P(X <= k) for X ~ Binomial(n, p): how likely at most `k` of `n` later
/// samples land on the earlier side when each does with probability `p`.
pub fn ln_binom_cdf(k: u64, n: u64, p: f64) -> f64 {
    if k >= n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::NEG_INFINITY;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    // Terms j = 0..=k of C(n, j) p^j (1 - p)^(n - j), summed in log space
    // with a running maximum (no allocation: this runs per sample).
    let (mut m, mut sum) = (f64::NEG_INFINITY, 0.0);
    let mut lc = 0.0;
    for j in 0..=k {
        if j > 0 {
            lc += ((n - j + 1) as f64).ln() - (j as f64).ln();
        }
        let t = lc + j as f64 * lp + (n - j) as f64 * lq;
        if t > m {
            sum = sum * (m - t).exp() + 1.0;
            m = t;
        } else {
            sum += (t - m).exp();
        }
    }
    (m + sum.ln()).min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_samples() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0];
        assert_eq!(quantile(&s, 0.2), 3.0);
        assert_eq!(quantile(&s, 0.5), 6.0);
        assert_eq!(quantile(&s, 0.9), 10.0);
        assert!(quantile(&[], 0.5).is_nan());
        let mut v = [5.0, 1.0, 4.0, 2.0];
        assert_eq!(lower_median(&mut v), 2.0);
    }

    #[test]
    fn summary_fractions() {
        let s = [0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 2.0, 5.0, 9.0];
        let m = Summary::of_sorted(&s);
        assert_eq!(m.level, 0.0);
        assert_eq!(m.le_level, 0.3);
        assert_eq!(m.q50, 1.0);
        assert_eq!(m.le_q50, 0.5);
        assert_eq!(m.ge_level, 1.0);
        assert!(!m.flat());
        assert!(Summary::of_sorted(&[3.0, 3.0, 3.0, 7.0]).flat());
    }

    #[test]
    fn binomial_tail() {
        // P(X <= 0) for Bin(10, 0.5) = 0.5^10.
        assert!((ln_binom_cdf(0, 10, 0.5) - 10.0 * 0.5f64.ln()).abs() < 1e-12);
        // P(X <= 1) for Bin(3, 0.5) = 4/8.
        assert!((ln_binom_cdf(1, 3, 0.5).exp() - 0.5).abs() < 1e-12);
        assert_eq!(ln_binom_cdf(3, 3, 0.5), 0.0);
        // Bin(10, 0.9): P(X <= 0) = 0.1^10.
        assert!((ln_binom_cdf(0, 10, 0.9) - 10.0 * 0.1f64.ln()).abs() < 1e-9);
        assert_eq!(ln_binom_cdf(0, 3, 1.0), f64::NEG_INFINITY);
    }
}
