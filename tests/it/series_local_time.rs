//! Times written without an offset are local times. This file holds one
//! test so that setting TZ cannot race another thread; the POSIX rule
//! needs no tzdata: CET/CEST with the EU's DST changes.

use leakhunt::series::{parse_bytes, Collect, Options};
use leakhunt::time::zone::{self, Zone};

#[test]
fn local_times_follow_the_zone_and_its_dst_rules() {
    std::env::set_var("TZ", "CET-1CEST,M3.5.0,M10.5.0/3");
    zone::init();
    let input = "\
2025-11-24 17:00:00,1
2025-07-01T12:00:00,2
2025-03-30 02:30:00,3
2025-10-26 02:30:00,4
2025-11-24T17:00:00+01:00,5
2025-11-24T16:00:00Z,6
";
    let mut c = Collect::default();
    parse_bytes(input.as_bytes(), Options::default(), &mut c).unwrap();
    let t0 = 1_764_000_000.0; // 2025-11-24T16:00:00Z
    let times: Vec<f64> = c.points.iter().map(|p| p.1).collect();
    assert_eq!(
        times,
        [
            t0,
            1_751_364_000.0, // 10:00Z: summer time, +2
            1_743_298_200.0, // in the spring gap: read with +1, 01:30Z
            1_761_438_600.0, // in the autumn overlap: the earlier, 00:30Z
            t0,
            t0,
        ]
    );
    // -u: the same text read as UTC.
    let mut c = Collect::default();
    let utc = Options {
        zone: Zone::Utc,
        ..Options::default()
    };
    parse_bytes(b"2025-11-24 16:00:00,1\n", utc, &mut c).unwrap();
    assert_eq!(c.points[0].1, t0);
    // The ts default format is local time too (a year inferred: pin it).
    std::env::set_var("TSPLOT_NOW", "1764086400");
    let mut c = Collect::default();
    parse_bytes(b"Nov 24 17:00:00 1\n", Options::default(), &mut c).unwrap();
    assert_eq!(c.points[0].1, t0);
}
