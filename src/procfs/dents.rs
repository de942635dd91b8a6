//! The one getdents64 loop: [`Dents`] lists a held directory (a process's
//! fd directory, /proc itself) into a buffer allocated once, so a listing
//! at every sample makes no heap allocation.

use rustix::fd::AsFd;
use rustix::fs::{RawDir, SeekFrom};
use rustix::io::Errno;
use std::ffi::CStr;
use std::mem::MaybeUninit;

/// Bytes of directory entries read per getdents64 call.
const DENTS: usize = 32 * 1024;

/// A reusable buffer for listing directories.
pub struct Dents {
    buf: Box<[MaybeUninit<u8>]>,
}

impl Default for Dents {
    fn default() -> Dents {
        Dents {
            buf: vec![MaybeUninit::uninit(); DENTS].into_boxed_slice(),
        }
    }
}

/// Why a listing stopped: the directory could not be read, or the
/// callback said so.
pub enum Stop<E> {
    Sys(Errno),
    By(E),
}

impl Dents {
    /// Calls `f` with the name of every entry of `dir` but `.` and `..`,
    /// from the start of the directory (it is rewound first, so a held
    /// directory fd is listed afresh at every call).
    pub fn each<E>(
        &mut self,
        dir: impl AsFd,
        mut f: impl FnMut(&CStr) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        let dir = dir.as_fd();
        rustix::fs::seek(dir, SeekFrom::Start(0)).map_err(Stop::Sys)?;
        let mut it = RawDir::new(dir, &mut self.buf);
        while let Some(e) = it.next() {
            let e = match e {
                Ok(e) => e,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(Stop::Sys(e)),
            };
            let name = e.file_name();
            let b = name.to_bytes();
            if b != b"." && b != b".." {
                f(name).map_err(Stop::By)?;
            }
        }
        Ok(())
    }
}
