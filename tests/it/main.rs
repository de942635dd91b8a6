//! The one integration test binary: a module per area, run on the built
//! binaries through [`util::Cmd`]. `cargo test` builds and links it once.
//!
//! A test whose prerequisite (tmux, chromium, postgres, lsof, ts, root...)
//! is missing calls [`util::require`]: under `CI` that fails the test; elsewhere
//! the test says why and is counted as ignored (see util.rs).

mod util;

mod e2e_postgres;
mod fdcount;
mod fdcount_alloc;
mod fdcount_stress;
mod fuzz_regressions;
mod manpages;
mod pipeline_props;
mod report;
mod series_data;
mod series_local_time;
mod tsplot_chart;
mod tsplot_cli;
mod tsplot_live;
mod tsplot_scale;
mod tstamp;
mod tstamp_stress;
