//! The chart's model: what is drawn (series, their buckets, the report's
//! marks, the axis limits), kept in memory bounded by the picture, not the
//! data. Renderers read it; nothing here knows a format.
//!
//! Each series keeps at most [`MAX_BUCKETS`] buckets over time. A bucket
//! holds the first, last, smallest and largest value that fell in its time
//! slot, with their times, so a chart drawn from buckets shows every spike
//! and every level the raw points would: at most a few buckets share a
//! pixel column. Buckets are keyed by slot number, so points may arrive in
//! any order; when there are too many, the slots double in width and
//! neighbours merge. With a window (`--last`, `--follow --window`) the slot
//! width is fixed by the window and slots that fall out of it are dropped.

use crate::series::Sink;

/// Buckets kept per series before neighbours merge: enough for a chart
/// 2,000 pixels wide at one bucket per pixel.
pub const MAX_BUCKETS: usize = 4096;
/// How many buckets a window is divided into.
const WINDOW_BUCKETS: f64 = 2000.0;

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
}

impl Store {
    pub fn new(window: Option<f64>) -> Store {
        Store {
            window: window.filter(|w| *w > 0.0),
            width: window.map_or(0.0, |w| w / WINDOW_BUCKETS),
            latest: f64::NEG_INFINITY,
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
    /// columns: runs of joined points, split at gaps. Buckets sharing a
    /// column merge first, so a picture holds O(columns) points per series
    /// and still shows every extreme.
    pub fn runs(&self, t0: f64, t1: f64, columns: usize) -> Vec<Vec<(f64, f64)>> {
        let scale = columns.max(1) as f64 / (t1 - t0).max(f64::MIN_POSITIVE);
        let col = |b: &Bucket| ((b.first.0 - t0) * scale).floor();
        let mut runs = vec![Vec::new()];
        let mut pending: Option<Bucket> = None;
        let flush = |runs: &mut Vec<Vec<(f64, f64)>>, b: &Bucket| {
            runs.last_mut().unwrap().extend(b.path());
            if b.gap && !runs.last().unwrap().is_empty() {
                runs.push(Vec::new());
            }
        };
        for b in &self.buckets {
            if b.has_data() && (b.last.0 < t0 || b.first.0 > t1) {
                continue;
            }
            match &mut pending {
                Some(p) if col(p) == col(b) && !p.gap => p.merge(b),
                _ => {
                    if let Some(p) = pending.take() {
                        flush(&mut runs, &p);
                    }
                    pending = Some(*b);
                }
            }
        }
        if let Some(p) = pending {
            flush(&mut runs, &p);
        }
        runs.retain(|r| !r.is_empty());
        runs
    }
}

/// A rectangle in data coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub t0: f64,
    pub t1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Bounds {
    pub fn union(&self, o: &Bounds) -> Bounds {
        Bounds {
            t0: self.t0.min(o.t0),
            t1: self.t1.max(o.t1),
            y0: self.y0.min(o.y0),
            y1: self.y1.max(o.y1),
        }
    }
}

/// A step the report found, marked on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub series: usize,
    pub time: f64,
    pub before: f64,
    pub after: f64,
}

/// One named series.
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub store: Store,
}

/// Everything a chart shows: the series as they are read (a [`Sink`]), and
/// what the user asked for.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    pub series: Vec<Series>,
    pub marks: Vec<Mark>,
    pub title: Option<String>,
    pub ylabel: Option<String>,
    /// x is epoch seconds (false: row numbers).
    pub time: bool,
    /// Fixed axis limits from the command line.
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub ymin: Option<f64>,
    pub ymax: Option<f64>,
    window: Option<f64>,
    /// Points outside `from`..`to` are dropped as they arrive.
    clip: bool,
}

pub use crate::series::MAX_SERIES;

impl Chart {
    /// `window`: keep only this span (seconds) before the latest point.
    pub fn new(time: bool, window: Option<f64>) -> Chart {
        Chart {
            time,
            window,
            ..Chart::default()
        }
    }

    /// Drops points outside `from`..`to` as they arrive.
    pub fn clip(&mut self, from: Option<f64>, to: Option<f64>) {
        self.from = from;
        self.to = to;
        self.clip = true;
    }

    fn ensure(&mut self, n: usize) {
        while self.series.len() < n.min(MAX_SERIES) {
            let i = self.series.len();
            self.series.push(Series {
                name: format!("{}", i + 2),
                store: Store::new(self.window),
            });
        }
    }

    /// Values received, over all series.
    pub fn points(&self) -> u64 {
        self.series.iter().map(|s| s.store.points()).sum()
    }

    /// Series that have data.
    pub fn drawn(&self) -> impl Iterator<Item = (usize, &Series)> {
        self.series
            .iter()
            .enumerate()
            .filter(|(_, s)| s.store.points() > 0)
    }

    /// The area to draw: the data's range, widened by the user's limits,
    /// never empty (a single point or a constant series gets a margin).
    pub fn view(&self) -> Option<Bounds> {
        let mut b = self
            .series
            .iter()
            .filter_map(|s| s.store.bounds())
            .reduce(|a, b| a.union(&b))?;
        if let Some(w) = self.window {
            b.t0 = b.t0.max(b.t1 - w);
        }
        if let Some(f) = self.from {
            b.t0 = f;
        }
        if let Some(t) = self.to {
            b.t1 = t;
        }
        if let Some(y) = self.ymin {
            b.y0 = y;
        }
        if let Some(y) = self.ymax {
            b.y1 = y;
        }
        if b.t1 <= b.t0 {
            let pad = if self.time { 30.0 } else { 1.0 };
            b.t0 -= pad;
            b.t1 += pad;
        }
        if b.y1 <= b.y0 {
            let pad = (b.y0.abs() * 0.05).max(1.0);
            b.y0 -= pad;
            b.y1 += pad;
        }
        Some(b)
    }
}

impl Sink for Chart {
    fn names(&mut self, names: &[String]) {
        self.ensure(names.len());
        for (s, n) in self.series.iter_mut().zip(names) {
            s.name.clone_from(n);
        }
    }

    fn point(&mut self, series: usize, time: f64, value: Option<f64>) {
        if series >= MAX_SERIES {
            return;
        }
        if self.clip && (self.from.is_some_and(|f| time < f) || self.to.is_some_and(|t| time > t)) {
            return;
        }
        self.ensure(series + 1);
        self.series[series].store.push(time, value);
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
    fn chart_view_pads_single_points() {
        let mut c = Chart::new(true, None);
        c.names(&["tcp".into()]);
        c.point(0, 100.0, Some(5.0));
        let v = c.view().unwrap();
        assert!(v.t0 < 100.0 && v.t1 > 100.0 && v.y0 < 5.0 && v.y1 > 5.0);
        c.point(5000, 1.0, Some(1.0));
        assert_eq!(c.series.len(), 1);
    }
}
