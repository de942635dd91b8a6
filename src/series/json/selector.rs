//! `-y` on a Prometheus response: PromQL-style selectors
//! (`name{label="value"}`, `kind!="unix"`) matched against a result's labels.

use std::collections::BTreeMap;

/// A selector as PromQL writes one, `name{label="value",...}` (`=` and
/// `!=`), or only its label matchers (`kind="tcp"`): whether `metric` is
/// one it selects.
pub(super) fn selector_matches(y: &str, metric: &BTreeMap<String, String>) -> bool {
    let (name, body) = match y.find('{') {
        Some(i) if y.ends_with('}') => (&y[..i], &y[i + 1..y.len() - 1]),
        None if y.contains('=') => ("", y),
        _ => return false,
    };
    if !name.is_empty() && metric.get("__name__").map(String::as_str) != Some(name) {
        return false;
    }
    let mut rest = body.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else {
            return false;
        };
        let (key, negate) = match rest[..eq].strip_suffix('!') {
            Some(k) => (k.trim(), true),
            None => (rest[..eq].trim(), false),
        };
        let after = rest[eq + 1..].trim_start();
        let Some(quoted) = after.strip_prefix('"') else {
            return false;
        };
        // The value up to the closing quote, `\"` and `\\` unescaped.
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, e)) => value.push(e),
                    None => return false,
                },
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => value.push(c),
            }
        }
        let Some(end) = end else {
            return false;
        };
        let found = metric.get(key).map_or("", String::as_str);
        if (found == value) == negate {
            return false;
        }
        rest = quoted[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    true
}
