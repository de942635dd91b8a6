//! The strftime renderer against glibc's strftime (every flag, width and
//! modifier, two centuries of instants), GNU offsets and ts's own forms.

use super::*;
use crate::time::civil::days_from_civil;
use crate::time::zone::{Offset, Zone};
use std::ffi::CString;

fn render_off(spec: &str, secs: i64, nanos: u32, off: &Offset) -> String {
    let f = Format::compile(spec).unwrap();
    let mut out = Vec::new();
    f.render(&mut out, secs, nanos, off);
    String::from_utf8(out).unwrap()
}

fn render(spec: &str, secs: i64, nanos: u32) -> String {
    render_off(spec, secs, nanos, &Offset::UTC)
}

/// glibc's strftime, in the C locale, on the broken-down time of `secs`
/// at offset `off` named `zone`: the reference for every form both know.
fn libc_strftime(spec: &str, secs: i64, off: i32, zone: &str) -> String {
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t = (secs + off as i64) as libc::time_t;
    // SAFETY: gmtime_r writes into our tm only.
    assert!(!unsafe { libc::gmtime_r(&t, &mut tm) }.is_null());
    let zone = CString::new(zone).unwrap();
    tm.tm_gmtoff = off as libc::c_long;
    tm.tm_zone = zone.as_ptr();
    let fmt = CString::new(spec).unwrap();
    let mut buf = vec![0u8; 4096];
    // SAFETY: buf is large enough and its size is passed; tm_zone outlives the call.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm) };
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// Every conversion letter glibc knows, and some it does not.
const LETTERS: &str = "aAbBcCdDeFgGhHIjklmMnpPrRStTuUVwWxXyYzZ%Q+qJ";

#[test]
fn every_flag_width_and_modifier_matches_glibc() {
    let mut forms = Vec::new();
    for c in LETTERS.chars() {
        for flags in ["", "_", "-", "0", "^", "#", "^#", "_0", "0_", "-_"] {
            for width in ["", "1", "3", "10"] {
                for m in ["", "E", "O"] {
                    forms.push(format!("%{flags}{width}{m}{c}"));
                }
            }
        }
    }
    let times = [
        1_764_000_000i64, // Mon Nov 24 16:00:00 2025
        1_741_503_489,    // Sun Mar  9 07:58:09 2025
        946_684_800,      // Sat Jan  1 00:00:00 2000
        1_704_067_199,    // Sun Dec 31 23:59:59 2023
        -2_208_988_800,   // 1900-01-01
        43_200,           // noon
    ];
    let mut checked = 0;
    let mut bad = Vec::new();
    for &t in &times {
        for (off, name) in [
            (0, "UTC"),
            (19_800, "IST"),
            (-18_000, "EST"),
            (37_800, "+1030"),
        ] {
            let mut o = Offset::fixed(off);
            if off == 0 {
                o = Offset::UTC;
            }
            for f in &forms {
                let want = libc_strftime(f, t, off, if off == 0 { "UTC" } else { name });
                let got = render_off(f, t, 0, &o);
                // Our fixed offsets have no name; compare %Z only for UTC.
                if f.ends_with('Z') && off != 0 {
                    continue;
                }
                if got != want && bad.len() < 3000 {
                    bad.push(format!(
                        "{f:?} at {t} offset {off}: {got:?}, glibc {want:?}"
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(checked > 30_000, "{checked}");
}

#[test]
fn matches_glibc_over_two_centuries() {
    let spec = "%Y %C %y %G %g %m %b %h %B %d %e %j %U %W %V %a %A %u %w \
                %H %k %I %l %p %P %M %S %z %T %R %D %F %r %c %x %X %% %n %t \
                %-d %_m %-H %0e %_H %-j %-y %^a %#b %10A %-10B %_5Y";
    let mut t: i64 = -2_208_988_800; // 1900-01-01
    let mut checked = 0;
    while t < 4_102_444_800 {
        assert_eq!(
            render(spec, t, 0),
            libc_strftime(spec, t, 0, "UTC"),
            "at {t}"
        );
        t += 86_400 * 3 + 3_607 * 5 + 13;
        checked += 1;
    }
    // Every day around several new years, where ISO weeks are tricky.
    for y in [
        1999i64, 2004, 2008, 2009, 2010, 2015, 2020, 2021, 2026, 2027,
    ] {
        let d0 = days_from_civil(y, 12, 20).unwrap();
        for d in d0..d0 + 20 {
            let t = d * 86_400 + 45_296;
            assert_eq!(
                render(spec, t, 0),
                libc_strftime(spec, t, 0, "UTC"),
                "at {t}"
            );
            checked += 1;
        }
    }
    assert!(checked > 20_000);
}

#[test]
fn epoch_seconds_and_widths() {
    assert_eq!(render("%s", 1_764_000_000, 0), "1764000000");
    assert_eq!(render("%s", -5, 0), "-5");
    assert_eq!(
        render("%12s|%012s|%-12s|%_12s", 5, 0),
        "           5|000000000005|           5|           5"
    );
}

#[test]
fn ts_fractions_and_nanos() {
    let t = 1_764_000_007;
    assert_eq!(render("%.s", t, 250_000_999), "1764000007.250000");
    assert_eq!(render("%.S", t, 5_000), "07.000005");
    assert_eq!(render("%.T", t, 999_999_999), "16:00:07.999999");
    // ts rewrites before strftime, even inside a %%.
    assert_eq!(render("%%.S|%.Y", t, 5_000), "%S.000005|%.Y");
    assert_eq!(
        render("%N|%3N|%6N|%1N", t, 123_456_789),
        "123456789|123|123456|1"
    );
    // Floor seconds with a positive fraction, as ts prints negative deltas.
    assert_eq!(render("%.s", -1, 500_000_000), "-1.500000");
    assert!(Format::compile("%.s").unwrap().is_fractional());
    assert!(Format::compile("x%3N").unwrap().is_fractional());
    assert!(!Format::compile("%T %s").unwrap().is_fractional());
}

#[test]
fn gnu_offsets() {
    let f = |spec: &str, secs: i32| render_off(spec, 0, 0, &Offset::fixed(secs));
    assert_eq!(
        f("%z %:z %::z %:::z", 19_800),
        "+0530 +05:30 +05:30:00 +05:30"
    );
    assert_eq!(f("%:::z", 3_600 * 5), "+05");
    assert_eq!(
        f("%:::z|%::z", -(3_600 * 3 + 30 * 60 + 7)),
        "-03:30:07|-03:30:07"
    );
    assert_eq!(
        f("%z|%:z|%H:%M", -(3 * 3600 + 30 * 60)),
        "-0330|-03:30|20:30"
    );
    assert_eq!(render("%z %:z %Z", 0, 0), "+0000 +00:00 UTC");
    for bad in ["%:Y", "%::::z", "%:", "a%::"] {
        match Format::compile(bad) {
            Err(FormatError::Unknown(d)) => assert!(bad.contains(&d), "{bad}: {d}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(
        Format::compile("%:Y").unwrap_err().to_string(),
        "unknown format directive \"%:Y\""
    );
    assert!(Format::compile("%10N").is_err());
}

#[test]
fn unknown_directives_are_copied_as_ts_prints_them() {
    assert_eq!(render("[%%] x%ny%tz é", 0, 0), "[%] x\ny\tz é");
    assert_eq!(render("%+|%Q|%^q|%5Q|a%", 0, 0), "%+|%Q|%^Q|  %5Q|a%");
    assert_eq!(render("%-", 0, 0), "%-");
    assert_eq!(render("%5", 0, 0), "   %5");
    let f = Format::compile("%Y-%Q %+ %").unwrap();
    assert_eq!(f.unknown(), ["%Q", "%+", "%"]);
    assert!(Format::compile("%F").unwrap().unknown().is_empty());
}

#[test]
fn perl_gives_up_on_huge_outputs() {
    assert_eq!(render("%1000Y", 1_764_000_000, 0).len(), 1000);
    assert_eq!(render("%2000Y", 1_764_000_000, 0), "");
}

#[test]
fn compiled_items() {
    assert_eq!(
        Format::compile("a%Tb").unwrap().items(),
        &[
            Item::Literal(b"a".to_vec()),
            Item::Conv(Conv {
                d: Directive::Hour,
                pad: Pad::Default,
                width: None,
                case: Case::Keep
            }),
            Item::Literal(b":".to_vec()),
            Item::Conv(Conv {
                d: Directive::Minute,
                pad: Pad::Default,
                width: None,
                case: Case::Keep
            }),
            Item::Literal(b":".to_vec()),
            Item::Conv(Conv {
                d: Directive::Second,
                pad: Pad::Default,
                width: None,
                case: Case::Keep
            }),
            Item::Literal(b"b".to_vec()),
        ]
    );
}

#[test]
fn strings_for_labels() {
    assert_eq!(
        strftime("%F %T", 1_764_000_000.75, Zone::Utc),
        "2025-11-24 16:00:00"
    );
    assert_eq!(
        strftime("%T.%3N", 1_764_000_000.75, Zone::Utc),
        "16:00:00.750"
    );
}
