//! Issue 13 on a production box, as an attacker and a careless user would
//! try it: `-o` through planted links (planted by another user), devices and
//! FIFOs written in place, a full disk, a directory as the target, two
//! writers of one file, an output that is an input, escape sequences in
//! names on every text output, statistics at ±1e308, panics that exit 1.
//!
//! The cases that need root (another user, mknod, a tiny tmpfs) are ignored
//! without it, and fail under `CI` (which runs as root), as tests/it/prereq.rs
//! does for every prerequisite.

use crate::util::{bin, scratch, Cmd};
use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const VICTIM: &[u8] = b"VICTIM: must stay byte-identical\n";

fn csv() -> String {
    let mut s = String::from("time,conns\n");
    for i in 0..100 {
        s.push_str(&format!("{},{}\n", 1_764_000_000 + 5 * i, 40 + i / 20));
    }
    s
}

/// Runs `script` under sh as the unprivileged user nobody.
fn as_nobody(script: &str) {
    let st = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
            script,
        ])
        .status()
        .expect("setpriv (util-linux) runs");
    assert!(st.success(), "as nobody: {script}");
}

/// This process's umask (the tools inherit it), from /proc.
fn umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
}

fn entries(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn pid() -> String {
    std::process::id().to_string()
}

/// fdcount's and tsplot's `-o` runs, each with what its output looks like.
fn writers(dir: &Path) -> Vec<(&'static str, Vec<String>, &'static str)> {
    let input = dir.join("in.csv");
    fs::write(&input, csv()).unwrap();
    let input = input.display().to_string();
    vec![
        (
            "fdcount",
            vec!["-p".into(), pid(), "-f".into(), "prom".into(), "-o".into()],
            "fdcount_open_fds{",
        ),
        (
            "tsplot",
            vec![input, "--format".into(), "svg".into(), "-o".into()],
            "</svg>",
        ),
    ]
}

#[test]
#[cfg_attr(
    missing_setpriv,
    ignore = "needs root and setpriv: another user plants the links"
)]
fn a_link_or_file_planted_by_another_user_is_never_used() {
    crate::util::require("setpriv");
    let dir = scratch("safety-planted");
    // World-writable, not sticky: fs.protected_symlinks does not help here.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    for (tool, args, looks) in writers(&dir) {
        let victim = dir.join(format!("victim-{tool}"));
        fs::write(&victim, VICTIM).unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o600)).unwrap();
        let out = dir.join(format!("out-{tool}"));
        let planted = dir.join(format!("plain-{tool}"));
        // The link at FILE.tmp, a world-writable file at the other tool's
        // usual name, a link at FILE itself.
        as_nobody(&format!(
            "cd {d} && ln -s {v} out-{tool}.tmp && ln -s {v} out2-{tool} && \
             echo attacker > plain-{tool}.tmp && chmod 666 plain-{tool}.tmp && \
             echo attacker > own-{tool} && chmod 666 own-{tool}",
            d = dir.display(),
            v = victim.display()
        ));
        let owned = dir.join(format!("own-{tool}"));
        for target in [&out, &planted, &dir.join(format!("out2-{tool}")), &owned] {
            let r = Cmd::new(tool).args(&args).arg(target).ok();
            assert_eq!(
                fs::read(&victim).unwrap(),
                VICTIM,
                "{tool} wrote the victim"
            );
            let m = fs::symlink_metadata(target).unwrap();
            assert!(
                m.is_file(),
                "{tool}: {} is not a regular file",
                target.display()
            );
            assert_eq!(m.uid(), 0, "{tool}: {} is not root's", target.display());
            let text = fs::read_to_string(target).unwrap();
            assert!(text.contains(looks), "{tool}: {text}\n{}", r.stderr());
        }
        // A world-writable FILE of another user's does not choose the mode
        // of root's output: the umask does.
        let mode = fs::metadata(&owned).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask(), "{tool}: mode {mode:o}");
        assert_eq!(
            fs::read_to_string(dir.join(format!("plain-{tool}.tmp"))).unwrap(),
            "attacker\n"
        );
        assert!(fs::symlink_metadata(dir.join(format!("out-{tool}.tmp")))
            .unwrap()
            .file_type()
            .is_symlink());
    }
    let mut want = vec!["in.csv".to_string()];
    for tool in ["fdcount", "tsplot"] {
        for f in [
            "own-",
            "out-",
            "out-.tmp",
            "out2-",
            "plain-",
            "plain-.tmp",
            "victim-",
        ] {
            want.push(match f.strip_suffix(".tmp") {
                Some(stem) => format!("{stem}{tool}.tmp"),
                None => format!("{f}{tool}"),
            });
        }
    }
    want.sort();
    assert_eq!(entries(&dir), want, "nothing else is left behind");
    fs::remove_dir_all(&dir).unwrap();
}

// Never the machine's own /dev/null: a regression would replace it by a
// regular file for everyone. A copy (mknod, as root) or a FIFO.
#[test]
fn devices_and_fifos_are_written_in_place() {
    let dir = scratch("safety-devices");
    for (tool, args, looks) in writers(&dir) {
        // A FIFO, and a link to it: the reader gets the output, both stay.
        let fifo = dir.join(format!("fifo-{tool}"));
        let link = dir.join(format!("link-{tool}"));
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        symlink(&fifo, &link).unwrap();
        for target in [&fifo, &link] {
            let f = fifo.clone();
            let reader = std::thread::spawn(move || fs::read_to_string(f).unwrap());
            Cmd::new(tool).args(&args).arg(target).ok();
            let got = reader.join().unwrap();
            assert!(
                got.contains(looks),
                "{tool} -o {}: {got:?}",
                target.display()
            );
        }
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo_());
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        // A link to a descriptor (as /dev/stdout is), stdout a regular
        // file: written through, the link kept.
        let fd_link = dir.join(format!("stdout-{tool}"));
        symlink("/proc/self/fd/1", &fd_link).unwrap();
        let redirected = dir.join(format!("redirected-{tool}"));
        let st = Command::new(bin(tool))
            .args(&args)
            .arg(&fd_link)
            .stdout(fs::File::create(&redirected).unwrap())
            .status()
            .unwrap();
        assert!(st.success(), "{tool} -o a link to /proc/self/fd/1");
        assert!(
            fs::read_to_string(&redirected).unwrap().contains(looks),
            "{tool}"
        );
        assert!(fs::symlink_metadata(&fd_link)
            .unwrap()
            .file_type()
            .is_symlink());
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// A device node (a copy of /dev/null made with mknod, as root) is written
/// in place, nothing left beside it.
#[test]
#[cfg_attr(missing_root, ignore = "needs root: mknod")]
fn devices_are_written_in_place() {
    crate::util::require("root");
    let dir = scratch("safety-mknod");
    for (tool, args, _) in writers(&dir) {
        let node = dir.join(format!("null-{tool}"));
        let st = Command::new("mknod")
            .args([node.to_str().unwrap(), "c", "1", "3"])
            .status()
            .unwrap();
        assert!(st.success());
        let before = entries(&dir);
        Cmd::new(tool).args(&args).arg(&node).ok();
        let m = fs::symlink_metadata(&node).unwrap();
        assert!(
            m.file_type().is_char_device_(),
            "{tool} replaced the device"
        );
        assert_eq!(m.rdev(), rustix::fs::makedev(1, 3));
        assert_eq!(entries(&dir), before);
    }
    fs::remove_dir_all(&dir).unwrap();
}

trait Kind {
    fn is_char_device_(&self) -> bool;
    fn is_fifo_(&self) -> bool;
}

impl Kind for fs::FileType {
    fn is_char_device_(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_char_device(self)
    }
    fn is_fifo_(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

#[test]
fn a_directory_target_fails_and_leaves_nothing() {
    let dir = scratch("safety-isdir");
    for (tool, args, _) in writers(&dir) {
        let sub = dir.join(format!("sub-{tool}"));
        fs::create_dir(&sub).unwrap();
        let before = entries(&dir);
        Cmd::new(tool)
            .args(&args)
            .arg(&sub)
            .code(1)
            .stderr_has("is a directory");
        assert_eq!(entries(&dir), before, "{tool}");
        assert!(entries(&sub).is_empty(), "{tool}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// A tiny tmpfs, unmounted on drop.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[cfg_attr(missing_root, ignore = "needs root: mounts a tmpfs")]
fn a_full_disk_fails_the_write_and_keeps_the_old_file() {
    crate::util::require("root");
    let dir = scratch("safety-enospc");
    let inputs = scratch("safety-enospc-in");
    let mnt = dir.join("mnt");
    fs::create_dir(&mnt).unwrap();
    let st = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=64k",
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(st.success(), "mount -t tmpfs");
    let _unmount = Tmpfs(mnt.clone());
    for (tool, args, looks) in writers(&inputs) {
        let out = mnt.join(format!("out-{tool}"));
        Cmd::new(tool).args(&args).arg(&out).ok();
        let old = fs::read(&out).unwrap();
        // Fill what is left.
        let filler = mnt.join("filler");
        let _ = fs::write(&filler, vec![b'x'; 128 * 1024]);
        Cmd::new(tool)
            .args(&args)
            .arg(&out)
            .code(1)
            .stderr_has("no space left on device");
        assert_eq!(
            fs::read(&out).unwrap(),
            old,
            "{tool}: the old file is intact"
        );
        assert!(String::from_utf8_lossy(&old).contains(looks));
        let mut want = vec!["filler".to_string(), format!("out-{tool}")];
        want.sort();
        assert_eq!(entries(&mnt), want, "{tool} left a temporary file");
        fs::remove_file(&filler).unwrap();
        fs::remove_file(&out).unwrap();
    }
    drop(_unmount);
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&inputs).unwrap();
}

#[test]
fn two_fdcounts_writing_one_file_both_keep_going() {
    let dir = scratch("safety-two-writers");
    let out = dir.join("out.prom");
    let spawn = || {
        Command::new(bin("fdcount"))
            .args(["-p", &pid(), "-f", "prom", "-i", "0", "-c", "2000", "-o"])
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let r = child.wait_with_output().unwrap();
        assert!(
            r.status.success(),
            "{:?}: {}",
            r.status,
            String::from_utf8_lossy(&r.stderr)
        );
    }
    assert!(fs::read_to_string(&out)
        .unwrap()
        .contains("fdcount_open_fds{"));
    assert_eq!(entries(&dir), ["out.prom"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_mode_comes_from_the_umask_or_the_existing_file() {
    let dir = scratch("safety-mode");
    let input = dir.join("in.csv");
    fs::write(&input, csv()).unwrap();
    for (tool, cmd) in [
        ("fdcount", format!("{} -p {} -o", bin("fdcount"), pid())),
        (
            "tsplot",
            format!("{} {} -o", bin("tsplot"), input.display()),
        ),
    ] {
        let fresh = dir.join(format!("fresh-{tool}"));
        let st = Command::new("sh")
            .args([
                "-c",
                &format!("umask 027 && exec {cmd} {}", fresh.display()),
            ])
            .status()
            .unwrap();
        assert!(st.success());
        assert_eq!(
            fs::metadata(&fresh).unwrap().mode() & 0o7777,
            0o640,
            "{tool}"
        );
        let kept = dir.join(format!("kept-{tool}"));
        fs::write(&kept, "old").unwrap();
        fs::set_permissions(&kept, fs::Permissions::from_mode(0o604)).unwrap();
        let st = Command::new("sh")
            .args(["-c", &format!("umask 077 && exec {cmd} {}", kept.display())])
            .status()
            .unwrap();
        assert!(st.success());
        assert_eq!(
            fs::metadata(&kept).unwrap().mode() & 0o7777,
            0o604,
            "{tool}"
        );
        assert_ne!(fs::read_to_string(&kept).unwrap(), "old");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = scratch("safety-same");
    let data = dir.join("data.csv");
    fs::write(&data, csv()).unwrap();
    symlink(&data, dir.join("link.svg")).unwrap();
    fs::hard_link(&data, dir.join("hard.svg")).unwrap();
    for out in ["data.csv", "link.svg", "hard.svg"] {
        Cmd::new("tsplot")
            .current_dir(&dir)
            .args(["data.csv", "-o", out])
            .code(2)
            .stderr_has("that is an input");
        // Also among several inputs, and by another spelling of the path.
        Cmd::new("tsplot")
            .current_dir(&dir)
            .args(["/dev/null", "./data.csv", "-o", out])
            .code(2)
            .stderr_has("that is an input");
    }
    // stdin redirected from the output.
    let r = Command::new(bin("tsplot"))
        .current_dir(&dir)
        .args(["-o", "data.csv"])
        .stdin(fs::File::open(&data).unwrap())
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("that is an input (stdin)"));
    assert_eq!(fs::read_to_string(&data).unwrap(), csv());
    assert!(fs::symlink_metadata(dir.join("link.svg"))
        .unwrap()
        .file_type()
        .is_symlink());
    // Another file is fine.
    Cmd::new("tsplot")
        .current_dir(&dir)
        .args(["data.csv", "-o", "chart.svg"])
        .ok();
    assert!(fs::read_to_string(dir.join("chart.svg"))
        .unwrap()
        .contains("</svg>"));
    fs::remove_dir_all(&dir).unwrap();
}

const PWNED: &str = "\x1b]0;PWNED\x07x";

/// No ESC, BEL or C1 control reaches stdout or stderr.
fn no_raw_controls(r: &crate::util::Run, what: &str) {
    for (name, out) in [("stdout", &r.out.stdout), ("stderr", &r.out.stderr)] {
        let text = String::from_utf8_lossy(out);
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| leakhunt::sys::term::is_control(c))
            .collect();
        assert!(bad.is_empty(), "{what}: raw {bad:?} on {name}:\n{text}");
    }
}

#[test]
fn names_with_escape_sequences_never_reach_the_terminal_raw() {
    let dir = scratch("safety-escapes");
    let mut data = format!("time,{PWNED}\n");
    for i in 0..40 {
        data.push_str(&format!("{},{}\n", 1_764_000_000 + 5 * i, 10 + i));
    }
    data.push_str("1764000200,abc\n");
    let file = dir.join("data.csv");
    fs::write(&file, &data).unwrap();
    let shown = "\\x1b]0;PWNED\\x07x";
    let runs: &[(&[&str], &str)] = &[
        (&["-d", ","], "chart legend"),
        (&["-d", ",", "--report"], "report"),
        (
            &["-d", ",", "--report", "--fail-on-growth", "0"],
            "growth warning",
        ),
        (&["-d", ",", "-y", "nope"], "-y error listing the columns"),
        (&["-d", ",", "--title", PWNED, "--ylabel", PWNED], "title"),
        (
            &["-d", ",", "--format", "svg", "--title", PWNED],
            "SVG on stdout",
        ),
        (&["-d", ",", "--html", "--title", PWNED], "HTML on stdout"),
        (&[], "sniffed delimiter"),
        (&["--report"], "sniffed delimiter, report"),
    ];
    for (args, what) in runs {
        let r = Cmd::new("tsplot")
            .args(*args)
            .args(["-W", "60", "-H", "12"])
            .arg(&file)
            .run();
        assert_ne!(r.out.status.code(), Some(101), "{what}");
        no_raw_controls(&r, what);
        // SVG and HTML have their own escapes (XML, JSON).
        if args.starts_with(&["-d"]) && !what.contains("on stdout") {
            let both = r.stdout() + &r.stderr();
            assert!(
                both.contains(shown),
                "{what}: the name is shown escaped:\n{both}"
            );
        }
    }
    // A warning that quotes a bad value, and -y naming a column by its
    // escape-laden name: both escaped on stderr.
    let r = Cmd::new("tsplot")
        .args(["-d", ",", "-y", PWNED, "--report"])
        .arg(&file)
        .ok();
    no_raw_controls(&r, "-y by name");
    assert!(r.stderr().contains("\"abc\""), "{}", r.stderr());
    assert!(r.stdout().contains(shown));
    let r = Cmd::new("tsplot").arg(dir.join(PWNED)).code(1);
    no_raw_controls(&r, "a file name in an error");
    assert!(r.stderr().contains(shown), "{}", r.stderr());
    // JSON keeps the exact name (through \u escapes).
    let r = Cmd::new("tsplot")
        .args(["-d", ",", "--report=json"])
        .arg(&file)
        .ok();
    no_raw_controls(&r, "JSON report");
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(v["series"][0]["name"], PWNED);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn statistics_at_the_float_limits_are_finite_or_null() {
    let mut data = String::from("time,big\n");
    for i in 0..20 {
        let v = if i % 2 == 0 { "1e308" } else { "-1e308" };
        data.push_str(&format!("{},{v}\n", 1_764_000_000 + 5 * i));
    }
    data.push_str("1764000100,1.7976931348623157e308\n");
    let r = Cmd::new("tsplot").arg("--report=json").stdin(&data).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    let s = &v["series"][0];
    for key in [
        "mean",
        "min",
        "max",
        "first",
        "last",
        "change",
        "slope_per_hour",
        "r2",
    ] {
        assert!(
            s[key].is_null() || s[key].as_f64().is_some_and(f64::is_finite),
            "{key}: {}",
            s[key]
        );
    }
    // The mean of numbers near ±1e308 is representable and so is given.
    let mean = s["mean"].as_f64().expect("a mean");
    assert!(mean.abs() < 1e308, "{mean}");
    let r = Cmd::new("tsplot").arg("--report").stdin(&data).ok();
    let text = r.stdout();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    assert!(text.contains("slope   - (out of range"), "{text}");
}

#[test]
fn a_panic_is_one_line_and_exit_1() {
    // Limits outside the data once panicked in the chart (a clamp); fixed
    // or not, tsplot never exits 101 nor prints a backtrace.
    let r = Cmd::new("tsplot")
        .args(["--ymin", "1e17"])
        .stdin("time,a\n1764000000,1\n1764000005,2\n")
        .run();
    assert!(
        matches!(r.out.status.code(), Some(0..=3)),
        "{:?}",
        r.out.status
    );
    assert!(r.stderr().lines().count() <= 1, "{}", r.stderr());
    assert!(!r.stderr().contains("panicked"), "{}", r.stderr());
}
