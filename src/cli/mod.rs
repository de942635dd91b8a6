//! Command-line helpers shared by the tools' lexopt parsers.
//!
//! Each tool parses its arguments into a `Config` in a loop over
//! `lexopt::Parser`, then validates the whole after the loop. These helpers
//! turn option values into typed values with usage errors that name the
//! option and the offending text.

pub mod completions;
pub mod flags;

use crate::error::{Error, Result};
use std::ffi::OsString;
use std::str::FromStr;
use std::time::Duration;

/// The package version, printed by every tool's `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `tool --version` output.
pub fn version_text(tool: &str) -> String {
    format!("{tool} (leakhunt) {VERSION}\n")
}

/// What a tool says about itself, for [`answer`].
pub struct About<'a> {
    pub tool: &'a str,
    /// `--help` up to its options: name, usage lines, description.
    pub intro: &'a str,
    /// `--help` after its options (exit status).
    pub footer: &'a str,
    /// The flag table, the one source of the options in `--help` and
    /// completions.
    pub opts: &'a [flags::Opt],
    /// What the free arguments are, for completions.
    pub positional: flags::Value,
}

/// Answers `--help`, `--version` and `--completions SHELL`, which every tool
/// handles alike before doing its work: `Some(status)` when one was asked.
pub fn answer(
    about: &About,
    help: bool,
    version: bool,
    completions: Option<&str>,
) -> Result<Option<crate::error::Status>> {
    let text = if help {
        flags::help(about.intro, about.opts, about.footer)
    } else if version {
        version_text(about.tool)
    } else if let Some(shell) = completions {
        completions::script(about.tool, shell, about.opts, about.positional)?
    } else {
        return Ok(None);
    };
    crate::sys::output::print(&text)?;
    Ok(Some(crate::error::Status::Success))
}

/// An option value as UTF-8 text.
pub fn string(opt: &str, value: OsString) -> Result<String> {
    value
        .into_string()
        .map_err(|v| Error::usage(format!("invalid value {v:?} for {opt}: not valid UTF-8")))
}

/// An option value parsed as `T`, e.g. a PID or a count.
pub fn number<T: FromStr>(opt: &str, value: &str) -> Result<T> {
    value.trim().parse().map_err(|_| {
        Error::usage(format!(
            "invalid value \"{value}\" for {opt}: expected a number"
        ))
    })
}

/// Parses a duration: plain seconds (`5`, `0.5`) or with a unit suffix
/// `ms`, `s`, `m`, `h`, `d`, `w` (`500ms`, `10m`, `1.5h`). Negative, NaN or
/// infinite values are refused.
pub fn duration(opt: &str, value: &str) -> Result<Duration> {
    let bad = || {
        Error::usage(format!(
            "invalid duration \"{value}\" for {opt}: expected seconds or a number with ms, s, m, h, d or w"
        ))
    };
    let v = value.trim();
    let split = v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().map_err(|_| bad())?;
    let scale = match unit {
        "" | "s" | "sec" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        "w" => 7.0 * 86400.0,
        _ => return Err(bad()),
    };
    let secs = n * scale;
    if !secs.is_finite() || !(0.0..=1e12).contains(&secs) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The items of a comma-separated list, trimmed, empty items dropped.
pub fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("-i", "5").unwrap(), Duration::from_secs(5));
        assert_eq!(duration("-i", "0.25").unwrap(), Duration::from_millis(250));
        assert_eq!(duration("-i", "500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(duration("-i", "10m").unwrap(), Duration::from_secs(600));
        assert_eq!(duration("-i", "1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(duration("-i", "2d").unwrap(), Duration::from_secs(172800));
        for bad in ["-3", "abc", "5x", "", "nan", "inf", "1e300"] {
            let e = duration("-i", bad).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad}");
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn numbers_and_lists() {
        assert_eq!(number::<u32>("-p", "3136").unwrap(), 3136);
        let e = number::<u32>("-p", "abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid value \"abc\" for -p: expected a number"
        );
        assert_eq!(list(" a, b,,c ").collect::<Vec<_>>(), ["a", "b", "c"]);
    }
}
