//! Honest charts, on the built tsplot: a hole in time is a break in every
//! format, values near 1e9 keep their precision and labels, whole numbers
//! get whole ticks, axis limits past the data draw an empty or clipped
//! chart, sizes are bounded, and any magnitude gives finite coordinates.

use crate::util::Cmd;

/// 1 s samples with the watcher down for 60 s in the middle.
fn holed() -> String {
    (0..30)
        .chain(90..120)
        .map(|i| format!("{},{}\n", 1_764_000_000 + i, 10 + i % 4))
        .collect()
}

/// The plot area of a terminal chart: what follows each row's `┤`.
fn plot_rows(chart: &str) -> Vec<Vec<char>> {
    chart
        .lines()
        .filter_map(|l| l.split_once('┤'))
        .map(|(_, r)| r.chars().collect())
        .collect()
}

fn is_dot(c: char) -> bool {
    ('\u{2801}'..='\u{28ff}').contains(&c)
}

/// The y labels of a terminal chart, top to bottom.
fn y_labels(chart: &str) -> Vec<String> {
    chart
        .lines()
        .filter_map(|l| l.split_once('┤'))
        .map(|(l, _)| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The JSON an HTML page draws from.
fn page_data(html: &str) -> serde_json::Value {
    let start = html.find("id=\"tsplot-data\">").expect("data element") + 17;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("page JSON")
}

/// The value axis labels of an SVG, bottom to top.
fn svg_yticks(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let ticks = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("yticks"))
        .expect("yticks");
    ticks
        .children()
        .filter(|n| n.is_element())
        .filter_map(|n| n.text())
        .map(str::to_string)
        .collect()
}

/// Every number in an SVG's attributes, which must all be finite.
fn svg_numbers(svg: &str) -> Vec<f64> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            if matches!(
                a.name(),
                "x" | "y" | "x1" | "y1" | "x2" | "y2" | "cx" | "cy" | "points"
            ) {
                for v in a.value().split([' ', ',']).filter(|v| !v.is_empty()) {
                    let v: f64 = v
                        .parse()
                        .unwrap_or_else(|_| panic!("{}={:?}", a.name(), a.value()));
                    assert!(v.is_finite(), "{}={:?}", a.name(), a.value());
                    out.push(v);
                }
            }
        }
    }
    out
}

#[test]
fn a_hole_in_time_breaks_the_line_in_every_format() {
    let chart = Cmd::new("tsplot")
        .args(["-W", "80", "-H", "12"])
        .stdin(holed())
        .ok()
        .stdout();
    let rows = plot_rows(&chart);
    let width = rows.iter().map(Vec::len).max().unwrap();
    let used: Vec<bool> = (0..width)
        .map(|c| rows.iter().any(|r| r.get(c).copied().is_some_and(is_dot)))
        .collect();
    // Dots, then a stretch with none (the hole: 60 of 120 s), then dots.
    let first_empty = used.iter().position(|u| !u).unwrap();
    let resumes = first_empty
        + used[first_empty..]
            .iter()
            .position(|u| *u)
            .expect("line resumes");
    assert!(
        resumes - first_empty > width / 3,
        "no hole drawn ({first_empty}..{resumes} of {width}):\n{chart}"
    );
    // The same rows, the watcher never down: one unbroken line.
    let whole: String = (0..120)
        .map(|i| format!("{},{}\n", 1_764_000_000 + i, 10 + i % 4))
        .collect();
    let chart = Cmd::new("tsplot")
        .args(["-W", "80", "-H", "12"])
        .stdin(whole)
        .ok()
        .stdout();
    let rows = plot_rows(&chart);
    let empty = (0..width)
        .filter(|&c| !rows.iter().any(|r| r.get(c).copied().is_some_and(is_dot)))
        .count();
    assert!(empty <= 1, "{chart}");

    let svg = Cmd::new("tsplot")
        .args(["--format", "svg"])
        .stdin(holed())
        .ok()
        .stdout();
    svg_numbers(&svg);
    assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");

    let html = Cmd::new("tsplot")
        .arg("--html")
        .stdin(holed())
        .ok()
        .stdout();
    let data = page_data(&html);
    let points = data["series"][0]["points"].as_array().unwrap();
    let breaks: Vec<usize> = (0..points.len()).filter(|&i| points[i].is_null()).collect();
    assert_eq!(breaks.len(), 1, "{points:?}");
    let (before, after) = (&points[breaks[0] - 1], &points[breaks[0] + 1]);
    assert_eq!(before[0], 1_764_000_029.0);
    assert_eq!(after[0], 1_764_000_090.0);
    assert_eq!(data["integral"], true);
}

#[test]
fn a_ramp_near_1e9_is_a_ramp_with_labels_that_differ() {
    let ramp: String = (0..200)
        .map(|i| format!("{},{}\n", 1_764_000_000 + i, 1_000_000_000 + i))
        .collect();
    let chart = Cmd::new("tsplot")
        .args(["-W", "80", "-H", "20"])
        .stdin(ramp.clone())
        .ok()
        .stdout();
    // f32 holds values near 1e9 only to 64: a staircase of 3 or 4 levels.
    // In f64 every row of the plot has part of the line.
    let rows = plot_rows(&chart);
    let drawn = rows.iter().filter(|r| r.iter().any(|c| is_dot(*c))).count();
    assert_eq!(drawn, rows.len(), "{chart}");
    let labels = y_labels(&chart);
    let mut distinct = labels.clone();
    distinct.sort();
    distinct.dedup();
    assert!(labels.len() >= 4, "{chart}");
    assert_eq!(distinct.len(), labels.len(), "{chart}");
    assert!(labels.iter().all(|l| l.starts_with("1000000")), "{chart}");
    assert_eq!(labels[0], "1000000199");

    let svg = Cmd::new("tsplot")
        .args(["--format", "svg"])
        .stdin(ramp)
        .ok()
        .stdout();
    let ticks = svg_yticks(&svg);
    let mut distinct = ticks.clone();
    distinct.dedup();
    assert!(ticks.len() >= 4 && distinct == ticks, "{ticks:?}");
    assert!(ticks.iter().all(|t| t.starts_with("1000000")), "{ticks:?}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let line = doc
        .descendants()
        .find(|n| n.has_tag_name("polyline"))
        .unwrap();
    let mut ys: Vec<&str> = line
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| p.split_once(',').unwrap().1)
        .collect();
    ys.sort();
    ys.dedup();
    assert!(ys.len() > 100, "{} distinct heights: a staircase", ys.len());
}

#[test]
fn whole_numbers_get_whole_ticks() {
    // Four levels on a tall chart: a 1-2-5 axis would tick every 0.2.
    let steps: String = (0..60)
        .map(|i| format!("{},{}\n", 1_764_000_000 + 5 * i, i / 20))
        .collect();
    let chart = Cmd::new("tsplot")
        .args(["-W", "60", "-H", "40"])
        .stdin(steps.clone())
        .ok()
        .stdout();
    let labels = y_labels(&chart);
    assert!(labels.len() >= 3, "{chart}");
    assert!(
        labels.iter().all(|l| l.parse::<i64>().is_ok()),
        "{labels:?}\n{chart}"
    );
    let svg = Cmd::new("tsplot")
        .args(["--format", "svg", "-H", "900"])
        .stdin(steps.clone())
        .ok()
        .stdout();
    let ticks = svg_yticks(&svg);
    assert_eq!(ticks, ["0", "1", "2"]);
    // One fractional value, and the axis may tick between whole numbers.
    let halves = format!("{steps}1764000300,0.5\n");
    let svg = Cmd::new("tsplot")
        .args(["--format", "svg", "-H", "900"])
        .stdin(halves)
        .ok()
        .stdout();
    assert!(svg.contains(">0.5<"), "{svg}");
}

#[test]
fn limits_past_the_data_draw_an_empty_or_clipped_chart() {
    let data = "1764000000,1\n1764000060,3\n1764000120,2\n";
    for limit in [["--ymin", "10"], ["--ymax", "-5"]] {
        let chart = Cmd::new("tsplot")
            .args(["-W", "40", "-H", "10"])
            .args(limit)
            .stdin(data)
            .ok()
            .stdout();
        assert!(!chart.chars().any(is_dot), "{limit:?}:\n{chart}");
        for format in ["svg", "html"] {
            let out = Cmd::new("tsplot")
                .args(["--format", format])
                .args(limit)
                .stdin(data)
                .ok()
                .stdout();
            assert!(!out.contains("NaN"), "{limit:?} {format}");
            if format == "svg" {
                svg_numbers(&out);
                assert!(!out.contains("<polyline"), "{out}");
            }
        }
    }
    // A limit inside the data cuts the line where it leaves the axis: the
    // top row holds the part of the line at 2.5 and nothing is drawn
    // flattened along the edge.
    let chart = Cmd::new("tsplot")
        .args(["-W", "40", "-H", "10", "--ymax", "2.5"])
        .stdin(data)
        .ok()
        .stdout();
    let rows = plot_rows(&chart);
    let top = rows[0].iter().filter(|c| is_dot(**c)).count();
    assert!(top > 0 && top < 10, "{chart}");
    let svg = Cmd::new("tsplot")
        .args(["--format", "svg", "--ymin", "1.5", "--ymax", "2.5"])
        .stdin(data)
        .ok()
        .stdout();
    assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
}

#[test]
fn reversed_limits_and_huge_sizes_are_usage_errors() {
    let data = "1764000000,1\n1764000060,3\n";
    for mode in [
        &[][..],
        &["--report"],
        &["--report=json"],
        &["--html"],
        &["--format", "svg"],
        &["--fail-on-growth", "1"],
    ] {
        Cmd::new("tsplot")
            .args(mode)
            .args(["--ymin", "5", "--ymax", "1"])
            .stdin(data)
            .code(2)
            .stderr_has("tsplot: --ymin 5 must be below --ymax 1\n");
    }
    Cmd::new("tsplot")
        .args(["-W", "65535", "-H", "65535"])
        .stdin(data)
        .code(2)
        .stderr_has("at most 1000");
    Cmd::new("tsplot")
        .args(["--format", "svg", "-W", "65535"])
        .stdin(data)
        .code(2)
        .stderr_has("at most 10000");
    // The largest sizes allowed draw.
    let chart = Cmd::new("tsplot")
        .args(["-W", "1000", "-H", "1000"])
        .stdin(data)
        .ok()
        .stdout();
    assert_eq!(chart.lines().count(), 1000);
    assert!(chart.lines().all(|l| l.chars().count() <= 1000));
}

#[test]
fn any_magnitude_gives_finite_coordinates() {
    for values in [
        &[
            "1e308",
            "-1e308",
            "1.7976931348623157e308",
            "-1.7976931348623157e308",
        ][..],
        &["1e-300", "2e-300", "1.5e-300"],
        &["1e17", "100000000000000016", "1e17"],
        &["5e-324", "0", "-5e-324"],
        &["1e308", "1e308"],
    ] {
        let csv: String = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{v}\n", 1_764_000_000 + 60 * i))
            .collect();
        let svg = Cmd::new("tsplot")
            .args(["--format", "svg"])
            .stdin(csv.clone())
            .ok()
            .stdout();
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{values:?}");
        let nums = svg_numbers(&svg);
        assert!(nums.iter().all(|v| v.abs() < 1e6), "{values:?}");
        let ticks = svg_yticks(&svg);
        let mut distinct = ticks.clone();
        distinct.dedup();
        assert!(
            !ticks.is_empty() && distinct == ticks,
            "{values:?}: {ticks:?}"
        );

        let html = Cmd::new("tsplot")
            .arg("--html")
            .stdin(csv.clone())
            .ok()
            .stdout();
        let data = page_data(&html);
        for k in ["t0", "t1", "y0", "y1"] {
            assert!(
                data[k].as_f64().is_some_and(f64::is_finite),
                "{values:?}: {k}"
            );
        }
        let points = data["series"][0]["points"].as_array().unwrap();
        assert!(
            points.iter().all(|p| !p.is_null()),
            "{values:?}: {points:?}"
        );
        let chart = Cmd::new("tsplot")
            .args(["-W", "60", "-H", "12"])
            .stdin(csv)
            .ok()
            .stdout();
        assert!(chart.chars().any(is_dot), "{values:?}\n{chart}");
        let labels = y_labels(&chart);
        let mut distinct = labels.clone();
        distinct.dedup();
        assert_eq!(distinct, labels, "{values:?}\n{chart}");
    }
}

#[test]
fn legend_and_title_show_control_characters_escaped() {
    let csv = "time,\u{1b}]0;PWNED\u{7}x,ok\n1764000000,1,2\n1764000060,2,3\n";
    let chart = Cmd::new("tsplot")
        .args(["-d", ",", "-W", "80", "-H", "10", "--title", "t\u{1b}[2Jt"])
        .stdin(csv)
        .ok()
        .stdout();
    assert!(
        !chart.contains('\u{1b}') && !chart.contains('\u{7}'),
        "{chart:?}"
    );
    assert!(chart.contains("\\x1b]0;PWNED\\x07x"), "{chart}");
    assert!(chart.contains("t\\x1b[2Jt"), "{chart}");
    // With colour on, only the chart's own colour sequences remain.
    let chart = Cmd::new("tsplot")
        .args(["-d", ",", "-W", "80", "-H", "10", "--color", "always"])
        .stdin(csv)
        .ok()
        .stdout();
    assert!(
        !chart.contains("\u{1b}]") && !chart.contains('\u{7}'),
        "{chart:?}"
    );
}
