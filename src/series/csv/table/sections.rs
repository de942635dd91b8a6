//! A command's output in sections and labelled rows: after a blank line, a
//! header of another width than the rows before (iostat's `Device ...`
//! after its `avg-cpu:` rows) is a header once a row of its width follows,
//! and rows that start with a
//! label (free's `Mem:` and `Swap:`, iostat's devices) are told apart by it.

use super::super::{listing, Fields, Kind};
use super::Col;
use crate::error::{Error, Result};
use crate::series::{clip, Column, Parser};
use crate::sys::term::visible;

/// A text line held until the next row says whether it was a header.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    line_no: u64,
    at: String,
    fields: Vec<String>,
}

/// `11:00:01`: sar's time of day, which starts its rows and headers.
pub(super) fn time_of_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b.iter().enumerate().all(|(i, &c)| {
            if i % 3 == 2 {
                c == b':'
            } else {
                c.is_ascii_digit()
            }
        })
}

impl Parser {
    /// Holds a text-only line of a command's output whose width differs
    /// from the table's: a new section's header if the next row has its
    /// width (give or take the label the header or the rows start with),
    /// else a line of text rejected then. A line already held is rejected.
    pub(super) fn hold_header(&mut self, fields: &[&str]) -> Result<()> {
        self.reject_pending()?;
        self.csv.pending = Some(Pending {
            line_no: self.line_no,
            at: self.at(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        });
        Ok(())
    }

    /// At a data row of `width` fields: the held line becomes the header if
    /// its width fits, else it is rejected.
    pub(super) fn settle_pending(&mut self, width: usize) -> Result<()> {
        let Some(p) = self.csv.pending.as_ref() else {
            return Ok(());
        };
        if p.fields.len().abs_diff(width) > 1 {
            return self.reject_pending();
        }
        let p = self.csv.pending.take().expect("held above");
        let now = self.line_no;
        self.line_no = p.line_no;
        let fields: Vec<&str> = p.fields.iter().map(String::as_str).collect();
        let r = self.header(&fields);
        self.line_no = now;
        r
    }

    /// The held line, if any, was not a header: a rejected line.
    pub(super) fn reject_pending(&mut self) -> Result<()> {
        let Some(p) = self.csv.pending.take() else {
            return Ok(());
        };
        let text = p.fields.get(1..).unwrap_or_default().join(" ");
        let full = format!(
            "{}: column 2: expected a number, found \"{}\"",
            p.at,
            visible(&clip(&text))
        );
        if self.opts.strict {
            return Err(Error::failure(full));
        }
        self.reject(p.at, full);
        Ok(())
    }

    /// The label a row of a command's output starts with, and its column:
    /// the text in its first value column (or the one after a time of day,
    /// as sar prints `11:00:01  eth0  ...`) where that column never held a
    /// number and the header either leaves it unnamed (free's `Mem:`) or
    /// names it (iostat's `Device`, sar's `IFACE`). A label starts with a
    /// letter; its trailing `:` is dropped.
    pub(super) fn row_label<'a>(
        &self,
        fields: &Fields<'a>,
        kinds: &[Kind],
    ) -> Option<(usize, &'a str)> {
        let first = self.csv.label_col?;
        for c in [first, first + 1] {
            if kinds.get(c) != Some(&Kind::Text) || self.csv.cols.get(c)?.series.is_some() {
                return None;
            }
            let l = fields.get(c)?;
            if time_of_day(l) {
                continue;
            }
            let l = l.strip_suffix(':').unwrap_or(l);
            return l
                .starts_with(|ch: char| ch.is_alphabetic())
                .then_some((c, l));
        }
        None
    }

    /// The series of column `c` for rows labelled `label`, if the user
    /// picked it: the first label's rows feed the column's own series, each
    /// other label's `LABEL:NAME` (`Swap:used`), picked by that name, by the
    /// column's number, or when nothing is picked.
    pub(super) fn labelled_series(&mut self, c: usize, label: &str) -> Result<Option<usize>> {
        let first = self
            .csv
            .first_label
            .get_or_insert_with(|| label.to_string())
            .clone();
        if self.csv.labels.len() < 64 && !self.csv.labels.iter().any(|l| l == label) {
            self.csv.labels.push(label.to_string());
        }
        let col: &Col = &self.csv.cols[c];
        let name = col
            .name
            .clone()
            .unwrap_or_else(|| format!("column {}", c + 1));
        let full = format!("{label}:{name}");
        let asked = self
            .opts
            .y
            .iter()
            .any(|y| matches!(y, Column::Name(n) if *n == full));
        if asked {
            self.csv.y_labelled_seen.insert(full.clone());
        }
        if label == first {
            return if col.picked || asked {
                self.col_series(c).map(Some)
            } else {
                Ok(None)
            };
        }
        let picked = self.opts.y.is_empty()
            || asked
            || self.opts.y.iter().any(|y| *y == Column::Index(c + 1));
        if !picked {
            return Ok(None);
        }
        self.series_named(full).map(Some)
    }

    /// `-y LABEL:NAME` is taken on trust while the labels are unknown:
    /// whether `NAME` is a column of a labelled table.
    pub(super) fn y_label_ok(&self, y: &str, names: &[&str]) -> bool {
        self.csv.label_col.is_some()
            && y.split_once(':')
                .is_some_and(|(l, n)| !l.is_empty() && names.contains(&n))
    }

    /// At the end: a `-y LABEL:NAME` taken on trust that no row had.
    pub(super) fn check_y_labels(&mut self) -> Result<()> {
        for y in &self.opts.y {
            let Column::Name(n) = y else { continue };
            if self.csv.y_trusted.contains(n) && !self.csv.y_labelled_seen.contains(n) {
                let label = n.split_once(':').map_or("", |p| p.0);
                return Err(Error::failure(format!(
                    "-y {}: no rows labelled \"{}\" (labels: {})",
                    visible(&clip(n)),
                    visible(&clip(label)),
                    listing(self.csv.labels.iter().map(String::as_str))
                )));
            }
        }
        Ok(())
    }
}
