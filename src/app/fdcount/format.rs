//! fdcount's output formats: the CSV header and rows, JSON Lines and the
//! Prometheus text exposition, rendered from a [`Watch`]'s last sample into
//! a caller's buffer (no allocation once it has grown).

use super::options::{Format, Target};
use super::run::{Slot, Watch};
use crate::procfs::{Kind, States};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

impl Watch {
    /// The CSV header line: kind names, or `PID:kind` with several targets.
    pub fn header(&self, out: &mut Vec<u8>) {
        let many = self.slots.len() > 1;
        let mut first = true;
        for slot in &self.slots {
            for k in &self.kinds {
                if !first {
                    out.push(b',');
                }
                first = false;
                if many {
                    match &slot.target {
                        Target::Pid(p) => {
                            let _ = write!(out, "{p}:");
                        }
                        Target::Name(n) => {
                            out.extend_from_slice(n.as_bytes());
                            out.push(b':');
                        }
                    }
                }
                out.extend_from_slice(k.name().as_bytes());
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
        let mut first = true;
        for slot in &self.slots {
            for &k in &self.kinds {
                if !first {
                    out.push(b',');
                }
                first = false;
                if slot.present {
                    let _ = write!(out, "{}", slot.counts.get(k));
                }
            }
        }
        out.push(b'\n');
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
        let fd_kinds = self.kinds.iter().any(|k| k.is_fd());
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
        if fd_kinds {
            family(
                out,
                "fdcount_open_fds",
                "Open file descriptors of the process, by kind.",
            );
            for slot in self.slots.iter().filter(|s| s.present) {
                for &k in self.kinds.iter().filter(|k| k.is_fd()) {
                    let state = (k.is_tcp() && !self.states.is_empty()).then_some(self.states);
                    metric(out, "fdcount_open_fds", slot, Some(k), state);
                    let _ = writeln!(out, " {}", slot.counts.get(k));
                }
            }
        }
        if self.kinds.contains(&Kind::Rss) {
            family(
                out,
                "fdcount_resident_memory_bytes",
                "Resident memory of the process in bytes.",
            );
            for slot in self.slots.iter().filter(|s| s.present) {
                metric(out, "fdcount_resident_memory_bytes", slot, None, None);
                let _ = writeln!(out, " {}", slot.counts.get(Kind::Rss) * 1024);
            }
        }
        if self.kinds.contains(&Kind::Threads) {
            family(out, "fdcount_threads", "Threads of the process.");
            for slot in self.slots.iter().filter(|s| s.present) {
                metric(out, "fdcount_threads", slot, None, None);
                let _ = writeln!(out, " {}", slot.counts.get(Kind::Threads));
            }
        }
    }
}

fn family(out: &mut Vec<u8>, name: &str, help: &str) {
    let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n");
}

/// `name{pid="..",comm="..",kind="..",state=".."}`, without the value.
fn metric(out: &mut Vec<u8>, name: &str, slot: &Slot, kind: Option<Kind>, states: Option<States>) {
    out.extend_from_slice(name.as_bytes());
    out.push(b'{');
    if let Target::Pid(p) = slot.target {
        let _ = write!(out, "pid=\"{p}\",");
    }
    out.extend_from_slice(b"comm=\"");
    escape_label(out, &slot.comm);
    out.push(b'"');
    if let Some(k) = kind {
        let _ = write!(out, ",kind=\"{}\"", k.name());
    }
    if let Some(st) = states {
        out.extend_from_slice(b",state=\"");
        for (i, n) in st.names().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(n.as_bytes());
        }
        out.push(b'"');
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
    kinds: &'a [Kind],
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
        m.serialize_entry("comm", &slot.comm)?;
        for &k in self.kinds {
            let v = slot.present.then(|| slot.counts.get(k));
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
