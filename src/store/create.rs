//! Building a new database where none exists: under a lock file, so racing
//! first runs build it once and the others wait; at a temporary name beside
//! the target, renamed into place only when complete, so a killed or failed
//! build (a full disk) leaves no half-built database and no stray journal.

use super::{Store, StoreError};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a run waits for another one building the same database.
const BUILD_WAIT: Duration = Duration::from_secs(600);

/// `<path>.lock`, held (flock) while a database is being built.
struct BuildLock {
    file: std::fs::File,
    path: PathBuf,
}

impl BuildLock {
    fn acquire(db: &Path, waiting: impl FnOnce()) -> Result<BuildLock, StoreError> {
        let path = PathBuf::from(format!("{}.lock", db.display()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        let try_lock = || {
            // SAFETY: flock on a descriptor this function owns.
            unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
        };
        if !try_lock() {
            waiting();
            let started = Instant::now();
            while !try_lock() {
                if started.elapsed() > BUILD_WAIT {
                    return Err(StoreError::Invalid(format!(
                        "{}: another Marquee process has been building this database for {} s; try again later",
                        db.display(),
                        BUILD_WAIT.as_secs()
                    )));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(BuildLock { file, path })
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Unlinked before it is unlocked: a process waiting on it then finds the database built.
        let _ = std::fs::remove_file(&self.path);
        // SAFETY: unlocking the descriptor we locked.
        unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// The SQLite files a database at `path` may have.
fn files_of(path: &Path) -> [PathBuf; 4] {
    ["", "-wal", "-shm", "-journal"].map(|s| PathBuf::from(format!("{}{s}", path.display())))
}

/// Build the database at `path` with `fill`, unless another process built
/// it while this one waited for the lock.
pub fn build(
    path: &Path,
    waiting: impl FnOnce(),
    fill: impl FnOnce(&mut Store) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let made_dir = !dir.exists();
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let lock = BuildLock::acquire(path, waiting)?;
    if super::exists(path)? {
        return Ok(());
    }
    let name = path
        .file_name()
        .map_or("marquee.db".into(), |n| n.to_string_lossy());
    let temp = dir.join(format!(".{name}.building-{}", std::process::id()));
    let result = (|| {
        for f in files_of(&temp) {
            let _ = std::fs::remove_file(f);
        }
        let mut store = Store::create_new(&temp, path)?;
        fill(&mut store)?;
        // Fold the WAL into the file, so the file alone is the database.
        store
            .conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| StoreError::sqlite(path, e))?;
        drop(store);
        std::fs::rename(&temp, path).map_err(|e| StoreError::io(path, e))?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        for f in files_of(&temp) {
            let _ = std::fs::remove_file(f);
        }
        drop(lock);
        if made_dir {
            let _ = std::fs::remove_dir(&dir);
        }
    }
    result
}
