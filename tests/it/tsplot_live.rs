//! `tsplot --html` in a real headless browser (Debian's chromium) and
//! `tsplot --follow` in a real terminal (tmux). `.ci/run` installs both; on
//! a machine without them these tests say so loudly and skip.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::{require, scratch};

const TSPLOT: &str = env!("CARGO_BIN_EXE_tsplot");

/// A leak: a step every 300 samples, one spike, 5 s apart, two series.
fn leak_log(rows: usize) -> String {
    let mut s = String::from("time,tcp,</script><script>alert(1)</script>\n");
    for i in 0..rows {
        let spike = if i == rows / 3 { 40 } else { 0 };
        s.push_str(&format!(
            "{},{},{}\n",
            1_764_000_000 + 5 * i,
            10 + i / 300 + spike,
            3
        ));
    }
    s
}

fn tsplot(args: &[&str], input: &str) -> std::process::Output {
    crate::util::run_with_input(
        Command::new(TSPLOT).args(args).env("TZ", "UTC"),
        input.as_bytes(),
    )
}

#[test]
#[cfg_attr(missing_chromium, ignore = "needs chromium (apt-get install chromium)")]
fn html_page_works_in_a_real_browser() {
    let dir = scratch("html");
    let page = dir.join("leak.html");
    let out = tsplot(
        &["--html", "--report", "-o", page.to_str().unwrap()],
        &leak_log(3000),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script>alert(1)"),
        "series name not escaped"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "page refers to the network"
    );
    require("chromium");
    let v = browser_selftest(&dir, &page);
    assert_eq!(v["series"], 2, "{v}");
    assert_eq!(v["legend"], 2, "{v}");
    assert!(
        v["marks"].as_u64().unwrap() >= 5,
        "report steps marked: {v}"
    );
    let hover = v["hover"].as_str().unwrap();
    // 2025-11-24 16:00 UTC + up to 4 h: the read-out shows time and values.
    assert!(
        hover.starts_with("2025-11-24 1"),
        "hover read-out: {hover:?}"
    );
    assert!(hover.contains("\ntcp: "), "hover read-out: {hover:?}");
    assert!(
        hover.contains("</script><script>alert(1)</script>: 3"),
        "{hover:?}"
    );
    assert_eq!(v["zoomed"], true, "{v}");
    assert_eq!(v["toggled"], true, "{v}");
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Opens `page` in headless chromium at `#selftest` (the page drives
/// itself as a user would and writes what it showed into the DOM) and hands
/// back what it reported. A page that hangs (a tick loop that never ends)
/// is killed after 90 s and fails here.
fn browser_selftest(dir: &std::path::Path, page: &std::path::Path) -> serde_json::Value {
    let profile = dir.join(format!(
        "profile-{}",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let run = Command::new("timeout")
        .arg("90")
        .arg("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,800",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}#selftest", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&run.stdout);
    let log = String::from_utf8_lossy(&run.stderr);
    let start = dom.find("<pre id=\"selftest\">").unwrap_or_else(|| {
        panic!("the page's self-test did not run; DOM:\n{dom:.2000}\nlog:\n{log:.3000}")
    });
    let json = &dom[start + 19..];
    let json = &json[..json.find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for line in log.lines() {
        assert!(
            !(line.contains("CONSOLE") && line.contains("Uncaught")),
            "console error: {line}"
        );
    }
    v
}

/// The page with a hole in time, values 1e17 and 1e17 + 16 (where adding
/// a tick step to 1e17 never advances), ±1e308 and whole numbers: it draws
/// in a real browser, ends, and shows what the chart shows.
#[test]
#[cfg_attr(missing_chromium, ignore = "needs chromium (apt-get install chromium)")]
fn html_page_draws_holes_and_extreme_values_in_a_real_browser() {
    let dir = scratch("html-extreme");
    let pages = [
        (
            "hole",
            (0..30)
                .chain(90..120)
                .map(|i| (i, (10 + i % 4) as f64))
                .collect::<Vec<_>>(),
        ),
        (
            "e17",
            vec![(0, 1e17), (1, 1e17 + 16.0), (2, 1e17), (3, 1e17 + 16.0)],
        ),
        (
            "e308",
            vec![(0, 1e308), (60, -1e308), (120, 1e-300), (180, f64::MAX)],
        ),
    ];
    for (name, rows) in &pages {
        let page = dir.join(format!("{name}.html"));
        let csv: String = rows
            .iter()
            .map(|(t, v)| format!("{},{v:e}\n", 1_764_000_000 + t))
            .collect();
        let out = tsplot(&["--html", "-o", page.to_str().unwrap()], &csv);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    require("chromium");
    for (name, _) in &pages {
        let v = browser_selftest(&dir, &dir.join(format!("{name}.html")));
        assert_eq!(v["errors"], serde_json::json!([]), "{name}: {v}");
        let ticks: Vec<&str> = v["yticks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let mut distinct = ticks.clone();
        distinct.dedup();
        assert!(!ticks.is_empty() && distinct == ticks, "{name}: {ticks:?}");
        assert!(
            ticks.iter().all(|t| !t.contains("NaN")),
            "{name}: {ticks:?}"
        );
        match *name {
            // Two pieces of line, whole-number ticks.
            "hole" => {
                assert_eq!(v["pieces"], serde_json::json!([2]), "{v}");
                assert!(ticks.iter().all(|t| t.parse::<i64>().is_ok()), "{ticks:?}");
            }
            "e17" => assert!(
                ticks
                    .iter()
                    .all(|t| t.starts_with("1e17") || t.starts_with("1.0000000000000")),
                "{ticks:?}"
            ),
            _ => assert_eq!(v["pieces"], serde_json::json!([1]), "{v}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn html_page_stays_small_for_many_rows() {
    let dir = scratch("html-big");
    let page = dir.join("big.html");
    let out = tsplot(
        &["--html", "-o", page.to_str().unwrap()],
        &leak_log(1_000_000),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(size < 1_000_000, "1M rows gave a {size}-byte page");
    let html = std::fs::read_to_string(&page).unwrap();
    // The spike (value 40 + level) survives downsampling.
    assert!(
        html.contains(",50.0,") || html.contains(",50,"),
        "spike lost"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, cmd: &str) -> Tmux {
        let t = Tmux {
            socket: format!("leakhunt-{}-{name}", std::process::id()),
        };
        let ok = Command::new("tmux")
            .args([
                "-L",
                &t.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "100",
                "-y",
                "30",
                cmd,
            ])
            .env("TZ", "UTC")
            .status()
            .unwrap();
        assert!(ok.success());
        t
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    /// Waits until the screen satisfies `ok`, or panics after 10 s.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let t = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "waited for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn braille(s: &str) -> usize {
    s.chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count()
}

#[test]
#[cfg_attr(missing_tmux, ignore = "needs tmux (apt-get install tmux)")]
fn follow_redraws_a_pipe_in_place_and_restores_the_terminal() {
    require("tmux");
    let dir = scratch("follow");
    let fifo = dir.join("in");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let cmd = format!(
        "echo BEFORE; {TSPLOT} --follow < {}; echo EXIT=$?; sleep 60",
        fifo.display()
    );
    let tmux = Tmux::start("follow", &cmd);
    let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    writeln!(w, "time,tcp").unwrap();
    for i in 0..20 {
        writeln!(w, "{},{}", 1_764_000_000 + i, 10 + i / 5).unwrap();
    }
    w.flush().unwrap();
    let s = tmux.wait_for("a chart of 21 lines", |s| {
        braille(s) > 10 && s.contains("21 lines")
    });
    assert!(!s.contains("BEFORE"), "not in the alternate screen:\n{s}");
    assert!(s.contains("16:00"), "no wall-clock labels:\n{s}");
    // More rows arrive: the same screen is redrawn, not scrolled.
    for i in 20..40 {
        writeln!(w, "{},{}", 1_764_000_000 + i, 10 + i / 5).unwrap();
        w.flush().unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    let s = tmux.wait_for("41 lines", |s| s.contains("41 lines"));
    assert_eq!(s.matches("following").count(), 1, "redrawn in place:\n{s}");
    // A narrower window redraws to fit.
    tmux.run(&["resize-window", "-x", "60", "-y", "20"]);
    tmux.wait_for("a narrower chart", |s| {
        s.lines().all(|l| l.chars().count() <= 60) && braille(s) > 5
    });
    // Ctrl-C: tsplot ends with status 0 and the shell's screen is back.
    tmux.run(&["send-keys", "C-c"]);
    let s = tmux.wait_for("the restored screen", |s| s.contains("EXIT="));
    assert!(s.contains("BEFORE") && s.contains("EXIT=0"), "{s}");
    assert_eq!(braille(&s), 0, "chart left on the main screen:\n{s}");
    drop(w);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(missing_tmux, ignore = "needs tmux (apt-get install tmux)")]
fn follow_a_growing_file_like_tail() {
    require("tmux");
    let dir = scratch("follow-file");
    let log = dir.join("leak.log");
    let mut f = std::fs::File::create(&log).unwrap();
    for i in 0..10 {
        writeln!(f, "{},{}", 1_764_000_000 + 5 * i, 10).unwrap();
    }
    let cmd = format!(
        "{TSPLOT} --follow --window 1m {}; echo EXIT=$?; sleep 60",
        log.display()
    );
    let tmux = Tmux::start("tail", &cmd);
    tmux.wait_for("10 lines", |s| s.contains("10 lines") && braille(s) > 0);
    for i in 10..30 {
        writeln!(f, "{},{}", 1_764_000_000 + 5 * i, 10 + i / 10).unwrap();
    }
    f.flush().unwrap();
    tmux.wait_for("30 lines", |s| s.contains("30 lines"));
    tmux.run(&["send-keys", "C-c"]);
    tmux.wait_for("exit 0", |s| s.contains("EXIT=0"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ctrl-C at a random moment in `fdcount | tstamp | tee | tsplot --follow`:
/// every tool ends with status 0, the terminal is restored, and the log
/// holds only whole stamped lines (tstamp wrote every line it read).
#[test]
#[cfg_attr(missing_tmux, ignore = "needs tmux (apt-get install tmux)")]
fn ctrl_c_anywhere_in_the_whole_pipeline() {
    require("tmux");
    let fdcount = env!("CARGO_BIN_EXE_fdcount");
    let tstamp = env!("CARGO_BIN_EXE_tstamp");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    for round in 0..3u32 {
        let dir = scratch(&format!("pipeline-{round}"));
        let log = dir.join("log");
        // tee -i ignores SIGINT and -p keeps writing the file after the
        // chart has gone, so the log shows all tstamp wrote.
        let script = format!(
            "echo BEFORE; {fdcount} -p $$ -k all,pipe -i 0.01 | {tstamp} --ms | tee -i -p {} | {TSPLOT} --follow; echo EXIT=${{PIPESTATUS[*]}}; sleep 60",
            log.display()
        );
        let tmux = Tmux::start(&format!("pipeline-{round}"), &format!("bash -c '{script}'"));
        tmux.wait_for("a live chart", |s| braille(s) > 0);
        let pause = (seed.wrapping_mul(round + 7) % 700) as u64;
        std::thread::sleep(Duration::from_millis(pause));
        tmux.run(&["send-keys", "C-c"]);
        let s = tmux.wait_for("the pipeline's exit", |s| s.contains("EXIT="));
        assert!(s.contains("EXIT=0 0 0 0"), "statuses (seed {seed}):\n{s}");
        assert!(
            s.contains("BEFORE") && braille(&s) == 0,
            "screen not restored:\n{s}"
        );
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.ends_with('\n'), "partial last line in {text:?}");
        let mut n = 0;
        for line in text.lines() {
            let f: Vec<&str> = line.split(',').collect();
            assert!(
                f.len() == 3 && f[0].len() == 13 && f.iter().all(|x| x.parse::<u64>().is_ok()),
                "bad line {line:?} (seed {seed})"
            );
            n += 1;
        }
        assert!(n > 0, "nothing logged");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
