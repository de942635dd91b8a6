//! One series' buckets over time, and the typical time between its samples.
//!
//! Each series keeps at most [`MAX_BUCKETS`] buckets over time. A bucket
//! holds the first, last, smallest and largest value that fell in its time
//! slot, with their times, so a chart drawn from buckets shows every spike
//! and every level the raw points would: at most a few buckets share a
//! pixel column. Buckets are keyed by slot number, so points may arrive in
//! any order; when there are too many, the slots double in width and
//! neighbours merge. With a window (`--last`, `--follow --window`) the slot
//! width is fixed by the window and slots that fall out of it are dropped.

/// Buckets kept per series before neighbours merge: enough for a chart
/// 2,000 pixels wide at one bucket per pixel.
pub const MAX_BUCKETS: usize = 4096;
/// How many buckets a window is divided into.
const WINDOW_BUCKETS: f64 = 2000.0;
/// A stretch with no rows longer than this many typical intervals is a
/// hole: the watcher was down, and the line breaks as at an empty field.
pub const HOLE_INTERVALS: f64 = 5.0;

use super::Bounds;

/// One time slot of a series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    /// Slot number: `floor((t - origin) / width)`, or the time itself while
    /// every point still has a bucket of its own.
    key: f64,
    pub first: (f64, f64),
    pub last: (f64, f64),
    pub min: (f64, f64),
    pub max: (f64, f64),
    pub count: u64,
    /// A gap (empty field) fell in this slot: the line breaks after it.
    pub gap: bool,
}

impl Bucket {
    fn new(key: f64, t: f64, v: Option<f64>) -> Bucket {
        let p = (t, v.unwrap_or(f64::NAN));
        Bucket {
            key,
            first: p,
            last: p,
            min: p,
            max: p,
            count: u64::from(v.is_some()),
            gap: v.is_none(),
        }
    }

    /// Whether any value (not only gaps) fell in this slot.
    pub fn has_data(&self) -> bool {
        self.count > 0
    }

    fn add(&mut self, t: f64, v: Option<f64>) {
        let Some(v) = v else {
            self.gap = true;
            return;
        };
        self.merge(&Bucket::new(self.key, t, Some(v)));
    }

    fn merge(&mut self, o: &Bucket) {
        self.gap |= o.gap;
        if o.count == 0 {
            return;
        }
        if self.count == 0 {
            let gap = self.gap;
            *self = Bucket {
                key: self.key,
                gap,
                ..*o
            };
            return;
        }
        if o.first.0 < self.first.0 {
            self.first = o.first;
        }
        if o.last.0 >= self.last.0 {
            self.last = o.last;
        }
        if o.min.1 < self.min.1 {
            self.min = o.min;
        }
        if o.max.1 > self.max.1 {
            self.max = o.max;
        }
        self.count += o.count;
    }

    /// The points to draw for this slot, in time order: first, the extremes,
    /// last (duplicates removed). Drawing them joined shows the slot exactly
    /// as the raw points would at this resolution.
    pub fn path(&self) -> impl Iterator<Item = (f64, f64)> {
        let mut pts = [self.first, self.min, self.max, self.last];
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut n = 0;
        let mut out = [(0.0, 0.0); 4];
        for p in pts {
            if n == 0 || out[n - 1] != p {
                out[n] = p;
                n += 1;
            }
        }
        out.into_iter().take(if self.count == 0 { 0 } else { n })
    }
}

/// The buckets of one series.
#[derive(Clone, Debug, Default)]
pub struct Store {
    buckets: Vec<Bucket>,
    /// Slot width in the time unit; 0 while every time has its own bucket.
    width: f64,
    origin: f64,
    /// Fixed slot width and the span to keep (a window).
    window: Option<f64>,
    latest: f64,
    points: u64,
    /// Every value so far is a whole number (the axis gets whole ticks).
    integral: bool,
    intervals: Intervals,
}

impl Store {
    pub fn new(window: Option<f64>) -> Store {
        Store {
            window: window.filter(|w| *w > 0.0),
            width: window.map_or(0.0, |w| w / WINDOW_BUCKETS),
            latest: f64::NEG_INFINITY,
            integral: true,
            ..Store::default()
        }
    }

    fn key(&self, t: f64) -> f64 {
        if self.width == 0.0 {
            t
        } else {
            ((t - self.origin) / self.width).floor()
        }
    }

    pub fn push(&mut self, t: f64, v: Option<f64>) {
        if !t.is_finite() || v.is_some_and(|v| !v.is_finite()) {
            return;
        }
        if self.buckets.is_empty() {
            self.origin = t;
        }
        if let Some(span) = self.window {
            if t < self.latest - span {
                return;
            }
        }
        self.points += u64::from(v.is_some());
        if let (Some(v), true) = (v, self.integral) {
            // Two conversions, not fract() (a libm call per row); past 2^53
            // every f64 is whole.
            self.integral = v == (v as i64) as f64 || v.abs() >= 9_007_199_254_740_992.0;
        }
        // Rows with an empty field are samples too: the watcher was up.
        if t > self.latest {
            self.intervals.add(t - self.latest);
        }
        self.latest = self.latest.max(t);
        let key = self.key(t);
        // Time-sorted input lands in the last bucket or after it: O(1).
        match self.buckets.last_mut() {
            Some(b) if b.key == key => b.add(t, v),
            Some(b) if b.key < key => self.buckets.push(Bucket::new(key, t, v)),
            None => self.buckets.push(Bucket::new(key, t, v)),
            Some(_) => match self.buckets.binary_search_by(|b| b.key.total_cmp(&key)) {
                Ok(i) => self.buckets[i].add(t, v),
                Err(i) => self.buckets.insert(i, Bucket::new(key, t, v)),
            },
        }
        if let Some(span) = self.window {
            let oldest = self.key(self.latest - span);
            if self.buckets[0].key < oldest {
                let keep = self.buckets.partition_point(|b| b.key < oldest);
                self.buckets.drain(..keep);
            }
        } else if self.buckets.len() > MAX_BUCKETS {
            self.coarsen();
        }
    }

    /// Doubles the slot width (or picks the first width) and merges
    /// buckets that now share a slot.
    fn coarsen(&mut self) {
        if self.width == 0.0 {
            let first = self.buckets[0].key;
            let last = self.buckets[self.buckets.len() - 1].key;
            self.origin = first;
            self.width = ((last - first) / (MAX_BUCKETS as f64 / 2.0)).max(f64::MIN_POSITIVE);
            for b in &mut self.buckets {
                b.key = ((b.first.0 - first) / self.width).floor();
            }
        } else {
            self.width *= 2.0;
            for b in &mut self.buckets {
                b.key = (b.key / 2.0).floor();
            }
        }
        let mut merged: Vec<Bucket> = Vec::with_capacity(self.buckets.len() / 2 + 1);
        for b in self.buckets.drain(..) {
            match merged.last_mut() {
                Some(m) if m.key == b.key => m.merge(&b),
                _ => merged.push(b),
            }
        }
        self.buckets = merged;
        if self.buckets.len() > MAX_BUCKETS {
            self.coarsen();
        }
    }

    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// Values (not gaps) received.
    pub fn points(&self) -> u64 {
        self.points
    }

    /// Whether every value is a whole number.
    pub fn integral(&self) -> bool {
        self.integral
    }

    /// The typical time between rows: the median interval (within 9%),
    /// once there are enough rows to tell.
    pub fn typical_interval(&self) -> Option<f64> {
        self.intervals.median()
    }

    /// Time and value ranges of the data, if any.
    pub fn bounds(&self) -> Option<Bounds> {
        let mut b: Option<Bounds> = None;
        for k in self.buckets.iter().filter(|k| k.has_data()) {
            let kb = Bounds {
                t0: k.first.0,
                t1: k.last.0,
                y0: k.min.1,
                y1: k.max.1,
            };
            b = Some(b.map_or(kb, |b| b.union(&kb)));
        }
        b
    }

    /// The line to draw between `t0` and `t1` across `columns` pixel
    /// columns: runs of joined points, split at gaps (an empty field) and
    /// holes (no rows for more than [`HOLE_INTERVALS`] typical intervals).
    /// Buckets sharing a column merge first, so a picture holds O(columns)
    /// points per series and still shows every extreme.
    pub fn runs(&self, t0: f64, t1: f64, columns: usize) -> Vec<Vec<(f64, f64)>> {
        // In halves, so that a span like -1e308..1e308 does not overflow.
        let scale = columns.max(1) as f64 / (t1 * 0.5 - t0 * 0.5).max(f64::MIN_POSITIVE);
        let col = |b: &Bucket| ((b.first.0 * 0.5 - t0 * 0.5) * scale).floor();
        let hole = self.typical_interval().map(|i| i * HOLE_INTERVALS);
        let mut runs = vec![Vec::new()];
        let mut pending: Option<Bucket> = None;
        let flush = |runs: &mut Vec<Vec<(f64, f64)>>, b: &Bucket, brk: bool| {
            runs.last_mut().unwrap().extend(b.path());
            if brk && !runs.last().unwrap().is_empty() {
                runs.push(Vec::new());
            }
        };
        // The time of the row before the bucket at hand.
        let mut before: Option<f64> = None;
        for b in &self.buckets {
            let prev = before.replace(b.last.0);
            if b.has_data() && (b.last.0 < t0 || b.first.0 > t1) {
                continue;
            }
            let holed = matches!((hole, prev), (Some(h), Some(p)) if b.first.0 - p > h);
            match &mut pending {
                Some(p) if col(p) == col(b) && !p.gap && !holed => p.merge(b),
                _ => {
                    if let Some(p) = pending.take() {
                        flush(&mut runs, &p, p.gap || holed);
                    }
                    pending = Some(*b);
                }
            }
        }
        if let Some(p) = pending {
            flush(&mut runs, &p, p.gap);
        }
        runs.retain(|r| !r.is_empty());
        runs
    }
}

/// Intervals between rows, counted in bins an eighth of an octave wide
/// from 2^-30 (a nanosecond) to 2^50: a median in constant memory, whatever
/// the number of rows.
#[derive(Clone, Debug, Default)]
struct Intervals {
    bins: Vec<u64>,
    /// The last interval, its bin, and how many times in a row it came
    /// (not yet in `bins`): regular samples cost one comparison each.
    last: f64,
    last_bin: usize,
    repeats: u64,
}

const BINS_PER_OCTAVE: f64 = 8.0;
const LOWEST_OCTAVE: f64 = -30.0;
const BINS: usize = 80 * 8;
/// Fewer intervals than this say nothing about what is typical.
const MIN_INTERVALS: u64 = 3;

impl Intervals {
    #[inline]
    fn add(&mut self, dt: f64) {
        if dt == self.last {
            self.repeats += 1;
        } else {
            self.add_new(dt);
        }
    }

    #[inline(never)]
    fn add_new(&mut self, dt: f64) {
        if !(dt.is_finite() && dt > 0.0) {
            return;
        }
        if self.bins.is_empty() {
            self.bins = vec![0; BINS];
        }
        self.bins[self.last_bin] += self.repeats;
        let bin = ((dt.log2() - LOWEST_OCTAVE) * BINS_PER_OCTAVE).floor();
        self.last_bin = bin.clamp(0.0, (BINS - 1) as f64) as usize;
        self.last = dt;
        self.repeats = 1;
    }

    fn median(&self) -> Option<f64> {
        let count = |i: usize| self.bins[i] + if i == self.last_bin { self.repeats } else { 0 };
        let total: u64 = (0..self.bins.len()).map(count).sum();
        if total < MIN_INTERVALS {
            return None;
        }
        let half = total.div_ceil(2);
        let mut seen = 0u64;
        let bin = (0..self.bins.len()).position(|i| {
            seen += count(i);
            seen >= half
        })?;
        // The bin's upper edge: a hole is judged against the longest
        // interval the bin may hold.
        Some(((bin + 1) as f64 / BINS_PER_OCTAVE + LOWEST_OCTAVE).exp2())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extremes(s: &Store) -> (f64, f64) {
        let b = s.bounds().unwrap();
        (b.y0, b.y1)
    }

    #[test]
    fn bounded_and_spikes_survive() {
        let mut s = Store::new(None);
        for i in 0..1_000_000u64 {
            let v = if i == 777_777 {
                1e6
            } else if i == 123_456 {
                -5.0
            } else {
                (i % 10) as f64
            };
            s.push(1.7e9 + i as f64, Some(v));
        }
        assert!(s.buckets().len() <= MAX_BUCKETS);
        assert!(s.buckets().len() > MAX_BUCKETS / 4);
        assert_eq!(extremes(&s), (-5.0, 1e6));
        let max = s.buckets().iter().find(|b| b.max.1 == 1e6).unwrap();
        assert_eq!(max.max.0, 1.7e9 + 777_777.0);
        assert_eq!(s.points(), 1_000_000);
    }

    #[test]
    fn unsorted_input_is_put_in_order() {
        let mut a = Store::new(None);
        let mut b = Store::new(None);
        let times: Vec<u64> = (0..20_000).map(|i| (i * 7919) % 20_000).collect();
        for &t in &times {
            a.push(t as f64, Some((t % 97) as f64));
        }
        for t in 0..20_000u64 {
            b.push(t as f64, Some((t % 97) as f64));
        }
        assert_eq!(a.bounds(), b.bounds());
        assert_eq!(a.points(), b.points());
        // Buckets come out in time order, each inside its own slot.
        for w in a.buckets().windows(2) {
            assert!(w[0].last.0 < w[1].first.0, "{:?}", &w);
        }
        let path: Vec<f64> = a
            .runs(0.0, 1e9, 100_000)
            .concat()
            .iter()
            .map(|p| p.0)
            .collect();
        assert!(path.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn gaps_break_the_line() {
        let mut s = Store::new(None);
        for (t, v) in [
            (1.0, Some(1.0)),
            (2.0, Some(2.0)),
            (3.0, None),
            (4.0, Some(4.0)),
        ] {
            s.push(t, v);
        }
        let runs = s.runs(0.0, 10.0, 1000);
        assert_eq!(runs, vec![vec![(1.0, 1.0), (2.0, 2.0)], vec![(4.0, 4.0)]]);
    }

    #[test]
    fn window_keeps_the_latest_span() {
        let mut s = Store::new(Some(100.0));
        for t in 0..10_000 {
            s.push(t as f64, Some(t as f64));
        }
        let b = s.bounds().unwrap();
        assert!(b.t0 >= 9_899.0 - 0.06 && b.t1 == 9_999.0, "{b:?}");
        assert!(s.buckets().len() <= 2002);
    }

    #[test]
    fn holes_in_time_break_the_line() {
        let mut s = Store::new(None);
        // 1 s samples, then the watcher is down for 60 s.
        for t in (0..30).chain(90..120) {
            s.push(t as f64, Some((t % 3) as f64));
        }
        let typical = s.typical_interval().unwrap();
        assert!((1.0..1.1).contains(&typical), "{typical}");
        let runs = s.runs(0.0, 120.0, 1000);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0].last().unwrap().0, 29.0);
        assert_eq!(runs[1][0].0, 90.0);
        // Coarse columns (many rows per column) still break at the hole.
        assert_eq!(s.runs(0.0, 120.0, 20).len(), 2);
        // Irregular but hole-free sampling stays one line.
        let mut j = Store::new(None);
        for i in 0..200 {
            j.push(i as f64 * 5.0 + (i % 7) as f64 * 0.5, Some(1.0));
        }
        assert_eq!(j.runs(0.0, 1000.0, 1000).len(), 1);
        // Too few rows to know what is typical: no hole is invented.
        let mut few = Store::new(None);
        few.push(0.0, Some(1.0));
        few.push(100.0, Some(2.0));
        assert_eq!(few.runs(0.0, 100.0, 100).len(), 1);
    }

    #[test]
    fn whole_numbers_are_known() {
        let mut s = Store::new(None);
        s.push(1.0, Some(3.0));
        s.push(2.0, None);
        assert!(s.integral());
        s.push(3.0, Some(3.5));
        assert!(!s.integral());
    }
}
