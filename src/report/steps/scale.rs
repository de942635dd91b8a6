//! The scale a series' rises are judged on, learnt from the whole series
//! as it comes: its noise (the spread of successive differences), the rise
//! a step needs, and whether it is noise-free.

use super::{Tracker, EXACT_AFTER};

/// The mean absolute difference of two independent normal samples, the
/// largest tenth left out, in standard deviations (sqrt(2) * 2 * (phi(0) -
/// phi(1.645)) / 0.9): turns the noise of successive differences into a
/// standard deviation.
const MEAN_ABS_DIFF: f64 = 0.930;
/// The interquartile range of the absolute difference of two independent
/// normal samples, in standard deviations (sqrt(2) * (1.150 - 0.319)).
const IQR_ABS_DIFF: f64 = 1.175;

impl Tracker {
    /// The series' noise: the median spread of its windows' lower half.
    pub fn noise(&mut self) -> f64 {
        self.jumps.median().low_mean(0.9) / MEAN_ABS_DIFF
    }

    /// The rise a step needs on a typical window.
    pub fn threshold(&mut self) -> f64 {
        let noise = self.noise();
        self.rise_for(noise)
    }

    /// The rise a step needs on noise `noise`: `noise_factor` times it, at
    /// least `min_rise`.
    fn rise_for(&self, noise: f64) -> f64 {
        self.min_rise.max(self.kappa * noise)
    }

    /// [`noise`](Tracker::noise), recomputed now and then: it scans a
    /// histogram.
    pub(super) fn noise_now(&mut self) -> f64 {
        // As the series doubles, whichever sample asks first: which one
        // asks depends on where the segment began. (Also when it was read
        // again from its start, by `replay`.)
        let stale = if self.n < 4096 {
            self.n < self.noise_at || self.n >= 2 * self.noise_at || self.n - self.noise_at >= 64
        } else {
            self.n - self.noise_at >= 4096
        };
        if self.noise_at == 0 || stale {
            self.noise = self.noise();
            self.noise_at = self.n;
            // A collection falls by far more than the noise; on a heap the
            // differences are the garbage's growth more than the noise, and
            // their spread tells the noise better (a quiet pool's, mostly
            // zero, tells nothing).
            let jumps = self.jumps.median();
            let spread = (jumps.quantile(0.75) - jumps.quantile(0.25)) / IQR_ABS_DIFF;
            self.collection = 10.0
                * if spread > 0.0 {
                    spread.min(self.noise)
                } else {
                    self.noise
                };
        }
        self.noise
    }

    /// Whether the series is noise-free: at least half of the differences
    /// are zero, and at most one in eight turns back (a spike turns twice, a
    /// staircase never; a ramp never either, but is seldom flat). A short
    /// series, judged at its end on fewer than [`EXACT_AFTER`] differences,
    /// may turn back half as often, and never to the value its last move
    /// left (from 11 to 10 and back to 11), which is all that noise 0..1
    /// can do; a noise-free one turns back elsewhere (from 15 down to 14,
    /// a connection closed after a leak of 5). Twenty samples of noise 0..1
    /// around a step turn back only once about once in 900 series, which
    /// one in sixteen alone let pass (then every +1 of the noise was a
    /// step).
    pub(super) fn exact(&self) -> bool {
        let turns_ok = if self.diffs < EXACT_AFTER {
            self.toggles == 0 && 16 * self.reversals <= self.diffs
        } else {
            8 * self.reversals <= self.diffs
        };
        self.settled_exact && turns_ok && 2 * self.zeros >= self.diffs
    }

    /// [`threshold`](Tracker::threshold) on the noise as last recomputed.
    pub(super) fn threshold_now(&mut self) -> f64 {
        let noise = self.noise_now();
        self.rise_for(noise)
    }
}
