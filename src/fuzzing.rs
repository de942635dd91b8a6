//! Entry points shared by the cargo-fuzz targets (fuzz/) and the regression
//! test that replays the inputs they once crashed on
//! (tests/it/fuzz_regressions.rs), so both exercise exactly the same code.
//! Each takes arbitrary bytes and must return without panicking.

use crate::series::{InputFormat, Options, Parser, Sink};
use crate::time::format::Format;
use crate::time::zone::{Offset, Zone};

/// tstamp's FORMAT argument: any string either fails to compile or gives a
/// format that renders any instant. The first 12 bytes pick the instant.
pub fn tstamp_format(data: &[u8]) {
    let Some((head, spec)) = data.split_first_chunk::<12>() else {
        return;
    };
    let Ok(spec) = std::str::from_utf8(spec) else {
        return;
    };
    let Ok(format) = Format::compile(spec) else {
        return;
    };
    // Any instant from year -1e6 to 1e6, any offset a real zone could have.
    let mut secs = [0; 8];
    secs.copy_from_slice(&head[..8]);
    let secs = i64::from_le_bytes(secs) % 31_556_952_000_000;
    let mut nanos = [0; 4];
    nanos.copy_from_slice(&head[8..]);
    let nanos = u32::from_le_bytes(nanos) % 1_000_000_000;
    let mut off = Offset::UTC;
    off.secs = (secs % 86_400) as i32 / 2;
    let mut out = Vec::new();
    format.render(&mut out, secs, nanos, &off);
}

struct FiniteTimes;

impl Sink for FiniteTimes {
    fn names(&mut self, _names: &[String]) {}
    fn point(&mut self, _series: usize, time: f64, _value: Option<f64>) {
        assert!(time.is_finite(), "non-finite time {time}");
    }
}

/// tsplot's input parser in every input format (the first byte picks it):
/// it may reject lines, never panic, and every point has a finite time.
pub fn tsplot_input(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let format = [
        InputFormat::Auto,
        InputFormat::Csv,
        InputFormat::Jsonl,
        InputFormat::Prometheus,
    ][usize::from(sel & 3)];
    // -y by name reaches header matching, JSON keys and Prometheus
    // selectors; a second source midway, the lines held for the delimiter.
    let y = if sel & 8 != 0 {
        vec![
            crate::series::Column::Name("free".into()),
            crate::series::Column::Name("kind=\"tcp\"".into()),
        ]
    } else {
        Vec::new()
    };
    let opts = Options {
        format,
        no_time: sel & 4 != 0,
        zone: Zone::Utc,
        y,
        ..Options::default()
    };
    let Ok(mut parser) = Parser::new(opts) else {
        return;
    };
    // Warnings on stderr would slow the fuzzer down to the terminal's pace.
    parser.on_warning(|_| {});
    let mut sink = FiniteTimes;
    let half = if sel & 16 != 0 {
        body.len() / 2
    } else {
        usize::MAX
    };
    let mut at = 0;
    for line in body.split(|&b| b == b'\n') {
        if at >= half {
            parser.set_source("second");
            at = 0;
        } else {
            at += line.len() + 1;
        }
        if parser.line(line, &mut sink).is_err() {
            return;
        }
    }
    let _ = parser.finish(&mut sink);
    std::hint::black_box(parser.summary(true));
}

/// fdcount's /proc table parsers (TCP table rows, socket protocol names,
/// stat and statm lines) on arbitrary bytes.
pub fn proc_tables(data: &[u8]) {
    std::hint::black_box(crate::procfs::parse_all(data));
}
