//! JSON inputs: JSON Lines (one object per line, as `fdcount --format json`
//! writes) and Prometheus HTTP API responses (`/api/v1/query_range` and
//! `/api/v1/query`), which may be pretty-printed over many lines.

use super::{clip, Column, Mode, Options, Out, Sink};
use crate::sys::term::visible;
use crate::time::parse::{TimeParser, MAX_ABS_SECS};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A Prometheus response is read whole; past this size it is refused rather
/// than allowed to take the machine's memory (Prometheus itself caps a
/// query at 11,000 points per series).
pub const MAX_DOCUMENT: usize = 256 << 20;

/// Results read from Prometheus, picked with -y or not: more would make
/// naming them slow, and could not be drawn.
pub const MAX_RESULTS: usize = 100_000;

/// Fields that hold the time of a JSON Lines record, in order of preference.
pub const TIME_FIELDS: [&str; 4] = ["time", "t", "timestamp", "ts"];

/// What the parser lends a JSON reader for one line.
pub(super) struct Ctx<'a> {
    pub out: &'a mut Out,
    pub sink: &'a mut dyn Sink,
    pub time: &'a TimeParser,
    pub opts: &'a Options,
    pub row_no: &'a mut u64,
    pub warn: &'a mut dyn FnMut(&str),
}

pub(super) enum LineError {
    /// Skip the line, with a warning.
    Malformed(String),
    /// End the run, naming the line.
    Fatal(String),
    /// End the run: the options do not fit the input.
    Options(String),
}

/// The format of an input, from its first line: a line that is a whole
/// JSON object is JSON Lines, unless it is a Prometheus response; a `{`
/// that opens a document continued on later lines is a (pretty-printed)
/// Prometheus response; anything else is CSV.
pub(super) fn detect(first: &str) -> Mode {
    if !first.starts_with('{') {
        return Mode::Csv;
    }
    match serde_json::from_str::<Value>(first) {
        Ok(Value::Object(m))
            if m.contains_key("status")
                && ["data", "error", "errorType"]
                    .iter()
                    .any(|k| m.contains_key(*k)) =>
        {
            Mode::Prom
        }
        Ok(_) => Mode::Jsonl,
        Err(e) if e.is_eof() => Mode::Prom,
        Err(_) => Mode::Jsonl,
    }
}

/// serde_json's message without its " at line 1 column 7" (we name lines
/// ourselves).
fn cause(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => format!("{} (column {})", &s[..i], e.column()),
        None => s,
    }
}

/// An object with its fields in the order written (serde_json's map sorts
/// them), so series appear in the order the writer chose.
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = m.next_entry::<String, Value>()? {
                    v.push(kv);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// JSON Lines state: which series each (process, field) is.
#[derive(Default)]
pub(super) struct Jsonl {
    series: HashMap<(Option<String>, String), usize>,
    /// The process of the first record, until a second one shows up.
    first_pid: Option<String>,
    /// More than one process: names become `PID:field`.
    several: bool,
    values: Vec<(usize, Option<f64>)>,
    /// With `-y`: the names that picked a field, and the fields not picked.
    matched: std::collections::HashSet<String>,
    keys: std::collections::BTreeSet<String>,
    records: u64,
}

impl Jsonl {
    /// At the end: a `-y` name no record had is an error listing the
    /// fields there were.
    pub fn finish(&self, opts: &super::Options) -> Result<(), String> {
        if self.records == 0 {
            return Ok(());
        }
        for c in &opts.y {
            if let Column::Name(n) = c {
                if !self.matched.contains(n) {
                    let keys: Vec<String> = self
                        .keys
                        .iter()
                        .map(|k| visible(&clip(k)).into_owned())
                        .collect();
                    return Err(format!(
                        "-y {0}: no field named \"{0}\" (fields: {1})",
                        visible(&clip(n)),
                        keys.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// One record: `{"time":1764000000.123,"pid":3136,"comm":"postgres","tcp":12}`.
    pub fn line(&mut self, text: &str, ctx: &mut Ctx) -> Result<(), LineError> {
        let obj = match serde_json::from_str::<Ordered>(text) {
            Ok(o) => o.0,
            Err(e) => {
                return Err(LineError::Malformed(format!(
                    "expected a JSON object: {}",
                    cause(&e)
                )))
            }
        };
        if let Some(Column::Index(i)) = ctx.opts.y.iter().find(|c| matches!(c, Column::Index(_))) {
            return Err(LineError::Options(format!(
                "-y {i}: JSON fields are picked by name, not number"
            )));
        }
        let time_fields: Vec<&str> = match &ctx.opts.x {
            None => TIME_FIELDS.to_vec(),
            Some(Column::Name(n)) => vec![n.as_str()],
            Some(Column::Index(i)) => {
                return Err(LineError::Options(format!(
                    "-x {i}: JSON fields are picked by name, not number"
                )))
            }
        };
        let time_key = if ctx.opts.no_time {
            None
        } else {
            // In order of preference: `{"t":21.5,"time":...}` has a series t.
            time_fields
                .iter()
                .find_map(|f| obj.iter().find(|(k, _)| k == f))
                .map(|(k, v)| (k.clone(), v))
        };
        let time = match (&time_key, ctx.opts.no_time) {
            (_, true) => (*ctx.row_no + 1) as f64,
            (None, false) => {
                return Err(LineError::Malformed(format!(
                    "no \"{}\" field",
                    time_fields.join("\" or \"")
                )))
            }
            (Some((k, v)), false) => {
                let t = match v {
                    Value::Number(n) => ctx.time.parse(&n.to_string()),
                    Value::String(s) => ctx.time.parse(s),
                    _ => None,
                };
                match t {
                    Some(t) => t,
                    None => {
                        return Err(LineError::Malformed(format!(
                            "field \"{k}\": expected a time, found {}",
                            clip(&v.to_string())
                        )))
                    }
                }
            }
        };
        // The process a record is about: its pid, or with `fdcount -C NAME`
        // (pid null) the command name, as fdcount's CSV header names them.
        let field = |name: &str| obj.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let pid = match (field("pid"), field("comm")) {
            (Some(Value::Number(n)), _) => Some(n.to_string()),
            (Some(Value::String(s)), _) => Some(s.clone()),
            (Some(Value::Null), Some(Value::String(c))) => Some(c.clone()),
            _ => None,
        };
        if let Some(p) = &pid {
            match &self.first_pid {
                None => self.first_pid = Some(p.clone()),
                Some(f) if f != p && !self.several => {
                    self.several = true;
                    for ((pid, field), &i) in &self.series {
                        if let Some(pid) = pid {
                            ctx.out.rename(i, format!("{pid}:{field}"));
                        }
                    }
                }
                _ => {}
            }
        }
        let mut values = std::mem::take(&mut self.values);
        values.clear();
        let skip = time_key.as_ref().map(|k| k.0.as_str());
        let r = self.fields(&obj, "", skip, &pid, ctx, &mut values, 0);
        self.records += 1;
        if r.is_ok() {
            for &(s, v) in &values {
                ctx.out.point(ctx.sink, s, time, v);
            }
            *ctx.row_no += 1;
        }
        self.values = values;
        r
    }

    /// Numbers become series, `null` a gap; strings (`comm`) and booleans
    /// are labels and skipped; nested objects are read as `outer.inner`.
    #[allow(clippy::too_many_arguments)]
    fn fields(
        &mut self,
        obj: &[(String, Value)],
        prefix: &str,
        skip: Option<&str>,
        pid: &Option<String>,
        ctx: &mut Ctx,
        values: &mut Vec<(usize, Option<f64>)>,
        depth: usize,
    ) -> Result<(), LineError> {
        for (k, v) in obj {
            if prefix.is_empty() && (Some(k.as_str()) == skip || k == "pid") {
                continue;
            }
            let field = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            let value = match v {
                Value::Number(n) => n.as_f64(),
                Value::Null => None,
                Value::Object(m) if depth < 8 => {
                    let inner: Vec<(String, Value)> =
                        m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    self.fields(&inner, &field, skip, pid, ctx, values, depth + 1)?;
                    continue;
                }
                _ => continue,
            };
            if !ctx.opts.y.is_empty() {
                let full = pid.as_ref().map(|p| format!("{p}:{field}"));
                let mut picked = false;
                for c in &ctx.opts.y {
                    if let Column::Name(n) = c {
                        if *n == field || Some(n) == full.as_ref() {
                            picked = true;
                            self.matched.insert(n.clone());
                        }
                    }
                }
                if !picked {
                    if self.keys.len() < 1000 {
                        self.keys.insert(field);
                    }
                    continue;
                }
            }
            let key = (pid.clone(), field);
            let s = match self.series.get(&key) {
                Some(&s) => s,
                None => {
                    let name = match &key.0 {
                        Some(p) if self.several => format!("{p}:{}", key.1),
                        _ => key.1.clone(),
                    };
                    let s = ctx.out.add(name).map_err(LineError::Fatal)?;
                    self.series.insert(key, s);
                    s
                }
            };
            values.push((s, value));
        }
        Ok(())
    }
}

/// Prometheus state: the document being collected, and every series seen
/// (by its full label set), so that several documents share series.
#[derive(Default)]
pub(super) struct Prom {
    buf: Vec<u8>,
    depth: u32,
    in_str: bool,
    esc: bool,
    start_line: u64,
    /// Label sets of the series so far, and the sink's index of each.
    labels: Vec<(BTreeMap<String, String>, usize)>,
    /// Index in `labels` by full name.
    ids: HashMap<String, usize>,
}

impl Prom {
    /// Feeds one line; a document is read as soon as its closing brace
    /// arrives.
    pub fn line(&mut self, text: &str, line_no: u64, ctx: &mut Ctx) -> Result<(), String> {
        let b = text.as_bytes();
        let mut seg = 0;
        for (i, &c) in b.iter().enumerate() {
            if self.depth == 0 {
                if c.is_ascii_whitespace() {
                    continue;
                }
                if c == b'#' && text[..i].trim().is_empty() {
                    return Ok(());
                }
                if c != b'{' {
                    return Err(format!(
                        "line {line_no}: expected a JSON document (a Prometheus API response), found {:?}",
                        clip(&text[i..])
                    ));
                }
                self.depth = 1;
                self.start_line = line_no;
                seg = i;
                continue;
            }
            if self.in_str {
                if self.esc {
                    self.esc = false;
                } else if c == b'\\' {
                    self.esc = true;
                } else if c == b'"' {
                    self.in_str = false;
                }
                continue;
            }
            match c {
                b'"' => self.in_str = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        self.buf.extend_from_slice(&b[seg..=i]);
                        let doc = std::mem::take(&mut self.buf);
                        self.document(&doc, ctx)?;
                        seg = i + 1;
                    }
                }
                _ => {}
            }
        }
        if self.depth > 0 {
            self.buf.extend_from_slice(&b[seg..]);
            self.buf.push(b'\n');
            if self.buf.len() > MAX_DOCUMENT {
                return Err(format!(
                    "line {}: the JSON document starting here is larger than {} MiB",
                    self.start_line,
                    MAX_DOCUMENT >> 20
                ));
            }
        }
        Ok(())
    }

    /// Drops a document cut short, keeping the series.
    pub fn new_source(&mut self) {
        *self = Prom {
            labels: std::mem::take(&mut self.labels),
            ids: std::mem::take(&mut self.ids),
            ..Prom::default()
        };
    }

    /// End of input: a document still open was cut short.
    pub fn finish(&self) -> Result<(), String> {
        if self.depth > 0 {
            return Err(format!(
                "line {}: the JSON document starting here is incomplete",
                self.start_line
            ));
        }
        Ok(())
    }

    fn document(&mut self, doc: &[u8], ctx: &mut Ctx) -> Result<(), String> {
        let at = self.start_line;
        let r: Response = serde_json::from_slice(doc)
            .map_err(|e| format!("line {at}: not a Prometheus API response: {}", cause(&e)))?;
        if r.status != "success" {
            let kind = r.error_type.unwrap_or_else(|| r.status.clone());
            let msg = r.error.unwrap_or_else(|| "no error message".into());
            return Err(format!("Prometheus query failed: {kind}: {msg}"));
        }
        for w in &r.warnings {
            (ctx.warn)(&format!("Prometheus warning: {w}"));
        }
        let data = r
            .data
            .ok_or_else(|| format!("line {at}: the Prometheus response has no \"data\""))?;
        let results: Vec<(BTreeMap<String, String>, Vec<Sample>)> = match data.result_type.as_str()
        {
            "matrix" | "vector" => data
                .result
                .into_iter()
                .filter_map(|e| match e {
                    Elem::Series(s) => {
                        let mut v = s.values;
                        v.extend(s.value);
                        Some((s.metric, v))
                    }
                    _ => None,
                })
                .collect(),
            "scalar" => match data.result.as_slice() {
                [t, v] => {
                    let num = |e: &Elem| match e {
                        Elem::Num(n) => Some(*n),
                        Elem::Str(s) => s.parse().ok(),
                        _ => None,
                    };
                    let mut m = BTreeMap::new();
                    m.insert("__name__".to_string(), "scalar".to_string());
                    vec![(
                        m,
                        vec![Sample {
                            t: num(t).unwrap_or(f64::NAN),
                            v: num(v),
                        }],
                    )]
                }
                _ => {
                    return Err(format!(
                        "line {at}: a scalar result that is not [time, \"value\"]"
                    ))
                }
            },
            other => {
                return Err(format!(
                    "line {at}: Prometheus result type \"{other}\" holds no series to plot"
                ))
            }
        };
        // Series in this document, by their index in `labels`.
        let mut ids = Vec::with_capacity(results.len());
        for (metric, _) in &results {
            let key = full_name(metric);
            let id = match self.ids.get(&key) {
                Some(&id) => id,
                None => {
                    if self.labels.len() >= MAX_RESULTS {
                        return Err(format!(
                            "line {at}: more than {MAX_RESULTS} series in the Prometheus response"
                        ));
                    }
                    self.labels.push((metric.clone(), usize::MAX));
                    self.ids.insert(key, self.labels.len() - 1);
                    self.labels.len() - 1
                }
            };
            ids.push(id);
        }
        let names = short_names(self.labels.iter().map(|(l, _)| l));
        let mut matched = vec![false; ctx.opts.y.len()];
        for (n, (metric, samples)) in results.iter().enumerate() {
            let id = ids[n];
            let name = &names[id];
            if !ctx.opts.y.is_empty() {
                let mut picked = false;
                for (k, c) in ctx.opts.y.iter().enumerate() {
                    let m = match c {
                        Column::Index(i) => *i == n + 1,
                        Column::Name(y) => {
                            y == name
                                || metric.get("__name__") == Some(y)
                                || *y == full_name(metric)
                                || selector_matches(y, metric)
                        }
                    };
                    matched[k] |= m;
                    picked |= m;
                }
                if !picked {
                    continue;
                }
            }
            if self.labels[id].1 == usize::MAX {
                self.labels[id].1 = ctx.out.add(name.clone())?;
            }
            let s = self.labels[id].1;
            for (k, sample) in samples.iter().enumerate() {
                let t = if ctx.opts.no_time {
                    (k + 1) as f64
                } else if sample.t.is_finite() && sample.t.abs() <= MAX_ABS_SECS {
                    sample.t
                } else {
                    continue;
                };
                ctx.out.point(ctx.sink, s, t, sample.v);
            }
        }
        if !results.is_empty() {
            if let Some((_, Column::Name(y))) = matched
                .iter()
                .zip(&ctx.opts.y)
                .find(|(m, c)| !**m && matches!(c, Column::Name(_)))
            {
                let all: Vec<String> = results
                    .iter()
                    .take(12)
                    .map(|(m, _)| visible(&full_name(m)).into_owned())
                    .collect();
                let more = results.len().saturating_sub(12);
                return Err(format!(
                    "-y {0}: no series named or matching \"{0}\" (series: {1}{2})",
                    visible(&clip(y)),
                    all.join(", "),
                    if more > 0 {
                        format!(", and {more} more")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        // Series named in earlier documents get names fit for all of them.
        for (id, (_, s)) in self.labels.iter().enumerate() {
            if *s != usize::MAX {
                ctx.out.rename(*s, names[id].clone());
            }
        }
        Ok(())
    }
}

/// `fdcount_open_fds{kind="tcp",pid="3136"}`, escaped as Prometheus does.
fn render(metric: &BTreeMap<String, String>, keep: impl Fn(&str) -> bool) -> String {
    let mut s = metric.get("__name__").cloned().unwrap_or_default();
    let labels: Vec<String> = metric
        .iter()
        .filter(|(k, _)| *k != "__name__" && keep(k))
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    if !labels.is_empty() || s.is_empty() {
        s.push('{');
        s.push_str(&labels.join(","));
        s.push('}');
    }
    s
}

fn full_name(metric: &BTreeMap<String, String>) -> String {
    render(metric, |_| true)
}

/// Names for a set of series: the metric name and the labels that tell
/// them apart (labels with one value across all series say nothing).
fn short_names<'a>(all: impl Iterator<Item = &'a BTreeMap<String, String>> + Clone) -> Vec<String> {
    let mut common: BTreeMap<&str, &str> = BTreeMap::new();
    {
        let mut it = all.clone();
        if let Some(first) = it.next() {
            common = first
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            for m in it {
                common.retain(|k, v| m.get(*k).map(String::as_str) == Some(*v));
            }
        }
    }
    all.map(|m| {
        let short = render(m, |k| !common.contains_key(k));
        if short == "{}" && !m.is_empty() {
            full_name(m)
        } else {
            short
        }
    })
    .collect()
}

#[derive(Deserialize)]
struct Response {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    #[serde(default)]
    result: Vec<Elem>,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Sample>,
    #[serde(default)]
    value: Option<Sample>,
}

/// One element of `result`: a series object, or a part of a scalar.
enum Elem {
    Series(Series),
    Num(f64),
    Str(String),
    Other,
}

impl<'de> Deserialize<'de> for Elem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Elem, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Elem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a series object, a number or a string")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Elem, A::Error> {
                Series::deserialize(de::value::MapAccessDeserializer::new(m)).map(Elem::Series)
            }
            fn visit_f64<E>(self, v: f64) -> Result<Elem, E> {
                Ok(Elem::Num(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Elem, E> {
                Ok(Elem::Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Elem, E> {
                Ok(Elem::Num(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Elem, E> {
                Ok(Elem::Str(v.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Elem, E> {
                Ok(Elem::Other)
            }
            fn visit_unit<E>(self) -> Result<Elem, E> {
                Ok(Elem::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Elem, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Elem::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// `[1764000000.123, "12"]`: the value is a string so that NaN and ±Inf can
/// be written; they become gaps.
struct Sample {
    t: f64,
    v: Option<f64>,
}

/// A number, or a string holding one (`None`: neither).
struct Num(Option<f64>);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
                Ok(Num(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Num, E> {
                Ok(Num(v.trim().parse().ok()))
            }
            fn visit_unit<E>(self) -> Result<Num, E> {
                Ok(Num(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Num, E> {
                Ok(Num(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sample, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Sample;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sample [time, \"value\"]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Sample, A::Error> {
                let t = s
                    .next_element::<Num>()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let v = s
                    .next_element::<Num>()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Sample {
                    t: t.0.unwrap_or(f64::NAN),
                    v: v.0.filter(|v| v.is_finite()),
                })
            }
        }
        d.deserialize_seq(V)
    }
}

mod selector;
use selector::selector_matches;

#[cfg(test)]
mod tests;
