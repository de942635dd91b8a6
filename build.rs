//! Marks the integration tests whose prerequisite this machine lacks: each
//! missing one in tests/it/prereq.rs becomes a `missing_<name>` cfg, and
//! the tests carry `#[cfg_attr(missing_<name>, ignore = "needs ...")]`, so
//! `cargo test` counts them as ignored with the reason instead of passing.
//! With `CI` set nothing is marked: the tests run and `util::require`
//! fails them when the prerequisite is absent.
//!
//! libtest cannot ignore a test at run time, so the decision is made here,
//! at build time; a test that still finds its tool missing fails rather
//! than pass (e.g. under `--include-ignored`).

#[path = "tests/it/prereq.rs"]
mod prereq;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=tests/it/prereq.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    for p in prereq::ALL {
        println!("cargo::rustc-check-cfg=cfg(missing_{})", p.name);
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        return;
    }
    let missing: Vec<_> = prereq::ALL.iter().filter(|p| !p.present()).collect();
    for p in &missing {
        println!("cargo::rustc-cfg=missing_{}", p.name);
    }
    if !missing.is_empty() {
        // Installing a tool adds it to one of these: probe again then, so
        // the test stops being ignored without a `cargo clean`.
        for dir in prereq::path_dirs() {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
        if std::path::Path::new(prereq::POSTGRES_DIR).is_dir() {
            println!("cargo::rerun-if-changed={}", prereq::POSTGRES_DIR);
        }
    }
}
