//! The chart as a standalone SVG file, fit to attach to a ticket: axes with
//! round ticks and grid lines, title, axis labels, legend, gaps drawn as
//! breaks, the report's steps marked. At most a few points per pixel column
//! per series, so its size does not grow with the data.

use std::fmt::Write as _;

use super::ticks;
use super::{Bounds, Chart, Renderer};
use crate::time::zone::Zone;

/// Series colours, the same order as the terminal chart's and the HTML
/// page's.
pub const COLORS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// The largest picture, in pixels either way.
pub const MAX_SIZE: u32 = 10_000;

pub struct Options {
    pub width: u32,
    pub height: u32,
    pub zone: Zone,
}

/// Text made safe for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

struct Frame {
    view: Bounds,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    fn x(&self, t: f64) -> f64 {
        self.ux(self.view.ux(t))
    }
    fn y(&self, v: f64) -> f64 {
        self.uy(self.view.uy(v))
    }
    /// From view units (0..=1) to pixels.
    fn ux(&self, x: f64) -> f64 {
        self.left + x * (self.right - self.left)
    }
    fn uy(&self, y: f64) -> f64 {
        self.bottom - y * (self.bottom - self.top)
    }
}

impl Renderer for Options {
    fn render(&self, chart: &Chart) -> String {
        render(chart, self)
    }
}

/// The whole SVG document.
pub fn render(chart: &Chart, o: &Options) -> String {
    let w = o.width.clamp(200, MAX_SIZE) as f64;
    let h = o.height.clamp(120, MAX_SIZE) as f64;
    let mut s = String::with_capacity(64 * 1024);
    let _ = writeln!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let title = chart.title.as_deref().unwrap_or("");
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let Some(view) = chart.view() else {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#666">no data</text></svg>"##,
            w / 2.0,
            h / 2.0
        );
        return s;
    };
    let series: Vec<_> = chart.drawn().collect();
    let yt = ticks::values(
        view.y0,
        view.y1,
        ((h - 100.0) / 40.0).max(2.0) as usize,
        chart.integral(),
    );
    let (yt, ylabels): (Vec<f64>, Vec<String>) = yt.labelled().into_iter().unzip();
    let lw = ylabels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64 * 7.0;
    let f = Frame {
        view,
        left: 20.0 + lw + if chart.ylabel.is_some() { 18.0 } else { 0.0 },
        right: w - 20.0,
        top: if title.is_empty() { 20.0 } else { 44.0 },
        bottom: h - 58.0,
    };
    if !title.is_empty() {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="#222">{}</text>"##,
            w / 2.0,
            escape(title)
        );
    }
    // Grid and ticks.
    let _ = writeln!(s, r##"<g stroke="#e4e4e4" stroke-width="1">"##);
    for v in &yt {
        let y = f.y(*v);
        let _ = writeln!(
            s,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
            f.left, f.right
        );
    }
    let xt: Vec<(f64, String)> = if chart.time {
        ticks::times(
            view.t0,
            view.t1,
            ((f.right - f.left) / 110.0).max(2.0) as usize,
            o.zone,
        )
    } else {
        // Row numbers: whole ticks.
        ticks::values(
            view.t0,
            view.t1,
            ((f.right - f.left) / 80.0).max(2.0) as usize,
            true,
        )
        .labelled()
    };
    for (t, _) in &xt {
        let x = f.x(*t);
        let _ = writeln!(
            s,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"/>"#,
            f.top, f.bottom
        );
    }
    let _ = writeln!(s, "</g>");
    let _ = writeln!(
        s,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#888"/>"##,
        f.left,
        f.top,
        f.right - f.left,
        f.bottom - f.top
    );
    let _ = writeln!(s, r##"<g class="yticks" fill="#444" text-anchor="end">"##);
    for (v, l) in yt.iter().zip(&ylabels) {
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            f.left - 6.0,
            f.y(*v) + 4.0,
            escape(l)
        );
    }
    let _ = writeln!(s, "</g>");
    let _ = writeln!(
        s,
        r##"<g class="xticks" fill="#444" text-anchor="middle">"##
    );
    for (t, l) in &xt {
        // A label that would run off the picture is pulled inside it.
        let half = 3.5 * l.chars().count() as f64;
        let x = f.x(*t).clamp(half + 2.0, w - half - 2.0);
        let _ = writeln!(
            s,
            r#"<text x="{x:.1}" y="{:.1}">{}</text>"#,
            f.bottom + 17.0,
            escape(l)
        );
    }
    let _ = writeln!(s, "</g>");
    if let Some(yl) = &chart.ylabel {
        let (x, y) = (16.0, (f.top + f.bottom) / 2.0);
        let _ = writeln!(
            s,
            r##"<text x="{x}" y="{y:.1}" transform="rotate(-90 {x} {y:.1})" text-anchor="middle" fill="#444">{}</text>"##,
            escape(yl)
        );
    }
    // The series, clipped to the plot area.
    let _ = writeln!(
        s,
        r#"<clipPath id="plot"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/></clipPath>"#,
        f.left,
        f.top - 1.0,
        f.right - f.left,
        f.bottom - f.top + 2.0
    );
    let columns = (f.right - f.left) as usize;
    for (i, sr) in &series {
        let color = COLORS[i % COLORS.len()];
        let _ = writeln!(
            s,
            r#"<g class="series" clip-path="url(#plot)" fill="none" stroke="{color}" stroke-width="1.5" stroke-linejoin="round"><title>{}</title>"#,
            escape(&sr.name)
        );
        for run in sr.store.runs(view.t0, view.t1, columns) {
            for piece in view.clip(&run) {
                if let [(x, y)] = piece[..] {
                    let _ = writeln!(
                        s,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="2" fill="{color}" stroke="none"/>"#,
                        f.ux(x),
                        f.uy(y)
                    );
                    continue;
                }
                s.push_str("<polyline points=\"");
                for (x, y) in piece {
                    let _ = write!(s, "{:.1},{:.1} ", f.ux(x), f.uy(y));
                }
                s.pop();
                s.push_str("\"/>\n");
            }
        }
        let _ = writeln!(s, "</g>");
    }
    // Steps from --report.
    if !chart.marks.is_empty() {
        let _ = writeln!(s, r#"<g class="steps" font-size="10">"#);
        let mut label_end = f64::NEG_INFINITY;
        for m in &chart.marks {
            if m.time < view.t0 || m.time > view.t1 {
                continue;
            }
            let color = COLORS[m.series % COLORS.len()];
            let (x, y) = (f.x(m.time), f.y(m.after.clamp(view.y0, view.y1)));
            let when = if chart.time {
                ticks::full_time(m.time, o.zone)[11..].to_string()
            } else {
                ticks::value_label(m.time)
            };
            let _ = writeln!(
                s,
                r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{color}" stroke-dasharray="4 3" stroke-width="1"/><circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{color}"/>"#,
                f.top, f.bottom,
            );
            // A label that would overlap the previous one is left out: the
            // dashed line and the dot still mark the step, and the report
            // lists them all.
            let label = format!(
                "{} → {} at {}",
                ticks::value_label(m.before),
                ticks::value_label(m.after),
                when
            );
            let width = 5.5 * label.chars().count() as f64;
            let (lx, anchor, from, to) = if x + 4.0 + width > f.right {
                (x - 4.0, "end", x - 4.0 - width, x - 4.0)
            } else {
                (x + 4.0, "start", x + 4.0, x + 4.0 + width)
            };
            if from < label_end {
                continue;
            }
            label_end = to + 6.0;
            let _ = writeln!(
                s,
                r#"<text x="{lx:.1}" y="{:.1}" fill="{color}" text-anchor="{anchor}">{}</text>"#,
                (y - 6.0).max(f.top + 10.0),
                escape(&label)
            );
        }
        let _ = writeln!(s, "</g>");
    }
    // Legend, below the time labels.
    let _ = writeln!(s, r##"<g class="legend" fill="#222">"##);
    let mut x = f.left;
    let y = h - 16.0;
    for (i, sr) in &series {
        let name: String = sr.name.chars().take(60).collect();
        let width = 30.0 + 7.0 * name.chars().count() as f64;
        if x + width > w && x > f.left {
            break;
        }
        let _ = writeln!(
            s,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="3"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - 4.0,
            x + 18.0,
            y - 4.0,
            COLORS[i % COLORS.len()],
            x + 23.0,
            escape(&name)
        );
        x += width + 12.0;
    }
    let _ = writeln!(s, "</g>\n</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::Sink;

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape("a<b>&\"'\u{1}"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{fffd}"
        );
    }

    #[test]
    fn well_formed_with_odd_names() {
        let mut c = Chart::new(true, None);
        c.title = Some("</svg><script>".into());
        c.names(&["a&b".into(), "<x>".into()]);
        for i in 0..100 {
            c.point(0, 1e9 + i as f64, Some(i as f64));
            c.point(1, 1e9 + i as f64, if i == 50 { None } else { Some(1.0) });
        }
        let svg = render(
            &c,
            &Options {
                width: 800,
                height: 400,
                zone: Zone::Utc,
            },
        );
        assert!(svg.contains("a&amp;b") && svg.contains("&lt;x&gt;"));
        assert!(!svg.contains("<script>"));
        assert_eq!(svg.matches("<polyline").count(), 3);
    }
}
