//! The flag table type and the `--help` generator. Each tool describes its
//! options once, in one `OPTS` table; `--help` ([`help`]) and the shell
//! completions (`completions::script`) are both written from it, and
//! tests/it/manpages.rs holds the hand-written man pages to what `--help`
//! lists.
//!
//! A row is `opt(short, long, value, "one line for completions")`, refined
//! with `.arg("PID[,PID...]")`, `.doc("the paragraph --help prints")`,
//! `.default("all")` and `.section("Input")`.

/// What an option's value is, for completing it.
#[derive(Clone, Copy, Debug)]
pub enum Value {
    /// A flag: no value.
    Flag,
    /// Free text (a number, a format): nothing to offer.
    Text(&'static str),
    /// A file name.
    File,
    /// A process id of a running process.
    Pid,
    /// A running command name (as `pgrep -x` matches).
    Command,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A comma-separated list of these words.
    ListOf(&'static [&'static str]),
}

/// One option of a tool.
#[derive(Clone, Copy, Debug)]
pub struct Opt {
    pub short: Option<char>,
    pub long: &'static str,
    pub value: Value,
    /// One line, for the completion menus of zsh and fish.
    pub help: &'static str,
    /// The value's name in `--help` (`PID[,PID...]`, `[=FORMAT]` for an
    /// optional value); empty: derived from `value`.
    pub arg: &'static str,
    /// What `--help` says, one paragraph (wrapped when printed); empty: `help`.
    pub doc: &'static str,
    /// Printed as `[default: ...]` after `doc`; empty: none.
    pub default: &'static str,
    /// The `--help` heading this option starts (`Input`); a table whose
    /// first row has none is printed under `Options:`.
    pub section: &'static str,
}

/// An `Opt`, in one line per option in a tool's table.
pub const fn opt(short: Option<char>, long: &'static str, value: Value, help: &'static str) -> Opt {
    Opt {
        short,
        long,
        value,
        help,
        arg: "",
        doc: "",
        default: "",
        section: "",
    }
}

impl Opt {
    pub const fn arg(mut self, arg: &'static str) -> Opt {
        self.arg = arg;
        self
    }

    pub const fn doc(mut self, doc: &'static str) -> Opt {
        self.doc = doc;
        self
    }

    pub const fn default(mut self, default: &'static str) -> Opt {
        self.default = default;
        self
    }

    pub const fn section(mut self, section: &'static str) -> Opt {
        self.section = section;
        self
    }

    /// `-p, --pid PID[,PID...]`, as the left column of `--help`.
    fn left(&self) -> String {
        let mut s = match self.short {
            Some(c) => format!("  -{c}, --{}", self.long),
            None => format!("      --{}", self.long),
        };
        let arg = self.arg_name();
        if !arg.is_empty() {
            // `--report[=FORMAT]` is one word; `--top [N]` two.
            if !arg.starts_with("[=") && !arg.starts_with('=') {
                s.push(' ');
            }
            s.push_str(&arg);
        }
        s
    }

    fn arg_name(&self) -> String {
        if !self.arg.is_empty() {
            return self.arg.to_string();
        }
        match self.value {
            Value::Flag => String::new(),
            Value::File => "FILE".into(),
            Value::Pid => "PID".into(),
            Value::Command => "NAME".into(),
            Value::Text(_) | Value::OneOf(_) | Value::ListOf(_) => self.long.to_uppercase(),
        }
    }

    fn text(&self) -> String {
        let mut s = if self.doc.is_empty() {
            let mut c = self.help.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        } else {
            self.doc.to_string()
        };
        if !self.default.is_empty() {
            s.push_str(&format!(" [default: {}]", self.default));
        }
        s
    }
}

/// The options every tool has, listed after its own.
pub const COMMON: &[Opt] = &[
    opt(
        None,
        "completions",
        Value::OneOf(&["bash", "zsh", "fish"]),
        "print a completion script",
    )
    .arg("SHELL")
    .doc("Print a completion script for bash, zsh or fish"),
    opt(Some('h'), "help", Value::Flag, "print help").doc("Print this help"),
    opt(Some('V'), "version", Value::Flag, "print the version"),
];

/// The width `--help` wraps to.
const WIDTH: usize = 79;
/// Option names longer than this put their text on the next line.
const MAX_LEFT: usize = 27;

/// A tool's `--help`: `intro` (name, usage, description; ends with a blank
/// line), the options of `opts` and [`COMMON`], then `footer`.
pub fn help(intro: &str, opts: &[Opt], footer: &str) -> String {
    let all: Vec<&Opt> = opts.iter().chain(COMMON).collect();
    let lefts: Vec<String> = all.iter().map(|o| o.left()).collect();
    let col = lefts
        .iter()
        .map(|l| l.chars().count())
        .filter(|&w| w <= MAX_LEFT)
        .max()
        .unwrap_or(MAX_LEFT)
        + 2;
    let sectioned = opts.first().is_some_and(|o| !o.section.is_empty());
    let mut s = intro.to_string();
    if !sectioned {
        s.push_str("Options:\n");
    }
    for (i, (o, left)) in all.iter().zip(&lefts).enumerate() {
        if sectioned && !o.section.is_empty() {
            s.push_str(&format!("{}:\n", o.section));
        } else if sectioned && i == opts.len() {
            s.push_str("Other:\n");
        }
        let lines = wrap(&o.text(), WIDTH - col);
        let width = left.chars().count();
        s.push_str(left);
        if width + 2 > col {
            s.push('\n');
            s.push_str(&" ".repeat(col));
        } else {
            s.push_str(&" ".repeat(col - width));
        }
        for (j, line) in lines.iter().enumerate() {
            if j > 0 {
                s.push_str(&" ".repeat(col));
            }
            s.push_str(line);
            s.push('\n');
        }
    }
    if !footer.is_empty() {
        s.push('\n');
        s.push_str(footer);
    }
    s
}

/// `text` in lines of at most `width` characters, broken at spaces (a word
/// longer than the width gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if line.is_empty() {
            line.push_str(word);
        } else if line.chars().count() + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(word);
        } else {
            lines.push(word.to_string());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] = &[
        opt(Some('p'), "pid", Value::Pid, "process to count")
            .arg("PID[,PID...]")
            .doc("Process to count; repeat or give a list for several (one group of columns each, in order)"),
        opt(Some('k'), "kind", Value::ListOf(&["all", "tcp"]), "what to count").default("all"),
        opt(None, "report", Value::Flag, "report").arg("[=FORMAT]"),
        opt(None, "a-very-long-option-name", Value::Text("n"), "long"),
    ];

    #[test]
    fn help_aligns_wraps_and_appends_common_options() {
        let h = help("t: a tool\n\nUsage: t\n\n", OPTS, "Exit status: 0.\n");
        let want = "\
t: a tool

Usage: t

Options:
  -p, --pid PID[,PID...]   Process to count; repeat or give a list for several
                           (one group of columns each, in order)
  -k, --kind KIND          What to count [default: all]
      --report[=FORMAT]    Report
      --a-very-long-option-name A-VERY-LONG-OPTION-NAME
                           Long
      --completions SHELL  Print a completion script for bash, zsh or fish
  -h, --help               Print this help
  -V, --version            Print the version

Exit status: 0.
";
        assert_eq!(h, want);
        assert!(h.lines().all(|l| l.chars().count() <= WIDTH), "{h}");
    }

    #[test]
    fn sections_head_their_options_and_common_ones_go_under_other() {
        let opts = [
            opt(Some('x'), "x", Value::Text("col"), "the time column").section("Input"),
            opt(Some('o'), "output", Value::File, "write to a file").section("Output"),
        ];
        let h = help("", &opts, "");
        assert!(
            h.starts_with("Input:\n  -x, --x X ") && h.contains("Output:\n  -o, --output FILE "),
            "{h}"
        );
        assert!(h.contains("Other:\n      --completions SHELL"), "{h}");
        assert!(!h.contains("Options:"), "{h}");
    }
}
