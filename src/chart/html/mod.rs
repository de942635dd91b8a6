//! `tsplot --html`: one self-contained page (inline CSS and JavaScript, no
//! network) holding the downsampled series as JSON, drawn on a canvas with
//! hover read-out, drag-to-zoom, a legend that toggles series, and the
//! report's steps marked.

use serde::Serialize;

use super::{Chart, Renderer};
use crate::time::zone::Zone;

const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

/// Everything the page shows. Serialised as the JSON the script reads.
#[derive(Serialize, Debug)]
pub struct Page<'a> {
    pub title: &'a str,
    pub ylabel: &'a str,
    /// x is epoch seconds (false: row numbers, `--no-time`).
    pub time: bool,
    /// The x range shown when zoomed out.
    pub t0: f64,
    pub t1: f64,
    pub ymin: Option<f64>,
    pub ymax: Option<f64>,
    /// The whole chart's value range, for a view with nothing in it.
    pub y0: f64,
    pub y1: f64,
    /// Every value is a whole number: whole ticks only.
    pub integral: bool,
    /// `(from_time, seconds east of UTC)`: the zone's offsets over the
    /// range, so the page labels times as the chart and the SVG do.
    pub offsets: Vec<(f64, i32)>,
    pub series: Vec<PageSeries<'a>>,
    pub marks: Vec<PageMark>,
}

/// One series: a point per bucket, `[time, min, max, first, last]`, or
/// `None` for a gap.
#[derive(Serialize, Debug)]
pub struct PageSeries<'a> {
    pub name: &'a str,
    pub points: Vec<Option<[f64; 5]>>,
}

/// A step from `--report`, drawn as a dashed line.
#[derive(Serialize, Debug)]
pub struct PageMark {
    pub series: usize,
    pub time: f64,
    pub before: f64,
    pub after: f64,
}

/// The zone's offsets from `t0` to `t1`, as `(from, offset)` pairs: checked
/// every hour (zones change on the hour or half hour), at most a few
/// thousand checks, so a year's log still lists its DST changes.
pub fn offsets(zone: Zone, t0: f64, t1: f64) -> Vec<(f64, i32)> {
    // Past ten million years no zone has rules; the page labels such times
    // as numbers anyway.
    const FAR: f64 = 3e14;
    let start = t0.clamp(-FAR, FAR).floor() as i64;
    let end = t1.max(t0).clamp(-FAR, FAR).ceil() as i64;
    let step = ((end - start) / 4096).max(3600);
    let mut out = vec![(t0, zone.offset_at(start).secs)];
    let mut t = start;
    while t < end {
        let next = (t + step).min(end);
        let o = zone.offset_at(next).secs;
        if o != out[out.len() - 1].1 {
            // The change lies in (t, next]: find the second.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if zone.offset_at(mid).secs == o {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            out.push((hi as f64, o));
        }
        t = next;
    }
    out
}

/// How the page labels times.
pub struct Options {
    pub zone: Zone,
}

impl Renderer for Options {
    fn render(&self, chart: &Chart) -> String {
        page(chart, self.zone).map_or_else(String::new, |p| render(&p))
    }
}

/// What the page shows of `chart`: the same buckets as the SVG, at up to
/// 2,000 columns. `None` when there is nothing to draw.
pub fn page(chart: &Chart, zone: Zone) -> Option<Page<'_>> {
    let view = chart.view()?;
    let series: Vec<PageSeries> = chart
        .drawn()
        .map(|(_, s)| {
            let mut points = Vec::new();
            for run in s.store.runs(view.t0, view.t1, 2000) {
                if !points.is_empty() {
                    points.push(None);
                }
                // Each bucket path is at most 4 points; the page wants one
                // entry per drawn vertex, as [t, min, max, first, last].
                points.extend(run.into_iter().map(|(t, v)| Some([t, v, v, v, v])));
            }
            PageSeries {
                name: &s.name,
                points,
            }
        })
        .collect();
    // Marks refer to the chart's series numbers; the page lists drawn ones.
    let index: Vec<usize> = chart.drawn().map(|(i, _)| i).collect();
    let marks = chart
        .marks
        .iter()
        .filter_map(|m| {
            Some(PageMark {
                series: index.iter().position(|&i| i == m.series)?,
                time: m.time,
                before: m.before,
                after: m.after,
            })
        })
        .collect();
    Some(Page {
        title: chart.title.as_deref().unwrap_or("tsplot"),
        ylabel: chart.ylabel.as_deref().unwrap_or(""),
        time: chart.time,
        t0: view.t0,
        t1: view.t1,
        ymin: chart.ymin,
        ymax: chart.ymax,
        y0: view.y0,
        y1: view.y1,
        integral: chart.integral(),
        offsets: if chart.time {
            offsets(zone, view.t0, view.t1)
        } else {
            vec![(view.t0, 0)]
        },
        series,
        marks,
    })
}

/// The whole page.
pub fn render(page: &Page) -> String {
    let json = serde_json::to_string(page).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(json.len() + SCRIPT.len() + STYLE.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"tsplot ");
    out.push_str(crate::cli::VERSION);
    out.push_str("\">\n<title>");
    escape_into(&mut out, page.title);
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLE);
    // Errors are recorded before the page's own script runs, so the
    // headless-browser test sees any it throws.
    out.push_str("</style>\n<script>window.__tsplotErrors=[];addEventListener(\"error\",function(e){__tsplotErrors.push(String(e.message))});</script>\n</head>\n<body>\n<h1 id=\"title\">");
    escape_into(&mut out, page.title);
    out.push_str(
        "</h1>\n<div id=\"wrap\"><canvas id=\"chart\"></canvas><div id=\"readout\"></div></div>\n",
    );
    out.push_str(
        "<div id=\"bar\"><span id=\"legend\"></span><button id=\"reset\">reset zoom</button>",
    );
    out.push_str("<span class=\"hint\">drag to zoom, double-click to reset, click a name to hide it</span></div>\n");
    out.push_str("<script type=\"application/json\" id=\"tsplot-data\">");
    push_script_json(&mut out, &json);
    out.push_str("</script>\n<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// JSON inside a script element: `<` (which could start `</script>` or
/// `<!--`) and the JavaScript line separators are written as escapes, which
/// JSON reads back as the same characters.
fn push_script_json(out: &mut String, json: &str) {
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
}

fn escape_into(out: &mut String, text: &str) {
    out.push_str(&crate::chart::svg::escape(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(name: &'a str, title: &'a str) -> Page<'a> {
        Page {
            title,
            ylabel: "",
            time: true,
            t0: 0.0,
            t1: 10.0,
            ymin: None,
            ymax: None,
            y0: 0.0,
            y1: 1.0,
            integral: false,
            offsets: vec![(0.0, 0)],
            series: vec![PageSeries {
                name,
                points: vec![Some([0.0, 1.0, 1.0, 1.0, 1.0]), None],
            }],
            marks: vec![],
        }
    }

    #[test]
    fn names_and_titles_stay_text() {
        let evil = "</script><script>alert(1)</script>";
        let html = render(&page(evil, evil));
        assert!(!html.contains("<script>alert"), "{html}");
        assert_eq!(html.matches("</script>").count(), 3);
        // The JSON still decodes to the original name.
        let start = html.find("id=\"tsplot-data\">").unwrap() + 17;
        let end = start + html[start..].find("</script>").unwrap();
        let v: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(v["series"][0]["name"], evil);
        assert_eq!(v["title"], evil);
        assert!(v["series"][0]["points"][1].is_null());
    }

    #[test]
    fn offsets_follow_dst() {
        // Fixed zones only in unit tests: Zone::Local depends on TZ, which the
        // integration test pins.
        assert_eq!(offsets(Zone::Utc, 0.0, 1e6), vec![(0.0, 0)]);
        // Any range ends, in a few thousand checks at most.
        assert_eq!(offsets(Zone::Utc, -1e308, 1e308), vec![(-1e308, 0)]);
    }
}
