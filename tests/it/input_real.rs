//! Real commands' output, stamped by tstamp, read by tsplot with no flags
//! beyond `-y`: the report's min and max are the numbers the command
//! printed. Also the README's "plotting any command" examples, and a
//! property test of the whitespace/units/text-column reading.
//!
//! The commands come from coreutils, procps (vmstat, free) and sysstat
//! (iostat, sar); `.ci/run` installs them. Without them the tests are
//! ignored with the package to install, and under CI they fail
//! (tests/it/prereq.rs): a test that passes without running would prove
//! nothing.

use std::process::{Command, Stdio};

use crate::util::{bin, have, run_with_input, scratch, Cmd};

/// The command's own output (run through `sh -c`).
fn output_of(script: &str, package: &str) -> String {
    let tool = script.split_whitespace().next().unwrap_or(script);
    assert!(
        have(tool),
        "{tool} is missing: install the {package} package (apt-get install {package})"
    );
    let o = Command::new("sh")
        .args(["-c", script])
        .env("LC_ALL", "C")
        .env("S_TIME_FORMAT", "ISO")
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(o.status.success(), "{script}: {:?}", o.status);
    String::from_utf8(o.stdout).unwrap()
}

/// `text | tstamp --us`: each line its own time.
fn stamp(text: &str) -> Vec<u8> {
    let o = run_with_input(Command::new(bin("tstamp")).arg("--us"), text.as_bytes());
    assert!(o.status.success());
    o.stdout
}

/// `tsplot --report=json ARGS` on the input: (name, min, max, samples).
fn report(input: &[u8], args: &[&str]) -> Vec<(String, f64, f64, u64)> {
    let r = Cmd::new("tsplot")
        .arg("--report=json")
        .args(args)
        .env("TZ", "UTC")
        .stdin(input)
        .ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    v["series"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["samples"].as_u64().unwrap_or(0) > 0)
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["min"].as_f64().unwrap(),
                s["max"].as_f64().unwrap(),
                s["samples"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// The series `name` holds exactly `want`'s range and count.
fn holds(got: &[(String, f64, f64, u64)], name: &str, want: &[f64]) {
    let s = got
        .iter()
        .find(|s| s.0 == name)
        .unwrap_or_else(|| panic!("no series {name:?} in {got:?}"));
    let (min, max) = min_max(want);
    assert_eq!((s.1, s.2, s.3), (min, max, want.len() as u64), "{name}");
}

/// Column `name` of a whitespace table printed under a header line
/// (`shift`: the rows' field under the header's: +1 when the rows start
/// with a label the header lacks, -1 when the header starts with one).
fn column(text: &str, header_has: &str, name: &str, shift: isize) -> Vec<f64> {
    let mut idx = None;
    let mut out = Vec::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if l.contains(header_has) {
            idx = f
                .iter()
                .position(|h| *h == name)
                .and_then(|i| usize::try_from(i as isize + shift).ok());
            continue;
        }
        if let Some(v) = idx.and_then(|i| f.get(i)).and_then(|v| v.parse().ok()) {
            if !l.starts_with("Average") {
                out.push(v);
            }
        }
    }
    out
}

#[test]
fn du_s_and_wc_l_file() {
    let dir = scratch("input-real-du");
    let mut raw_du = String::new();
    let mut raw_wc = String::new();
    for n in [1usize, 40, 200] {
        std::fs::write(dir.join(format!("f{n}")), "x\n".repeat(n * 1000)).unwrap();
        raw_du += &output_of(&format!("du -s {}", dir.display()), "coreutils");
        raw_wc += &output_of(
            &format!("wc -l {}", dir.join(format!("f{n}")).display()),
            "coreutils",
        );
    }
    let first = |t: &str| -> Vec<f64> {
        t.lines()
            .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
            .collect()
    };
    let got = report(&stamp(&raw_du), &[]);
    assert_eq!(got.len(), 1, "{got:?}");
    holds(&got, &got[0].0.clone(), &first(&raw_du));
    let got = report(&stamp(&raw_wc), &[]);
    assert_eq!(got.len(), 1, "{got:?}");
    holds(&got, &got[0].0.clone(), &[1000.0, 40000.0, 200000.0]);
    // du -sh's sizes read with K = 1024: the same range as du -sk, within
    // du's rounding to two digits.
    let raw_h = output_of(&format!("du -sh {}", dir.display()), "coreutils");
    let raw_k = output_of(&format!("du -sk {}", dir.display()), "coreutils");
    let got = report(&stamp(&raw_h), &[]);
    let k: f64 = first(&raw_k)[0] * 1024.0;
    assert!(
        (got[0].1 - k).abs() <= 0.1 * k,
        "{raw_h} vs {raw_k}: {got:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(
    missing_procps,
    ignore = "needs vmstat and free (apt-get install procps)"
)]
fn vmstat_free_column_by_name() {
    crate::util::require("procps");
    let raw = output_of("vmstat 1 3", "procps");
    let got = report(&stamp(&raw), &["-y", "free"]);
    assert_eq!(got.len(), 1, "{got:?}");
    holds(&got, "free", &column(&raw, " swpd ", "free", 0));
    // With no flags every column plots, the banner adds none.
    let got = report(&stamp(&raw), &[]);
    let header: Vec<&str> = raw.lines().nth(1).unwrap().split_whitespace().collect();
    let names: Vec<&str> = got.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, header);
}

#[test]
#[cfg_attr(
    missing_procps,
    ignore = "needs vmstat and free (apt-get install procps)"
)]
fn free_m_used_and_available() {
    crate::util::require("procps");
    let raw = output_of("free -m; free -m", "procps");
    // Each label's rows on their own: `used` is Mem:'s, `Swap:used` Swap:'s.
    let labelled = |label: &str, name: &str| -> Vec<f64> {
        let header: Vec<&str> = raw.lines().next().unwrap().split_whitespace().collect();
        let i = header.iter().position(|h| *h == name).unwrap() + 1;
        raw.lines()
            .filter(|l| l.starts_with(label))
            .map(|l| l.split_whitespace().nth(i).unwrap().parse().unwrap())
            .collect()
    };
    let got = report(&stamp(&raw), &["-y", "used,available"]);
    assert_eq!(got.len(), 2, "{got:?}");
    holds(&got, "used", &labelled("Mem:", "used"));
    holds(&got, "available", &labelled("Mem:", "available"));
    let got = report(&stamp(&raw), &["-y", "Swap:used"]);
    assert_eq!(got.len(), 1, "{got:?}");
    holds(&got, "Swap:used", &labelled("Swap:", "used"));
}

/// The rows of the section under the header containing `header_has`,
/// labelled `label` in their first field: field `name` of each.
fn section(text: &str, header_has: &str, label: &str, name: &str) -> Vec<f64> {
    let mut idx = None;
    let mut out = Vec::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if l.contains(header_has) {
            idx = f.iter().position(|h| *h == name);
        } else if f.first() == Some(&label) {
            out.extend(
                idx.and_then(|i| f.get(i))
                    .and_then(|v| v.parse::<f64>().ok()),
            );
        }
    }
    out
}

#[test]
#[cfg_attr(
    missing_sysstat,
    ignore = "needs iostat and sar (apt-get install sysstat)"
)]
fn iostat_sections_and_sar_interfaces() {
    crate::util::require("sysstat");
    // Both of iostat's sections, blank lines between: every series has a
    // sample per interval and no gap; the first device's columns are named
    // as its header names them.
    let raw = output_of("iostat 1 2", "sysstat");
    let got = report(&stamp(&raw), &[]);
    let device = raw
        .lines()
        .skip_while(|l| !l.starts_with("Device"))
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    holds(&got, "tps", &section(&raw, "Device", &device, "tps"));
    let lines: Vec<&str> = raw.lines().collect();
    let idle: Vec<f64> = lines
        .windows(2)
        .filter(|w| w[0].starts_with("avg-cpu:"))
        .map(|w| {
            let i = w[0].split_whitespace().position(|h| h == "%idle").unwrap();
            w[1].split_whitespace().nth(i - 1).unwrap().parse().unwrap()
        })
        .collect();
    holds(&got, "%idle", &idle);
    for s in &got {
        assert_eq!(s.3, 2, "{s:?} in\n{raw}");
    }
    // sar -n DEV: one series per interface and column, never two
    // interfaces in one.
    let raw = output_of("sar -n DEV 1 2", "sysstat");
    let mut ifaces: Vec<&str> = Vec::new();
    for l in raw.lines().filter(|l| !l.starts_with("Average")) {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() == 10 && f[2].parse::<f64>().is_ok() && !ifaces.contains(&f[1]) {
            ifaces.push(f[1]);
        }
    }
    assert!(!ifaces.is_empty(), "{raw}");
    let got = report(&stamp(&raw), &[]);
    assert_eq!(got.len(), 8 * ifaces.len(), "{ifaces:?}: {got:?}");
    for s in &got {
        assert_eq!(s.3, 2, "{s:?} in\n{raw}");
    }
    assert!(got.iter().any(|s| s.0 == "rxpck/s"), "{got:?}");
    for i in &ifaces[1..] {
        assert!(
            got.iter().any(|s| s.0 == format!("{i}:rxpck/s")),
            "no {i}:rxpck/s in {got:?}"
        );
    }
}

#[test]
#[cfg_attr(
    missing_sysstat,
    ignore = "needs iostat and sar (apt-get install sysstat)"
)]
fn iostat_avg_cpu_and_sar_idle() {
    crate::util::require("sysstat");
    let raw = output_of("iostat -c 1 2", "sysstat");
    let got = report(&stamp(&raw), &["-y", "%idle"]);
    holds(&got, "%idle", &column(&raw, "avg-cpu:", "%idle", -1));
    let raw = output_of("sar -u 1 2", "sysstat");
    let got = report(&stamp(&raw), &["-y", "%idle"]);
    holds(&got, "%idle", &column(&raw, "%idle", "%idle", 0));
}

/// The README's "plotting any command" pipelines, bounded: each runs the
/// same command a few times (instead of forever) and is read by tsplot as
/// the README says. `psql \watch` needs a server: its recorded output
/// (tests/data/psql-watch.txt, as `psql -At` with `\watch` prints it) stands in.
#[test]
#[cfg_attr(
    missing_procps,
    ignore = "needs vmstat and free (apt-get install procps)"
)]
fn readme_examples_plot() {
    crate::util::require("procps");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for example in [
        "while sleep 5; do du -s /var/log; done | tstamp | tsplot",
        "vmstat 5 | tstamp | tsplot -y free",
        "free -m -s 5 | tstamp | tsplot -y used,available",
        "while sleep 5; do wc -l /etc/passwd; done | tstamp | tsplot",
        "-c '\\watch 5' | tstamp | tsplot",
    ] {
        assert!(readme.contains(example), "README lacks {example:?}");
    }
    let runs = [
        ("for i in 1 2 3; do du -s /etc; done", vec![]),
        ("vmstat 1 2", vec!["-y", "free"]),
        ("free -m; free -m", vec!["-y", "used,available"]),
        ("for i in 1 2 3; do wc -l /etc/passwd; done", vec![]),
    ];
    for (script, args) in runs {
        let raw = output_of(script, "procps");
        let input = stamp(&raw);
        let mut args: Vec<&str> = args;
        args.extend(["-W", "60", "-H", "10"]);
        let r = Cmd::new("tsplot").args(&args).stdin(&input).ok();
        assert!(
            r.stdout().contains('⡀') || r.stdout().lines().count() > 5,
            "{script}"
        );
    }
    let watch = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/psql-watch.txt"
    ))
    .unwrap();
    let got = report(&stamp(&String::from_utf8(watch).unwrap()), &[]);
    assert_eq!(got.len(), 1, "{got:?}");
    holds(&got, &got[0].0.clone(), &[12.0, 12.0, 14.0, 17.0]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Random tables of numbers, with random blanks between columns, sizes
    /// with units and a text column, stamped: the values read are the
    /// values written.
    #[test]
    fn whitespace_tables_read_back(
        rows in proptest::collection::vec(
            (proptest::collection::vec((0u32..100_000, 0usize..5), 3), 1usize..4, "/[a-z]{1,8}"),
            2..12,
        ),
    ) {
        let units = [("", 1.0), ("K", 1024.0), ("M", 1048576.0), ("Gi", 1073741824.0), ("%", 1.0)];
        let mut text = String::from("a b c name\n");
        let mut want: Vec<Vec<f64>> = vec![Vec::new(); 3];
        for (vals, gap, word) in &rows {
            let pad = " ".repeat(*gap);
            for (i, (v, u)) in vals.iter().enumerate() {
                let (suffix, mult) = units[*u];
                // Halves are exact in binary: what is written is what is meant.
                let x = f64::from(*v) / 2.0;
                text += &format!("{pad}{x}{suffix}");
                want[i].push(x * mult);
            }
            text += &format!("{pad}{word}\n");
        }
        let stamped: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{},{l}\n", 1_764_000_000 + i))
            .collect();
        let got = report(stamped.as_bytes(), &[]);
        proptest::prop_assert_eq!(got.len(), 3, "{:?}", got);
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            let (min, max) = min_max(&want[i]);
            let s = got.iter().find(|s| s.0 == *name).unwrap();
            proptest::prop_assert_eq!((s.1, s.2, s.3), (min, max, want[i].len() as u64));
        }
    }
}
