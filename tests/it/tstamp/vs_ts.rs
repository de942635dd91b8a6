//! tstamp against moreutils `ts`, byte for byte: every strftime form in four
//! zones at pinned instants (ts pinned by libfaketime, tstamp by TSTAMP_NOW
//! with libfaketime preloaded too, so the test clock is shown to survive it),
//! and `-r` against `ts -r`.
//!
//! These need ts (moreutils) and libfaketime: without them they are ignored
//! with the reason, and under CI they fail (tests/it/prereq.rs).

use crate::prereq::FAKETIME_LIB;
use crate::util::{require, Cmd};
use std::process::Command;

fn need_ts_and_faketime() {
    require("ts");
    require("faketime");
}

/// `ts ARGS` on `input` at epoch second `at` in `tz`, in the C locale.
fn ts(args: &[&str], tz: &str, at: i64, input: &[u8]) -> Vec<u8> {
    let mut c = Command::new("ts");
    c.args(args)
        .env("TZ", tz)
        .env("LC_ALL", "C")
        .env("LD_PRELOAD", FAKETIME_LIB)
        .env("FAKETIME_FMT", "%s")
        .env("FAKETIME", at.to_string());
    let o = crate::util::run_with_input(&mut c, input);
    assert!(o.status.success(), "ts {args:?}: {:?}", o.status);
    o.stdout
}

/// tstamp with the same environment, its clock pinned by TSTAMP_NOW.
fn tstamp(args: &[&str], tz: &str, at: i64, input: &[u8]) -> Vec<u8> {
    Cmd::new("tstamp")
        .args(args)
        .env("TZ", tz)
        .env("LC_ALL", "C")
        .env("LD_PRELOAD", FAKETIME_LIB)
        .env("FAKETIME_FMT", "%s")
        .env("FAKETIME", at.to_string())
        .env("TSTAMP_NOW", at.to_string())
        .stdin(input)
        .ok()
        .out
        .stdout
}

/// Every conversion glibc knows and some it does not, under every flag,
/// some widths and both modifiers, joined into a few formats.
fn formats() -> Vec<String> {
    let letters = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%Q+";
    let mut out = Vec::new();
    for flags in ["", "_", "-", "0", "^", "#", "^#", "_0"] {
        for width in ["", "3", "12"] {
            for m in ["", "E", "O"] {
                let f: Vec<String> = letters
                    .chars()
                    .map(|c| format!("%{flags}{width}{m}{c}"))
                    .collect();
                out.push(f.join("|"));
            }
        }
    }
    // ts's own: fractions (also inside a %%), the default, and a lone %.
    out.extend(
        [
            "%.S|%.s|%.T|%%.S|%.Y",
            "%b %d %H:%M:%S",
            "%F %T %z %Z",
            "x%",
            "%",
            "%5",
            "%-",
        ]
        .map(String::from),
    );
    out
}

/// Instants that matter per zone: New York on both sides of a DST change,
/// Lord Howe (a 30-minute DST step) on both sides of its April change.
const CASES: &[(&str, &[i64])] = &[
    ("UTC", &[1_764_000_000, 946_684_799]),
    (
        "America/New_York",
        &[1_710_053_999, 1_710_054_000, 1_730_613_600],
    ),
    ("Asia/Kolkata", &[1_764_000_007]),
    ("Australia/Lord_Howe", &[1_743_865_199, 1_743_865_200]),
];

#[test]
#[cfg_attr(
    any(missing_ts, missing_faketime),
    ignore = "needs ts and libfaketime (apt-get install moreutils faketime)"
)]
fn every_strftime_form_matches_ts_in_four_zones() {
    need_ts_and_faketime();
    let input = b"first line\n\nthird \xff line\n";
    let mut checked = 0;
    for (tz, instants) in CASES {
        for &at in *instants {
            for f in formats() {
                let theirs = ts(&[&f], tz, at, input);
                let ours = tstamp(&["-d", " ", &f], tz, at, input);
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs),
                    "format {f:?} in {tz} at {at}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
#[cfg_attr(
    any(missing_ts, missing_faketime),
    ignore = "needs ts and libfaketime (apt-get install moreutils faketime)"
)]
fn elapsed_formats_match_ts() {
    need_ts_and_faketime();
    // One line, so both see one reading: the start (a zero elapsed time).
    for args in [&["-s"][..], &["-i"], &["-s", "%.T"], &["-i", "%H:%M:%.S"]] {
        let at = 1_764_000_000;
        let theirs = ts(args, "Asia/Kolkata", at, b"x\n");
        let mut ours_args = args.to_vec();
        ours_args.extend(["-d", " "]);
        let ours = tstamp(&ours_args, "Asia/Kolkata", at, b"x\n");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{args:?}"
        );
    }
}

#[test]
#[cfg_attr(
    any(missing_ts, missing_faketime),
    ignore = "needs ts and libfaketime (apt-get install moreutils faketime)"
)]
fn relative_matches_ts_r_on_shared_formats() {
    need_ts_and_faketime();
    // Stamps both read: ts's default, syslog's, RFC 3339 with a fraction
    // and Z (ts -r needs the fraction); past and future; a line without
    // one, bytes that are not UTF-8, a last line without a newline.
    let log: &[u8] = b"Nov 24 15:44:55 fifteen minutes\n\
        Nov  4 16:00:00 syslog, twenty days\n\
        Nov 24 16:05:00 in the future\n\
        Nov 23 16:00:01 almost a day\n\
        2025-11-24T14:29:59.5Z ninety minutes\n\
        Jan 01 00:00:00 this year\n\
        no stamp here \xff\r\n\
        Nov 24 16:00:00 now";
    for tz in [
        "UTC",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
    ] {
        // The same wall-clock "now" everywhere: 16:00 local on Nov 24.
        let at = match tz {
            "UTC" => 1_764_000_000,
            "America/New_York" => 1_764_000_000 + 5 * 3600,
            "Asia/Kolkata" => 1_764_000_000 - 19_800,
            _ => 1_764_000_000 - 11 * 3600,
        };
        for args in [&["-r"][..], &["-r", "%F %T"], &["-r", "%s %Z %z"]] {
            let theirs = ts(args, tz, at, log);
            let ours = tstamp(args, tz, at, log);
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "{args:?} in {tz}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    missing_faketime,
    ignore = "needs libfaketime (apt-get install faketime)"
)]
fn pinned_clock_survives_libfaketime() {
    // A preloaded fake clock must not move TSTAMP_NOW's.
    require("faketime");
    Cmd::new("tstamp")
        .args(["--iso", "--ms"])
        .env("TSTAMP_NOW", "1764000000.25")
        .stdin("x\n")
        .env("LD_PRELOAD", FAKETIME_LIB)
        .env("FAKETIME_FMT", "%s")
        .env("FAKETIME", "1000000000")
        .ok()
        .stdout_is("2025-11-24T16:00:00.250+00:00,x\n");
}

#[test]
fn relative_rewrites_only_the_first_stamp() {
    let log = "1764000000,a 1764000000,b\n\
               1764000000123,ms\n\
               2025-11-24T16:20:00+00:00,future\n\
               2025-11-24T15:00:00Z,iso\n\
               Nov 24 15:44:55 ts default\n\
               Nov  4 16:00:00 syslog\n\
               42,not a stamp\n\
               \n\
               1764000000";
    Cmd::new("tstamp")
        .arg("-r")
        .env("TSTAMP_NOW", "1764000905")
        .stdin(log)
        .ok()
        .stdout_is(
            "15m5s ago,a 1764000000,b\n\
             15m4s ago,ms\n\
             4m55s from now,future\n\
             1h15m ago,iso\n\
             30m10s ago ts default\n\
             20d15m ago syslog\n\
             42,not a stamp\n\
             \n\
             15m5s ago",
        );
    Cmd::new("tstamp")
        .args(["-r", "%F %T %:z"])
        .env("TZ", "Asia/Kolkata")
        .env("TSTAMP_NOW", "1764000905")
        .stdin("1764000000,a\n2025-11-24T16:00:00Z b\n")
        .ok()
        .stdout_is("2025-11-24 21:30:00 +05:30,a\n2025-11-24 21:30:00 +05:30 b\n");
    // -d says what follows an epoch stamp.
    Cmd::new("tstamp")
        .args(["-r", "-u", "-d", " ", "%T"])
        .env("TSTAMP_NOW", "1764000905")
        .stdin("1764000000 a\n1764000000,b\n")
        .ok()
        .stdout_is("16:00:00 a\n1764000000,b\n");
}

#[test]
fn relative_passes_any_bytes_through() {
    let mut data = Vec::new();
    for i in 0..3000u32 {
        data.extend_from_slice(b"1764000000,");
        data.extend((0..(i % 300)).map(|j| (j * 7 + i) as u8 & 0xfe | 1));
        data.push(b'\n');
    }
    data.extend_from_slice(&vec![b'x'; 300_000]);
    let out = Cmd::new("tstamp")
        .args(["-r", "%s"])
        .env("TSTAMP_NOW", "1764000000")
        .stdin(&data)
        .ok()
        .out
        .stdout;
    assert_eq!(out, data);
}
