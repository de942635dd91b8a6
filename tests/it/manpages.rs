//! Every option of a tool's flag table (the one source of its `--help` and
//! completions, src/cli/flags.rs) is documented in its hand-written man page
//! and completed by its shell completions, and the other way round; the
//! completion scripts are valid bash, zsh and fish.

use std::collections::BTreeSet;
use std::process::Command;

use crate::util::Cmd;

/// Option names (`-p`, `--header`) in a text: a dash-led word at the start or
/// after a space, comma, bracket or pipe. roff escapes (`\-`, `\fB`) are
/// removed first.
fn options(text: &str) -> BTreeSet<String> {
    let text = text
        .replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
        .replace("\\fP", "");
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    for i in 0..b.len() {
        let before = if i == 0 { b' ' } else { b[i - 1] };
        if b[i] != b'-' || !matches!(before, b' ' | b'\n' | b'\t' | b',' | b'[' | b'|' | b'(') {
            continue;
        }
        let long = b.get(i + 1) == Some(&b'-');
        let start = if long { i + 2 } else { i + 1 };
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || (long && b[end] == b'-')) {
            end += 1;
        }
        let name = &text[start..end];
        let first_alpha = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if !first_alpha || (!long && name.len() != 1) || (long && name.len() < 2) {
            continue;
        }
        out.insert(text[i..end].to_string());
    }
    out
}

fn check(tool: &str) {
    let help = Cmd::new(tool).arg("--help").ok().stdout();
    let man_path = format!("{}/man/{tool}.1", env!("CARGO_MANIFEST_DIR"));
    let man = std::fs::read_to_string(&man_path).expect("man page exists");
    // Only the OPTIONS section of the man page defines options; examples may
    // show other tools' flags (lsof -i, ts -s).
    let opts_section = man
        .split("\n.SH ")
        .find(|s| s.starts_with("OPTIONS"))
        .unwrap_or_else(|| panic!("{man_path} has no OPTIONS section"));
    let in_help = options(&help);
    let in_man = options(opts_section);
    assert!(!in_help.is_empty(), "no options found in {tool} --help");
    let missing_in_man: Vec<_> = in_help.difference(&in_man).collect();
    let missing_in_help: Vec<_> = in_man.difference(&in_help).collect();
    assert!(
        missing_in_man.is_empty() && missing_in_help.is_empty(),
        "{tool}: in --help but not man/{tool}.1 OPTIONS: {missing_in_man:?}; \
         in the man page but not --help: {missing_in_help:?}"
    );
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "EXIT STATUS",
        "EXAMPLES",
        "SEE ALSO",
    ] {
        assert!(
            man.contains(&format!(".SH {section}")) || man.contains(&format!(".SH \"{section}\"")),
            "man/{tool}.1 lacks a {section} section"
        );
    }
}

/// `tool --completions SHELL` for every shell: each names exactly the
/// options of `--help` (the bash script lists them all in one word list);
/// the bash one parses (zsh and fish: the tests below, which need them).
fn check_completions(tool: &str) {
    let in_help = options(&Cmd::new(tool).arg("--help").ok().stdout());
    for shell in ["bash", "zsh", "fish"] {
        let script = Cmd::new(tool).args(["--completions", shell]).ok().stdout();
        for o in &in_help {
            let named = match shell {
                "fish" if o.starts_with("--") => script.contains(&format!(" -l {} ", &o[2..])),
                "fish" => script.contains(&format!(" -s {} ", &o[1..])),
                "zsh" => [",", "}", "'["]
                    .iter()
                    .any(|end| script.contains(&format!("{o}{end}"))),
                // bash: the word list below is compared as a whole
                _ => true,
            };
            assert!(named, "{tool} --completions {shell} lacks {o}:\n{script}");
        }
        if shell == "bash" {
            let words = script
                .lines()
                .find(|l| l.contains("compgen -W \"-"))
                .expect("bash script lists the options");
            let list = words.split("compgen -W \"").nth(1).unwrap();
            let listed = options(&format!(" {}", &list[..list.find('"').unwrap()]));
            assert_eq!(listed, in_help, "{tool}: bash completion vs --help");
        }
        if shell == "bash" {
            parses(tool, shell, &script);
        }
    }
}

/// The completion script of every tool for `shell` parses in that shell.
fn parse_in(shell: &str) {
    for tool in ["fdcount", "tstamp", "tsplot"] {
        let script = Cmd::new(tool).args(["--completions", shell]).ok().stdout();
        parses(tool, shell, &script);
    }
}

fn parses(tool: &str, shell: &str, script: &str) {
    let checker: &[&str] = match shell {
        "bash" => &["bash", "-n"],
        "zsh" => &["zsh", "-n"],
        _ => &["fish", "--no-execute"],
    };
    let path = std::env::temp_dir().join(format!("leakhunt-{tool}-{}.{shell}", std::process::id()));
    std::fs::write(&path, script).unwrap();
    let r = Command::new(checker[0])
        .args(&checker[1..])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("run {shell}: {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(
        r.status.success(),
        "{tool} --completions {shell} does not parse: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
#[cfg_attr(missing_zsh, ignore = "needs zsh (apt-get install zsh)")]
fn completions_parse_in_zsh() {
    crate::util::require("zsh");
    parse_in("zsh");
}

#[test]
#[cfg_attr(missing_fish, ignore = "needs fish (apt-get install fish)")]
fn completions_parse_in_fish() {
    crate::util::require("fish");
    parse_in("fish");
}

#[test]
fn option_extraction() {
    let found = options("  -p, --pid PID   x\n  [--header] -k KIND a-b --x 5 -3 \\fB\\-\\-utc\\fR");
    let want: BTreeSet<String> = ["-p", "--pid", "--header", "-k", "--utc"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}

#[test]
fn fdcount_help_matches_man() {
    check("fdcount");
}

#[test]
fn fdcount_completions_match_help() {
    check_completions("fdcount");
}

#[test]
fn tstamp_help_matches_man() {
    check("tstamp");
}

#[test]
fn tstamp_completions_match_help() {
    check_completions("tstamp");
}

#[test]
fn tsplot_help_matches_man() {
    check("tsplot");
}

#[test]
fn tsplot_completions_match_help() {
    check_completions("tsplot");
}
