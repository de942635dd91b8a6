//! The house rules a stranger relies on, held by a test: no Rust source
//! file over 800 lines, and each begins (after any crate attributes) with a
//! comment that says what it owns.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

/// The Rust files under `dir`, build output left out.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.map(|e| e.expect("a directory entry")) {
        let path = e.path();
        if path.is_dir() {
            if !matches!(
                e.file_name().to_str(),
                Some("target" | "work" | "corpus" | "artifacts")
            ) {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_is_short_and_says_what_it_owns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "bin", "tests", "examples", "bench", "fuzz"] {
        sources(&root.join(dir), &mut files);
    }
    // The walk must have found the tree, or the test asks nothing.
    assert!(files.len() > 50, "only {} files found", files.len());
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a readable source");
        let name = f.strip_prefix(root).unwrap_or(f).display().to_string();
        let lines = text.lines().count();
        if lines > MAX_LINES {
            bad.push(format!("{name}: {lines} lines (at most {MAX_LINES})"));
        }
        let first = text.lines().find(|l| !l.starts_with("#!["));
        if !first.is_some_and(|l| l.starts_with("//")) {
            bad.push(format!("{name}: does not open with a comment"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
