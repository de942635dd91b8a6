//! Text from data (series names, process names, file names) made safe for a
//! terminal: control characters are shown, never passed on and never
//! dropped silently.
//!
//! Every text output that can carry a name from data goes through
//! [`visible`]: the chart's legend, the report, warnings and usage errors
//! that quote a name, fdcount's header and CSV. A name with an ESC (a
//! series called `\x1b]0;PWNED\x07x`) would otherwise retitle or repaint the
//! user's terminal. JSON keeps exact names through its own `\u` escapes;
//! Prometheus labels use [`visible_symbols`], which stays valid exposition.
//! Also: the terminal's size.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw: C0 controls except tab and
/// newline, DEL, and the C1 range (U+0080..U+009F, which some terminals
/// read as 8-bit escapes such as CSI).
pub fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}')
}

/// `s` with every control character written as `\xNN` (C0, DEL) or
/// `\u{NN}` (C1), as Rust and ripgrep show them; borrowed when there is
/// none, which is nearly always.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            let n = c as u32;
            if n < 0x80 {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{{{n:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with every control character replaced by a visible symbol: the
/// Unicode control pictures (U+2400 + code, so ESC reads `␛`, DEL `␡`) for
/// C0 and DEL, U+FFFD for C1. For outputs whose syntax a backslash would
/// change, such as Prometheus label values.
pub fn visible_symbols(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\x7f' => '\u{2421}',
                c if (c as u32) < 0x20 && is_control(c) => {
                    char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')
                }
                c if is_control(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// The terminal's size in columns and rows, from whichever of stdout,
/// stderr and stdin is a terminal (stdout may be a pipe to `less -R`).
pub fn terminal_size() -> Option<(u16, u16)> {
    use rustix::stdio::{stderr, stdin, stdout};
    [stdout(), stderr(), stdin()].into_iter().find_map(|fd| {
        rustix::termios::tcgetwinsize(fd)
            .ok()
            .filter(|ws| ws.ws_col > 0)
            .map(|ws| (ws.ws_col, ws.ws_row))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown() {
        assert!(matches!(visible("tcp"), Cow::Borrowed("tcp")));
        assert_eq!(visible("a\tb\nc"), "a\tb\nc");
        assert_eq!(visible("\x1b]0;PWNED\x07x"), "\\x1b]0;PWNED\\x07x");
        assert_eq!(visible("del\x7f c1\u{9b}"), "del\\x7f c1\\u{9b}");
        assert_eq!(
            visible_symbols("\x1b[2J\x7f\u{85}é"),
            "\u{241b}[2J\u{2421}\u{fffd}é"
        );
    }
}
