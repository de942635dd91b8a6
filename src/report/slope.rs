//! The slope of a run: the climb of its floor, not of its noise.
//!
//! Memory that grows by a leak under a garbage-collector sawtooth climbs at
//! the rate of its troughs; a least-squares line through every sample errs
//! with the phase of the last few teeth. So the slope is fitted to the
//! *floor*: the lowest value over the last `h` samples, at every sample,
//! after a median of 3 has removed one-sample dips and spikes. Once `h`
//! spans a sawtooth period, that floor is the trough line; on plain noise it
//! runs parallel to the data. Four horizons (32 to 2048 samples) are kept
//! at once, each as the minima of its last eight eighths and a running fit
//! that takes a point at the end of each eighth, and the longest one the
//! run is at least three times as long as is used: a few comparisons per
//! sample, a few dozen values whatever the run's length.
//!
//! The slope reported is, once a run has shown five collections (falls
//! between filtered samples of more than [`Trace::drop`], which the step
//! finder sets at ten times the noise, or ten times the spread of the
//! differences if less), the line through their troughs: with only a few
//! teeth in the data, the block floor errs with the phase of the last one
//! (5.5% on leak-eval's rss-gc3 at worst over 120 seeds; 4.7% with the
//! troughs). Ten times a noise that a steep sawtooth's climb inflates left
//! most collections of leak-eval's rss-irregular-gaps unseen and the line
//! through the few seen 5.4% off at worst over 400 seeds; 1.1% with the
//! spread.

/// Horizons of the floor, in samples.
const HORIZONS: [usize; 4] = [32, 128, 512, 2048];

/// A least-squares line through points, on coordinates shifted to the first
/// point so that epoch seconds squared keep their digits.
#[derive(Clone, Debug, Default)]
struct Fit {
    n: f64,
    origin: Option<(f64, f64)>,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Fit {
    fn add(&mut self, t: f64, v: f64) {
        let (t0, v0) = *self.origin.get_or_insert((t, v));
        let (x, y) = (t - t0, v - v0);
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.syy += y * y;
        self.sxy += x * y;
    }

    /// Slope per second and R², when the points span time.
    fn line(&self) -> Option<(f64, Option<f64>)> {
        if self.n < 2.0 {
            return None;
        }
        let vxx = self.sxx - self.sx * self.sx / self.n;
        let vyy = self.syy - self.sy * self.sy / self.n;
        let vxy = self.sxy - self.sx * self.sy / self.n;
        if vxx <= 0.0 {
            return None;
        }
        let r2 = (vyy > 0.0).then(|| (vxy * vxy / (vxx * vyy)).clamp(0.0, 1.0));
        Some((vxy / vxx, r2))
    }
}

/// The smaller and the larger of two finite values.
#[inline]
fn lower(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

#[inline]
fn higher(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Parts a horizon is cut into.
const PARTS: usize = 8;
// The floor is the minimum of the eight parts, taken as a tree.
const _: () = assert!(PARTS == 8);
/// Each horizon is this many times the one before (`HORIZONS`), so a part
/// of one is that many parts of the one below.
const GROW: u64 = 4;

#[derive(Clone, Debug)]
struct MinWindow {
    /// Samples per part, and the parts of the horizon below (samples, for
    /// the shortest) left in the part under way.
    part: u64,
    left: u64,
    /// Minima of the last `PARTS` whole parts (oldest overwritten), and of
    /// the part under way.
    mins: [f64; PARTS],
    full: usize,
    at: usize,
    current: f64,
    fit: Fit,
}

/// The floor's slope of one run, fed its samples in time order.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Samples seen, up to the two the median of 3 needs before its first.
    seen: u8,
    /// The value two samples back, and the sample before this one (the
    /// median of 3 is centred on it).
    a: f64,
    b: (f64, f64),
    /// Filtered points so far.
    n: u64,
    mins: [MinWindow; HORIZONS.len()],
    plain: Fit,
    /// A fall of more than this between filtered samples is a collection
    /// (0: not known yet); the lowest point within [`TROUGH`] samples after
    /// one is a trough, and a line through the troughs is the live set's.
    pub drop: f64,
    prev: f64,
    trough: Option<(f64, f64, u8)>,
    troughs: Fit,
}

/// Samples after a collection within which its trough is looked for.
const TROUGH: u8 = 8;
/// Troughs from which their line is the slope.
const TROUGHS: f64 = 5.0;

impl Default for Trace {
    fn default() -> Trace {
        Trace {
            seen: 0,
            a: f64::NAN,
            b: (f64::NAN, f64::NAN),
            n: 0,
            mins: HORIZONS.map(|h| MinWindow {
                part: (h / PARTS) as u64,
                left: GROW,
                mins: [f64::INFINITY; PARTS],
                full: 0,
                at: 0,
                current: f64::INFINITY,
                fit: Fit::default(),
            }),
            plain: Fit::default(),
            drop: 0.0,
            prev: f64::NAN,
            trough: None,
            troughs: Fit::default(),
        }
    }
}

impl Trace {
    #[inline(always)]
    pub fn push(&mut self, t: f64, v: f64) {
        let (va, (tb, vb)) = (self.a, self.b);
        self.a = vb;
        self.b = (t, v);
        if self.seen < 2 {
            self.seen += 1;
            return;
        }
        // The median of 3, placed at the middle sample's time (plain
        // comparisons: the values are finite, and which zero a tie of 0.0
        // and -0.0 gives never shows in the fit's sums).
        let m = lower(higher(va, vb), higher(lower(va, vb), v));
        self.filtered(tb, m);
    }

    #[inline(always)]
    fn filtered(&mut self, t: f64, v: f64) {
        self.n += 1;
        if self.drop > 0.0 && v < self.prev - self.drop {
            let low = self
                .trough
                .map_or((t, v), |(tt, tv, _)| if v < tv { (t, v) } else { (tt, tv) });
            self.trough = Some((low.0, low.1, TROUGH));
        } else if let Some((tt, tv, left)) = self.trough {
            let (tt, tv) = if v < tv { (t, v) } else { (tt, tv) };
            if left <= 1 {
                self.troughs.add(tt, tv);
                self.trough = None;
            } else {
                self.trough = Some((tt, tv, left - 1));
            }
        }
        self.prev = v;
        // The samples themselves serve only until the shortest horizon does.
        if self.n <= 3 * HORIZONS[0] as u64 {
            self.plain.add(t, v);
        }
        // Each horizon's parts are four of the one below's (the shortest's
        // are four samples): a part that ends passes its minimum up.
        let w = &mut self.mins[0];
        w.current = lower(w.current, v);
        w.left -= 1;
        if w.left == 0 {
            self.part_ended(t);
        }
    }

    /// The shortest horizon's part under way has ended.
    #[inline(never)]
    fn part_ended(&mut self, t: f64) {
        let mut low = f64::INFINITY;
        // A horizon's line is read only while no longer one is in use
        // (see `slope`): once one is, the shorter ones pass their minima on
        // but fit nothing.
        let n = self.n;
        let in_use = |part: u64| n >= 3 * PARTS as u64 * part;
        let parts = self.mins.each_ref().map(|w| w.part);
        for (k, w) in self.mins.iter_mut().enumerate() {
            if k > 0 {
                w.current = lower(w.current, low);
                w.left -= 1;
                if w.left != 0 {
                    break;
                }
            }
            w.left = GROW;
            low = w.current;
            w.mins[w.at] = w.current;
            w.at = (w.at + 1) % PARTS;
            w.full = (w.full + 1).min(PARTS);
            w.current = f64::INFINITY;
            if w.full == PARTS && !parts.get(k + 1).is_some_and(|&p| in_use(p)) {
                let m = &w.mins;
                let floor = lower(
                    lower(lower(m[0], m[1]), lower(m[2], m[3])),
                    lower(lower(m[4], m[5]), lower(m[6], m[7])),
                );
                w.fit.add(t, floor);
            }
        }
    }

    /// The slope to report: the line through the troughs after
    /// collections when there were enough of them (a garbage-collected
    /// heap: the live set's growth, whatever the phase of the last tooth),
    /// else [`slope`](Trace::slope).
    pub fn reported(&self) -> Option<(f64, Option<f64>)> {
        if self.troughs.n >= TROUGHS {
            if let Some(line) = self.troughs.line() {
                return Some(line);
            }
        }
        self.slope()
    }

    /// Slope per second and the R² of its line: the floor of the longest
    /// horizon the run is three times as long as, else the filtered samples.
    pub fn slope(&self) -> Option<(f64, Option<f64>)> {
        self.mins
            .iter()
            .rev()
            .find(|w| self.n >= 3 * PARTS as u64 * w.part)
            .and_then(|w| w.fit.line())
            .or_else(|| self.plain.line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_line() {
        let mut tr = Trace::default();
        for i in 0..1000 {
            tr.push(i as f64, 5.0 + 0.5 * i as f64);
        }
        let (m, r2) = tr.slope().unwrap();
        assert!((m - 0.5).abs() < 1e-9);
        assert!(r2.unwrap() > 0.999);
    }

    #[test]
    fn sawtooth_climbs_at_its_troughs() {
        // Live set +0.01 per sample, garbage +1 per sample dropped every 97.
        let mut tr = Trace::default();
        for i in 0..3000 {
            let v = 0.01 * i as f64 + (i % 97) as f64;
            tr.push(i as f64, v);
        }
        let (m, _) = tr.slope().unwrap();
        assert!((m - 0.01).abs() < 0.0005, "{m}");
    }

    #[test]
    fn a_few_teeth_climb_at_their_troughs_whatever_the_phase() {
        // Seven collections of uneven teeth in 2000 samples: the block
        // floor lags by a tooth and errs with where the last ones fall;
        // the troughs do not.
        let periods = [250, 330, 270, 310, 240, 340, 280, 300];
        for phase in [0, 70, 140, 210] {
            let mut tr = Trace {
                drop: 1.0,
                ..Trace::default()
            };
            let (mut tooth, mut at) = (0, phase);
            for i in 0..2000u32 {
                if at == periods[tooth % periods.len()] {
                    (tooth, at) = (tooth + 1, 0);
                }
                let garbage = f64::from(at) * 0.1;
                at += 1;
                tr.push(f64::from(i), 0.02 * f64::from(i) + garbage);
            }
            let (m, _) = tr.reported().unwrap();
            assert!((m - 0.02).abs() < 0.0002, "phase {phase}: {m}");
        }
    }

    #[test]
    fn without_collections_the_reported_slope_is_the_floors() {
        let mut tr = Trace {
            drop: 1.0,
            ..Trace::default()
        };
        for i in 0..1000 {
            tr.push(i as f64, 5.0 + 0.01 * i as f64 + (i % 3) as f64 * 0.1);
        }
        assert_eq!(tr.reported(), tr.slope());
    }

    #[test]
    fn dips_do_not_drag_the_floor() {
        let mut tr = Trace::default();
        for i in 0..2000 {
            let v = if i % 500 == 250 { -100.0 } else { 10.0 };
            tr.push(i as f64, v);
        }
        let (m, _) = tr.slope().unwrap();
        assert_eq!(m, 0.0);
    }

    #[test]
    fn short_runs_use_the_samples() {
        let mut tr = Trace::default();
        assert!(tr.slope().is_none());
        for i in 0..10 {
            tr.push(i as f64, 2.0 * i as f64);
        }
        assert!((tr.slope().unwrap().0 - 2.0).abs() < 1e-9);
    }
}
