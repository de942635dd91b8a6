//! Shell globs for `file:GLOB`: `*` (any run of bytes, `/` included, as
//! `find -path` matches), `?` (one byte), `[...]` (a set or range, `!` or
//! `^` to negate), `\` to quote the next byte. Matching borrows the pattern
//! and allocates nothing.

/// A checked glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    pat: Box<[u8]>,
}

impl Glob {
    /// Checks `s`: an empty pattern, an unclosed `[` or a trailing `\` is
    /// refused with the reason.
    pub fn new(s: &str) -> Result<Glob, &'static str> {
        let b = s.as_bytes();
        if b.is_empty() {
            return Err("an empty pattern");
        }
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' if i + 1 == b.len() => return Err("a trailing backslash"),
                b'\\' => i += 2,
                b'[' => match class_end(b, i) {
                    Some(end) => i = end + 1,
                    None => return Err("a \"[\" without its \"]\""),
                },
                _ => i += 1,
            }
        }
        Ok(Glob { pat: b.into() })
    }

    pub fn matches(&self, s: &[u8]) -> bool {
        let p = &self.pat[..];
        let (mut pi, mut si) = (0, 0);
        // Where to resume after the last `*`: pattern index past it, and the
        // subject index it has swallowed up to.
        let mut star: Option<(usize, usize)> = None;
        while si < s.len() {
            if pi < p.len() {
                match p[pi] {
                    b'*' => {
                        star = Some((pi + 1, si));
                        pi += 1;
                        continue;
                    }
                    b'?' => {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                    b'[' => {
                        let end = class_end(p, pi).unwrap_or(p.len() - 1);
                        if in_class(&p[pi + 1..end], s[si]) {
                            pi = end + 1;
                            si += 1;
                            continue;
                        }
                    }
                    b'\\' if pi + 1 < p.len() && p[pi + 1] == s[si] => {
                        pi += 2;
                        si += 1;
                        continue;
                    }
                    b'\\' => {}
                    c if c == s[si] => {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                    _ => {}
                }
            }
            match star {
                Some((sp, ss)) => {
                    pi = sp;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            }
        }
        p[pi..].iter().all(|&c| c == b'*')
    }
}

/// The index of the `]` closing the class opened at `open`. A `]` right
/// after `[` (or `[!`) is a member, as in the shell.
fn class_end(p: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if i < p.len() && (p[i] == b'!' || p[i] == b'^') {
        i += 1;
    }
    if i < p.len() && p[i] == b']' {
        i += 1;
    }
    while i < p.len() {
        match p[i] {
            b'\\' => i += 2,
            b']' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Whether `c` is in the class body (between `[` and `]`).
fn in_class(body: &[u8], c: u8) -> bool {
    let (neg, body) = match body.first() {
        Some(b'!' | b'^') => (true, &body[1..]),
        _ => (false, body),
    };
    let mut i = 0;
    let mut hit = false;
    while i < body.len() {
        let mut lo = body[i];
        if lo == b'\\' && i + 1 < body.len() {
            i += 1;
            lo = body[i];
        }
        if i + 2 < body.len() && body[i + 1] == b'-' {
            let hi = body[i + 2];
            hit |= lo <= c && c <= hi;
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
    hit != neg
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p).unwrap().matches(s.as_bytes())
    }

    #[test]
    fn matches_as_find_path_does() {
        assert!(m("/var/log/*", "/var/log/app/x.log"));
        assert!(m("*.tmp", "/tmp/spool/job1.tmp"));
        assert!(!m("*.tmp", "/tmp/spool/job1.tmpx"));
        assert!(m("/l/app-1?.log", "/l/app-12.log"));
        assert!(!m("/l/app-1?.log", "/l/app-1.log"));
        assert!(m("a[bc]d", "acd"));
        assert!(!m("a[!bc]d", "acd"));
        assert!(m("a[^x-z]d", "abd"));
        assert!(m("x[]]y", "x]y"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("*a*b*c*", "zzazzbzzczz"));
        assert!(!m("*a*b*c*", "zzczzbzzazz"));
        assert!(m("*", ""));
        assert!(!m("?", ""));
        assert!(m("[0-9]*[0-9]", "1abc2"));
    }

    #[test]
    fn refuses_what_it_cannot_mean() {
        assert!(Glob::new("").is_err());
        assert!(Glob::new("/var/[log").is_err());
        assert!(Glob::new("a\\").is_err());
        assert!(Glob::new("[]").is_err());
    }
}
