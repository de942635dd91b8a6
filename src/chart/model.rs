//! The chart's model: what is drawn (the series and their buckets, the
//! report's marks, the axis limits and the view they give), kept in memory
//! bounded by the picture, not the data, and the geometry every renderer
//! shares: where a point falls in the view, and lines clipped to it.
//! Nothing here knows a format.

use super::store::Store;
use crate::series::Sink;

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

    /// Where time `t` falls across the view: 0 at `t0`, 1 at `t1`.
    pub fn ux(&self, t: f64) -> f64 {
        unit(t, self.t0, self.t1)
    }

    /// Where value `v` falls up the view: 0 at `y0`, 1 at `y1`.
    pub fn uy(&self, v: f64) -> f64 {
        unit(v, self.y0, self.y1)
    }

    /// A line of data points as the pieces of it inside the view, in view
    /// units (0..=1 both ways, see [`Bounds::ux`]): a limit below or above
    /// the data (`--ymin`, `--ymax`) cuts the line where it leaves the
    /// view, never moves it to the edge.
    pub fn clip(&self, run: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let pts: Vec<(f64, f64)> = run.iter().map(|&(t, v)| (self.ux(t), self.uy(v))).collect();
        let mut out = Vec::new();
        if let [p] = pts[..] {
            if (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1) {
                out.push(vec![p]);
            }
            return out;
        }
        let mut cur: Vec<(f64, f64)> = Vec::new();
        for w in pts.windows(2) {
            let Some((a, b)) = clip_segment(w[0], w[1]) else {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            };
            if cur.last() != Some(&a) {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push(a);
            }
            cur.push(b);
            if b != w[1] {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }
}

/// Points further out than this many view widths are drawn as if there:
/// the visible part of a line to them moves by under a billionth.
const FAR: f64 = 1e9;

/// `(v - lo) / (hi - lo)`, finite for any finite input: quartered first,
/// which is exact, so that no difference overflows (`-1e308..1e308`).
fn unit(v: f64, lo: f64, hi: f64) -> f64 {
    let r = (v * 0.25 - lo * 0.25) / (hi * 0.25 - lo * 0.25);
    if r.is_nan() {
        0.5
    } else {
        r.clamp(-FAR, FAR)
    }
}

/// The part of the segment `p`..`q` inside the unit square (Liang-Barsky);
/// ends inside it come back unchanged.
fn clip_segment(p: (f64, f64), q: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut enter, mut leave) = (0.0f64, 1.0f64);
    for (pk, qk) in [(-dx, p.0), (dx, 1.0 - p.0), (-dy, p.1), (dy, 1.0 - p.1)] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else if pk < 0.0 {
            enter = enter.max(qk / pk);
        } else {
            leave = leave.min(qk / pk);
        }
    }
    if enter > leave {
        return None;
    }
    let at = |k: f64| (p.0 + k * dx, p.1 + k * dy);
    let a = if enter == 0.0 { p } else { at(enter) };
    let b = if leave == 1.0 { q } else { at(leave) };
    Some((a, b))
}

/// An axis range: the data's, replaced by the user's limits where given;
/// never empty nor reversed: a limit past the data leaves the view empty
/// beyond it, and a constant gets a margin. Always finite.
fn axis(
    data: (f64, f64),
    lo: Option<f64>,
    hi: Option<f64>,
    pad: impl Fn(f64) -> f64,
) -> (f64, f64) {
    let within = |v: f64| v.clamp(f64::MIN, f64::MAX);
    let (mut a, mut b) = (lo.unwrap_or(data.0), hi.unwrap_or(data.1));
    if b <= a {
        match (lo, hi) {
            (Some(_), None) => b = within(a + pad(a)),
            (None, Some(_)) => a = within(b - pad(b)),
            _ => {
                let p = pad(a);
                (a, b) = (within(a - p), within(b + p));
            }
        }
    }
    if b <= a {
        // At the end of the f64 range: widen the other way.
        if a == f64::MAX {
            a = b - pad(b);
        } else {
            b = within(a + pad(a));
        }
    }
    (a, b)
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

    /// Whether every drawn value is a whole number: the value axis then
    /// gets whole ticks only.
    pub fn integral(&self) -> bool {
        self.drawn().all(|(_, s)| s.store.integral())
    }

    /// The area to draw: the data's range, replaced by the user's limits
    /// where given, never empty (a single point or a constant series gets a
    /// margin) and finite.
    pub fn view(&self) -> Option<Bounds> {
        let mut b = self
            .series
            .iter()
            .filter_map(|s| s.store.bounds())
            .reduce(|a, b| a.union(&b))?;
        if let Some(w) = self.window {
            b.t0 = b.t0.max(b.t1 - w);
        }
        let tpad = if self.time { 30.0 } else { 1.0 };
        (b.t0, b.t1) = axis((b.t0, b.t1), self.from, self.to, |_| tpad);
        (b.y0, b.y1) = axis((b.y0, b.y1), self.ymin, self.ymax, |y| {
            (y.abs() * 0.05).max(1.0)
        });
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

    fn view_of(points: &[(f64, f64)], ymin: Option<f64>, ymax: Option<f64>) -> Bounds {
        let mut c = Chart::new(true, None);
        for &(t, v) in points {
            c.point(0, t, Some(v));
        }
        c.ymin = ymin;
        c.ymax = ymax;
        c.view().unwrap()
    }

    #[test]
    fn limits_past_the_data_leave_the_view_empty_there() {
        let pts = [(0.0, 1.0), (10.0, 3.0)];
        let v = view_of(&pts, Some(10.0), None);
        assert!(v.y0 == 10.0 && v.y1 > 10.0, "{v:?}");
        let v = view_of(&pts, None, Some(-5.0));
        assert!(v.y1 == -5.0 && v.y0 < -5.0, "{v:?}");
        let v = view_of(&pts, Some(2.0), Some(2.5));
        assert_eq!((v.y0, v.y1), (2.0, 2.5));
        for extreme in [f64::MAX, f64::MIN, 1e-300, -1e-300] {
            let v = view_of(&[(0.0, extreme), (1.0, extreme)], None, None);
            assert!(v.y0.is_finite() && v.y1.is_finite() && v.y0 < v.y1, "{v:?}");
        }
        let v = view_of(&[(0.0, f64::MAX)], Some(f64::MAX), None);
        assert!(v.y0 < v.y1 && v.y1 == f64::MAX, "{v:?}");
    }

    #[test]
    fn geometry_is_finite_and_clips_at_the_edges() {
        let v = Bounds {
            t0: 0.0,
            t1: 10.0,
            y0: -1e308,
            y1: 1e308,
        };
        assert_eq!(v.uy(0.0), 0.5);
        assert_eq!(v.uy(1e308), 1.0);
        let tiny = Bounds {
            t0: 0.0,
            t1: 1.0,
            y0: 0.0,
            y1: 1e-300,
        };
        assert_eq!(tiny.uy(5e-301), 0.5);
        assert_eq!(tiny.uy(1e308), FAR);
        // A line that rises through the top of the view is cut there and
        // comes back where it falls in again.
        let v = Bounds {
            t0: 0.0,
            t1: 4.0,
            y0: 0.0,
            y1: 1.0,
        };
        let pieces = v.clip(&[(0.0, 0.5), (1.0, 1.5), (2.0, 1.5), (3.0, 0.5), (4.0, 0.5)]);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![(0.0, 0.5), (0.125, 1.0)]);
        assert_eq!(pieces[1], vec![(0.625, 1.0), (0.75, 0.5), (1.0, 0.5)]);
        assert!(v.clip(&[(1.0, 7.0), (2.0, 9.0)]).is_empty());
        assert!(v.clip(&[(1.0, 7.0)]).is_empty());
        assert_eq!(v.clip(&[(2.0, 0.5)]), vec![vec![(0.5, 0.5)]]);
    }
}
