//! Shell completions for bash, zsh and fish, written by each tool's
//! `--completions SHELL` from its flag table (src/cli/flags.rs), the one
//! `--help` is written from, so they cannot fall out of step.
//!
//! ```text
//! fdcount --completions bash > ~/.local/share/bash-completion/completions/fdcount
//! fdcount --completions zsh  > "${fpath[1]}/_fdcount"
//! fdcount --completions fish > ~/.config/fish/completions/fdcount.fish
//! ```

// Re-exported: the tools' tables name them through this module too.
pub use super::flags::{opt, Opt, Value, COMMON};
use crate::error::{Error, Result};

/// The shells supported, for the usage message.
pub const SHELLS: &str = "bash, zsh or fish";

/// The completion script for `shell`: the tool's `opts` and [`COMMON`].
/// `positional` completes the free arguments: files (tsplot) or nothing.
pub fn script(tool: &str, shell: &str, opts: &[Opt], positional: Value) -> Result<String> {
    let all: Vec<Opt> = opts.iter().chain(COMMON).copied().collect();
    let opts = &all[..];
    match shell {
        "bash" => Ok(bash(tool, opts, positional)),
        "zsh" => Ok(zsh(tool, opts, positional)),
        "fish" => Ok(fish(tool, opts, positional)),
        _ => Err(Error::usage(format!(
            "unknown shell \"{shell}\" for --completions: expected {SHELLS}"
        ))),
    }
}

fn names(opt: &Opt) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(c) = opt.short {
        v.push(format!("-{c}"));
    }
    v.push(format!("--{}", opt.long));
    v
}

fn bash_words(value: Value) -> Option<String> {
    Some(match value {
        Value::Flag | Value::Text(_) => return None,
        Value::File => "__FILES__".into(),
        Value::Pid => "$(cd /proc && printf '%s ' [0-9]*)".into(),
        Value::Command => "$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)".into(),
        Value::OneOf(w) | Value::ListOf(w) => w.join(" "),
    })
}

fn bash(tool: &str, opts: &[Opt], positional: Value) -> String {
    let func = format!("_{}", tool.replace('-', "_"));
    let mut s =
        format!("# bash completion for {tool} (leakhunt), from `{tool} --completions bash`\n");
    s.push_str(&format!("{func}() {{\n"));
    s.push_str("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n");
    s.push_str("    case $prev in\n");
    for o in opts {
        let pat = names(o).join("|");
        match (o.value, bash_words(o.value)) {
            (Value::Flag, _) => {}
            (_, None) => s.push_str(&format!("        {pat}) return ;;\n")),
            (Value::File, _) => s.push_str(&format!(
                "        {pat}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
            )),
            (Value::ListOf(_), Some(w)) => s.push_str(&format!(
                "        {pat})\n            local head=\n            [[ $cur == *,* ]] && head=${{cur%,*}},\n            COMPREPLY=($(compgen -P \"$head\" -W \"{w}\" -- \"${{cur##*,}}\"))\n            compopt -o nospace 2>/dev/null\n            return ;;\n"
            )),
            (_, Some(w)) => s.push_str(&format!(
                "        {pat}) COMPREPLY=($(compgen -W \"{w}\" -- \"$cur\")); return ;;\n"
            )),
        }
    }
    s.push_str("    esac\n    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"");
    let all: Vec<String> = opts.iter().flat_map(names).collect();
    s.push_str(&all.join(" "));
    s.push_str("\" -- \"$cur\"))\n        return\n    fi\n");
    if matches!(positional, Value::File) {
        s.push_str("    COMPREPLY=($(compgen -f -- \"$cur\"))\n");
    }
    s.push_str(&format!("}}\ncomplete -F {func} {tool}\n"));
    s
}

/// Text inside a zsh `[...]` description or a single-quoted word.
fn zsh_quote(text: &str) -> String {
    text.replace('\'', "'\\''")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace(':', "\\:")
}

fn zsh(tool: &str, opts: &[Opt], positional: Value) -> String {
    let mut s = format!("#compdef {tool}\n# zsh completion for {tool} (leakhunt), from `{tool} --completions zsh`\n");
    s.push_str(&format!("_{tool}() {{\n    _arguments -s -S \\\n"));
    for o in opts {
        let excl = names(o).join(" ");
        let spec = match o.short {
            Some(c) => format!("{{-{c},--{}}}", o.long),
            None => format!("--{}", o.long),
        };
        let action = match o.value {
            Value::Flag => String::new(),
            Value::Text(what) => format!(":{}: ", zsh_quote(what)),
            Value::File => ":file:_files".into(),
            Value::Pid => ":pid:_pids".into(),
            Value::Command => ":command:_process_names -a".into(),
            Value::OneOf(w) => format!(":value:({})", w.join(" ")),
            Value::ListOf(w) => format!(":value:_sequence compadd - {}", w.join(" ")),
        };
        // Options that take a value and may repeat (like -p) are not
        // excluded after their first use.
        let repeat = matches!(o.value, Value::Pid | Value::Command);
        let prefix = if repeat {
            "*".to_string()
        } else {
            format!("({excl})")
        };
        s.push_str(&format!(
            "        '{prefix}'{spec}'[{}]{}' \\\n",
            zsh_quote(o.help),
            zsh_quote_action(&action)
        ));
    }
    if matches!(positional, Value::File) {
        s.push_str("        '*:file:_files'\n");
    } else {
        s.push_str("        && return 0\n");
    }
    s.push_str(&format!("}}\n_{tool} \"$@\"\n"));
    s
}

fn zsh_quote_action(action: &str) -> String {
    action.replace('\'', "'\\''")
}

fn fish(tool: &str, opts: &[Opt], positional: Value) -> String {
    let mut s =
        format!("# fish completion for {tool} (leakhunt), from `{tool} --completions fish`\n");
    if !matches!(positional, Value::File) {
        s.push_str(&format!("complete -c {tool} -f\n"));
    }
    for o in opts {
        let mut line = format!("complete -c {tool}");
        if let Some(c) = o.short {
            line.push_str(&format!(" -s {c}"));
        }
        line.push_str(&format!(" -l {}", o.long));
        let help = o.help.replace('\'', "\\'");
        line.push_str(&format!(" -d '{help}'"));
        match o.value {
            Value::Flag => {}
            Value::Text(_) => line.push_str(" -x"),
            Value::File => line.push_str(" -r -F"),
            Value::Pid => line.push_str(" -x -a '(__fish_complete_pids)'"),
            Value::Command => line.push_str(" -x -a '(__fish_complete_proc)'"),
            Value::OneOf(w) | Value::ListOf(w) => {
                line.push_str(&format!(" -x -a '{}'", w.join(" ")))
            }
        }
        s.push_str(&line);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] = &[
        opt(Some('p'), "pid", Value::Pid, "process id"),
        opt(
            Some('k'),
            "kind",
            Value::ListOf(&["all", "tcp"]),
            "kinds [all]",
        ),
        opt(None, "header", Value::Flag, "print a header: it's first"),
    ];

    #[test]
    fn every_shell_names_every_option() {
        for shell in ["bash", "zsh", "fish"] {
            let s = script("fdcount", shell, OPTS, Value::Flag).unwrap();
            for o in OPTS {
                assert!(s.contains(o.long), "{shell}: {}", o.long);
            }
            assert!(s.contains("all") && s.contains("tcp"), "{shell}");
        }
        assert!(script("fdcount", "tcsh", OPTS, Value::Flag)
            .unwrap_err()
            .to_string()
            .contains("tcsh"));
    }
}
