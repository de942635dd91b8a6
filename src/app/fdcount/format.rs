//! fdcount's output formats for counts: the CSV header and rows, JSON Lines
//! and the Prometheus text exposition, rendered from a [`Watch`]'s last
//! sample into a caller's buffer (no allocation once it has grown). The
//! `--top` table has its own home, [`super::top`].

use super::options::{Format, Target};
use super::run::{Slot, Watch};
use crate::procfs::{Col, Kind};
use crate::sys::term::{visible, visible_symbols};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

impl Watch {
    /// The CSV header line: column names as given, or `PID:kind` with
    /// several targets.
    pub fn header(&self, out: &mut Vec<u8>) {
        let many = self.slots.len() > 1;
        self.csv_line(out, |slot, k, out| {
            if many {
                match &slot.target {
                    Target::Pid(p) => {
                        let _ = write!(out, "{p}:");
                    }
                    Target::Name(n) => {
                        out.extend_from_slice(visible(n).as_bytes());
                        out.push(b':');
                    }
                }
            }
            out.extend_from_slice(visible(k.name()).as_bytes());
        });
    }

    /// One CSV line: a cell for each target and column, in that order.
    fn csv_line(&self, out: &mut Vec<u8>, mut cell: impl FnMut(&Slot, &Col, &mut Vec<u8>)) {
        let mut first = true;
        for slot in &self.slots {
            for k in &self.kinds {
                if !first {
                    out.push(b',');
                }
                first = false;
                cell(slot, k, out);
            }
        }
        out.push(b'\n');
    }

    /// Appends the last sample, taken at `time`, in the chosen format.
    pub fn render(&self, time: SystemTime, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => self.render_csv(out),
            Format::Json => self.render_json(time, out),
            Format::Prom => self.render_prom(out),
        }
    }

    fn render_csv(&self, out: &mut Vec<u8>) {
        self.csv_line(out, |slot, k, out| {
            if let Some(v) = slot.present.then(|| slot.counts.value(k)).flatten() {
                let _ = write!(out, "{v}");
            }
        });
    }

    fn render_json(&self, time: SystemTime, out: &mut Vec<u8>) {
        let t = time
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        for slot in &self.slots {
            let row = JsonRow {
                time: t,
                slot,
                kinds: &self.kinds,
            };
            // Writing to a Vec cannot fail and the row has only string keys.
            let _ = serde_json::to_writer(&mut *out, &row);
            out.push(b'\n');
        }
    }

    fn render_prom(&self, out: &mut Vec<u8>) {
        if self.slots.iter().any(|s| s.finder.is_some()) {
            family(
                out,
                "fdcount_processes",
                "Processes whose command name matched fdcount -C.",
            );
            for slot in self.slots.iter().filter(|s| s.finder.is_some()) {
                metric(out, "fdcount_processes", slot, None, None);
                let _ = writeln!(out, " {}", slot.matched);
            }
        }
        let present = || self.slots.iter().filter(|s| s.present);
        if self.kinds.iter().any(|k| k.is_fd()) {
            family(
                out,
                "fdcount_open_fds",
                "Open file descriptors of the process, by kind.",
            );
            for slot in present() {
                for k in self.kinds.iter().filter(|k| k.is_fd()) {
                    if k.is_tcp() && !self.states.is_empty() {
                        // One sample per state, so that sum() and a
                        // state="..." selector both mean what they say.
                        for (name, st) in crate::procfs::TCP_STATES {
                            if self.states.contains(st) {
                                metric(out, "fdcount_open_fds", slot, Some(k), Some(name));
                                let _ = writeln!(out, " {}", slot.counts.by_state(k, st));
                            }
                        }
                    } else {
                        metric(out, "fdcount_open_fds", slot, Some(k), None);
                        let _ = writeln!(out, " {}", slot.counts.value(k).unwrap_or(0));
                    }
                }
            }
        }
        let single: [(Kind, &str, &str, u64); 5] = [
            (
                Kind::Limit,
                "fdcount_fd_limit",
                "Soft limit on open file descriptors of the process (RLIMIT_NOFILE).",
                1,
            ),
            (
                Kind::Rss,
                "fdcount_resident_memory_bytes",
                "Resident memory of the process in bytes.",
                1024,
            ),
            (
                Kind::RssAnon,
                "fdcount_resident_anon_memory_bytes",
                "Resident anonymous memory of the process (RssAnon) in bytes.",
                1024,
            ),
            (
                Kind::Swap,
                "fdcount_swap_bytes",
                "Swapped-out memory of the process (VmSwap) in bytes.",
                1024,
            ),
            (
                Kind::Threads,
                "fdcount_threads",
                "Threads of the process.",
                1,
            ),
        ];
        for (kind, name, help, scale) in single {
            let col = Col::Kind(kind);
            if !self.kinds.contains(&col) {
                continue;
            }
            family(out, name, help);
            for slot in present() {
                metric(out, name, slot, None, None);
                match slot.counts.value(&col) {
                    Some(v) => {
                        let _ = writeln!(out, " {}", v.saturating_mul(scale));
                    }
                    None => out.extend_from_slice(b" +Inf\n"),
                }
            }
        }
    }
}

fn family(out: &mut Vec<u8>, name: &str, help: &str) {
    let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n");
}

/// `name{pid="..",comm="..",kind="..",port="..",state=".."}`, without the
/// value.
fn metric(out: &mut Vec<u8>, name: &str, slot: &Slot, col: Option<&Col>, state: Option<&str>) {
    out.extend_from_slice(name.as_bytes());
    out.push(b'{');
    if let Target::Pid(p) = slot.target {
        let _ = write!(out, "pid=\"{p}\",");
    }
    out.extend_from_slice(b"comm=\"");
    escape_label(out, &visible_symbols(&slot.comm));
    out.push(b'"');
    match col {
        Some(Col::Kind(k)) => {
            let _ = write!(out, ",kind=\"{}\"", k.name());
        }
        Some(Col::Narrow { narrow, .. }) => {
            let (kind, label, value) = narrow.label();
            let _ = write!(out, ",kind=\"{}\",{label}=\"", kind.name());
            match value {
                crate::procfs::Label::Glob(g) => escape_label(out, &visible_symbols(g)),
                v => {
                    let _ = write!(out, "{v}");
                }
            }
            out.push(b'"');
        }
        None => {}
    }
    if let Some(st) = state {
        let _ = write!(out, ",state=\"{st}\"");
    }
    out.push(b'}');
}

/// A label value as the exposition format wants it: backslash, double quote
/// and newline escaped.
pub fn escape_label(out: &mut Vec<u8>, v: &str) {
    for &b in v.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b => out.push(b),
        }
    }
}

struct JsonRow<'a> {
    time: f64,
    slot: &'a Slot,
    kinds: &'a [Col],
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let slot = self.slot;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("time", &self.time)?;
        match (&slot.target, &slot.finder) {
            (Target::Pid(p), _) => m.serialize_entry("pid", p)?,
            (Target::Name(_), Some(f)) => {
                m.serialize_entry("pid", &())?;
                m.serialize_entry("pids", &f.pids[..])?;
            }
            (Target::Name(_), None) => m.serialize_entry("pid", &())?,
        }
        // Exact: serde_json writes control characters as \u escapes.
        m.serialize_entry("comm", &slot.comm)?;
        for k in self.kinds {
            let v = slot.present.then(|| slot.counts.value(k)).flatten();
            m.serialize_entry(k.name(), &v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_escaping() {
        let mut v = Vec::new();
        escape_label(&mut v, "a\\b\"c\nd");
        assert_eq!(v, b"a\\\\b\\\"c\\nd");
    }

    #[test]
    fn formats() {
        assert_eq!(Format::parse("json"), Some(Format::Json));
        assert_eq!(Format::parse("prom"), Some(Format::Prom));
        assert_eq!(Format::parse("xml"), None);
    }
}
