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
    sorted[quantile_rank(u, sorted.len())]
}

/// The rank (from 0) of the lower `u` quantile of `n` values (not none):
/// floor((n - 1) u), at most n - 1.
#[inline]
pub fn quantile_rank(u: f64, n: usize) -> usize {
    // Truncation is the floor here (u * (n - 1) is not negative), without
    // a call to floor.
    ((u * (n - 1) as f64) as usize).min(n - 1)
}

/// The lower median (rank (n - 1) / 2) of a non-empty slice; NaN if empty.
pub fn lower_median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = (v.len() - 1) / 2;
    at_rank(v, mid)
}

/// The value of rank `r` (ascending, in [`f64::total_cmp`]'s order, whose
/// equal values are the same bits) of a non-empty slice.
fn at_rank(v: &mut [f64], r: usize) -> f64 {
    if let Some(x) = int_at_rank(v.iter().copied(), false, r) {
        return x;
    }
    *v.select_nth_unstable_by(r, f64::total_cmp).1
}

/// [`at_rank`] of values that are a few neighbouring integers, from their
/// counts (no copy of them is made); None for other values.
fn int_at_rank(values: impl Values, ints: bool, r: usize) -> Option<f64> {
    let (lo, cum) = small_int_counts(values, ints)?;
    Some(rank_of_counts(lo, &cum, r))
}

/// The value of rank `r` of the values [`small_int_counts`] gave `lo` and
/// `cum` of.
pub fn rank_of_counts(lo: i64, cum: &[usize; SMALL_SPAN], r: usize) -> f64 {
    let k = cum.iter().filter(|&&c| c <= r).count();
    (lo + k as i64) as f64
}

/// Values read where they lie (a window of samples), twice if need be.
/// Where they are taken with `ints`, the caller knows that every one is a
/// whole number of magnitude at most 2^44 (as counts are), which then goes
/// untested.
pub trait Values: Iterator<Item = f64> + ExactSizeIterator + Clone {}
impl<I: Iterator<Item = f64> + ExactSizeIterator + Clone> Values for I {}

/// [`quantile`] of `values` sorted (NaN if there are none), without
/// sorting them: one field of [`Summary::of_iter`] for the price of a
/// selection; `scratch` holds a copy of them only if they are not a few
/// neighbouring integers.
pub fn quantile_in(values: impl Values, ints: bool, u: f64, scratch: &mut Vec<f64>) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    rank_in(values, ints, quantile_rank(u, n), scratch)
}

/// The lower median of `values`, as [`lower_median`] of them gives it
/// (see [`quantile_in`]).
pub fn median_in(values: impl Values, ints: bool, scratch: &mut Vec<f64>) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    rank_in(values, ints, (n - 1) / 2, scratch)
}

fn rank_in(values: impl Values, ints: bool, r: usize, scratch: &mut Vec<f64>) -> f64 {
    if let Some(x) = int_at_rank(values.clone(), ints, r) {
        return x;
    }
    // A climbing window is often in order already, and then its value of
    // rank r is its r-th (values in order are the same bits however they
    // were ordered); one pass tells, and most others show it at once.
    if values.clone().is_sorted_by(|a, b| a.total_cmp(b).is_le()) {
        return values.clone().nth(r).unwrap_or(f64::NAN);
    }
    scratch.clear();
    scratch.extend(values);
    *scratch.select_nth_unstable_by(r, f64::total_cmp).1
}

/// Integers spanning fewer values than this are summarised from counts.
pub const SMALL_SPAN: usize = 8;

/// Adding 1.5 * 2^52 rounds a value to an integer and puts that in the low
/// bits: a value is an integer when the round trip keeps its bits (-0.0
/// comes back as 0.0, and sorts apart from it: not one), and the integer is
/// read from the bits, with no conversions.
const MAGIC: f64 = 6_755_399_441_055_744.0;

/// Whether `x` is a whole number: `x.fract() == 0.0`, the same answer for
/// every f64 (NaN and infinities are not), without the call to `trunc`
/// that x86-64's baseline instructions need for it.
#[inline]
pub fn is_integer(x: f64) -> bool {
    // Below 2^51 the round trip through MAGIC rounds to an integer exactly.
    if x.abs() < (1u64 << 51) as f64 {
        x + MAGIC - MAGIC == x
    } else {
        x.fract() == 0.0
    }
}

/// `x` as an integer when it is a whole number below 2^51 in magnitude
/// (counts): the round trip of [`is_integer`], read from its bits.
#[inline]
pub fn whole(x: f64) -> Option<i64> {
    (x.abs() < (1u64 << 51) as f64 && x + MAGIC - MAGIC == x).then(|| int_bits(x))
}

pub fn int_bits(x: f64) -> i64 {
    (x + MAGIC).to_bits() as i64 - MAGIC.to_bits() as i64
}

/// The largest magnitude of the integers summarised from their counts.
const SMALL_INT: f64 = (1u64 << 44) as f64;

/// Whether `x` may be summarised from counts with its neighbours: a whole
/// number (not -0.0, which sorts apart from 0.0) of magnitude at most
/// [`SMALL_INT`]. What `ints` of [`Values`] promises of each value.
#[inline]
pub fn countable(x: f64) -> bool {
    x.abs() <= SMALL_INT && (x + MAGIC - MAGIC).to_bits() == x.to_bits()
}

/// For a few neighbouring integers (fewer than [`SMALL_SPAN`] values apart,
/// fewer than 256 of them, at most 2^44): the smallest and, at each k, how
/// many are at most the smallest + k. Ranks and fractions are then counts,
/// and sums of them are exact in f64 in any order.
fn small_int_counts(values: impl Values, ints: bool) -> Option<(i64, [usize; SMALL_SPAN])> {
    // Most windows that are not counts show it at their first value.
    if values.len() > 255 || !values.clone().next().is_some_and(|x| ints || is_integer(x)) {
        return None;
    }
    let mut off = 0u64;
    if !ints {
        for x in values.clone() {
            // Bitwise, not short-circuit: no branch per value.
            off |= ((x + MAGIC - MAGIC).to_bits() ^ x.to_bits()) | u64::from(x.abs() > SMALL_INT);
        }
    }
    let (lo, hi) = min_max(values.clone());
    if off != 0 || hi - lo >= SMALL_SPAN as f64 {
        return None;
    }
    let lo = int_bits(lo);
    // Eight 8-bit counters in one word: no store per value.
    let mut packed = 0u64;
    for x in values {
        packed += 1 << (8 * (int_bits(x) - lo));
    }
    Some((lo, cumulative(packed)))
}

/// Eight counts of one byte each in a word, the lowest first, as running
/// totals: at each k, how many are at k or below.
pub fn cumulative(packed: u64) -> [usize; SMALL_SPAN] {
    let mut cum = [0usize; SMALL_SPAN];
    let mut total = 0;
    for (k, c) in cum.iter_mut().enumerate() {
        total += ((packed >> (8 * k)) & 0xff) as usize;
        *c = total;
    }
    cum
}

/// The smallest and the largest of `values` (infinities if there are
/// none), for values that are whole numbers and not -0.0 (what
/// [`small_int_counts`] reads them for): any order of comparison gives the
/// same two. Four of each are kept at once: one running minimum waits on
/// its comparison's latency at every value.
#[inline]
fn min_max(mut values: impl Values) -> (f64, f64) {
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    while values.len() >= 4 {
        for k in 0..4 {
            let x = values.next().unwrap_or(f64::NAN);
            lo[k] = if x < lo[k] { x } else { lo[k] };
            hi[k] = if x > hi[k] { x } else { hi[k] };
        }
    }
    for x in values {
        lo[0] = if x < lo[0] { x } else { lo[0] };
        hi[0] = if x > hi[0] { x } else { hi[0] };
    }
    let pick = |a: f64, b: f64, less: bool| if less { a } else { b };
    let lo01 = pick(lo[1], lo[0], lo[1] < lo[0]);
    let lo23 = pick(lo[3], lo[2], lo[3] < lo[2]);
    let hi01 = pick(hi[1], hi[0], hi[1] > hi[0]);
    let hi23 = pick(hi[3], hi[2], hi[3] > hi[2]);
    (pick(lo23, lo01, lo23 < lo01), pick(hi23, hi01, hi23 > hi01))
}

/// Sorts ascending in [`f64::total_cmp`]'s order, as
/// `sort_unstable_by(f64::total_cmp)` does (values that compare equal are
/// the same bits, so the result is the same), but comparing integers: each
/// value is mapped in place to the bits whose signed order is that order,
/// and back.
pub fn sort(v: &mut [f64]) {
    // A climbing window is often in order already: one pass tells.
    if v.is_sorted_by(|a, b| a.total_cmp(b).is_le()) {
        return;
    }
    fn flip(x: f64) -> f64 {
        let b = x.to_bits() as i64;
        f64::from_bits((b ^ (((b >> 63) as u64) >> 1) as i64) as u64)
    }
    for x in v.iter_mut() {
        *x = flip(*x);
    }
    v.sort_unstable_by_key(|x| x.to_bits() as i64);
    for x in v.iter_mut() {
        *x = flip(*x);
    }
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
        Summary::assemble(n, low_mean, [level, q10, q50, q90], |x| x, le, ge)
    }

    /// The summary of `n` values from their low mean, their quantiles
    /// (level, 10%, 50%, 90%) as keys that `value` turns into values, and
    /// the fractions at or below (`le`) and at or above (`ge`) a key's
    /// value: the keys are the values themselves, or their indices among
    /// counted integers (no round trip through the value).
    fn assemble<K: Copy>(
        n: usize,
        low_mean: f64,
        [level, q10, q50, q90]: [K; 4],
        value: impl Fn(K) -> f64,
        le: impl Fn(K) -> f64,
        ge: impl Fn(K) -> f64,
    ) -> Summary {
        Summary {
            n,
            low_mean,
            level: value(level),
            q10: value(q10),
            q50: value(q50),
            q90: value(q90),
            le_level: le(level),
            le_q50: le(q50),
            le_q90: le(q90),
            ge_q10: ge(q10),
            ge_level: ge(level),
            ge_q50: ge(q50),
        }
    }

    /// Summarises `values` (in any order): the same summary as
    /// [`of_sorted`](Summary::of_sorted) of them sorted, bit for bit,
    /// without a comparison sort, and read where they lie, when they are a
    /// few neighbouring integers (counts, as most logs hold); else
    /// `scratch` holds the copy that is sorted.
    pub fn of_iter(values: impl Values, ints: bool, scratch: &mut Vec<f64>) -> Summary {
        if let Some(s) = Summary::of_small_ints(values.clone(), ints) {
            return s;
        }
        scratch.clear();
        scratch.extend(values);
        sort(scratch);
        Summary::of_sorted(scratch)
    }

    /// [`of_sorted`](Summary::of_sorted) for integers spanning fewer than
    /// [`SMALL_SPAN`] values, from their counts: ranks and fractions are the
    /// same counts, and the low mean's sum is exact both ways (integers
    /// below 2^44, fewer than 256 of them, never leave f64's 53 bits).
    fn of_small_ints(values: impl Values, ints: bool) -> Option<Summary> {
        let n = values.len();
        let (lo, cum) = small_int_counts(values, ints)?;
        Some(Summary::of_counts(n, lo, &cum))
    }

    /// The summary of `n` values that [`small_int_counts`] gave `lo` and
    /// `cum` of.
    pub fn of_counts(n: usize, lo: i64, cum: &[usize; SMALL_SPAN]) -> Summary {
        let value = |k: usize| (lo + k as i64) as f64;
        // The index of the value of rank r: the first k holding more than
        // r values (cum rises to n > r), counted without a branch per k.
        let at = |r: usize| cum.iter().filter(|&&c| c <= r).count();
        // As `quantile` and `of_sorted` compute them; fewer than 256 values
        // convert through u32 (one instruction, the same numbers).
        let last = (n - 1) as u32 as f64;
        let rank = |u: f64| ((u * last) as usize).min(n - 1);
        let frac = |k: usize| k as u32 as f64 / n as u32 as f64;
        // How many lie below each value (the fractions at or above it).
        let mut below = [0; SMALL_SPAN];
        below[1..].copy_from_slice(&cum[..SMALL_SPAN - 1]);
        let le = |k: usize| frac(cum[k]);
        let ge = |k: usize| frac(n - below[k]);
        let [level, q10, q50, q90] = [LEVEL_Q, 0.1, 0.5, 0.9].map(|u| at(rank(u)));
        let (rlo, rhi) = ((n - 1) / 10, (n - 1) / 2);
        let mut sum = 0i64;
        for (k, (&c, &b)) in cum.iter().zip(&below).enumerate() {
            // Ranks b..c hold lo + k; those within rlo..=rhi count.
            let held = c.min(rhi + 1).saturating_sub(b.max(rlo));
            sum += (lo + k as i64) * held as i64;
        }
        let low_mean = sum as f64 / (rhi - rlo + 1) as f64;
        Summary::assemble(n, low_mean, [level, q10, q50, q90], value, le, ge)
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

/// `(k as f64).ln()`, from a table for the small counts the binomial tail
/// is summed over (the same function computed the entries: the same bits).
fn ln_int(k: u64) -> f64 {
    static LN: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    match LN
        .get_or_init(|| (0..TABLE).map(|i| (i as f64).ln()).collect())
        .get(k as usize)
    {
        Some(&l) => l,
        None => (k as f64).ln(),
    }
}

/// Counts below this have their logarithms (and factorials') in a table.
const TABLE: usize = 1024;

/// ln k! for k below [`TABLE`]: the running sum of [`ln_int`].
fn ln_fact(k: u64) -> Option<f64> {
    static LF: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    LF.get_or_init(|| {
        let mut sum = 0.0;
        (0..TABLE as u64)
            .map(|i| {
                sum += if i > 0 { ln_int(i) } else { 0.0 };
                sum
            })
            .collect()
    })
    .get(k as usize)
    .copied()
}

/// How far [`ln_binom_floor_near`] may be from [`ln_binom_cdf_floor`]
/// (both round at most a few thousand sums of terms below 10^4, each off
/// by under 10^-12: they agree to 10^-8), and the bounds built on it from
/// what they bound.
pub const NEAR: f64 = 1e-6;

/// [`ln_binom_cdf_floor`] within [`NEAR`], in constant time: ln C(n, k)
/// from factorials, not added up term by term. None where the floor
/// needs no sum (see [`binom_cdf_edge`]) or `n` is beyond the table.
pub fn ln_binom_floor_near(k: u64, n: u64, c: &Chance) -> Option<f64> {
    if binom_cdf_edge(k, n, c.p).is_some() {
        return None;
    }
    let lc = ln_fact(n)? - ln_fact(k)? - ln_fact(n - k)?;
    Some(ln_term(lc, k, n, c.ln_p, c.ln_q).min(0.0))
}

/// An upper bound of [`ln_binom_cdf`] (within [`NEAR`] of it) from a
/// value within [`NEAR`] of its floor, for `k` below the mean (`k < n p`):
/// the tail sums `k + 1` terms, none above its last, the floor's.
pub fn ln_binom_cdf_above(floor_near: f64, k: u64) -> f64 {
    floor_near + ln_int(k + 1)
}

/// A chance with its logarithms, `ln p` and `ln (1 - p)`: what the
/// binomial tails of the same cut-off, asked again and again as a
/// candidate grows, take from it.
#[derive(Clone, Copy, Debug)]
pub struct Chance {
    pub p: f64,
    pub ln_p: f64,
    pub ln_q: f64,
}

impl Chance {
    pub fn new(p: f64) -> Chance {
        Chance {
            p,
            ln_p: p.ln(),
            ln_q: (1.0 - p).ln(),
        }
    }
}

/// ln P(X <= k) for X ~ Binomial(n, p): how likely at most `k` of `n` later
/// samples land on the earlier side when each does with probability `p`
/// (`c`).
pub fn ln_binom_cdf(k: u64, n: u64, c: &Chance) -> f64 {
    if let Some(edge) = binom_cdf_edge(k, n, c.p) {
        return edge;
    }
    let (lp, lq) = (c.ln_p, c.ln_q);
    // Terms j = 0..=k of C(n, j) p^j (1 - p)^(n - j), summed in log space
    // with a running maximum (no allocation: this runs per sample).
    let (mut m, mut sum) = (f64::NEG_INFINITY, 0.0);
    let mut lc = 0.0;
    for j in 0..=k {
        if j > 0 {
            lc += ln_choose_step(n, j);
        }
        let t = ln_term(lc, j, n, lp, lq);
        if t > m {
            sum = sum * (m - t).exp() + 1.0;
            m = t;
        } else {
            sum += (t - m).exp();
        }
    }
    (m + sum.ln()).min(0.0)
}

/// ln P(X <= k) where it needs no sum: 0 when at most `k` is certain
/// (`k >= n`, or no sample can land there), minus infinity when every
/// sample must (`p >= 1`, `k < n`). Shared by the tail and its lower
/// bound, which must agree there.
fn binom_cdf_edge(k: u64, n: u64, p: f64) -> Option<f64> {
    if k >= n || p <= 0.0 {
        Some(0.0)
    } else if p >= 1.0 {
        Some(f64::NEG_INFINITY)
    } else {
        None
    }
}

/// ln C(n, j) - ln C(n, j - 1).
#[inline]
fn ln_choose_step(n: u64, j: u64) -> f64 {
    ln_int(n - j + 1) - ln_int(j)
}

/// ln of the binomial term j, from ln C(n, j).
#[inline]
fn ln_term(lc: f64, j: u64, n: u64, lp: f64, lq: f64) -> f64 {
    lc + j as f64 * lp + (n - j) as f64 * lq
}

/// A lower bound of [`ln_binom_cdf`] as it computes it, bit for bit: its
/// last term, without the exponentials of the sum (the sum adds the
/// others to the largest, and never takes from it). Below the mean
/// (`k < n p`, where the tail is used) the last term is the largest, so the
/// bound is within ln(k + 1) of the tail.
pub fn ln_binom_cdf_floor(k: u64, n: u64, c: &Chance) -> f64 {
    if let Some(edge) = binom_cdf_edge(k, n, c.p) {
        return edge;
    }
    let (lp, lq) = (c.ln_p, c.ln_q);
    let mut lc = 0.0;
    for j in 1..=k {
        lc += ln_choose_step(n, j);
    }
    ln_term(lc, k, n, lp, lq).min(0.0)
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

    fn same(a: &Summary, b: &Summary) -> bool {
        let f = |s: &Summary| {
            [
                s.level, s.q10, s.q50, s.q90, s.le_level, s.le_q50, s.le_q90, s.ge_q10, s.ge_level,
                s.ge_q50, s.low_mean,
            ]
            .map(f64::to_bits)
        };
        a.n == b.n && f(a) == f(b)
    }

    #[test]
    fn of_iter_is_of_sorted_bit_for_bit() {
        let mut x = 7u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x >> 33
        };
        for case in 0..4000 {
            let n = 1 + (next() % 130) as usize;
            let kind = case % 9;
            let base = (next() % 2000) as f64 - 1000.0;
            let span = 1 + next() % 12;
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    let r = next();
                    match kind {
                        0 => base + (r % span) as f64,
                        1 => [0.0, -0.0, 1.0, -1.0][(r % 4) as usize],
                        2 => base + (r % 1000) as f64 / 7.0,
                        3 => (1u64 << 44) as f64 - (r % span) as f64,
                        4 => -((r % span) as f64) * 1e300,
                        5 => (r % span) as f64 * 0.5,
                        6 => [f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -0.0, 0.0, 2.5]
                            [(r % 6) as usize],
                        // Continuous, with ties now and then.
                        7 => ((r % 64) as f64 - 20.0) / 3.0,
                        // A climb, in order (sorted below).
                        _ => (r % 200) as f64 * 1e-3 - 0.1,
                    }
                })
                .collect();
            if kind == 8 {
                v.sort_unstable_by(f64::total_cmp);
            }
            if kind == 0 {
                // The counting path is taken exactly when it may be.
                let span_seen = v.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b))
                    - v.iter().fold(f64::INFINITY, |a, &b| a.min(b));
                assert_eq!(
                    Summary::of_small_ints(v.iter().copied(), false).is_some(),
                    span_seen < 8.0
                );
            }
            let mut sorted = v.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let mut scratch = Vec::new();
            let want = Summary::of_sorted(&sorted);
            // Values known to be countable are not tested again.
            let known = v.iter().all(|&x| countable(x));
            for ints in [false, known] {
                let got = Summary::of_iter(v.iter().copied(), ints, &mut scratch);
                assert!(same(&got, &want), "{v:?}: {got:?} vs {want:?}");
                let median = median_in(v.iter().copied(), ints, &mut scratch);
                assert_eq!(median.to_bits(), want.q50.to_bits());
                for (u, field) in [(LEVEL_Q, want.level), (0.1, want.q10), (0.9, want.q90)] {
                    let got = quantile_in(v.iter().copied(), ints, u, &mut scratch);
                    assert_eq!(got.to_bits(), field.to_bits());
                }
            }
            let mut m = v.clone();
            assert_eq!(
                lower_median(&mut m).to_bits(),
                sorted[(n - 1) / 2].to_bits()
            );
            let mut s = v.clone();
            sort(&mut s);
            assert_eq!(s.map_bits(), sorted.map_bits(), "{v:?}");
        }
    }

    trait Bits {
        fn map_bits(&self) -> Vec<u64>;
    }
    impl Bits for Vec<f64> {
        fn map_bits(&self) -> Vec<u64> {
            self.iter().map(|x| x.to_bits()).collect()
        }
    }

    #[test]
    fn is_integer_is_fract_zero() {
        let edge = (1u64 << 51) as f64;
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -3.0,
            2.5,
            1e-300,
            edge,
            edge - 0.5,
            edge + 0.5,
            -edge - 0.5,
            2.0 * edge + 1.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let mut x = 3u64;
        for _ in 0..10_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            xs.push(f64::from_bits(x));
            xs.push((x >> 40) as f64 * 0.25 - 1000.0);
        }
        for x in xs {
            assert_eq!(is_integer(x), x.fract() == 0.0, "{x:e}");
            let small = x.fract() == 0.0 && x.abs() < edge;
            assert_eq!(whole(x), small.then_some(x as i64), "{x:e}");
        }
    }

    #[test]
    fn the_near_floor_is_near() {
        for n in [1, 2, 7, 20, 40, 80, 300, 1023, 1024] {
            for k in 0..n {
                for p in [0.01, 0.2, 1.0 / 3.0, 0.5, 0.9, 40.0 / 41.0] {
                    let c = Chance::new(p);
                    let Some(near) = ln_binom_floor_near(k, n, &c) else {
                        assert_eq!(n, 1024);
                        continue;
                    };
                    let floor = ln_binom_cdf_floor(k, n, &c);
                    assert!((near - floor).abs() < NEAR / 100.0, "{k} {n} {p}");
                    if (k as f64) < n as f64 * p && k < 100 {
                        let tail = ln_binom_cdf(k, n, &c);
                        assert!(tail <= ln_binom_cdf_above(near, k) + NEAR, "{k} {n} {p}");
                    }
                }
            }
        }
    }

    #[test]
    fn binomial_tail() {
        // P(X <= 0) for Bin(10, 0.5) = 0.5^10.
        assert!((ln_binom_cdf(0, 10, &Chance::new(0.5)) - 10.0 * 0.5f64.ln()).abs() < 1e-12);
        // P(X <= 1) for Bin(3, 0.5) = 4/8.
        assert!((ln_binom_cdf(1, 3, &Chance::new(0.5)).exp() - 0.5).abs() < 1e-12);
        assert_eq!(ln_binom_cdf(3, 3, &Chance::new(0.5)), 0.0);
        // Bin(10, 0.9): P(X <= 0) = 0.1^10.
        assert!((ln_binom_cdf(0, 10, &Chance::new(0.9)) - 10.0 * 0.1f64.ln()).abs() < 1e-9);
        assert_eq!(ln_binom_cdf(0, 3, &Chance::new(1.0)), f64::NEG_INFINITY);
        // The floor is never above the tail as computed, and close below
        // the mean.
        for n in [1, 2, 10, 40, 80, 300, 2000] {
            for k in 0..=n.min(60) {
                for p in [0.0, 0.01, 0.2, 1.0 / 3.0, 0.5, 0.9, 40.0 / 41.0, 1.0] {
                    let (f, t) = (
                        ln_binom_cdf_floor(k, n, &Chance::new(p)),
                        ln_binom_cdf(k, n, &Chance::new(p)),
                    );
                    assert!(f <= t, "{k} {n} {p}: {f} > {t}");
                    if (k as f64) < n as f64 * p && t.is_finite() {
                        assert!(t - f <= ((k + 1) as f64).ln() + 1e-9, "{k} {n} {p}");
                    }
                }
            }
        }
    }
}
