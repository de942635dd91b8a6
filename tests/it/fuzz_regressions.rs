//! Replays every input a fuzz target once crashed on (tests/data/fuzz/TARGET/,
//! copied there from fuzz/artifacts/ by whoever fixed the crash), through the
//! same entry point the fuzz target calls. `fuzz/run` finds new ones.

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut n = 0;
    for file in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = file.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let caught = std::panic::catch_unwind(|| entry(&data));
        assert!(caught.is_ok(), "{} panics", path.display());
        n += 1;
    }
    n
}

#[test]
fn tstamp_format_inputs() {
    assert!(replay("tstamp_format", leakhunt::fuzzing::tstamp_format) > 0);
}

#[test]
fn tsplot_input_inputs() {
    assert!(replay("tsplot_input", leakhunt::fuzzing::tsplot_input) > 0);
}

#[test]
fn proc_tables_inputs() {
    assert!(replay("proc_tables", leakhunt::fuzzing::proc_tables) > 0);
}

#[test]
fn tsplot_pipeline_inputs() {
    assert!(replay("tsplot_pipeline", leakhunt::fuzzing::tsplot_pipeline) > 0);
}
