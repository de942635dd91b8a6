//! What `-x` and `-y` select in a table, and the checks that turn a name
//! or number the input lacks into an error naming what it has.

use super::super::listing;
use crate::error::Result;
use crate::series::{clip, Column, Parser};
use crate::sys::term::visible;

impl Parser {
    /// `-y` names the first header applied (or the last one read, at the
    /// end) lacks are an error listing the names it has. In a command's
    /// output in sections (its first header after a blank line, as
    /// iostat's `avg-cpu:` and then `Device`), a name may be a later
    /// section's: it is an error when the output comes round to the first
    /// header again without it, or at the end.
    pub(super) fn check_y(&mut self, names: &[&str]) -> Result<()> {
        for n in names {
            if self.csv.y_names_seen.len() < 256 && !self.csv.y_names_seen.iter().any(|s| s == n) {
                self.csv.y_names_seen.push(n.to_string());
            }
        }
        if self.csv.y_checked {
            return self.check_y_later(names);
        }
        self.csv.y_checked = true;
        let sectioned = self.csv.header_by_blanks && self.csv.header_after_blank;
        for c in &self.opts.y {
            if let Column::Name(n) = c {
                if !names.contains(&n.as_str()) {
                    if self.y_label_ok(n, names) {
                        self.csv.y_trusted.insert(n.clone());
                        continue;
                    }
                    if sectioned {
                        self.csv.y_later.push(n.clone());
                        continue;
                    }
                    return Err(self.y_unknown(n, names));
                }
            }
        }
        if !self.csv.y_later.is_empty() {
            self.csv.y_first_names = names.iter().map(|n| n.to_string()).collect();
        }
        Ok(())
    }

    /// A later section's header: the names still unknown it has are found;
    /// the first header again means the rest are not there.
    fn check_y_later(&mut self, names: &[&str]) -> Result<()> {
        self.csv.y_later.retain(|n| !names.contains(&n.as_str()));
        let round = self
            .csv
            .y_first_names
            .iter()
            .map(String::as_str)
            .eq(names.iter().copied());
        match self.csv.y_later.first() {
            Some(n) if round => {
                let seen: Vec<&str> = self.csv.y_names_seen.iter().map(String::as_str).collect();
                Err(self.y_unknown(n, &seen))
            }
            _ => Ok(()),
        }
    }

    fn y_unknown(&self, n: &str, names: &[&str]) -> crate::error::Error {
        crate::error::Error::failure(format!(
            "{}: -y {1}: no column named \"{1}\" (columns: {2})",
            self.csv.header_at,
            visible(&clip(n)),
            listing(names.iter().copied())
        ))
    }

    /// At the end: a header never followed by data still checks `-y`, a
    /// line held as a header is rejected, and `-y LABEL:NAME` must have met
    /// its rows.
    pub(in crate::series) fn csv_check_y(&mut self) -> Result<()> {
        self.reject_pending()?;
        self.check_y_labels()?;
        if let Some(n) = self.csv.y_later.first() {
            let seen: Vec<&str> = self.csv.y_names_seen.iter().map(String::as_str).collect();
            return Err(self.y_unknown(n, &seen));
        }
        let Some(header) = self.csv.header.clone() else {
            return Ok(());
        };
        let names: Vec<&str> = header
            .iter()
            .enumerate()
            .filter(|&(c, _)| Some(c) != self.csv.x)
            .map(|(_, f)| f.as_str())
            .collect();
        self.check_y(&names)
    }

    /// Whether column `c` (0-based) is one the user asked for.
    pub(super) fn picked(&self, c: usize, name: Option<&str>) -> bool {
        self.opts.y.is_empty()
            || self.opts.y.iter().any(|col| match col {
                Column::Index(i) => *i == c + 1,
                Column::Name(n) => name == Some(n.as_str()),
            })
    }

    /// `-x 5` or `-y 5` on input with 3 columns is a mistake, not a gap.
    pub(super) fn check_indices(&mut self, width: usize) -> Result<()> {
        if self.csv.checked {
            return Ok(());
        }
        self.csv.checked = true;
        if let Some(x) = self.csv.x {
            if self.opts.y.contains(&Column::Index(x + 1)) {
                return Err(self.fatal(format!(
                    "-y {0}: column {0} is the time column (see -x and --no-time)",
                    x + 1
                )));
            }
        }
        for (opt, c) in self
            .opts
            .x
            .iter()
            .map(|c| ("-x", c))
            .chain(self.opts.y.iter().map(|c| ("-y", c)))
        {
            if let Column::Index(i) = c {
                if *i > width {
                    return Err(self.fatal_at(format!(
                        "{opt} {i}: the input has only {width} column{}",
                        if width == 1 { "" } else { "s" }
                    )));
                }
            }
        }
        Ok(())
    }
}
