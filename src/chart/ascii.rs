//! The terminal chart: braille dots drawn by textplots, framed by our own
//! axes, wall-clock labels and legend.
//!
//! textplots never prints here: each series is drawn on its own textplots
//! canvas, rendered to a string, and the canvases are merged cell by cell
//! (a cell's colour is the last series with dots in it). textplots works in
//! f32, so it only ever sees dot coordinates: every point is shifted and
//! scaled into the picture in f64 first (epoch seconds in f32 are exact to
//! about two minutes, values near 1e9 to 64), and clipped to it.

use std::fmt::Write as _;

use textplots::{Chart as Canvas, Plot, Shape};

use super::ticks;
use super::{Bounds, Chart, Renderer};
use crate::sys::term::visible;
use crate::time::zone::Zone;

/// The smallest chart drawn, in characters.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;
/// The largest: no terminal is wider or taller, and the picture's memory
/// stays a few MiB.
pub const MAX_WIDTH: u16 = 1000;
pub const MAX_HEIGHT: u16 = 1000;

/// Series colours: ANSI 256-colour codes that read on dark and light
/// backgrounds, in the same order as the SVG's.
const COLORS: [u8; 8] = [33, 160, 34, 208, 129, 136, 170, 37];

pub struct Options {
    /// Total size in characters, labels and legend included.
    pub width: u16,
    pub height: u16,
    pub color: bool,
    pub zone: Zone,
}

impl Renderer for Options {
    fn render(&self, chart: &Chart) -> String {
        render(chart, self)
    }
}

/// The whole chart as text, `height` lines or fewer, none wider than
/// `width` characters.
pub fn render(chart: &Chart, o: &Options) -> String {
    let width = o.width.clamp(MIN_WIDTH, MAX_WIDTH) as usize;
    let height = o.height.clamp(MIN_HEIGHT, MAX_HEIGHT) as usize;
    let mut out = String::new();
    let Some(view) = chart.view() else {
        return out;
    };
    let series: Vec<_> = chart.drawn().collect();
    let mut rows = height;
    if let Some(t) = &chart.title {
        let t: String = one_line(t).chars().take(width).collect();
        let pad = (width.saturating_sub(t.chars().count())) / 2;
        let _ = writeln!(out, "{}{t}", " ".repeat(pad));
        rows -= 1;
    }
    // Below the plot: the x axis, its labels and the legend.
    rows = rows.saturating_sub(3).max(2);

    // Y labels: min, max and round values between, at most one per 3 rows.
    let ylabels = y_labels(&view, rows, chart.integral());
    let ylabel = chart.ylabel.as_deref().map(one_line);
    let lw = ylabels
        .iter()
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(ylabel.as_deref().map_or(0, |l| l.chars().count().min(12)));
    let cols = width.saturating_sub(lw + 2).max(16);

    let grid = draw(&series, &view, cols, rows);
    for (r, line) in grid.iter().enumerate() {
        let label = ylabels
            .iter()
            .find(|(row, _)| *row == r)
            .map_or("", |(_, l)| l.as_str());
        let label = if label.is_empty() && r == rows / 2 {
            ylabel.as_deref().unwrap_or("")
        } else {
            label
        };
        let label: String = label.chars().take(lw).collect();
        let _ = write!(out, "{label:>lw$} ┤");
        for &(bits, owner) in line {
            let ch = char::from_u32(0x2800 + u32::from(bits)).unwrap_or(' ');
            match owner {
                Some(s) if o.color && bits != 0 => {
                    let _ = write!(out, "\x1b[38;5;{}m{ch}\x1b[0m", COLORS[s % COLORS.len()]);
                }
                _ if bits == 0 => out.push(' '),
                _ => out.push(ch),
            }
        }
        out.push('\n');
    }
    // X axis: tick marks and labels at round times.
    let mut axis: Vec<char> = "─".repeat(cols).chars().collect();
    let mut labels = vec![' '; cols + lw + 2];
    let max_ticks = (cols / 12).max(2);
    let xt: Vec<(f64, String)> = if chart.time {
        ticks::times(view.t0, view.t1, max_ticks, o.zone)
    } else {
        // Row numbers: whole ticks.
        ticks::values(view.t0, view.t1, max_ticks, true).labelled()
    };
    let mut free_from = 0;
    for (t, label) in xt {
        let c = (view.ux(t) * (cols - 1) as f64).round();
        if !(0.0..cols as f64).contains(&c) {
            continue;
        }
        let c = c as usize;
        axis[c] = '┬';
        let len = label.chars().count();
        let start = (lw + 2 + c)
            .saturating_sub(len / 2)
            .min(labels.len().saturating_sub(len));
        if start < free_from {
            continue;
        }
        for (i, ch) in label.chars().enumerate() {
            labels[start + i] = ch;
        }
        free_from = start + len + 1;
    }
    let _ = writeln!(
        out,
        "{} └{}",
        " ".repeat(lw),
        axis.iter().collect::<String>()
    );
    let _ = writeln!(out, "{}", labels.iter().collect::<String>().trim_end());
    // Legend: one entry per series, as many as fit on the line.
    let mut legend = " ".repeat(lw + 2);
    let mut used = lw + 2;
    for (n, (i, s)) in series.iter().enumerate() {
        let name: String = one_line(&s.name).chars().take(40).collect();
        let entry_len = name.chars().count() + 4;
        if used + entry_len > width {
            let _ = write!(legend, "(+{} more)", series.len() - n);
            break;
        }
        if o.color {
            let _ = write!(
                legend,
                "\x1b[38;5;{}m━━\x1b[0m {name}  ",
                COLORS[i % COLORS.len()]
            );
        } else {
            let mark = ["━━", "──", "┅┅", "┉┉"][i % 4];
            let _ = write!(legend, "{mark} {name}  ");
        }
        used += entry_len;
    }
    let _ = writeln!(out, "{}", legend.trim_end());
    out
}

/// Text from data or the command line on one terminal line: controls
/// shown escaped, line breaks and tabs as spaces.
fn one_line(s: &str) -> String {
    visible(s).replace(['\n', '\t'], " ")
}

/// Rows of (braille bits, series owning the cell).
fn draw(
    series: &[(usize, &super::Series)],
    view: &Bounds,
    cols: usize,
    rows: usize,
) -> Vec<Vec<(u8, Option<usize>)>> {
    let mut grid = vec![vec![(0u8, None); cols]; rows];
    // Dots: two per cell across, four down; the last column and row of
    // dots sit on the last cell's first dot.
    let w = 2 * (cols as u32 - 1);
    let h = 4 * (rows as u32 - 1);
    for &(i, s) in series {
        // Dot coordinates, computed in f64: small enough for f32 to hold
        // exactly to a hundredth of a dot.
        let pieces: Vec<Vec<(f32, f32)>> = s
            .store
            .runs(view.t0, view.t1, w as usize)
            .iter()
            .flat_map(|run| view.clip(run))
            .map(|piece| {
                piece
                    .into_iter()
                    .map(|(x, y)| ((x * f64::from(w)) as f32, (y * f64::from(h)) as f32))
                    .collect()
            })
            .collect();
        if pieces.is_empty() {
            continue;
        }
        // One canvas per series, a shape per piece: textplots joins the
        // points of a shape, not shapes.
        let mut canvas = Canvas::new_with_y_range(
            w.max(32),
            h.max(3),
            0.0,
            w.max(32) as f32,
            0.0,
            h.max(3) as f32,
        );
        let shapes: Vec<Shape> = pieces
            .iter()
            .map(|p| {
                if p.len() == 1 {
                    Shape::Points(p)
                } else {
                    Shape::Lines(p)
                }
            })
            .collect();
        let mut drawn = &mut canvas;
        for shape in &shapes {
            drawn = drawn.lineplot(shape);
        }
        drawn.figures();
        for (r, line) in drawn.frame().lines().enumerate().take(rows) {
            for (c, ch) in line.chars().enumerate().take(cols) {
                let bits = (ch as u32).wrapping_sub(0x2800);
                if bits > 0 && bits < 256 {
                    let cell = &mut grid[r][c];
                    cell.0 |= bits as u8;
                    cell.1 = Some(i);
                }
            }
        }
    }
    grid
}

/// Y labels by row: the top and bottom values, and round values between,
/// with the digits that tell them apart.
fn y_labels(view: &Bounds, rows: usize, integral: bool) -> Vec<(usize, String)> {
    let ticks = ticks::values(view.y0, view.y1, (rows / 3).max(1), integral);
    // The ends are not round: a digit finer than the ticks.
    let fine = if integral && view.y0.fract() == 0.0 && view.y1.fract() == 0.0 {
        1.0
    } else {
        ticks.step / 10.0
    };
    let mut out = vec![
        (0, ticks::label(view.y1, fine)),
        (rows - 1, ticks::label(view.y0, fine)),
    ];
    for (v, l) in ticks.labelled() {
        let r = ((1.0 - view.uy(v)) * (rows - 1) as f64).round();
        if !(0.0..rows as f64).contains(&r) {
            continue;
        }
        let r = r as usize;
        if out.iter().any(|(row, _)| row.abs_diff(r) < 2) {
            continue;
        }
        out.push((r, l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::Sink;

    fn chart(points: &[(f64, f64)]) -> Chart {
        let mut c = Chart::new(true, None);
        c.names(&["tcp".into()]);
        for &(t, v) in points {
            c.point(0, t, Some(v));
        }
        c
    }

    fn opts(w: u16, h: u16) -> Options {
        Options {
            width: w,
            height: h,
            color: false,
            zone: Zone::Utc,
        }
    }

    #[test]
    fn fits_its_size_and_labels_times() {
        let pts: Vec<(f64, f64)> = (0..1440)
            .map(|i| (1_764_000_000.0 + 5.0 * i as f64, 10.0 + (i / 200) as f64))
            .collect();
        let s = render(&chart(&pts), &opts(100, 30));
        assert_eq!(s.lines().count(), 30, "{s}");
        assert!(s.lines().all(|l| l.chars().count() <= 100), "{s}");
        assert!(s.contains("16:30") && s.contains("17:00"), "{s}");
        assert!(s.contains("17 ┤") && s.contains("10 ┤"), "{s}");
        assert!(s.contains("━━ tcp"), "{s}");
    }

    #[test]
    fn odd_data_draws_something() {
        for pts in [
            vec![(1e9, 5.0)],
            vec![(1e9, 3.0), (1e9 + 60.0, 3.0)],
            vec![(1e9, -1e15), (1e9 + 60.0, 1e15)],
        ] {
            let s = render(&chart(&pts), &opts(40, 10));
            assert!(
                s.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
                "{pts:?}\n{s}"
            );
        }
        let tiny = render(&chart(&[(1.0, 1.0), (2.0, 2.0)]), &opts(1, 1));
        assert!(tiny.lines().count() <= MIN_HEIGHT as usize, "{tiny}");
    }
}
