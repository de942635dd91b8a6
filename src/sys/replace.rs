//! The one way the tools write a whole file (`fdcount -o`, `tsplot -o`):
//! atomically, and safely in a directory other users can write to.
//!
//! The tools run as root in shared directories (node_exporter's textfile
//! directory, /tmp). A fixed temporary name (`FILE.tmp`) lets any user who
//! can write there plant a symlink to /etc/shadow, or a file of their own
//! that becomes the output. So the temporary file gets an unpredictable name
//! and is created with O_CREAT|O_EXCL|O_NOFOLLOW: the kernel refuses
//! whatever already sits at that name (another name is tried), and never
//! follows a link. It is written, fsync'd and renamed over FILE, so a reader
//! sees the old file or the new one, never a part; on every error it is
//! removed. Two writers of the same FILE each use their own temporary name.
//!
//! FILE itself, if it is a symlink to a regular file, is replaced (as `mv`
//! and rename-based writers do): a planted link there is never followed.
//! What is not a regular file (/dev/null, a FIFO, a link to one, or a path
//! naming an open descriptor such as /dev/stdout) is written in place.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags};

/// How many temporary names are tried before giving up: each is 64 random
/// bits, so only a directory that is not a directory in earnest (a full
/// name table, say) fails them all.
const ATTEMPTS: usize = 64;

/// Replaces the file at `path` by one holding `data` (see the module
/// comment for how).
pub fn replace(path: &Path, data: &[u8]) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(io::Error::from_raw_os_error(libc::EISDIR)),
        Ok(m) if !m.is_file() => write_in_place(path, data, false),
        Ok(_) if names_a_descriptor(path) => write_in_place(path, data, true),
        // The existing file's permissions, without set-id bits, and only
        // when it is ours: a file someone else planted (mode 0666) must not
        // choose the mode of root's output.
        Ok(m) if m.uid() == rustix::process::geteuid().as_raw() => {
            atomic(path, data, Some(m.permissions().mode() & 0o777))
        }
        Ok(_) => atomic(path, data, None),
        // Nothing there, or a dangling link (replaced, never followed).
        Err(e) if e.kind() == io::ErrorKind::NotFound => atomic(path, data, None),
        Err(e) => Err(e),
    }
}

/// Whether `a` and `b` are the same file (device and inode): an output
/// that is one of the inputs would destroy it.
pub fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// A device or a FIFO: opened as it is (never created, never truncated
/// unless asked: a regular file behind /dev/stdout is).
fn write_in_place(path: &Path, data: &[u8], truncate: bool) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(truncate)
        .custom_flags(libc::O_NOCTTY)
        .open(path)?;
    f.write_all(data)?;
    f.flush()
}

/// Whether following `path`'s links passes through /proc (/dev/stdout ->
/// /proc/self/fd/1, /dev/fd/N): the path names a descriptor this process
/// was handed, and replacing the link itself would break /dev for everyone.
fn names_a_descriptor(path: &Path) -> bool {
    // The common case, a plain file, costs one lstat (fdcount writes
    // once per sample).
    if !fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return false;
    }
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let Ok(parent) = fs::canonicalize(&parent) else {
            return false;
        };
        if parent.starts_with("/proc") {
            return true;
        }
        match fs::read_link(&p) {
            Ok(t) if t.starts_with("/proc") => return true,
            Ok(t) => p = parent.join(t),
            Err(_) => return false,
        }
    }
    false
}

/// Removes the temporary file unless the rename consumed it.
struct Temp<'a> {
    dir: &'a OwnedFd,
    name: Option<OsString>,
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if let Some(n) = self.name.take() {
            let _ = rustix::fs::unlinkat(self.dir, n.as_os_str(), AtFlags::empty());
        }
    }
}

fn atomic(path: &Path, data: &[u8], mode: Option<u32>) -> io::Result<()> {
    let base = path
        .file_name()
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EISDIR))?;
    let dir_path = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = rustix::fs::open(
        dir_path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let (fd, name) = create_temp(&dir, base, mode)?;
    let mut temp = Temp {
        dir: &dir,
        name: Some(name),
    };
    // The umask is applied at creation; an existing file's mode is copied
    // exactly (a 0600 file stays 0600, a 0644 one stays readable).
    if let Some(m) = mode {
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(m))?;
    }
    let mut f = File::from(fd);
    f.write_all(data)?;
    f.sync_all()?;
    drop(f);
    let name = temp.name.take().unwrap_or_default();
    if let Err(e) = rustix::fs::renameat(&dir, name.as_os_str(), &dir, base) {
        temp.name = Some(name);
        return Err(e.into());
    }
    // The rename itself reaches the disk with the directory; some file
    // systems cannot sync a directory, which costs nothing but durability.
    let _ = rustix::fs::fsync(&dir);
    Ok(())
}

/// Creates `.BASE.XXXXXXXXXXXXXXXX.tmp` in `dir` with 16 random hex digits,
/// refusing anything already there (a stale file, a planted link).
fn create_temp(dir: &OwnedFd, base: &OsStr, mode: Option<u32>) -> io::Result<(OwnedFd, OsString)> {
    // NAME_MAX is 255 bytes: keep room for the dot, the suffix and ".tmp".
    let stem = &base.as_bytes()[..base.len().min(255 - 1 - 17 - 4)];
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let create_mode = Mode::from_raw_mode(if mode.is_some() { 0o600 } else { 0o666 });
    let mut last = io::Error::from_raw_os_error(libc::EEXIST);
    for _ in 0..ATTEMPTS {
        let mut name = Vec::with_capacity(stem.len() + 22);
        name.push(b'.');
        name.extend_from_slice(stem);
        name.extend_from_slice(format!(".{:016x}.tmp", random()?).as_bytes());
        let name = OsString::from_vec(name);
        match rustix::fs::openat(dir, name.as_os_str(), flags, create_mode) {
            Ok(fd) => return Ok((fd, name)),
            Err(e) if e == rustix::io::Errno::EXIST => last = e.into(),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last)
}

/// 64 bits from the kernel's random pool (getrandom, or /dev/urandom on a
/// kernel older than 3.17).
fn random() -> io::Result<u64> {
    let mut b = [0u8; 8];
    match rustix::rand::getrandom(&mut b, rustix::rand::GetRandomFlags::empty()) {
        Ok(8) => {}
        _ => {
            use std::io::Read;
            File::open("/dev/urandom")?.read_exact(&mut b)?;
        }
    }
    Ok(u64::from_ne_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("leakhunt-replace-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn entries(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_keeping_mode_and_leaving_nothing() {
        let d = dir("mode");
        let f = d.join("out.prom");
        replace(&f, b"one\n").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"one\n");
        fs::set_permissions(&f, fs::Permissions::from_mode(0o640)).unwrap();
        replace(&f, b"two\n").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two\n");
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(entries(&d), ["out.prom"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn planted_names_are_never_used() {
        let d = dir("planted");
        let victim = d.join("victim");
        fs::write(&victim, b"victim").unwrap();
        let f = d.join("out");
        symlink(&victim, d.join("out.tmp")).unwrap();
        // A dangling link at FILE is replaced, not followed into a new file.
        symlink(d.join("created-through-link"), &f).unwrap();
        replace(&f, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"victim");
        assert!(!fs::symlink_metadata(&f).unwrap().file_type().is_symlink());
        assert_eq!(entries(&d), ["out", "out.tmp", "victim"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_directory_target_fails_and_leaves_nothing() {
        let d = dir("isdir");
        fs::create_dir(d.join("sub")).unwrap();
        let e = replace(&d.join("sub"), b"x").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EISDIR));
        assert_eq!(entries(&d), ["sub"]);
        assert!(entries(&d.join("sub")).is_empty());
        fs::remove_dir_all(&d).unwrap();
    }

    // A FIFO, not /dev/null: a regression must not replace the machine's.
    #[test]
    fn fifos_are_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let d = dir("fifo");
        let f = d.join("fifo");
        let st = std::process::Command::new("mkfifo")
            .arg(&f)
            .status()
            .unwrap();
        assert!(st.success());
        let g = f.clone();
        let reader = std::thread::spawn(move || fs::read(g).unwrap());
        replace(&f, b"through").unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        assert!(fs::symlink_metadata(&f).unwrap().file_type().is_fifo());
        assert_eq!(entries(&d), ["fifo"]);
        fs::remove_dir_all(&d).unwrap();
    }
}
