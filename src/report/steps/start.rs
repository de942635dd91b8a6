//! Where a run's levels begin: the first counts of a process still
//! starting up (a pool not yet open when the watch began, or when the
//! process came back after a restart) lie below the level that follows,
//! and are neither a level a rise could be judged from nor a climb into
//! the first rise.

use super::Tracker;
use crate::report::noise::Small;

/// Samples a level needs before a noisy rise from it is judged: fewer
/// below the level at a run's start are its start-up.
pub(super) const STARTUP: usize = 10;

impl Tracker {
    /// A noisy series whose first few counts lie below the level that
    /// follows (a process still opening its pool when the watch began: 0,
    /// then 3) starts its first segment at the level: fewer samples than a
    /// level needs to be read are no level a rise could be judged from,
    /// and they would pass for a climb into the first rise.
    ///
    /// `v` is the sample being added, whose difference from the last one
    /// the noise has just counted.
    // Once a series: out of line, so that the path of every sample stays
    // as it was.
    #[cold]
    #[inline(never)]
    pub(super) fn skip_startup(&mut self, v: f64) {
        let len = self.buf.len();
        // (Only while the buffer holds the series from its first sample:
        // the noise is counted again from it.)
        let from_start = len > 0 && self.buf[0].i == 0;
        if !from_start
            || self.seg != 0
            || !self.tentative.is_empty()
            || self.runs.len() != 1
            || len < 2 * STARTUP
        {
            return;
        }
        let low = self.level(STARTUP, len) - self.threshold_now();
        let Some(first) = self.startup_end(0, low) else {
            return;
        };
        // Nor is its jump to the level part of the noise, which it would
        // raise a little: the differences are counted again without it.
        let mut jumps = Small::default();
        for k in first + 1..len {
            if !self.buf[k].gap {
                jumps.add((self.buf[k].v - self.buf[k - 1].v).abs());
            }
        }
        jumps.add((v - self.buf[len - 1].v).abs());
        self.jumps = jumps;
        self.noise_at = 0;
        self.seg = self.buf[first].i;
        self.last_fall = self.seg;
        self.up = None;
        self.down = None;
        self.runs[0].level = f64::NAN;
        self.runs[0].trace_from = self.seg;
        self.refresh();
    }

    /// Where a start-up from position `pos` ends: the first sample at or
    /// above `low`, when it comes after `pos` and within [`STARTUP`]
    /// samples.
    pub(super) fn startup_end(&self, pos: usize, low: f64) -> Option<usize> {
        let end = (pos + STARTUP).min(self.buf.len());
        (pos..end)
            .find(|&k| self.buf[k].v >= low)
            .filter(|&k| k > pos)
    }
}
