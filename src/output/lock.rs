//! The lock on a results directory: one process at a time writes it.
//!
//! A job, a merge (on its `--out`) and a sweep hold an exclusive advisory lock
//! ([`fs4`], `flock` on Unix) on `DIR/.lock` for as long as they run; a second
//! process that wants the same directory is refused at once with the holder's
//! process id, which the holder writes into the file. The operating system
//! releases the lock when its holder exits, however it exits, so a killed job
//! never leaves a directory locked — only, perhaps, a stale `.lock` file, which
//! the next process takes over.
//!
//! The holder deletes the file when it is done (before closing it, so that no
//! other process can take the lock of a file that is about to vanish), and a
//! process that wins the lock checks that the path still names the file it
//! locked, trying again otherwise: two processes never both believe they hold
//! the directory.

use super::OutputError;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file inside a results directory.
pub const LOCK_FILE: &str = ".lock";

/// An exclusive lock on a results directory, released (and its file deleted)
/// when dropped.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
    // Closing the file releases the lock; it is dropped after `drop` below
    // has deleted the path.
    _file: File,
}

impl DirLock {
    /// Lock `dir` (created if missing), or say which process holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock, OutputError> {
        fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| OutputError::io(&path, e))?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(OutputError::Locked {
                        dir: dir.to_path_buf(),
                        pid: holder(&path),
                    });
                }
                Err(fs4::TryLockError::Error(e)) => return Err(OutputError::io(&path, e)),
            }
            // The previous holder may have deleted the file between our open
            // and our lock: then we hold a lock nobody else can see.
            let named = fs::metadata(&path).ok();
            let held = file.metadata().map_err(|e| OutputError::io(&path, e))?;
            if !named.is_some_and(|n| same_file(&n, &held)) {
                continue;
            }
            let mut record = || -> std::io::Result<()> {
                file.set_len(0)?;
                file.rewind()?;
                writeln!(file, "{}", std::process::id())?;
                file.flush()
            };
            record().map_err(|e| OutputError::io(&path, e))?;
            return Ok(DirLock { path, _file: file });
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Is `dir` locked by some process right now? The holder's pid (if it could
/// be read) when it is; `None` when it is free or has no lock file. Opens the
/// lock file read-only and never creates it, so a directory one may only read
/// can be asked.
pub fn in_use(dir: &Path) -> Option<Option<u32>> {
    let path = dir.join(LOCK_FILE);
    let file = File::open(&path).ok()?;
    match fs4::FileExt::try_lock_shared(&file) {
        Err(fs4::TryLockError::WouldBlock) => Some(holder(&path)),
        _ => None,
    }
}

/// The pid written in a lock file, if it can be read yet.
fn holder(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path)
        .ok()?
        .take(64)
        .read_to_string(&mut text)
        .ok()?;
    text.trim().parse().ok()
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    // Elsewhere an open file cannot be deleted, so the path still names it.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid_and_the_file_goes_with_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let first = DirLock::acquire(&dir).unwrap();
        assert!(dir.join(LOCK_FILE).is_file());
        match DirLock::acquire(&dir) {
            Err(OutputError::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {other:?}"),
        }
        assert_eq!(in_use(&dir), Some(Some(std::process::id())));
        drop(first);
        assert!(!dir.join(LOCK_FILE).exists());
        assert_eq!(in_use(&dir), None);
        // A stale file (its holder was killed) is taken over.
        fs::write(dir.join(LOCK_FILE), "99999999\n").unwrap();
        let again = DirLock::acquire(&dir).unwrap();
        drop(again);
    }
}
