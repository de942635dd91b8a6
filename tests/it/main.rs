//! The one integration test binary: a module per area, run on the built
//! binaries through [`util::Cmd`]. `cargo test` builds and links it once.
//!
//! A test whose prerequisite (tmux, chromium, postgres, lsof, ts, promtool,
//! root...) is missing must fail under `CI` and be reported as ignored,
//! with the reason, elsewhere: never pass. libtest decides "ignored" at
//! compile time only, so build.rs probes every prerequisite of
//! tests/it/prereq.rs and, unless `CI` is set, emits `missing_<name>` for
//! each one absent; such a test carries
//! `#[cfg_attr(missing_<name>, ignore = "needs ...")]` and starts with
//! [`util::require`]`("<name>")`, which fails it when the tool is still
//! absent (always so under `CI`, where nothing is marked ignored). Chosen
//! over `#[ignore]` plus `--include-ignored`, which would either never run
//! these tests in a plain `cargo test` or fail them on every machine
//! lacking a tool. build.rs probes again when CI, PATH or a PATH directory
//! changes (installing the tool), so a plain `cargo test` then runs it.

mod prereq;
mod rng;
mod util;

mod e2e_postgres;
mod fdcount;
mod fdcount_alloc;
mod fdcount_narrow;
mod fdcount_stress;
mod fuzz_regressions;
mod input_real;
mod layout;
mod manpages;
mod pipeline_props;
mod report;
mod report_output;
mod report_real;
mod report_rules;
mod safety;
mod series_data;
mod series_local_time;
mod tsplot_chart;
mod tsplot_cli;
mod tsplot_live;
mod tsplot_scale;
mod tstamp;
mod tstamp_stress;
