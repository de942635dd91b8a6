//! The time parser: epoch units by magnitude, RFC 3339 and ISO 8601, ts's
//! default form, -f formats, and odd text that must not panic.

use super::*;

// 2025-11-24T16:00:00Z
const T0: f64 = 1_764_000_000.0;

fn p() -> TimeParser {
    let mut p = TimeParser::new(None, None, Zone::Utc).unwrap();
    p.set_now(T0 as i64);
    p
}

fn fmt(f: &str) -> TimeParser {
    let mut p = TimeParser::new(None, Some(f), Zone::Utc).unwrap();
    p.set_now(T0 as i64);
    p
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

#[test]
fn epoch_units_by_magnitude() {
    let p = p();
    assert_eq!(p.parse("1764000000"), Some(T0));
    assert_eq!(p.parse("1764000000123"), Some(T0 + 0.123));
    assert_eq!(p.parse("1764000000123456"), Some(T0 + 0.123456));
    assert_eq!(p.parse("1764000000123456789"), Some(T0 + 0.123456789));
    assert!(close(p.parse("1764000000.25"), T0 + 0.25));
    assert!(close(p.parse("1764000000123.5"), T0 + 0.1235));
    assert_eq!(p.parse("0"), Some(0.0));
    assert_eq!(p.parse("-5"), Some(-5.0));
    assert_eq!(p.parse("+5"), Some(5.0));
    assert_eq!(p.parse(".5"), Some(0.5));
    assert_eq!(p.parse("5."), Some(5.0));
    assert!(close(p.parse("1.764e9"), T0));
    // Thresholds: just below is the smaller unit.
    assert_eq!(p.parse("99999999999"), Some(99_999_999_999.0));
    assert_eq!(p.parse("100000000000"), Some(100_000_000.0));
    assert_eq!(p.parse("100000000000000"), Some(100_000_000.0));
    assert_eq!(p.parse("100000000000000000"), Some(100_000_000.0));
    for bad in [
        "", "-", ".", "1x", "1.2.3", "12 3", "nan", "inf", "1e400", "--1",
    ] {
        assert_eq!(p.parse(bad), None, "{bad:?}");
    }
    // Forced units.
    let ms = TimeParser::new(Some(TimeUnit::Millis), None, Zone::Utc).unwrap();
    assert_eq!(ms.parse("1500"), Some(1.5));
    assert_eq!(ms.epoch_f64(1500.0), Some(1.5));
    let s = TimeParser::new(Some(TimeUnit::Seconds), None, Zone::Utc).unwrap();
    assert_eq!(s.parse("1764000000123"), None); // beyond MAX_ABS_SECS
    assert_eq!(s.parse("176400000012"), Some(176_400_000_012.0));
    assert_eq!(p.epoch_f64(1_764_000_000_123.0), Some(T0 + 0.123));
    assert_eq!(p.epoch_f64(f64::NAN), None);
    // Huge integers fall back to f64 and are refused as times.
    assert_eq!(p.parse(&"9".repeat(60)), None);
    assert!(close(p.parse(&format!("1{}", "0".repeat(20))), 1e11));
    assert_eq!(p.parse(&format!("1{}", "0".repeat(26))), None);
}

#[test]
fn rfc3339_and_iso() {
    let p = p();
    for s in [
        "2025-11-24T16:00:00Z",
        "2025-11-24T16:00:00z",
        "2025-11-24 16:00:00Z",
        "2025-11-24t16:00:00+00:00",
        "2025-11-24T21:30:00+05:30",
        "2025-11-24T21:30:00+0530",
        "2025-11-24T08:00:00-08",
        "2025-11-24T16:00Z",
        "2025-11-24 16:00:00",
        "2025/11/24 16:00:00",
        "2025-11-24T16:00:00.000Z",
    ] {
        assert_eq!(p.parse(s), Some(T0), "{s}");
    }
    assert!(close(
        p.parse("2025-11-24T16:00:00.123456789Z"),
        T0 + 0.123456789
    ));
    assert!(close(p.parse("2025-11-24T21:30:00.5+05:30"), T0 + 0.5));
    assert_eq!(p.parse("2025-11-24"), Some(T0 - 16.0 * 3600.0));
    assert_eq!(p.parse("2024-02-29T00:00:00Z"), Some(1_709_164_800.0));
    for bad in [
        "2025-02-29T00:00:00Z",
        "2025-13-01",
        "2025-11-31",
        "2025-11-24T25:00:00Z",
        "2025-11-24T16:60:00Z",
        "2025-11-24T16:00:00+24:00",
        "2025-11-24T16:00:00X",
        "2025-11-24T16",
        "2025-11-24T",
        "2025-11-2",
        "2025-11/24",
        "99999-11-24",
    ] {
        assert_eq!(p.parse(bad), None, "{bad:?}");
    }
    // tstamp --iso output.
    assert_eq!(p.parse("2025-11-24T17:00:00+01:00"), Some(T0));
    assert!(close(p.parse("2025-11-24T16:00:00.123Z"), T0 + 0.123));
}

#[test]
fn prefixes_stop_at_a_separator() {
    let p = p();
    assert_eq!(p.parse_prefix("2025-11-24 16:00:00 12"), Some((T0, 19)));
    assert_eq!(p.parse_prefix("2025-11-24 12"), Some((T0 - 57600.0, 10)));
    assert_eq!(p.parse_prefix("1764000000 5"), Some((T0, 10)));
    assert_eq!(p.parse_prefix("1764000000,5"), Some((T0, 10)));
    assert_eq!(p.parse_prefix("Nov 24 16:00:00 5"), Some((T0, 15)));
    assert_eq!(p.parse_prefix("1764000000x"), None);
}

#[test]
fn ts_default_format_and_year() {
    let p = p();
    assert_eq!(p.parse("Nov 24 16:00:00"), Some(T0));
    assert_eq!(p.parse("nov 24 16:00:00"), Some(T0));
    assert!(close(p.parse("Nov 24 16:00:00.250000"), T0 + 0.25));
    // Later in the year than now: last year.
    assert_eq!(p.parse("Dec 24 16:00:00"), Some(1_735_056_000.0));
    // Up to a day ahead still counts as this year (clock skew).
    assert_eq!(p.parse("Nov 25 15:00:00"), Some(T0 + 23.0 * 3600.0));
    assert_eq!(p.parse("Nov  4 16:00:00"), Some(T0 - 20.0 * 86400.0));
    assert_eq!(p.parse("Nov 4 16:00:00"), Some(T0 - 20.0 * 86400.0));
    for bad in [
        "Nov 24",
        "Nox 24 16:00:00",
        "Nov 32 16:00:00",
        "Nov 24 16:00",
    ] {
        assert_eq!(p.parse(bad), None, "{bad:?}");
    }
    // Feb 29 in a year that has none, before a leap year's date came.
    let mut q = TimeParser::new(None, None, Zone::Utc).unwrap();
    q.set_now(1_709_164_800 + 86400 * 30); // 2024-03-30
    assert_eq!(q.parse("Feb 29 00:00:00"), Some(1_709_164_800.0));
    q.set_now(1_740_000_000); // 2025-02-19
    assert_eq!(q.parse("Feb 29 00:00:00"), Some(1_709_164_800.0));
}

#[test]
fn time_formats() {
    assert_eq!(
        fmt("%Y-%m-%d %H:%M:%S").parse("2025-11-24 16:00:00"),
        Some(T0)
    );
    assert_eq!(fmt("%d/%m/%Y %T").parse("24/11/2025 16:00:00"), Some(T0));
    assert_eq!(fmt("%F %T %z").parse("2025-11-24 17:00:00 +0100"), Some(T0));
    assert_eq!(
        fmt("%F %T %:z").parse("2025-11-24 17:00:00 +01:00"),
        Some(T0)
    );
    assert_eq!(fmt("%F %T %Z").parse("2025-11-24 16:00:00 UTC"), Some(T0));
    assert_eq!(fmt("%Y%m%d%H%M%S").parse("20251124160000"), Some(T0));
    assert_eq!(fmt("%s").parse("1764000000"), Some(T0));
    assert!(close(fmt("%.s").parse("1764000000.5"), T0 + 0.5));
    assert!(close(fmt("%s.%N").parse("1764000000.5"), T0 + 0.5));
    assert!(close(fmt("%H:%M:%.S").parse("16:00:00.25"), T0 + 0.25));
    assert_eq!(fmt("%b %e %T").parse("Nov 24 16:00:00"), Some(T0));
    assert_eq!(
        fmt("%B %d %Y %T").parse("november 24 2025 16:00:00"),
        Some(T0)
    );
    assert_eq!(
        fmt("%a %b %d %T %Y").parse("Mon Nov 24 16:00:00 2025"),
        Some(T0)
    );
    assert_eq!(fmt("%Y %j %T").parse("2025 328 16:00:00"), Some(T0));
    assert_eq!(fmt("%Y %j").parse("2025 366"), None);
    assert_eq!(fmt("%I:%M %p %F").parse("04:00 PM 2025-11-24"), Some(T0));
    assert_eq!(
        fmt("%I:%M %p %F").parse("12:00 am 2025-11-25"),
        Some(T0 + 8.0 * 3600.0)
    );
    assert_eq!(fmt("%y-%m-%d %T").parse("25-11-24 16:00:00"), Some(T0));
    assert_eq!(fmt("[%T]").parse("[16:00:00]"), Some(T0)); // today
    assert_eq!(fmt("%%%s").parse("%1764000000"), Some(T0));
    // Whitespace in the format matches any run of blanks.
    assert_eq!(fmt("%F %T").parse("2025-11-24    16:00:00"), Some(T0));
    for (f, bad) in [
        ("%F %T", "2025-11-24"),
        ("%F %T", "2025-11-24 16:00:00x"),
        ("%Y-%m-%d", "2025-1x-24"),
        ("%I %p", "13 PM"),
        ("%H:%M", "16"),
        ("%s", "-"),
    ] {
        assert_eq!(fmt(f).parse(bad), None, "{f} {bad:?}");
    }
    assert!(TimeParser::new(None, Some("%V"), Zone::Utc)
        .unwrap_err()
        .contains("%V"));
    assert!(TimeParser::new(None, Some("%Q"), Zone::Utc)
        .unwrap_err()
        .contains("%Q"));
    assert!(TimeParser::new(None, Some("abc"), Zone::Utc).is_err());
}

#[test]
fn never_panics_on_odd_text() {
    let p = p();
    let f = fmt("%Y-%m-%d %H:%M:%.S %z %b %B %a %p %j %N %Z %s");
    for s in [
        "",
        "\u{feff}",
        "é",
        "N",
        "No",
        "Nov",
        "Nov ",
        "2025-",
        "2025-11-24T16:00:00+",
        "2025-11-24T16:00:00+0",
        "2025-11-24T16:00:00.",
        "-",
        "+",
        "Z",
        "%",
        "12:",
        "Novémber",
        "9999-12-31T24:00:00-23:59",
        "0000-01-01T00:00:00+23:59",
    ] {
        let _ = p.parse_prefix(s);
        let _ = f.parse_prefix(s);
    }
    assert_eq!(p.parse("9999-12-31T23:59:59Z"), Some(253_402_300_799.0));
}
